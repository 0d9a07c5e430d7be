//! The quarterly report (季度报告) of the centre or a station, from its
//! [`QuarterlyReport`]: wording in `templates/quarterly.toml`, numbers from the model.

use serde_json::json;

use super::model::QuarterlyReport;
use crate::error::Error;
use crate::figures::{Breakdown, Figures};
use crate::numbers;
use crate::period::chinese_date;
use crate::reports::doc::{share_rows, Piece, ReportDoc, SimpleTable, Val};
use crate::reports::orders::Orders;
use crate::schema::{LedgerKey, Schema};
use crate::wording::Texts;

pub const WORDING: &str = include_str!("../../../templates/quarterly.toml");

/// How many open items a report lists.
const OPEN_ITEMS_SHOWN: usize = 30;

pub struct QuarterlyWriter {
    texts: Texts,
    /// Display order of breakdown values: the schema's enumeration order.
    orders: Orders,
    /// The page number at the foot (`[documents] page_numbers`, else the wording's).
    footer: String,
}

fn pct(v: Option<f64>) -> Val {
    v.map_or(Val::Empty, Val::Pct)
}

fn days(v: Option<f64>) -> Val {
    v.map_or(Val::Empty, |d| Val::Num(d, 1))
}

impl QuarterlyWriter {
    pub fn new(schema: &Schema, page_numbers: Option<&str>) -> Result<QuarterlyWriter, Error> {
        let texts = Texts::parse("templates/quarterly.toml", WORDING)?;
        let footer = crate::render::document::page_numbers(&texts, page_numbers)?;
        Ok(QuarterlyWriter {
            texts,
            orders: Orders::new(schema),
            footer,
        })
    }

    fn t(&self, key: &str) -> Result<String, Error> {
        Ok(self.texts.plain(key)?)
    }

    /// "增加 3 人" / "减少 2 人" / "持平".
    fn change(&self, now: u64, before: u64) -> Result<String, Error> {
        let (key, n) = match now.cmp(&before) {
            std::cmp::Ordering::Greater => ("change_up", now - before),
            std::cmp::Ordering::Less => ("change_down", before - now),
            std::cmp::Ordering::Equal => ("change_same", 0),
        };
        Ok(self.texts.render(key, &json!({ "n": n }))?)
    }

    pub fn file_stem(&self, r: &QuarterlyReport) -> Result<String, Error> {
        Ok(self.texts.render(
            "file_stem",
            &json!({ "name": r.name, "period_code": r.period.code() }),
        )?)
    }

    pub fn build(&self, r: &QuarterlyReport) -> Result<ReportDoc, Error> {
        let vars = self.vars(r)?;
        let mut pieces = vec![
            Piece::Heading(self.t("h_overview")?),
            Piece::Paragraph(self.texts.render("overview", &vars)?),
            Piece::Paragraph(self.texts.render("reporting", &vars)?),
            Piece::Heading(self.t("h_figures")?),
            Piece::Table(self.figures_table(r)?),
            Piece::Heading(self.t("h_structure")?),
        ];
        pieces.extend(self.structure_tables(r)?);
        pieces.push(Piece::Heading(self.t("h_targets")?));
        pieces.push(self.targets(r)?);
        pieces.push(Piece::Heading(self.t("h_six")?));
        pieces.push(Piece::Table(self.six_haves(r)?));
        pieces.push(Piece::Heading(self.t("h_status")?));
        pieces.push(Piece::Table(self.status_table(r)?));
        pieces.push(Piece::Heading(self.t("h_open")?));
        pieces.extend(self.open_items(r)?);
        pieces.push(Piece::Heading(self.t("h_quality")?));
        pieces.push(Piece::Paragraph(self.texts.render("quality", &vars)?));
        Ok(ReportDoc {
            title: self.texts.render("title", &vars)?,
            subtitle: self.texts.render("subtitle", &vars)?,
            date: r.figures_complete.unwrap_or(r.period.end()),
            footer: self.footer.clone(),
            landscape: false,
            style: crate::render::pdf::Style::Official,
            issuer: Some(r.name.clone()),
            pieces,
        })
    }

    /// The numbers the report's sentences are filled from.
    fn vars(&self, r: &QuarterlyReport) -> Result<serde_json::Value, Error> {
        let excluded: u64 = r.quality.rows_excluded.values().sum();
        Ok(json!({
            "name": r.name,
            "period": r.period.chinese(),
            "end": chinese_date(r.period.end()),
            "rooms": r.reporting.due.saturating_sub(1),
            "q": r.quarter,
            "y": r.year_to_date,
            "p": r.previous_quarter,
            "change_talents": r.previous_quarter.as_ref().map(|p| self.change(r.quarter.talents.in_library, p.talents.in_library)).transpose()?,
            "problem_rate": r.quarter.problems.closure_rate.value().map(numbers::rate),
            "need_rate": r.quarter.needs.closure_rate.value().map(numbers::rate),
            "unknown_time": r.reporting.submitted - r.reporting.on_time - r.reporting.late,
            "funds": numbers::money(r.quarter.activities.funds),
            "r": r.reporting,
            "quality": r.quality,
            "excluded": excluded,
            "excluded_rows": r.quality.rows_excluded.iter().map(|(ledger, n)| json!({ "ledger": ledger, "n": n })).collect::<Vec<_>>(),
            "carried": r.reporting.carried_forward,
        }))
    }

    /// The talent structure: one table per breakdown, two with a chart.
    fn structure_tables(&self, r: &QuarterlyReport) -> Result<Vec<Piece>, Error> {
        let talents = &r.quarter.talents;
        let o = &self.orders;
        [
            ("structure_kind", &talents.by_kind, &o.kind, None),
            ("structure_sex", &talents.by_sex, &o.sex, None),
            ("structure_age", &talents.by_age, &o.age, Some("chart_age")),
            (
                "structure_education",
                &talents.by_education,
                &o.education,
                Some("chart_education"),
            ),
            (
                "structure_qualification",
                &talents.by_qualification,
                &o.qualification,
                None,
            ),
            (
                "structure_politics",
                &talents.by_politics,
                &o.politics,
                None,
            ),
        ]
        .into_iter()
        .map(|(key, breakdown, order, chart)| {
            let table = self.structure_table(key, (breakdown, order), talents.in_library, chart)?;
            Ok(Piece::Table(table))
        })
        .collect()
    }

    /// The unit's own annual targets and how far it has come, or a note
    /// that it has none.
    fn targets(&self, r: &QuarterlyReport) -> Result<Piece, Error> {
        if r.targets.is_empty() {
            return Ok(Piece::Paragraph(self.t("no_targets")?));
        }
        let rows = r
            .targets
            .iter()
            .map(|t| {
                let state = if t.met {
                    self.t("target_met")?
                } else {
                    self.texts.render(
                        "target_open",
                        &json!({ "gap": t.target.saturating_sub(t.actual) }),
                    )?
                };
                Ok(vec![
                    Val::text(&t.name),
                    Val::Int(t.target as i64),
                    Val::Int(t.actual as i64),
                    Val::Text(state),
                ])
            })
            .collect::<Result<_, Error>>()?;
        Ok(Piece::Table(self.table(
            "targets",
            &[4.0, 1.5, 1.5, 2.5],
            rows,
        )?))
    }

    /// The 六有 checks, each with what it found.
    fn six_haves(&self, r: &QuarterlyReport) -> Result<SimpleTable, Error> {
        let rows = r
            .six_haves
            .iter()
            .map(|c| {
                Ok(vec![
                    Val::text(&c.name),
                    Val::Text(self.t(if c.ok { "ok" } else { "not_ok" })?),
                    Val::Text(crate::reports::six_haves::evidence(c)?),
                ])
            })
            .collect::<Result<_, Error>>()?;
        self.table("six", &[1.5, 1.0, 5.0], rows)
    }

    /// A table named by `{key}_name` with the headers `{key}_headers`.
    fn table(&self, key: &str, widths: &[f32], rows: Vec<Vec<Val>>) -> Result<SimpleTable, Error> {
        Ok(SimpleTable {
            name: self.t(&format!("{key}_name"))?,
            headers: self.texts.list(&format!("{key}_headers"))?,
            widths: widths.to_vec(),
            rows,
            chart: None,
        })
    }

    fn figures_table(&self, r: &QuarterlyReport) -> Result<SimpleTable, Error> {
        type Get = fn(&Figures) -> Val;
        let rows: [(&str, Get); 25] = [
            ("row_in_library", |f| Val::Int(f.talents.in_library as i64)),
            ("row_joined", |f| Val::Int(f.talents.joined as i64)),
            ("row_left", |f| Val::Int(f.talents.left as i64)),
            ("row_certified", |f| {
                Val::Int(f.talents.certified_social_workers as i64)
            }),
            ("row_key", |f| Val::Int(f.talents.key_talents as i64)),
            ("row_problems_carried", |f| {
                Val::Int(f.problems.carried as i64)
            }),
            ("row_problems_new", |f| Val::Int(f.problems.new as i64)),
            ("row_problems_closed", |f| {
                Val::Int(f.problems.closed as i64)
            }),
            ("row_problems_open", |f| Val::Int(f.problems.open as i64)),
            ("row_problems_rate", |f| {
                pct(f.problems.closure_rate.value())
            }),
            ("row_problems_days", |f| days(f.problems.mean_days_to_close)),
            ("row_escalated", |f| Val::Int(f.problems.escalated as i64)),
            ("row_needs_carried", |f| Val::Int(f.needs.carried as i64)),
            ("row_needs_new", |f| Val::Int(f.needs.new as i64)),
            ("row_needs_closed", |f| Val::Int(f.needs.closed as i64)),
            ("row_needs_satisfied", |f| {
                Val::Int(f.needs.satisfied as i64)
            }),
            ("row_needs_open", |f| Val::Int(f.needs.open as i64)),
            ("row_needs_rate", |f| pct(f.needs.closure_rate.value())),
            ("row_activities", |f| Val::Int(f.activities.count as i64)),
            ("row_five_kinds", |f| {
                Val::Int(f.activities.five_kinds as i64)
            }),
            ("row_participants", |f| {
                Val::Int(f.activities.participants as i64)
            }),
            ("row_talent_participants", |f| {
                Val::Int(f.activities.talent_participants as i64)
            }),
            ("row_funds", |f| Val::Money(f.activities.funds)),
            ("row_achievements", |f| {
                Val::Int(f.achievements.count as i64)
            }),
            ("row_research", |f| {
                Val::Int(f.achievements.research_reports as i64)
            }),
        ];
        let rows = rows
            .iter()
            .map(|(key, get)| {
                let now = get(&r.quarter);
                let before = r.previous_quarter.as_deref().map(get).unwrap_or(Val::Empty);
                let delta = match (&now, &before) {
                    (Val::Int(a), Val::Int(b)) => Val::Change((a - b) as f64, 0),
                    (Val::Num(a, d), Val::Num(b, _)) => Val::Change(a - b, *d),
                    (Val::Money(a), Val::Money(b)) => Val::Change(a - b, 2),
                    (Val::Pct(a), Val::Pct(b)) => Val::Text(self.texts.render(
                        "points",
                        &json!({ "points": format!("{:+.1}", (a - b) * 100.0) }),
                    )?),
                    _ => Val::Empty,
                };
                Ok(vec![
                    Val::Text(self.t(key)?),
                    now,
                    before,
                    delta,
                    get(&r.year_to_date),
                ])
            })
            .collect::<Result<_, Error>>()?;
        self.table("figures", &[3.0, 1.2, 1.2, 1.5, 1.2], rows)
    }

    fn structure_table(
        &self,
        key: &str,
        (b, order): (&Breakdown, &[String]),
        total: u64,
        chart: Option<&str>,
    ) -> Result<SimpleTable, Error> {
        let label = self.t(key)?;
        let rows = share_rows(b, total, order);
        let mut headers = self.texts.list("structure_headers")?;
        headers[0] = label.clone();
        Ok(SimpleTable {
            name: label,
            headers,
            widths: vec![3.0, 1.0, 1.0],
            rows,
            chart: chart
                .map(|c| self.t(c))
                .transpose()?
                .map(|title| (title, 0, 1)),
        })
    }

    fn status_table(&self, r: &QuarterlyReport) -> Result<SimpleTable, Error> {
        let words = crate::reports::status::render::StatusWriter::new()?;
        let rows = r
            .reporting
            .units
            .iter()
            .map(|u| {
                let [submitted, timely, result] = words.words(u)?;
                Ok(vec![
                    Val::text(&u.name),
                    Val::Text(submitted),
                    Val::text(
                        u.newest_received
                            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                            .unwrap_or_default(),
                    ),
                    Val::Text(timely),
                    Val::Text(result),
                ])
            })
            .collect::<Result<_, Error>>()?;
        self.table("status", &[4.0, 1.2, 2.2, 1.2, 2.0], rows)
    }

    fn open_items(&self, r: &QuarterlyReport) -> Result<Vec<Piece>, Error> {
        if r.open_items.is_empty() {
            return Ok(vec![Piece::Paragraph(self.t("open_none")?)]);
        }
        let (problems, needs) = (self.t("ledger_problems")?, self.t("ledger_needs")?);
        let rows = r
            .open_items
            .iter()
            .take(OPEN_ITEMS_SHOWN)
            .map(|i| {
                let ledger = if i.ledger == LedgerKey::Problems {
                    &problems
                } else {
                    &needs
                };
                vec![
                    Val::text(&i.unit),
                    Val::text(ledger),
                    Val::text(&i.id),
                    Val::text(&i.registered),
                    Val::text(&i.category),
                    Val::text(&i.description),
                    Val::text(&i.status),
                    Val::Int(i.days_open),
                ]
            })
            .collect();
        let mut out = vec![Piece::Table(self.table(
            "open",
            &[3.0, 0.8, 1.3, 1.6, 1.6, 3.8, 1.0, 1.0],
            rows,
        )?)];
        if r.open_items.len() > OPEN_ITEMS_SHOWN {
            out.push(Piece::Paragraph(self.texts.render(
                "open_more",
                &json!({ "n": r.open_items.len() - OPEN_ITEMS_SHOWN, "shown": OPEN_ITEMS_SHOWN }),
            )?));
        }
        Ok(out)
    }
}
