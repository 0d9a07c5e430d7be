//! Building the status of a period from the archive's receptions.

use chrono::NaiveDate;

use super::model::{
    Chase, Group, Quarantined, StatusReport, Timeliness, Totals, Unattached, UnitStatus, Validation,
};
use crate::archive::{Archive, Record};
use crate::period::Period;
use crate::registry::{Level, Registry, Unit};

impl StatusReport {
    pub fn build(
        registry: &Registry,
        archive: &Archive,
        period: Period,
        deadline_days: u32,
    ) -> StatusReport {
        let deadline = period.deadline(deadline_days);
        let mut groups = Vec::new();
        let mut chase = Vec::new();
        let mut totals = Totals::default();
        let centre = registry.centre();
        if let Some(c) = centre {
            let mut own = vec![c];
            let stations: Vec<&Unit> = registry.children(&c.code).collect();
            let mut all: Vec<(String, Vec<&Unit>)> =
                vec![(c.name.clone(), std::mem::take(&mut own))];
            for s in stations {
                let mut members = vec![s];
                members.extend(registry.children(&s.code));
                all.push((s.name.clone(), members));
            }
            for (name, members) in all {
                let units = members
                    .into_iter()
                    .map(|u| {
                        let status = unit_status(registry, archive, u, period, deadline);
                        count(&mut totals, &status);
                        if !status.submitted {
                            chase.push(Chase {
                                name: u.name.clone(),
                                station: name.clone(),
                                returned: status.is_returned(),
                                head: u.head.clone(),
                                phone: u.phone.clone(),
                            });
                        }
                        status
                    })
                    .collect();
                groups.push(Group { name, units });
            }
        }
        let quarantine = archive
            .quarantine()
            .filter(|r| r.period.is_none_or(|p| p == period))
            .map(|r| Quarantined {
                name: r.original_name.clone(),
                sender: r.sender.clone(),
                received: r.received,
                source: r.source.clone(),
                workbook: r.workbook,
                reason: r.reason.clone(),
            })
            .collect();
        StatusReport {
            period,
            deadline,
            centre: centre.map(|c| c.name.clone()).unwrap_or_default(),
            groups,
            chase,
            quarantine,
            unattached: unattached(archive, period, deadline_days),
            totals,
        }
    }
}

/// The messages with nothing attached that arrived in `period`'s reporting
/// window: after the previous period's deadline, up to this one's. An
/// undated one has no window (intake named it when it came).
fn unattached(archive: &Archive, period: Period, deadline_days: u32) -> Vec<Unattached> {
    let from = period.previous().deadline(deadline_days);
    let to = period.deadline(deadline_days);
    let mut out: Vec<Unattached> = archive
        .kept_messages()
        .iter()
        .filter(|m| m.files == 0)
        .filter_map(|m| {
            let date = chrono::DateTime::parse_from_rfc3339(m.email_date.as_deref()?).ok()?;
            let received = crate::period::china_time(date);
            (received.date() > from && received.date() <= to).then(|| Unattached {
                sender: m.sender.clone(),
                received,
                subject: m.subject.clone(),
                source: m.source.clone(),
            })
        })
        .collect();
    out.sort_by(|a, b| (a.received, &a.source).cmp(&(b.received, &b.source)));
    out
}

/// Whether `unit` has 已报 `period`: its newest version has no errors.
pub fn accepted(archive: &Archive, unit: &str, period: Period) -> bool {
    archive.newest(unit, period).is_some_and(|r| r.errors == 0)
}

fn count(t: &mut Totals, s: &UnitStatus) {
    t.units += 1;
    if !s.submitted {
        if s.is_returned() {
            t.returned += 1;
        } else {
            t.missing += 1;
        }
        return;
    }
    t.submitted += 1;
    match s.timeliness {
        Timeliness::Late => t.late += 1,
        Timeliness::OnTime => t.on_time += 1,
        _ => {}
    }
}

fn unit_status(
    registry: &Registry,
    archive: &Archive,
    u: &Unit,
    period: Period,
    deadline: NaiveDate,
) -> UnitStatus {
    let versions: Vec<&Record> = archive.versions(&u.code, period);
    let first = versions.iter().filter_map(|r| r.received).min();
    let newest = archive.newest(&u.code, period);
    let validation = newest.map(|r| match (r.errors, r.warnings) {
        (0, 0) => Validation::Passed,
        (0, w) => Validation::Warnings(w),
        (e, _) => Validation::Returned(e),
    });
    UnitStatus {
        code: u.code.clone(),
        name: u.name.clone(),
        level: registry.level_name(u.level).to_string(),
        submitted: accepted(archive, &u.code, period),
        versions: versions.len(),
        first_received: first,
        newest_received: newest.and_then(|r| r.received),
        timeliness: timeliness(&versions, deadline),
        validation,
    }
}

/// 按时 is a submission without errors received by the deadline: the first
/// version without errors decides. A unit whose every version so far had
/// errors is 退回未改, however early it first wrote.
fn timeliness(versions: &[&Record], deadline: NaiveDate) -> Timeliness {
    if versions.is_empty() {
        return Timeliness::Missing;
    }
    let clean = versions.iter().filter(|r| r.errors == 0);
    if clean.clone().next().is_none() {
        return Timeliness::Returned;
    }
    match clean.filter_map(|r| r.received).min() {
        Some(t) if t.date() <= deadline => Timeliness::OnTime,
        Some(_) => Timeliness::Late,
        None => Timeliness::Unknown,
    }
}

impl Level {
    /// Indentation for tree listings.
    pub fn indent(self) -> &'static str {
        match self {
            Level::Centre => "",
            Level::Station => "  ",
            Level::Workroom => "    ",
        }
    }
}
