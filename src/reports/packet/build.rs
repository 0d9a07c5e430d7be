//! Annual assessment of the stations against a rubric (权重合计 100), every
//! score with the evidence it came from; and the workrooms ranked for
//! demonstration-site recommendation (示范点推荐).

use super::model::{Assessment, Basis, Ranked, Score, Standing};
use super::rubric::{Item, Rubric};
use crate::error::Error;
use crate::reports::summary::SummaryReport;
use crate::schema::Schema;

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Score one station's year. The kinds of activity that count are the
/// schema's `target_values` of the activity type.
pub fn assess(rubric: &Rubric, schema: &Schema, r: &SummaryReport) -> Result<Assessment, Error> {
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
fn score_item(item: &Item, schema: &Schema, r: &SummaryReport) -> (f64, Basis) {
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

/// Workrooms ranked by what applies to them: reporting on time, activities,
/// problem closure and achievements (each up to 25 points).
pub fn rank_workrooms(reports: &[SummaryReport]) -> Result<Vec<Ranked>, Error> {
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
