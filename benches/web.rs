//! The web desk at province size: `/`, `/periods/<P>` and `/units/<code>`
//! under 20 concurrent logged-in clients, measured with `wrk` (Debian) on
//! loopback; the aim is 300 ms at the 95th percentile.
//!
//! Serves a copy of the archive `cargo bench --bench province` leaves in
//! `target/bench-province/2000x8/run/archive` (2,001 units × 4 quarters;
//! run that bench first). The release `jucai serve` runs in a process of
//! its own, as a clerk would start it.
//!
//! `cargo bench --bench web [-- SECONDS]` (default 15 s per page).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CLIENTS: u32 = 20;
const PASSWORD: &str = "bench-password-1";

fn main() {
    let seconds: u32 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(15);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("target/bench-province/2000x8");
    let source = corpus.join("run/archive");
    assert!(
        source.join("index.sqlite").exists(),
        "no province archive in {}: run `cargo bench --bench province` first",
        source.display()
    );
    assert!(tool("wrk"), "wrk is not installed: apt-get install wrk");
    let work = root.join("target/bench-web");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).expect("bench folder");
    copy_dir(&source, &work.join("archive"));
    let config = format!(
        "platform = \"{}\"\narchive = \"archive\"\noutput = \"output\"\n",
        corpus.join("platform.xlsx").display()
    );
    std::fs::write(work.join("jucai.toml"), config).expect("jucai.toml");
    let station = "990000-001";
    let workroom = "990000-001-001";
    add_user(&work, "clerk", &["--role", "centre"]);
    add_user(&work, "station", &["--role", "station", "--unit", station]);
    let port = free_port();
    let mut server = serve(&work, port);
    let clerk = login(port, "clerk");
    let head = login(port, "station");
    let period = "2023Q4";
    let runs = [
        ("clerk", &clerk, "/".to_string()),
        ("clerk", &clerk, format!("/periods/{period}")),
        ("clerk", &clerk, format!("/units/{workroom}")),
        ("station", &head, format!("/periods/{period}")),
    ];
    println!(
        "jucai serve on {} ({CLIENTS} clients, 2 wrk threads, {seconds} s each, 2 cores shared with wrk)",
        corpus.display()
    );
    for (who, cookie, path) in runs {
        // The first visitor after an intake makes what the page is made of.
        let started = Instant::now();
        request(
            port,
            &format!("GET {path} HTTP/1.1\r\nCookie: {cookie}"),
            "",
        );
        println!(
            "{who:8} {path:24} first request {:.2} s",
            started.elapsed().as_secs_f64()
        );
        let (p50, p95, p99, rps) = wrk(port, cookie, &path, seconds);
        println!(
            "{who:8} {path:24} p50 {p50:7.1} ms  p95 {p95:7.1} ms  p99 {p99:7.1} ms  {rps:7.1} req/s  (aim p95 ≤ 300 ms: {})",
            if p95 <= 300.0 { "met" } else { "not met" }
        );
    }
    let _ = server.kill();
    let _ = server.wait();
}

fn tool(name: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

fn copy_dir(from: &Path, to: &Path) {
    let status = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .expect("cp runs");
    assert!(status.success(), "copy the archive");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn add_user(dir: &Path, name: &str, args: &[&str]) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jucai"))
        .current_dir(dir)
        .args(["user", "add", name, "--password-stdin"])
        .args(args)
        .stdin(Stdio::piped())
        .spawn()
        .expect("jucai user add");
    if let Some(mut stdin) = child.stdin.take() {
        let _ = writeln!(stdin, "{PASSWORD}");
    }
    assert!(child.wait().is_ok_and(|s| s.success()), "user add {name}");
}

fn serve(dir: &Path, port: u16) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_jucai"))
        .current_dir(dir)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("jucai serve");
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "jucai serve did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    child
}

/// One request, the raw answer.
fn request(port: u16, head: &str, body: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let _ = write!(
        s,
        "{head}\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

fn cookie_of(reply: &str, name: &str) -> String {
    reply
        .lines()
        .filter_map(|l| l.strip_prefix("set-cookie: "))
        .filter_map(|c| c.split(';').next())
        .find(|c| c.starts_with(&format!("{name}=")) && c.len() > name.len() + 1)
        .expect("cookie")
        .to_string()
}

/// Log in over HTTP; the session cookie.
fn login(port: u16, name: &str) -> String {
    let page = request(port, "GET /login HTTP/1.1", "");
    let pre = cookie_of(&page, "jucai_login");
    let csrf = pre.trim_start_matches("jucai_login=");
    let reply = request(
        port,
        &format!(
            "POST /login HTTP/1.1\r\nCookie: {pre}\r\nContent-Type: application/x-www-form-urlencoded"
        ),
        &format!("username={name}&password={PASSWORD}&csrf={csrf}"),
    );
    cookie_of(&reply, "jucai_session")
}

/// wrk on one page: (p50, p95, p99 in ms, requests per second).
fn wrk(port: u16, cookie: &str, path: &str, seconds: u32) -> (f64, f64, f64, f64) {
    let script = std::env::temp_dir().join("jucai-wrk-percentiles.lua");
    std::fs::write(
        &script,
        "done = function(summary, latency, requests)\n\
         io.write(string.format(\"PCT %f %f %f %f %d\\n\", latency:percentile(50) / 1000, \
         latency:percentile(95) / 1000, latency:percentile(99) / 1000, \
         summary.requests / (summary.duration / 1e6), summary.errors.status))\nend\n",
    )
    .expect("wrk script");
    let out = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{CLIENTS}"),
            &format!("-d{seconds}s"),
            "--timeout",
            "10s",
        ])
        .arg("-s")
        .arg(&script)
        .args(["-H", &format!("Cookie: {cookie}")])
        .arg(format!("http://127.0.0.1:{port}{path}"))
        .output()
        .expect("wrk runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("PCT "))
        .unwrap_or_else(|| panic!("wrk: {text}"));
    let v: Vec<f64> = line
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    assert_eq!(
        v.get(4).copied().unwrap_or(1.0),
        0.0,
        "every answer 2xx/3xx: {text}"
    );
    (v[0], v[1], v[2], v[3])
}
