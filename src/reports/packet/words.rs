//! What a score or a ranking rests on, in words a reviewer can check
//! (`templates/assess.toml`).

use serde_json::json;

use super::model::{Basis, Standing};
use crate::error::Error;
use crate::numbers;
use crate::wording::Builtin;

pub(crate) const WORDING: &str = include_str!("../../../templates/assess.toml");

/// The words of the evidence.
static WORDS: Builtin = Builtin::new("templates/assess.toml", WORDING);

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
