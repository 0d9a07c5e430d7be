//! Loading what aggregation needs from the archive's extracts: for each unit
//! and period the newest submission (its records validated once, at intake);
//! then, as of a period, the roster snapshot of each unit (carried forward,
//! and flagged, when a unit did not submit) and the year's events, each
//! record keyed by (unit, ledger, record id) with the newest version winning.
//!
//! Records travel as polars frames, the fields aggregation uses renamed to
//! what they are (`joined`, `category`, …) and read from the extract files
//! with only those columns: memory follows what the reports need, not the
//! size of the archive.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use polars::prelude::*;

use crate::aggregate::bands::bands;
use crate::archive::{extract, Archive, Validation};
use crate::error::Error;
use crate::period::{date_of, day, Period};
use crate::registry::Registry;
use crate::schema::{LedgerKey, Schema};

/// How far back a unit's roster is carried forward when it did not submit.
const CARRY_BACK: usize = 8;

/// The newest validated submission of each unit for each needed period.
pub struct Submissions {
    /// (unit, period) → the workbook that counts.
    newest: BTreeMap<(String, Period), Validation>,
    /// Each counted workbook's number (by content hash): the records carry
    /// it instead of the 64-letter hash, which was a sixth of their memory.
    numbers: HashMap<String, u32>,
    /// (unit, period) → the day the counted workbook was received, if known.
    received: BTreeMap<(String, Period), NaiveDate>,
}

/// The column of a counted workbook's number on its records.
pub const WORKBOOK: &str = "_workbook";

/// The records of the counted workbooks, one frame per kind, each row with
/// its workbook's number ([`WORKBOOK`]).
pub struct Records {
    pub talents: DataFrame,
    pub cases: DataFrame,
    pub activities: DataFrame,
    pub achievements: DataFrame,
}

impl Submissions {
    /// The newest version of every unit's submission for `periods`, with
    /// its records, as validated under `fingerprint`. A workbook not yet
    /// validated under it (taken in before the schema or registry changed,
    /// or by an interrupted intake) is an error asking for `jucai reindex`.
    pub fn load(
        archive: &Archive,
        registry: &Registry,
        periods: &BTreeSet<Period>,
        fingerprint: &str,
    ) -> Result<Submissions, Error> {
        let newest_records: Vec<(String, Period, &crate::archive::Record)> = registry
            .units()
            .iter()
            .flat_map(|u| periods.iter().map(move |&p| (u, p)))
            .filter_map(|(u, p)| Some((u.code.clone(), p, archive.newest(&u.code, p)?)))
            .collect();
        let received = newest_records
            .iter()
            .filter_map(|(u, p, r)| Some(((u.clone(), *p), r.received?.date())))
            .collect();
        let wanted: Vec<(String, Period, String)> = newest_records
            .into_iter()
            .map(|(u, p, r)| (u, p, r.hash.clone()))
            .collect();
        // Reading never validates: a workbook not validated under these
        // rules (changed since intake) waits for `jucai reindex`.
        let known = archive.validations(fingerprint)?;
        let missing = wanted
            .iter()
            .filter(|(_, _, h)| !known.contains_key(h))
            .map(|(_, _, h)| h)
            .collect::<BTreeSet<_>>()
            .len();
        if missing > 0 {
            return Err(Error::NotReindexed { count: missing });
        }
        let newest: BTreeMap<(String, Period), Validation> = wanted
            .into_iter()
            .filter_map(|(u, p, h)| Some(((u, p), known.get(&h)?.clone())))
            .collect();
        let hashes: BTreeSet<&str> = newest.values().map(|v| v.hash.as_str()).collect();
        let numbers = hashes
            .into_iter()
            .zip(0u32..)
            .map(|(h, n)| (h.to_string(), n))
            .collect();
        Ok(Submissions {
            newest,
            numbers,
            received,
        })
    }

    /// The number of a counted workbook (see [`WORKBOOK`]).
    fn number(&self, hash: &str) -> u32 {
        // Every counted workbook is numbered when loaded; u32::MAX matches no record.
        self.numbers.get(hash).copied().unwrap_or(u32::MAX)
    }

    /// What validating the newest submission of `unit` for `period` gave.
    pub fn get(&self, unit: &str, period: Period) -> Option<&Validation> {
        self.newest.get(&(unit.to_string(), period))
    }

    /// The day the newest submission of `unit` for `period` was received.
    pub fn received(&self, unit: &str, period: Period) -> Option<NaiveDate> {
        self.received.get(&(unit.to_string(), period)).copied()
    }

    /// The records of ledger `key` of every counted workbook: its number
    /// ([`WORKBOOK`]), `_id` and `columns` (expressions over the extract's
    /// field columns).
    pub fn ledger(
        &self,
        archive: &Archive,
        key: LedgerKey,
        columns: Vec<Expr>,
    ) -> Result<DataFrame, Error> {
        let pairs: BTreeSet<(&str, &str)> = self
            .newest
            .values()
            .map(|v| (v.hash.as_str(), v.batch.as_str()))
            .collect();
        let batches: Vec<String> = pairs
            .iter()
            .map(|(_, b)| b.to_string())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let Some(scan) = archive.scan(key, &batches)? else {
            return Ok(DataFrame::empty());
        };
        let mut all = vec![col(extract::HASH), col(extract::BATCH), col(extract::ID)];
        all.extend(columns);
        let rows = scan.select(all).collect()?;
        // Each row's workbook number, or none for a row of a workbook that does
        // not count (an older version). Picked by a filter, not a join: a join
        // on the two text columns encoded both for every row and copied every
        // text of the result, a filter shares the texts.
        let number: HashMap<(&str, &str), u32> = pairs
            .iter()
            .map(|&(h, b)| ((h, b), self.number(h)))
            .collect();
        let hashes = rows.column(extract::HASH)?.str()?;
        let in_batches = rows.column(extract::BATCH)?.str()?;
        let numbers: Vec<Option<u32>> = hashes
            .iter()
            .zip(in_batches.iter())
            .map(|pair| match pair {
                (Some(h), Some(b)) => number.get(&(h, b)).copied(),
                _ => None,
            })
            .collect();
        let counted: BooleanChunked = numbers.iter().map(|n| Some(n.is_some())).collect();
        let workbooks: Vec<u32> = numbers.into_iter().flatten().collect();
        let mut records = rows
            .drop_many([extract::HASH, extract::BATCH])
            .filter(&counted)?;
        records.insert_column(0, Column::new(WORKBOOK.into(), workbooks))?;
        // One chunk per column: every point picks rows from these frames, and
        // polars gathers from a text column of several chunks by copying each
        // text, from one chunk by sharing it.
        records.rechunk_mut_par();
        Ok(records)
    }
}

impl Records {
    /// The counted workbooks' records, the columns aggregation uses.
    pub fn read(archive: &Archive, schema: &Schema, subs: &Submissions) -> Result<Records, Error> {
        let read = |key, columns| subs.ledger(archive, key, columns);
        let cases = [LedgerKey::Problems, LedgerKey::Needs]
            .into_iter()
            .map(|k| read(k, columns::cases(schema, k)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Records {
            talents: read(LedgerKey::Roster, columns::talents(schema))?,
            cases: stack(cases)?,
            activities: read(LedgerKey::Activities, columns::activities(schema))?,
            achievements: read(LedgerKey::Achievements, columns::achievements(schema))?,
        })
    }
}

/// Frames of the same columns, one after the other (empty ones left out).
fn stack(frames: Vec<DataFrame>) -> Result<DataFrame, Error> {
    let mut out: Option<DataFrame> = None;
    for df in frames.into_iter().filter(|d| d.width() > 0) {
        match &mut out {
            Some(o) => {
                o.vstack_mut(&df)?;
            }
            None => out = Some(df),
        }
    }
    let mut out = out.unwrap_or_else(DataFrame::empty);
    out.rechunk_mut_par();
    Ok(out)
}

/// The columns aggregation reads, as expressions over an extract: each
/// field a role names, under the role's name; and what the schema's markers
/// make of them.
mod columns {
    use polars::prelude::*;

    use crate::aggregate::bands::bands;
    use crate::schema::{LedgerKey, Schema};

    /// The field of `col` in ledger `key`, as its extract column.
    fn field(schema: &Schema, key: LedgerKey, index: usize) -> Expr {
        col(schema.ledger(key).fields[index].name.as_str())
    }

    /// Text, a blank one as "".
    fn text(schema: &Schema, key: LedgerKey, index: usize, name: &str) -> Expr {
        field(schema, key, index)
            .cast(DataType::String)
            .fill_null(lit(""))
            .alias(name)
    }

    /// A date as its day number.
    fn day(schema: &Schema, key: LedgerKey, index: usize, name: &str) -> Expr {
        field(schema, key, index).cast(DataType::Int32).alias(name)
    }

    /// Whether a text is one of `values`.
    fn one_of(e: Expr, values: &[String]) -> Expr {
        values
            .iter()
            .fold(lit(false), |acc, v| acc.or(e.clone().eq(lit(v.as_str()))))
            .fill_null(lit(false))
    }

    pub(super) fn talents(schema: &Schema) -> Vec<Expr> {
        let r = &schema.roles.roster;
        let k = LedgerKey::Roster;
        let qualification = field(schema, k, r.qualification).cast(DataType::String);
        let certified = &schema.ledger(k).fields[r.qualification].certified_social_worker;
        let blank = bands().blank.as_str();
        vec![
            day(schema, k, r.joined, "joined"),
            day(schema, k, r.left, "left"),
            day(schema, k, r.birth, "birth"),
            text(schema, k, r.sex, "sex"),
            text(schema, k, r.kind, "kind"),
            text(schema, k, r.education, "education"),
            text(schema, k, r.politics, "politics"),
            when(
                qualification
                    .clone()
                    .is_null()
                    .or(qualification.clone().eq(lit(""))),
            )
            .then(lit(blank))
            .otherwise(qualification.clone())
            .alias("qualification"),
            one_of(qualification, certified).alias("certified"),
            field(schema, k, r.key)
                .eq(lit(r.key_talent.as_str()))
                .fill_null(lit(false))
                .alias("key"),
            one_of(field(schema, k, r.politics), &r.party).alias("party"),
            text(schema, k, r.deputy, "deputy"),
        ]
    }

    pub(super) fn cases(schema: &Schema, k: LedgerKey) -> Vec<Expr> {
        let r = if k == LedgerKey::Problems {
            &schema.roles.problems
        } else {
            &schema.roles.needs
        };
        let ledger = schema.ledger(k);
        let status = field(schema, k, r.status);
        let is = |marker: &Option<String>| match marker {
            Some(m) => status.clone().eq(lit(m.as_str())).fill_null(lit(false)),
            None => lit(false),
        };
        vec![
            lit(k.as_str()).alias("ledger"),
            col(crate::archive::extract::ID).alias("id"),
            day(schema, k, ledger.date, "registered"),
            day(schema, k, r.closed, "closed"),
            text(schema, k, r.status, "status"),
            text(schema, k, r.category, "category"),
            text(schema, k, r.description, "description"),
            is(&r.escalated).alias("escalated"),
            is(&r.satisfied).alias("satisfied"),
        ]
    }

    pub(super) fn activities(schema: &Schema) -> Vec<Expr> {
        let r = &schema.roles.activities;
        let k = LedgerKey::Activities;
        let number = |i: usize, t: DataType, name: &str| {
            field(schema, k, i).cast(t).fill_null(lit(0)).alias(name)
        };
        vec![
            day(schema, k, schema.ledger(k).date, "date"),
            text(schema, k, r.name, "name"),
            text(schema, k, r.kind, "type"),
            text(schema, k, r.scope, "scope_kind"),
            number(r.participants, DataType::Int64, "participants"),
            number(r.talents, DataType::Int64, "talents"),
            number(r.funds, DataType::Float64, "funds"),
            one_of(field(schema, k, r.kind), schema.five_kinds()).alias("five_kind"),
            field(schema, k, r.scope)
                .eq(lit(r.sector_wide.as_str()))
                .fill_null(lit(false))
                .alias("sector_wide"),
        ]
    }

    pub(super) fn achievements(schema: &Schema) -> Vec<Expr> {
        let r = &schema.roles.achievements;
        let k = LedgerKey::Achievements;
        vec![
            day(schema, k, schema.ledger(k).date, "date"),
            text(schema, k, r.name, "name"),
            text(schema, k, r.kind, "type"),
            text(schema, k, r.level, "level"),
            one_of(field(schema, k, r.kind), schema.research_types()).alias("research"),
        ]
    }
}

/// Everything known as of the end of one period, as frames with a `unit`
/// column: the talents in the rosters, the cases of the year's workbooks
/// (one still open from an earlier year included), and the year's
/// activities and achievements up to the period's end.
#[derive(Debug, Clone)]
pub struct AsOf {
    pub period: Period,
    pub talents: DataFrame,
    pub cases: DataFrame,
    pub activities: DataFrame,
    pub achievements: DataFrame,
    /// Units whose roster came from an earlier period's submission.
    pub carried_forward: BTreeSet<String>,
    /// Per unit: rows excluded for errors (by ledger name), and whether the
    /// period's newest submission still has errors, and its warning count.
    pub quality: BTreeMap<String, UnitQuality>,
    /// Per unit: the day the last workbook this point reads of it (the
    /// year's quarters to the period) was received — when its figures were
    /// complete.
    pub received: BTreeMap<String, NaiveDate>,
}

#[derive(Debug, Clone, Default)]
pub struct UnitQuality {
    pub rows_excluded: BTreeMap<String, u64>,
    pub has_errors: bool,
    pub warnings: u64,
}

impl AsOf {
    /// Build what is known as of `period`'s end from the submissions.
    pub fn build(
        period: Period,
        subs: &Submissions,
        records: &Records,
        registry: &Registry,
    ) -> Result<AsOf, Error> {
        let (rosters, carried_forward) = Picks::rosters(period, subs, registry);
        let year = Picks::year(period, subs, registry);
        let quality = registry
            .units()
            .iter()
            .filter_map(|u| Some((u.code.clone(), unit_quality(subs.get(&u.code, period)?))))
            .collect();
        let received = registry
            .units()
            .iter()
            .filter_map(|u| {
                let last = (1..=period.quarter)
                    .filter_map(|quarter| subs.received(&u.code, Period { quarter, ..period }))
                    .max()?;
                Some((u.code.clone(), last))
            })
            .collect();
        let start = day(Period {
            year: period.year,
            quarter: 1,
        }
        .start());
        let end = day(period.end());
        // A kind no workbook had any record of still has its columns.
        let none = AsOf::from_rows(period, &[], &[], &[], &[])?;
        let or_none = |df: DataFrame, empty: &DataFrame| {
            if df.width() == 0 {
                empty.clone()
            } else {
                df
            }
        };
        Ok(AsOf {
            period,
            talents: or_none(
                with_age_bands(rosters.join(&records.talents)?, period.end())?,
                &none.talents,
            ),
            // A case still open is reported again in the new year's ledger
            // (a prefilled workbook carries it): it is carried into the
            // year, whenever it was registered.
            cases: or_none(
                year.events(
                    &records.cases,
                    &["ledger", "id"],
                    "registered",
                    i32::MIN,
                    end,
                )?,
                &none.cases,
            ),
            activities: or_none(
                year.events(&records.activities, &[extract::ID], "date", start, end)?,
                &none.activities,
            ),
            achievements: or_none(
                year.events(&records.achievements, &[extract::ID], "date", start, end)?,
                &none.achievements,
            ),
            carried_forward,
            quality,
            received,
        })
    }
}

fn unit_quality(v: &Validation) -> UnitQuality {
    UnitQuality {
        rows_excluded: v.excluded.iter().cloned().collect(),
        has_errors: v.errors > 0,
        warnings: v.warnings as u64,
    }
}

/// Which workbooks a point reads, and for which unit and quarter.
#[derive(Default)]
pub struct Picks {
    units: Vec<String>,
    quarters: Vec<u32>,
    workbooks: Vec<u32>,
}

impl Picks {
    /// Each unit's roster as of `period`: its snapshot for the period, else
    /// the latest earlier one (those units are returned too).
    pub fn rosters(
        period: Period,
        subs: &Submissions,
        registry: &Registry,
    ) -> (Picks, BTreeSet<String>) {
        let mut picks = Picks::default();
        let mut carried_forward = BTreeSet::new();
        for unit in registry.units() {
            let snapshot = std::iter::successors(Some(period), |p| Some(p.previous()))
                .take(CARRY_BACK)
                .find_map(|p| subs.get(&unit.code, p).map(|v| (p, v)));
            if let Some((from, v)) = snapshot {
                if from != period {
                    carried_forward.insert(unit.code.clone());
                }
                picks.add(&unit.code, 0, subs.number(&v.hash));
            }
        }
        (picks, carried_forward)
    }

    /// Every unit's submissions of `period`'s year up to it, by quarter.
    pub fn year(period: Period, subs: &Submissions, registry: &Registry) -> Picks {
        let mut picks = Picks::default();
        for unit in registry.units() {
            for q in 1..=period.quarter {
                let p = Period {
                    year: period.year,
                    quarter: q,
                };
                if let Some(v) = subs.get(&unit.code, p) {
                    picks.add(&unit.code, q, subs.number(&v.hash));
                }
            }
        }
        picks
    }

    fn add(&mut self, unit: &str, quarter: u8, workbook: u32) {
        self.units.push(unit.to_string());
        self.quarters.push(u32::from(quarter));
        self.workbooks.push(workbook);
    }

    fn frame(&self) -> PolarsResult<DataFrame> {
        df!(
            "unit" => self.units.clone(),
            "_quarter" => self.quarters.clone(),
            WORKBOOK => self.workbooks.clone(),
        )
    }

    /// The picked workbooks' rows, each with its unit (without the columns
    /// that picked them: every later step joins each row to its scopes, and
    /// a hash on every row and scope was most of the memory).
    pub fn join(&self, rows: &DataFrame) -> Result<DataFrame, Error> {
        if rows.width() == 0 {
            return Ok(DataFrame::empty());
        }
        Ok(self
            .frame()?
            .lazy()
            .join(
                rows.clone().lazy(),
                [col(WORKBOOK)],
                [col(WORKBOOK)],
                JoinArgs::new(JoinType::Inner),
            )
            .collect()?
            .drop_many(PICKED))
    }

    /// Events of the picked workbooks: for each (unit, `key`), the version of
    /// the latest quarter, if dated within `[start, end]`.
    pub fn events(
        &self,
        rows: &DataFrame,
        key: &[&str],
        date: &str,
        start: i32,
        end: i32,
    ) -> Result<DataFrame, Error> {
        if rows.width() == 0 {
            return Ok(DataFrame::empty());
        }
        let mut subset = vec!["unit"];
        subset.extend_from_slice(key);
        Ok(self
            .frame()?
            .lazy()
            .join(
                rows.clone().lazy(),
                [col(WORKBOOK)],
                [col(WORKBOOK)],
                JoinArgs::new(JoinType::Inner),
            )
            .sort(
                ["_quarter"],
                SortMultipleOptions::default()
                    .with_order_descending(true)
                    .with_maintain_order(true),
            )
            .unique_stable(Some(cols(subset)), UniqueKeepStrategy::First)
            .filter(col(date).gt_eq(lit(start)).and(col(date).lt_eq(lit(end))))
            .collect()?
            .drop_many(PICKED))
    }
}

/// The columns a pick adds to the rows, dropped once the rows are picked.
const PICKED: [&str; 2] = [WORKBOOK, "_quarter"];

/// The roster frame with each talent's age band at `end` (`age`).
fn with_age_bands(mut talents: DataFrame, end: NaiveDate) -> Result<DataFrame, Error> {
    if talents.width() == 0 {
        return Ok(talents);
    }
    let births = talents.column("birth")?.i32()?.clone();
    let b = bands();
    let ages: Vec<&str> = births
        .iter()
        .map(|d| match d {
            Some(d) => b.age_band(date_of(d), end),
            None => b.age_unknown.as_str(),
        })
        .collect();
    talents.with_column(Column::new("age".into(), ages))?;
    Ok(talents.drop_many(["birth"]))
}

/// One dated record as a report lists it.
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

/// A point's events as rows, for the lists a report shows.
pub struct Rows {
    pub cases: Vec<CaseRow>,
    pub activities: Vec<ActivityRow>,
    pub achievements: Vec<AchievementRow>,
}

impl AsOf {
    /// A point made from rows (tests build facts this way).
    pub fn from_rows(
        period: Period,
        talents: &[TalentRow],
        cases: &[CaseRow],
        activities: &[ActivityRow],
        achievements: &[AchievementRow],
    ) -> PolarsResult<AsOf> {
        let s = |v: Vec<&str>| v.into_iter().map(str::to_string).collect::<Vec<_>>();
        let talents = df!(
            "unit" => s(talents.iter().map(|r| r.unit.as_str()).collect()),
            "joined" => talents.iter().map(|r| r.joined).collect::<Vec<_>>(),
            "left" => talents.iter().map(|r| r.left).collect::<Vec<_>>(),
            "age" => talents.iter().map(|r| r.age_band).collect::<Vec<_>>(),
            "sex" => s(talents.iter().map(|r| r.sex.as_str()).collect()),
            "kind" => s(talents.iter().map(|r| r.kind.as_str()).collect()),
            "education" => s(talents.iter().map(|r| r.education.as_str()).collect()),
            "politics" => s(talents.iter().map(|r| r.politics.as_str()).collect()),
            "qualification" => s(talents.iter().map(|r| r.qualification.as_str()).collect()),
            "certified" => talents.iter().map(|r| r.certified).collect::<Vec<_>>(),
            "key" => talents.iter().map(|r| r.key).collect::<Vec<_>>(),
            "party" => talents.iter().map(|r| r.party).collect::<Vec<_>>(),
            "deputy" => s(talents.iter().map(|r| r.deputy.as_str()).collect()),
        )?;
        let cases = df!(
            "unit" => cases.iter().map(|r| r.unit.clone()).collect::<Vec<_>>(),
            "ledger" => cases.iter().map(|r| r.ledger.as_str()).collect::<Vec<_>>(),
            "id" => cases.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
            "registered" => cases.iter().map(|r| r.registered).collect::<Vec<_>>(),
            "closed" => cases.iter().map(|r| r.closed).collect::<Vec<_>>(),
            "status" => cases.iter().map(|r| r.status.clone()).collect::<Vec<_>>(),
            "category" => cases.iter().map(|r| r.category.clone()).collect::<Vec<_>>(),
            "description" => cases.iter().map(|r| r.description.clone()).collect::<Vec<_>>(),
            "escalated" => cases.iter().map(|r| r.escalated).collect::<Vec<_>>(),
            "satisfied" => cases.iter().map(|r| r.satisfied).collect::<Vec<_>>(),
        )?;
        let activities = df!(
            "unit" => activities.iter().map(|r| r.unit.clone()).collect::<Vec<_>>(),
            "date" => activities.iter().map(|r| r.date).collect::<Vec<_>>(),
            "name" => activities.iter().map(|r| r.name.clone()).collect::<Vec<_>>(),
            "type" => activities.iter().map(|r| r.kind.clone()).collect::<Vec<_>>(),
            "scope_kind" => activities.iter().map(|r| r.scope.clone()).collect::<Vec<_>>(),
            "participants" => activities.iter().map(|r| r.participants).collect::<Vec<_>>(),
            "talents" => activities.iter().map(|r| r.talents).collect::<Vec<_>>(),
            "funds" => activities.iter().map(|r| r.funds).collect::<Vec<_>>(),
            "five_kind" => activities.iter().map(|r| r.five_kind).collect::<Vec<_>>(),
            "sector_wide" => activities.iter().map(|r| r.sector_wide).collect::<Vec<_>>(),
        )?;
        let achievements = df!(
            "unit" => achievements.iter().map(|r| r.unit.clone()).collect::<Vec<_>>(),
            "date" => achievements.iter().map(|r| r.date).collect::<Vec<_>>(),
            "name" => achievements.iter().map(|r| r.name.clone()).collect::<Vec<_>>(),
            "type" => achievements.iter().map(|r| r.kind.clone()).collect::<Vec<_>>(),
            "level" => achievements.iter().map(|r| r.level.clone()).collect::<Vec<_>>(),
            "research" => achievements.iter().map(|r| r.research).collect::<Vec<_>>(),
        )?;
        Ok(AsOf {
            period,
            talents,
            cases,
            activities,
            achievements,
            carried_forward: BTreeSet::new(),
            quality: BTreeMap::new(),
            received: BTreeMap::new(),
        })
    }

    /// The point's events as rows.
    pub fn rows(&self) -> Result<Rows, Error> {
        Ok(Rows {
            cases: case_rows(&self.cases)?,
            activities: activity_rows(&self.activities)?,
            achievements: achievement_rows(&self.achievements)?,
        })
    }
}

/// A frame's text column as values ("" where missing).
fn texts(df: &DataFrame, name: &str) -> Result<Vec<String>, Error> {
    Ok(df
        .column(name)?
        .str()?
        .iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect())
}

fn days(df: &DataFrame, name: &str) -> Result<Vec<Option<i32>>, Error> {
    Ok(df.column(name)?.i32()?.iter().collect())
}

fn flags(df: &DataFrame, name: &str) -> Result<Vec<bool>, Error> {
    Ok(df
        .column(name)?
        .bool()?
        .iter()
        .map(|b| b.unwrap_or(false))
        .collect())
}

/// A frame's whole-number column (0 where missing).
fn counts(df: &DataFrame, name: &str) -> Result<Vec<i64>, Error> {
    Ok(df
        .column(name)?
        .i64()?
        .iter()
        .map(|n| n.unwrap_or(0))
        .collect())
}

/// A frame's amount column (0 where missing).
fn amounts(df: &DataFrame, name: &str) -> Result<Vec<f64>, Error> {
    Ok(df
        .column(name)?
        .f64()?
        .iter()
        .map(|n| n.unwrap_or(0.0))
        .collect())
}

fn case_rows(df: &DataFrame) -> Result<Vec<CaseRow>, Error> {
    if df.width() == 0 {
        return Ok(Vec::new());
    }
    let (unit, ledger, id) = (texts(df, "unit")?, texts(df, "ledger")?, texts(df, "id")?);
    let (registered, closed) = (days(df, "registered")?, days(df, "closed")?);
    let (status, category) = (texts(df, "status")?, texts(df, "category")?);
    let description = texts(df, "description")?;
    let (escalated, satisfied) = (flags(df, "escalated")?, flags(df, "satisfied")?);
    Ok((0..df.height())
        .map(|i| CaseRow {
            unit: unit[i].clone(),
            ledger: LedgerKey::from_name(&ledger[i]).unwrap_or(LedgerKey::Problems),
            id: id[i].clone(),
            registered: registered[i].unwrap_or_default(),
            closed: closed[i],
            status: status[i].clone(),
            category: category[i].clone(),
            description: description[i].clone(),
            escalated: escalated[i],
            satisfied: satisfied[i],
        })
        .collect())
}

fn activity_rows(df: &DataFrame) -> Result<Vec<ActivityRow>, Error> {
    if df.width() == 0 {
        return Ok(Vec::new());
    }
    let (unit, date, name) = (texts(df, "unit")?, days(df, "date")?, texts(df, "name")?);
    let (kind, scope) = (texts(df, "type")?, texts(df, "scope_kind")?);
    let (people, talents) = (counts(df, "participants")?, counts(df, "talents")?);
    let funds = amounts(df, "funds")?;
    let (five, sector) = (flags(df, "five_kind")?, flags(df, "sector_wide")?);
    Ok((0..df.height())
        .map(|i| ActivityRow {
            unit: unit[i].clone(),
            date: date[i].unwrap_or_default(),
            name: name[i].clone(),
            kind: kind[i].clone(),
            scope: scope[i].clone(),
            participants: people[i],
            talents: talents[i],
            funds: funds[i],
            five_kind: five[i],
            sector_wide: sector[i],
        })
        .collect())
}

fn achievement_rows(df: &DataFrame) -> Result<Vec<AchievementRow>, Error> {
    if df.width() == 0 {
        return Ok(Vec::new());
    }
    let (unit, date, name) = (texts(df, "unit")?, days(df, "date")?, texts(df, "name")?);
    let (kind, level) = (texts(df, "type")?, texts(df, "level")?);
    let research = flags(df, "research")?;
    Ok((0..df.height())
        .map(|i| AchievementRow {
            unit: unit[i].clone(),
            date: date[i].unwrap_or_default(),
            name: name[i].clone(),
            kind: kind[i].clone(),
            level: level[i].clone(),
            research: research[i],
        })
        .collect())
}

/// Rows per unit, for reports that show a unit's own items.
pub fn by_unit<T>(rows: &[T], unit: impl Fn(&T) -> &str) -> HashMap<&str, Vec<&T>> {
    let mut m: HashMap<&str, Vec<&T>> = HashMap::new();
    for r in rows {
        m.entry(unit(r)).or_default().push(r);
    }
    m
}
