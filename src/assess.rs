//! Annual assessment of the stations against a rubric (权重合计 100), every
//! score with the evidence it came from; and the workrooms ranked for
//! demonstration-site recommendation (示范点推荐).

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::AnnualReport;
use crate::schema::Schema;

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

    pub fn parse(text: &str) -> Result<Rubric, Error> {
        let rubric: Rubric = toml::from_str(text).map_err(|e| Error::Schema {
            origin: "rubric".into(),
            message: e.to_string(),
        })?;
        let total: f64 = rubric.items.iter().map(|i| i.weight).sum();
        if (total - 100.0).abs() > 1e-6 {
            return Err(Error::Schema {
                origin: "rubric".into(),
                message: format!("权重合计为 {total}，应为 100"),
            });
        }
        Ok(rubric)
    }

    pub fn grade(&self, score: f64) -> String {
        self.grades
            .iter()
            .find(|(_, floor)| score >= *floor - 1e-9)
            .map(|(g, _)| g.clone())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    pub item: String,
    pub weight: f64,
    pub score: f64,
    /// What the score rests on, in words a reviewer can check.
    pub evidence: String,
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

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// Score one station's year. The kinds of activity that count are the
/// schema's `target_values` of the activity type.
pub fn assess(rubric: &Rubric, schema: &Schema, r: &AnnualReport) -> Assessment {
    let five_kinds = schema.target_values("activities", "type");
    let y = &r.year_total;
    let scores: Vec<Score> = rubric
        .items
        .iter()
        .map(|item| {
            let w = item.weight;
            let (fraction, evidence) = match item.key.as_str() {
                "six_haves" => {
                    let ok = r.six_haves.iter().filter(|c| c.ok).count();
                    let missing: Vec<&str> = r
                        .six_haves
                        .iter()
                        .filter(|c| !c.ok)
                        .map(|c| c.name.as_str())
                        .collect();
                    let n = r.six_haves.len().max(1);
                    let why = if missing.is_empty() {
                        format!("{ok}/{n} 项达标")
                    } else {
                        format!("{ok}/{n} 项达标，{}未达标", missing.join("、"))
                    };
                    (ok as f64 / n as f64, why)
                }
                "quarterly_on_time" => {
                    let n = r.own_on_time_quarters;
                    (n as f64 / 4.0, format!("按时报送 {n}/4 个季度"))
                }
                "five_kind_activities" => {
                    let target = item.target.unwrap_or(4.0);
                    let count = r.own_five_kinds as f64;
                    let kinds: Vec<&str> = five_kinds
                        .iter()
                        .map(String::as_str)
                        .filter(|k| r.own_activity_types.iter().any(|t| t == k))
                        .collect();
                    let coverage = kinds.len() as f64 / five_kinds.len().max(1) as f64;
                    let f = 0.75 * (count / target).min(1.0) + 0.25 * coverage;
                    (
                        f,
                        format!(
                            "五类活动 {count} 次（要求不少于 {target} 次），覆盖 {} 类：{}",
                            kinds.len(),
                            if kinds.is_empty() {
                                "—".into()
                            } else {
                                kinds.join("、")
                            }
                        ),
                    )
                }
                "research_report" => {
                    let target = item.target.unwrap_or(1.0);
                    let n = r.own_research_reports as f64;
                    (
                        (n / target).min(1.0),
                        format!("调研报告 {n} 份（要求不少于 {target} 份）"),
                    )
                }
                "problem_closure" => match y.problems.closure_rate {
                    Some(rate) => (
                        rate,
                        format!(
                            "办结率 {}（办结 {} 件，未办结 {} 件）",
                            pct(rate),
                            y.problems.closed,
                            y.problems.open
                        ),
                    ),
                    None => (1.0, "全年无登记问题，按满分计".into()),
                },
                "need_satisfaction" => {
                    let closed = y.needs.closed + y.needs.open;
                    if closed == 0 {
                        (1.0, "全年无登记需求，按满分计".into())
                    } else {
                        let rate = y.needs.satisfied as f64 / closed as f64;
                        (
                            rate,
                            format!(
                                "满足 {} 件 / 共 {} 件，满足率 {}",
                                y.needs.satisfied,
                                closed,
                                pct(rate)
                            ),
                        )
                    }
                }
                "achievements" => {
                    let target = item.target.unwrap_or(3.0);
                    let n = y.achievements.count as f64;
                    (
                        (n / target).min(1.0),
                        format!("取得成果 {n} 项（{target} 项得满分）"),
                    )
                }
                other => (0.0, format!("未知的评分项 {other}")),
            };
            Score {
                item: item.name.clone(),
                weight: w,
                score: round1(w * fraction.clamp(0.0, 1.0)),
                evidence,
            }
        })
        .collect();
    let total = round1(scores.iter().map(|s| s.score).sum());
    Assessment {
        unit: r.unit.clone(),
        name: r.name.clone(),
        year: r.year,
        grade: rubric.grade(total),
        total,
        scores,
    }
}

/// A workroom's standing for demonstration-site recommendation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    pub unit: String,
    pub name: String,
    pub points: f64,
    pub basis: String,
}

/// Workrooms ranked by what applies to them: reporting on time, activities,
/// problem closure and achievements (each up to 25 points).
pub fn rank_workrooms(reports: &[AnnualReport]) -> Vec<Ranked> {
    let mut out: Vec<Ranked> = reports
        .iter()
        .filter(|r| r.level_kind == crate::registry::Level::Workroom)
        .map(|r| {
            let y = &r.year_total;
            let on_time = r.own_on_time_quarters as f64 / 4.0;
            let activities = (y.activities.count as f64 / 6.0).min(1.0);
            let closure = y.problems.closure_rate.unwrap_or(1.0);
            let achievements = (y.achievements.count as f64 / 2.0).min(1.0);
            let points = round1(25.0 * (on_time + activities + closure + achievements));
            Ranked {
                unit: r.unit.clone(),
                name: r.name.clone(),
                points,
                basis: format!(
                    "按时报送 {}/4 季度；活动 {} 次；问题办结率 {}；成果 {} 项",
                    r.own_on_time_quarters,
                    y.activities.count,
                    y.problems.closure_rate.map_or("—".into(), pct),
                    y.achievements.count
                ),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.points
            .total_cmp(&a.points)
            .then_with(|| a.unit.cmp(&b.unit))
    });
    out
}
