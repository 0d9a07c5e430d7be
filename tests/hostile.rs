//! Broken and hostile workbooks (SPEC §9): each gets the diagnostic it must
//! produce, none panics or hangs, and a batch with all of them still
//! processes the good file beside them.
//!
//! Files are made here, except `fixtures/hostile/zip-bomb.xlsx` (600 MB of
//! sheet XML in 0.6 MB; `make_zip_bomb.py` writes it) and the encrypted xlsx.

use crate::common;

use std::io::Write;
use std::path::Path;

use jucai::diagnostic::Code;
use jucai::limits::Limits;
use jucai::schema::Schema;
use jucai::validate::{self, Checked};

fn check(bytes: &[u8]) -> Checked {
    validate::validate(
        bytes,
        "x",
        &Schema::builtin(),
        &common::sample_registry(),
        &Limits::default(),
    )
}

fn codes(checked: &Checked) -> Vec<Code> {
    checked.diagnostics.iter().map(|d| d.code).collect()
}

/// A minimal xlsx package with one sheet, `name`, whose `<sheetData>` is
/// written by `rows`. Stored, not deflated: big sheets stay quick to make.
fn xlsx_with_sheet(name: &str, rows: impl Fn(&mut dyn Write)) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(true);
    let mut part = |path: &str, text: &str| {
        zip.start_file(path, stored).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    };
    part(
        "[Content_Types].xml",
        r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
    );
    part(
        "_rels/.rels",
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    part(
        "xl/workbook.xml",
        &format!(
            r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        ),
    );
    part(
        "xl/_rels/workbook.xml.rels",
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
    );
    zip.start_file("xl/worksheets/sheet1.xml", stored).unwrap();
    zip.write_all(br#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#)
        .unwrap();
    rows(&mut zip);
    zip.write_all(b"</sheetData></worksheet>").unwrap();
    zip.finish().unwrap().into_inner()
}

/// Excel's column letters for a 0-based index.
fn column(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

/// Every hostile file of the corpus: name, bytes, the diagnostic code it must get.
fn corpus() -> Vec<(&'static str, Vec<u8>, Code)> {
    let clean = common::clean_book().bytes();
    let fixtures = common::root().join("tests/fixtures");
    let random: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    // A real .xls whose first record after BOF is turned into FILEPASS, the
    // record Excel writes when a password protects the file.
    let mut encrypted_xls = jucai::sample::legacy::XLS.to_vec();
    let at = encrypted_xls
        .windows(4)
        .position(|w| w == [0x5C, 0x00, 0x70, 0x00])
        .expect("WRITEACCESS record");
    encrypted_xls[at..at + 6].copy_from_slice(&[0x2F, 0x00, 0x70, 0x00, 0x01, 0x00]);
    let million_rows = xlsx_with_sheet("人才信息台账", |w| {
        for r in 1..=1_048_576 {
            write!(w, r#"<row r="{r}"><c r="A{r}"><v>1</v></c></row>"#).unwrap();
        }
    });
    // Cells in the first and the 16,384th column of 700 rows: 11 million cells
    // to allocate.
    let wide = xlsx_with_sheet("人才信息台账", |w| {
        for r in 1..=700 {
            write!(
                w,
                r#"<row r="{r}"><c r="A{r}"><v>1</v></c><c r="{}{r}"><v>1</v></c></row>"#,
                column(16_383)
            )
            .unwrap();
        }
    });
    // Two cells, far apart: a tiny file whose used rectangle is the whole sheet.
    let corners = xlsx_with_sheet("人才信息台账", |w| {
        write!(w, r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="150000"><c r="XFD150000"><v>1</v></c></row>"#).unwrap();
    });
    let laughs = {
        let bytes = xlsx_with_sheet("封面", |w| {
            write!(
                w,
                r#"<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>"#
            )
            .unwrap();
        });
        // The DTD goes before <worksheet>: the billion-laughs entities.
        let mut dtd = String::from("<!DOCTYPE worksheet [<!ENTITY lol \"lol\">");
        for i in 1..=9 {
            let prev = if i == 1 {
                "lol".to_string()
            } else {
                format!("lol{}", i - 1)
            };
            dtd.push_str(&format!(
                "<!ENTITY lol{i} \"{}\">",
                format!("&{prev};").repeat(10)
            ));
        }
        dtd.push(']');
        dtd.push('>');
        replace_stored(
            &bytes,
            b"<?xml version=\"1.0\"?><worksheet",
            &format!("<?xml version=\"1.0\"?>{dtd}<worksheet"),
        )
    };
    // A shared-string table claiming a trillion strings: calamine reserves
    // room for them when the workbook is opened.
    let strings_claim = replace_stored(
        &common::clean_book().bytes(),
        b"uniqueCount=\"",
        "uniqueCount=\"1000000000000",
    );
    // The same claim in a part named in another case than calamine asks
    // for (it reads it all the same); the check once looked by exact name.
    let strings_claim_renamed = common::rename_parts(&strings_claim, |name| {
        name.replace("xl/sharedStrings.xml", "XL/SharedStrings.xml")
    });
    // A real .xls whose first sheet's DIMENSIONS record claims rows 0 to
    // 4,000,000,000: calamine reserves that many rows of cells on opening.
    let mut dimensions_xls = jucai::sample::legacy::XLS.to_vec();
    let at = dimensions_xls
        .windows(4)
        .position(|w| w == [0x00, 0x02, 0x0E, 0x00])
        .expect("DIMENSIONS record");
    dimensions_xls[at + 8..at + 12].copy_from_slice(&4_000_000_000u32.to_le_bytes());
    // An .ods with 1,000 rows each holding one value repeated across all
    // 16,384 columns: a few kilobytes that calamine would spell out cell by cell.
    let wide_row = r#"<table:table-row><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row>"#;
    let repeated_ods = replace_stored(
        &std::fs::read(fixtures.join("libreoffice/quirky.ods")).unwrap(),
        b"</table:table-row>",
        &format!("</table:table-row>{}", wide_row.repeat(1000)),
    );
    let no_ledgers = {
        let mut book = common::Book::default();
        book.sheets
            .push(("Sheet1".into(), vec![vec![common::t("你好")]]));
        book.bytes()
    };
    vec![
        ("空文件.xlsx", Vec::new(), Code::UnreadableFile),
        (
            "截断.xlsx",
            clean[..clean.len() / 2].to_vec(),
            Code::UnreadableFile,
        ),
        (
            "不是压缩包.xlsx",
            b"<html>not a workbook</html>".to_vec(),
            Code::UnreadableFile,
        ),
        ("随机字节.xls", random, Code::UnreadableFile),
        (
            "加密.xlsx",
            std::fs::read(fixtures.join("encrypted.xlsx")).unwrap(),
            Code::EncryptedFile,
        ),
        ("加密.xls", encrypted_xls, Code::EncryptedFile),
        (
            "压缩炸弹.xlsx",
            std::fs::read(fixtures.join("hostile/zip-bomb.xlsx")).unwrap(),
            Code::ResourceLimit,
        ),
        ("一百万行.xlsx", million_rows, Code::ResourceLimit),
        ("16384列.xlsx", wide, Code::ResourceLimit),
        ("两角.xlsx", corners, Code::ResourceLimit),
        ("实体展开.xlsx", laughs, Code::UnreadableFile),
        ("共享字符串一万亿.xlsx", strings_claim, Code::ResourceLimit),
        (
            "共享字符串一万亿（部件改名）.xlsx",
            strings_claim_renamed,
            Code::ResourceLimit,
        ),
        ("维度声明.xls", dimensions_xls, Code::ResourceLimit),
        ("列重复.ods", repeated_ods, Code::ResourceLimit),
        ("没有台账.xlsx", no_ledgers, Code::MissingCover),
    ]
}

/// `from` with `old` replaced by `new` in a stored (uncompressed) zip member,
/// sizes and CRC fixed up by rewriting the package.
fn replace_stored(from: &[u8], old: &[u8], new: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(from)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut data).unwrap();
        if let Some(at) = data.windows(old.len()).position(|w| w == old) {
            data.splice(at..at + old.len(), new.bytes());
        }
        out.start_file(entry.name().unwrap().to_string(), stored)
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn every_hostile_workbook_gets_its_diagnostic() {
    for (name, bytes, code) in corpus() {
        let checked = check(&bytes);
        for d in &checked.diagnostics {
            eprintln!("{name}: {:?} {}", d.code, d.message);
        }
        let found = codes(&checked);
        assert!(
            found.contains(&code),
            "{name}: expected {code:?}, got {:?}",
            checked
                .diagnostics
                .iter()
                .map(|d| &d.message)
                .collect::<Vec<_>>()
        );
        assert!(
            checked.diagnostics.len() < 50,
            "{name}: a flood of {} diagnostics",
            checked.diagnostics.len()
        );
        for d in &checked.diagnostics {
            assert!(!d.message.is_empty(), "{name}: {d:?}");
        }
        // These are refused from the counts written in the file, before
        // calamine allocates what they claim.
        let claims = [
            "共享字符串一万亿.xlsx",
            "共享字符串一万亿（部件改名）.xlsx",
            "维度声明.xls",
            "列重复.ods",
        ];
        if claims.contains(&name) {
            assert!(
                checked
                    .diagnostics
                    .iter()
                    .any(|d| d.message.contains("按文件里的记录") || d.message.contains("文件声称")),
                "{name}: not refused before reading"
            );
        }
    }
}

#[test]
fn limits_from_jucai_toml_are_applied() {
    // A clean workbook passes the defaults but not a limit of 3 rows per sheet.
    let clean = common::clean_book().bytes();
    assert!(!codes(&check(&clean)).contains(&Code::ResourceLimit));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.xlsx"), &clean).unwrap();
    std::fs::write(
        dir.path().join("jucai.toml"),
        format!(
            "platform = \"{}\"\n[limits]\nmax_rows_per_sheet = 3\n",
            common::sample_platform()
        ),
    )
    .unwrap();
    let out = common::jucai(dir.path(), &["validate", "good.xlsx", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(found.contains(&"resource-limit"), "{found:?}");
}

/// The whole corpus in one folder with a good workbook: `jucai validate`
/// reports every bad file and still checks the good one, and `jucai intake`
/// archives every file without a crash.
#[test]
fn a_batch_of_hostile_files_keeps_going() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("收件");
    std::fs::create_dir_all(&inbox).unwrap();
    let corpus = corpus();
    for (name, bytes, _) in &corpus {
        std::fs::write(inbox.join(name), bytes).unwrap();
    }
    std::fs::write(inbox.join("正常.xlsx"), common::clean_book().bytes()).unwrap();
    let platform = common::sample_platform();
    let out = common::jucai(
        dir.path(),
        &[
            "validate",
            "收件",
            "--format",
            "json",
            "--platform",
            &platform,
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files_with = |code: &str| -> Vec<String> {
        json.as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == code)
            .filter_map(|d| Path::new(d["file"].as_str()?).file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .collect()
    };
    for (name, _, code) in &corpus {
        let code = serde_json::to_value(code).unwrap();
        assert!(
            files_with(code.as_str().unwrap()).iter().any(|f| f == name),
            "{name} lacks {code}"
        );
    }
    let good_errors: Vec<_> = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"].as_str().is_some_and(|f| f.ends_with("正常.xlsx")))
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(good_errors.is_empty(), "{good_errors:?}");

    let intake = common::jucai_ok(
        dir.path(),
        &[
            "intake",
            "收件",
            "--archive",
            "档案",
            "--platform",
            &platform,
        ],
    );
    let text = String::from_utf8_lossy(&intake.stdout);
    let total = corpus.len() + 1;
    assert!(
        text.contains(&format!("收到 {total} 个文件：新存入 {total} 个")),
        "{text}"
    );
    // Every received file is kept byte for byte, bad ones in quarantine.
    let objects = walkdir::WalkDir::new(dir.path().join("档案"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| !e.path().to_string_lossy().contains("records"))
        .count();
    assert!(objects >= total - 1, "{objects} stored of {total}");
}

/// A message with one attachment, `name` as sent.
fn mail(id: usize, name: &str, bytes: Vec<u8>) -> Vec<u8> {
    use mail_builder::headers::content_type::ContentType;
    use mail_builder::mime::{BodyPart, MimePart};
    mail_builder::MessageBuilder::new()
        .from(("填报人", "a@dsmz.example.cn"))
        .to(("中心", "rencai@dsmz.example.cn"))
        .subject("报送台账")
        .message_id(format!("m{id}@test"))
        .body(MimePart::new(
            ContentType::new("multipart/mixed").attribute("boundary", format!("b{id}")),
            BodyPart::Multipart(vec![
                MimePart::new("text/plain", BodyPart::Text("请查收".into())),
                MimePart::new(
                    ContentType::new("application/octet-stream"),
                    BodyPart::Binary(bytes.into()),
                )
                .attachment(name.to_string()),
            ]),
        ))
        .write_to_vec()
        .unwrap()
}

/// Hostile mail: broken MIME, a mailbox of a thousand messages (over a limit
/// of 500), and attachment names that try to be paths. Nothing is written
/// outside the archive, every name is kept as sent, and the batch goes on.
#[test]
fn hostile_mail_is_taken_in_without_harm() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("收件");
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::write(
        inbox.join("坏邮件.eml"),
        b"From: x\r\nContent-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n--zz\r\nContent-Type: application/vnd.ms-excel; name=\"=?utf-8?B?5Y+w?=\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64\xff\xfe",
    )
    .unwrap();
    let mut mbox = Vec::new();
    for i in 0..1000 {
        mbox.extend_from_slice(b"From a@dsmz.example.cn Mon Oct  2 16:00:00 2023\n");
        mbox.extend(mail(
            i,
            &format!("说明{i}.txt"),
            format!("第{i}封").into_bytes(),
        ));
        mbox.extend_from_slice(b"\n\n");
    }
    std::fs::write(inbox.join("一千封.mbox"), mbox).unwrap();
    let long = format!("{}.xlsx", "长".repeat(300));
    let names = [
        "../../../../tmp/jucai-escape.xlsx",
        "/etc/jucai-absolute.xlsx",
        "C:\\Windows\\System32\\jucai.xlsx",
        "NUL.xlsx",
        "AUX",
        long.as_str(),
    ];
    for (i, name) in names.iter().enumerate() {
        let bytes = format!("not a workbook {i}").into_bytes();
        std::fs::write(
            inbox.join(format!("附件名{i}.eml")),
            mail(2000 + i, name, bytes),
        )
        .unwrap();
    }
    std::fs::write(inbox.join("正常.xlsx"), common::clean_book().bytes()).unwrap();
    std::fs::write(
        dir.path().join("jucai.toml"),
        format!(
            "platform = \"{}\"\narchive = \"档案\"\n[limits]\nmax_entries = 500\n",
            common::sample_platform()
        ),
    )
    .unwrap();
    let out = common::jucai_ok(dir.path(), &["intake", "收件"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let warnings = String::from_utf8_lossy(&out.stderr);
    assert!(warnings.contains("500"), "{warnings}");
    // 500 messages of the mailbox, six attachments, the good workbook, and
    // whatever the broken message yields.
    let received: usize = text
        .split("收到 ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!((507..=508).contains(&received), "{text}");
    assert!(!Path::new("/tmp/jucai-escape.xlsx").exists());
    assert!(!Path::new("/etc/jucai-absolute.xlsx").exists());
    // Every file stays inside the archive; names are kept as sent, in records.
    let archive = jucai::archive::Archive::open(&dir.path().join("档案")).unwrap();
    let recorded: Vec<&str> = archive
        .records()
        .iter()
        .map(|r| r.original_name.as_str())
        .collect();
    for name in names {
        assert!(recorded.contains(&name), "{name} in {recorded:?}");
    }
    for e in walkdir::WalkDir::new(dir.path())
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = e.path().strip_prefix(dir.path()).unwrap();
        let s = rel.to_string_lossy();
        assert!(
            s.is_empty() || s.starts_with("收件") || s.starts_with("档案") || s == "jucai.toml",
            "unexpected {s}"
        );
        assert!(e.file_name().len() < 256, "{s}");
    }
}

/// Every sheet's XML of every `.xlsx` under `dir`.
fn sheet_xml_under(dir: &Path) -> Vec<(String, String)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "xlsx"))
        .flat_map(|e| {
            let bytes = std::fs::read(e.path()).unwrap();
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            let names: Vec<String> = zip
                .file_names()
                .filter_map(|n| n.ok().map(|n| n.to_string()))
                .collect();
            let path = e.path().display().to_string();
            names
                .into_iter()
                .filter(|n| n.starts_with("xl/worksheets/") || n == "xl/sharedStrings.xml")
                .map(|n| {
                    let mut xml = String::new();
                    std::io::Read::read_to_string(&mut zip.by_name(&n).unwrap(), &mut xml).unwrap();
                    (format!("{path}:{n}"), xml)
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Text a unit typed that looks like a formula reaches the reports as text:
/// no output workbook has a formula cell.
#[test]
fn user_text_that_looks_like_a_formula_stays_text_in_reports() {
    let injected = [
        "=HYPERLINK(\"http://evil.example\",\"点此\")",
        "+1+1",
        "-2+3",
        "@SUM(A1:A9)",
    ];
    let mut book = common::clean_book();
    book.set("问题台账", 0, "问题描述", common::t(injected[0]));
    // WT002 is still open, so it is listed in the report.
    book.set("问题台账", 1, "问题描述", common::t(injected[0]));
    book.set("活动台账", 0, "活动名称", common::t(injected[1]));
    book.set("需求台账", 0, "需求描述", common::t(injected[2]));
    book.set("成果统计台账", 0, "成果名称", common::t(injected[3]));
    // The quarterly reports list open problems and needs: reopen WT001 and
    // XQ001 and add an open need, so each injected text is in one of them.
    book.set("问题台账", 0, "问题描述", common::t(injected[1]));
    book.set("问题台账", 0, "办理状态", common::t("办理中"));
    book.set("问题台账", 0, "办结日期", common::Cell::Empty);
    book.set("需求台账", 0, "对接状态", common::t("对接中"));
    book.set("需求台账", 0, "办结日期", common::Cell::Empty);
    let needs = book.sheet_mut("需求台账");
    let second = needs[2].clone();
    needs.push(second);
    book.set("需求台账", 1, "需求编号", common::t("XQ002"));
    book.set("需求台账", 1, "需求描述", common::t(injected[3]));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("台账.xlsx"), book.bytes()).unwrap();
    let platform = common::sample_platform();
    common::jucai_ok(
        dir.path(),
        &[
            "intake",
            "台账.xlsx",
            "--archive",
            "档案",
            "--platform",
            &platform,
        ],
    );
    common::jucai_ok(
        dir.path(),
        &[
            "report",
            "quarterly",
            "--period",
            "2023Q3",
            "--archive",
            "档案",
            "--out",
            "输出",
            "--platform",
            &platform,
        ],
    );
    let xml = sheet_xml_under(&dir.path().join("输出"));
    assert!(!xml.is_empty());
    for (part, text) in &xml {
        assert!(
            !text.contains("<f>") && !text.contains("<f "),
            "{part} has a formula"
        );
    }
    let all: String = xml.iter().map(|(_, t)| t.as_str()).collect();
    let reached: Vec<&str> = ["=HYPERLINK(", "+1+1", "-2+3", "@SUM(A1:A9)"]
        .into_iter()
        .filter(|t| all.contains(t))
        .collect();
    assert!(!reached.is_empty(), "no injected text reached the reports");
    // Every one of them arrives whole, as the text of a string (shared or
    // inline) — never as a formula, which the check above rules out.
    let text_element = regex::Regex::new(r"<t(?: [^>]*)?>([^<]*)</t>").unwrap();
    let strings: Vec<String> = xml
        .iter()
        .flat_map(|(_, x)| text_element.captures_iter(x))
        .map(|c| common::unescape(&c[1]))
        .collect();
    for text in injected {
        assert!(
            strings.iter().any(|s| s == text),
            "“{text}” reached no report as text"
        );
    }
    // The station's PDF report shows them too.
    let pdf = dir
        .path()
        .join("输出/2023Q3/季度报告-东胜区社工人才工作站-2023Q3.pdf");
    let shown: String = common::pdf_text(&pdf, None, false)
        .split_whitespace()
        .collect();
    for text in injected {
        let text: String = text.split_whitespace().collect();
        assert!(shown.contains(&text), "“{text}” in {}", pdf.display());
    }
}

/// Regression: a workbook declaring XML entities got “工作表无法读取：Xml
/// error: at 0..0: unrecognized entity `&lol9;`” — the parser's own words.
#[test]
fn xml_entity_declaration_gets_a_worded_message_not_the_parser_error() {
    let (_, bytes, _) = corpus()
        .into_iter()
        .find(|(name, _, _)| *name == "实体展开.xlsx")
        .unwrap();
    let checked = check(&bytes);
    let messages: Vec<&str> = checked
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        messages,
        ["文件中含有不允许的 XML 实体声明，可能是被篡改的文件，未读取。请用下发的模板重新填写后报送。"]
    );
}

/// No diagnostic of any hostile file passes a library's English error text
/// on to the unit.
#[test]
fn hostile_files_are_told_in_chinese_without_parser_text() {
    for (name, bytes, _) in corpus() {
        for d in check(&bytes).diagnostics {
            let m = &d.message;
            assert!(
                !m.contains("rror") && !m.contains("..") && !m.contains("calamine"),
                "{name}: {m}"
            );
        }
    }
}
