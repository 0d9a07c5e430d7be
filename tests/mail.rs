//! The centre's mailbox against real servers: Dovecot for IMAP (messages
//! put there by Python's imaplib, built by its `email` package), aiosmtpd
//! for SMTP. Each test starts its own servers on free loopback ports and
//! stops them when done.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Output;

use mail_parser::{MessageParser, MimeHeaders};

use crate::common::servers::{Cutter, Dovecot, SmtpSink, PASSWORD, USER};
use crate::common::{root, sample_platform};

/// `jucai.toml` for a test folder: the sample registry, the archive and
/// outputs inside `dir`, and `[mail]` with the given servers.
pub(crate) fn config(dir: &Path, imap: Option<&str>, smtp: Option<&str>, extra: &str) {
    let mut mail = format!(
        "[mail]\nuser = \"{USER}\"\npassword_env = \"JUCAI_MAIL_PASSWORD\"\n\
         from = \"东胜区民政人才工作中心 <rencai@dsmz.example.cn>\"\n{extra}\n"
    );
    if let Some(i) = imap {
        mail.push_str(&format!("imap = \"{i}\"\n"));
    }
    if let Some(s) = smtp {
        mail.push_str(&format!("smtp = \"{s}\"\n"));
    }
    let text = format!(
        "platform = \"{}\"\ninput = \"inbox\"\narchive = \"archive\"\noutput = \"output\"\n{mail}",
        sample_platform()
    );
    std::fs::write(dir.join("jucai.toml"), text).unwrap();
}

/// Run jucai in `dir` with the mailbox password in its environment.
pub(crate) fn jucai(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_jucai"))
        .current_dir(dir)
        .args(args)
        .env("JUCAI_MAIL_PASSWORD", PASSWORD)
        .output()
        .expect("jucai runs")
}

pub(crate) fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "jucai failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The sample's messages for one period.
pub(crate) fn sample_mail(period: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("sample-input/inbox").join(period))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    files.sort();
    files
}

/// What the Python client appended: each message's SHA-256 and those of the
/// workbooks in it.
struct Appended {
    message: String,
    workbooks: Vec<String>,
}

fn appended(json: &str) -> Vec<Appended> {
    let v: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|m| Appended {
            message: m["sha256"].as_str().unwrap().to_string(),
            workbooks: m["workbooks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w.as_str().unwrap().to_string())
                .collect(),
        })
        .collect()
}

pub(crate) fn paths(files: &[PathBuf]) -> Vec<&str> {
    files.iter().map(|p| p.to_str().unwrap()).collect()
}

/// The store's taken messages: (uid, hash).
fn taken(archive: &Path) -> Vec<(i64, String)> {
    let conn = rusqlite::Connection::open(archive.join("index.sqlite")).unwrap();
    let mut stmt = conn
        .prepare("SELECT uid, hash FROM mail_messages ORDER BY uid")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn object(archive: &Path, hash: &str) -> Vec<u8> {
    jucai::archive::Objects::new(archive).get(hash).unwrap()
}

/// The hash of every file recorded in the archive, with its count.
fn reception_hashes(archive: &Path) -> BTreeMap<String, usize> {
    let a = jucai::archive::Archive::open(archive).unwrap();
    let mut out = BTreeMap::new();
    for r in a.records() {
        *out.entry(r.hash.clone()).or_default() += 1;
    }
    out
}

/// The password in none of the files under `dir`.
fn assert_no_password_under(dir: &Path) {
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                !bytes
                    .windows(PASSWORD.len())
                    .any(|w| w == PASSWORD.as_bytes()),
                "the password is in {}",
                entry.path().display()
            );
        }
    }
}

pub(crate) fn assert_no_password_in(out: &Output) {
    for stream in [&out.stdout, &out.stderr] {
        assert!(!String::from_utf8_lossy(stream).contains(PASSWORD));
    }
}

#[test]
fn mailbox_intake_keeps_every_message_and_workbook_byte_exact_and_takes_each_once() {
    let dovecot = Dovecot::start(false);
    let sent = appended(
        &dovecot.client(&[&["append-set"][..], &paths(&sample_mail("2023Q3"))[..8]].concat()),
    );
    let n = sent.len();
    assert!(
        n > 5,
        "five shapes (the zip carrying two workbooks), then plain ones"
    );
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), Some(&dovecot.url()), None, "");
    let out = jucai(dir.path(), &["intake", "--mailbox"]);
    let stdout = ok(&out);
    assert!(stdout.contains(&format!("本次收取 {n} 封")), "{stdout}");
    assert_no_password_in(&out);

    let archive = dir.path().join("archive");
    let got = taken(&archive);
    assert_eq!(got.len(), n);
    for (m, (_, hash)) in sent.iter().zip(&got) {
        assert_eq!(&m.message, hash, "the raw message is stored as received");
        assert_eq!(jucai::hash::sha256_hex(&object(&archive, hash)), m.message);
    }
    let files = reception_hashes(&archive);
    for w in sent.iter().flat_map(|m| &m.workbooks) {
        assert_eq!(files.get(w), Some(&1), "every workbook byte-exact, once");
    }
    // The photo was received too (and quarantined), not dropped.
    let a = jucai::archive::Archive::open(&archive).unwrap();
    assert!(a.quarantine().any(|r| r.original_name == "活动照片.jpg"));
    // The GBK name came through.
    assert!(a
        .records()
        .iter()
        .all(|r| !r.original_name.contains('\u{FFFD}')));

    let again = ok(&jucai(dir.path(), &["intake", "--mailbox"]));
    assert!(
        again.contains("其中 0 封此前没有收取过，本次收取 0 封"),
        "{again}"
    );
    assert_eq!(taken(&archive).len(), n);

    let later = appended(&dovecot.client(&["append-raw", paths(&sample_mail("2023Q3"))[10]]));
    let third = ok(&jucai(dir.path(), &["intake", "--mailbox"]));
    assert!(third.contains("本次收取 1 封"), "{third}");
    let got = taken(&archive);
    assert_eq!(got.len(), n + 1);
    assert_eq!(got[n].1, later[0].message);

    // Nothing was changed on the server: every message is there, unread.
    let flags: Vec<String> = serde_json::from_str(dovecot.client(&["flags"]).trim()).unwrap();
    assert_eq!(flags.len(), n + 1, "{flags:?}");
    assert!(flags.iter().all(|f| !f.contains("\\Seen")), "{flags:?}");
    assert_no_password_under(dir.path());
}

#[test]
fn mark_seen_flags_only_what_was_taken() {
    let dovecot = Dovecot::start(false);
    dovecot.client(&[&["append-raw"][..], &paths(&sample_mail("2023Q2"))[..3]].concat());
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), Some(&dovecot.url()), None, "");
    ok(&jucai(dir.path(), &["intake", "--mailbox", "--mark-seen"]));
    let flags: Vec<String> = serde_json::from_str(dovecot.client(&["flags"]).trim()).unwrap();
    assert_eq!(flags.len(), 3);
    assert!(flags.iter().all(|f| f.contains("\\Seen")), "{flags:?}");
}

#[test]
fn a_connection_cut_mid_batch_loses_nothing_and_the_rerun_takes_each_message_once() {
    let mut dovecot = Dovecot::start(false);
    let mail = sample_mail("2023Q3");
    let sent = appended(&dovecot.client(&[&["append-raw"][..], &paths(&mail)[..]].concat()));
    let sizes: Vec<u64> = mail
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .collect();
    // Enough bytes for the greeting, login, listing and about four messages.
    let budget = 2_000 + sizes[..4].iter().sum::<u64>() as usize;
    let cutter = Cutter::start(dovecot.port, budget);
    let dir = tempfile::tempdir().unwrap();
    config(
        dir.path(),
        Some(&format!("imap://127.0.0.1:{}", cutter.port)),
        None,
        "batch = 3",
    );
    let cut = jucai(dir.path(), &["intake", "--mailbox"]);
    assert_eq!(cut.status.code(), Some(2), "a cut connection is reported");
    let stderr = String::from_utf8_lossy(&cut.stderr);
    assert!(
        stderr.contains("连接中断") && stderr.contains("再次运行会接着收取"),
        "{stderr}"
    );
    let archive = dir.path().join("archive");
    let first = taken(&archive).len();
    assert!(
        first > 0 && first < mail.len(),
        "{first} of {} taken before the cut",
        mail.len()
    );

    // The server goes down and comes back; the next run takes the rest.
    dovecot.restart();
    config(dir.path(), Some(&dovecot.url()), None, "batch = 3");
    let rest = ok(&jucai(dir.path(), &["intake", "--mailbox"]));
    assert!(
        rest.contains(&format!("本次收取 {} 封", mail.len() - first)),
        "{rest}"
    );
    let got = taken(&archive);
    let hashes: HashSet<&String> = got.iter().map(|(_, h)| h).collect();
    assert_eq!(got.len(), mail.len(), "each message exactly once");
    assert_eq!(hashes.len(), mail.len());
    for m in &sent {
        assert!(hashes.contains(&m.message));
    }
    // No attachment was recorded twice either.
    let a = jucai::archive::Archive::open(&archive).unwrap();
    let keys: HashSet<&str> = a.records().iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys.len(), a.records().len());
}

#[test]
fn tls_with_a_self_signed_certificate_is_refused_without_ca_and_accepted_with_it() {
    let dovecot = Dovecot::start(true);
    dovecot.client(&["append-raw", paths(&sample_mail("2023Q3"))[0]]);
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), Some(&dovecot.url()), None, "");
    let refused = jucai(dir.path(), &["intake", "--mailbox"]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("加密连接失败") && stderr.contains("[mail] ca"),
        "{stderr}"
    );
    assert!(
        !dir.path().join("archive/index.sqlite").exists()
            || taken(&dir.path().join("archive")).is_empty()
    );

    let ca = dir.path().join("ca.pem");
    std::fs::copy(dovecot.cert(), &ca).unwrap();
    config(dir.path(), Some(&dovecot.url()), None, "ca = \"ca.pem\"");
    let out = ok(&jucai(dir.path(), &["intake", "--mailbox"]));
    assert!(out.contains("本次收取 1 封"), "{out}");
}

#[test]
fn run_takes_the_mailbox_in_and_goes_on_without_it_when_it_cannot_be_reached() {
    let dovecot = Dovecot::start(false);
    dovecot.client(&[&["append-raw"][..], &paths(&sample_mail("2023Q3"))[..3]].concat());
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), Some(&dovecot.url()), None, "");
    let out = ok(&jucai(dir.path(), &["run"]));
    assert!(out.contains("本次收取 3 封"), "{out}");
    assert!(dir.path().join("output/2023Q3").is_dir(), "{out}");

    // Nothing listens there now: a warning, and the reports are still made.
    let port = crate::common::servers::free_port();
    config(
        dir.path(),
        Some(&format!("imap://127.0.0.1:{port}")),
        None,
        "",
    );
    let out = jucai(dir.path(), &["run"]);
    let stdout = ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("从邮箱收取失败") && stderr.contains("无法连接邮件服务器"),
        "{stderr}"
    );
    assert!(stdout.contains("2023年第三季度"), "{stdout}");
}

#[test]
fn plain_imap_to_another_host_is_refused_when_the_configuration_is_read() {
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), Some("imap://mail.example.gov.cn"), None, "");
    let out = jucai(dir.path(), &["intake", "--mailbox"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("只允许连接本机"), "{stderr}");
}

#[test]
fn a_wrong_password_is_a_login_error_that_does_not_show_the_password() {
    let dovecot = Dovecot::start(false);
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), Some(&dovecot.url()), None, "");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jucai"))
        .current_dir(dir.path())
        .args(["intake", "--mailbox"])
        .env("JUCAI_MAIL_PASSWORD", "wrong-Pw-5521")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("拒绝了用户 rczx 的登录"), "{stderr}");
    assert!(!stderr.contains("wrong-Pw-5521"));
}

/// The sample's 2023Q2 and 2023Q3 mail without two units' 2023Q3 messages,
/// and a later 2023Q3 version of 罕台镇's with an error in it.
pub(crate) fn notify_inbox(dir: &Path) {
    let inbox = dir.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    for period in ["2023Q2", "2023Q3"] {
        for eml in sample_mail(period) {
            let name = eml.file_name().unwrap().to_string_lossy().into_owned();
            let withheld = period == "2023Q3"
                && (name.contains("东胜区殡葬服务人才工作站")
                    || name.contains("铜川镇社工人才工作室"));
            if !withheld {
                std::fs::copy(&eml, inbox.join(format!("{period}-{name}"))).unwrap();
            }
        }
    }
    let mut book = crate::common::clean_book();
    book.set("人才信息台账", 0, "姓名", crate::common::Cell::Empty);
    let message = mail_builder::MessageBuilder::new()
        .from(("王丽娟", "u1506020101@dsmz.example.cn"))
        .to(("东胜区民政人才工作中心", "rencai@dsmz.example.cn"))
        .subject("罕台镇社工人才工作室2023年第三季度台账（更新）")
        .header(
            "Date",
            mail_builder::headers::raw::Raw::new("Fri, 20 Oct 2023 09:30:00 +0800"),
        )
        .message_id("hantai.update.2023Q3@client.test")
        .text_body("更新版")
        .attachment(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "罕台镇社工人才工作室-2023Q3-更新.xlsx",
            book.bytes(),
        )
        .write_to_vec()
        .unwrap();
    std::fs::write(inbox.join("hantai-update.eml"), message).unwrap();
}

/// A sent message: its recipient, subject and attachments.
struct Got {
    to: String,
    subject: String,
    attachments: Vec<(String, Vec<u8>)>,
}

fn parse(raw: &[u8], to: &str) -> Got {
    let m = MessageParser::default().parse(raw).unwrap();
    Got {
        to: to.to_string(),
        subject: m.subject().unwrap_or_default().to_string(),
        attachments: m
            .attachments()
            .map(|a| {
                (
                    a.attachment_name().unwrap_or_default().to_string(),
                    a.contents().to_vec(),
                )
            })
            .collect(),
    }
}

#[test]
fn notify_sends_every_unit_one_notice_of_its_kind_and_a_rerun_sends_nothing() {
    let sink = SmtpSink::start(&["u1506020105@dsmz.example.cn"]);
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), None, Some(&sink.url()), "");
    notify_inbox(dir.path());
    ok(&jucai(dir.path(), &["intake", "inbox"]));

    let preview = ok(&jucai(dir.path(), &["notify", "--period", "2023Q3"]));
    assert!(preview.contains("确认无误后加 --send 发出"), "{preview}");
    assert!(sink.accepted().is_empty(), "nothing is sent without --send");
    let outbox: Vec<PathBuf> = std::fs::read_dir(dir.path().join("output/2023Q3/outbox"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();

    // 兴胜 (150602-01-05) is refused by the server: reported, kept, retried.
    let out = jucai(dir.path(), &["notify", "--period", "2023Q3", "--send"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("再次运行 jucai notify --send 会重发"));
    assert_no_password_in(&out);
    let accepted: Vec<Got> = sink
        .accepted()
        .iter()
        .map(|a| {
            assert_eq!(a.from, "rencai@dsmz.example.cn");
            assert_eq!(a.to.len(), 1);
            parse(&a.raw, &a.to[0])
        })
        .collect();
    assert_eq!(
        accepted.len(),
        outbox.len() - 1,
        "every previewed notice but the refused one"
    );

    let registry = crate::common::sample_registry();
    let archive = jucai::archive::Archive::open(&dir.path().join("archive")).unwrap();
    let period: jucai::period::Period = "2023Q3".parse().unwrap();
    let mut expected = 0;
    for unit in registry
        .units()
        .iter()
        .filter(|u| u.level != jucai::registry::Level::Centre)
    {
        let kind = match archive.newest(&unit.code, period) {
            None => "催报",
            Some(r) if r.errors > 0 => "退回",
            Some(_) => "回执",
        };
        let mine: Vec<&Got> = accepted
            .iter()
            .filter(|g| g.subject.starts_with(&format!("【{kind}】{}", unit.name)))
            .collect();
        let reachable = unit.email.is_some()
            || archive
                .records()
                .iter()
                .any(|r| r.unit.as_deref() == Some(&unit.code) && r.sender.is_some());
        let refused = unit.code == "150602-01-05";
        let n = usize::from(reachable && !refused);
        expected += n;
        assert_eq!(mine.len(), n, "{} gets {n} {kind}", unit.name);
        let others = accepted
            .iter()
            .filter(|g| {
                g.subject.contains(&unit.name) && !g.subject.starts_with(&format!("【{kind}】"))
            })
            .count();
        assert_eq!(others, 0, "{} gets no notice of another kind", unit.name);
        if let (Some(email), Some(got)) = (&unit.email, mine.first()) {
            assert_eq!(&got.to, email, "the registry's address comes first");
        }
    }
    assert_eq!(expected, accepted.len());

    let by_unit = |name: &str| accepted.iter().find(|g| g.subject.contains(name)).unwrap();
    // 殡葬服务人才工作站 sent nothing for 2023Q3: reminded at its registry address, template attached.
    let reminder = by_unit("东胜区殡葬服务人才工作站");
    assert!(reminder.subject.starts_with("【催报】"));
    assert_eq!(reminder.to, "zhan03@dsmz.example.cn");
    assert!(
        reminder.attachments[0].0.ends_with("台账.xlsx"),
        "{:?}",
        reminder.attachments[0].0
    );
    // 铜川镇 too, at the address its 2023Q2 mail came from.
    assert_eq!(
        by_unit("铜川镇社工人才工作室").to,
        "u1506020103@dsmz.example.cn"
    );
    // 罕台镇's newest version has an error: returned with the feedback workbook written.
    let returned = by_unit("罕台镇社工人才工作室");
    assert!(
        returned.subject.starts_with("【退回】"),
        "{}",
        returned.subject
    );
    let (name, bytes) = &returned.attachments[0];
    let written = std::fs::read(dir.path().join("output/2023Q3/校验反馈").join(name)).unwrap();
    assert_eq!(
        bytes, &written,
        "the feedback workbook attached is the one written"
    );

    // The refused one is sent now; nothing else again.
    let sink2 = SmtpSink::start(&[]);
    config(dir.path(), None, Some(&sink2.url()), "");
    ok(&jucai(
        dir.path(),
        &["notify", "--period", "2023Q3", "--send"],
    ));
    let retried = sink2.accepted();
    assert_eq!(retried.len(), 1);
    assert_eq!(
        retried[0].to,
        vec!["u1506020105@dsmz.example.cn".to_string()]
    );
    let rerun = ok(&jucai(
        dir.path(),
        &["notify", "--period", "2023Q3", "--send"],
    ));
    assert!(rerun.contains("发出 0 封"), "{rerun}");
    assert_eq!(sink2.accepted().len(), 1, "a rerun sends nothing");

    // A corrected version gets its 回执; nobody else hears again.
    let mut fixed = crate::common::clean_book();
    fixed.set_cover("填报日期", crate::common::Cell::Date(2023, 10, 22));
    std::fs::write(dir.path().join("fixed.xlsx"), fixed.bytes()).unwrap();
    ok(&jucai(dir.path(), &["intake", "fixed.xlsx"]));
    ok(&jucai(
        dir.path(),
        &["notify", "--period", "2023Q3", "--send"],
    ));
    let after = sink2.accepted();
    assert_eq!(after.len(), 2);
    let receipt = parse(&after[1].raw, &after[1].to[0]);
    assert!(
        receipt.subject.starts_with("【回执】罕台镇社工人才工作室"),
        "{}",
        receipt.subject
    );

    // --again reminds once more.
    ok(&jucai(
        dir.path(),
        &["notify", "--period", "2023Q3", "--send", "--again"],
    ));
    assert!(sink2.accepted().len() > 2);
    assert_no_password_under(dir.path());
}

#[test]
fn notice_previews_are_the_same_bytes_on_every_run() {
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), None, None, "");
    notify_inbox(dir.path());
    ok(&jucai(dir.path(), &["intake", "inbox"]));
    let read_all = |dir: &Path| -> BTreeMap<String, Vec<u8>> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let p = e.unwrap().path();
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect()
    };
    ok(&jucai(dir.path(), &["notify", "--period", "2023Q3"]));
    let outbox = dir.path().join("output/2023Q3/outbox");
    let first = read_all(&outbox);
    ok(&jucai(dir.path(), &["notify", "--period", "2023Q3"]));
    assert_eq!(first, read_all(&outbox));
    assert!(first.keys().any(|k| k.ends_with("-退回.eml")));
    assert!(first.keys().any(|k| k.ends_with("-催报.eml")));
    // Chinese attachment names survive a real client's parser (Python's email).
    let returned = first
        .iter()
        .find(|(k, _)| k.ends_with("-退回.eml"))
        .unwrap();
    let path = outbox.join(returned.0);
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import email,sys;from email import policy;\
             m=email.message_from_binary_file(open(sys.argv[1],'rb'),policy=policy.default);\
             print(m['Subject']);[print(p.get_filename()) for p in m.iter_attachments()]",
        )
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("【退回】罕台镇社工人才工作室") && text.contains("校验反馈.xlsx"),
        "{text}"
    );
}

/// A unit whose only 2023Q3 file was a RAR is sent it back with why (not a
/// 催报 that ignores what it sent), the blank template attached; a unit
/// that sent nothing is still reminded.
#[test]
fn a_file_that_cannot_be_read_is_sent_back_saying_why() {
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), None, None, "");
    notify_inbox(dir.path());
    // 铜川镇 has no address in the registry: the one its 2023Q2 ledger came
    // from is where it is answered, and what it sends from is its own.
    let rar = mail_builder::MessageBuilder::new()
        .from(("张建军", "u1506020103@dsmz.example.cn"))
        .to(("东胜区民政人才工作中心", "rencai@dsmz.example.cn"))
        .subject("三季度台账")
        .header(
            "Date",
            mail_builder::headers::raw::Raw::new("Sun, 8 Oct 2023 10:00:00 +0800"),
        )
        .message_id("tongchuan.rar.2023Q3@client.test")
        .text_body("见附件")
        .attachment(
            "application/x-rar-compressed",
            "三季度台账.rar",
            b"Rar!\x1a\x07\x01\x00\x33\x92\xb5\xe5".to_vec(),
        )
        .write_to_vec()
        .unwrap();
    std::fs::write(dir.path().join("inbox/tongchuan-rar.eml"), rar).unwrap();
    ok(&jucai(dir.path(), &["intake", "inbox"]));
    ok(&jucai(dir.path(), &["notify", "--period", "2023Q3"]));
    let outbox = dir.path().join("output/2023Q3/outbox");
    let read = |unit: &str, kind: &str| {
        let path = std::fs::read_dir(&outbox)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                let name = p.file_name().unwrap().to_string_lossy();
                name.contains(unit) && name.ends_with(&format!("-{kind}.eml"))
            })
            .unwrap_or_else(|| panic!("{unit}: a {kind}"));
        std::fs::read(path).unwrap()
    };
    let raw = read("铜川镇社工人才工作室", "退回");
    let message = MessageParser::default().parse(&raw).unwrap();
    assert_eq!(
        message.subject(),
        Some("【退回】铜川镇社工人才工作室发来的2023年第三季度台账无法读取，请重新报送")
    );
    let body = message.body_text(0).unwrap();
    assert!(
        body.contains("三季度台账.rar（2023年10月8日 10:00 收到）"),
        "{body}"
    );
    assert!(body.contains("这是一个 RAR 压缩包"), "{body}");
    let attached: Vec<String> = message
        .attachments()
        .map(|a| a.attachment_name().unwrap_or_default().to_string())
        .collect();
    assert_eq!(attached.len(), 1, "{attached:?}");
    assert!(attached[0].ends_with("台账.xlsx"), "{attached:?}");
    // 殡葬服务人才工作站 sent nothing at all: a 催报, as before.
    let reminder = read("东胜区殡葬服务人才工作站", "催报");
    let reminder = MessageParser::default().parse(&reminder).unwrap();
    assert!(reminder.subject().unwrap().starts_with("【催报】"));
}

/// The 回执 says what changed against the unit's 2023Q2 ledger; one whose
/// roster lost its talents without 流出 records is warned (roster-shrink).
#[test]
fn a_receipt_says_what_changed_and_warns_of_a_roster_sent_half() {
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), None, None, "");
    notify_inbox(dir.path());
    // 铜川镇's 2023Q3: the template sent back with its three rows only.
    let mut book = crate::common::clean_book();
    book.set_cover("单位编码", crate::common::t("150602-01-03"));
    book.set_cover("单位名称", crate::common::t("铜川镇社工人才工作室"));
    let message = mail_builder::MessageBuilder::new()
        .from(("张建军", "u1506020103@dsmz.example.cn"))
        .to(("东胜区民政人才工作中心", "rencai@dsmz.example.cn"))
        .subject("铜川镇社工人才工作室2023年第三季度台账")
        .header(
            "Date",
            mail_builder::headers::raw::Raw::new("Sun, 8 Oct 2023 10:00:00 +0800"),
        )
        .message_id("tongchuan.half.2023Q3@client.test")
        .text_body("见附件")
        .attachment(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "铜川镇2023Q3.xlsx",
            book.bytes(),
        )
        .write_to_vec()
        .unwrap();
    std::fs::write(dir.path().join("inbox/tongchuan-half.eml"), message).unwrap();
    ok(&jucai(dir.path(), &["intake", "inbox"]));
    ok(&jucai(dir.path(), &["notify", "--period", "2023Q3"]));
    let outbox = dir.path().join("output/2023Q3/outbox");
    let body = |unit: &str| {
        let path = std::fs::read_dir(&outbox)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                let name = p.file_name().unwrap().to_string_lossy();
                name.contains(unit) && name.ends_with("-回执.eml")
            })
            .unwrap_or_else(|| panic!("{unit}: a 回执"));
        let raw = std::fs::read(path).unwrap();
        let message = MessageParser::default().parse(&raw).unwrap();
        message.body_text(0).unwrap().into_owned()
    };
    let tongchuan = body("铜川镇社工人才工作室");
    assert!(
        tongchuan.contains("与2023年第二季度报送的相比：新增人才 2 人"),
        "{tongchuan}"
    );
    assert!(
        tongchuan.contains("请注意：名册比2023年第二季度少了"),
        "{tongchuan}"
    );
    // A unit that sent its whole roster is told its changes, not warned.
    let other = body("泊江海子镇社工人才工作室");
    assert!(other.contains("与2023年第二季度报送的相比："), "{other}");
    assert!(!other.contains("请注意：名册"), "{other}");
}
