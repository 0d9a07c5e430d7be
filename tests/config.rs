//! `--config FILE` and `--unit CODE`: a configuration kept outside the working
//! folder, and a quarterly report for one unit only.

use crate::common;

use std::path::Path;

use common::{clean_book, t};

/// Every file under `dir`, relative to it.
fn files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
        .collect();
    out.sort();
    out
}

/// `--config 设置/jucai.toml` from another folder: the registry, archive and
/// output it names are found and written next to it, not in the working
/// folder — whose own jucai.toml (naming a registry that is not there) is
/// not read.
#[test]
fn a_config_elsewhere_resolves_its_relative_paths_against_its_own_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let settings = root.join("设置");
    let work = root.join("工作");
    std::fs::create_dir_all(&settings).unwrap();
    std::fs::create_dir_all(work.join("收件")).unwrap();
    std::fs::copy(
        common::root().join("sample-input/platform.xlsx"),
        settings.join("名录.xlsx"),
    )
    .unwrap();
    std::fs::write(
        settings.join("jucai.toml"),
        "platform = \"名录.xlsx\"\narchive = \"档案\"\noutput = \"输出\"\n",
    )
    .unwrap();
    std::fs::write(work.join("jucai.toml"), "platform = \"不存在.xlsx\"\n").unwrap();
    std::fs::write(work.join("收件/罕台镇.xlsx"), clean_book().bytes()).unwrap();
    let config = "../设置/jucai.toml";
    common::jucai_ok(&work, &["intake", "收件", "--config", config]);
    common::jucai_ok(&work, &["status", "--period", "2023Q3", "--config", config]);
    common::jucai_ok(
        &work,
        &[
            "report",
            "quarterly",
            "--period",
            "2023Q3",
            "--unit",
            "150602-01",
            "--config",
            config,
        ],
    );
    assert_eq!(
        files(&work),
        ["jucai.toml", "收件/罕台镇.xlsx"],
        "nothing written in the working folder"
    );
    let written = files(&settings);
    for expected in [
        "输出/2023Q3/报送情况-2023年第三季度.xlsx",
        "输出/2023Q3/季度报告-东胜区社工人才工作站-2023Q3.pdf",
        "输出/2023Q3/季度报告-东胜区社工人才工作站-2023Q3.xlsx",
    ] {
        assert!(
            written.iter().any(|f| f == expected),
            "{expected} in {written:?}"
        );
    }
    assert!(
        written.iter().any(|f| f == "档案/index.sqlite"),
        "the archive is 设置/档案: {written:?}"
    );
    // Without --config the working folder's jucai.toml is read, and its
    // registry is not there.
    let out = common::jucai(&work, &["status", "--period", "2023Q3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不存在.xlsx"));
}

/// `report quarterly --unit CODE` writes (and prints) only that unit's report;
/// a code that is not in the registry exits 2 and writes nothing.
#[test]
fn report_quarterly_for_one_unit_gives_only_that_units_report() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("收件")).unwrap();
    std::fs::write(root.join("收件/罕台镇.xlsx"), clean_book().bytes()).unwrap();
    let mut station = clean_book();
    station.set_cover("单位编码", t("150602-02"));
    station.set_cover("单位名称", t("东胜区养老护理人才工作站"));
    std::fs::write(root.join("收件/养老站.xlsx"), station.bytes()).unwrap();
    let platform = common::sample_platform();
    common::jucai_ok(
        root,
        &[
            "intake",
            "收件",
            "--archive",
            "档案",
            "--platform",
            &platform,
        ],
    );
    let report = |unit: &str, extra: &[&str]| {
        let mut args = vec![
            "report",
            "quarterly",
            "--period",
            "2023Q3",
            "--archive",
            "档案",
            "--platform",
            &platform,
            "--unit",
            unit,
        ];
        args.extend(extra);
        common::jucai(root, &args)
    };
    let out = report("150602-02", &["--out", "输出"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        files(&root.join("输出")),
        [
            "2023Q3/季度报告-东胜区养老护理人才工作站-2023Q3.pdf",
            "2023Q3/季度报告-东胜区养老护理人才工作站-2023Q3.xlsx",
        ]
    );
    let json = report("150602-01", &["--format", "json"]);
    assert_eq!(json.status.code(), Some(0));
    let reports: Vec<serde_json::Value> = serde_json::from_slice(&json.stdout).unwrap();
    let units: Vec<&str> = reports
        .iter()
        .map(|r| r["unit"].as_str().unwrap())
        .collect();
    assert_eq!(units, ["150602-01"]);
    // The station's figures still include its workroom's workbook.
    assert_eq!(reports[0]["quarter"]["talents"]["in_library"], 2);
    let unknown = report("150602-77", &["--out", "未知"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("平台名录中没有单位编码“150602-77”"));
    assert!(!root.join("未知").exists());
}
