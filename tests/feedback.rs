//! The feedback workbook is the unit's ledger workbook, marked up: the
//! template's sheets with what the unit sent, so the unit corrects the marked
//! cells in it and sends it back. Edited here by real clients (openpyxl and
//! LibreOffice through UNO), validated and taken in again.

use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{open_workbook_auto, Reader};

use crate::common::{self, clean_book, t, Cell};

/// A unit's workbook with one error (姓名 blank, roster B3) and one warning
/// (an unknown 人才编号, problems C4).
fn returned(dir: &Path) -> PathBuf {
    let mut bad = clean_book();
    bad.set("人才信息台账", 0, "姓名", Cell::Empty);
    bad.set("问题台账", 1, "人才编号", t("RC099"));
    let path = dir.join("罕台镇-2023Q3.xlsx");
    std::fs::write(&path, bad.bytes()).unwrap();
    path
}

/// Write the feedback for `file` into `dir/反馈`; its path.
fn feedback_for(dir: &Path, file: &str) -> PathBuf {
    let run = common::jucai(
        dir,
        &[
            "validate",
            file,
            "--feedback",
            "反馈",
            "--platform",
            &common::sample_platform(),
        ],
    );
    assert!(run.status.code().is_some(), "{run:?}");
    let found: Vec<PathBuf> = std::fs::read_dir(dir.join("反馈"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found.into_iter().next().unwrap()
}

/// The template jucai writes for the same unit and period.
fn template(dir: &Path) -> PathBuf {
    common::jucai_ok(
        dir,
        &[
            "template",
            "--period",
            "2023Q3",
            "--unit",
            "150602-01-01",
            "--out",
            "模板",
            "--platform",
            &common::sample_platform(),
        ],
    );
    std::fs::read_dir(dir.join("模板"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
}

/// Index of a sheet in a workbook's order (sheetN.xml is N = index + 1).
fn sheet_index(path: &Path, name: &str) -> usize {
    let book = open_workbook_auto(path).unwrap();
    book.sheet_names().iter().position(|n| n == name).unwrap()
}

/// What of a sheet's XML makes it the template: validations, frozen panes,
/// merged cells, page setup, print titles are in workbook.xml.
fn structure(path: &Path, sheet: &str) -> (Vec<String>, Option<String>, Vec<String>, String) {
    let xml = common::sheet_xml(path, sheet_index(path, sheet));
    let listed = xml.split("</dataValidations>").next().unwrap_or("");
    let validations = common::data_validations(listed);
    let pane = common::between(&xml, "<pane ", "/>").map(str::to_string);
    let merges = xml
        .split("<mergeCell ")
        .skip(1)
        .map(|m| m.split("/>").next().unwrap_or("").to_string())
        .collect();
    let setup = common::between(&xml, "<pageSetup ", "/>")
        .unwrap_or("")
        .to_string();
    (validations, pane, merges, setup)
}

#[test]
fn feedback_ledger_sheets_have_the_templates_validations_frozen_panes_and_merged_titles() {
    let dir = tempfile::tempdir().unwrap();
    returned(dir.path());
    let feedback = feedback_for(dir.path(), "罕台镇-2023Q3.xlsx");
    let template = template(dir.path());
    for sheet in [
        "封面",
        "人才信息台账",
        "问题台账",
        "需求台账",
        "活动台账",
        "成果统计台账",
    ] {
        let (validations, pane, merges, setup) = structure(&feedback, sheet);
        let expected = structure(&template, sheet);
        assert!(!validations.is_empty(), "{sheet} has dropdowns and checks");
        assert_eq!(validations, expected.0, "{sheet}: validations");
        assert_eq!(pane, expected.1, "{sheet}: frozen panes");
        assert_eq!(merges, expected.2, "{sheet}: merged cells");
        assert_eq!(setup, expected.3, "{sheet}: page setup");
    }
    // The merged title reads once, as in the template (not spelled into every cell).
    let mut book = open_workbook_auto(&feedback).unwrap();
    let roster = book.worksheet_range("人才信息台账").unwrap();
    assert_eq!(
        roster.get_value((0, 0)).unwrap().to_string(),
        "罕台镇社工人才工作室人才信息台账"
    );
    assert!(roster
        .get_value((0, 1))
        .is_none_or(|v| v.to_string().is_empty()));
    // The ledgers print with their title and header rows on every page, as the template's.
    let titles = print_titles(&template);
    assert!(titles.len() >= 5, "{titles:?}");
    let in_feedback = print_titles(&feedback);
    for t in &titles {
        assert!(in_feedback.contains(t), "{t} in {in_feedback:?}");
    }
}

/// The print titles a workbook defines, e.g. `'人才信息台账'!$1:$2`.
fn print_titles(path: &Path) -> Vec<String> {
    let xml = common::zip_part(path, "xl/workbook.xml");
    xml.split("<definedName name=\"_xlnm.Print_Titles\"")
        .skip(1)
        .filter_map(|d| common::between(d, ">", "</definedName>"))
        .map(common::unescape)
        .collect()
}

#[test]
fn a_foreign_layout_lands_in_the_templates_columns_with_added_columns_kept_at_the_right() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = clean_book();
    book.set("人才信息台账", 0, "姓名", Cell::Empty);
    {
        let roster = book.sheet_mut("人才信息台账");
        // Two rows of the unit's own above the title, 姓名 and 性别 swapped,
        // a column of its own added between them and 出生日期.
        for row in roster.iter_mut() {
            row.resize(21, Cell::Empty);
            row.swap(1, 2);
        }
        for (i, row) in roster.iter_mut().enumerate() {
            let added = match i {
                1 => t("单位自填"),
                2 => t("甲"),
                3 => t("乙"),
                _ => Cell::Empty,
            };
            row.insert(2, added);
        }
        roster.insert(0, vec![t("内部编号：HT-7")]);
        roster.insert(0, vec![]);
    }
    std::fs::write(dir.path().join("外来.xlsx"), book.bytes()).unwrap();
    let feedback = feedback_for(dir.path(), "外来.xlsx");
    let mut fb = open_workbook_auto(&feedback).unwrap();
    let roster = fb.worksheet_range("人才信息台账").unwrap();
    let at = |r: u32, c: u32| {
        roster
            .get_value((r, c))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert_eq!(at(1, 1), "姓名★", "schema order");
    assert_eq!(at(1, 2), "性别★");
    assert_eq!(at(3, 1), "李娜", "data from the first data row");
    assert_eq!(at(3, 2), "女");
    // After the template's 23 columns (人才编号 … 风采简介).
    assert_eq!(at(1, 23), "单位自填", "added column at the right");
    assert_eq!(at(2, 23), "甲");
    assert_eq!(at(3, 23), "乙");
    // The blank 姓名 was D5 in the file sent; here it is B3, and so says the
    // list; the added column's warning points at its header, X2.
    let results = fb.worksheet_range("校验结果").unwrap();
    let listed: Vec<Vec<String>> = results
        .rows()
        .skip(3)
        .map(|r| r[1..5].iter().map(|v| v.to_string()).collect())
        .collect();
    assert!(
        listed.contains(&vec![
            "人才信息台账".into(),
            "B3".into(),
            "3".into(),
            "姓名".into()
        ]),
        "{listed:?}"
    );
    assert!(
        listed.iter().any(|r| r[1] == "X2" && r[2] == "2"),
        "{listed:?}"
    );
    let roster_index = sheet_index(&feedback, "人才信息台账");
    assert_eq!(
        common::cell_fill(&feedback, roster_index, "B3").as_deref(),
        Some("FFFFC7CE")
    );
    let results_xml = common::sheet_xml(&feedback, 0);
    assert!(results_xml.contains("location=\"'人才信息台账'!B3\""));
}

/// The same with LibreOffice, driven through UNO on a pipe (no network):
/// open, set the cells, save as xlsx, quit.
const LIBREOFFICE_EDIT: &str = r#"
import sys, time, subprocess, uno
from com.sun.star.beans import PropertyValue
path, out, profile, pipe = sys.argv[1:5]
office = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore",
    "-env:UserInstallation=file://" + profile, "--accept=pipe,name=" + pipe + ";urp;"])
try:
    resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext())
    for _ in range(120):
        try:
            ctx = resolver.resolve("uno:pipe,name=" + pipe + ";urp;StarOffice.ComponentContext")
            break
        except Exception:
            time.sleep(0.5)
    else:
        sys.exit("LibreOffice did not start")
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    def prop(name, value):
        p = PropertyValue(); p.Name = name; p.Value = value; return p
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0, (prop("Hidden", True),))
    for edit in sys.argv[5:]:
        sheet, cell, value = edit.split("!")
        doc.Sheets.getByName(sheet).getCellRangeByName(cell).setString(value)
    doc.storeToURL(uno.systemPathToFileUrl(out), (prop("FilterName", "Calc MS Excel 2007 XML"),))
    doc.close(True)
    try:
        desktop.terminate()
    except Exception:
        pass
finally:
    try:
        office.wait(timeout=30)
    except subprocess.TimeoutExpired:
        office.kill()
"#;

/// Run an editing script; a missing client fails with what to install.
fn edit(python: &str, script: &str, args: &[&str], install: &str) {
    let out = Command::new(python)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{python}: {e} ({install})"));
    assert!(
        out.status.success(),
        "editing with {python} failed ({install}): {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The corrections: the blank 姓名 filled in, the unknown 人才编号 replaced.
const CORRECTIONS: [&str; 2] = ["人才信息台账!B3!张伟", "问题台账!C4!RC001"];

/// Correct the feedback with a client, then validate and take in the result.
fn round_trip(corrected_by: impl Fn(&Path, &Path)) {
    let dir = tempfile::tempdir().unwrap();
    let sent = returned(dir.path());
    let platform = common::sample_platform();
    let archive = dir.path().join("档案");
    let archive_arg = archive.display().to_string();
    let intake = |file: &Path| {
        common::jucai_ok(
            dir.path(),
            &[
                "intake",
                &file.display().to_string(),
                "--archive",
                &archive_arg,
                "--platform",
                &platform,
            ],
        )
    };
    intake(&sent);
    let feedback = feedback_for(dir.path(), "罕台镇-2023Q3.xlsx");
    let corrected = dir.path().join("更正后.xlsx");
    corrected_by(&feedback, &corrected);

    let run = common::jucai(
        dir.path(),
        &[
            "validate",
            "更正后.xlsx",
            "--format",
            "json",
            "--platform",
            &platform,
        ],
    );
    let diags: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(
        diags,
        serde_json::json!([]),
        "the corrected workbook is clean"
    );
    assert_eq!(run.status.code(), Some(0));

    intake(&corrected);
    let archive = jucai::archive::Archive::open(&archive).unwrap();
    let period = "2023Q3".parse().unwrap();
    let versions = archive.versions("150602-01-01", period);
    assert_eq!(versions.len(), 2, "the correction is a new version");
    let newest = archive.newest("150602-01-01", period).unwrap();
    assert_eq!(newest.original_name, "更正后.xlsx");
    assert_eq!((newest.errors, newest.warnings), (0, 0));
}

#[test]
fn a_feedback_corrected_with_openpyxl_validates_clean_and_is_taken_in_as_the_newest_version() {
    round_trip(|feedback, out| {
        let mut args = vec![feedback.to_str().unwrap(), out.to_str().unwrap()];
        args.extend(CORRECTIONS);
        edit(
            "python3",
            crate::common::OPENPYXL_EDIT,
            &args,
            "pip install openpyxl; scripts/test does it",
        );
    });
}

#[test]
fn a_feedback_corrected_with_libreoffice_validates_clean_and_is_taken_in_as_the_newest_version() {
    common::require_tool("soffice");
    round_trip(|feedback, out| {
        let profile = tempfile::tempdir().unwrap();
        let pipe = format!("jucai-test-{}", std::process::id());
        let mut args = vec![
            feedback.to_str().unwrap(),
            out.to_str().unwrap(),
            profile.path().to_str().unwrap(),
            &pipe,
        ];
        args.extend(CORRECTIONS);
        // Debian's python3-uno is for the system Python.
        edit(
            "/usr/bin/python3",
            LIBREOFFICE_EDIT,
            &args,
            "apt-get install python3-uno libreoffice-calc; scripts/test does it",
        );
    });
}
