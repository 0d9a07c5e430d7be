//! Annual assessment: scores worked out by hand for a fixture year, including
//! a station missing a quarter, one below the activity target and one with no
//! research report; and the combined packet's contents and page numbers.

use crate::common;

use jucai::figures::{Check, Figures, Found, Quality, Rate};
use jucai::period::Period;
use jucai::registry::Level;
use jucai::reports::packet::{assess, Basis, Rubric};
use jucai::reports::summary::{SummaryReport, YearReporting};
use jucai::schema::{Schema, BUILTIN_SCHEMA};

/// A station that did everything: 六有 all met, four quarters on time, five
/// five-kind activities of every kind, a research report, problems 8 of 10
/// closed, needs 6 of 10 satisfied, three achievements.
fn good(name: &str) -> SummaryReport {
    let mut y = Figures::default();
    y.problems.new = 10;
    y.problems.closed = 8;
    y.problems.open = 2;
    y.problems.closure_rate = Rate::new(8, 10);
    y.needs.new = 10;
    y.needs.closed = 7;
    y.needs.open = 3;
    y.needs.satisfied = 6;
    y.needs.satisfaction_rate = Rate::new(6, 10);
    y.achievements.count = 3;
    SummaryReport {
        unit: name.into(),
        name: name.into(),
        level: "工作站".into(),
        level_kind: Level::Station,
        year: 2023,
        half: None,
        as_of: Period {
            year: 2023,
            quarter: 4,
        },
        total: y.into(),
        previous_year: None,
        quarters: Vec::new(),
        targets: Vec::new(),
        reporting: YearReporting::default(),
        quality: Quality::default(),
        six_haves: ["有阵地", "有名称", "有职能", "有组织", "有制度", "有台账"]
            .iter()
            .map(|n| Check {
                name: n.to_string(),
                ok: true,
                found: Found::Ledgers { sent: 5, kept: 5 },
            })
            .collect(),
        own_on_time_quarters: 4,
        own_five_kinds: 5,
        own_research_reports: 1,
        own_activity_types: ["学术交流", "引才聚才", "资源对接", "技能竞赛", "成果展示"]
            .map(String::from)
            .to_vec(),
        own_quarters: Vec::new(),
        own_activities: Vec::new(),
        own_achievements: Vec::new(),
        figures_complete: None,
    }
}

/// What score `i` of `a` rests on, as the packet words it.
fn words(a: &jucai::reports::packet::Assessment, i: usize) -> String {
    jucai::reports::packet::basis_words(&a.scores[i].basis).unwrap()
}

#[test]
fn hand_computed_scores() {
    let rubric = Rubric::builtin();
    // 30 + 20 + 20 + 10 + 10×0.8 + 5×0.6 + 5 = 96
    let a = assess(&rubric, &Schema::builtin(), &good("甲站")).unwrap();
    assert_eq!(
        a.scores.iter().map(|s| s.score).collect::<Vec<_>>(),
        [30.0, 20.0, 20.0, 10.0, 8.0, 3.0, 5.0]
    );
    assert_eq!((a.total, a.grade.as_str()), (96.0, "优秀"));
    assert!(words(&a, 4).contains("80.0%"), "{}", words(&a, 4));

    // Missing a quarter: 20 × 3/4 = 15.
    let mut b = good("乙站");
    b.own_on_time_quarters = 3;
    let b = assess(&rubric, &Schema::builtin(), &b).unwrap();
    assert_eq!(
        (b.scores[1].score, b.total, b.grade.as_str()),
        (15.0, 91.0, "优秀")
    );
    assert_eq!(b.scores[1].basis, Basis::QuarterlyOnTime { quarters: 3 });
    assert_eq!(words(&b, 1), "按时报送 3/4 个季度");

    // Below the activity target: 20 × (0.75 × 2/4 + 0.25 × 2/5) = 9.5.
    let mut c = good("丙站");
    c.own_five_kinds = 2;
    c.own_activity_types = vec!["学术交流".into(), "技能竞赛".into(), "教育培训".into()];
    let c = assess(&rubric, &Schema::builtin(), &c).unwrap();
    assert_eq!(
        (c.scores[2].score, c.total, c.grade.as_str()),
        (9.5, 85.5, "良好")
    );
    assert!(
        words(&c, 2).contains("覆盖 2 类：学术交流、技能竞赛"),
        "{}",
        words(&c, 2)
    );

    // No research report, and one of the 六有 not met: 0 and 30 × 5/6 = 25.
    let mut d = good("丁站");
    d.own_research_reports = 0;
    d.six_haves[0].ok = false;
    let d = assess(&rubric, &Schema::builtin(), &d).unwrap();
    assert_eq!(
        (
            d.scores[0].score,
            d.scores[3].score,
            d.total,
            d.grade.as_str()
        ),
        (25.0, 0.0, 81.0, "良好")
    );
    assert_eq!(
        d.scores[0].basis,
        Basis::SixHaves {
            ok: 5,
            n: 6,
            missing: vec!["有阵地".into()]
        }
    );
    assert!(words(&d, 0).contains("有阵地未达标"));

    // Nothing done at all.
    let mut e = good("戊站");
    e.six_haves.iter_mut().for_each(|c| c.ok = false);
    e.own_on_time_quarters = 0;
    e.own_five_kinds = 0;
    e.own_activity_types.clear();
    e.own_research_reports = 0;
    e.total.achievements.count = 0;
    let e = assess(&rubric, &Schema::builtin(), &e).unwrap();
    assert_eq!((e.total, e.grade.as_str()), (11.0, "不合格"));
}

#[test]
fn a_rubric_whose_weights_do_not_add_up_is_refused() {
    let broken = jucai::reports::packet::DEFAULT_RUBRIC.replace("weight = 30", "weight = 35");
    let err = Rubric::parse(&broken).unwrap_err().to_string();
    assert!(err.contains("105"), "{err}");
}

#[test]
fn the_combined_packet_has_a_cover_contents_with_page_numbers_and_running_page_numbers() {
    common::require_tool("pdftotext");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::intake_sample(root);
    let platform = common::sample_platform();
    common::jucai_ok(
        root,
        &[
            "packet",
            "--year",
            "2023",
            "--archive",
            "archive",
            "--out",
            "out",
            "--platform",
            &platform,
        ],
    );
    let pdf = root.join("out/2023/年度考核材料汇编-2023.pdf");
    let pages: usize = common::pdf_pages(&pdf);
    let contents = common::pdf_text(&pdf, Some(2), true);
    let stations = [
        "东胜区社工人才工作站",
        "东胜区养老护理人才工作站",
        "东胜区殡葬服务人才工作站",
        "东胜区社会组织党建人才工作站",
    ];
    let mut last = 2;
    let mut blanks = 0;
    for s in stations {
        let line = contents
            .lines()
            .find(|l| l.contains(s))
            .unwrap_or_else(|| panic!("{s} in contents"));
        let page: usize = line.split_whitespace().last().unwrap().parse().unwrap();
        assert!(page > last, "{s} starts after the previous part");
        let text = common::pdf_text(&pdf, Some(page), true).replace([' ', '\n', '\u{c}'], "");
        assert!(
            text.contains(&format!("{s}2023年度考核材料")),
            "{s} begins on page {page}"
        );
        // Printed on both sides, each station starts on a right-hand page;
        // a left-hand page before it is blank but for 此页无正文.
        assert!(page % 2 == 1, "{s} starts on page {page}, a left-hand page");
        if page > last + 1 {
            let before =
                common::pdf_text(&pdf, Some(page - 1), true).replace([' ', '\n', '\u{c}'], "");
            if before.contains("此页无正文") {
                assert_eq!(
                    before,
                    format!("此页无正文—{}—", page - 1),
                    "the blank page has nothing else"
                );
                blanks += 1;
            }
        }
        assert!(
            text.contains(&format!("—{page}—")),
            "running page numbers (GB/T 9704's “— N —”)"
        );
        last = page;
    }
    // The sample's stations take three pages each, so blanks are needed.
    assert!(
        blanks > 0,
        "no blank page was needed: the check above saw none"
    );
    let line = contents
        .lines()
        .find(|l| l.contains("示范点推荐"))
        .expect("ranking in contents");
    let page: usize = line.split_whitespace().last().unwrap().parse().unwrap();
    assert!(page > last);
    let demo = common::pdf_text(&pdf, Some(page), true);
    assert!(
        demo.contains("2023年度人才工作室示范点推荐") && demo.contains("推荐"),
        "{demo}"
    );
    the_ranking_pages_follow_the_json_ranking(root, &pdf, page, pages, &platform);
    for s in stations {
        assert!(root
            .join(format!("out/2023/年度考核材料-{s}-2023.pdf"))
            .exists());
    }
    let mut book =
        calamine::open_workbook_auto(root.join("out/2023/考核评分表-2023.xlsx")).unwrap();
    use calamine::Reader;
    let sheet = book.worksheet_range("考核评分表").unwrap();
    let names: Vec<String> = (1..=4)
        .map(|r| sheet.get_value((r, 0)).unwrap().to_string())
        .collect();
    assert_eq!(names, stations);
}

/// The demonstration-site pages (from `first` to the last page) list the
/// workrooms in the order of `jucai packet --format json`'s "workrooms", each
/// with its points, and mark exactly the first `RECOMMENDED` 推荐.
fn the_ranking_pages_follow_the_json_ranking(
    root: &std::path::Path,
    pdf: &std::path::Path,
    first: usize,
    last: usize,
    platform: &str,
) {
    let json = common::jucai_ok(
        root,
        &[
            "packet",
            "--year",
            "2023",
            "--format",
            "json",
            "--archive",
            "archive",
            "--platform",
            platform,
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let ranked: Vec<(String, f64)> = json["workrooms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["name"].as_str().unwrap().to_string(),
                w["points"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(ranked.len(), 22, "every workroom of the sample is ranked");
    assert!(
        ranked.windows(2).all(|w| w[0].1 >= w[1].1),
        "highest points first: {ranked:?}"
    );
    // The table's text with the page furniture taken out: the header row
    // repeated on a new page, and the page footers.
    let mut text: String = (first..=last)
        .map(|p| common::pdf_text(pdf, Some(p), false))
        .collect::<String>()
        .split_whitespace()
        .collect();
    text = text.replace("名次人才工作室得分依据推荐", "|");
    let footer = regex::Regex::new(r"第\d+页共\d+页").unwrap();
    let text = footer.replace_all(&text, "|").into_owned();
    let start = text.find("|").expect("the table's header row") + 1;
    let rows = &text[start..];
    // Each row begins "<rank><name>"; where each begins, in the JSON's order.
    let mut at = Vec::new();
    let mut from = 0;
    for (i, (name, _)) in ranked.iter().enumerate() {
        let head = format!("{}{name}", i + 1);
        let found = rows[from..]
            .find(&head)
            .unwrap_or_else(|| panic!("rank {} {name} after the rows before it: {rows}", i + 1));
        at.push(from + found);
        from += found + head.len();
    }
    at.push(rows.len());
    let top = jucai::reports::packet::render::RECOMMENDED;
    assert_eq!(top, 3);
    for (i, (name, points)) in ranked.iter().enumerate() {
        let row = &rows[at[i]..at[i + 1]];
        assert!(
            row.contains(&format!("{points:.1}")),
            "{name}'s points {points:.1} on its row: {row}"
        );
        assert_eq!(
            row.contains("推荐"),
            i < top,
            "only the first {top} are marked 推荐; row {}: {row}",
            i + 1
        );
    }
}

/// The kinds that count come from the schema, not from a list in the code:
/// a district whose schema counts two kinds is scored on covering those two.
#[test]
fn five_kind_coverage_follows_the_schemas_target_values() {
    let five = r#"target_values = ["学术交流", "引才聚才", "资源对接", "技能竞赛", "成果展示"]"#;
    assert_eq!(BUILTIN_SCHEMA.matches(five).count(), 1);
    let text = BUILTIN_SCHEMA.replace(five, r#"target_values = ["学术交流", "教育培训"]"#);
    let schema = Schema::parse(&text, "两类活动.toml").unwrap();
    let a = assess(&Rubric::builtin(), &schema, &good("甲站")).unwrap();
    let five_kind = &a.scores[2];
    // 20 × (0.75 × 1 + 0.25 × 1/2): five activities reach the target of 4,
    // and of the two kinds that count only 学术交流 was held.
    assert_eq!(five_kind.score, 17.5);
    assert!(
        words(&a, 2).contains("覆盖 1 类：学术交流"),
        "{}",
        words(&a, 2)
    );
}

/// The default grade lines (templates/rubric.toml): 优秀 from 90, 良好 from
/// 75, 合格 from 60, 不合格 below — at, just below and just above each.
#[test]
fn grades_change_exactly_at_90_75_and_60() {
    let rubric = Rubric::builtin();
    let cases = [
        (100.0, "优秀"),
        (90.1, "优秀"),
        (90.0, "优秀"),
        (89.9, "良好"),
        (75.1, "良好"),
        (75.0, "良好"),
        (74.9, "合格"),
        (60.1, "合格"),
        (60.0, "合格"),
        (59.9, "不合格"),
        (0.0, "不合格"),
    ];
    for (score, grade) in cases {
        assert_eq!(rubric.grade(score), grade, "{score}");
    }
    // A station scored into 合格: 六有 30, three quarters on time 15, two
    // five-kind activities of two kinds 9.5, no report 0, problems 6 of 10
    // closed 6, needs 3 of 10 satisfied 1.5, one achievement 1.7 = 63.7.
    let mut r = good("己站");
    r.own_on_time_quarters = 3;
    r.own_five_kinds = 2;
    r.own_activity_types = vec!["学术交流".into(), "技能竞赛".into()];
    r.own_research_reports = 0;
    r.total.problems.new = 10;
    r.total.problems.closed = 6;
    r.total.problems.open = 4;
    r.total.problems.closure_rate = Rate::new(6, 10);
    r.total.needs.satisfied = 3;
    r.total.needs.satisfaction_rate = Rate::new(3, 10);
    r.total.achievements.count = 1;
    let a = assess(&rubric, &Schema::builtin(), &r).unwrap();
    assert_eq!((a.total, a.grade.as_str()), (63.7, "合格"));
}

/// A station's assessment as (name, [(item, weight, score)], total, grade).
type Scored = (String, Vec<(String, f64, f64)>, f64, String);

/// A `[rubric]` in jucai.toml replaces the built-in one: its items, weights
/// and grade lines are what `jucai packet --format json` scores with.
#[test]
fn a_rubric_in_jucai_toml_reaches_the_packet() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::intake_sample(root);
    std::fs::write(
        root.join("jucai.toml"),
        format!(
            r#"platform = "{}"
archive = "archive"

[rubric]
grades = [["示范", 95.0], ["达标", 60.0], ["待改进", 0.0]]

[[rubric.items]]
key = "six_haves"
name = "六有"
weight = 60

[[rubric.items]]
key = "research_report"
name = "调研报告"
weight = 40
target = 1
"#,
            common::sample_platform()
        ),
    )
    .unwrap();
    let out = common::jucai_ok(root, &["packet", "--year", "2023", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<Scored> = json["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let scores = a["scores"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    (
                        s["item"].as_str().unwrap().to_string(),
                        s["weight"].as_f64().unwrap(),
                        s["score"].as_f64().unwrap(),
                    )
                })
                .collect();
            (
                a["name"].as_str().unwrap().to_string(),
                scores,
                a["total"].as_f64().unwrap(),
                a["grade"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let row = |name: &str, six: f64, report: f64, total: f64, grade: &str| {
        (
            name.to_string(),
            vec![
                ("六有".to_string(), 60.0, six),
                ("调研报告".to_string(), 40.0, report),
            ],
            total,
            grade.to_string(),
        )
    };
    assert_eq!(
        got,
        [
            row("东胜区社工人才工作站", 60.0, 40.0, 100.0, "示范"),
            row("东胜区养老护理人才工作站", 60.0, 40.0, 100.0, "示范"),
            // 有职能 not met: 60 × 5/6.
            row("东胜区殡葬服务人才工作站", 50.0, 40.0, 90.0, "达标"),
            // And no research report in the first year.
            row("东胜区社会组织党建人才工作站", 50.0, 0.0, 50.0, "待改进"),
        ]
    );
    // Weights that do not add up to 100 are refused, naming jucai.toml.
    let text = std::fs::read_to_string(root.join("jucai.toml")).unwrap();
    std::fs::write(
        root.join("jucai.toml"),
        text.replace("weight = 40", "weight = 30"),
    )
    .unwrap();
    let out = common::jucai(root, &["packet", "--year", "2023", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("jucai.toml") && stderr.contains("权重合计为 90，应为 100"),
        "{stderr}"
    );
}
