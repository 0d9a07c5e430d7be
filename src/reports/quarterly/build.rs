//! Assembling the report model of every unit for a period: the quarter and
//! year-to-date figures (rolled up), the previous quarter and the same quarter
//! last year, annual targets, the 六有 checks, reporting and data quality.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use polars::prelude::DataFrame;

use crate::aggregate::frames::{membership, Frames};
use crate::reports::six_haves;
use rayon::prelude::*;

use super::model::{QuarterlyReport, Reporting};
use crate::aggregate::inputs::{load, Inputs};
use crate::aggregate::load::{
    by_unit, AchievementRow, ActivityRow, AsOf, CaseRow, Rows, Submissions,
};
use crate::error::Error;
use crate::figures::{EventItem, Figures, OpenItem, Quality, Shared, SharedFigures, Target};
use crate::period::Period;
use crate::period::{date_of, day};
use crate::registry::{Registry, Unit};
use crate::reports::status::{StatusReport, Timeliness, UnitStatus};
use crate::targets::Targets;

/// Figures of every scope for one as-of point, each shared by the reports
/// that show it.
struct Computed {
    quarter: BTreeMap<String, SharedFigures>,
    year_to_date: BTreeMap<String, SharedFigures>,
    /// From the first day of the point's half-year (the year to date in
    /// the first half).
    half_to_date: BTreeMap<String, SharedFigures>,
    /// Each unit's own year to date: counted for the units with units below
    /// them; a unit without any has its year to date as its own.
    own_ytd: BTreeMap<String, SharedFigures>,
}

fn shared(figures: BTreeMap<String, Figures>) -> BTreeMap<String, SharedFigures> {
    figures.into_iter().map(|(k, f)| (k, f.into())).collect()
}

fn compute(
    asof: &AsOf,
    rolled: &DataFrame,
    own: &DataFrame,
    parents: &BTreeSet<&str>,
) -> Result<Computed, Error> {
    let frames = Frames::new(asof)?;
    let p = asof.period;
    let year_start = day(Period {
        year: p.year,
        quarter: 1,
    }
    .start());
    let (start, end) = (day(p.start()), day(p.end()));
    let rolled = frames.scoped(rolled);
    let year_to_date = shared(rolled.figures(year_start, end)?);
    let half_to_date = if p.quarter > 2 {
        shared(rolled.figures(day(p.half_start()), end)?)
    } else {
        year_to_date.clone()
    };
    let mut own_ytd = shared(frames.figures(own, year_start, end)?);
    for (unit, f) in &year_to_date {
        if !parents.contains(unit.as_str()) {
            own_ytd.insert(unit.clone(), f.clone());
        }
    }
    Ok(Computed {
        quarter: shared(rolled.figures(start, end)?),
        year_to_date,
        half_to_date,
        own_ytd,
    })
}

/// The report model of every unit of the registry for `period`.
pub fn build(inputs: &Inputs<'_>, period: Period) -> Result<Vec<QuarterlyReport>, Error> {
    let mut all = build_all(inputs, &[period])?;
    Ok(all.pop().unwrap_or_default())
}

/// What is known as of one period's end, and its figures.
struct Point {
    asof: AsOf,
    computed: Computed,
}

/// The report models of several periods. Each submission is validated once,
/// and each as-of point (a period is also the previous quarter of the next,
/// and last year's quarter of the next year's) computed once.
pub fn build_all(
    inputs: &Inputs<'_>,
    periods: &[Period],
) -> Result<Vec<Vec<QuarterlyReport>>, Error> {
    let (subs, records) = load(inputs, periods)?;
    let rolled = membership(inputs.registry, true)?;
    let parents = parents(inputs.registry);
    let own = own_of(&parents)?;
    let archived: BTreeSet<Period> = inputs.archive.periods().into_iter().collect();
    let wanted: BTreeSet<Period> = periods
        .iter()
        .flat_map(|&p| [p, p.previous(), same_quarter_last_year(p)])
        .filter(|p| periods.contains(p) || archived.contains(p))
        .collect();
    let points: BTreeMap<Period, Point> = wanted
        .into_par_iter()
        .map(|p| {
            let mut asof = AsOf::build(p, &subs, &records, inputs.registry)?;
            let computed = compute(&asof, &rolled, &own, &parents)?;
            // The roster is all in the figures now; the reports list events only.
            asof.talents = DataFrame::empty();
            Ok((p, Point { asof, computed }))
        })
        .collect::<Result<_, Error>>()?;
    // Every point has picked its rows: the extracts' columns are not read again.
    drop(records);
    periods
        .par_iter()
        .map(|p| build_with(inputs, &subs, &points, *p))
        .collect()
}

/// The units with units below them.
fn parents(registry: &Registry) -> BTreeSet<&str> {
    registry
        .units()
        .iter()
        .filter_map(|u| u.parent.as_deref())
        .filter(|p| registry.unit(p).is_some())
        .collect()
}

/// Unit → itself for `units` (the units with units below them: the
/// others' own figures are their rolled ones).
fn own_of(units: &BTreeSet<&str>) -> Result<DataFrame, Error> {
    let units: Vec<&str> = units.iter().copied().collect();
    Ok(polars::df!("unit" => &units, "scope" => &units)?)
}

fn same_quarter_last_year(p: Period) -> Period {
    Period {
        year: p.year - 1,
        quarter: p.quarter,
    }
}

/// One period's rows grouped by unit, so that each unit's report reads only
/// the units in its scope.
struct ByUnit<'a> {
    activities: HashMap<&'a str, Vec<&'a ActivityRow>>,
    achievements: HashMap<&'a str, Vec<&'a AchievementRow>>,
    /// Each unit's own open problems and needs.
    open: HashMap<&'a str, Vec<Shared<OpenItem>>>,
    /// Position of each unit in the status sheet's order.
    status: HashMap<&'a str, (usize, &'a UnitStatus)>,
}

impl<'a> ByUnit<'a> {
    fn new(
        rows: &'a Rows,
        status: &'a StatusReport,
        registry: &Registry,
        period: Period,
    ) -> ByUnit<'a> {
        ByUnit {
            activities: by_unit(&rows.activities, |a| &a.unit),
            achievements: by_unit(&rows.achievements, |a| &a.unit),
            open: open_by_unit(&by_unit(&rows.cases, |c| &c.unit), registry, period),
            status: status
                .groups
                .iter()
                .flat_map(|g| &g.units)
                .enumerate()
                .map(|(i, u)| (u.code.as_str(), (i, u)))
                .collect(),
        }
    }
}

fn build_with(
    inputs: &Inputs<'_>,
    subs: &Submissions,
    points: &BTreeMap<Period, Point>,
    period: Period,
) -> Result<Vec<QuarterlyReport>, Error> {
    let registry = inputs.registry;
    let point = |p: Period| points.get(&p);
    let Some(Point {
        asof: now,
        computed: current,
    }) = point(period)
    else {
        return Err(Error::NotComputed(period));
    };
    let before = point(period.previous()).map(|p| &p.computed);
    let year_ago = point(same_quarter_last_year(period)).map(|p| &p.computed);
    let status = StatusReport::build(registry, inputs.archive, period, inputs.deadline_days);
    let rows = now.rows()?;
    let by_unit = ByUnit::new(&rows, &status, registry, period);
    let mut reports = Vec::new();
    for unit in registry.tree_order() {
        let get =
            |m: &BTreeMap<String, SharedFigures>| m.get(&unit.code).cloned().unwrap_or_default();
        let own = get(&current.own_ytd);
        let scope = scope_units(registry, unit);
        let activities = by_unit.activities.get(unit.code.as_str());
        let achievements = by_unit.achievements.get(unit.code.as_str());
        reports.push(QuarterlyReport {
            unit: unit.code.clone(),
            name: unit.name.clone(),
            level: registry.level_name(unit.level).to_string(),
            level_kind: unit.level,
            period,
            quarter: get(&current.quarter),
            year_to_date: get(&current.year_to_date),
            half_to_date: get(&current.half_to_date),
            own_year_to_date: own.clone(),
            previous_quarter: before.map(|c| get(&c.quarter)),
            previous_year: year_ago.map(|c| get(&c.quarter)),
            targets: targets(inputs.targets, unit, &own),
            six_haves: six_haves::checks(&six_haves::Facts {
                registry,
                unit,
                targets: inputs.targets,
                ledgers_sent: subs
                    .get(&unit.code, period)
                    .map_or(0, |v| v.ledgers_present),
                ledgers_kept: inputs.schema.ledgers.len(),
            })?,
            reporting: reporting(&by_unit, &scope, now),
            quality: quality(now, &scope),
            open_items: open_items(&by_unit, &scope),
            own_activities: activities
                .into_iter()
                .flatten()
                .map(|a| EventItem {
                    date: date_of(a.date).to_string(),
                    name: a.name.clone(),
                    kind: a.kind.clone(),
                    detail: a.scope.clone(),
                    people: Some(a.participants),
                })
                .collect(),
            own_achievements: achievements
                .into_iter()
                .flatten()
                .map(|a| EventItem {
                    date: date_of(a.date).to_string(),
                    name: a.name.clone(),
                    kind: a.kind.clone(),
                    detail: a.level.clone(),
                    people: None,
                })
                .collect(),
            figures_complete: scope
                .iter()
                .filter_map(|u| now.received.get(u))
                .max()
                .copied(),
        });
    }
    Ok(reports)
}

/// The unit and everything below it.
pub fn scope_units(registry: &Registry, unit: &Unit) -> BTreeSet<String> {
    let mut out = BTreeSet::from([unit.code.clone()]);
    let mut frontier = vec![unit.code.clone()];
    while let Some(code) = frontier.pop() {
        for child in registry.children(&code) {
            out.insert(child.code.clone());
            frontier.push(child.code.clone());
        }
    }
    out
}

/// The unit's annual targets (`templates/targets.toml` or `[targets]`),
/// counted in its own year-to-date figures.
pub fn targets(targets: &Targets, unit: &Unit, own_ytd: &Figures) -> Vec<Target> {
    targets
        .for_level(unit.level)
        .iter()
        .map(|rule| {
            let actual = rule.measure.of(own_ytd);
            Target {
                name: rule.name.clone(),
                unit: rule.unit.clone(),
                target: rule.target,
                actual,
                met: actual >= rule.target,
            }
        })
        .collect()
}

fn reporting(by_unit: &ByUnit<'_>, scope: &BTreeSet<String>, now: &AsOf) -> Reporting {
    let mut r = Reporting::default();
    let mut in_scope: Vec<&(usize, &UnitStatus)> = scope
        .iter()
        .filter_map(|code| by_unit.status.get(code.as_str()))
        .collect();
    in_scope.sort_by_key(|(i, _)| *i);
    for &&(_, u) in &in_scope {
        r.due += 1;
        if u.submitted {
            r.submitted += 1;
            match u.timeliness {
                Timeliness::OnTime => r.on_time += 1,
                Timeliness::Late => r.late += 1,
                _ => {}
            }
        } else if u.is_returned() {
            r.returned.push(u.name.clone());
        } else {
            r.missing.push(u.name.clone());
        }
        if now.carried_forward.contains(&u.code) {
            r.carried_forward.push(u.name.clone());
        }
        r.units.push(u.clone());
    }
    r
}

fn quality(now: &AsOf, scope: &BTreeSet<String>) -> Quality {
    let mut q = Quality::default();
    for uq in scope.iter().filter_map(|u| now.quality.get(u)) {
        for (ledger, n) in &uq.rows_excluded {
            *q.rows_excluded.entry(ledger.clone()).or_default() += n;
        }
        q.files_with_errors += u64::from(uq.has_errors);
        q.warnings += uq.warnings;
    }
    q
}

/// Problems and needs open at the period's end, longest open first.
fn open_items(by_unit: &ByUnit<'_>, scope: &BTreeSet<String>) -> Vec<Shared<OpenItem>> {
    let mut items: Vec<Shared<OpenItem>> = scope
        .iter()
        .filter_map(|u| by_unit.open.get(u.as_str()))
        .flatten()
        .cloned()
        .collect();
    items.sort_by(|a, b| {
        b.days_open
            .cmp(&a.days_open)
            .then_with(|| a.unit.cmp(&b.unit))
            .then_with(|| a.id.cmp(&b.id))
    });
    items
}

/// Each unit's own problems and needs open at `period`'s end, made once
/// and listed by every scope the unit is in.
fn open_by_unit<'a>(
    cases: &HashMap<&'a str, Vec<&'a CaseRow>>,
    registry: &Registry,
    period: Period,
) -> HashMap<&'a str, Vec<Shared<OpenItem>>> {
    let end = day(period.end());
    cases
        .iter()
        .map(|(&unit, rows)| {
            let name = registry.unit(unit).map(|u| u.name.as_str()).unwrap_or("");
            let open = rows
                .iter()
                .filter(|c| c.registered <= end && c.closed.is_none_or(|d| d > end))
                .map(|c| {
                    Shared::from(OpenItem {
                        unit: name.to_string(),
                        ledger: c.ledger,
                        id: c.id.clone(),
                        registered: date_of(c.registered).to_string(),
                        category: c.category.clone(),
                        description: c.description.clone(),
                        status: c.status.clone(),
                        days_open: i64::from(end - c.registered),
                    })
                })
                .collect();
            (unit, open)
        })
        .collect()
}
