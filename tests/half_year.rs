//! Half-year work summaries (半年人才工作总结) on a generated district of two
//! years: the half's figures are the events the generator dated in the half
//! and the roster at the half's last day, compared with the same half of the
//! year before; the PDF has seed 003's sections.

use std::path::Path;
use std::sync::OnceLock;

use calamine::Reader;
use chrono::NaiveDate;
use jucai::period::Period;
use serde_json::Value;

use crate::common;

pub const CODE: &str = "990200";
pub const SEED: &str = "5";

pub struct District {
    pub dir: tempfile::TempDir,
}

/// A 21-unit district of 2023 and 2024, taken in once for every test here
/// and in `monthly`.
pub fn district() -> &'static District {
    static DISTRICT: OnceLock<District> = OnceLock::new();
    DISTRICT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let sample = [
            "sample", "--units", "21", "--code", CODE, "--seed", SEED, "--years", "2", "--out", "d",
        ];
        common::jucai_ok(dir.path(), &sample);
        common::jucai_ok(dir.path(), &with_district(&["intake", "d/inbox"]));
        District { dir }
    })
}

pub fn with_district<'a>(head: &[&'a str]) -> Vec<&'a str> {
    let mut all = head.to_vec();
    all.extend(["--platform", "d/platform.xlsx", "--archive", "d/archive"]);
    all
}

/// The half's summaries as JSON (and written as PDF and XLSX into `out/`).
fn half_year(root: &Path, year: &str, half: &str) -> Vec<Value> {
    let got = printed_and_written(
        root,
        &["report", "half-year", "--year", year, "--half", half],
    );
    serde_json::from_value(got).unwrap()
}

/// What `jucai <report>` prints with `--format json`; the same report is
/// also written into `out/`.
pub fn printed_and_written(root: &Path, report: &[&str]) -> Value {
    let json = common::jucai_ok(
        root,
        &with_district(&[report, &["--format", "json"]].concat()),
    );
    common::jucai_ok(root, &with_district(&[report, &["--out", "out"]].concat()));
    serde_json::from_slice(&json.stdout).unwrap()
}

/// What the generator made for the district: every unit's history, and
/// the cases it planted (a missing quarter, a late one, …).
pub fn made(
    root: &Path,
) -> (
    Vec<jucai::sample::history::History>,
    jucai::sample::submissions::Cases,
) {
    let schema = jucai::schema::Schema::builtin();
    let (registry, _) =
        jucai::registry::Registry::load(&root.join("d/platform.xlsx"), &schema).unwrap();
    let periods: Vec<Period> = [2023, 2024]
        .iter()
        .flat_map(|&year| (1..=4).map(move |quarter| Period { year, quarter }))
        .collect();
    let tree = registry.tree_order();
    let (histories, _, _) =
        jucai::sample::submissions::generate(&tree, &periods, SEED.parse().unwrap(), 1);
    (
        histories,
        jucai::sample::submissions::Cases::choose(&tree, &periods),
    )
}

/// What the generator made for the whole district: talents in the library
/// on `end`, and activities, achievements and problems dated from `start`
/// to `end`, as known at the end of `as_of`: the unit the generator has
/// miss a quarter sends that quarter's events only with the next one.
fn generated(root: &Path, start: NaiveDate, end: NaiveDate, as_of: Period) -> [u64; 4] {
    let (histories, cases) = made(root);
    let missing = cases.missing;
    let mut n = [0; 4];
    for h in &histories {
        let unknown = |d: NaiveDate| {
            missing.as_ref().is_some_and(|(unit, p)| {
                *unit == h.unit.code && *p == as_of && Period::of_date(d) == *p
            })
        };
        let within = |d: NaiveDate| start <= d && d <= end && !unknown(d);
        let in_library =
            |t: &&jucai::sample::people::Talent| t.joined <= end && t.left.is_none_or(|l| l > end);
        n[0] += h.talents.iter().filter(in_library).count() as u64;
        n[1] += h.activities.iter().filter(|a| within(a.date)).count() as u64;
        n[2] += h.achievements.iter().filter(|a| within(a.date)).count() as u64;
        n[3] += h.problems.iter().filter(|c| within(c.registered)).count() as u64;
    }
    n
}

fn counted(figures: &Value) -> [u64; 4] {
    [
        &figures["talents"]["in_library"],
        &figures["activities"]["count"],
        &figures["achievements"]["count"],
        &figures["problems"]["new"],
    ]
    .map(|v| v.as_u64().unwrap())
}

fn centre(reports: &[Value]) -> &Value {
    reports.iter().find(|r| r["unit"] == CODE).unwrap()
}

#[test]
fn a_half_counts_the_events_dated_in_it_and_the_roster_at_its_last_day() {
    let d = district();
    let root = d.dir.path();
    let h1 = half_year(root, "2024", "1");
    let h2 = half_year(root, "2024", "2");
    let c1 = centre(&h1);
    let c2 = centre(&h2);
    assert_eq!(c1["half"], 1);
    assert_eq!(c1["as_of"], "2024Q2");
    assert_eq!(c2["as_of"], "2024Q4");
    // Q1 + Q2: events of January to June, the roster on 30 June; Q3 + Q4:
    // July to December; each against the same half of 2023.
    for (figures, year, half) in [
        (&c1["total"], 2024, 1),
        (&c2["total"], 2024, 2),
        (&c1["previous_year"], 2023, 1),
        (&c2["previous_year"], 2023, 2),
    ] {
        let span = jucai::period::Span::half(year, half).unwrap();
        let as_of = *span.quarters().last().unwrap();
        assert_eq!(
            counted(figures),
            generated(root, span.start(), as_of.end(), as_of),
            "{year} H{half}: in library, activities, achievements, problems"
        );
    }
    // Only the half's quarters are listed, each with its own figures.
    let quarters: Vec<&str> = c2["quarters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q[0].as_str().unwrap())
        .collect();
    assert_eq!(quarters, ["2024Q3", "2024Q4"]);
    let quarter_activities: u64 = c2["quarters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q[1]["activities"]["count"].as_u64().unwrap())
        .sum();
    assert_eq!(quarter_activities, counted(&c2["total"])[1]);
    // The first half of the first year has nothing to compare with.
    let first = half_year(root, "2023", "1");
    assert!(centre(&first)["previous_year"].is_null());
}

#[test]
fn the_half_year_pdf_is_written_in_the_shape_of_seed_003() {
    common::require_tool("pdftotext");
    let d = district();
    let root = d.dir.path();
    for (half, plan) in [("1", "七、下半年工作谋划"), ("2", "七、下一年工作谋划")]
    {
        let reports = half_year(root, "2024", half);
        let c = centre(&reports);
        let name = c["name"].as_str().unwrap();
        let w = if half == "1" {
            "上半年"
        } else {
            "下半年"
        };
        let pdf = root
            .join("out/2024")
            .join(format!("半年人才工作总结-{name}-2024{w}.pdf"));
        let text = common::pdf_text(&pdf, None, false).replace(['\n', ' '], "");
        assert!(
            text.contains(&format!("{name}2024年{w}人才工作总结")),
            "title: {text}"
        );
        for section in [
            "一、基本情况",
            "二、人才队伍建设",
            "三、问题与需求",
            "四、活动开展",
            "五、成果",
            "六、存在的不足和问题",
            plan,
            // The year-on-year table's header.
            "指标本期上年同期增减",
        ] {
            assert!(text.contains(section), "{w}: {section} in {text}");
        }
        let activities = &c["total"]["activities"]["count"];
        assert!(
            text.contains(&format!("{w}开展人才活动{activities}次")),
            "{w}: the half's activities in the narrative"
        );
        assert!(text.contains("较上年同期"), "{w}: year-on-year wording");
        let xlsx = pdf.with_extension("xlsx");
        let sheets = calamine::open_workbook_auto(&xlsx).unwrap().sheet_names();
        assert!(sheets.iter().any(|s| s == "与上年同期比较"), "{sheets:?}");
        // Every station has its summary, PDF and XLSX.
        for r in reports.iter().filter(|r| r["level_kind"] == "station") {
            let stem = format!("半年人才工作总结-{}-2024{w}", r["name"].as_str().unwrap());
            for ext in ["pdf", "xlsx"] {
                assert!(
                    root.join("out/2024").join(format!("{stem}.{ext}")).exists(),
                    "{stem}.{ext}"
                );
            }
        }
    }
}

#[test]
fn a_half_the_archive_has_nothing_of_is_refused_in_chinese() {
    let d = district();
    let out = common::jucai(
        d.dir.path(),
        &with_district(&["report", "half-year", "--year", "2030", "--half", "1"]),
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("没有 2030 年上半年的台账"), "{err}");
    let bad = common::jucai(
        d.dir.path(),
        &with_district(&["report", "half-year", "--year", "2024", "--half", "3"]),
    );
    assert_ne!(bad.status.code(), Some(0));
}
