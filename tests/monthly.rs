//! The centre's monthly dispatch sheet (月调度表) on the generated district
//! of `half_year`: a month's figures are the events the generator dated in
//! that month, by station; the PDF has a landscape page per sheet.

use std::path::Path;

use chrono::NaiveDate;
use serde_json::Value;

use crate::common;
use crate::half_year::{district, made, printed_and_written, CODE};

fn monthly(root: &Path, month: &str) -> Value {
    printed_and_written(root, &["report", "monthly", "--month", month])
}

/// Per unit code: activities and problems the generator dated from `start`
/// to `end`.
fn generated(root: &Path, start: NaiveDate, end: NaiveDate) -> Vec<(String, [u64; 2])> {
    let (histories, _) = made(root);
    let within = |d: NaiveDate| start <= d && d <= end;
    histories
        .iter()
        .map(|h| {
            let activities = h.activities.iter().filter(|a| within(a.date)).count() as u64;
            let problems = h.problems.iter().filter(|c| within(c.registered)).count() as u64;
            (h.unit.code.clone(), [activities, problems])
        })
        .collect()
}

/// The generated counts of every unit whose code starts with `scope`.
fn in_scope(made: &[(String, [u64; 2])], scope: &str) -> [u64; 2] {
    made.iter()
        .filter(|(code, _)| code.starts_with(scope))
        .fold([0, 0], |n, (_, m)| [n[0] + m[0], n[1] + m[1]])
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn a_months_figures_are_the_events_dated_in_that_month() {
    let d = district();
    let root = d.dir.path();
    let sheet = monthly(root, "2024-08");
    assert_eq!(sheet["month"], "2024-08");
    assert_eq!(sheet["period"], "2024Q3");
    let month = generated(root, date(2024, 8, 1), date(2024, 8, 31));
    let year = generated(root, date(2024, 1, 1), date(2024, 8, 31));
    let row = |r: &Value| {
        [
            r["activities"].as_u64().unwrap(),
            r["problems_new"].as_u64().unwrap(),
        ]
    };
    assert_eq!(
        row(&sheet["centre"]),
        in_scope(&month, CODE),
        "the centre's month"
    );
    assert_eq!(
        sheet["centre"]["activities_year_to_date"].as_u64().unwrap(),
        in_scope(&year, CODE)[0],
        "January to August"
    );
    let stations = sheet["stations"].as_array().unwrap();
    assert!(!stations.is_empty(), "{sheet}");
    for s in stations {
        let code = s["station"]["unit"].as_str().unwrap();
        assert_eq!(row(&s["station"]), in_scope(&month, code), "{code}");
        for w in s["workrooms"].as_array().unwrap() {
            let room = w["unit"].as_str().unwrap();
            assert_eq!(row(w), in_scope(&month, room), "{room}");
        }
    }
    // Something happened in the month, so the check can fail.
    assert!(in_scope(&month, CODE)[0] > 0);
    // What has arrived is dated.
    let received: NaiveDate = sheet["received_until"].as_str().unwrap().parse().unwrap();
    assert!(received > date(2024, 9, 30), "{received}");
}

#[test]
fn the_dispatch_sheet_is_a_landscape_page_per_station_after_the_summary() {
    let d = district();
    let root = d.dir.path();
    let sheet = monthly(root, "2024-08");
    let name = sheet["centre"]["name"].as_str().unwrap();
    let pdf = root
        .join("out/2024Q3")
        .join(format!("月调度表-{name}-2024-08.pdf"));
    let stations = sheet["stations"].as_array().unwrap();
    let pages: usize = common::pdf_pages(&pdf);
    // The summary, then each station from a new page (a long one goes on).
    assert!(pages > stations.len(), "{pages} pages");
    let text = |page: usize| common::pdf_text(&pdf, Some(page), false).replace(['\n', ' '], "");
    let first = text(1);
    assert!(
        first.contains(&format!("{name}2024年8月人才工作调度表")),
        "{first}"
    );
    assert!(
        first.contains("数据截至") && first.contains("已收台账"),
        "{first}"
    );
    let starts: Vec<String> = (2..=pages).map(text).collect();
    for s in stations {
        let station = s["station"]["name"].as_str().unwrap();
        assert!(
            starts.iter().any(|p| p.starts_with(station)),
            "no page starts with {station}"
        );
    }
    use calamine::Reader;
    let sheets = calamine::open_workbook_auto(pdf.with_extension("xlsx"))
        .unwrap()
        .sheet_names();
    assert!(sheets.iter().any(|s| s == "各工作站"), "{sheets:?}");
    for s in stations {
        let station = s["station"]["name"].as_str().unwrap();
        assert!(sheets.iter().any(|n| n == station), "{station}: {sheets:?}");
    }
    // The table sheets print as the PDF does (they came out upright and
    // tiny), with their wrapping headers' row tall enough to read.
    for (i, name) in sheets.iter().enumerate().skip(1) {
        let xml = common::sheet_xml(&pdf.with_extension("xlsx"), i);
        assert!(xml.contains("orientation=\"landscape\""), "{name}");
        let header_row = xml.split("<row r=\"1\"").nth(1).unwrap_or_default();
        let header_row = &header_row[..header_row.find('>').unwrap_or(0)];
        assert!(
            header_row.contains("customHeight=\"1\""),
            "{name}: {header_row}"
        );
    }
}

#[test]
fn run_writes_the_dispatch_sheet_of_the_last_month_with_data() {
    let d = district();
    let root = d.dir.path();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("jucai.toml"),
        format!(
            "platform = \"{0}/d/platform.xlsx\"\ninput = \"{0}/d/inbox\"\narchive = \"archive\"\noutput = \"output\"\n",
            root.display()
        ),
    )
    .unwrap();
    let out = common::jucai_ok(dir.path(), &["run"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("2024年12月人才工作调度表"), "{text}");
    let written = std::fs::read_dir(dir.path().join("output/2024Q4"))
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().ends_with("-2024-12.pdf"));
    assert!(written);
}

/// The columns of a dispatch row that add up.
const ADDITIVE: [&str; 7] = [
    "activities",
    "activities_year_to_date",
    "problems_new",
    "problems_closed",
    "needs_new",
    "needs_closed",
    "open_over_30_days",
];

/// `total` is `own` plus `rows`, column by column.
fn closes(total: &Value, own: &Value, rows: &[Value]) {
    for key in ADDITIVE {
        let sum: u64 = std::iter::once(own)
            .chain(rows)
            .map(|r| r[key].as_u64().unwrap())
            .sum();
        assert_eq!(total[key].as_u64().unwrap(), sum, "{} {key}", total["name"]);
    }
}

#[test]
fn every_total_of_the_dispatch_sheet_is_its_own_row_plus_the_units_below() {
    let d = district();
    let root = d.dir.path();
    for month in ["2024-03", "2024-08", "2024-12"] {
        let sheet = monthly(root, month);
        let stations = sheet["stations"].as_array().unwrap();
        let station_rows: Vec<Value> = stations.iter().map(|s| s["station"].clone()).collect();
        closes(&sheet["centre"], &sheet["centre_own"], &station_rows);
        for s in stations {
            closes(&s["station"], &s["own"], s["workrooms"].as_array().unwrap());
        }
        // The centre does work of its own, so leaving its row out would show.
        let own: u64 = ADDITIVE
            .iter()
            .map(|k| sheet["centre_own"][k].as_u64().unwrap())
            .sum();
        assert!(own > 0, "{month}: {}", sheet["centre_own"]);
    }
}
