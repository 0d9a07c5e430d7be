//! The monthly dispatch sheet's model (月调度表). `jucai report monthly
//! --format json` prints it.

use serde::Serialize;

use crate::figures::Target;
use crate::period::Period;

/// One row of the monthly dispatch sheet: a unit with the units below it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthlyRow {
    pub unit: String,
    pub name: String,
    pub level_kind: crate::registry::Level,
    /// Activities held in the month, and from the year's start to the month's end.
    pub activities: u64,
    pub activities_year_to_date: u64,
    /// The unit's own annual targets, counted to the month's end.
    pub targets: Vec<Target>,
    /// Problems and needs registered and closed in the month.
    pub problems_new: u64,
    pub problems_closed: u64,
    pub needs_new: u64,
    pub needs_closed: u64,
    /// Problems and needs open at the month's end for more than 30 days.
    pub open_over_30_days: u64,
    /// Units (itself and below) with nothing received for the month's quarter.
    pub not_sent: Vec<String>,
}

/// A station's row on the dispatch sheet and its workrooms' rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthlyStation {
    /// The station with its workrooms: the total of `own` and `workrooms`.
    pub station: MonthlyRow,
    /// The station's own work (本站), without its workrooms.
    pub own: MonthlyRow,
    pub workrooms: Vec<MonthlyRow>,
}

/// The centre's monthly dispatch sheet (月调度表).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthlyReport {
    pub month: crate::period::Month,
    /// The quarter the month is in: the ledgers counted are its newest.
    pub period: Period,
    /// The day the newest ledger counted was received (what has arrived by
    /// then is what the sheet shows), if any was.
    pub received_until: Option<String>,
    /// The centre with everything below it: the total of `centre_own` and the stations.
    pub centre: MonthlyRow,
    /// The centre's own work (中心本级).
    pub centre_own: MonthlyRow,
    pub stations: Vec<MonthlyStation>,
}
