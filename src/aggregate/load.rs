//! Loading what aggregation needs from the archive: for each unit and period
//! the newest submission, validated (rows with errors left out and counted);
//! then, as of a period, the roster snapshot of each unit (carried forward,
//! and flagged, when a unit did not submit) and the year's events, each
//! record keyed by (unit, ledger, record id) with the newest version winning.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};

use crate::archive::Archive;
use crate::error::Error;
use crate::period::Period;
use crate::registry::Registry;
use crate::schema::{Ledger, Schema};
use crate::validate::field::Value;
use crate::validate::{self, Checked, Record};

/// Days since 1970-01-01: how dates travel through the frames.
pub fn day(d: NaiveDate) -> i32 {
    (d - epoch()).num_days() as i32
}

/// The date of a day number.
pub fn date_of(day: i32) -> NaiveDate {
    epoch() + chrono::Duration::days(i64::from(day))
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid epoch")
}

/// The newest validated submission of each unit for each period.
pub struct Submissions {
    checked: BTreeMap<(String, Period), Checked>,
}

impl Submissions {
    /// Validate the newest version of every unit's submission for `periods`.
    pub fn load(
        archive: &Archive,
        registry: &Registry,
        schema: &Schema,
        periods: &BTreeSet<Period>,
    ) -> Result<Submissions, Error> {
        let mut checked = BTreeMap::new();
        for unit in registry.units() {
            for &p in periods {
                if let Some(record) = archive.newest(&unit.code, p) {
                    let bytes = archive.bytes(record)?;
                    let c = validate::validate(&bytes, &record.original_name, schema, registry);
                    checked.insert((unit.code.clone(), p), c);
                }
            }
        }
        Ok(Submissions { checked })
    }

    pub fn get(&self, unit: &str, period: Period) -> Option<&Checked> {
        self.checked.get(&(unit.to_string(), period))
    }
}

#[derive(Debug, Clone)]
pub struct TalentRow {
    pub unit: String,
    pub joined: i32,
    pub left: Option<i32>,
    pub age_band: String,
    pub sex: String,
    pub kind: String,
    pub education: String,
    pub politics: String,
    pub qualification: String,
    pub certified: bool,
    pub key: bool,
    pub deputy: String,
}

#[derive(Debug, Clone)]
pub struct CaseRow {
    pub unit: String,
    pub ledger: String,
    pub id: String,
    pub registered: i32,
    pub closed: Option<i32>,
    pub status: String,
    pub category: String,
    pub description: String,
    pub escalated: bool,
    pub satisfied: bool,
}

#[derive(Debug, Clone)]
pub struct ActivityRow {
    pub unit: String,
    pub date: i32,
    pub name: String,
    pub kind: String,
    pub scope: String,
    pub participants: i64,
    pub talents: i64,
    pub funds: f64,
    pub five_kind: bool,
    pub sector_wide: bool,
}

#[derive(Debug, Clone)]
pub struct AchievementRow {
    pub unit: String,
    pub date: i32,
    pub name: String,
    pub kind: String,
    pub level: String,
    pub research: bool,
}

/// Everything known as of the end of one period.
#[derive(Debug, Clone)]
pub struct AsOf {
    pub period: Period,
    pub talents: Vec<TalentRow>,
    pub cases: Vec<CaseRow>,
    pub activities: Vec<ActivityRow>,
    pub achievements: Vec<AchievementRow>,
    /// Units whose roster came from an earlier period's submission.
    pub carried_forward: BTreeSet<String>,
    /// Per unit: rows excluded for errors (by ledger name), and whether the
    /// period's newest submission still has errors, and its warning count.
    pub quality: BTreeMap<String, UnitQuality>,
}

#[derive(Debug, Clone, Default)]
pub struct UnitQuality {
    pub rows_excluded: BTreeMap<String, u64>,
    pub has_errors: bool,
    pub warnings: u64,
}

/// A view of one ledger's records by role.
struct Roles<'a> {
    ledger: &'a Ledger,
}

impl<'a> Roles<'a> {
    fn value<'r>(&self, r: &'r Record, role: &str) -> Option<&'r Value> {
        r.values.get(self.ledger.role(role)?)?.as_ref()
    }
    fn text(&self, r: &Record, role: &str) -> String {
        self.value(r, role).map(Value::display).unwrap_or_default()
    }
    fn date(&self, r: &Record, role: &str) -> Option<i32> {
        self.value(r, role).and_then(Value::as_date).map(day)
    }
    fn number(&self, r: &Record, role: &str) -> Option<f64> {
        self.value(r, role).and_then(Value::as_f64)
    }
    fn is(&self, r: &Record, role: &str, marker: &str) -> bool {
        self.ledger
            .marker(marker)
            .is_some_and(|m| self.text(r, role) == m)
    }
    fn in_targets(&self, r: &Record, role: &str) -> bool {
        let Some(i) = self.ledger.role(role) else {
            return false;
        };
        let v = self.text(r, role);
        self.ledger.fields[i].target_values.contains(&v)
    }
}

/// Age band at `end` (≤35, 36–45, 46–55, ≥56).
pub fn age_band(birth: NaiveDate, end: NaiveDate) -> &'static str {
    let mut age = end.year() - birth.year();
    if (end.month(), end.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    match age {
        ..=35 => "35岁及以下",
        36..=45 => "36–45岁",
        46..=55 => "46–55岁",
        _ => "56岁及以上",
    }
}

impl AsOf {
    /// Build what is known as of `period`'s end from the submissions.
    pub fn build(period: Period, subs: &Submissions, registry: &Registry, schema: &Schema) -> AsOf {
        let mut out = AsOf {
            period,
            talents: Vec::new(),
            cases: Vec::new(),
            activities: Vec::new(),
            achievements: Vec::new(),
            carried_forward: BTreeSet::new(),
            quality: BTreeMap::new(),
        };
        let year_periods: Vec<Period> = (1..=period.quarter)
            .map(|q| Period {
                year: period.year,
                quarter: q,
            })
            .collect();
        for unit in registry.units() {
            let code = &unit.code;
            if let Some(c) = subs.get(code, period) {
                let q = out.quality.entry(code.clone()).or_default();
                q.has_errors = c.error_count() > 0;
                q.warnings = c.warning_count() as u64;
                for (l, ledger) in schema.ledgers.iter().zip(&c.ledgers) {
                    if ledger.excluded_rows > 0 {
                        q.rows_excluded
                            .insert(l.name.clone(), ledger.excluded_rows as u64);
                    }
                }
            }
            // Roster: this period's snapshot, else the latest earlier one.
            let snapshot = std::iter::successors(Some(period), |p| Some(p.previous()))
                .take(8)
                .find_map(|p| subs.get(code, p).map(|c| (p, c)));
            if let Some((from, c)) = snapshot {
                if from != period {
                    out.carried_forward.insert(code.clone());
                }
                out.add_roster(code, c, schema, period.end());
            }
            // Events: the year's submissions up to this period, newest version wins.
            let mut latest: BTreeMap<(String, String), (usize, Record)> = BTreeMap::new();
            for p in &year_periods {
                let Some(c) = subs.get(code, *p) else {
                    continue;
                };
                for (i, (ledger, records)) in schema.ledgers.iter().zip(&c.ledgers).enumerate() {
                    if ledger.kind == crate::schema::LedgerKind::Snapshot {
                        continue;
                    }
                    let roles = Roles { ledger };
                    for r in &records.records {
                        let id = crate::text::match_key(&roles.text(r, "id"));
                        latest.insert((ledger.key.clone(), id), (i, r.clone()));
                    }
                }
            }
            for ((_, id), (i, r)) in latest {
                out.add_event(code, &schema.ledgers[i], id, &r, period);
            }
        }
        out
    }

    fn add_roster(&mut self, unit: &str, c: &Checked, schema: &Schema, end: NaiveDate) {
        let Some((ledger, records)) = schema
            .ledgers
            .iter()
            .zip(&c.ledgers)
            .find(|(l, _)| l.kind == crate::schema::LedgerKind::Snapshot)
        else {
            return;
        };
        let roles = Roles { ledger };
        let certified = ledger
            .role("qualification")
            .map(|i| ledger.fields[i].certified_social_worker.clone())
            .unwrap_or_default();
        for r in &records.records {
            let Some(joined) = roles.date(r, "joined") else {
                continue;
            };
            let birth = roles.value(r, "birth").and_then(Value::as_date);
            let qualification = roles.text(r, "qualification");
            self.talents.push(TalentRow {
                unit: unit.to_string(),
                joined,
                left: roles.date(r, "left"),
                age_band: birth
                    .map(|b| age_band(b, end))
                    .unwrap_or("未知")
                    .to_string(),
                sex: roles.text(r, "sex"),
                kind: roles.text(r, "kind"),
                education: roles.text(r, "education"),
                politics: roles.text(r, "politics"),
                certified: certified.contains(&qualification),
                qualification: if qualification.is_empty() {
                    "未填".into()
                } else {
                    qualification
                },
                key: roles.is(r, "key", "key"),
                deputy: roles.text(r, "deputy"),
            });
        }
    }

    fn add_event(&mut self, unit: &str, ledger: &Ledger, id: String, r: &Record, period: Period) {
        let roles = Roles { ledger };
        let Some(date) = roles.date(r, "date") else {
            return;
        };
        // Only the year's events up to the period's end.
        let year_start = day(Period {
            year: period.year,
            quarter: 1,
        }
        .start());
        if date < year_start || date > day(period.end()) {
            return;
        }
        match ledger.key.as_str() {
            "activities" => self.activities.push(ActivityRow {
                unit: unit.to_string(),
                date,
                name: roles.text(r, "name"),
                kind: roles.text(r, "type"),
                scope: roles.text(r, "scope"),
                participants: roles.number(r, "participants").unwrap_or(0.0) as i64,
                talents: roles.number(r, "talents").unwrap_or(0.0) as i64,
                funds: roles.number(r, "funds").unwrap_or(0.0),
                five_kind: roles.in_targets(r, "type"),
                sector_wide: roles.is(r, "scope", "sector_wide"),
            }),
            "achievements" => self.achievements.push(AchievementRow {
                unit: unit.to_string(),
                date,
                name: roles.text(r, "name"),
                kind: roles.text(r, "type"),
                level: roles.text(r, "level"),
                research: roles.in_targets(r, "type"),
            }),
            _ => self.cases.push(CaseRow {
                unit: unit.to_string(),
                ledger: ledger.key.clone(),
                id,
                registered: date,
                closed: roles.date(r, "closed"),
                status: roles.text(r, "status"),
                category: roles.text(r, "category"),
                description: roles.text(r, "description"),
                escalated: roles.is(r, "status", "escalated"),
                satisfied: roles.is(r, "status", "satisfied"),
            }),
        }
    }
}
