//! The annual research summary (年度人才调研报告): an official-style written
//! summary with the year's numbers filled in, tables and charts, and the
//! shortcomings and suggestions that the data calls for. Wording in
//! `templates/annual.toml`.

use serde_json::json;

use crate::error::Error;
use crate::model::{AnnualReport, Breakdown, Figures};
use crate::registry::Level;
use crate::render::ledger_template::chinese_date;
use crate::render::report_doc::{share_rows, Piece, ReportDoc, SimpleTable, Val};
use crate::render::texts::Texts;

pub const WORDING: &str = include_str!("../../templates/annual.toml");

/// Below these rates, closure is called out as a shortcoming.
const PROBLEM_RATE_FLOOR: f64 = 0.8;
const NEED_RATE_FLOOR: f64 = 0.7;

pub struct Annual {
    texts: Texts,
    deadline_days: u32,
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// "大学本科 120 人（55.8%）、大学专科 70 人（32.6%）…", largest first.
fn shares(b: &Breakdown, total: u64, take: usize) -> String {
    let mut v: Vec<(&String, &u64)> = b.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    v.into_iter()
        .take(take)
        .map(|(k, n)| {
            let share = if total > 0 {
                format!("（{}）", pct(*n as f64 / total as f64))
            } else {
                String::new()
            };
            format!("{k} {n} 人{share}")
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// The categories with the most cases, e.g. "职业发展（5 件）、教育培训（3 件）".
fn top(b: &Breakdown) -> String {
    let mut v: Vec<(&String, &u64)> = b.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let s = v
        .into_iter()
        .take(3)
        .map(|(k, n)| format!("{k}（{n} 件）"))
        .collect::<Vec<_>>()
        .join("、");
    if s.is_empty() {
        "—".into()
    } else {
        s
    }
}

impl Annual {
    pub fn new(deadline_days: u32) -> Result<Annual, Error> {
        Ok(Annual {
            texts: Texts::parse("templates/annual.toml", WORDING)?,
            deadline_days,
        })
    }

    pub fn file_stem(&self, r: &AnnualReport) -> Result<String, Error> {
        self.texts
            .render("file_stem", &json!({ "name": r.name, "year": r.year }))
    }

    /// The numbers the narrative uses, by name (tests check them against the model).
    pub fn vars(&self, r: &AnnualReport) -> serde_json::Value {
        let y = &r.year_total;
        let t = &y.talents;
        let growth = r.previous_year.as_ref().map(|p| {
            let before = p.talents.in_library;
            let now = t.in_library;
            match (now.cmp(&before), before) {
                (std::cmp::Ordering::Equal, _) => "持平".to_string(),
                (_, 0) => format!("增加 {now} 人"),
                (std::cmp::Ordering::Greater, b) => {
                    format!("增长 {}", pct((now - b) as f64 / b as f64))
                }
                (std::cmp::Ordering::Less, b) => {
                    format!("减少 {}", pct((b - now) as f64 / b as f64))
                }
            }
        });
        let party = t.by_politics.get("中共党员").copied().unwrap_or(0)
            + t.by_politics.get("中共预备党员").copied().unwrap_or(0);
        let deputies: Vec<String> = t
            .by_deputy
            .iter()
            .filter(|(k, _)| *k != "无" && *k != "未填")
            .map(|(k, n)| format!("{k} {n} 人"))
            .collect();
        let levels: Vec<String> = ["国家级", "省级", "市级", "县区级"]
            .iter()
            .filter_map(|l| {
                y.achievements
                    .by_level
                    .get(*l)
                    .map(|n| format!("{l} {n} 项"))
            })
            .collect();
        json!({
            "name": r.name,
            "year": r.year,
            "end": chinese_date(r.as_of.end()),
            "rooms": 0,
            "unit_word": match r.level_kind { Level::Centre => "本中心", Level::Station => "本站", Level::Workroom => "本室" },
            "y": y,
            "py": r.previous_year,
            "growth": growth,
            "due": r.reporting.due,
            "submitted": r.reporting.submitted,
            "on_time": r.reporting.on_time,
            "deputies": deputies.join("，"),
            "education": shares(&t.by_education, t.in_library, 3),
            "age": shares(&t.by_age, t.in_library, 4),
            "qualification": format!("持证社工 {} 人，{}", t.certified_social_workers, shares(&t.by_qualification, t.in_library, 3)),
            "party": party,
            "party_share": if t.in_library > 0 { pct(party as f64 / t.in_library as f64) } else { "—".into() },
            "problem_rate": y.problems.closure_rate.map(pct),
            "problem_days": y.problems.mean_days_to_close.map(|d| format!("{d:.1}")),
            "problem_top": top(&y.problems.by_category),
            "need_rate": y.needs.closure_rate.map(pct),
            "need_top": top(&y.needs.by_category),
            "funds": format!("{:.2}", y.activities.funds),
            "levels": levels.join("、"),
        })
    }

    /// Shortcomings and suggestions the data calls for, as (shortcoming, suggestion).
    pub fn findings(&self, r: &AnnualReport) -> Result<Vec<(String, String)>, Error> {
        let y = &r.year_total;
        let mut out = Vec::new();
        let mut pair = |short: &str, suggest: &str, vars: serde_json::Value| -> Result<(), Error> {
            out.push((
                self.texts.render(short, &vars)?,
                self.texts.render(suggest, &vars)?,
            ));
            Ok(())
        };
        for t in r.targets.iter().filter(|t| !t.met) {
            let unit = if t.name.contains("报告") {
                "份"
            } else {
                "次"
            };
            pair(
                "short_target",
                "suggest_target",
                json!({ "target": t.name, "actual": t.actual, "goal": t.target, "unit": unit }),
            )?;
        }
        if let Some(rate) = y.problems.closure_rate.filter(|r| *r < PROBLEM_RATE_FLOOR) {
            pair(
                "short_problem_rate",
                "suggest_problem_rate",
                json!({ "rate": pct(rate), "open": y.problems.open }),
            )?;
        }
        if let Some(rate) = y.needs.closure_rate.filter(|r| *r < NEED_RATE_FLOOR) {
            pair(
                "short_need_rate",
                "suggest_need_rate",
                json!({ "rate": pct(rate), "open": y.needs.open }),
            )?;
        }
        if r.reporting.missing + r.reporting.late > 0 {
            let units = r.reporting.irregular.join("、");
            pair(
                "short_reporting",
                "suggest_reporting",
                json!({ "missing": r.reporting.missing, "late": r.reporting.late, "units": units, "days": self.deadline_days }),
            )?;
        }
        if let Some(p) = r
            .previous_year
            .as_ref()
            .filter(|p| p.talents.in_library > y.talents.in_library)
        {
            pair(
                "short_headcount",
                "suggest_headcount",
                json!({ "n": p.talents.in_library - y.talents.in_library }),
            )?;
        }
        if r.quality.files_with_errors > 0 {
            let rows: u64 = r.quality.rows_excluded.values().sum();
            pair(
                "short_quality",
                "suggest_quality",
                json!({ "n": r.quality.files_with_errors, "rows": rows }),
            )?;
        }
        Ok(out)
    }

    pub fn build(&self, r: &AnnualReport) -> Result<ReportDoc, Error> {
        let mut vars = self.vars(r);
        vars["rooms"] = json!(r.reporting.due / r.quarters.len().max(1) as u64 - 1);
        let p = |key: &str| self.texts.render(key, &vars);
        let mut pieces = vec![
            Piece::Heading(p("h1")?),
            Piece::Paragraph(p("p1")?),
            Piece::Paragraph(p("p1b")?),
            Piece::Table(self.quarters_table(r)?),
        ];
        if let Some(prev) = &r.previous_year {
            pieces.push(Piece::Table(self.yoy_table(&r.year_total, prev)?));
        }
        pieces.push(Piece::Heading(p("h2")?));
        pieces.push(Piece::Paragraph(p("p2")?));
        let t = &r.year_total.talents;
        for (name, b, chart) in [
            ("学历", &t.by_education, Some("学历结构（人）")),
            ("年龄", &t.by_age, Some("年龄结构（人）")),
            ("职业资格", &t.by_qualification, None),
            ("人才类别", &t.by_kind, None),
            ("政治面貌", &t.by_politics, None),
        ] {
            pieces.push(Piece::Table(breakdown_table(
                name,
                "人数",
                b,
                t.in_library,
                chart,
            )));
        }
        pieces.push(Piece::Heading(p("h3")?));
        pieces.push(Piece::Paragraph(p("p3")?));
        pieces.push(Piece::Heading(p("h4")?));
        pieces.push(Piece::Paragraph(p("p4")?));
        let a = &r.year_total.activities;
        pieces.push(Piece::Table(breakdown_table(
            "活动类型",
            "次数",
            &a.by_type,
            a.count,
            None,
        )));
        pieces.push(Piece::Heading(p("h5")?));
        pieces.push(Piece::Paragraph(p("p5")?));
        let findings = self.findings(r)?;
        pieces.push(Piece::Heading(p("h6")?));
        if findings.is_empty() {
            pieces.push(Piece::Paragraph(p("none_short")?));
        }
        for (i, (short, _)) in findings.iter().enumerate() {
            pieces.push(Piece::Paragraph(format!("（{}）{short}", i + 1)));
        }
        pieces.push(Piece::Heading(p("h7")?));
        if findings.is_empty() {
            pieces.push(Piece::Paragraph(p("none_suggest")?));
        }
        for (i, (_, suggest)) in findings.iter().enumerate() {
            pieces.push(Piece::Paragraph(format!("（{}）{suggest}", i + 1)));
        }
        Ok(ReportDoc {
            title: p("title")?,
            subtitle: p("subtitle")?,
            date: r.as_of.end(),
            footer: self.texts.plain("footer_pdf")?,
            landscape: false,
            pieces,
        })
    }

    fn quarters_table(&self, r: &AnnualReport) -> Result<SimpleTable, Error> {
        let rows = r
            .quarters
            .iter()
            .map(|(p, f)| {
                let n = |v: u64| Val::Int(v as i64);
                vec![
                    Val::Text(p.chinese()),
                    n(f.talents.in_library),
                    n(f.talents.joined),
                    n(f.talents.left),
                    n(f.problems.new),
                    n(f.problems.closed),
                    n(f.needs.new),
                    n(f.activities.count),
                    n(f.achievements.count),
                ]
            })
            .collect();
        Ok(SimpleTable {
            name: self.texts.plain("quarters_name")?,
            headers: self
                .texts
                .plain("quarters_headers")?
                .split('|')
                .map(str::to_string)
                .collect(),
            widths: vec![2.2, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
            rows,
            chart: Some((self.texts.plain("chart_quarters")?, 0, 1)),
        })
    }

    fn yoy_table(&self, now: &Figures, before: &Figures) -> Result<SimpleTable, Error> {
        let items: [(&str, u64, u64); 8] = [
            (
                "在库人才（人）",
                now.talents.in_library,
                before.talents.in_library,
            ),
            (
                "持证社工（人）",
                now.talents.certified_social_workers,
                before.talents.certified_social_workers,
            ),
            (
                "新入库人才（人）",
                now.talents.joined,
                before.talents.joined,
            ),
            ("登记问题（件）", now.problems.new, before.problems.new),
            ("登记需求（件）", now.needs.new, before.needs.new),
            (
                "开展活动（次）",
                now.activities.count,
                before.activities.count,
            ),
            (
                "五类活动（次）",
                now.activities.five_kinds,
                before.activities.five_kinds,
            ),
            (
                "取得成果（项）",
                now.achievements.count,
                before.achievements.count,
            ),
        ];
        let rows = items
            .iter()
            .map(|(k, a, b)| {
                vec![
                    Val::text(*k),
                    Val::Int(*a as i64),
                    Val::Int(*b as i64),
                    Val::Int(*a as i64 - *b as i64),
                ]
            })
            .collect();
        Ok(SimpleTable {
            name: self.texts.plain("yoy_name")?,
            headers: self
                .texts
                .plain("yoy_headers")?
                .split('|')
                .map(str::to_string)
                .collect(),
            widths: vec![3.0, 1.2, 1.2, 1.2],
            rows,
            chart: None,
        })
    }
}

fn breakdown_table(
    name: &str,
    count: &str,
    b: &Breakdown,
    total: u64,
    chart: Option<&str>,
) -> SimpleTable {
    let rows = share_rows(b, total, &[]);
    SimpleTable {
        name: name.into(),
        headers: vec![name.into(), count.into(), "占比".into()],
        widths: vec![3.0, 1.0, 1.0],
        rows,
        chart: chart.map(|c| (c.to_string(), 0, 1)),
    }
}
