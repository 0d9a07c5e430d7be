//! Loading what aggregation needs from the archive: for each unit and period
//! the newest submission, validated (rows with errors left out and counted);
//! then, as of a period, the roster snapshot of each unit (carried forward,
//! and flagged, when a unit did not submit) and the year's events, each
//! record keyed by (unit, ledger, record id) with the newest version winning.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::aggregate::bands::bands;
use crate::archive::{Archive, Identity, Record as ArchiveRecord};
use crate::error::Error;
use crate::period::Period;
use crate::read::field::Value;
use crate::registry::Registry;
use crate::schema::{
    AchievementRoles, ActivityRoles, CaseRoles, Field, Ledger, LedgerKey, RosterRoles, Schema,
};
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
    pub ledger: LedgerKey,
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
    /// A party member (the schema's `party` politics values).
    pub party: bool,
    pub key: bool,
    pub deputy: String,
}

#[derive(Debug, Clone)]
pub struct CaseRow {
    pub unit: String,
    pub ledger: LedgerKey,
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
                    age_band: match t.birth {
                        Some(b) => bands().age_band(b, period.end()),
                        None => &bands().age_unknown,
                    },
                    ..t.clone()
                }));
            }
            // Events: the year's submissions up to this period, newest version wins.
            let mut latest: BTreeMap<(LedgerKey, &str), &EventRow> = BTreeMap::new();
            for p in &year_periods {
                let Some(e) = subs.get(code, *p) else {
                    continue;
                };
                for ev in &e.events {
                    latest.insert((ev.ledger, &ev.id), &ev.row);
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
        let roles = &schema.roles;
        for (ledger, records) in schema.ledgers.iter().zip(&c.ledgers) {
            if records.excluded_rows > 0 {
                out.excluded
                    .push((ledger.name.clone(), records.excluded_rows as u64));
            }
            out.ledgers_present += usize::from(records.present);
            let rows = records.records.iter().map(Row);
            let event = |row: Row<'_>, event: EventRow| Event {
                ledger: ledger.key,
                id: crate::text::match_key(&row.text(ledger.id)),
                row: event,
            };
            match ledger.key {
                LedgerKey::Roster => out.roster.extend(rows.filter_map(|r| {
                    r.talent(
                        unit,
                        &roles.roster,
                        &ledger.fields[roles.roster.qualification],
                    )
                })),
                LedgerKey::Problems | LedgerKey::Needs => {
                    let case_roles = if ledger.key == LedgerKey::Problems {
                        &roles.problems
                    } else {
                        &roles.needs
                    };
                    out.events.extend(rows.filter_map(|r| {
                        Some(event(r, EventRow::Case(r.case(unit, ledger, case_roles)?)))
                    }));
                }
                LedgerKey::Activities => out.events.extend(rows.filter_map(|r| {
                    let five = schema.five_kinds();
                    Some(event(
                        r,
                        EventRow::Activity(r.activity(unit, ledger, &roles.activities, five)?),
                    ))
                })),
                LedgerKey::Achievements => out.events.extend(rows.filter_map(|r| {
                    let research = schema.research_types();
                    Some(event(
                        r,
                        EventRow::Achievement(r.achievement(
                            unit,
                            ledger,
                            &roles.achievements,
                            research,
                        )?),
                    ))
                })),
            }
        }
        out
    }
}

/// One valid record, read by column.
#[derive(Clone, Copy)]
struct Row<'a>(&'a Record);

impl<'a> Row<'a> {
    fn value(self, col: usize) -> Option<&'a Value> {
        self.0.values.get(col)?.as_ref()
    }

    fn text(self, col: usize) -> String {
        self.value(col).map(Value::display).unwrap_or_default()
    }

    fn date(self, col: usize) -> Option<i32> {
        self.value(col).and_then(Value::as_date).map(day)
    }

    fn number(self, col: usize) -> Option<f64> {
        self.value(col).and_then(Value::as_f64)
    }

    fn talent(self, unit: &str, r: &RosterRoles, qualification: &Field) -> Option<TalentRow> {
        let q = self.text(r.qualification);
        Some(TalentRow {
            unit: unit.to_string(),
            joined: self.date(r.joined)?,
            left: self.date(r.left),
            birth: self.value(r.birth).and_then(Value::as_date),
            age_band: &bands().age_unknown,
            sex: self.text(r.sex),
            kind: self.text(r.kind),
            education: self.text(r.education),
            politics: self.text(r.politics),
            certified: qualification.certified_social_worker.contains(&q),
            party: r.party.contains(&self.text(r.politics)),
            qualification: if q.is_empty() {
                bands().blank.clone()
            } else {
                q
            },
            key: self.text(r.key) == r.key_talent,
            deputy: self.text(r.deputy),
        })
    }

    fn case(self, unit: &str, ledger: &Ledger, r: &CaseRoles) -> Option<CaseRow> {
        let status = self.text(r.status);
        let is = |marker: &Option<String>| marker.as_ref().is_some_and(|m| *m == status);
        Some(CaseRow {
            unit: unit.to_string(),
            ledger: ledger.key,
            id: crate::text::match_key(&self.text(ledger.id)),
            registered: self.date(ledger.date)?,
            closed: self.date(r.closed),
            escalated: is(&r.escalated),
            satisfied: is(&r.satisfied),
            status,
            category: self.text(r.category),
            description: self.text(r.description),
        })
    }

    fn activity(
        self,
        unit: &str,
        ledger: &Ledger,
        r: &ActivityRoles,
        five_kinds: &[String],
    ) -> Option<ActivityRow> {
        let kind = self.text(r.kind);
        let scope = self.text(r.scope);
        Some(ActivityRow {
            unit: unit.to_string(),
            date: self.date(ledger.date)?,
            name: self.text(r.name),
            five_kind: five_kinds.contains(&kind),
            sector_wide: scope == r.sector_wide,
            kind,
            scope,
            participants: self.number(r.participants).unwrap_or(0.0) as i64,
            talents: self.number(r.talents).unwrap_or(0.0) as i64,
            funds: self.number(r.funds).unwrap_or(0.0),
        })
    }

    fn achievement(
        self,
        unit: &str,
        ledger: &Ledger,
        r: &AchievementRoles,
        research: &[String],
    ) -> Option<AchievementRow> {
        let kind = self.text(r.kind);
        Some(AchievementRow {
            unit: unit.to_string(),
            date: self.date(ledger.date)?,
            name: self.text(r.name),
            research: research.contains(&kind),
            kind,
            level: self.text(r.level),
        })
    }
}
