//! The submission status of a period (报送情况): for every unit of the
//! registry, grouped by station, whether and when it reported, whether on
//! time, and whether its newest version passed validation; who to chase.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::archive::{Archive, Record};
use crate::period::Period;
use crate::registry::{Level, Registry, Unit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    OnTime,
    Late,
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
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    pub units: usize,
    pub submitted: usize,
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
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
    pub totals: Totals,
}

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
            })
            .collect();
        StatusReport {
            period,
            deadline,
            centre: centre.map(|c| c.name.clone()).unwrap_or_default(),
            groups,
            chase,
            quarantine,
            totals,
        }
    }
}

fn count(t: &mut Totals, s: &UnitStatus) {
    t.units += 1;
    match s.timeliness {
        Timeliness::Missing => t.missing += 1,
        Timeliness::Late => t.late += 1,
        Timeliness::OnTime => t.on_time += 1,
        Timeliness::Unknown => {}
    }
    if s.submitted {
        t.submitted += 1;
    }
    if matches!(s.validation, Some(Validation::Returned(_))) {
        t.returned += 1;
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
    // A resubmission that corrects errors does not make a unit late: the first
    // version's time decides.
    let timeliness = match (versions.is_empty(), first) {
        (true, _) => Timeliness::Missing,
        (false, Some(t)) if t.date() <= deadline => Timeliness::OnTime,
        (false, Some(_)) => Timeliness::Late,
        (false, None) => Timeliness::Unknown,
    };
    let validation = newest.map(|r| match (r.errors, r.warnings) {
        (0, 0) => Validation::Passed,
        (0, w) => Validation::Warnings(w),
        (e, _) => Validation::Returned(e),
    });
    UnitStatus {
        code: u.code.clone(),
        name: u.name.clone(),
        level: registry.level_name(u.level).to_string(),
        submitted: !versions.is_empty(),
        versions: versions.len(),
        first_received: first,
        newest_received: newest.and_then(|r| r.received),
        timeliness,
        validation,
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
