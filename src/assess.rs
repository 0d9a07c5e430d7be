//! Annual assessment of the stations against a rubric (权重合计 100), every
//! score with the evidence it came from; and the workrooms ranked for
//! demonstration-site recommendation (示范点推荐).

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::Error;
use crate::model::AnnualReport;
use crate::numbers;
use crate::schema::Schema;
use crate::wording::Builtin;

pub const DEFAULT_RUBRIC: &str = include_str!("../templates/rubric.toml");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub key: String,
    pub name: String,
    pub weight: f64,
    #[serde(default)]
    pub target: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rubric {
    pub grades: Vec<(String, f64)>,
    pub items: Vec<Item>,
}

impl Rubric {
    pub fn builtin() -> Rubric {
        Rubric::parse(DEFAULT_RUBRIC).expect("templates/rubric.toml is valid (checked by tests)")
    }

    pub fn parse(text: &str) -> Result<Rubric, RubricError> {
        let rubric: Rubric = toml::from_str(text)?;
        rubric.check()?;
        Ok(rubric)
    }

    /// What serde cannot check: the weights add up to 100.
    pub fn check(&self) -> Result<(), RubricError> {
        let total: f64 = self.items.iter().map(|i| i.weight).sum();
        if (total - 100.0).abs() > 1e-6 {
            return Err(RubricError::Weights(total));
        }
        Ok(())
    }

    pub fn grade(&self, score: f64) -> String {
        self.grades
            .iter()
            .find(|(_, floor)| score >= *floor - 1e-9)
            .map(|(g, _)| g.clone())
            .unwrap_or_default()
    }
}

/// Why a rubric cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RubricError {
    #[error("{0}")]
    Toml(#[from] toml::de::Error),
    #[error("权重合计为 {0}，应为 100")]
    Weights(f64),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    pub item: String,
    pub weight: f64,
    pub score: f64,
    /// What the score rests on, as numbers a reviewer can check; the
    /// packets word it ([`basis_words`], `templates/assess.toml`).
    pub basis: Basis,
}

/// What one rubric item's score rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "item", rename_all = "snake_case")]
pub enum Basis {
    /// 六有: checks met of all, and the names of those not met.
    SixHaves {
        ok: u64,
        n: u64,
        missing: Vec<String>,
    },
    /// Quarters reported on time, of four.
    QuarterlyOnTime { quarters: u64 },
    /// Five-kind activities held, the target, and the kinds covered.
    FiveKindActivities {
        count: u64,
        target: f64,
        kinds: Vec<String>,
    },
    /// Research reports written, and the target.
    ResearchReport { n: u64, target: f64 },
    /// The year's problems (none to close scores full marks).
    ProblemClosure { cases: crate::model::CaseFigures },
    /// The year's needs (none to meet scores full marks).
    NeedSatisfaction { cases: crate::model::CaseFigures },
    /// Achievements, and the count that scores full marks.
    Achievements { n: u64, target: f64 },
    /// A rubric item jucai does not know (scored 0).
    Unknown { key: String },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub unit: String,
    pub name: String,
    pub year: i32,
    pub scores: Vec<Score>,
    pub total: f64,
    pub grade: String,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

pub const WORDING: &str = include_str!("../templates/assess.toml");

/// The words of the evidence.
static WORDS: Builtin = Builtin::new("templates/assess.toml", WORDING);

/// Score one station's year. The kinds of activity that count are the
/// schema's `target_values` of the activity type.
pub fn assess(rubric: &Rubric, schema: &Schema, r: &AnnualReport) -> Result<Assessment, Error> {
    let scores = rubric
        .items
        .iter()
        .map(|item| {
            let (fraction, basis) = score_item(item, schema, r);
            Ok(Score {
                item: item.name.clone(),
                weight: item.weight,
                score: round1(item.weight * fraction.clamp(0.0, 1.0)),
                basis,
            })
        })
        .collect::<Result<Vec<Score>, Error>>()?;
    let total = round1(scores.iter().map(|s| s.score).sum());
    Ok(Assessment {
        unit: r.unit.clone(),
        name: r.name.clone(),
        year: r.year,
        grade: rubric.grade(total),
        total,
        scores,
    })
}

/// The fraction of `item`'s weight earned, and what it rests on.
fn score_item(item: &Item, schema: &Schema, r: &AnnualReport) -> (f64, Basis) {
    let y = &r.total;
    match item.key.as_str() {
        "six_haves" => {
            let ok = r.six_haves.iter().filter(|c| c.ok).count() as u64;
            let missing: Vec<String> = r
                .six_haves
                .iter()
                .filter(|c| !c.ok)
                .map(|c| c.name.clone())
                .collect();
            let n = (r.six_haves.len() as u64).max(1);
            (ok as f64 / n as f64, Basis::SixHaves { ok, n, missing })
        }
        "quarterly_on_time" => {
            let quarters = r.own_on_time_quarters;
            (quarters as f64 / 4.0, Basis::QuarterlyOnTime { quarters })
        }
        "five_kind_activities" => {
            let five_kinds = schema.five_kinds();
            let target = item.target.unwrap_or(4.0);
            let count = r.own_five_kinds;
            let kinds: Vec<String> = five_kinds
                .iter()
                .filter(|k| r.own_activity_types.iter().any(|t| t == *k))
                .cloned()
                .collect();
            let coverage = kinds.len() as f64 / five_kinds.len().max(1) as f64;
            let f = 0.75 * (count as f64 / target).min(1.0) + 0.25 * coverage;
            (
                f,
                Basis::FiveKindActivities {
                    count,
                    target,
                    kinds,
                },
            )
        }
        "research_report" => {
            let target = item.target.unwrap_or(1.0);
            let n = r.own_research_reports;
            (
                (n as f64 / target).min(1.0),
                Basis::ResearchReport { n, target },
            )
        }
        "problem_closure" => {
            let cases = y.problems.clone();
            let rate = cases.closure_rate.value().unwrap_or(1.0);
            (rate, Basis::ProblemClosure { cases })
        }
        "need_satisfaction" => {
            let cases = y.needs.clone();
            let rate = cases.satisfaction_rate.value().unwrap_or(1.0);
            (rate, Basis::NeedSatisfaction { cases })
        }
        "achievements" => {
            let target = item.target.unwrap_or(3.0);
            let n = y.achievements.count;
            (
                (n as f64 / target).min(1.0),
                Basis::Achievements { n, target },
            )
        }
        other => (
            0.0,
            Basis::Unknown {
                key: other.to_string(),
            },
        ),
    }
}

/// What a score rests on, in words a reviewer can check
/// (`templates/assess.toml`). Counts and targets are written as the
/// rubric gives them: a target of 4.0 reads “4”.
pub fn basis_words(basis: &Basis) -> Result<String, Error> {
    let say = |key: &str, vars: serde_json::Value| WORDS.get().render(key, &vars);
    let figure = |x: f64| format!("{x}");
    Ok(match basis {
        Basis::SixHaves { ok, n, missing } if missing.is_empty() => {
            say("six_haves_all", json!({ "ok": ok, "n": n }))?
        }
        Basis::SixHaves { ok, n, missing } => say(
            "six_haves_missing",
            json!({ "ok": ok, "n": n, "missing": missing }),
        )?,
        Basis::QuarterlyOnTime { quarters } => say("on_time", json!({ "n": quarters }))?,
        Basis::FiveKindActivities {
            count,
            target,
            kinds,
        } => say(
            "five_kinds",
            json!({ "count": count, "target": figure(*target), "covered": kinds.len(), "kinds": kinds }),
        )?,
        Basis::ResearchReport { n, target } => {
            say("research", json!({ "n": n, "target": figure(*target) }))?
        }
        Basis::ProblemClosure { cases } => match cases.closure_rate.value() {
            Some(rate) => say(
                "problem_rate",
                json!({ "rate": numbers::rate(rate), "c": cases }),
            )?,
            None => say("no_problems", json!({}))?,
        },
        Basis::NeedSatisfaction { cases } => match cases.satisfaction_rate.value() {
            Some(rate) => say(
                "need_rate",
                json!({ "rate": numbers::rate(rate), "c": cases }),
            )?,
            None => say("no_needs", json!({}))?,
        },
        Basis::Achievements { n, target } => {
            say("achievements", json!({ "n": n, "target": figure(*target) }))?
        }
        Basis::Unknown { key } => say("unknown_item", json!({ "key": key }))?,
    })
}

/// A workroom's standing for demonstration-site recommendation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    pub unit: String,
    pub name: String,
    pub points: f64,
    /// What the points rest on; the packet words it ([`ranking_words`]).
    pub basis: Standing,
}

/// A workroom's year as the ranking counts it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standing {
    /// Quarters reported on time, of four.
    pub on_time: u64,
    pub activities: u64,
    /// Its problems: closed of the caseload.
    pub problems: crate::model::Rate,
    pub achievements: u64,
}

/// What a workroom's ranking rests on, in words (`templates/assess.toml`).
pub fn ranking_words(s: &Standing) -> Result<String, Error> {
    Ok(WORDS.get().render(
        "workroom_basis",
        &json!({
            "on_time": s.on_time,
            "activities": s.activities,
            "rate": s.problems.value().map(numbers::rate),
            "closed": s.problems.numerator,
            "caseload": s.problems.denominator,
            "achievements": s.achievements,
        }),
    )?)
}

/// Workrooms ranked by what applies to them: reporting on time, activities,
/// problem closure and achievements (each up to 25 points).
pub fn rank_workrooms(reports: &[AnnualReport]) -> Result<Vec<Ranked>, Error> {
    let mut out: Vec<Ranked> = reports
        .iter()
        .filter(|r| r.level_kind == crate::registry::Level::Workroom)
        .map(|r| {
            let y = &r.total;
            let on_time = r.own_on_time_quarters as f64 / 4.0;
            let activities = (y.activities.count as f64 / 6.0).min(1.0);
            let closure = y.problems.closure_rate.value().unwrap_or(1.0);
            let achievements = (y.achievements.count as f64 / 2.0).min(1.0);
            let points = round1(25.0 * (on_time + activities + closure + achievements));
            Ranked {
                unit: r.unit.clone(),
                name: r.name.clone(),
                points,
                basis: Standing {
                    on_time: r.own_on_time_quarters,
                    activities: y.activities.count,
                    problems: y.problems.closure_rate,
                    achievements: y.achievements.count,
                },
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.points
            .total_cmp(&a.points)
            .then_with(|| a.unit.cmp(&b.unit))
    });
    Ok(out)
}
