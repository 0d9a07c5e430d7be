//! Loading what aggregation needs from the archive: for each unit and period
//! the newest submission, validated (rows with errors left out and counted);
//! then, as of a period, the roster snapshot of each unit (carried forward,
//! and flagged, when a unit did not submit) and the year's events, each
//! record keyed by (unit, ledger, record id) with the newest version winning.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;

use crate::archive::{Archive, Identity, Record as ArchiveRecord};
use crate::error::Error;
use crate::period::Period;
use crate::read::field::Value;
use crate::registry::Registry;
use crate::schema::{Ledger, Schema};
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

/// What aggregation keeps of each archived file it has validated, so that one
/// run validates a file once however many reports need it. Intake fills it as
/// it validates; loading fills in what is missing. Keyed by (content hash, unit).
#[derive(Default)]
pub struct Cache {
    extracts: Mutex<HashMap<(String, String), Arc<Extract>>>,
}

impl Cache {
    /// What aggregation needs of a file validated elsewhere (by intake).
    pub fn prepare(identity: &Identity, checked: &Checked, schema: &Schema) -> Option<Extract> {
        Some(Extract::new(identity.unit.as_ref()?, checked, schema))
    }

    /// Keep a prepared extract for the file of `record`.
    pub fn keep(&self, record: &ArchiveRecord, extract: Option<Extract>) {
        if let (Some(unit), Some(e)) = (&record.unit, extract) {
            self.lock()
                .insert((record.hash.clone(), unit.clone()), Arc::new(e));
        }
    }

    fn get(&self, record: &ArchiveRecord, unit: &str) -> Option<Arc<Extract>> {
        self.lock()
            .get(&(record.hash.clone(), unit.to_string()))
            .cloned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), Arc<Extract>>> {
        // A panic while holding the lock cannot leave a half-inserted entry.
        self.extracts.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The newest validated submission of each unit for each period.
pub struct Submissions {
    extracts: BTreeMap<(String, Period), Arc<Extract>>,
}

impl Submissions {
    /// The newest version of every unit's submission for `periods`: from the
    /// cache, or read and validated now, spread over all cores.
    pub fn load(
        archive: &Archive,
        registry: &Registry,
        schema: &Schema,
        periods: &BTreeSet<Period>,
        cache: &Cache,
        limits: &crate::limits::Limits,
    ) -> Result<Submissions, Error> {
        let wanted: Vec<(&str, Period, &ArchiveRecord)> = registry
            .units()
            .iter()
            .flat_map(|u| periods.iter().map(move |&p| (u.code.as_str(), p)))
            .filter_map(|(u, p)| archive.newest(u, p).map(|r| (u, p, r)))
            .collect();
        let extracts = wanted
            .par_iter()
            .map(|&(unit, p, record)| {
                let extract = match cache.get(record, unit) {
                    Some(e) => e,
                    None => {
                        let bytes = archive.bytes(record)?;
                        let c = validate::validate(
                            &bytes,
                            &record.original_name,
                            schema,
                            registry,
                            limits,
                        );
                        let e = Arc::new(Extract::new(unit, &c, schema));
                        cache
                            .lock()
                            .insert((record.hash.clone(), unit.to_string()), e.clone());
                        e
                    }
                };
                Ok(((unit.to_string(), p), extract))
            })
            .collect::<Result<BTreeMap<_, _>, Error>>()?;
        Ok(Submissions { extracts })
    }

    pub fn get(&self, unit: &str, period: Period) -> Option<&Extract> {
        self.extracts
            .get(&(unit.to_string(), period))
            .map(|e| e.as_ref())
    }
}

/// What aggregation needs of one validated submission: its valid rows, each
/// reduced to the fields reports use, and its quality counts.
#[derive(Debug, Clone, Default)]
pub struct Extract {
    pub errors: usize,
    pub warnings: usize,
    /// Rows left out for errors, by ledger name.
    pub excluded: Vec<(String, u64)>,
    /// How many of the schema's ledgers were in the workbook.
    pub ledgers_present: usize,
    /// The roster snapshot (age bands are set when a period end is known).
    pub roster: Vec<TalentRow>,
    pub events: Vec<Event>,
}

/// One dated record of an event ledger.
#[derive(Debug, Clone)]
pub struct Event {
    /// The ledger's key, and the record id as matched across versions.
    pub ledger: String,
    pub id: String,
    pub row: EventRow,
}

#[derive(Debug, Clone)]
pub enum EventRow {
    Case(CaseRow),
    Activity(ActivityRow),
    Achievement(AchievementRow),
}

impl EventRow {
    fn date(&self) -> i32 {
        match self {
            EventRow::Case(c) => c.registered,
            EventRow::Activity(a) => a.date,
            EventRow::Achievement(a) => a.date,
        }
    }
}

#[derive(Debug, Clone)]
pub struct TalentRow {
    pub unit: String,
    pub joined: i32,
    pub left: Option<i32>,
    pub birth: Option<NaiveDate>,
    /// Set as of a period's end.
    pub age_band: &'static str,
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
    pub fn build(period: Period, subs: &Submissions, registry: &Registry) -> AsOf {
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
        let year_start = day(year_periods[0].start());
        let end = day(period.end());
        for unit in registry.units() {
            let code = &unit.code;
            if let Some(e) = subs.get(code, period) {
                let q = out.quality.entry(code.clone()).or_default();
                q.has_errors = e.errors > 0;
                q.warnings = e.warnings as u64;
                q.rows_excluded = e.excluded.iter().cloned().collect();
            }
            // Roster: this period's snapshot, else the latest earlier one.
            let snapshot = std::iter::successors(Some(period), |p| Some(p.previous()))
                .take(8)
                .find_map(|p| subs.get(code, p).map(|e| (p, e)));
            if let Some((from, e)) = snapshot {
                if from != period {
                    out.carried_forward.insert(code.clone());
                }
                out.talents.extend(e.roster.iter().map(|t| TalentRow {
                    age_band: t.birth.map_or("未知", |b| age_band(b, period.end())),
                    ..t.clone()
                }));
            }
            // Events: the year's submissions up to this period, newest version wins.
            let mut latest: BTreeMap<(&str, &str), &EventRow> = BTreeMap::new();
            for p in &year_periods {
                let Some(e) = subs.get(code, *p) else {
                    continue;
                };
                for ev in &e.events {
                    latest.insert((&ev.ledger, &ev.id), &ev.row);
                }
            }
            for row in latest.into_values() {
                // Only the year's events up to the period's end.
                if (year_start..=end).contains(&row.date()) {
                    out.push(row);
                }
            }
        }
        out
    }

    fn push(&mut self, row: &EventRow) {
        match row {
            EventRow::Case(c) => self.cases.push(c.clone()),
            EventRow::Activity(a) => self.activities.push(a.clone()),
            EventRow::Achievement(a) => self.achievements.push(a.clone()),
        }
    }
}

impl Extract {
    /// Reduce a validated workbook of `unit` to what aggregation reads.
    pub fn new(unit: &str, c: &Checked, schema: &Schema) -> Extract {
        let mut out = Extract {
            errors: c.error_count(),
            warnings: c.warning_count(),
            ..Extract::default()
        };
        for (ledger, records) in schema.ledgers.iter().zip(&c.ledgers) {
            if records.excluded_rows > 0 {
                out.excluded
                    .push((ledger.name.clone(), records.excluded_rows as u64));
            }
            out.ledgers_present += usize::from(records.present);
            let roles = Roles { ledger };
            if ledger.kind == crate::schema::LedgerKind::Snapshot {
                out.roster
                    .extend(records.records.iter().filter_map(|r| roles.talent(unit, r)));
            } else {
                out.events
                    .extend(records.records.iter().filter_map(|r| roles.event(unit, r)));
            }
        }
        out
    }
}

impl Roles<'_> {
    fn talent(&self, unit: &str, r: &Record) -> Option<TalentRow> {
        let joined = self.date(r, "joined")?;
        let certified = self.ledger.role("qualification").is_some_and(|i| {
            self.ledger.fields[i]
                .certified_social_worker
                .contains(&self.text(r, "qualification"))
        });
        let qualification = self.text(r, "qualification");
        Some(TalentRow {
            unit: unit.to_string(),
            joined,
            left: self.date(r, "left"),
            birth: self.value(r, "birth").and_then(Value::as_date),
            age_band: "未知",
            sex: self.text(r, "sex"),
            kind: self.text(r, "kind"),
            education: self.text(r, "education"),
            politics: self.text(r, "politics"),
            certified,
            qualification: if qualification.is_empty() {
                "未填".into()
            } else {
                qualification
            },
            key: self.is(r, "key", "key"),
            deputy: self.text(r, "deputy"),
        })
    }

    fn event(&self, unit: &str, r: &Record) -> Option<Event> {
        let date = self.date(r, "date")?;
        let id = crate::text::match_key(&self.text(r, "id"));
        let row = match self.ledger.key.as_str() {
            "activities" => EventRow::Activity(ActivityRow {
                unit: unit.to_string(),
                date,
                name: self.text(r, "name"),
                kind: self.text(r, "type"),
                scope: self.text(r, "scope"),
                participants: self.number(r, "participants").unwrap_or(0.0) as i64,
                talents: self.number(r, "talents").unwrap_or(0.0) as i64,
                funds: self.number(r, "funds").unwrap_or(0.0),
                five_kind: self.in_targets(r, "type"),
                sector_wide: self.is(r, "scope", "sector_wide"),
            }),
            "achievements" => EventRow::Achievement(AchievementRow {
                unit: unit.to_string(),
                date,
                name: self.text(r, "name"),
                kind: self.text(r, "type"),
                level: self.text(r, "level"),
                research: self.in_targets(r, "type"),
            }),
            _ => EventRow::Case(CaseRow {
                unit: unit.to_string(),
                ledger: self.ledger.key.clone(),
                id: id.clone(),
                registered: date,
                closed: self.date(r, "closed"),
                status: self.text(r, "status"),
                category: self.text(r, "category"),
                description: self.text(r, "description"),
                escalated: self.is(r, "status", "escalated"),
                satisfied: self.is(r, "status", "satisfied"),
            }),
        };
        Some(Event {
            ledger: self.ledger.key.clone(),
            id,
            row,
        })
    }
}
