//! Validation: every diagnostic code has a fixture that triggers it, and a clean
//! workbook triggers nothing. Fixtures are real workbooks written by the test.

use crate::common;

use common::{clean_book, t, Book, Cell};
use jucai::diagnostic::{Code, Diagnostic, Severity};
use jucai::read::field::Value;
use jucai::registry::Registry;
use jucai::schema::{CoverKey, Schema};
use jucai::validate::{self, Checked};

const FILE: &str = "罕台镇社工人才工作室2023年第三季度台账.xlsx";

fn registry() -> Registry {
    let path = common::root().join("sample-input/platform.xlsx");
    Registry::load(&path, &Schema::builtin()).unwrap().0
}

fn check_bytes(bytes: &[u8], file: &str) -> Checked {
    validate::validate(
        bytes,
        file,
        &Schema::builtin(),
        &registry(),
        &jucai::limits::Limits::default(),
    )
}

fn check(book: &Book) -> Checked {
    check_bytes(&book.bytes(), FILE)
}

/// The single diagnostic with `code`; fails listing all of them otherwise.
fn only(checked: &Checked, code: Code) -> Diagnostic {
    let found: Vec<&Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {code:?}, got {:#?}",
        checked.diagnostics
    );
    found[0].clone()
}

fn assert_at(d: &Diagnostic, sheet: &str, cell: &str, column: &str) {
    assert_eq!(d.sheet.as_deref(), Some(sheet), "{d:#?}");
    assert_eq!(d.cell.as_deref(), Some(cell), "{d:#?}");
    assert_eq!(d.column.as_deref(), Some(column), "{d:#?}");
    assert_eq!(d.file, FILE);
}

fn records(checked: &Checked, key: &str) -> usize {
    checked
        .ledgers
        .iter()
        .find(|l| l.key.as_str() == key)
        .unwrap()
        .records
        .len()
}

#[test]
fn a_clean_workbook_gives_no_diagnostics_and_all_records() {
    let checked = check(&clean_book());
    assert!(checked.diagnostics.is_empty(), "{:#?}", checked.diagnostics);
    assert_eq!(checked.cover.unit.as_deref(), Some("150602-01-01"));
    assert_eq!(
        checked.cover.period.map(|p| p.code()),
        Some("2023Q3".into())
    );
    let counts: Vec<usize> = ["roster", "problems", "needs", "activities", "achievements"]
        .iter()
        .map(|k| records(&checked, k))
        .collect();
    assert_eq!(counts, [3, 2, 1, 1, 1]);
    let activity = &checked.ledgers[3].records[0];
    assert_eq!(activity.row, 3);
    assert_eq!(activity.values[8], Some(Value::Money(1200.5)));
    let refs = &checked.ledgers[4].records[0].values[6];
    assert_eq!(
        refs,
        &Some(Value::Refs(vec!["RC001".into(), "RC002".into()]))
    );
}

#[test]
fn text_dates_and_numbers_typed_as_text_are_read() {
    let mut book = clean_book();
    book.set("问题台账", 0, "登记日期", t("2023/7/3"));
    book.set("问题台账", 0, "办结日期", t("2023年8月15日"));
    book.set("问题台账", 1, "登记日期", t("20230912"));
    book.set("需求台账", 0, "登记日期", t(" 2023.7.20 "));
    book.set("活动台账", 0, "参与人数", t("３５"));
    book.set("活动台账", 0, "经费（元）", t("1,200.50"));
    book.set("人才信息台账", 0, "出生日期", Cell::Number(31118.0)); // Excel serial of 1985-03-12
    book.set("人才信息台账", 1, "学历", t(" 大专 "));
    book.set_cover("填报日期", t("2023-10-08"));
    let checked = check(&book);
    assert!(checked.diagnostics.is_empty(), "{:#?}", checked.diagnostics);
    let problem = &checked.ledgers[1].records[0].values;
    assert_eq!(problem[1].as_ref().unwrap().display(), "2023-07-03");
    assert_eq!(problem[9].as_ref().unwrap().display(), "2023-08-15");
    let activity = &checked.ledgers[3].records[0].values;
    assert_eq!(activity[6], Some(Value::Int(35)));
    assert_eq!(activity[8], Some(Value::Money(1200.5)));
    assert_eq!(
        checked.ledgers[0].records[1].values[6],
        Some(Value::Text("大学专科".into()))
    );
}

#[test]
fn unreadable_file() {
    let checked = check_bytes(b"this is not a spreadsheet", "a.xlsx");
    let d = only(&checked, Code::UnreadableFile);
    assert!(d.cell.is_none() && d.sheet.is_none());
    let checked = check_bytes(b"", "empty.xlsx");
    assert!(only(&checked, Code::UnreadableFile).message.contains("空"));
    // A zip that is not a workbook.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("hello.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut zip, b"hi").unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    only(&check_bytes(&bytes, "renamed.xlsx"), Code::UnreadableFile);
}

#[test]
fn encrypted_file() {
    // Made with msoffcrypto-tool from a clean workbook (password 1234).
    let bytes = std::fs::read(common::root().join("tests/fixtures/encrypted.xlsx")).unwrap();
    let d = only(&check_bytes(&bytes, "encrypted.xlsx"), Code::EncryptedFile);
    assert!(d.message.contains("密码"), "{}", d.message);
}

#[test]
fn a_renamed_file_still_opens() {
    // The same clean xlsx under an .xls and an .ods name.
    let bytes = clean_book().bytes();
    for name in ["台账.xls", "台账.ods", "台账"] {
        assert!(check_bytes(&bytes, name).diagnostics.is_empty(), "{name}");
    }
}

/// Regression: a package whose sheet parts are named in another case than
/// its relationships say (calamine reads it all the same) lost its merged
/// areas, so every row of a merged block but the first came out empty.
#[test]
fn merged_cells_are_filled_when_part_names_differ_in_case_from_the_relationships() {
    let bytes = common::rename_parts(&common::quirky_book().bytes(), |name| {
        name.replace("worksheets/sheet", "worksheets/Sheet")
    });
    assert!(
        zip::ZipArchive::new(std::io::Cursor::new(bytes.as_slice()))
            .unwrap()
            .file_names()
            .flatten()
            .any(|n| n.contains("Sheet1.xml")),
        "the parts were renamed"
    );
    let checked = check_bytes(&bytes, FILE);
    let activities = &checked.ledgers[3].records;
    assert_eq!(
        activities[1].values[5],
        Some(Value::Text("田园社区".into())),
        "the merged 活动地点 of the second activity: {:#?}",
        checked.diagnostics
    );
}

#[test]
fn missing_cover() {
    let mut book = clean_book();
    book.remove_sheet("封面");
    let d = only(&check(&book), Code::MissingCover);
    assert_eq!(d.sheet.as_deref(), Some("封面"));
    let mut book = clean_book();
    book.sheet_mut("封面")
        .retain(|r| r.first() != Some(&t("报送期")));
    let d = only(&check(&book), Code::MissingCover);
    assert_eq!(d.column.as_deref(), Some("报送期"));
}

#[test]
fn unknown_unit() {
    let mut book = clean_book();
    book.set_cover("单位编码", t("150602-09-09"));
    let d = only(&check(&book), Code::UnknownUnit);
    assert_at(&d, "封面", "B4", "单位编码");
    assert_eq!(d.value.as_deref(), Some("150602-09-09"));
}

#[test]
fn unit_name_not_matching_the_registry() {
    let mut book = clean_book();
    book.set_cover("单位名称", t("罕台社工室"));
    let d = only(&check(&book), Code::InconsistentValue);
    assert_at(&d, "封面", "B5", "单位名称");
    assert!(d.message.contains("罕台镇社工人才工作室"), "{}", d.message);
}

#[test]
fn period_mismatch() {
    let mut book = clean_book();
    book.set_cover("报送期", t("三季度"));
    let d = only(&check(&book), Code::PeriodMismatch);
    assert_at(&d, "封面", "B6", "报送期");
    // Cover and file name disagree: a warning, the cover wins.
    let checked = check_bytes(
        &clean_book().bytes(),
        "罕台镇社工人才工作室2023年第二季度台账.xlsx",
    );
    let d = only(&checked, Code::PeriodMismatch);
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(checked.cover.period.map(|p| p.quarter), Some(3));
}

#[test]
fn missing_sheet() {
    let mut book = clean_book();
    book.remove_sheet("需求台账");
    let checked = check(&book);
    let d = only(&checked, Code::MissingSheet);
    assert_eq!(d.sheet.as_deref(), Some("需求台账"));
    assert!(d.cell.is_none());
    assert_eq!(
        records(&checked, "roster"),
        3,
        "the other ledgers are still read"
    );
}

#[test]
fn sheet_names_are_matched_loosely() {
    let mut book = clean_book();
    book.sheets[2].0 = "问 题".into();
    book.sheets[5].0 = "成果统计台账 ".into();
    assert!(check(&book).diagnostics.is_empty());
}

#[test]
fn missing_header() {
    let mut book = clean_book();
    book.sheet_mut("活动台账")[1] = vec![t("随便"), t("写的")];
    let d = only(&check(&book), Code::MissingHeader);
    assert_eq!(d.sheet.as_deref(), Some("活动台账"));
    let mut book = clean_book();
    book.sheet_mut("活动台账")[1][1] = t("日期");
    let checked = check(&book);
    let missing = checked
        .diagnostics
        .iter()
        .find(|d| d.code == Code::MissingHeader)
        .unwrap();
    assert_eq!(missing.column.as_deref(), Some("活动日期"));
}

#[test]
fn duplicate_header() {
    let mut book = clean_book();
    book.sheet_mut("人才信息台账")[1].push(t("姓名"));
    let d = only(&check(&book), Code::DuplicateHeader);
    assert_at(&d, "人才信息台账", "V2", "姓名");
    assert_eq!(d.severity, Severity::Warning);
}

#[test]
fn extra_column() {
    let mut book = clean_book();
    book.sheet_mut("人才信息台账")[1].push(t("籍贯"));
    book.sheet_mut("人才信息台账")[2].push(t("内蒙古"));
    let checked = check(&book);
    let d = only(&checked, Code::ExtraColumn);
    assert_eq!(d.cell.as_deref(), Some("V2"));
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(records(&checked, "roster"), 3, "warnings keep rows");
}

#[test]
fn required_missing() {
    let mut book = clean_book();
    book.set("人才信息台账", 0, "姓名", Cell::Empty);
    let checked = check(&book);
    let d = only(&checked, Code::RequiredMissing);
    assert_at(&d, "人才信息台账", "B3", "姓名");
    assert_eq!(d.row, Some(3));
    assert_eq!(
        records(&checked, "roster"),
        2,
        "rows with errors are left out"
    );
    assert_eq!(checked.ledgers[0].excluded_rows, 1);
}

#[test]
fn type_errors() {
    let mut book = clean_book();
    book.set("人才信息台账", 0, "出生日期", t("1985-02-30"));
    let d = only(&check(&book), Code::TypeError);
    assert_at(&d, "人才信息台账", "D3", "出生日期");
    assert_eq!(d.value.as_deref(), Some("1985-02-30"));

    let mut book = clean_book();
    book.set("活动台账", 0, "参与人数", t("约30人"));
    assert_at(
        &only(&check(&book), Code::TypeError),
        "活动台账",
        "G3",
        "参与人数",
    );
}

#[test]
fn id_number_turned_into_a_float_says_so() {
    let mut book = clean_book();
    book.set(
        "人才信息台账",
        2,
        "身份证号",
        Cell::Number(150602197801150317.0),
    );
    let d = only(&check(&book), Code::TypeError);
    assert_at(&d, "人才信息台账", "N5", "身份证号");
    assert_eq!(d.value.as_deref(), Some("1.50602E+17"));
    assert!(d.message.contains("文本"), "{}", d.message);
    let mut book = clean_book();
    book.set("人才信息台账", 2, "身份证号", t("1.50602E+17"));
    assert!(only(&check(&book), Code::TypeError)
        .message
        .contains("当成了数字"));
}

#[test]
fn enum_error_lists_allowed_values() {
    let mut book = clean_book();
    book.set("人才信息台账", 1, "学历", t("硕士生"));
    let d = only(&check(&book), Code::EnumError);
    assert_at(&d, "人才信息台账", "G4", "学历");
    assert!(
        d.message
            .contains("研究生、大学本科、大学专科、中专、高中及以下"),
        "{}",
        d.message
    );
}

#[test]
fn range_errors() {
    let mut book = clean_book();
    book.set("活动台账", 0, "参与人数", Cell::Number(0.0));
    assert_at(
        &only(&check(&book), Code::RangeError),
        "活动台账",
        "G3",
        "参与人数",
    );
    let mut book = clean_book();
    book.set("活动台账", 0, "人才参与人数", Cell::Number(40.0));
    let d = only(&check(&book), Code::RangeError);
    assert_at(&d, "活动台账", "H3", "人才参与人数");
    assert!(
        d.message.contains("不能大于“参与人数”（35）"),
        "{}",
        d.message
    );
    let mut book = clean_book();
    book.set("活动台账", 0, "经费（元）", Cell::Number(-5.0));
    assert_at(
        &only(&check(&book), Code::RangeError),
        "活动台账",
        "I3",
        "经费（元）",
    );
}

#[test]
fn pattern_errors() {
    let mut book = clean_book();
    book.set("人才信息台账", 0, "联系电话", t("139123"));
    assert_at(
        &only(&check(&book), Code::PatternError),
        "人才信息台账",
        "M3",
        "联系电话",
    );
    let mut book = clean_book();
    book.set("人才信息台账", 0, "身份证号", t("15060219850312"));
    assert_at(
        &only(&check(&book), Code::PatternError),
        "人才信息台账",
        "N3",
        "身份证号",
    );
    let mut book = clean_book();
    book.set_cover("联系电话", t("8581234"));
    assert_at(
        &only(&check(&book), Code::PatternError),
        "封面",
        "B8",
        "联系电话",
    );
}

#[test]
fn checksum_error() {
    let mut book = clean_book();
    book.set("人才信息台账", 1, "身份证号", t("150602199207082446"));
    let d = only(&check(&book), Code::ChecksumError);
    assert_at(&d, "人才信息台账", "N4", "身份证号");
    assert!(d.message.contains("末位应为 5"), "{}", d.message);
}

#[test]
fn id_number_must_agree_with_birth_date_and_sex() {
    let mut book = clean_book();
    book.set("人才信息台账", 0, "出生日期", Cell::Date(1985, 3, 21));
    let d = only(&check(&book), Code::InconsistentValue);
    assert_at(&d, "人才信息台账", "N3", "身份证号");
    assert!(
        d.message.contains("1985-03-12") && d.message.contains("1985-03-21"),
        "{}",
        d.message
    );
    let mut book = clean_book();
    book.set("人才信息台账", 1, "性别", t("男"));
    let d = only(&check(&book), Code::InconsistentValue);
    assert!(d.message.contains("“女”"), "{}", d.message);
}

#[test]
fn date_order() {
    let mut book = clean_book();
    book.set("问题台账", 0, "办结日期", Cell::Date(2023, 7, 1));
    let d = only(&check(&book), Code::DateOrder);
    assert_at(&d, "问题台账", "J3", "办结日期");
    assert!(d.message.contains("不能早于“登记日期”"), "{}", d.message);

    let mut book = clean_book();
    book.set("活动台账", 0, "活动日期", Cell::Date(2023, 10, 12));
    let d = only(&check(&book), Code::DateOrder);
    assert_at(&d, "活动台账", "B3", "活动日期");
    assert!(
        d.message.contains("晚于报送期末 2023-09-30"),
        "{}",
        d.message
    );

    let mut book = clean_book();
    book.set_cover("填报日期", Cell::Date(2023, 9, 10));
    let d = only(&check(&book), Code::DateOrder);
    assert_at(&d, "问题台账", "B4", "登记日期");
    assert!(d.message.contains("填报日期"), "{}", d.message);
}

#[test]
fn conditional_required() {
    let mut book = clean_book();
    book.set("问题台账", 0, "办结日期", Cell::Empty);
    let d = only(&check(&book), Code::ConditionalRequired);
    assert_at(&d, "问题台账", "J3", "办结日期");
    assert!(
        d.message
            .contains("“办理状态”为“已解决”时，必须填写“办结日期”"),
        "{}",
        d.message
    );

    let mut book = clean_book();
    book.set("问题台账", 1, "办结日期", Cell::Date(2023, 9, 20));
    let d = only(&check(&book), Code::ConditionalRequired);
    assert_at(&d, "问题台账", "J4", "办结日期");
    assert!(d.message.contains("当前为“办理中”"), "{}", d.message);

    let mut book = clean_book();
    book.set("问题台账", 0, "处理措施", Cell::Empty);
    assert_at(
        &only(&check(&book), Code::ConditionalRequired),
        "问题台账",
        "H3",
        "处理措施",
    );

    let mut book = clean_book();
    book.set("人才信息台账", 2, "流出日期", Cell::Empty);
    assert_at(
        &only(&check(&book), Code::ConditionalRequired),
        "人才信息台账",
        "Q5",
        "流出日期",
    );

    // A 重点人才 without 联系领导 is a warning, and the row is kept.
    let mut book = clean_book();
    book.set("人才信息台账", 0, "联系领导", Cell::Empty);
    let checked = check(&book);
    let d = only(&checked, Code::ConditionalRequired);
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(records(&checked, "roster"), 3);
}

#[test]
fn duplicate_id() {
    let mut book = clean_book();
    book.set("问题台账", 1, "问题编号", t("WT001"));
    let checked = check(&book);
    let d = only(&checked, Code::DuplicateId);
    assert_at(&d, "问题台账", "A4", "问题编号");
    assert!(d.message.contains("第 3 行"), "{}", d.message);
    assert_eq!(records(&checked, "problems"), 1);
}

#[test]
fn unknown_reference_is_a_warning() {
    let mut book = clean_book();
    book.set("问题台账", 1, "人才编号", t("RC099"));
    book.set("成果统计台账", 0, "人才编号", t("RC001;RC404"));
    let checked = check(&book);
    let refs: Vec<&Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::UnknownReference)
        .collect();
    assert_eq!(refs.len(), 2, "{refs:#?}");
    assert!(refs.iter().all(|d| d.severity == Severity::Warning));
    assert_eq!(refs[0].cell.as_deref(), Some("C4"));
    assert_eq!(refs[1].value.as_deref(), Some("RC404"));
    assert_eq!(records(&checked, "problems"), 2, "warnings keep rows");
}

#[test]
fn layout_quirks_title_rows_reordered_columns_blank_rows() {
    let mut book = clean_book();
    let sheet = book.sheet_mut("活动台账");
    // Two more title rows, columns reversed, blank rows between and after data.
    for row in sheet.iter_mut().skip(1) {
        row.resize(11, Cell::Empty);
        row.reverse();
    }
    sheet.insert(1, vec![t("（2023年第三季度）")]);
    sheet.insert(1, vec![]);
    sheet.push(vec![]);
    let extra: Vec<Cell> = sheet[4].clone();
    sheet.push(extra);
    sheet.push(vec![]);
    let last = sheet.len() - 2;
    let id_col = sheet[3].iter().position(|c| *c == t("活动编号★")).unwrap();
    sheet[last][id_col] = t("HD002");
    let checked = check(&book);
    assert!(checked.diagnostics.is_empty(), "{:#?}", checked.diagnostics);
    let rows: Vec<u32> = checked.ledgers[3].records.iter().map(|r| r.row).collect();
    assert_eq!(rows, [5, 7]);
    assert_eq!(
        checked.ledgers[3].records[1].values[0],
        Some(Value::Text("HD002".into()))
    );
}

#[test]
fn diagnostics_serialise_with_exactly_the_spec_fields() {
    let mut book = clean_book();
    book.set("人才信息台账", 0, "姓名", Cell::Empty);
    let json = serde_json::to_value(&check(&book).diagnostics).unwrap();
    let obj = json[0].as_object().unwrap();
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        ["cell", "code", "column", "file", "message", "row", "severity", "sheet", "value"]
    );
}

/// The clean book's content typed into a real `jucai template` workbook.
fn filled_template(book: &Book) -> Vec<u8> {
    use jucai::reports::template::content::{CellValue, Filled};
    use jucai::reports::template::workbook::{LedgerTemplates, TemplateJob};
    let schema = Schema::builtin();
    let registry = registry();
    let to_value = |c: &Cell| match c {
        Cell::Text(s) => Some(CellValue::Text(s.clone())),
        Cell::Number(n) => Some(CellValue::Number(*n)),
        Cell::Date(y, m, d) => {
            chrono::NaiveDate::from_ymd_opt((*y).into(), (*m).into(), (*d).into())
                .map(CellValue::Date)
        }
        _ => None,
    };
    let mut fill = Filled::default();
    for (key, label) in [
        (CoverKey::Filler, "填报人"),
        (CoverKey::Phone, "联系电话"),
        (CoverKey::FillDate, "填报日期"),
    ] {
        let row = book.sheets[0]
            .1
            .iter()
            .find(|r| r.first() == Some(&t(label)))
            .unwrap();
        fill.cover.insert(key, to_value(&row[1]).unwrap());
    }
    for ledger in &schema.ledgers {
        let rows = &book
            .sheets
            .iter()
            .find(|(n, _)| *n == ledger.name)
            .unwrap()
            .1;
        let header: Vec<String> = rows[1]
            .iter()
            .map(|c| match c {
                Cell::Text(h) => h.trim_end_matches('★').to_string(),
                _ => String::new(),
            })
            .collect();
        let filled_rows = rows[2..]
            .iter()
            .map(|row| {
                header
                    .iter()
                    .zip(row)
                    .filter_map(|(h, c)| Some((h.clone(), to_value(c)?)))
                    .collect()
            })
            .collect();
        fill.ledgers.insert(ledger.key, filled_rows);
    }
    let unit = registry.unit("150602-01-01").unwrap();
    let job = TemplateJob {
        schema: &schema,
        unit,
        period: "2023Q3".parse().unwrap(),
        deadline_days: 10,
        fill: Some(&fill),
    };
    let dir = tempfile::tempdir().unwrap();
    let path = LedgerTemplates::new()
        .unwrap()
        .write(&job, dir.path())
        .unwrap();
    std::fs::read(path).unwrap()
}

#[test]
fn a_workbook_filled_in_from_jucai_template_validates_cleanly() {
    let bytes = filled_template(&clean_book());
    let checked = check_bytes(&bytes, "罕台镇社工人才工作室-2023年第三季度台账.xlsx");
    assert!(checked.diagnostics.is_empty(), "{:#?}", checked.diagnostics);
    let counts: Vec<usize> = checked.ledgers.iter().map(|l| l.records.len()).collect();
    assert_eq!(counts, [3, 2, 1, 1, 1]);
    assert_eq!(checked.cover.unit.as_deref(), Some("150602-01-01"));
    assert_eq!(checked.cover.filler.as_deref(), Some("王丽娟"));
}

#[test]
fn a_template_with_only_the_cover_filled_in_validates_cleanly() {
    let mut book = clean_book();
    for (name, rows) in book.sheets.iter_mut() {
        if name != "封面" {
            rows.truncate(2);
        }
    }
    let checked = check_bytes(&filled_template(&book), "x.xlsx");
    assert!(checked.diagnostics.is_empty(), "{:#?}", checked.diagnostics);
    assert!(checked
        .ledgers
        .iter()
        .all(|l| l.present && l.records.is_empty()));
}

/// A picture WPS embedded in a cell (its cached value is the formula
/// `=DISPIMG("ID_…",1)`) is told as a picture, not taken as the text of
/// the formula.
#[test]
fn a_wps_picture_in_a_cell_is_told_as_a_picture() {
    let mut book = clean_book();
    book.set(
        "活动台账",
        0,
        "活动名称",
        t("=DISPIMG(\"ID_5B2C0E4B8A1D4F6E9C3A\",1)"),
    );
    let checked = check(&book);
    let d = only(&checked, Code::TypeError);
    assert!(d.message.contains("WPS 嵌入单元格的图片"), "{d:#?}");
    assert_eq!(d.sheet.as_deref(), Some("活动台账"));
}
