//! `jucai template`: blank ledger workbooks, read back with calamine and
//! checked against the schema, plus the same in LibreOffice.

use crate::common;

use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Data, Reader, SheetVisible};
use jucai::schema::{FieldType, LedgerKey, Schema};

const UNIT: &str = "150602-01-01";
const UNIT_NAME: &str = "罕台镇社工人才工作室";

/// Write one template with the binary, as a user would.
fn template(dir: &Path, extra: &[&str]) -> PathBuf {
    let platform = common::root().join("sample-input/platform.xlsx");
    let out = dir.join("out");
    let mut args = vec![
        "template",
        "--period",
        "2023Q3",
        "--unit",
        UNIT,
        "--out",
        out.to_str().unwrap(),
        "--platform",
        platform.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let run = common::jucai(dir, &args);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let path = out.join(format!("{UNIT_NAME}-2023年第三季度台账.xlsx"));
    assert!(path.exists(), "{} missing", path.display());
    path
}

fn text(cell: Option<&Data>) -> String {
    cell.map(|c| c.to_string()).unwrap_or_default()
}

#[test]
fn sheets_titles_headers_and_cover_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = template(dir.path(), &[]);
    let schema = Schema::builtin();
    let mut book = open_workbook_auto(&path).unwrap();
    let mut expected = vec!["填报说明".to_string(), "封面".to_string()];
    expected.extend(schema.ledgers.iter().map(|l| l.name.clone()));
    assert_eq!(book.sheet_names(), expected);

    let cover = book.worksheet_range("封面").unwrap();
    let value_of = |label: &str| {
        let row = (0..20)
            .find(|&r| text(cover.get_value((r, 0))) == label)
            .unwrap_or_else(|| panic!("cover has no {label}"));
        text(cover.get_value((row, 1)))
    };
    assert_eq!(value_of("单位编码"), UNIT);
    assert_eq!(value_of("单位名称"), UNIT_NAME);
    assert_eq!(value_of("报送期"), "2023年第三季度");
    for label in ["填报人", "联系电话", "填报日期"] {
        assert_eq!(value_of(label), "", "{label} is left for the unit");
    }

    for ledger in &schema.ledgers {
        let range = book.worksheet_range(&ledger.name).unwrap();
        assert_eq!(
            text(range.get_value((0, 0))),
            format!("{UNIT_NAME}{}", ledger.name)
        );
        let headers: Vec<String> = (0..ledger.fields.len() as u32)
            .map(|c| text(range.get_value((1, c))))
            .collect();
        let expected: Vec<String> = ledger
            .fields
            .iter()
            .map(|f| format!("{}{}", f.name, if f.required { "★" } else { "" }))
            .collect();
        assert_eq!(headers, expected, "{}", ledger.name);
    }

    let guide = book.worksheet_range("填报说明").unwrap();
    let all: String = guide
        .rows()
        .flatten()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(all.contains("报送截止：2023年10月10日"), "deadline: {all}");
    for ledger in &schema.ledgers {
        assert!(all.contains(&ledger.name));
        for f in &ledger.fields {
            assert!(all.contains(&f.name), "{} not explained", f.name);
        }
    }
    assert!(all.contains("可选值：研究生、大学本科、大学专科、中专、高中及以下"));
    assert!(all.contains("“办理状态”为已解决时必须填写，否则不填"));
}

#[test]
fn dropdowns_list_exactly_the_schema_values_on_a_year_of_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = template(dir.path(), &[]);
    let schema = Schema::builtin();
    for (i, ledger) in schema.ledgers.iter().enumerate() {
        let xml = common::sheet_xml(&path, i + 2);
        let validations = common::data_validations(&xml);
        for (col, field) in ledger.fields.iter().enumerate() {
            let letter = rust_xlsxwriter::utility::column_number_to_name(col as u16);
            let v = validations
                .iter()
                .find(|v| v.contains(&format!("sqref=\"{letter}3:{letter}502\"")))
                .unwrap_or_else(|| {
                    panic!(
                        "{}/{} has no validation on rows 3–502",
                        ledger.name, field.name
                    )
                });
            match field.ty {
                FieldType::Enum => {
                    assert!(v.contains("type=\"list\""), "{v}");
                    let list =
                        common::unescape(common::between(v, "<formula1>", "</formula1>").unwrap());
                    assert_eq!(
                        list,
                        format!("\"{}\"", field.values.join(",")),
                        "{}",
                        field.name
                    );
                }
                FieldType::Date => assert!(v.contains("type=\"date\""), "{v}"),
                FieldType::Integer => assert!(v.contains("type=\"whole\""), "{v}"),
                FieldType::Money => assert!(v.contains("type=\"decimal\""), "{v}"),
                _ => {}
            }
            assert!(v.contains("promptTitle="), "{}: no input hint", field.name);
        }
        assert!(
            xml.contains("ySplit=\"2\""),
            "{}: header not frozen",
            ledger.name
        );
        assert!(xml.contains("orientation=\"landscape\"") && xml.contains("paperSize=\"9\""));
        assert!(xml.contains("fitToHeight=\"0\""), "fit to one page wide");
    }
    let workbook = common::zip_part(&path, "xl/workbook.xml");
    assert_eq!(
        workbook.matches("_xlnm.Print_Titles").count(),
        5,
        "header rows repeat on every ledger"
    );
}

/// The number format code of the style applied to 1-based column `col` of a sheet.
fn column_num_format(path: &Path, sheet: usize, col: usize) -> String {
    let xml = common::sheet_xml(path, sheet);
    let cols = common::between(&xml, "<cols>", "</cols>").unwrap();
    let style: usize = cols
        .split("<col ")
        .skip(1)
        .find_map(|c| {
            let num = |attr: &str| -> usize {
                common::between(c, &format!("{attr}=\""), "\"")
                    .unwrap()
                    .parse()
                    .unwrap()
            };
            (num("min") <= col && col <= num("max")).then(|| num("style"))
        })
        .expect("column has a style");
    let styles = common::zip_part(path, "xl/styles.xml");
    let xfs = common::between(&styles, "<cellXfs", "</cellXfs>").unwrap();
    let xf = xfs.split("<xf ").nth(style + 1).unwrap();
    let id = common::between(xf, "numFmtId=\"", "\"").unwrap();
    if id == "49" {
        return "@".to_string();
    }
    let custom = format!("<numFmt numFmtId=\"{id}\" formatCode=\"");
    common::between(&styles, &custom, "\"")
        .map(common::unescape)
        .unwrap_or_else(|| format!("builtin {id}"))
}

#[test]
fn id_numbers_and_record_ids_are_text_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = template(dir.path(), &[]);
    let roster = Schema::builtin().ledger(LedgerKey::Roster).clone();
    let col = |name: &str| roster.field_index(name).unwrap() + 1;
    // Text (@), or Excel turns an ID number into 1.50602E+17.
    assert_eq!(column_num_format(&path, 2, col("身份证号")), "@");
    assert_eq!(column_num_format(&path, 2, col("人才编号")), "@");
    assert_eq!(column_num_format(&path, 2, col("联系电话")), "@");
    assert_ne!(column_num_format(&path, 2, col("出生日期")), "@");
}

#[test]
fn same_input_gives_byte_identical_templates() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let first = std::fs::read(template(a.path(), &[])).unwrap();
    let second = std::fs::read(template(b.path(), &[])).unwrap();
    assert!(first == second);
}

#[test]
fn another_district_replaces_the_schema_without_code_changes() {
    let dir = tempfile::tempdir().unwrap();
    // A district that adds a long enumeration (over Excel's 255-character inline limit)
    // and names the 备注 of activities differently.
    let long: Vec<String> = (1..=60).map(|i| format!("第{i}社区服务中心")).collect();
    let field = format!(
        "[[ledgers.fields]]\nname = \"所在社区\"\ntype = \"enum\"\nvalues = [{}]\nwidth = 16\n\n[[ledgers.fields]]\nname = \"重点人才\"",
        long.iter().map(|v| format!("\"{v}\"")).collect::<Vec<_>>().join(", ")
    );
    let schema = jucai::schema::BUILTIN_SCHEMA
        .replacen("[[ledgers.fields]]\nname = \"重点人才\"", &field, 1)
        .replace("name = \"活动成效\"", "name = \"活动效果\"");
    std::fs::write(dir.path().join("district.toml"), &schema).unwrap();
    std::fs::write(
        dir.path().join("jucai.toml"),
        "schema = \"district.toml\"\n",
    )
    .unwrap();
    let path = template(dir.path(), &[]);

    let mut book = open_workbook_auto(&path).unwrap();
    let roster = book.worksheet_range("人才信息台账").unwrap();
    let headers: Vec<String> = (0..25).map(|c| text(roster.get_value((1, c)))).collect();
    assert!(headers.contains(&"所在社区".to_string()), "{headers:?}");
    let activities = book.worksheet_range("活动台账").unwrap();
    assert!((0..12).any(|c| text(activities.get_value((1, c))) == "活动效果"));

    // The long list lives on a hidden sheet that the dropdown points to.
    let lists = book
        .sheets_metadata()
        .iter()
        .find(|s| s.name == "下拉选项")
        .cloned()
        .expect("list sheet");
    assert_eq!(lists.visible, SheetVisible::Hidden);
    let range = book.worksheet_range("下拉选项").unwrap();
    let listed: Vec<String> = (0..60).map(|r| text(range.get_value((r, 0)))).collect();
    assert_eq!(listed, long);
    let xml = common::sheet_xml(&path, 2);
    let v = common::data_validations(&xml)
        .into_iter()
        .find(|v| v.contains("下拉选项"))
        .expect("dropdown referring to the list sheet");
    assert!(v.contains("$A$1:$A$60"), "{v}");
}

#[test]
fn unknown_unit_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let platform = common::root().join("sample-input/platform.xlsx");
    let run = common::jucai(
        dir.path(),
        &[
            "template",
            "--period",
            "2023Q3",
            "--unit",
            "999",
            "--out",
            "o",
            "--platform",
            platform.to_str().unwrap(),
        ],
    );
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("平台名录中没有单位编码“999”"), "{err}");
    let run = common::jucai(
        dir.path(),
        &[
            "template",
            "--period",
            "2023Q5",
            "--out",
            "o",
            "--platform",
            platform.to_str().unwrap(),
        ],
    );
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("无法识别的报送期"));
}

/// LibreOffice opens the template and prints Chinese titles and headers whole on
/// A4 landscape with no `#REF!`. Needs `soffice` and `pdftotext` (installed by
/// scripts/test); without them the test fails and says what to install.
#[test]
fn libreoffice_prints_the_template_on_a4_landscape() {
    common::require_tool("soffice");
    common::require_tool("pdftotext");
    common::require_tool("pdfinfo");
    let dir = tempfile::tempdir().unwrap();
    let path = template(dir.path(), &[]);
    let profile = format!("-env:UserInstallation=file://{}/lo", dir.path().display());
    let status = std::process::Command::new("soffice")
        .args([&profile, "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&path)
        .output()
        .unwrap();
    assert!(status.status.success());
    let pdf = path.with_extension("pdf");
    let pdf = dir.path().join(pdf.file_name().unwrap());
    let text = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(!text.contains("#REF!"), "{text}");
    for ledger in Schema::builtin().ledgers {
        assert!(
            text.contains(&format!("{UNIT_NAME}{}", ledger.name)),
            "title of {}",
            ledger.name
        );
    }
    for header in ["人才编号★", "问题描述★", "人才参与人数", "完成人（单位）★"]
    {
        assert!(text.contains(header), "{header} not printed whole");
    }
    let info = std::process::Command::new("pdfinfo")
        .arg("-f")
        .arg("4")
        .arg("-l")
        .arg("4")
        .arg(&pdf)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.contains("841.89 x 595.") || info.contains("842 x 595"),
        "ledger page is A4 landscape: {info}"
    );
}

/// The ids in the first column of a ledger sheet's data rows.
fn ids(path: &Path, sheet: &str) -> Vec<String> {
    let mut book = open_workbook_auto(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    (2..range.height() as u32)
        .map(|r| text(range.get_value((r, 0))))
        .filter(|id| !id.is_empty())
        .collect()
}

/// 一表通: the template after a unit's last report carries its roster at
/// that quarter's end, its open problems and needs and who filled it in;
/// dated and sent back as it is, it validates clean and keeps the counts —
/// across a year's end. `--blank` gives the empty one.
#[test]
fn a_prefilled_template_carries_the_roster_and_open_items_and_sent_back_keeps_the_counts() {
    let dir = tempfile::tempdir().unwrap();
    common::intake_sample(dir.path());
    let before = common::quarter_of(dir.path(), "2024Q4", UNIT, &archive_args());
    let out = dir.path().join("out");
    let args = |extra: &'static [&'static str]| {
        let mut args = vec![
            "template",
            "--period",
            "2025Q1",
            "--unit",
            UNIT,
            "--out",
            out.to_str().unwrap(),
            "--archive",
            "archive",
            "--platform",
        ];
        args.push(Box::leak(common::sample_platform().into_boxed_str()));
        args.extend_from_slice(extra);
        args
    };
    common::jucai_ok(dir.path(), &args(&[]));
    let path = out.join(format!("{UNIT_NAME}-2025年第一季度台账.xlsx"));
    let roster = ids(&path, "人才信息台账");
    assert_eq!(
        roster.len() as u64,
        before["talents"]["in_library"].as_u64().unwrap(),
        "the roster at 2024Q4's end: {roster:?}"
    );
    assert_eq!(
        ids(&path, "问题台账").len() as u64,
        before["problems"]["open"].as_u64().unwrap()
    );
    assert_eq!(
        ids(&path, "需求台账").len() as u64,
        before["needs"]["open"].as_u64().unwrap()
    );
    assert!(ids(&path, "活动台账").is_empty() && ids(&path, "成果统计台账").is_empty());
    let mut book = open_workbook_auto(&path).unwrap();
    let cover = book.worksheet_range("封面").unwrap();
    let row_of = |label: &str| {
        (0..20)
            .find(|&r| text(cover.get_value((r, 0))) == label)
            .unwrap_or_else(|| panic!("cover has no {label}"))
    };
    assert!(!text(cover.get_value((row_of("填报人"), 1))).is_empty());
    assert!(!text(cover.get_value((row_of("联系电话"), 1))).is_empty());
    assert_eq!(text(cover.get_value((row_of("填报日期"), 1))), "");
    let guide: String = book
        .worksheet_range("填报说明")
        .unwrap()
        .rows()
        .flatten()
        .map(|c| c.to_string())
        .collect();
    assert!(
        guide.contains(&format!(
            "本工作簿已预填贵单位2024年第四季度已报的内容：人才信息台账 {} 条",
            roster.len()
        )),
        "{guide}"
    );

    // The unit dates it and sends it back, changing nothing else.
    let inbox = dir.path().join("inbox-2025Q1");
    std::fs::create_dir_all(&inbox).unwrap();
    let sent = inbox.join("罕台镇2025年第一季度台账.xlsx");
    let edit = std::process::Command::new("python3")
        .arg("-c")
        .arg(common::OPENPYXL_EDIT)
        .arg(&path)
        .arg(&sent)
        .arg(format!("封面!B{}!2025-04-05", row_of("填报日期") + 1))
        .output()
        .unwrap();
    assert!(
        edit.status.success(),
        "{}",
        String::from_utf8_lossy(&edit.stderr)
    );
    let platform = common::sample_platform();
    let checked = common::jucai(
        dir.path(),
        &[
            "validate",
            sent.to_str().unwrap(),
            "--format",
            "json",
            "--platform",
            &platform,
        ],
    );
    let diagnostics: Vec<serde_json::Value> = serde_json::from_slice(&checked.stdout).unwrap();
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(checked.status.code(), Some(0));
    common::jucai_ok(
        dir.path(),
        &[
            "intake",
            inbox.to_str().unwrap(),
            "--archive",
            "archive",
            "--platform",
            &common::sample_platform(),
        ],
    );
    let after = common::quarter_of(dir.path(), "2025Q1", UNIT, &archive_args());
    assert_eq!(
        after["talents"]["in_library"],
        before["talents"]["in_library"]
    );
    assert_eq!(after["talents"]["joined"], 0);
    assert_eq!(after["talents"]["left"], 0);
    // Still open at the year's end, so carried into the new year.
    assert_eq!(after["problems"]["carried"], before["problems"]["open"]);
    assert_eq!(after["problems"]["open"], before["problems"]["open"]);
    assert_eq!(after["needs"]["open"], before["needs"]["open"]);

    // --blank: today's empty workbook.
    std::fs::remove_file(&path).unwrap();
    common::jucai_ok(dir.path(), &args(&["--blank"]));
    assert!(ids(&path, "人才信息台账").is_empty());
    assert!(ids(&path, "问题台账").is_empty());
}

/// Where the tests' archive and registry are, for a report command.
fn archive_args() -> Vec<&'static str> {
    let platform: &'static str = Box::leak(common::sample_platform().into_boxed_str());
    vec!["--archive", "archive", "--platform", platform]
}
