//! `jucai run` end to end on the committed sample: intake, feedback, status,
//! templates; twice gives byte-identical outputs and no new archive records.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

fn outputs(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir.join("output"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_type().is_file() && !e.path().components().any(|c| c.as_os_str() == "archive")
        })
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

#[test]
fn run_on_the_sample_fills_output_and_is_repeatable() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &common::root().join("sample-input"),
        &dir.path().join("sample-input"),
    );
    let first = common::jucai(dir.path(), &["run"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let text = String::from_utf8_lossy(&first.stdout);
    assert!(text.contains("新存入 216 个"), "{text}");
    assert!(text.contains("需要处理"), "{text}");
    let out = outputs(dir.path());
    for period in ["2023Q1", "2023Q4", "2024Q4"] {
        let chinese: jucai::period::Period = period.parse().unwrap();
        let status = format!("output/{period}/报送情况-{}.xlsx", chinese.chinese());
        assert!(
            out.contains_key(&status),
            "{status} in {:?}",
            out.keys().collect::<Vec<_>>()
        );
    }
    assert!(out.keys().any(|k| k.starts_with(
        "output/2023Q2/校验反馈/罕台镇社工人才工作室-2023年第二季度-校验反馈-第1版.xlsx"
    )));
    assert_eq!(
        out.keys()
            .filter(|k| k.starts_with("output/templates/2025Q1/"))
            .count(),
        27
    );
    let records = std::fs::read_dir(dir.path().join("output/archive/records"))
        .unwrap()
        .count();
    assert_eq!(records, 216);

    let second = common::jucai(dir.path(), &["run"]);
    assert!(second.status.success());
    assert!(String::from_utf8_lossy(&second.stdout).contains("新存入 0 个，此前已收 216 个"));
    assert!(
        outputs(dir.path()) == out,
        "the same input gives byte-identical outputs"
    );
    assert_eq!(
        std::fs::read_dir(dir.path().join("output/archive/records"))
            .unwrap()
            .count(),
        216
    );
}
