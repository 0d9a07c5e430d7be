//! `jucai intake` and `jucai status` on mail built by the test: GBK file names
//! (RFC 2231 and RFC 2047), a forwarded message, two versions of one unit's
//! workbook, a duplicate, a non-workbook attachment, a traversal name, an mbox;
//! and an intake killed part-way.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;

use base64::Engine;
use common::{clean_book, t, Book, Cell};
use jucai::archive::Archive;
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::raw::Raw;
use mail_builder::mime::{BodyPart, MimePart};
use mail_builder::MessageBuilder;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn platform() -> String {
    common::root()
        .join("sample-input/platform.xlsx")
        .display()
        .to_string()
}

/// The clean 2023Q3 book, as another unit's.
fn book_of(code: &str, name: &str) -> Book {
    let mut b = clean_book();
    b.set_cover("单位编码", t(code));
    b.set_cover("单位名称", t(name));
    b
}

fn gbk_2231(name: &str) -> String {
    let (bytes, _, _) = encoding_rs::GBK.encode(name);
    let enc: String = bytes.iter().map(|b| format!("%{b:02X}")).collect();
    format!("attachment; filename*=GBK''{enc}")
}

fn gbk_2047(name: &str) -> String {
    let (bytes, _, _) = encoding_rs::GBK.encode(name);
    format!(
        "=?GBK?B?{}?=",
        base64::engine::general_purpose::STANDARD.encode(&bytes)
    )
}

/// An email with attachments given as (content type, Content-Disposition or
/// plain name, bytes).
fn email(id: &str, from: &str, date: &str, parts: Vec<(&str, Disposition, Vec<u8>)>) -> Vec<u8> {
    let mut mime = vec![MimePart::new(
        "text/plain",
        BodyPart::Text("附件是本期台账，请查收。".into()),
    )];
    for (ctype, disposition, bytes) in parts {
        let part = match disposition {
            Disposition::Utf8(name) => {
                MimePart::new(ContentType::new(ctype), BodyPart::Binary(bytes.into()))
                    .attachment(name)
            }
            Disposition::Gbk2231(name) => {
                MimePart::new(ContentType::new(ctype), BodyPart::Binary(bytes.into()))
                    .header("Content-Disposition", Raw::new(gbk_2231(&name)))
            }
            Disposition::Gbk2047(name) => MimePart::new(
                ContentType::new(ctype).attribute("name", gbk_2047(&name)),
                BodyPart::Binary(bytes.into()),
            )
            .header("Content-Disposition", Raw::new("attachment")),
        };
        mime.push(part);
    }
    MessageBuilder::new()
        .from(("填报人", from))
        .to(("中心", "rencai@dsmz.example.cn"))
        .subject("报送台账")
        .header("Date", Raw::new(date))
        .message_id(id)
        .body(MimePart::new(
            ContentType::new("multipart/mixed").attribute("boundary", format!("b-{id}")),
            BodyPart::Multipart(mime),
        ))
        .write_to_vec()
        .unwrap()
}

enum Disposition {
    Utf8(String),
    Gbk2231(String),
    Gbk2047(String),
}

/// A message forwarding `inner` as message/rfc822.
fn forwarded(id: &str, date: &str, inner: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "From: 东胜区社工人才工作站 <station@dsmz.example.cn>\r\nTo: rencai@dsmz.example.cn\r\nSubject: Fwd: 铜川镇台账\r\nDate: {date}\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"fwd\"\r\n\r\n--fwd\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n转发铜川镇的台账。\r\n--fwd\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n"
    )
    .into_bytes();
    out.extend_from_slice(inner);
    out.extend_from_slice(b"\r\n--fwd--\r\n");
    out
}

struct Inbox {
    dir: tempfile::TempDir,
    hantai_v1: Vec<u8>,
    hantai_v2: Vec<u8>,
    bojiang: Vec<u8>,
    tongchuan: Vec<u8>,
    tianjiao: Vec<u8>,
    note: Vec<u8>,
}

/// The inbox folder: names chosen so the newer version is taken in first.
fn inbox() -> Inbox {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let mut v1 = clean_book();
    v1.set("人才信息台账", 0, "姓名", Cell::Empty);
    let hantai_v1 = v1.bytes();
    let hantai_v2 = clean_book().bytes();
    let bojiang = book_of("150602-01-02", "泊江海子镇社工人才工作室").bytes();
    let tongchuan = book_of("150602-01-03", "铜川镇社工人才工作室").bytes();
    let tianjiao = book_of("150602-01-04", "天骄街道办事处社工人才工作室").bytes();
    let note = "请查收，有问题请联系。".as_bytes().to_vec();
    let a = email(
        "a@test",
        "hantai@dsmz.example.cn",
        "Thu, 05 Oct 2023 10:00:00 +0800",
        vec![
            (
                XLSX,
                Disposition::Gbk2231("罕台镇社工人才工作室2023年第三季度台账.xlsx".into()),
                hantai_v1.clone(),
            ),
            (
                "text/plain",
                Disposition::Utf8("说明.txt".into()),
                note.clone(),
            ),
            (
                XLSX,
                Disposition::Utf8("../../../../tmp/evil/CON.xlsx".into()),
                bojiang.clone(),
            ),
        ],
    );
    let b = email(
        "b@test",
        "hantai@dsmz.example.cn",
        "Sun, 08 Oct 2023 09:30:00 +0800",
        vec![(
            XLSX,
            Disposition::Gbk2047("罕台镇社工人才工作室2023年第三季度台账(更正).xlsx".into()),
            hantai_v2.clone(),
        )],
    );
    let inner = email(
        "inner@test",
        "tongchuan@dsmz.example.cn",
        "Mon, 02 Oct 2023 16:00:00 +0800",
        vec![(
            XLSX,
            Disposition::Utf8("铜川镇社工人才工作室台账.xlsx".into()),
            tongchuan.clone(),
        )],
    );
    let c = forwarded("c@test", "Mon, 09 Oct 2023 11:00:00 +0800", &inner);
    let late = email(
        "late@test",
        "tianjiao@dsmz.example.cn",
        "Fri, 20 Oct 2023 15:00:00 +0800",
        vec![(
            XLSX,
            Disposition::Utf8("天骄街道台账.xlsx".into()),
            tianjiao.clone(),
        )],
    );
    let dup = email(
        "dup@test",
        "hantai@dsmz.example.cn",
        "Sun, 08 Oct 2023 09:40:00 +0800",
        vec![(
            XLSX,
            Disposition::Utf8("罕台镇社工人才工作室台账（再发一次）.xlsx".into()),
            hantai_v2.clone(),
        )],
    );
    let mut mbox = Vec::new();
    for (from, msg) in [
        ("tianjiao@dsmz.example.cn Fri Oct 20 15:00:00 2023", &late),
        ("hantai@dsmz.example.cn Sun Oct  8 09:40:00 2023", &dup),
    ] {
        mbox.extend_from_slice(format!("From {from}\n").as_bytes());
        mbox.extend(msg.iter().filter(|&&b| b != b'\r'));
        mbox.extend_from_slice(b"\n\n");
    }
    std::fs::write(inbox.join("1-更正.eml"), b).unwrap();
    std::fs::write(inbox.join("2-初次.eml"), a).unwrap();
    std::fs::write(inbox.join("3-转发.eml"), c).unwrap();
    std::fs::write(inbox.join("4-导出.mbox"), mbox).unwrap();
    Inbox {
        dir,
        hantai_v1,
        hantai_v2,
        bojiang,
        tongchuan,
        tianjiao,
        note,
    }
}

fn intake(dir: &Path, env: Option<(&str, &str)>) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_jucai"));
    cmd.current_dir(dir).args([
        "intake",
        "inbox",
        "--archive",
        "archive",
        "--platform",
        &platform(),
    ]);
    if let Some((k, v)) = env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn objects(archive: &Path) -> BTreeSet<Vec<u8>> {
    walkdir::WalkDir::new(archive.join("objects"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| std::fs::read(e.path()).unwrap())
        .collect()
}

#[test]
fn every_attachment_is_archived_once_and_the_newest_version_counts() {
    let inbox = inbox();
    let root = inbox.dir.path();
    let run = intake(root, None);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let archive = Archive::open(&root.join("archive")).unwrap();
    // 3 + 1 + 1 (forwarded) + 2 (mbox) receptions; the duplicate's bytes stored once.
    assert_eq!(archive.records().len(), 7);
    let stored = objects(&root.join("archive"));
    let expected: BTreeSet<Vec<u8>> = [
        &inbox.hantai_v1,
        &inbox.hantai_v2,
        &inbox.bojiang,
        &inbox.tongchuan,
        &inbox.tianjiao,
        &inbox.note,
    ]
    .into_iter()
    .cloned()
    .collect();
    assert_eq!(
        stored, expected,
        "every attachment byte for byte, each once"
    );

    let names: BTreeSet<&str> = archive
        .records()
        .iter()
        .map(|r| r.original_name.as_str())
        .collect();
    assert!(
        names.contains("罕台镇社工人才工作室2023年第三季度台账.xlsx"),
        "GBK RFC 2231: {names:?}"
    );
    assert!(
        names.contains("罕台镇社工人才工作室2023年第三季度台账(更正).xlsx"),
        "GBK RFC 2047: {names:?}"
    );
    assert!(
        names.contains("铜川镇社工人才工作室台账.xlsx"),
        "forwarded: {names:?}"
    );
    // The traversal name is only a name: nothing was written outside the archive.
    assert!(!Path::new("/tmp/evil").exists());
    for entry in walkdir::WalkDir::new(root.join("archive"))
        .into_iter()
        .filter_map(Result::ok)
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(!name.contains("CON") && !name.contains(".xlsx"), "{name}");
    }

    let q3 = "2023Q3".parse().unwrap();
    let versions = archive.versions("150602-01-01", q3);
    assert_eq!(versions.len(), 3, "v1, v2 and its duplicate");
    let newest = archive.newest("150602-01-01", q3).unwrap();
    assert_eq!(
        archive.bytes(newest).unwrap(),
        inbox.hantai_v2,
        "newest by email date, not intake order"
    );
    assert_eq!(newest.errors, 0);
    let v1 = versions
        .iter()
        .find(|r| r.errors > 0)
        .expect("the first version had an error");
    assert_eq!(v1.email_date.as_deref(), Some("2023-10-05T10:00:00+08:00"));
    assert_eq!(
        v1.sender.as_deref(),
        Some("填报人 <hantai@dsmz.example.cn>")
    );
    let forwarded = archive.newest("150602-01-03", q3).unwrap();
    assert_eq!(
        forwarded.email_date.as_deref(),
        Some("2023-10-09T11:00:00+08:00"),
        "the clerk got it on the outer message's date"
    );
    let quarantined: Vec<&str> = archive
        .quarantine()
        .map(|r| r.original_name.as_str())
        .collect();
    assert_eq!(quarantined, ["说明.txt"]);

    // Taking the same inbox in again records nothing new.
    let again = intake(root, None);
    assert!(again.status.success());
    assert_eq!(
        Archive::open(&root.join("archive"))
            .unwrap()
            .records()
            .len(),
        7
    );
}

#[test]
fn status_reports_on_time_late_missing_and_returned() {
    let inbox = inbox();
    let root = inbox.dir.path();
    assert!(intake(root, None).status.success());
    let run = common::jucai(
        root,
        &[
            "status",
            "--period",
            "2023Q3",
            "--archive",
            "archive",
            "--out",
            "out",
            "--platform",
            &platform(),
        ],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = String::from_utf8_lossy(&run.stdout);
    let line = |code: &str| {
        text.lines()
            .find(|l| l.contains(code))
            .unwrap_or_else(|| panic!("{code} in {text}"))
            .to_string()
    };
    assert!(
        line("150602-01-01 ").contains("已报  按时  通过"),
        "{}",
        line("150602-01-01 ")
    );
    assert!(
        line("150602-01-03 ").contains("已报  按时"),
        "{}",
        line("150602-01-03 ")
    );
    assert!(
        line("150602-01-04 ").contains("已报  逾期"),
        "{}",
        line("150602-01-04 ")
    );
    assert!(
        line("150602-01-05 ").contains("未报"),
        "{}",
        line("150602-01-05 ")
    );
    assert!(
        text.contains("应报 27 个单位，已报 4 个（按时 3 个，逾期 1 个），未报 23 个"),
        "{text}"
    );
    assert!(text.contains("催报名单"));
    assert!(text.contains("说明.txt"), "quarantine listed");

    let path = root.join("out/2023Q3/报送情况-2023年第三季度.xlsx");
    let mut book = calamine::open_workbook_auto(&path).unwrap();
    use calamine::Reader;
    let sheet = book.worksheet_range("报送情况").unwrap();
    let cells: Vec<String> = sheet
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(
        cells.iter().any(|c| c == "东胜区社工人才工作站"),
        "grouped by station"
    );
    assert!(cells.iter().any(|c| c == "逾期"));
    assert!(cells.iter().any(|c| c == "催报名单"));
    // The chase list carries the unit head and phone from the registry.
    let registry =
        jucai::registry::Registry::load(Path::new(&platform()), &jucai::schema::Schema::builtin())
            .unwrap()
            .0;
    let xingsheng = registry.unit("150602-01-05").unwrap();
    assert!(cells.contains(xingsheng.phone.as_ref().unwrap()));
}

#[test]
fn an_intake_killed_part_way_leaves_a_consistent_archive_and_a_rerun_completes_it() {
    let inbox = inbox();
    let root = inbox.dir.path();
    let killed = intake(root, Some(("JUCAI_TEST_CRASH_AFTER", "3")));
    assert!(!killed.status.success(), "the injected crash happened");
    let partial = Archive::open(&root.join("archive")).unwrap();
    assert_eq!(
        partial.records().len(),
        2,
        "records written before the crash"
    );
    let rerun = intake(root, None);
    assert!(
        rerun.status.success(),
        "{}",
        String::from_utf8_lossy(&rerun.stderr)
    );
    let archive = Archive::open(&root.join("archive")).unwrap();
    assert_eq!(archive.records().len(), 7);
    let keys: BTreeSet<&str> = archive.records().iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys.len(), 7, "no reception recorded twice");
    let seqs: Vec<u64> = archive.records().iter().map(|r| r.seq).collect();
    assert_eq!(seqs, (1..=7).collect::<Vec<_>>());
    assert_eq!(objects(&root.join("archive")).len(), 6);
    let leftovers = walkdir::WalkDir::new(root.join("archive"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .count();
    assert_eq!(leftovers, 0);
}
