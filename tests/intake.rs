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

/// The Date of the messages the tests below build by hand.
const MONDAY: &str = "Mon, 9 Oct 2023 09:00:00 +0800";

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

/// `jucai status --period 2023Q3` on `root`'s archive, writing into `out/`.
fn status_2023q3(root: &Path) -> std::process::Output {
    common::jucai(
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
    )
}

/// Every stored object: files and messages.
fn objects(archive: &Path) -> BTreeSet<Vec<u8>> {
    walkdir::WalkDir::new(archive.join("objects"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| std::fs::read(e.path()).unwrap())
        .collect()
}

/// The stored files received, without the messages they came in.
fn files(archive: &Path) -> BTreeSet<Vec<u8>> {
    let messages: BTreeSet<String> = Archive::open(archive)
        .unwrap()
        .kept_messages()
        .iter()
        .map(|m| m.hash.clone())
        .collect();
    objects(archive)
        .into_iter()
        .filter(|o| !messages.contains(&jucai::hash::sha256_hex(o)))
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
    let stored = files(&root.join("archive"));
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
    let run = status_2023q3(root);
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
        text.contains("应报27个单位：已报4个（按时3个，逾期1个），退回未改0个，未报23个"),
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
    if !cfg!(feature = "test-hooks") {
        panic!("the crash is injected through a test hook: run with --features test-hooks (scripts/test does)");
    }
    let inbox = inbox();
    let root = inbox.dir.path();
    let killed = intake(root, Some(("JUCAI_TEST_CRASH_AFTER", "3")));
    assert!(!killed.status.success(), "the injected crash happened");
    // Records are committed a batch at a time, after the batch's objects:
    // the crash left fewer than all, and none whose bytes are missing.
    let partial = Archive::open(&root.join("archive")).unwrap();
    assert!(partial.records().len() < 7, "the crash stopped the intake");
    for r in partial.records() {
        assert!(partial.bytes(r).is_ok(), "{} has its object", r.key);
    }
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
    assert_eq!(files(&root.join("archive")).len(), 6);
    let leftovers = walkdir::WalkDir::new(root.join("archive"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .count();
    assert_eq!(leftovers, 0);
}

/// A message with one attachment whose MIME headers are written out by hand
/// (`part_headers`, CRLF-separated; bytes, so a name may be raw GBK), the
/// body in base64.
fn raw_email(id: &str, date: &str, part_headers: impl AsRef<[u8]>, bytes: &[u8]) -> Vec<u8> {
    let body = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut out = format!(
        "From: hantai@dsmz.example.cn\r\nTo: rencai@dsmz.example.cn\r\nSubject: Q3\r\nDate: {date}\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"part\"\r\n\r\n--part\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n台账见附件。\r\n--part\r\n"
    )
    .into_bytes();
    out.extend_from_slice(part_headers.as_ref());
    out.extend_from_slice(b"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
    for line in body.as_bytes().chunks(76) {
        out.extend_from_slice(line);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"--part--\r\n");
    out
}

/// A zip of (entry name, bytes), as a clerk or a unit would make it.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        out.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut out, bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Take `inbox/` in and return the archive's (original name, unit) pairs of
/// identified workbooks, sorted.
fn taken_in(root: &Path) -> Vec<(String, String)> {
    let run = intake(root, None);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let archive = Archive::open(&root.join("archive")).unwrap();
    let mut got: Vec<(String, String)> = archive
        .records()
        .iter()
        .filter(|r| !r.quarantined())
        .map(|r| (r.original_name.clone(), r.unit.clone().unwrap()))
        .collect();
    got.sort();
    got
}

#[test]
fn a_zip_of_workbooks_is_taken_in_loose_and_as_an_email_attachment() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("inbox")).unwrap();
    let bojiang = book_of("150602-01-02", "泊江海子镇社工人才工作室").bytes();
    let tongchuan = book_of("150602-01-03", "铜川镇社工人才工作室").bytes();
    let tianjiao = book_of("150602-01-04", "天骄街道办事处社工人才工作室").bytes();
    // Saved loose by the clerk: two workbooks, one in a folder, and a note.
    let loose = zip_of(&[
        ("泊江海子镇2023年第三季度台账.xlsx", &bojiang),
        ("铜川镇/铜川镇2023年第三季度台账.xlsx", &tongchuan),
        ("说明.txt", "请查收".as_bytes()),
    ]);
    std::fs::write(root.join("inbox/两个工作室台账.zip"), loose).unwrap();
    let attached = zip_of(&[("天骄街道2023年第三季度台账.xlsx", &tianjiao)]);
    let mail = raw_email(
        "zip@test",
        "Sat, 07 Oct 2023 09:00:00 +0800",
        "Content-Type: application/zip; name=\"tianjiao.zip\"\r\nContent-Disposition: attachment; filename=\"tianjiao.zip\"",
        &attached,
    );
    std::fs::write(root.join("inbox/天骄.eml"), mail).unwrap();
    assert_eq!(
        taken_in(root),
        [
            (
                "天骄街道2023年第三季度台账.xlsx".into(),
                "150602-01-04".into()
            ),
            (
                "泊江海子镇2023年第三季度台账.xlsx".into(),
                "150602-01-02".into()
            ),
            (
                "铜川镇2023年第三季度台账.xlsx".into(),
                "150602-01-03".into()
            ),
        ]
    );
    let archive = Archive::open(&root.join("archive")).unwrap();
    let stored = objects(&root.join("archive"));
    for bytes in [&bojiang, &tongchuan, &tianjiao] {
        assert!(stored.contains(bytes), "each workbook stored byte for byte");
    }
    // The zip's entry carries the email's envelope: when and from whom.
    let tianjiao = archive
        .newest("150602-01-04", "2023Q3".parse().unwrap())
        .unwrap();
    assert_eq!(
        tianjiao.email_date.as_deref(),
        Some("2023-10-07T09:00:00+08:00")
    );
    assert_eq!(tianjiao.sender.as_deref(), Some("hantai@dsmz.example.cn"));
    let quarantined: Vec<&str> = archive
        .quarantine()
        .map(|r| r.original_name.as_str())
        .collect();
    assert_eq!(quarantined, ["说明.txt"]);
}

#[test]
fn gb18030_and_rfc2231_continued_attachment_names_are_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("inbox")).unwrap();
    // RFC 2047 in GB18030, with a character only GB18030's four-byte form has.
    let gb18030_name = "罕台镇社工人才工作室2023年第三季度台账（王㘵）.xlsx";
    let (encoded, _, _) = encoding_rs::GB18030.encode(gb18030_name);
    let (_, _, gbk_cannot) = encoding_rs::GBK.encode(gb18030_name);
    assert!(gbk_cannot, "the name needs GB18030, not just GBK");
    let word = format!(
        "=?gb18030?B?{}?=",
        base64::engine::general_purpose::STANDARD.encode(&encoded)
    );
    let hantai = raw_email(
        "gb18030@test",
        "Sat, 07 Oct 2023 10:00:00 +0800",
        format!(
            "Content-Type: {XLSX}; name=\"{word}\"\r\nContent-Disposition: attachment; filename=\"{word}\""
        ),
        &clean_book().bytes(),
    );
    std::fs::write(root.join("inbox/罕台镇.eml"), hantai).unwrap();
    // RFC 2231 continuations: a long GBK name split over three parameters.
    let long_name = "兴胜街道办事处社工人才工作室2023年第三季度人才工作台账（正式报送）.xlsx";
    let (gbk, _, _) = encoding_rs::GBK.encode(long_name);
    let pct: Vec<String> = gbk.iter().map(|b| format!("%{b:02X}")).collect();
    let third = pct.len() / 3;
    let continued = format!(
        "Content-Type: {XLSX}\r\nContent-Disposition: attachment;\r\n filename*0*=GBK''{};\r\n filename*1*={};\r\n filename*2*={}",
        pct[..third].concat(),
        pct[third..2 * third].concat(),
        pct[2 * third..].concat()
    );
    let xingsheng = raw_email(
        "rfc2231@test",
        "Sat, 07 Oct 2023 11:00:00 +0800",
        &continued,
        &book_of("150602-01-05", "兴胜街道办事处社工人才工作室").bytes(),
    );
    std::fs::write(root.join("inbox/兴胜.eml"), xingsheng).unwrap();
    assert_eq!(
        taken_in(root),
        [
            (long_name.to_string(), "150602-01-05".to_string()),
            (gb18030_name.to_string(), "150602-01-01".to_string()),
        ]
    );
}

/// Two emails of one unit for one period with the same Date header: the one
/// taken in later counts, whichever that is.
#[test]
fn with_equal_email_dates_the_version_taken_in_later_wins() {
    // Version A as cleaned up; version B has one more talent in the library.
    let a = clean_book();
    let mut b = clean_book();
    b.set("人才信息台账", 2, "在库状态", t("在库"));
    b.set("人才信息台账", 2, "流出日期", Cell::Empty);
    let date = "Sun, 08 Oct 2023 09:30:00 +0800";
    let mail = |id: &str, book: &Book| {
        email(
            id,
            "hantai@dsmz.example.cn",
            date,
            vec![(XLSX, Disposition::Utf8(format!("{id}.xlsx")), book.bytes())],
        )
    };
    let (mail_a, mail_b) = (mail("a", &a), mail("b", &b));
    let in_library = |first: &[u8], second: &[u8]| -> i64 {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (folder, bytes) in [("first", first), ("second", second)] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
            std::fs::write(root.join(folder).join("mail.eml"), bytes).unwrap();
            common::jucai_ok(
                root,
                &[
                    "intake",
                    folder,
                    "--archive",
                    "archive",
                    "--platform",
                    &platform(),
                ],
            );
        }
        let archive = Archive::open(&root.join("archive")).unwrap();
        let versions = archive.versions("150602-01-01", "2023Q3".parse().unwrap());
        assert_eq!(versions.len(), 2);
        assert_eq!(versions[0].received, versions[1].received, "equal dates");
        let out = common::jucai_ok(
            root,
            &[
                "report",
                "quarterly",
                "--period",
                "2023Q3",
                "--unit",
                "150602-01-01",
                "--format",
                "json",
                "--archive",
                "archive",
                "--platform",
                &platform(),
            ],
        );
        let reports: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        reports[0]["quarter"]["talents"]["in_library"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(in_library(&mail_a, &mail_b), 3, "B taken in last counts");
    assert_eq!(in_library(&mail_b, &mail_a), 2, "A taken in last counts");
}

/// `deadline_days` in jucai.toml moves the deadline `status` judges by
/// (default 10 days after the quarter): sent 5, 9 and 15 days after 2023Q3.
#[test]
fn deadline_days_in_jucai_toml_changes_who_is_late() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("inbox")).unwrap();
    let sent = [
        (
            "150602-01-01",
            "罕台镇社工人才工作室",
            "Thu, 05 Oct 2023 10:00:00 +0800",
        ),
        (
            "150602-01-02",
            "泊江海子镇社工人才工作室",
            "Mon, 09 Oct 2023 10:00:00 +0800",
        ),
        (
            "150602-01-03",
            "铜川镇社工人才工作室",
            "Sun, 15 Oct 2023 10:00:00 +0800",
        ),
    ];
    for (code, name, date) in sent {
        let mail = email(
            code,
            "unit@dsmz.example.cn",
            date,
            vec![(
                XLSX,
                Disposition::Utf8(format!("{name}.xlsx")),
                book_of(code, name).bytes(),
            )],
        );
        std::fs::write(root.join(format!("inbox/{code}.eml")), mail).unwrap();
    }
    assert_eq!(intake(root, None).status.code(), Some(0));
    let late = |config: Option<&str>| -> Vec<String> {
        match config {
            Some(text) => std::fs::write(root.join("jucai.toml"), text).unwrap(),
            None => {
                let _ = std::fs::remove_file(root.join("jucai.toml"));
            }
        }
        let run = status_2023q3(root);
        assert_eq!(run.status.code(), Some(0));
        let text = String::from_utf8_lossy(&run.stdout).into_owned();
        sent.iter()
            .filter(|(code, _, _)| {
                let line = text
                    .lines()
                    .find(|l| l.contains(&format!("{code} ")))
                    .unwrap_or_else(|| panic!("{code} in {text}"));
                assert!(line.contains("已报"), "{line}");
                line.contains("逾期")
            })
            .map(|(code, _, _)| code.to_string())
            .collect()
    };
    assert_eq!(late(None), ["150602-01-03"], "default: 10 days");
    assert_eq!(
        late(Some("deadline_days = 7\n")),
        ["150602-01-02", "150602-01-03"]
    );
    assert_eq!(late(Some("deadline_days = 20\n")), Vec::<String>::new());
}

/// Every message is kept raw and listed, whatever it carries: a loose
/// `.eml` without attachments, one that is no mail at all, each message of
/// an `.mbox`. Regression: loose messages were not kept, and one without a
/// workbook left no trace.
#[test]
fn every_message_is_kept_byte_for_byte_and_one_without_a_workbook_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let inbox = root.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let bare = MessageBuilder::new()
        .from(("王丽娟", "u1506020101@dsmz.example.cn"))
        .to(("中心", "rencai@dsmz.example.cn"))
        .subject("台账稍后补发")
        .header("Date", Raw::new("Sun, 8 Oct 2023 09:30:00 +0800"))
        .message_id("bare.1@client.test")
        .text_body("这周台账来不及，下周一补发。")
        .write_to_vec()
        .unwrap();
    let broken = b"\x00\x01not a message at all\xff".to_vec();
    let first = email(
        "mbox.1@client.test",
        "hantai@dsmz.example.cn",
        "Mon, 9 Oct 2023 10:00:00 +0800",
        vec![(
            XLSX,
            Disposition::Utf8("罕台镇.xlsx".into()),
            clean_book().bytes(),
        )],
    );
    let second = MessageBuilder::new()
        .from(("中心", "rencai@dsmz.example.cn"))
        .to(("罕台镇", "hantai@dsmz.example.cn"))
        .subject("收到")
        .header("Date", Raw::new("Mon, 9 Oct 2023 11:00:00 +0800"))
        .message_id("mbox.2@client.test")
        .text_body("收到。")
        .write_to_vec()
        .unwrap();
    let mut mbox = b"From hantai@dsmz.example.cn Mon Oct  9 10:00:00 2023\n".to_vec();
    mbox.extend_from_slice(&first);
    mbox.extend_from_slice(b"\nFrom rencai@dsmz.example.cn Mon Oct  9 11:00:00 2023\n");
    mbox.extend_from_slice(&second);
    std::fs::write(inbox.join("补发说明.eml"), &bare).unwrap();
    std::fs::write(inbox.join("坏邮件.eml"), &broken).unwrap();
    std::fs::write(inbox.join("导出.mbox"), &mbox).unwrap();

    let run = intake(root, None);
    assert_eq!(run.status.code(), Some(0));
    let said =
        String::from_utf8_lossy(&run.stderr).into_owned() + &String::from_utf8_lossy(&run.stdout);
    assert!(
        said.contains("收到邮件，无台账附件") && said.contains("台账稍后补发"),
        "{said}"
    );
    assert!(
        said.contains("坏邮件.eml：收到邮件，无台账附件，邮件已存入档案"),
        "nothing to say of it but that it is kept: {said}"
    );

    let archive = Archive::open(&root.join("archive")).unwrap();
    let kept = archive.kept_messages();
    assert_eq!(kept.len(), 4, "{kept:#?}");
    let stored = objects(&root.join("archive"));
    for raw in [&bare, &broken] {
        assert!(stored.contains(raw), "kept byte for byte");
    }
    let bare_row = kept
        .iter()
        .find(|m| m.subject.as_deref() == Some("台账稍后补发"))
        .unwrap();
    assert_eq!(bare_row.hash, jucai::hash::sha256_hex(&bare));
    assert_eq!(bare_row.files, 0);
    assert!(bare_row.sender.as_deref().unwrap().contains("u1506020101"));
    let from_mbox: Vec<_> = kept
        .iter()
        .filter(|m| m.source.contains("导出.mbox"))
        .collect();
    assert_eq!(from_mbox.len(), 2);
    assert_eq!(from_mbox.iter().map(|m| m.files).sum::<u64>(), 1);
    for m in kept {
        let object = jucai::archive::Objects::new(&root.join("archive"))
            .get(&m.hash)
            .unwrap();
        assert_eq!(jucai::hash::sha256_hex(&object), m.hash);
    }

    // The status sheet of the period they arrived in lists the two dated ones.
    let run = status_2023q3(root);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(text.contains("收到但没有附件的邮件"), "{text}");
    assert!(
        text.contains("2023-10-08 09:30  王丽娟 <u1506020101@dsmz.example.cn>  台账稍后补发"),
        "{text}"
    );
    assert!(text.contains("2023-10-09 11:00"), "{text}");
    let path = root.join("out/2023Q3/报送情况-2023年第三季度.xlsx");
    let mut book = calamine::open_workbook_auto(&path).unwrap();
    use calamine::Reader;
    let cells: Vec<String> = book
        .worksheet_range("报送情况")
        .unwrap()
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>())
        .collect();
    assert!(cells.iter().any(|c| c == "台账稍后补发"), "{cells:?}");
    assert!(cells.iter().any(|c| c == "收到"), "{cells:?}");

    // Taken in again: nothing new, nothing twice.
    let before = archive.records().len();
    assert_eq!(intake(root, None).status.code(), Some(0));
    let archive = Archive::open(&root.join("archive")).unwrap();
    assert_eq!(archive.kept_messages().len(), 4);
    assert_eq!(archive.records().len(), before);
}

/// Regression: receptions were keyed by Message-ID, so a message carrying
/// another unit's Message-ID made that unit's genuine mail “此前已收” and
/// its corrected workbook was dropped.
#[test]
fn a_borrowed_message_id_hides_no_one_elses_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let inbox = root.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let id = "hantai.2023Q3.fix@client.test";
    let squatter = email(
        id,
        "tongchuan@dsmz.example.cn",
        "Mon, 9 Oct 2023 08:00:00 +0800",
        vec![(
            XLSX,
            Disposition::Utf8("铜川镇.xlsx".into()),
            book_of("150602-01-03", "铜川镇社工人才工作室").bytes(),
        )],
    );
    std::fs::write(inbox.join("a.eml"), &squatter).unwrap();
    assert_eq!(intake(root, None).status.code(), Some(0));

    let mut fixed = clean_book();
    fixed.set("人才信息台账", 0, "姓名", t("王更正"));
    let fixed = fixed.bytes();
    let genuine = email(
        id,
        "hantai@dsmz.example.cn",
        "Mon, 9 Oct 2023 09:00:00 +0800",
        vec![(
            XLSX,
            Disposition::Utf8("罕台镇-更正.xlsx".into()),
            fixed.clone(),
        )],
    );
    std::fs::remove_file(inbox.join("a.eml")).unwrap();
    std::fs::write(inbox.join("b.eml"), &genuine).unwrap();
    let run = intake(root, None);
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(out.contains("新存入 1 个，此前已收 0 个"), "{out}");
    let archive = Archive::open(&root.join("archive")).unwrap();
    let hantai: Vec<_> = archive
        .records()
        .iter()
        .filter(|r| r.unit.as_deref() == Some("150602-01-01"))
        .map(|r| r.hash.clone())
        .collect();
    assert_eq!(hantai, vec![jucai::hash::sha256_hex(&fixed)]);
}

/// An archive from before content keys (its parts keyed by Message-ID) is
/// not taken in twice when the same inbox is taken in again.
#[test]
fn an_archive_keyed_by_message_id_takes_the_same_inbox_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let inbox = root.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let message = email(
        "old.1@client.test",
        "hantai@dsmz.example.cn",
        "Mon, 9 Oct 2023 09:00:00 +0800",
        vec![(
            XLSX,
            Disposition::Utf8("罕台镇.xlsx".into()),
            clean_book().bytes(),
        )],
    );
    std::fs::write(inbox.join("old.eml"), &message).unwrap();
    assert_eq!(intake(root, None).status.code(), Some(0));
    // As an earlier jucai recorded it.
    let conn = rusqlite::Connection::open(root.join("archive/index.sqlite")).unwrap();
    let changed = conn
        .execute(
            "UPDATE receptions SET key = 'mid:old.1@client.test#1' WHERE key LIKE 'msg:%'",
            [],
        )
        .unwrap();
    assert_eq!(changed, 1);
    drop(conn);
    let run = intake(root, None);
    assert!(
        String::from_utf8_lossy(&run.stdout).contains("此前已收"),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
    assert_eq!(
        Archive::open(&root.join("archive"))
            .unwrap()
            .records()
            .len(),
        1
    );
}

/// Names as Chinese mail clients write them: raw GBK bytes in the header
/// (older Outlook Express and Foxmail; regression: stored as “ͭ����̨��.xlsx”),
/// RFC 2047 inside a quoted parameter (Foxmail), raw UTF-8 (phones).
#[test]
fn attachment_names_in_raw_gbk_raw_utf8_and_quoted_rfc2047_come_out_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let inbox = root.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let gbk = |s: &str| encoding_rs::GBK.encode(s).0.into_owned();
    let mut raw_gbk = b"Content-Type: application/octet-stream; name=\"".to_vec();
    raw_gbk.extend(gbk("铜川镇台账.xlsx"));
    raw_gbk.extend_from_slice(b"\"\r\nContent-Disposition: attachment; filename=\"");
    raw_gbk.extend(gbk("铜川镇台账.xlsx"));
    raw_gbk.extend_from_slice(b"\"");
    let mut raw_utf8 =
        b"Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\""
            .to_vec();
    raw_utf8.extend_from_slice("天骄街道台账.xlsx".as_bytes());
    raw_utf8.extend_from_slice(b"\"");
    let quoted_2047 = format!(
        "Content-Type: application/octet-stream; name=\"{0}\"\r\nContent-Disposition: attachment; filename=\"{0}\"",
        gbk_2047("泊江海子镇台账.xlsx")
    )
    .into_bytes();
    let books = [
        (
            "gbk",
            raw_gbk,
            book_of("150602-01-03", "铜川镇社工人才工作室"),
        ),
        (
            "utf8",
            raw_utf8,
            book_of("150602-01-04", "天骄街道办事处社工人才工作室"),
        ),
        (
            "q2047",
            quoted_2047,
            book_of("150602-01-02", "泊江海子镇社工人才工作室"),
        ),
    ];
    for (id, headers, book) in &books {
        let message = raw_email(id, MONDAY, headers, &book.bytes());
        std::fs::write(inbox.join(format!("{id}.eml")), message).unwrap();
    }
    let mut names: Vec<String> = taken_in(root).into_iter().map(|(n, _)| n).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "天骄街道台账.xlsx",
            "泊江海子镇台账.xlsx",
            "铜川镇台账.xlsx"
        ]
    );
}

/// mail-parser's own test messages (well-formed and malformed, in many
/// encodings; `tests/fixtures/mime-corpus`) with two units' workbooks among
/// them: every message is kept byte for byte, none stops the run, each
/// workbook is identified; taken in again, nothing is added.
#[test]
fn a_public_mime_corpus_is_kept_whole_and_its_workbooks_identified() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let inbox = root.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let corpus = common::root().join("tests/fixtures/mime-corpus");
    let mut messages = BTreeSet::new();
    for entry in walkdir::WalkDir::new(&corpus)
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "eml") {
            let bytes = std::fs::read(path).unwrap();
            let rel = path
                .strip_prefix(&corpus)
                .unwrap()
                .to_string_lossy()
                .replace('/', "-");
            std::fs::write(inbox.join(rel), &bytes).unwrap();
            messages.insert(bytes);
        }
    }
    assert!(messages.len() > 80, "{}", messages.len());
    let mut gbk = b"Content-Type: application/vnd.ms-excel; name=\"".to_vec();
    gbk.extend(encoding_rs::GBK.encode("铜川镇台账.xlsx").0.iter());
    gbk.extend_from_slice(b"\"");
    let ours = [
        raw_email(
            "foxmail.1@client.test",
            MONDAY,
            &gbk,
            &book_of("150602-01-03", "铜川镇社工人才工作室").bytes(),
        ),
        email(
            "outlook.1@client.test",
            "hantai@dsmz.example.cn",
            "Mon, 9 Oct 2023 09:00:00 +0800",
            vec![(
                XLSX,
                Disposition::Gbk2231("罕台镇台账.xlsx".into()),
                clean_book().bytes(),
            )],
        ),
    ];
    for (i, m) in ours.iter().enumerate() {
        std::fs::write(inbox.join(format!("zz-{i}.eml")), m).unwrap();
        messages.insert(m.clone());
    }

    let identified = taken_in(root);
    assert_eq!(
        identified,
        [
            ("罕台镇台账.xlsx".to_string(), "150602-01-01".to_string()),
            ("铜川镇台账.xlsx".to_string(), "150602-01-03".to_string()),
        ]
    );
    let archive = Archive::open(&root.join("archive")).unwrap();
    let kept: BTreeSet<String> = archive
        .kept_messages()
        .iter()
        .map(|m| m.hash.clone())
        .collect();
    let sent: BTreeSet<String> = messages
        .iter()
        .map(|m| jucai::hash::sha256_hex(m))
        .collect();
    assert_eq!(kept, sent, "every message kept, once");
    let stored = objects(&root.join("archive"));
    assert!(messages.iter().all(|m| stored.contains(m)), "byte for byte");
    let records = archive.records().len();
    taken_in(root);
    let archive = Archive::open(&root.join("archive")).unwrap();
    assert_eq!(archive.records().len(), records);
    assert_eq!(archive.kept_messages().len(), kept.len());
}

/// Regression: a RAR or 7z attachment was quarantined with no reason shown;
/// an Excel 2003 XML table or a web page saved as “.xls” was told it is no
/// Excel file. Each now says what it is and what to do, on the status
/// sheet (console and workbook) as when it was taken in.
#[test]
fn quarantined_files_show_why_on_the_status_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let inbox = root.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let xml = "<?xml version=\"1.0\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\"><Worksheet ss:Name=\"封面\"/></Workbook>";
    let html = "<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><body><table><tr><td>人才</td></tr></table></body></html>";
    let message = email(
        "formats.1@client.test",
        "hantai@dsmz.example.cn",
        "Mon, 9 Oct 2023 09:00:00 +0800",
        vec![
            (
                "application/x-rar-compressed",
                Disposition::Utf8("罕台镇台账.rar".into()),
                b"Rar!\x1a\x07\x01\x00\x33\x92\xb5\xe5".to_vec(),
            ),
            (
                "application/x-7z-compressed",
                Disposition::Utf8("罕台镇台账.7z".into()),
                vec![b'7', b'z', 0xBC, 0xAF, 0x27, 0x1C, 0, 4],
            ),
            (
                "application/vnd.ms-excel",
                Disposition::Utf8("导出-XML表格.xls".into()),
                xml.as_bytes().to_vec(),
            ),
            (
                "application/vnd.ms-excel",
                Disposition::Utf8("系统导出.xls".into()),
                html.as_bytes().to_vec(),
            ),
        ],
    );
    std::fs::write(inbox.join("formats.eml"), message).unwrap();
    assert!(intake(root, None).status.success());
    let run = status_2023q3(root);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = String::from_utf8_lossy(&run.stdout);
    let path = root.join("out/2023Q3/报送情况-2023年第三季度.xlsx");
    let mut book = calamine::open_workbook_auto(&path).unwrap();
    use calamine::Reader;
    let sheet = book.worksheet_range("报送情况").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    for (name, why) in [
        ("罕台镇台账.rar", "这是一个 RAR 压缩包"),
        ("罕台镇台账.7z", "这个 7z 压缩包打不开"),
        ("导出-XML表格.xls", "Excel 2003 的“XML 表格”格式"),
        ("系统导出.xls", "网页格式的表格"),
    ] {
        assert!(text.contains(name) && text.contains(why), "{name}: {text}");
        // The file's row, and under it why, across the table.
        let at = rows
            .iter()
            .position(|r| r.iter().any(|c| c == name))
            .unwrap_or_else(|| panic!("{name} listed"));
        let under = &rows[at + 1];
        assert!(under.iter().any(|c| c.contains(why)), "{name}: {under:?}");
    }
}

/// A zip's copy with every entry marked as encrypted (the general-purpose
/// flag's bit 0, in the local and the central headers), as a zip made with
/// a password looks to a reader.
fn marked_encrypted(mut zip: Vec<u8>) -> Vec<u8> {
    for (signature, flags_at) in [(b"PK\x03\x04", 6), (b"PK\x01\x02", 8)] {
        let starts: Vec<usize> = zip
            .windows(4)
            .enumerate()
            .filter(|(_, w)| *w == signature)
            .map(|(i, _)| i)
            .collect();
        for at in starts {
            zip[at + flags_at] |= 1;
        }
    }
    zip
}

/// A zip of the stations' zips is opened to the workbooks inside; an
/// entry with a password is named as such (regression: “压缩包第 1 项无法读取”).
#[test]
fn zips_inside_zips_are_opened_and_a_password_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let inbox = root.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let station = zip_of(&[(
        "铜川镇.xlsx",
        &book_of("150602-01-03", "铜川镇社工人才工作室").bytes(),
    )]);
    std::fs::write(
        inbox.join("各站台账.zip"),
        zip_of(&[
            ("社工站.zip", &station),
            ("罕台镇.xlsx", &clean_book().bytes()),
        ]),
    )
    .unwrap();
    std::fs::write(
        inbox.join("加密.zip"),
        marked_encrypted(zip_of(&[("泊江海子镇.xlsx", b"secret")])),
    )
    .unwrap();
    let run = intake(root, None);
    let said =
        String::from_utf8_lossy(&run.stderr).into_owned() + &String::from_utf8_lossy(&run.stdout);
    assert!(said.contains("“泊江海子镇.xlsx”设了密码"), "{said}");
    let archive = Archive::open(&root.join("archive")).unwrap();
    let mut got: Vec<(String, Option<String>)> = archive
        .records()
        .iter()
        .map(|r| (r.original_name.clone(), r.unit.clone()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("罕台镇.xlsx".to_string(), Some("150602-01-01".to_string())),
            ("铜川镇.xlsx".to_string(), Some("150602-01-03".to_string())),
        ]
    );
}

/// `files` (name, bytes) packed by real 7-Zip with `options`, as a unit's
/// 7-Zip, 360压缩 or 好压 would.
fn sevenz_of(files: &[(&str, &[u8])], options: &[&str]) -> Vec<u8> {
    common::require_tool("7zz");
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
    for (name, bytes) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    let run = std::process::Command::new("7zz")
        .current_dir(dir.path())
        .args(["a", "-bd", "-t7z", "packed.7z"])
        .args(options)
        .args(&names)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
    std::fs::read(dir.path().join("packed.7z")).unwrap()
}

/// The 7z's plain (not compressed) header with its LZMA2 dictionary set to
/// 4 GiB, the start header's checksum mended so only the size is wrong.
fn with_huge_dictionary(mut sevenz: Vec<u8>) -> Vec<u8> {
    let offset = u64::from_le_bytes(sevenz[12..20].try_into().unwrap()) as usize + 32;
    let size = u64::from_le_bytes(sevenz[20..28].try_into().unwrap()) as usize;
    let header = &mut sevenz[offset..offset + size];
    // An LZMA2 coder: flags (id size 1, has properties), id 0x21, one
    // property byte: the dictionary size's code (40 means 4 GiB − 1).
    let at = header
        .windows(3)
        .position(|w| w == [0x21, 0x21, 0x01])
        .expect("an LZMA2 coder in the plain header");
    header[at + 3] = 40;
    let crc = crc32fast::hash(header);
    sevenz[28..32].copy_from_slice(&crc.to_le_bytes());
    let start = crc32fast::hash(&sevenz[12..32]);
    sevenz[8..12].copy_from_slice(&start.to_le_bytes());
    sevenz
}

/// 7z files as 7-Zip makes them are opened: solid, with folders and a zip
/// inside, attached to a Foxmail-style message with a raw GBK name; a 7z
/// with a password is named as such, one whose names are encrypted too is
/// kept whole and told, and one asking for a 4 GiB dictionary is refused
/// before anything is allocated.
#[test]
fn sevenz_archives_are_opened_and_passwords_and_bombs_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let inbox = root.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let station = zip_of(&[(
        "泊江海子镇.xlsx",
        &book_of("150602-01-02", "泊江海子镇社工人才工作室").bytes(),
    )]);
    let tongchuan = book_of("150602-01-03", "铜川镇社工人才工作室").bytes();
    let hantai = clean_book().bytes();
    std::fs::write(
        inbox.join("各站台账.7z"),
        sevenz_of(
            &[
                ("罕台镇.xlsx", &hantai),
                ("铜川镇/铜川镇台账.xlsx", &tongchuan),
                ("社工站.zip", &station),
            ],
            &[],
        ),
    )
    .unwrap();
    let tianjiao = sevenz_of(
        &[(
            "天骄街道台账.xlsx",
            &book_of("150602-01-04", "天骄街道办事处社工人才工作室").bytes(),
        )],
        &[],
    );
    let (gbk, _, _) = encoding_rs::GBK.encode("天骄街道台账.7z");
    let mut headers = b"Content-Type: application/x-7z-compressed; name=\"".to_vec();
    headers.extend_from_slice(&gbk);
    headers.extend_from_slice(b"\"\r\nContent-Disposition: attachment; filename=\"");
    headers.extend_from_slice(&gbk);
    headers.extend_from_slice(b"\"");
    std::fs::write(
        inbox.join("天骄.eml"),
        raw_email("foxmail.7z@test", MONDAY, headers, &tianjiao),
    )
    .unwrap();
    let secret = [("密码台账.xlsx", b"secret".as_slice())];
    std::fs::write(inbox.join("加密.7z"), sevenz_of(&secret, &["-pSECRET"])).unwrap();
    std::fs::write(
        inbox.join("全加密.7z"),
        sevenz_of(&secret, &["-pSECRET", "-mhe=on"]),
    )
    .unwrap();
    std::fs::write(
        inbox.join("字典.7z"),
        with_huge_dictionary(sevenz_of(&[("大字典.xlsx", &hantai)], &["-mhc=off"])),
    )
    .unwrap();
    let run = intake(root, None);
    let said =
        String::from_utf8_lossy(&run.stderr).into_owned() + &String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{said}");
    assert!(said.contains("“密码台账.xlsx”设了密码"), "{said}");
    assert!(said.contains("字典.7z：压缩包第 1 项无法读取"), "{said}");
    assert!(!said.contains("panick"), "{said}");
    let archive = Archive::open(&root.join("archive")).unwrap();
    let mut got: Vec<(String, Option<String>)> = archive
        .records()
        .iter()
        .map(|r| (r.original_name.clone(), r.unit.clone()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("全加密.7z".to_string(), None),
            (
                "天骄街道台账.xlsx".to_string(),
                Some("150602-01-04".to_string())
            ),
            (
                "泊江海子镇.xlsx".to_string(),
                Some("150602-01-02".to_string())
            ),
            ("罕台镇.xlsx".to_string(), Some("150602-01-01".to_string())),
            (
                "铜川镇台账.xlsx".to_string(),
                Some("150602-01-03".to_string())
            ),
        ]
    );
    let stored = objects(&root.join("archive"));
    for bytes in [&hantai, &tongchuan] {
        assert!(stored.contains(bytes), "each workbook stored byte for byte");
    }
    let whole = archive
        .quarantine()
        .find(|r| r.original_name == "全加密.7z")
        .unwrap();
    assert!(
        whole
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("这个 7z 压缩包打不开")),
        "{:?}",
        whole.reason
    );
    // The message's envelope reaches what was inside its 7z.
    let tianjiao = archive
        .newest("150602-01-04", "2023Q3".parse().unwrap())
        .unwrap();
    assert_eq!(tianjiao.sender.as_deref(), Some("hantai@dsmz.example.cn"));
}

/// WPS's own names (.et, .ett) are read by their content like any workbook.
#[test]
fn a_workbook_named_as_wps_names_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let inbox = root.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let xls = common::root().join("tests/fixtures/libreoffice/quirky.xls");
    std::fs::copy(&xls, inbox.join("罕台镇台账.et")).unwrap();
    let message = email(
        "wps.1@client.test",
        "tongchuan@dsmz.example.cn",
        "Mon, 9 Oct 2023 09:00:00 +0800",
        vec![(
            "application/vnd.ms-excel",
            Disposition::Utf8("铜川镇台账.ett".into()),
            book_of("150602-01-03", "铜川镇社工人才工作室").bytes(),
        )],
    );
    std::fs::write(inbox.join("wps.eml"), message).unwrap();
    assert_eq!(
        taken_in(root),
        [
            ("罕台镇台账.et".to_string(), "150602-01-01".to_string()),
            ("铜川镇台账.ett".to_string(), "150602-01-03".to_string()),
        ]
    );
}

/// A 7z cut short or with a byte changed anywhere never ends the intake: each
/// copy yields its files or says what it could not read.
#[test]
fn a_damaged_7z_is_kept_or_named_never_a_crash() {
    let book = clean_book().bytes();
    let packed = [
        ("罕台镇.xlsx", book.as_slice()),
        ("说明.txt", "请查收".as_bytes()),
    ];
    let good = sevenz_of(&packed, &[]);
    let limits = jucai::intake::Limits::default();
    let mut damaged: Vec<Vec<u8>> = (0..good.len())
        .step_by(97)
        .map(|n| good[..n].to_vec())
        .collect();
    for at in (0..good.len()).step_by(61) {
        let mut copy = good.clone();
        copy[at] ^= 0x5A;
        damaged.push(copy);
    }
    for (n, bytes) in damaged.iter().enumerate() {
        let got = jucai::intake::packed::from_packed(bytes, "台账.7z", "台账.7z", None, limits);
        assert!(
            !got.files.is_empty() || !got.problems.is_empty(),
            "copy {n}: nothing found and nothing said"
        );
        // What was handed out is what was packed, byte for byte (each file's
        // checksum is checked), or the damaged whole.
        for file in &got.files {
            let packed = packed.iter().find(|(name, _)| *name == file.name);
            match packed {
                Some((_, bytes)) => assert_eq!(&file.bytes, bytes, "copy {n}: {}", file.name),
                None => assert_eq!(file.name, "台账.7z", "copy {n}"),
            }
        }
    }
}
