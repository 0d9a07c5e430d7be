//! The model of a summary over a year or a half-year (the annual research
//! summary, the half-year work summary). `jucai report annual|half-year
//! --format json` prints it.

use chrono::NaiveDate;
use serde::Serialize;

use crate::figures::{Check, EventItem, Quality, SharedFigures, Target};
use crate::period::Period;
use crate::reports::status::UnitStatus;

/// A year's reporting, summed over its quarters.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct YearReporting {
    /// Quarterly workbooks due (units × quarters).
    pub due: u64,
    pub submitted: u64,
    pub on_time: u64,
    pub late: u64,
    pub missing: u64,
    /// Received but returned and not corrected (退回未改).
    pub returned: u64,
    /// Units that missed, were late with or did not correct a quarter, with the quarter.
    pub irregular: Vec<String>,
}

/// The numbers of a summary over a year or a half-year (the annual research
/// summary, the half-year work summary) for one unit with everything below it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryReport {
    pub unit: String,
    pub name: String,
    pub level: String,
    pub level_kind: crate::registry::Level,
    pub year: i32,
    /// 1 or 2 for a half-year summary; none for the whole year.
    pub half: Option<u8>,
    /// The last quarter of the span in the archive: the figures are as of its end.
    pub as_of: Period,
    /// The span's figures: events dated in it, the roster at its end.
    pub total: SharedFigures,
    /// The same span of last year, as of the same quarter, when the archive has it.
    pub previous_year: Option<SharedFigures>,
    /// Each quarter's own figures, in order.
    pub quarters: Vec<(Period, SharedFigures)>,
    pub targets: Vec<Target>,
    pub reporting: YearReporting,
    pub quality: Quality,
    /// The 六有 checks at the span's last quarter.
    pub six_haves: Vec<Check>,
    /// Quarters the unit itself reported on time.
    pub own_on_time_quarters: u64,
    /// The unit's own five-kind activities, research reports and activity types.
    pub own_five_kinds: u64,
    pub own_research_reports: u64,
    pub own_activity_types: Vec<String>,
    /// The unit's own submission status in each quarter.
    pub own_quarters: Vec<(Period, UnitStatus)>,
    /// The unit's own activities and achievements of the span.
    pub own_activities: Vec<EventItem>,
    pub own_achievements: Vec<EventItem>,
    /// The day the last workbook counted was received (see [`QuarterlyReport`](crate::reports::quarterly::QuarterlyReport)).
    pub figures_complete: Option<NaiveDate>,
}
