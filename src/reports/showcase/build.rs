//! Who is shown, and with what. For each unit: the talents on its roster at
//! the year's end (as the reports count them) who agree in the unit's
//! newest roster, since consent follows the newest: a talent who withdrew
//! is gone from the next build, even from an earlier year's brochure. Each
//! comes with the year's achievements that name them by 人才编号.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};

use super::model::{Honour, KeyFigures, Section, Showcase, Talent};
use crate::aggregate::inputs::Inputs;
use crate::archive::{Record, Validation};
use crate::error::Error;
use crate::period::{Period, Span};
use crate::read::field::Value;
use crate::registry::{Level, Registry, Unit};
use crate::reports::summary::SummaryReport;
use crate::schema::{LedgerKey, Schema};
use crate::text::match_key;
use crate::validate::ValidRow;

/// How far back a unit's last roster is looked for: two years.
const LOOK_BACK: usize = 8;

/// The 人才风采 of the centre and of each station for `year`; none when the
/// archive has nothing for the year.
pub fn build(inputs: &Inputs<'_>, year: i32) -> Result<Vec<Showcase>, Error> {
    let roster = &inputs.schema.roles.roster;
    if roster.consent.is_none() || roster.name.is_none() {
        return Err(Error::NoConsentField);
    }
    let summaries = crate::reports::summary::build(inputs, year)?;
    let Some(as_of) = summaries.first().map(|s| s.as_of) else {
        return Ok(Vec::new());
    };
    let people = gather(inputs, year, as_of)?;
    Ok(summaries
        .iter()
        .filter(|s| s.level_kind != Level::Workroom)
        .map(|s| showcase(inputs.registry, s, &people))
        .collect())
}

/// One unit's showcase: its figures and its talents' sections.
fn showcase(
    registry: &Registry,
    summary: &SummaryReport,
    people: &HashMap<String, Vec<Talent>>,
) -> Showcase {
    let stations: Vec<&Unit> = match summary.level_kind {
        Level::Centre => registry
            .units()
            .iter()
            .filter(|u| u.level == Level::Station)
            .collect(),
        _ => registry.unit(&summary.unit).into_iter().collect(),
    };
    let mut sections = Vec::new();
    if summary.level_kind == Level::Centre {
        sections.push(section(
            registry,
            &summary.unit,
            &summary.name,
            people,
            false,
        ));
    }
    for station in stations {
        sections.push(section(
            registry,
            &station.code,
            &station.name,
            people,
            true,
        ));
    }
    sections.retain(|s| !s.talents.is_empty());
    let total = &summary.total;
    Showcase {
        unit: summary.unit.clone(),
        name: summary.name.clone(),
        level_kind: summary.level_kind,
        year: summary.year,
        as_of: summary.as_of,
        figures: KeyFigures {
            talents: total.talents.in_library,
            key_talents: total.talents.key_talents,
            activities: total.activities.count,
            achievements: total.achievements.count,
            problems_solved: total.problems.closed,
            needs_met: total.needs.satisfied,
        },
        sections,
    }
}

/// The talents of `unit` and, with `below`, of the workrooms under it.
fn section(
    registry: &Registry,
    unit: &str,
    name: &str,
    people: &HashMap<String, Vec<Talent>>,
    below: bool,
) -> Section {
    let units = registry
        .units()
        .iter()
        .filter(|u| u.code == unit || (below && u.parent.as_deref() == Some(unit)));
    Section {
        unit: unit.to_string(),
        name: name.to_string(),
        talents: units
            .flat_map(|u| people.get(&u.code).into_iter().flatten().cloned())
            .collect(),
    }
}

/// Which submissions each unit's talents come from.
struct Sources<'a> {
    /// The roster as of the year's end.
    year_end: &'a Record,
    /// The unit's newest roster: whose consent counts.
    newest: &'a Record,
    /// The year's quarters: whose achievements count.
    year: Vec<&'a Record>,
}

/// Every unit's consenting talents, by unit code.
fn gather(
    inputs: &Inputs<'_>,
    year: i32,
    as_of: Period,
) -> Result<HashMap<String, Vec<Talent>>, Error> {
    let archive = inputs.archive;
    let latest = archive.periods().last().copied().unwrap_or(as_of);
    let sources: Vec<(&Unit, Sources<'_>)> = inputs
        .registry
        .units()
        .iter()
        .filter_map(|u| {
            let (_, year_end) = archive.last_reported(&u.code, as_of, LOOK_BACK)?;
            let newest = archive
                .last_reported(&u.code, latest, LOOK_BACK)
                .map_or(year_end, |(_, r)| r);
            let year = Span::year(year)
                .quarters()
                .into_iter()
                .filter(|q| *q <= as_of)
                .filter_map(|q| archive.newest(&u.code, q))
                .collect();
            Some((
                u,
                Sources {
                    year_end,
                    newest,
                    year,
                },
            ))
        })
        .collect();
    let rows = rows_of(inputs, &sources)?;
    let schema = inputs.schema;
    let mut out = HashMap::new();
    for (unit, s) in &sources {
        let roster_now = ledger(&rows, s.year_end, schema, LedgerKey::Roster);
        let consents = consents(schema, ledger(&rows, s.newest, schema, LedgerKey::Roster));
        let honours = honours(schema, &rows, &s.year, year);
        let talents: Vec<Talent> = roster_now
            .iter()
            .filter(|r| in_library(schema, r, as_of.end()))
            .filter_map(|r| talent(schema, unit, r, &consents, &honours))
            .collect();
        out.insert(unit.code.clone(), talents);
    }
    Ok(out)
}

/// The valid rows of every submission the sources name, read in one pass.
fn rows_of(
    inputs: &Inputs<'_>,
    sources: &[(&Unit, Sources<'_>)],
) -> Result<HashMap<String, Vec<Vec<ValidRow>>>, Error> {
    let fingerprint = crate::validate::fingerprint(inputs.schema, inputs.registry, inputs.limits);
    let validations = inputs.archive.validations(&fingerprint)?;
    let hashes: HashSet<&str> = sources
        .iter()
        .flat_map(|(_, s)| {
            [s.year_end, s.newest]
                .into_iter()
                .chain(s.year.iter().copied())
        })
        .map(|r| r.hash.as_str())
        .collect();
    let wanted: Vec<&Validation> = hashes.iter().filter_map(|h| validations.get(*h)).collect();
    if wanted.len() < hashes.len() {
        return Err(Error::NotReindexed {
            count: hashes.len() - wanted.len(),
        });
    }
    inputs.archive.valid_rows(inputs.schema, &wanted)
}

/// One ledger's rows of a submission.
fn ledger<'r>(
    rows: &'r HashMap<String, Vec<Vec<ValidRow>>>,
    record: &Record,
    schema: &Schema,
    key: LedgerKey,
) -> &'r [ValidRow] {
    let at = schema.ledgers.iter().position(|l| l.key == key);
    rows.get(&record.hash)
        .and_then(|ledgers| ledgers.get(at?))
        .map_or(&[][..], Vec::as_slice)
}

/// A field's text, when filled in.
fn text(row: &ValidRow, col: usize) -> Option<String> {
    let value = row.values.get(col)?.as_ref()?;
    let text = value.text().trim().to_string();
    (!text.is_empty()).then_some(text)
}

fn date(row: &ValidRow, col: usize) -> Option<NaiveDate> {
    row.values.get(col)?.as_ref().and_then(Value::as_date)
}

/// On the roster at `end`: joined by then and not left by then.
fn in_library(schema: &Schema, row: &ValidRow, end: NaiveDate) -> bool {
    let roles = &schema.roles.roster;
    let joined = date(row, roles.joined).is_none_or(|d| d <= end);
    let left = date(row, roles.left).is_some_and(|d| d <= end);
    joined && !left
}

/// The talent's record id, as ids are matched.
fn id_of(schema: &Schema, key: LedgerKey, row: &ValidRow) -> Option<String> {
    let ledger = schema.ledgers.iter().find(|l| l.key == key)?;
    text(row, ledger.id).map(|t| match_key(&t))
}

/// Who agrees in a roster, with the 风采简介 they approved.
fn consents(schema: &Schema, roster: &[ValidRow]) -> HashMap<String, Option<String>> {
    let roles = &schema.roles.roster;
    let Some((col, yes)) = &roles.consent else {
        return HashMap::new();
    };
    roster
        .iter()
        .filter(|r| text(r, *col).as_deref() == Some(yes.as_str()))
        .filter_map(|r| {
            // Approved text, yet a number typed into it is still masked.
            let profile = roles
                .profile
                .and_then(|p| text(r, p))
                .map(|p| crate::mask::masked(&p).into_owned());
            Some((id_of(schema, LedgerKey::Roster, r)?, profile))
        })
        .collect()
}

/// The year's achievements, by the talent ids they name; each once.
fn honours(
    schema: &Schema,
    rows: &HashMap<String, Vec<Vec<ValidRow>>>,
    records: &[&Record],
    year: i32,
) -> HashMap<String, Vec<Honour>> {
    let Some(achievements) = schema
        .ledgers
        .iter()
        .find(|l| l.key == LedgerKey::Achievements)
    else {
        return HashMap::new();
    };
    let roles = &schema.roles.achievements;
    let refs = achievements
        .fields
        .iter()
        .position(|f| f.references == Some(LedgerKey::Roster));
    let mut seen = HashSet::new();
    let mut out: HashMap<String, Vec<Honour>> = HashMap::new();
    for record in records {
        for row in ledger(rows, record, schema, LedgerKey::Achievements) {
            let Some(day) = date(row, achievements.date).filter(|d| d.year() == year) else {
                continue;
            };
            let id = id_of(schema, LedgerKey::Achievements, row);
            if id.as_ref().is_some_and(|id| !seen.insert(id.clone())) {
                continue;
            }
            let honour = Honour {
                date: day,
                name: text(row, roles.name).unwrap_or_default(),
                kind: text(row, roles.kind).unwrap_or_default(),
                level: text(row, roles.level).unwrap_or_default(),
            };
            let Some(Some(named)) = refs.and_then(|c| row.values.get(c)) else {
                continue;
            };
            for talent in named.refs() {
                out.entry(match_key(&talent))
                    .or_default()
                    .push(honour.clone());
            }
        }
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| (a.date, &a.name).cmp(&(b.date, &b.name)));
    }
    out
}

/// A roster row as shown, when the talent agrees.
fn talent(
    schema: &Schema,
    unit: &Unit,
    row: &ValidRow,
    consents: &HashMap<String, Option<String>>,
    honours: &HashMap<String, Vec<Honour>>,
) -> Option<Talent> {
    let roles = &schema.roles.roster;
    let id = id_of(schema, LedgerKey::Roster, row)?;
    let profile = consents.get(&id)?.clone();
    let deputy = text(row, roles.deputy).filter(|d| *d != roles.no_deputy);
    Some(Talent {
        name: text(row, roles.name?)?,
        platform: unit.name.clone(),
        employer: roles.employer.and_then(|c| text(row, c)),
        kind: text(row, roles.kind),
        education: text(row, roles.education),
        // “无” is the schema's word for none (as for 代表委员).
        qualification: text(row, roles.qualification).filter(|q| *q != roles.no_deputy),
        key_talent: text(row, roles.key).as_deref() == Some(roles.key_talent.as_str()),
        deputy,
        honours: honours.get(&id).cloned().unwrap_or_default(),
        profile,
    })
}
