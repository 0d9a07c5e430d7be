//! The quarterly report's model: one unit (with everything below it) for one
//! period. `jucai report quarterly --format json` prints it.

use chrono::NaiveDate;
use serde::Serialize;

use crate::figures::{Check, EventItem, OpenItem, Quality, Shared, SharedFigures, Target};
use crate::period::Period;
use crate::reports::status::UnitStatus;

/// The report of one unit (with everything below it) for one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuarterlyReport {
    pub unit: String,
    pub name: String,
    pub level: String,
    /// The level as the program knows it (centre, station, workroom).
    pub level_kind: crate::registry::Level,
    pub period: Period,
    pub quarter: SharedFigures,
    pub year_to_date: SharedFigures,
    /// From the first day of the half-year (the year to date in the first
    /// half): what a half-year summary counts.
    pub half_to_date: SharedFigures,
    /// The unit's own year to date, without the units below it.
    pub own_year_to_date: SharedFigures,
    /// The same figures for the previous quarter and the same quarter last
    /// year, when the archive has them.
    pub previous_quarter: Option<SharedFigures>,
    pub previous_year: Option<SharedFigures>,
    pub targets: Vec<Target>,
    pub six_haves: Vec<Check>,
    pub reporting: Reporting,
    pub quality: Quality,
    pub open_items: Vec<Shared<OpenItem>>,
    /// The unit's own activities and achievements this year to date.
    pub own_activities: Vec<EventItem>,
    pub own_achievements: Vec<EventItem>,
    /// The day the last workbook counted (of the unit and those below it)
    /// was received: the date the figures were complete, which a report's
    /// 落款 carries. None when nothing received has a date.
    pub figures_complete: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Reporting {
    /// Units in this scope (itself and below) that were due to report.
    pub due: u64,
    pub submitted: u64,
    pub on_time: u64,
    pub late: u64,
    pub missing: Vec<String>,
    /// Newest version still has errors.
    pub returned: Vec<String>,
    /// Units whose roster was carried forward from an earlier period.
    pub carried_forward: Vec<String>,
    /// Each unit's status, in tree order.
    pub units: Vec<UnitStatus>,
}
