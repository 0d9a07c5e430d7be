//! What changed between a unit's submission and its previous accepted one
//! (the 回执 and the web desk's result say it): talents added and left,
//! problems and needs registered and closed, activities and achievements
//! added; and `roster-shrink`, a roster that lost many talents without
//! 流出 records — most likely a unit that sent only its new rows.
//!
//! Records are matched by id, as aggregation matches versions; both
//! workbooks are read from their extracts (reading never validates).

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;

use crate::archive::{Archive, Record};
use crate::error::Error;
use crate::intake::Rules;
use crate::period::Period;
use crate::read::field::Value;
use crate::schema::{Ledger, LedgerKey, Schema};
use crate::validate::ValidRow;
use crate::wording::Builtin;

pub(crate) const WORDING: &str = include_str!("../templates/changes.toml");

static WORDS: Builtin = Builtin::new("templates/changes.toml", WORDING);

/// What changed, in counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changes {
    /// The period of the submission compared against.
    pub against: Period,
    /// It was an earlier version of the same period.
    pub same_period: bool,
    /// Talents in the library before, and now.
    pub before: usize,
    pub now: usize,
    pub joined: usize,
    pub left: usize,
    /// In the library before, and now neither on the roster nor left.
    pub missing: usize,
    pub problems_new: usize,
    pub problems_closed: usize,
    pub needs_new: usize,
    pub needs_closed: usize,
    pub activities_new: usize,
    pub achievements_new: usize,
}

/// The changes, worded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Worded {
    pub summary: String,
    /// The `roster-shrink` warning, when the roster lost many.
    pub shrink: Option<String>,
}

impl Changes {
    /// A roster that lost more than a fifth of its talents, or five or more,
    /// without 流出 records.
    pub fn roster_shrank(&self) -> bool {
        self.missing >= 5 || self.missing * 5 > self.before
    }

    pub fn words(&self) -> Result<Worded, Error> {
        let words = WORDS.get();
        let counts = [
            ("joined", self.joined),
            ("left", self.left),
            ("problems_new", self.problems_new),
            ("problems_closed", self.problems_closed),
            ("needs_new", self.needs_new),
            ("needs_closed", self.needs_closed),
            ("activities_new", self.activities_new),
            ("achievements_new", self.achievements_new),
        ];
        let parts = counts
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(key, n)| words.render(key, &json!({ "n": n })))
            .collect::<Result<Vec<_>, _>>()?;
        let mut vars = serde_json::to_value(self).unwrap_or_default();
        vars["against"] = json!(self.against.chinese());
        vars["parts"] = json!(parts);
        let shrink = match self.roster_shrank() {
            true => Some(words.render("roster_shrink", &vars)?),
            false => None,
        };
        Ok(Worded {
            summary: words.render("summary", &vars)?,
            shrink,
        })
    }
}

/// What changed in `record` (a unit's identified workbook) against the
/// unit's previous accepted submission: the newest version without errors
/// received before it, of its period or an earlier one. `None` when there
/// is none (a unit's first) or `record` is no identified workbook.
pub fn changes(
    archive: &Archive,
    rules: Rules<'_>,
    record: &Record,
) -> Result<Option<Changes>, Error> {
    let (Some(unit), Some(period)) = (record.unit.as_deref(), record.period) else {
        return Ok(None);
    };
    let Some(previous) = previous(archive, unit, period, record) else {
        return Ok(None);
    };
    let fingerprint = crate::validate::fingerprint(rules.schema, rules.registry, rules.limits);
    let validations = archive.validations(&fingerprint)?;
    let (Some(now), Some(before)) = (
        validations.get(&record.hash),
        validations.get(&previous.hash),
    ) else {
        return Err(Error::NotReindexed { count: 1 });
    };
    let mut rows = archive.valid_rows(rules.schema, &[now, before])?;
    let now_rows = rows.remove(&record.hash).unwrap_or_default();
    let before_rows = rows.remove(&previous.hash).unwrap_or(now_rows.clone());
    let against = previous.period.unwrap_or(period);
    Ok(Some(compare(
        rules.schema,
        &before_rows,
        &now_rows,
        (against, against == period),
    )))
}

/// The unit's newest accepted reception before `record`.
fn previous<'a>(
    archive: &'a Archive,
    unit: &str,
    period: Period,
    record: &Record,
) -> Option<&'a Record> {
    let order = |r: &Record| (r.period, r.received, r.seq);
    archive
        .records()
        .iter()
        .filter(|r| r.unit.as_deref() == Some(unit) && r.errors == 0 && r.workbook)
        .filter(|r| r.period.is_some_and(|p| p <= period))
        .filter(|r| r.seq != record.seq && r.hash != record.hash)
        .filter(|r| order(r) < order(record))
        .max_by_key(|r| order(r))
}

/// The counts between two workbooks' rows (per ledger, schema order);
/// `against` is the earlier one's period and whether it is the same.
fn compare(
    schema: &Schema,
    before: &[Vec<ValidRow>],
    now: &[Vec<ValidRow>],
    against: (Period, bool),
) -> Changes {
    let mut c = Changes {
        against: against.0,
        same_period: against.1,
        before: 0,
        now: 0,
        joined: 0,
        left: 0,
        missing: 0,
        problems_new: 0,
        problems_closed: 0,
        needs_new: 0,
        needs_closed: 0,
        activities_new: 0,
        achievements_new: 0,
    };
    for (i, ledger) in schema.ledgers.iter().enumerate() {
        let (b, n) = (
            Rows::of(ledger, before.get(i)),
            Rows::of(ledger, now.get(i)),
        );
        match ledger.key {
            LedgerKey::Roster => {
                let left = schema.roles.roster.left;
                let (b_in, n_in) = (b.without(left), n.without(left));
                let n_all = n.ids();
                c.before = b_in.len();
                c.now = n_in.len();
                c.joined = n_in.difference(&b.ids()).count();
                c.left = b_in
                    .difference(&n_in)
                    .filter(|id| n_all.contains(*id))
                    .count();
                c.missing = b_in.difference(&n_all).count();
            }
            LedgerKey::Problems | LedgerKey::Needs => {
                let closed = match ledger.key {
                    LedgerKey::Problems => schema.roles.problems.closed,
                    _ => schema.roles.needs.closed,
                };
                let n_all = n.ids();
                let new = n_all.difference(&b.ids()).count();
                let done = b
                    .without(closed)
                    .difference(&n.without(closed))
                    .filter(|id| n_all.contains(*id))
                    .count();
                if ledger.key == LedgerKey::Problems {
                    (c.problems_new, c.problems_closed) = (new, done);
                } else {
                    (c.needs_new, c.needs_closed) = (new, done);
                }
            }
            LedgerKey::Activities => c.activities_new = n.ids().difference(&b.ids()).count(),
            LedgerKey::Achievements => c.achievements_new = n.ids().difference(&b.ids()).count(),
        }
    }
    c
}

/// One ledger's rows, by record id.
struct Rows<'a> {
    ledger: &'a Ledger,
    rows: &'a [ValidRow],
}

impl<'a> Rows<'a> {
    fn of(ledger: &'a Ledger, rows: Option<&'a Vec<ValidRow>>) -> Rows<'a> {
        Rows {
            ledger,
            rows: rows.map_or(&[][..], Vec::as_slice),
        }
    }

    fn id(&self, row: &ValidRow) -> Option<String> {
        let id = row.values.get(self.ledger.id)?.as_ref()?;
        Some(crate::text::match_key(&id.text()))
    }

    fn ids(&self) -> HashSet<String> {
        self.rows.iter().filter_map(|r| self.id(r)).collect()
    }

    /// The ids of the rows whose date field `field` is empty (in the
    /// library; a case still open).
    fn without(&self, field: usize) -> HashSet<String> {
        let dated = |r: &ValidRow| -> Option<NaiveDate> {
            r.values.get(field)?.as_ref().and_then(Value::as_date)
        };
        self.rows
            .iter()
            .filter(|r| dated(r).is_none())
            .filter_map(|r| self.id(r))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A roster row with id `id`, left on `left` if given.
    fn talent(schema: &Schema, id: &str, left: Option<NaiveDate>) -> ValidRow {
        let roster = &schema.ledgers[0];
        let mut values = vec![None; roster.fields.len()];
        values[roster.id] = Some(Value::Text(id.to_string()));
        values[schema.roles.roster.left] = left.map(Value::Date);
        ValidRow { row: 3, values }
    }

    fn rosters(schema: &Schema, rows: Vec<ValidRow>) -> Vec<Vec<ValidRow>> {
        let mut ledgers = vec![Vec::new(); schema.ledgers.len()];
        ledgers[0] = rows;
        ledgers
    }

    /// Regression: a unit sent its template back with one new row, and was
    /// shown “在库人才 1（比上季度 -12）” without a word.
    #[test]
    fn a_roster_of_new_rows_only_is_a_roster_shrink() {
        let schema = Schema::builtin();
        assert_eq!(schema.ledgers[0].key, LedgerKey::Roster);
        let ids: Vec<String> = (1..=12).map(|i| format!("RC{i:03}")).collect();
        let before = rosters(
            &schema,
            ids.iter().map(|id| talent(&schema, id, None)).collect(),
        );
        let left = NaiveDate::from_ymd_opt(2023, 12, 1);
        let now = rosters(
            &schema,
            vec![
                talent(&schema, "RC001", None),
                talent(&schema, "RC002", left),
                talent(&schema, "RC013", None),
            ],
        );
        let period: Period = "2023Q3".parse().unwrap();
        let c = compare(&schema, &before, &now, (period, false));
        assert_eq!(
            (c.before, c.now, c.joined, c.left, c.missing),
            (12, 2, 1, 1, 10)
        );
        assert!(c.roster_shrank());
        let words = c.words().unwrap();
        assert_eq!(
            words.summary,
            "与2023年第三季度报送的相比：新增人才 1 人、流出 1 人；在库人才 2 人。"
        );
        let shrink = words.shrink.unwrap();
        assert!(
            shrink.contains("少了 10 人（上次在库 12 人，这次 2 人）"),
            "{shrink}"
        );
    }

    #[test]
    fn a_roster_sent_whole_is_no_shrink() {
        let schema = Schema::builtin();
        let ids: Vec<String> = (1..=12).map(|i| format!("RC{i:03}")).collect();
        let all = rosters(
            &schema,
            ids.iter().map(|id| talent(&schema, id, None)).collect(),
        );
        let period: Period = "2023Q3".parse().unwrap();
        let c = compare(&schema, &all, &all, (period, true));
        assert!(!c.roster_shrank());
        assert_eq!(
            c.words().unwrap().summary,
            "与本期早先报送的版本相比：没有变动，在库人才 12 人。"
        );
        // One missing of twelve is neither a fifth nor five.
        let fewer = rosters(
            &schema,
            ids[1..]
                .iter()
                .map(|id| talent(&schema, id, None))
                .collect(),
        );
        assert!(!compare(&schema, &all, &fewer, (period, true)).roster_shrank());
    }
}
