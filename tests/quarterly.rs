//! Quarterly reports on the committed sample: PDF and XLSX content checked
//! against the report model, headers and page numbers, and no personal data.

use crate::common;

use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Reader};
use serde_json::Value;

struct Sample {
    dir: tempfile::TempDir,
}

impl Sample {
    fn root(&self) -> &Path {
        self.dir.path()
    }
}

/// `jucai report quarterly` on the intaken sample's archive.
fn quarterly_args<'a>(period: &'a str, platform: &'a str) -> [&'a str; 8] {
    [
        "report",
        "quarterly",
        "--period",
        period,
        "--archive",
        "archive",
        "--platform",
        platform,
    ]
}

fn sample_with_reports(period: &str) -> (Sample, Vec<Value>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::intake_sample(root);
    let platform = common::sample_platform();
    let base = quarterly_args(period, &platform);
    let json = common::jucai_ok(root, &[&base[..], &["--format", "json"]].concat());
    let model: Vec<Value> = serde_json::from_slice(&json.stdout).unwrap();
    common::jucai_ok(root, &[&base[..], &["--out", "out"]].concat());
    (Sample { dir }, model)
}

fn report_files(root: &Path, period: &str, name: &str) -> (PathBuf, PathBuf) {
    let stem = root
        .join("out")
        .join(period)
        .join(format!("季度报告-{name}-{period}"));
    (stem.with_extension("pdf"), stem.with_extension("xlsx"))
}

#[test]
fn every_station_and_the_centre_get_a_pdf_and_an_xlsx_matching_the_model() {
    let (sample, model) = sample_with_reports("2024Q3");
    let reports: Vec<&Value> = model
        .iter()
        .filter(|r| r["level_kind"] != "workroom")
        .collect();
    assert_eq!(reports.len(), 5);
    for r in reports {
        let name = r["name"].as_str().unwrap();
        let (pdf, xlsx) = report_files(sample.root(), "2024Q3", name);
        assert!(pdf.exists() && xlsx.exists(), "{name}");
        let in_library = r["quarter"]["talents"]["in_library"].as_i64().unwrap();
        let mut book = open_workbook_auto(&xlsx).unwrap();
        let figures = book.worksheet_range("主要数字").unwrap();
        let row = (1..30)
            .find(|&i| {
                figures.get_value((i, 0)).map(|v| v.to_string()) == Some("在库人才（人）".into())
            })
            .unwrap();
        assert_eq!(
            figures.get_value((row, 1)),
            Some(&calamine::Data::Float(in_library as f64)),
            "{name}: a real number"
        );
        let before = r["previous_quarter"]["talents"]["in_library"]
            .as_i64()
            .unwrap();
        assert_eq!(
            figures.get_value((row, 3)),
            Some(&calamine::Data::Float((in_library - before) as f64))
        );

        common::require_tool("pdftotext");
        let text = common::pdf_text(&pdf, None, false).replace('\n', "");
        assert!(
            text.contains(&format!("{name}2024年第三季度人才工作季度报告")),
            "{name}: title"
        );
        assert!(
            text.contains(&format!("在库人才{in_library}人")),
            "{name}: overview sentence has the model's number"
        );
        let pages: usize = common::pdf_pages(&pdf);
        let last = common::pdf_text(&pdf, Some(pages), true).replace(' ', "");
        assert!(last.contains(&format!("—{pages}—")), "{name}: page numbers");
    }
}

#[test]
fn reports_carry_no_id_numbers_or_phones_of_talents() {
    let (sample, _) = sample_with_reports("2024Q2");
    // Whole tokens only: the digits of a ratio such as 0.0175438596491228 are not an ID.
    let id_number = regex::Regex::new(r"(^|[^\d.])\d{17}[\dXx]($|[^\d])").unwrap();
    let mobile = regex::Regex::new(r"(^|[^\d.])1[3-9]\d{9}($|[^\d])").unwrap();
    for entry in std::fs::read_dir(sample.root().join("out/2024Q2")).unwrap() {
        let path = entry.unwrap().path();
        let text = match path.extension().and_then(|e| e.to_str()) {
            Some("pdf") => common::pdf_text(&path, None, false),
            Some("xlsx") => {
                let mut book = open_workbook_auto(&path).unwrap();
                let mut all = String::new();
                for name in book.sheet_names() {
                    for row in book.worksheet_range(&name).unwrap().rows() {
                        for cell in row {
                            all.push_str(&cell.to_string());
                            all.push(' ');
                        }
                    }
                }
                all
            }
            _ => continue,
        };
        assert!(
            !id_number.is_match(&text),
            "{}: an ID number",
            path.display()
        );
        assert!(
            !mobile.is_match(&text),
            "{}: a mobile number",
            path.display()
        );
    }
}

/// A district with other targets writes them in jucai.toml; no code changes.
#[test]
fn targets_and_the_area_floor_come_from_jucai_toml() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::intake_sample(root);
    std::fs::write(
        root.join("jucai.toml"),
        r#"
[targets]
min_area = 100000
[[targets.station]]
name = "人才沙龙"
measure = "activities"
target = 1000
unit = "场"
[[targets.workroom]]
name = "取得成果"
measure = "achievements"
target = 0
unit = "项"
"#,
    )
    .unwrap();
    let platform = common::sample_platform();
    let base = quarterly_args("2024Q3", &platform);
    let json = common::jucai_ok(root, &[&base[..], &["--format", "json"]].concat());
    let model: Vec<Value> = serde_json::from_slice(&json.stdout).unwrap();
    for r in &model {
        let targets = r["targets"].as_array().unwrap();
        let area = &r["six_haves"][0];
        assert_eq!(area["name"], "有阵地");
        match r["level_kind"].as_str().unwrap() {
            "centre" => assert!(targets.is_empty(), "no [[centre]] given: {r}"),
            "station" => {
                assert_eq!(targets.len(), 1);
                let t = &targets[0];
                assert_eq!(
                    (t["name"].as_str(), t["unit"].as_str()),
                    (Some("人才沙龙"), Some("场"))
                );
                assert_eq!(t["target"], 1000);
                assert_eq!(t["actual"], r["own_year_to_date"]["activities"]["count"]);
                assert_eq!(t["met"], false);
                assert_eq!(area["ok"], false, "no station has 100000 m²");
                // The model carries the numbers; the report words them.
                assert_eq!(area["found"]["check"], "area");
                assert_eq!(area["found"]["floor"], 100000.0);
                assert!(area["found"]["area"].as_f64().unwrap() < 100000.0);
            }
            _ => {
                assert_eq!(targets.len(), 1);
                assert_eq!(targets[0]["met"], true, "at least 0 achievements");
            }
        }
    }
    common::jucai_ok(root, &[&base[..], &["--out", "out"]].concat());
    let station = model.iter().find(|r| r["level_kind"] == "station").unwrap();
    let (_, xlsx) = report_files(root, "2024Q3", station["name"].as_str().unwrap());
    let mut book = open_workbook_auto(&xlsx).unwrap();
    let sheet = book.worksheet_range("年度目标").unwrap();
    assert_eq!(
        sheet.get_value((1, 0)).map(|v| v.to_string()),
        Some("人才沙龙".into())
    );
    assert_eq!(
        sheet.get_value((1, 1)),
        Some(&calamine::Data::Float(1000.0))
    );
}

#[test]
fn a_target_with_an_unknown_measure_is_a_config_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("jucai.toml"),
        "[targets]\nmin_area = 200\n[[targets.station]]\nname = \"x\"\nmeasure = \"meetings\"\ntarget = 1\nunit = \"次\"\n",
    )
    .unwrap();
    let out = common::jucai(root, &["report", "quarterly", "--period", "2024Q3"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("meetings") && !err.contains("panicked"),
        "{err}"
    );
}

/// Money grouped with two decimals, changes signed, the same in the PDF's
/// text and the XLSX's number formats (the XLSX keeps real numbers).
#[test]
fn money_is_grouped_and_changes_signed_in_pdf_and_xlsx() {
    let (sample, model) = sample_with_reports("2024Q4");
    let centre = model.iter().find(|r| r["level_kind"] == "centre").unwrap();
    let name = centre["name"].as_str().unwrap();
    let funds = centre["quarter"]["activities"]["funds"].as_f64().unwrap();
    assert!(funds >= 1000.0, "the sample's centre spends {funds}");
    let grouped = jucai::numbers::money(funds);
    assert!(grouped.contains(','), "{grouped}");
    let (pdf, xlsx) = report_files(sample.root(), "2024Q4", name);
    let text = common::pdf_text(&pdf, None, false).replace('\n', "");
    assert!(
        text.contains(&format!("使用经费{grouped}元")),
        "{grouped} in the text"
    );
    let talents = |q: &str| centre[q]["talents"]["in_library"].as_i64().unwrap();
    let change = talents("quarter") - talents("previous_quarter");
    assert!(change > 0, "the sample grows: {change}");
    let layout = common::pdf_text(&pdf, None, true);
    let row = layout
        .lines()
        .find(|l| l.trim_start().starts_with("在库人才（人）"))
        .expect("the figures table's talents row");
    assert!(row.contains(&format!("+{change}")), "{row}");

    let mut book = open_workbook_auto(&xlsx).unwrap();
    let figures = book.worksheet_range("主要数字").unwrap();
    let funds_row = (1..30)
        .find(|&i| {
            figures.get_value((i, 0)).map(|v| v.to_string()) == Some("活动经费（元）".into())
        })
        .unwrap();
    assert_eq!(
        figures.get_value((funds_row, 1)),
        Some(&calamine::Data::Float(funds)),
        "a real number"
    );
    let styles = common::zip_part(&xlsx, "xl/styles.xml");
    // Money grouped, counts plain as the text writes them (1330), changes signed.
    for code in ["#,##0.00", "+0;-0;0", "+#,##0.00;-#,##0.00;0"] {
        assert!(
            styles.contains(&format!("formatCode=\"{code}\"")),
            "{code} in styles.xml"
        );
    }
}
