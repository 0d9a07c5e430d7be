//! The annual model, and the half-year one: the quarterly reports of a span
//! (a year, or one of its halves) folded into one per unit. The span's total
//! is a window the quarterly models already count (the year to date, or the
//! half to date, at the span's last quarter).

use std::collections::{BTreeMap, HashMap};

use super::model::{SummaryReport, YearReporting};
use crate::aggregate::inputs::Inputs;
use crate::error::Error;
use crate::figures::{Quality, SharedFigures};
use crate::period::{Period, Span};
use crate::reports::quarterly::build_all;
use crate::reports::quarterly::QuarterlyReport;
use crate::reports::status::Timeliness;

/// The annual reports of every unit for `year`, or none if the archive has
/// nothing for that year.
pub fn build(inputs: &Inputs<'_>, year: i32) -> Result<Vec<SummaryReport>, Error> {
    build_span(inputs, Span::year(year))
}

/// The summaries of every unit for a year or half-year, or none if the
/// archive has nothing for it.
pub fn build_span(inputs: &Inputs<'_>, span: Span) -> Result<Vec<SummaryReport>, Error> {
    let wanted = periods_for(&inputs.archive.periods(), span);
    let built = build_all(inputs, &wanted)?;
    Ok(fold(span, &wanted.iter().copied().zip(built).collect()))
}

/// The periods a summary of `span` reads: its quarters and, for comparison,
/// the same quarter last year.
pub fn periods_for(archived: &[Period], span: Span) -> Vec<Period> {
    let mut wanted: Vec<Period> = archived
        .iter()
        .copied()
        .filter(|p| span.contains(*p))
        .collect();
    if let Some(&as_of) = wanted.last() {
        let last_year = same_quarter_last_year(as_of);
        if archived.contains(&last_year) {
            wanted.push(last_year);
        }
    }
    wanted
}

/// What a year's summaries are: its halves that have both quarters in the
/// archive and the year itself, and the periods they read between them.
pub fn summaries_of(archived: &[Period], year: i32) -> (Vec<Span>, Vec<Period>) {
    let mut spans = complete_halves(archived, year);
    spans.push(Span::year(year));
    let periods: std::collections::BTreeSet<Period> = spans
        .iter()
        .flat_map(|s| periods_for(archived, *s))
        .collect();
    (spans, periods.into_iter().collect())
}

/// The halves of `year` whose both quarters are in the archive.
pub fn complete_halves(archived: &[Period], year: i32) -> Vec<Span> {
    (1..=2)
        .filter_map(|h| Span::half(year, h))
        .filter(|s| s.quarters().iter().all(|q| archived.contains(q)))
        .collect()
}

fn same_quarter_last_year(p: Period) -> Period {
    Period {
        year: p.year - 1,
        quarter: p.quarter,
    }
}

/// The span's total in a quarterly model of its last quarter.
fn total_of(span: Span, r: &QuarterlyReport) -> SharedFigures {
    match span.half {
        Some(_) => r.half_to_date.clone(),
        None => r.year_to_date.clone(),
    }
}

/// Fold quarterly report models (at least those of [`periods_for`]) into
/// the summaries of `span`.
pub fn fold(span: Span, by_period: &BTreeMap<Period, Vec<QuarterlyReport>>) -> Vec<SummaryReport> {
    let quarters: Vec<Period> = by_period
        .keys()
        .copied()
        .filter(|p| span.contains(*p))
        .collect();
    let Some(&as_of) = quarters.last() else {
        return Vec::new();
    };
    let last_year = same_quarter_last_year(as_of);
    let since = span.start().to_string();
    // Each period's reports by unit: a scan per unit and quarter grew with
    // the square of the registry.
    let by_unit: BTreeMap<Period, HashMap<&str, &QuarterlyReport>> = by_period
        .iter()
        .map(|(p, rs)| (*p, rs.iter().map(|r| (r.unit.as_str(), r)).collect()))
        .collect();
    let find = |p: Period, unit: &str| by_unit.get(&p).and_then(|rs| rs.get(unit).copied());
    let mut out = Vec::new();
    for current in by_period[&as_of].iter() {
        let mut reporting = YearReporting::default();
        let mut quality = Quality::default();
        let mut per_quarter = Vec::new();
        let mut own_on_time = 0;
        let mut own_quarters = Vec::new();
        for &q in &quarters {
            let Some(r) = find(q, &current.unit) else {
                continue;
            };
            per_quarter.push((q, r.quarter.clone()));
            let rep = &r.reporting;
            reporting.due += rep.due;
            reporting.submitted += rep.submitted;
            reporting.on_time += rep.on_time;
            reporting.late += rep.late;
            reporting.missing += rep.missing.len() as u64;
            reporting.returned += rep.returned.len() as u64;
            for u in &rep.units {
                if u.code == current.unit {
                    own_on_time += u64::from(u.timeliness == Timeliness::OnTime);
                    own_quarters.push((q, u.clone()));
                }
                if matches!(
                    u.timeliness,
                    Timeliness::Missing | Timeliness::Late | Timeliness::Returned
                ) {
                    reporting
                        .irregular
                        .push(format!("{}（{}）", u.name, q.chinese()));
                }
            }
            quality.files_with_errors += r.quality.files_with_errors;
            quality.warnings += r.quality.warnings;
            for (ledger, n) in &r.quality.rows_excluded {
                *quality.rows_excluded.entry(ledger.clone()).or_default() += n;
            }
        }
        out.push(SummaryReport {
            unit: current.unit.clone(),
            name: current.name.clone(),
            level: current.level.clone(),
            level_kind: current.level_kind,
            year: span.year,
            half: span.half,
            as_of,
            total: total_of(span, current),
            previous_year: find(last_year, &current.unit).map(|r| total_of(span, r)),
            quarters: per_quarter,
            targets: current.targets.clone(),
            reporting,
            quality,
            six_haves: current.six_haves.clone(),
            own_on_time_quarters: own_on_time,
            own_five_kinds: current.own_year_to_date.activities.five_kinds,
            own_research_reports: current.own_year_to_date.achievements.research_reports,
            own_activity_types: current
                .own_year_to_date
                .activities
                .by_type
                .keys()
                .map(str::to_string)
                .collect(),
            own_quarters,
            own_activities: sorted(&current.own_activities, &since),
            own_achievements: sorted(&current.own_achievements, &since),
            figures_complete: current.figures_complete,
        });
    }
    out
}

/// The events dated from `since` (an ISO date) on, by date and name.
fn sorted(items: &[crate::figures::EventItem], since: &str) -> Vec<crate::figures::EventItem> {
    let mut v: Vec<_> = items
        .iter()
        .filter(|e| e.date.as_str() >= since)
        .cloned()
        .collect();
    v.sort_by(|a, b| (&a.date, &a.name).cmp(&(&b.date, &b.name)));
    v
}
