//! Taking mail in from the centre's mailbox against taking the same
//! messages in from an `.mbox` export: the aim is at most 1.5×.
//!
//! A corpus of about MESSAGES messages comes from `jucai sample --units N
//! --years 1` (generated once into `target/bench-mailbox/`). The messages
//! are put into a Dovecot of the bench's own (as in the tests, on a free
//! loopback port) with Python's imaplib, and written into one `.mbox`.
//! Then, each into a fresh archive and in a process of its own, both
//! `jucai intake corpus.mbox` and `jucai intake --mailbox` are timed, RUNS
//! times each (the median is reported).
//!
//! `cargo bench --bench mailbox [-- MESSAGES]` (default 1000).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The tests' server helpers (`tests/common/servers.rs`) use these two.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn require_tool(tool: &str) {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(found, "{tool} is not installed (scripts/test installs it)");
}

#[allow(dead_code)]
#[path = "../tests/common/servers.rs"]
mod servers;

use servers::{Dovecot, PASSWORD, USER};

const RUNS: usize = 3;

fn main() {
    let wanted: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1000);
    let dir = root().join("target/bench-mailbox");
    let messages = corpus(&dir, wanted);
    let total: u64 = messages
        .iter()
        .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .sum();
    println!(
        "corpus: {} messages, {:.1} MB, in {}",
        messages.len(),
        total as f64 / 1e6,
        dir.display()
    );
    let mbox = dir.join("corpus.mbox");
    write_mbox(&messages, &mbox);
    let dovecot = Dovecot::start(false);
    let started = Instant::now();
    for chunk in messages.chunks(200) {
        let args: Vec<&str> = std::iter::once("append-raw")
            .chain(chunk.iter().map(|p| p.to_str().unwrap_or_default()))
            .collect();
        dovecot.client(&args);
    }
    println!(
        "appended to Dovecot in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let platform = dir.join("corpus/platform.xlsx");
    let mut from_mbox = Vec::new();
    let mut from_imap = Vec::new();
    for run in 0..RUNS {
        let work = dir.join(format!("run-{run}"));
        let _ = std::fs::remove_dir_all(&work);
        std::fs::create_dir_all(&work).expect("run folder");
        write_config(&work, &platform, &dovecot.url());
        from_mbox.push(time(
            &work,
            &[
                "intake",
                mbox.to_str().unwrap_or_default(),
                "--archive",
                "a-mbox",
            ],
        ));
        from_imap.push(time(&work, &["intake", "--mailbox", "--archive", "a-imap"]));
        println!(
            "run {}: mbox {:.2} s, mailbox {:.2} s",
            run + 1,
            from_mbox[run],
            from_imap[run]
        );
    }
    let (m, i) = (median(&mut from_mbox), median(&mut from_imap));
    println!(
        "median: mbox {m:.2} s, mailbox {i:.2} s: mailbox = {:.2}× mbox (aim ≤ 1.5×); {:.0} messages/s from the mailbox",
        i / m,
        messages.len() as f64 / i
    );
}

/// The sample's messages, made once: about `wanted` of them.
fn corpus(dir: &Path, wanted: usize) -> Vec<PathBuf> {
    let out = dir.join("corpus");
    if !out.join("platform.xlsx").exists() {
        // About 4 messages per unit and year, a few more with resubmissions.
        let units = (wanted / 4).max(30);
        let status = Command::new(env!("CARGO_BIN_EXE_jucai"))
            .args(["sample", "--force", "--years", "1", "--units"])
            .arg(units.to_string())
            .arg("--out")
            .arg(&out)
            .status()
            .expect("jucai sample runs");
        assert!(status.success(), "jucai sample");
    }
    let mut emls: Vec<PathBuf> = walkdir::WalkDir::new(out.join("inbox"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    emls.sort();
    emls.truncate(wanted);
    emls
}

/// The messages as one mboxrd file, as a mail client exports them.
fn write_mbox(messages: &[PathBuf], path: &Path) {
    let mut out = Vec::new();
    for m in messages {
        let raw = std::fs::read(m).expect("message");
        out.extend_from_slice(b"From jucai-bench Mon Oct  2 12:00:00 2023\n");
        for line in raw.split_inclusive(|&b| b == b'\n') {
            let bare = line.iter().position(|&b| b != b'>');
            if bare.is_some_and(|i| line[i..].starts_with(b"From ")) {
                out.push(b'>');
            }
            out.extend_from_slice(line);
        }
        out.extend_from_slice(b"\n");
    }
    std::fs::write(path, out).expect("mbox");
}

fn write_config(dir: &Path, platform: &Path, imap: &str) {
    let text = format!(
        "platform = \"{}\"\noutput = \"output\"\n[mail]\nimap = \"{imap}\"\nuser = \"{USER}\"\n\
         password_env = \"JUCAI_MAIL_PASSWORD\"\n",
        platform.display()
    );
    std::fs::write(dir.join("jucai.toml"), text).expect("jucai.toml");
}

/// Wall time of one jucai command in `dir`.
fn time(dir: &Path, args: &[&str]) -> f64 {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_jucai"))
        .current_dir(dir)
        .args(args)
        .env("JUCAI_MAIL_PASSWORD", PASSWORD)
        .output()
        .expect("jucai runs");
    let took = started.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "jucai {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!(
        "  {}",
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or("")
    );
    took
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}
