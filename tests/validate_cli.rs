//! `jucai validate` on a folder: one bad file never stops the batch, JSON and
//! text output, exit codes, and feedback workbooks read back.

use crate::common;

use calamine::{open_workbook_auto, Reader};
use common::{clean_book, t, Cell};

fn platform() -> String {
    common::root()
        .join("sample-input/platform.xlsx")
        .display()
        .to_string()
}

/// A folder with a clean workbook, one with errors, a non-workbook, and files
/// a folder scan must skip.
fn inbox() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("收件");
    std::fs::create_dir_all(inbox.join("子目录")).unwrap();
    std::fs::write(inbox.join("good.xlsx"), clean_book().bytes()).unwrap();
    let mut bad = clean_book();
    bad.set("人才信息台账", 0, "姓名", Cell::Empty);
    bad.set("人才信息台账", 1, "备注", t("=1+1"));
    bad.set("问题台账", 1, "人才编号", t("RC099"));
    std::fs::write(inbox.join("子目录/bad.xlsx"), bad.bytes()).unwrap();
    std::fs::write(inbox.join("garbage.xlsx"), b"not a workbook").unwrap();
    std::fs::write(inbox.join("~$good.xlsx"), b"lock").unwrap();
    std::fs::write(inbox.join(".hidden.xlsx"), b"hidden").unwrap();
    dir
}

#[test]
fn a_folder_batch_reports_every_bad_file_and_keeps_going() {
    let dir = inbox();
    let run = common::jucai(
        dir.path(),
        &[
            "validate",
            "收件",
            "--format",
            "json",
            "--feedback",
            "反馈",
            "--platform",
            &platform(),
        ],
    );
    assert_eq!(
        run.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let diags: Vec<serde_json::Value> = serde_json::from_slice(&run.stdout).unwrap();
    let files: std::collections::BTreeSet<&str> =
        diags.iter().map(|d| d["file"].as_str().unwrap()).collect();
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        ["收件/garbage.xlsx", "收件/子目录/bad.xlsx"],
        "lock files and hidden files are skipped; the clean file has nothing"
    );
    let required = diags
        .iter()
        .find(|d| d["code"] == "required-missing")
        .unwrap();
    assert_eq!(required["sheet"], "人才信息台账");
    assert_eq!(required["cell"], "B3");
    assert_eq!(required["row"], 3);
    assert_eq!(required["column"], "姓名");
    assert_eq!(required["severity"], "error");
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("反馈"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "garbage-报送期不明-校验反馈.xlsx",
            "罕台镇社工人才工作室-2023年第三季度-校验反馈.xlsx"
        ]
    );
}

#[test]
fn text_output_is_grouped_by_file_and_exit_codes_follow_errors() {
    let dir = inbox();
    let run = common::jucai(dir.path(), &["validate", "收件", "--platform", &platform()]);
    assert_eq!(run.status.code(), Some(1));
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(
        out.contains("收件/子目录/bad.xlsx：1 个错误，1 个警告"),
        "{out}"
    );
    assert!(out.contains("人才信息台账!B3"), "{out}");
    assert!(
        out.contains("共校验 3 个文件：1 个通过，0 个只有警告，2 个有错误。"),
        "{out}"
    );
    let run = common::jucai(
        dir.path(),
        &["validate", "收件/good.xlsx", "--platform", &platform()],
    );
    assert_eq!(run.status.code(), Some(0));
    let run = common::jucai(dir.path(), &["validate", "--platform", &platform()]);
    assert_eq!(run.status.code(), Some(2), "no path is a usage error");
}

#[test]
fn the_feedback_workbook_lists_links_and_marks_the_cells() {
    let dir = inbox();
    let run = common::jucai(
        dir.path(),
        &[
            "validate",
            "收件/子目录/bad.xlsx",
            "--feedback",
            "反馈",
            "--platform",
            &platform(),
        ],
    );
    assert_eq!(run.status.code(), Some(1));
    let path = dir
        .path()
        .join("反馈/罕台镇社工人才工作室-2023年第三季度-校验反馈.xlsx");
    let mut book = open_workbook_auto(&path).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "校验结果",
            "填报说明",
            "封面",
            "人才信息台账",
            "问题台账",
            "需求台账",
            "活动台账",
            "成果统计台账"
        ]
    );
    let results = book.worksheet_range("校验结果").unwrap();
    let row: Vec<String> = (0..9)
        .map(|c| {
            results
                .get_value((3, c))
                .map(|v| v.to_string())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        &row[1..7],
        ["人才信息台账", "B3", "3", "姓名", "必填项为空", "错误"]
    );
    assert!(row[8].contains("为必填项"));
    // The received data is there, and user text stays text.
    let roster = book.worksheet_range("人才信息台账").unwrap();
    assert_eq!(roster.get_value((3, 1)).unwrap().to_string(), "李娜");
    assert_eq!(roster.get_value((3, 20)).unwrap().to_string(), "=1+1");

    let results_xml = common::sheet_xml(&path, 0);
    assert!(
        results_xml.contains("location=\"'人才信息台账'!B3\""),
        "hyperlink to the cell"
    );
    let roster_xml = common::sheet_xml(&path, ROSTER);
    assert!(
        !roster_xml.contains("<f>"),
        "no formulas written from user text"
    );
    // One comments part per marked sheet: the roster's first, then the problems'.
    let comments = common::zip_part(&path, "xl/comments1.xml");
    assert!(comments.contains("ref=\"B3\""), "{comments}");
    assert!(
        comments.contains("“姓名”为必填项，不能为空。"),
        "{comments}"
    );
    let comments = common::zip_part(&path, "xl/comments2.xml");
    assert!(
        comments.contains("ref=\"C4\"") && comments.contains("RC099"),
        "{comments}"
    );
    let styles = common::zip_part(&path, "xl/styles.xml");
    assert!(styles.contains("FFFFC7CE"), "error fill");
    assert!(styles.contains("FFFFEB9C"), "warning fill");
    // The flagged cells themselves carry the fills: 姓名 missing (an error) at
    // B3 of the roster, the unknown 人才编号 (a warning) at C4 of the problems.
    assert_eq!(
        common::cell_fill(&path, ROSTER, "B3").as_deref(),
        Some(ERROR_FILL),
        "roster B3 is marked red"
    );
    assert_eq!(
        common::cell_fill(&path, PROBLEMS, "C4").as_deref(),
        Some(WARNING_FILL),
        "problems C4 is marked yellow"
    );
    // Cells nothing was found in are not marked.
    for (sheet, cell) in [
        (ROSTER, "B4"),
        (ROSTER, "C3"),
        (PROBLEMS, "C3"),
        (PROBLEMS, "B4"),
    ] {
        assert_eq!(common::cell_fill(&path, sheet, cell), None, "{cell}");
    }
}

/// Sheet positions in a feedback workbook: 校验结果, 填报说明, 封面, then the ledgers.
const ROSTER: usize = 3;
const PROBLEMS: usize = 4;

/// The fills the feedback workbook marks cells with.
const ERROR_FILL: &str = "FFFFC7CE";
const WARNING_FILL: &str = "FFFFEB9C";

/// A file with only warnings passes validation (exit 0), and still gets a
/// feedback workbook with the cell marked yellow, not red.
#[test]
fn a_file_with_only_warnings_passes_and_gets_a_yellow_feedback_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = clean_book();
    book.set("问题台账", 1, "人才编号", t("RC099"));
    std::fs::write(dir.path().join("warned.xlsx"), book.bytes()).unwrap();
    let run = common::jucai(
        dir.path(),
        &[
            "validate",
            "warned.xlsx",
            "--feedback",
            "反馈",
            "--platform",
            &platform(),
        ],
    );
    let out = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(0), "{out}");
    assert!(
        out.contains("共校验 1 个文件：0 个通过，1 个只有警告，0 个有错误。"),
        "{out}"
    );
    let path = dir
        .path()
        .join("反馈/罕台镇社工人才工作室-2023年第三季度-校验反馈.xlsx");
    assert!(path.exists(), "{out}");
    let mut feedback = open_workbook_auto(&path).unwrap();
    let results = feedback.worksheet_range("校验结果").unwrap();
    let row: Vec<String> = (0..9)
        .map(|c| {
            results
                .get_value((3, c))
                .map(|v| v.to_string())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        &row[1..7],
        ["问题台账", "C4", "4", "人才编号", "引用不存在", "警告"]
    );
    assert!(
        results
            .get_value((4, 1))
            .is_none_or(|v| v.to_string().is_empty()),
        "one finding only"
    );
    assert_eq!(
        common::cell_fill(&path, PROBLEMS, "C4").as_deref(),
        Some(WARNING_FILL)
    );
    assert_eq!(common::cell_fill(&path, PROBLEMS, "C3"), None);
    let styles = common::zip_part(&path, "xl/styles.xml");
    assert!(!styles.contains(ERROR_FILL), "nothing is marked red");
}
