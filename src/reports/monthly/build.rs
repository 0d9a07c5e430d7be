//! The centre's monthly dispatch sheet (月调度表): for one month, every
//! station with its workrooms rolled in, and each station's workrooms — what
//! they did in the month and the year so far, against their targets, the
//! problems and needs of the month, what has stayed open too long, and who
//! has sent nothing yet for the quarter. Units send running ledgers, so the
//! sheet counts what has arrived: the newest ledgers of the month's quarter.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::model::{MonthlyReport, MonthlyRow, MonthlyStation};
use crate::aggregate::inputs::{Inputs, Known};
use crate::aggregate::load::Rows;
use crate::error::Error;
use crate::figures::Figures;
use crate::period::{date_of, day, Month, Period};
use crate::registry::{Level, Unit};
use crate::reports::quarterly::build::{scope_units, targets};
use crate::reports::status::accepted;

/// Problems and needs open longer than this at the month's end are listed.
const OPEN_TOO_LONG_DAYS: i32 = 30;

/// The dispatch sheet of `month`.
pub(crate) fn build(inputs: &Inputs<'_>, month: Month) -> Result<MonthlyReport, Error> {
    let known = Known::load(inputs, month.period())?;
    let rows = known.asof.rows()?;
    build_from(inputs, &known, &rows, month)
}

/// The dispatch sheet of the last month of the archive's last quarter that
/// has anything dated in it (an activity, an achievement, a problem or need
/// registered or closed), if any has.
pub(crate) fn build_last(inputs: &Inputs<'_>) -> Result<Option<MonthlyReport>, Error> {
    let Some(&period) = inputs.archive.periods().last() else {
        return Ok(None);
    };
    let known = Known::load(inputs, period)?;
    let rows = known.asof.rows()?;
    let (start, end) = (day(period.start()), day(period.end()));
    let last = rows
        .activities
        .iter()
        .map(|a| a.date)
        .chain(rows.achievements.iter().map(|a| a.date))
        .chain(
            rows.cases
                .iter()
                .flat_map(|c| [Some(c.registered), c.closed])
                .flatten(),
        )
        .filter(|d| (start..=end).contains(d))
        .max();
    last.map(|d| build_from(inputs, &known, &rows, Month::of_date(date_of(d))))
        .transpose()
}

/// The sheet of `month` from what is known at its quarter's end (`rows`:
/// that point's events, as rows).
fn build_from(
    inputs: &Inputs<'_>,
    known: &Known,
    rows: &Rows,
    month: Month,
) -> Result<MonthlyReport, Error> {
    let period = month.period();
    let year_start = Period {
        year: month.year,
        quarter: 1,
    }
    .start();
    let counts = Counts {
        month: known.figures(month.start(), month.end(), true)?,
        own_month: known.figures(month.start(), month.end(), false)?,
        year_to_date: known.figures(year_start, month.end(), true)?,
        own_year_to_date: known.figures(year_start, month.end(), false)?,
        open_too_long: open_too_long(rows, month),
        not_sent: inputs
            .registry
            .tree_order()
            .into_iter()
            // Nothing received, or the newest version returned (退回未改).
            .filter(|u| !accepted(inputs.archive, &u.code, period))
            .map(|u| (u.code.clone(), u.name.clone()))
            .collect(),
    };
    let registry = inputs.registry;
    let row = |unit: &Unit| counts.row(inputs, unit, Scope::Rolled);
    let own = |unit: &Unit| counts.row(inputs, unit, Scope::Own);
    let centre = registry.centre().ok_or_else(|| Error::NoCentre)?;
    let stations = registry
        .children(&centre.code)
        .filter(|s| s.level == Level::Station)
        .map(|s| MonthlyStation {
            station: row(s),
            own: own(s),
            workrooms: registry.children(&s.code).map(row).collect(),
        })
        .collect();
    Ok(MonthlyReport {
        month,
        period,
        received_until: received_until(inputs, period),
        centre: row(centre),
        centre_own: own(centre),
        stations,
    })
}

/// Whether a row counts a unit with the units below it or only its own work.
#[derive(Clone, Copy, PartialEq)]
enum Scope {
    Rolled,
    Own,
}

/// What the rows are made from, by unit code.
struct Counts {
    month: BTreeMap<String, Figures>,
    own_month: BTreeMap<String, Figures>,
    year_to_date: BTreeMap<String, Figures>,
    own_year_to_date: BTreeMap<String, Figures>,
    /// Each unit's own items open too long.
    open_too_long: HashMap<String, u64>,
    /// (code, name) of every unit with nothing accepted for the quarter, in tree order.
    not_sent: Vec<(String, String)>,
}

impl Counts {
    fn row(&self, inputs: &Inputs<'_>, unit: &Unit, scope: Scope) -> MonthlyRow {
        let get = |m: &BTreeMap<String, Figures>| m.get(&unit.code).cloned().unwrap_or_default();
        let (month, ytd) = match scope {
            Scope::Rolled => (get(&self.month), get(&self.year_to_date)),
            Scope::Own => (get(&self.own_month), get(&self.own_year_to_date)),
        };
        let units: BTreeSet<String> = match scope {
            Scope::Rolled => scope_units(inputs.registry, unit),
            Scope::Own => BTreeSet::from([unit.code.clone()]),
        };
        MonthlyRow {
            unit: unit.code.clone(),
            name: unit.name.clone(),
            level_kind: unit.level,
            activities: month.activities.count,
            activities_year_to_date: ytd.activities.count,
            targets: targets(inputs.targets, unit, &get(&self.own_year_to_date)),
            problems_new: month.problems.new,
            problems_closed: month.problems.closed,
            needs_new: month.needs.new,
            needs_closed: month.needs.closed,
            open_over_30_days: units.iter().filter_map(|u| self.open_too_long.get(u)).sum(),
            not_sent: self
                .not_sent
                .iter()
                .filter(|(code, _)| units.contains(code))
                .map(|(_, name)| name.clone())
                .collect(),
        }
    }
}

/// Per unit, its problems and needs registered this year and open at the
/// month's end for more than [`OPEN_TOO_LONG_DAYS`].
fn open_too_long(rows: &Rows, month: Month) -> HashMap<String, u64> {
    let end = day(month.end());
    let mut out = HashMap::new();
    for c in &rows.cases {
        let open = c.registered <= end && c.closed.is_none_or(|d| d > end);
        if open && end - c.registered > OPEN_TOO_LONG_DAYS {
            *out.entry(c.unit.clone()).or_default() += 1;
        }
    }
    out
}

/// The day the newest workbook of the year up to `period` was received.
fn received_until(inputs: &Inputs<'_>, period: Period) -> Option<String> {
    inputs
        .archive
        .records()
        .iter()
        .filter(|r| {
            r.period
                .is_some_and(|p| p.year == period.year && p <= period)
        })
        .filter_map(|r| r.received)
        .max()
        .map(|t| t.date().to_string())
}
