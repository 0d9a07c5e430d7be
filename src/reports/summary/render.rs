//! The annual research summary (年度人才调研报告) and the half-year work
//! summary (半年人才工作总结): an official-style written summary with the
//! span's numbers filled in, tables and charts, and the shortcomings and
//! suggestions that the data calls for. One set of wording,
//! `templates/annual.toml`: a half-year uses a `half_` key where there is one.

use serde_json::json;

use super::model::SummaryReport;
use crate::aggregate::bands::bands;
use crate::error::Error;
use crate::figures::{Breakdown, Figures};
use crate::numbers;
use crate::period::chinese_date;
use crate::registry::Level;
use crate::reports::doc::{share_rows, Piece, ReportDoc, SimpleTable, Val};
use crate::reports::orders::{in_order, Orders};
use crate::schema::{LedgerKey, Schema};
use crate::wording::{Texts, WordingError};

pub(crate) const WORDING: &str = include_str!("../../../templates/annual.toml");

/// Below these rates, closure is called out as a shortcoming.
const PROBLEM_RATE_FLOOR: f64 = 0.8;
const NEED_RATE_FLOOR: f64 = 0.7;

pub struct SummaryWriter {
    texts: Texts,
    deadline_days: u32,
    /// Who is no deputy: the schema's marker, and a value left blank.
    not_deputies: [String; 2],
    /// The achievement levels the text names, in order (checked against the schema).
    levels: Vec<String>,
    /// Values never named as a main category (其他, 无).
    not_main: Vec<String>,
    /// The qualifications that make a certified social worker (持证社工), in
    /// the schema's order: named as its parts, not as other qualifications.
    certified: Vec<String>,
    orders: Orders,
    /// The page number at the foot (`[documents] page_numbers`, else the wording's).
    footer: String,
}

/// The `take` largest entries of a breakdown as `{name, n, share}`, largest
/// first (ties in the schema's order), for the templates to word.
/// Values in `leave_out` (其他, 无: no category a reader would call a main
/// one) are not among them.
fn largest(
    (b, order): (&Breakdown, &[String]),
    total: u64,
    take: usize,
    leave_out: &[String],
) -> Vec<serde_json::Value> {
    let mut v = in_order(b, order);
    v.retain(|(k, _)| !leave_out.iter().any(|l| l == k));
    // A stable sort: equal counts keep the schema order.
    v.sort_by_key(|entry| std::cmp::Reverse(entry.1));
    v.into_iter()
        .take(take)
        .map(|(k, n)| {
            let share = (total > 0).then(|| numbers::rate(n as f64 / total as f64));
            json!({ "name": k, "n": n, "share": share })
        })
        .collect()
}

impl SummaryWriter {
    pub fn new(
        schema: &Schema,
        deadline_days: u32,
        page_numbers: Option<&str>,
    ) -> Result<SummaryWriter, Error> {
        let texts = Texts::parse("templates/annual.toml", WORDING)?;
        let footer = crate::render::document::page_numbers(&texts, page_numbers)?;
        let level = &schema.ledger(LedgerKey::Achievements).fields[schema.roles.achievements.level];
        let levels = texts.list("levels")?;
        let roster = schema.ledger(LedgerKey::Roster);
        let certified = roster.fields[schema.roles.roster.qualification]
            .certified_social_worker
            .clone();
        let not_main = texts.list("not_main")?;
        if let Some(bad) = levels.iter().find(|l| !level.values.contains(l)) {
            return Err(WordingError::NotAValue {
                origin: "templates/annual.toml".into(),
                key: "levels".into(),
                value: bad.clone(),
                field: level.name.clone(),
            }
            .into());
        }
        Ok(SummaryWriter {
            texts,
            deadline_days,
            not_deputies: [schema.roles.roster.no_deputy.clone(), bands().blank.clone()],
            levels,
            not_main,
            certified,
            orders: Orders::new(schema),
            footer,
        })
    }

    /// Each of `items` worded by the template `key`.
    fn items(&self, key: &str, items: Vec<serde_json::Value>) -> Result<Vec<String>, Error> {
        Ok(items
            .iter()
            .map(|v| self.texts.render(key, v))
            .collect::<Result<_, _>>()?)
    }

    /// The year's change in headcount: "持平", "增加 5 人" (from none), "增长 4.2%".
    fn growth(&self, now: u64, before: u64) -> Result<String, Error> {
        let rate = |d: u64| numbers::rate(d as f64 / before as f64);
        let (key, vars) = match (now.cmp(&before), before) {
            (std::cmp::Ordering::Equal, _) => ("growth_same", json!({})),
            (_, 0) => ("growth_from_none", json!({ "n": now })),
            (std::cmp::Ordering::Greater, _) => {
                ("growth_up", json!({ "rate": rate(now - before) }))
            }
            (std::cmp::Ordering::Less, _) => ("growth_down", json!({ "rate": rate(before - now) })),
        };
        Ok(self.texts.render(key, &vars)?)
    }

    /// The wording key for `r`: a half-year's own `half_<key>` if there is one.
    fn key(&self, r: &SummaryReport, key: &str) -> String {
        let half = format!("half_{key}");
        if r.half.is_some() && self.texts.has(&half) {
            half
        } else {
            key.to_string()
        }
    }

    /// How the text names the span (`w`, `span`, `end_of`, `at_end`, `than`, `from`).
    fn span_words(&self, r: &SummaryReport) -> Result<serde_json::Value, Error> {
        let at = json!({ "year": r.year, "half": r.half });
        let mut words = at.clone();
        for key in ["w", "span", "end_of", "at_end", "than", "from"] {
            words[key] = json!(self.texts.render(key, &at)?);
        }
        Ok(words)
    }

    pub fn file_stem(&self, r: &SummaryReport) -> Result<String, Error> {
        let mut vars = self.span_words(r)?;
        vars["name"] = json!(r.name);
        Ok(self.texts.render(&self.key(r, "file_stem"), &vars)?)
    }

    /// The numbers the narrative uses, by name (tests check them against the model).
    pub fn vars(&self, r: &SummaryReport) -> Result<serde_json::Value, Error> {
        let y = &r.total;
        let t = &y.talents;
        let growth = r
            .previous_year
            .as_ref()
            .map(|p| self.growth(t.in_library, p.talents.in_library))
            .transpose()?;
        let party = t.party_members;
        let o = &self.orders;
        let deputies: Vec<_> = in_order(&t.by_deputy, &o.deputy)
            .into_iter()
            .filter(|(k, _)| !self.not_deputies.iter().any(|d| d == k))
            .map(|(k, n)| json!({ "name": k, "n": n }))
            .collect();
        let deputies = self.items("deputy_item", deputies)?;
        let levels: Vec<_> = self
            .levels
            .iter()
            .filter_map(|l| {
                let n = y.achievements.by_level.get(l)?;
                Some(json!({ "name": l, "n": n }))
            })
            .collect();
        let levels = self.items("level_item", levels)?;
        let shares = |b: &Breakdown, order: &[String], take: usize| {
            self.items(
                "share_item",
                largest((b, order), t.in_library, take, &self.not_main),
            )
        };
        let cases = |b: &Breakdown, order: &[String]| {
            self.items("case_item", largest((b, order), 0, 3, &self.not_main))
        };
        let unit_word = match r.level_kind {
            Level::Centre => "unit_word_centre",
            Level::Station => "unit_word_station",
            Level::Workroom => "unit_word_workroom",
        };
        let mut vars = self.span_words(r)?;
        let more = json!({
            "name": r.name,
            "end": chinese_date(r.as_of.end()),
            "rooms": 0,
            "unit_word": self.texts.plain(unit_word)?,
            "y": y,
            "py": r.previous_year,
            "growth": growth,
            "due": r.reporting.due,
            "submitted": r.reporting.submitted,
            "on_time": r.reporting.on_time,
            "returned": r.reporting.returned,
            "deputies": deputies,
            "education": shares(&t.by_education, &o.education, 3)?,
            "age": shares(&t.by_age, &o.age, 4)?,
            "certified": self.items(
                "count_item",
                in_order(&t.by_qualification, &o.qualification)
                    .into_iter()
                    .filter(|(k, n)| *n > 0 && self.certified.iter().any(|c| c == k))
                    .map(|(k, n)| json!({ "name": k, "n": n }))
                    .collect(),
            )?,
            "qualification": self.items(
                "share_item",
                largest(
                    (&t.by_qualification, &o.qualification),
                    t.in_library,
                    3,
                    &[self.not_main.as_slice(), self.certified.as_slice()].concat(),
                ),
            )?,
            "party": party,
            "party_share": (t.in_library > 0).then(|| numbers::rate(party as f64 / t.in_library as f64)),
            "problem_rate": y.problems.closure_rate.value().map(numbers::rate),
            "problem_days": y.problems.mean_days_to_close.map(|d| format!("{d:.1}")),
            "problem_top": cases(&y.problems.by_category, &o.problem_category)?,
            "need_rate": y.needs.closure_rate.value().map(numbers::rate),
            "need_top": cases(&y.needs.by_category, &o.need_category)?,
            "funds": numbers::money(y.activities.funds),
            "levels": levels,
        });
        merge(&mut vars, more);
        Ok(vars)
    }

    /// Shortcomings and suggestions the data calls for, as (shortcoming, suggestion).
    pub fn findings(&self, r: &SummaryReport) -> Result<Vec<(String, String)>, Error> {
        let y = &r.total;
        let words = self.span_words(r)?;
        let mut out = Vec::new();
        let mut pair = |short: &str, suggest: &str, vars: serde_json::Value| -> Result<(), Error> {
            let mut all = words.clone();
            merge(&mut all, vars);
            out.push((
                self.texts.render(short, &all)?,
                self.texts.render(suggest, &all)?,
            ));
            Ok(())
        };
        // Half-way through the year, half of each annual target is due: of
        // a target of one (a report a year), no half can be.
        let first_half = r.half == Some(1);
        let behind = |t: &&crate::figures::Target| {
            if first_half {
                t.target >= 2 && t.actual < t.target.div_ceil(2)
            } else {
                !t.met
            }
        };
        let (short, suggest) = if first_half {
            ("h1_short_target", "h1_suggest_target")
        } else {
            ("short_target", "suggest_target")
        };
        for t in r.targets.iter().filter(behind) {
            pair(
                short,
                suggest,
                json!({ "target": t.name, "actual": t.actual, "goal": t.target, "half_goal": t.target.div_ceil(2), "unit": t.unit }),
            )?;
        }
        for (cases, floor, short, suggest) in [
            (
                &y.problems,
                PROBLEM_RATE_FLOOR,
                "short_problem_rate",
                "suggest_problem_rate",
            ),
            (
                &y.needs,
                NEED_RATE_FLOOR,
                "short_need_rate",
                "suggest_need_rate",
            ),
        ] {
            if let Some(rate) = cases.closure_rate.value().filter(|r| *r < floor) {
                let vars = json!({ "rate": numbers::rate(rate), "c": cases });
                pair(short, suggest, vars)?;
            }
        }
        if r.reporting.missing + r.reporting.late + r.reporting.returned > 0 {
            let units = r.reporting.irregular.join("、");
            pair(
                "short_reporting",
                "suggest_reporting",
                json!({ "missing": r.reporting.missing, "late": r.reporting.late, "returned": r.reporting.returned, "units": units, "days": self.deadline_days }),
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

    pub fn build(&self, r: &SummaryReport) -> Result<ReportDoc, Error> {
        let mut vars = self.vars(r)?;
        vars["rooms"] = json!(r.reporting.due / r.quarters.len().max(1) as u64 - 1);
        let p = |key: &str| self.texts.render(&self.key(r, key), &vars);
        let mut pieces = vec![
            Piece::Heading(p("h1")?),
            Piece::Paragraph(p("p1")?),
            Piece::Paragraph(p("p1b")?),
            Piece::Table(self.quarters_table(r)?),
        ];
        if let Some(prev) = &r.previous_year {
            pieces.push(Piece::Table(self.yoy_table(r, prev)?));
        }
        pieces.push(Piece::Heading(p("h2")?));
        pieces.push(Piece::Paragraph(p("p2")?));
        let t = &r.total.talents;
        let o = &self.orders;
        for (key, b, order) in [
            ("education", &t.by_education, &o.education),
            ("age", &t.by_age, &o.age),
            ("qualification", &t.by_qualification, &o.qualification),
            ("kind", &t.by_kind, &o.kind),
            ("politics", &t.by_politics, &o.politics),
        ] {
            let table = self.breakdown_table(key, (b, order), t.in_library)?;
            pieces.push(Piece::Table(table));
        }
        pieces.push(Piece::Heading(p("h3")?));
        pieces.push(Piece::Paragraph(p("p3")?));
        pieces.push(Piece::Heading(p("h4")?));
        pieces.push(Piece::Paragraph(p("p4")?));
        let a = &r.total.activities;
        pieces.push(Piece::Table(self.breakdown_table(
            "activity_type",
            (&a.by_type, &o.activity_type),
            a.count,
        )?));
        pieces.push(Piece::Heading(p("h5")?));
        pieces.push(Piece::Paragraph(p("p5")?));
        let findings = self.findings(r)?;
        pieces.push(Piece::Heading(p("h6")?));
        if findings.is_empty() {
            pieces.push(Piece::Paragraph(p("none_short")?));
        }
        for (i, (short, _)) in findings.iter().enumerate() {
            pieces.push(Piece::Paragraph(self.numbered(i, short)?));
        }
        pieces.push(Piece::Heading(p("h7")?));
        if findings.is_empty() {
            pieces.push(Piece::Paragraph(p("none_suggest")?));
        }
        for (i, (_, suggest)) in findings.iter().enumerate() {
            pieces.push(Piece::Paragraph(self.numbered(i, suggest)?));
        }
        Ok(ReportDoc {
            title: p("title")?,
            subtitle: p("subtitle")?,
            date: r.figures_complete.unwrap_or(r.as_of.end()),
            footer: self.footer.clone(),
            landscape: false,
            style: crate::render::pdf::Style::Official,
            issuer: Some(r.name.clone()),
            pieces,
        })
    }

    fn quarters_table(&self, r: &SummaryReport) -> Result<SimpleTable, Error> {
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
            name: self.texts.plain(&self.key(r, "quarters_name"))?,
            headers: self.texts.list("quarters_headers")?,
            widths: vec![2.2, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
            rows,
            chart: Some((self.texts.plain("chart_quarters")?, 0, 1)),
        })
    }

    fn yoy_table(&self, r: &SummaryReport, before: &Figures) -> Result<SimpleTable, Error> {
        let now = &r.total;
        type Get = fn(&Figures) -> u64;
        let items: [(&str, Get); 8] = [
            ("yoy_in_library", |f| f.talents.in_library),
            ("yoy_certified", |f| f.talents.certified_social_workers),
            ("yoy_joined", |f| f.talents.joined),
            ("yoy_problems", |f| f.problems.new),
            ("yoy_needs", |f| f.needs.new),
            ("yoy_activities", |f| f.activities.count),
            ("yoy_five_kinds", |f| f.activities.five_kinds),
            ("yoy_achievements", |f| f.achievements.count),
        ];
        let rows = items
            .iter()
            .map(|(key, get)| {
                let (a, b) = (get(now) as i64, get(before) as i64);
                Ok(vec![
                    Val::Text(self.texts.plain(key)?),
                    Val::Int(a),
                    Val::Int(b),
                    Val::Change((a - b) as f64, 0),
                ])
            })
            .collect::<Result<_, Error>>()?;
        Ok(SimpleTable {
            name: self.texts.plain(&self.key(r, "yoy_name"))?,
            headers: self.texts.list(&self.key(r, "yoy_headers"))?,
            widths: vec![3.0, 1.2, 1.2, 1.2],
            rows,
            chart: None,
        })
    }

    /// "（1）…": one numbered shortcoming or suggestion.
    fn numbered(&self, i: usize, text: &str) -> Result<String, Error> {
        Ok(self
            .texts
            .render("numbered", &json!({ "i": i + 1, "text": text }))?)
    }

    /// A breakdown with shares: named `table_{key}`, headed by that name,
    /// `count_{key}` and `share_header`; charted when `chart_{key}` exists.
    fn breakdown_table(
        &self,
        key: &str,
        (b, order): (&Breakdown, &[String]),
        total: u64,
    ) -> Result<SimpleTable, Error> {
        let name = self.texts.plain(&format!("table_{key}"))?;
        let chart_key = format!("chart_{key}");
        let chart = if self.texts.has(&chart_key) {
            Some((self.texts.plain(&chart_key)?, 0, 1))
        } else {
            None
        };
        Ok(SimpleTable {
            headers: vec![
                name.clone(),
                self.texts.plain(&format!("count_{key}"))?,
                self.texts.plain("share_header")?,
            ],
            name,
            widths: vec![3.0, 1.0, 1.0],
            rows: share_rows(b, total, order),
            chart,
        })
    }
}

/// `more`'s fields added to `into` (both JSON objects).
fn merge(into: &mut serde_json::Value, more: serde_json::Value) {
    if let (Some(into), serde_json::Value::Object(more)) = (into.as_object_mut(), more) {
        into.extend(more);
    }
}
