//! `jucai doctor` against a real set-up: the sample registry, an archive
//! with a centre account, a certificate made by openssl, Dovecot and the
//! SMTP sink. Everything right gives exit 0; each thing a bureau gets
//! wrong is named with what to do, and exit 1.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::common::sample_platform;
use crate::common::servers::{self, Dovecot, SmtpSink, PASSWORD, USER};

/// A certificate for `name`, valid `days` days, and its key.
fn certificate(dir: &Path, name: &str, days: u32) {
    servers::certificate(dir, name, &format!("DNS:{name}"), days);
}

/// `jucai.toml` in `dir` with the sample registry, `archive/`, `output/`,
/// the desk on `host` with the certificate, and `[mail]` for the servers.
fn config(dir: &Path, platform: &str, host: &str, imap: &str, smtp: &str) {
    let text = format!(
        "platform = \"{platform}\"\narchive = \"archive\"\noutput = \"output\"\n\
         [web]\nlisten = \"0.0.0.0:8443\"\ncert = \"cert.pem\"\nkey = \"key.pem\"\nhost = \"{host}\"\n\
         [mail]\nuser = \"{USER}\"\npassword_env = \"JUCAI_MAIL_PASSWORD\"\n\
         from = \"中心 <rczx@dsmz.example.cn>\"\nimap = \"{imap}\"\nsmtp = \"{smtp}\"\n"
    );
    std::fs::write(dir.join("jucai.toml"), text).unwrap();
}

fn doctor(dir: &Path, password: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jucai"))
        .current_dir(dir)
        .arg("doctor")
        .env("JUCAI_MAIL_PASSWORD", password)
        .output()
        .expect("jucai runs")
}

/// An archive with one centre account, readable by its owner and group only.
fn archive(dir: &Path) {
    let mut add = Command::new(env!("CARGO_BIN_EXE_jucai"))
        .current_dir(dir)
        .args([
            "user",
            "add",
            "zhangli",
            "--role",
            "centre",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("jucai runs");
    use std::io::Write;
    add.stdin
        .take()
        .unwrap()
        .write_all(b"centre-password-1\n")
        .unwrap();
    assert!(add.wait().unwrap().success());
    chmod(&dir.join("archive"), 0o750);
}

fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The lines of one level: `[正常]`, `[注意]` or `[需修改]`.
fn lines<'a>(said: &'a str, mark: &str) -> Vec<&'a str> {
    said.lines().filter(|l| l.starts_with(mark)).collect()
}

#[test]
fn doctor_says_all_is_well_when_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let (imap, smtp) = (Dovecot::start(false), SmtpSink::start(&[]));
    certificate(dir.path(), "rencai.example.gov.cn", 365);
    config(
        dir.path(),
        &sample_platform(),
        "rencai.example.gov.cn",
        &imap.url(),
        &smtp.url(),
    );
    archive(dir.path());
    let out = doctor(dir.path(), PASSWORD);
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let good = lines(&said, "[正常]").join("\n");
    for expected in [
        "配置文件：jucai.toml",
        "平台名录",
        "个工作站",
        "报告字体",
        "报送档案 archive：可以写入",
        "1 个中心账号",
        "网页证书 cert.pem 可用",
        "包含 rencai.example.gov.cn",
        &format!(
            "收件服务器 127.0.0.1:{}：以 {USER} 登录成功（已按要求发送客户端标识 ID）",
            imap.port
        ),
        &format!("发件服务器 127.0.0.1:{}：以 {USER} 登录成功", smtp.port),
    ] {
        assert!(good.contains(expected), "{expected:?} not in:\n{said}");
    }
    assert!(lines(&said, "[需修改]").is_empty(), "{said}");
    // Only the disk of the machine running the tests may be short.
    for line in lines(&said, "[注意]") {
        assert!(line.contains("磁盘"), "{said}");
    }
    assert!(!said.contains(PASSWORD) && !String::from_utf8_lossy(&out.stderr).contains(PASSWORD));
}

#[test]
fn doctor_names_each_thing_a_bureau_gets_wrong_and_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let (imap, smtp) = (Dovecot::start(false), SmtpSink::start(&[]));
    // A certificate for another name, ending in ten days.
    certificate(dir.path(), "old-name.example.gov.cn", 10);
    let missing = dir.path().join("平台名录.xlsx");
    config(
        dir.path(),
        &missing.display().to_string(),
        "rencai.example.gov.cn",
        &imap.url(),
        &smtp.url(),
    );
    std::fs::create_dir_all(dir.path().join("archive")).unwrap();
    chmod(&dir.path().join("archive"), 0o755);
    let out = doctor(dir.path(), "not-the-password");
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    let must = lines(&said, "[需修改]").join("\n");
    for expected in [
        "平台名录无法读取",
        "请把本区的平台名录工作簿放到",
        "不包含 [web] host 设置的名字 rencai.example.gov.cn",
        &format!("收件服务器 127.0.0.1:{}", imap.port),
        &format!("发件服务器 127.0.0.1:{}", smtp.port),
    ] {
        assert!(must.contains(expected), "{expected:?} not in:\n{said}");
    }
    let notes = lines(&said, "[注意]").join("\n");
    for expected in [
        "权限是 755",
        "chmod 750",
        "还没有中心账号",
        "jucai user add",
    ] {
        assert!(notes.contains(expected), "{expected:?} not in:\n{said}");
    }
    assert!(said.contains("项需要修改"), "{said}");
    assert!(!said.contains("not-the-password"), "{said}");

    // The same certificate for the right name: ten days left is a warning.
    std::fs::remove_file(dir.path().join("cert.pem")).unwrap();
    certificate(dir.path(), "rencai.example.gov.cn", 10);
    let said = String::from_utf8_lossy(&doctor(dir.path(), PASSWORD).stdout).into_owned();
    let notes = lines(&said, "[注意]").join("\n");
    let soon = notes.contains("还有 9 天") || notes.contains("还有 10 天");
    assert!(notes.contains("将在") && soon, "{said}");
}

/// A certificate whose key belongs to another certificate is refused, as
/// the desk would refuse it.
#[test]
fn doctor_refuses_a_key_that_is_not_the_certificates() {
    let dir = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    certificate(dir.path(), "rencai.example.gov.cn", 365);
    certificate(other.path(), "rencai.example.gov.cn", 365);
    std::fs::copy(other.path().join("key.pem"), dir.path().join("key.pem")).unwrap();
    let text = format!(
        "platform = \"{}\"\narchive = \"archive\"\noutput = \"output\"\n\
         [web]\ncert = \"cert.pem\"\nkey = \"key.pem\"\n",
        sample_platform()
    );
    std::fs::write(dir.path().join("jucai.toml"), text).unwrap();
    let out = doctor(dir.path(), PASSWORD);
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        lines(&said, "[需修改]")
            .join("\n")
            .contains("网页证书不能用"),
        "{said}"
    );
}
