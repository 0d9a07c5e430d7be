//! The submission status of a period (报送情况): for every unit of the
//! registry, grouped by station, whether and when it reported, whether on
//! time, and whether its newest version passed validation; who to chase.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::period::Period;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// A submission without errors was received by the deadline.
    OnTime,
    /// The first submission without errors came after the deadline.
    Late,
    /// Received, but no version so far is free of errors (退回未改).
    Returned,
    /// Submitted, but when is not known (a loose file with no 填报日期).
    Unknown,
    Missing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "result", content = "count")]
pub enum Validation {
    Passed,
    Warnings(usize),
    Returned(usize),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitStatus {
    pub code: String,
    pub name: String,
    pub level: String,
    /// 已报: the newest version has no errors. A unit whose newest version
    /// was returned is chased (退回未改) like one that sent nothing.
    pub submitted: bool,
    pub versions: usize,
    pub first_received: Option<NaiveDateTime>,
    pub newest_received: Option<NaiveDateTime>,
    pub timeliness: Timeliness,
    pub validation: Option<Validation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// The station (or the centre itself, first).
    pub name: String,
    pub units: Vec<UnitStatus>,
}

/// A unit to chase: who to call.
#[derive(Debug, Clone, Serialize)]
pub struct Chase {
    pub name: String,
    pub station: String,
    /// Its newest version was returned and not yet corrected (退回未改);
    /// otherwise nothing was received.
    pub returned: bool,
    pub head: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Quarantined {
    pub name: String,
    pub sender: Option<String>,
    pub received: Option<NaiveDateTime>,
    pub source: String,
    pub workbook: bool,
    /// Why it is no readable workbook, when the archive recorded it.
    pub reason: Option<String>,
}

/// A message that came with nothing attached, in the period's reporting
/// window (after the previous period's deadline, up to this one's).
#[derive(Debug, Clone, Serialize)]
pub struct Unattached {
    pub sender: Option<String>,
    pub received: NaiveDateTime,
    pub subject: Option<String>,
    pub source: String,
}

/// The period's counts: `submitted + returned + missing == units`, and the
/// submitted are `on_time + late` and those whose time is unknown.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    pub units: usize,
    pub submitted: usize,
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
    /// Received, newest version returned and not corrected (退回未改).
    pub returned: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    pub period: Period,
    pub deadline: NaiveDate,
    pub centre: String,
    pub groups: Vec<Group>,
    pub chase: Vec<Chase>,
    pub quarantine: Vec<Quarantined>,
    /// Messages that brought nothing, oldest first.
    pub unattached: Vec<Unattached>,
    pub totals: Totals,
}

impl UnitStatus {
    /// Received, but the newest version was returned and not yet corrected
    /// (退回未改): neither 已报 nor 未报.
    pub fn is_returned(&self) -> bool {
        !self.submitted && self.versions > 0
    }
}
