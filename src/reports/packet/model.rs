//! The assessment's model: each station's scores with what they rest on,
//! and the workrooms' standing for demonstration-site recommendation. Numbers
//! only; `words` says them.

use serde::Serialize;

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
    ProblemClosure { cases: crate::figures::CaseFigures },
    /// The year's needs (none to meet scores full marks).
    NeedSatisfaction { cases: crate::figures::CaseFigures },
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
    pub problems: crate::figures::Rate,
    pub achievements: u64,
}
