//! The mailboxes Chinese bureaus really have, each provider's rule kept by
//! a loopback proxy in front of a real Dovecot (`ImapProxy`): NetEase
//! 163/126 and Coremail refuse SELECT with “Unsafe Login” until the client
//! has sent an RFC 2971 ID; QQ Mail does not list ID and drops a client
//! that sends it. And SMTP servers with and without AUTH (aiosmtpd).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Output;

use crate::common::servers::{free_port, Dovecot, ImapProxy, ImapRule, SmtpSink, PASSWORD, USER};
use crate::mail::{assert_no_password_in, config, jucai, notify_inbox, ok, paths, sample_mail};

/// Dovecot with three of the sample's messages in its inbox.
fn mailbox() -> Dovecot {
    let dovecot = Dovecot::start(false);
    dovecot.client(&[&["append-raw"][..], &paths(&sample_mail("2023Q2"))[..3]].concat());
    dovecot
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A bare IMAP conversation through the proxy: the greeting, a LOGIN, then
/// `command`; returns the greeting and the lines answering `command` (none
/// when the server hung up).
fn converse(port: u16, command: &str) -> (String, Vec<String>) {
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let greeting = line.clone();
    let mut answer = |tag: &str, text: &str| -> Vec<String> {
        writer
            .write_all(format!("{tag} {text}\r\n").as_bytes())
            .unwrap();
        let mut lines = Vec::new();
        loop {
            let mut l = String::new();
            if reader.read_line(&mut l).unwrap_or(0) == 0 {
                return lines;
            }
            let done = l.starts_with(&format!("{tag} "));
            lines.push(l);
            if done {
                return lines;
            }
        }
    };
    let login = answer("a", &format!("LOGIN {USER} \"{PASSWORD}\""));
    assert!(
        login.last().is_some_and(|l| l.starts_with("a OK")),
        "{login:?}"
    );
    (greeting, answer("b", command))
}

#[test]
fn the_netease_rule_bites_a_client_without_id() {
    let dovecot = mailbox();
    let proxy = ImapProxy::start(dovecot.port, ImapRule::IdBeforeSelect);
    let (greeting, answer) = converse(proxy.port, "EXAMINE INBOX");
    assert!(greeting.contains("Coremail"), "{greeting}");
    assert!(
        answer.iter().any(|l| l.contains("Unsafe Login")),
        "{answer:?}"
    );
}

#[test]
fn netease_and_coremail_mailboxes_are_read_after_jucai_says_who_it_is() {
    let dovecot = mailbox();
    let proxy = ImapProxy::start(dovecot.port, ImapRule::IdBeforeSelect);
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), Some(&proxy.url()), None, "provider = \"163\"");
    let out = jucai(dir.path(), &["intake", "--mailbox"]);
    let stdout = ok(&out);
    assert!(stdout.contains("本次收取 3 封"), "{stdout}");
    assert_no_password_in(&out);
    let commands = proxy.commands();
    let at = |c: &str| commands.iter().position(|x| x == c);
    let (login, id, examine) = (at("LOGIN"), at("ID"), at("EXAMINE"));
    assert!(
        login < id && id < examine && login.is_some(),
        "ID after LOGIN and before the folder is opened: {commands:?}"
    );
}

#[test]
fn the_qq_rule_drops_a_client_that_sends_id() {
    let dovecot = mailbox();
    let proxy = ImapProxy::start(dovecot.port, ImapRule::NoId);
    let (_, capability) = converse(proxy.port, "CAPABILITY");
    let listed = capability
        .iter()
        .find(|l| l.starts_with("* CAPABILITY"))
        .unwrap();
    assert!(
        listed.contains("IMAP4rev1") && !listed.contains(" ID "),
        "{listed}"
    );
    let (_, answer) = converse(proxy.port, "ID NIL");
    assert!(
        answer.is_empty(),
        "disconnected without an answer: {answer:?}"
    );
}

#[test]
fn qq_mail_is_never_sent_an_id_and_is_read() {
    let dovecot = mailbox();
    let proxy = ImapProxy::start(dovecot.port, ImapRule::NoId);
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), Some(&proxy.url()), None, "provider = \"qq\"");
    let stdout = ok(&jucai(dir.path(), &["intake", "--mailbox"]));
    assert!(stdout.contains("本次收取 3 封"), "{stdout}");
    let commands = proxy.commands();
    assert!(!commands.iter().any(|c| c == "ID"), "{commands:?}");
    assert!(commands.iter().any(|c| c == "EXAMINE"), "{commands:?}");
}

/// Regression: the folder error was “no response: outcome: Outcome { code:
/// None, information: Some(…) }”, a Rust debug dump in a Chinese message.
#[test]
fn a_mailbox_without_imap_switched_on_says_what_to_do_in_chinese() {
    let dovecot = mailbox();
    let proxy = ImapProxy::start(dovecot.port, ImapRule::UnsafeAlways);
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), Some(&proxy.url()), None, "provider = \"126\"");
    let out = jucai(dir.path(), &["intake", "--mailbox"]);
    assert_eq!(out.status.code(), Some(2));
    let text = stderr(&out);
    for want in [
        "无法打开邮件文件夹“INBOX”",
        "Unsafe Login",
        "开启 IMAP/SMTP 服务",
        "授权码",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    assert!(
        !text.contains("Outcome") && !text.contains("Some("),
        "{text}"
    );
    assert_no_password_in(&out);
}

#[test]
fn a_refused_login_names_the_providers_authorisation_code() {
    let dovecot = mailbox();
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), Some(&dovecot.url()), None, "provider = \"qq\"");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jucai"))
        .current_dir(dir.path())
        .args(["intake", "--mailbox"])
        .env("JUCAI_MAIL_PASSWORD", "the-web-password-8812")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = stderr(&out);
    assert!(text.contains("拒绝了用户 rczx 的登录"), "{text}");
    assert!(
        text.contains("QQ 邮箱") && text.contains("生成授权码"),
        "{text}"
    );
    assert!(!text.contains("the-web-password-8812"), "{text}");
}

/// Units to notify: the sample's mail taken in.
fn notify_folder(smtp: &str, extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), None, Some(smtp), extra);
    notify_inbox(dir.path());
    ok(&jucai(dir.path(), &["intake", "inbox"]));
    dir
}

fn send(dir: &Path) -> Output {
    jucai(dir, &["notify", "--period", "2023Q3", "--send"])
}

/// Regression: with `user` set and a server without AUTH, every notice
/// failed with “internal client error: No compatible authentication
/// mechanism was found”, 26 times, in English.
#[test]
fn smtp_without_auth_is_one_chinese_error_and_sends_with_smtp_auth_false() {
    let sink = SmtpSink::start_without_auth();
    let dir = notify_folder(&sink.url(), "");
    let out = send(dir.path());
    assert_eq!(out.status.code(), Some(2));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert_eq!(text.matches("smtp_auth = false").count(), 1, "{text}");
    assert!(text.contains("不提供登录（AUTH）"), "{text}");
    assert!(!text.contains("internal client error"), "{text}");
    assert!(sink.accepted().is_empty());

    let dir = notify_folder(&sink.url(), "smtp_auth = false");
    ok(&send(dir.path()));
    assert!(sink.accepted().len() > 20, "{}", sink.accepted().len());
}

#[test]
fn a_refused_smtp_login_or_an_unreachable_server_is_one_error_and_nothing_is_lost() {
    let sink = SmtpSink::start(&[]);
    let dir = notify_folder(&sink.url(), "");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jucai"))
        .current_dir(dir.path())
        .args(["notify", "--period", "2023Q3", "--send"])
        .env("JUCAI_MAIL_PASSWORD", "wrong-7731")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = stderr(&out);
    assert_eq!(text.matches("拒绝了用户 rczx 的登录").count(), 1, "{text}");
    assert!(
        text.contains("授权码") && !text.contains("wrong-7731"),
        "{text}"
    );

    let nowhere = format!("smtp://127.0.0.1:{}", free_port());
    let dir = notify_folder(&nowhere, "");
    let out = send(dir.path());
    assert_eq!(out.status.code(), Some(2));
    let text = stderr(&out);
    assert_eq!(text.matches("无法连接发件服务器").count(), 1, "{text}");
    // Nothing was recorded as tried: pointed at a server that works, the
    // same folder sends every notice.
    config(dir.path(), None, Some(&sink.url()), "");
    ok(&send(dir.path()));
    assert!(sink.accepted().len() > 20, "{}", sink.accepted().len());
}
