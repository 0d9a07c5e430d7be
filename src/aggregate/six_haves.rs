//! The 六有 standard (SPEC §1), judged from the registry and the ledgers
//! received: 有阵地 (the centre's and stations' floor area), 有名称, 有职能 (the
//! registry's 职能), 有组织 (the centre: a head, a secretary-general and every
//! station headed; a station or workroom: a head), 有制度 and 有台账 (all five
//! ledgers sent). A check not met says what is missing.

use serde_json::json;

use crate::error::Error;
use crate::model::Check;
use crate::registry::{Level, Registry, Unit};
use crate::targets::Targets;
use crate::wording::{Builtin, Texts};

pub const WORDING: &str = include_str!("../../templates/six_haves.toml");

/// The names and evidence of the checks.
static WORDS: Builtin = Builtin::new("templates/six_haves.toml", WORDING);

/// What the checks of one unit look at.
pub struct Facts<'a> {
    pub registry: &'a Registry,
    pub unit: &'a Unit,
    pub targets: &'a Targets,
    /// How many of the schema's ledgers the unit's submission for the period has.
    pub ledgers_sent: usize,
    pub ledgers_kept: usize,
}

/// The six checks, in the standard's order.
pub fn checks(f: &Facts<'_>) -> Result<Vec<Check>, Error> {
    let words = WORDS.get();
    let check = |key: &str, (ok, evidence): (bool, String)| -> Result<Check, Error> {
        Ok(Check {
            name: words.plain(key)?,
            ok,
            evidence,
        })
    };
    Ok(vec![
        check("area", area(words, f)?)?,
        check("name", (!f.unit.name.is_empty(), f.unit.name.clone()))?,
        check("duty", duty(words, f.unit)?)?,
        check("organisation", organisation(words, f)?)?,
        check("rules", rules(words, f.unit)?)?,
        check("ledgers", ledgers(words, f)?)?,
    ])
}

type Judged = Result<(bool, String), Error>;

fn area(words: &Texts, f: &Facts<'_>) -> Judged {
    let number = crate::read::cell::format_number;
    let floor = f.targets.min_area;
    // 有阵地 sets an area only for the centre and the stations (SPEC §1).
    let needs_area = f.unit.level != Level::Workroom;
    let evidence = match (f.unit.area, needs_area) {
        (Some(a), true) => words.render(
            "area_with_floor",
            &json!({ "area": number(a), "floor": number(floor) }),
        )?,
        (Some(a), false) => words.render("area_plain", &json!({ "area": number(a) }))?,
        (None, _) => words.plain("area_missing")?,
    };
    let ok = !needs_area || f.unit.area.is_some_and(|a| a >= floor);
    Ok((ok, evidence))
}

fn duty(words: &Texts, unit: &Unit) -> Judged {
    Ok(match &unit.duty {
        Some(duty) => (
            true,
            words.render("duty_evidence", &json!({ "duty": duty }))?,
        ),
        None => (false, words.plain("duty_missing")?),
    })
}

fn organisation(words: &Texts, f: &Facts<'_>) -> Judged {
    if f.unit.level == Level::Centre {
        return centre_organisation(words, f);
    }
    Ok(match &f.unit.head {
        Some(head) => (
            true,
            words.render("organisation_evidence", &json!({ "head": head }))?,
        ),
        None => (false, words.plain("head_missing")?),
    })
}

/// The centre: a head, a secretary-general, and its specialists (the heads
/// of its stations): every station headed, at least `specialists` of them.
fn centre_organisation(words: &Texts, f: &Facts<'_>) -> Judged {
    let stations: Vec<&Unit> = f.registry.children(&f.unit.code).collect();
    let headed = stations.iter().filter(|s| s.head.is_some()).count();
    let floor = f.targets.organisation.specialists as usize;
    let mut missing = Vec::new();
    if f.unit.head.is_none() {
        missing.push(words.plain("head_missing")?);
    }
    if f.unit.secretary.is_none() {
        missing.push(words.plain("secretary_missing")?);
    }
    if headed < stations.len() {
        let n = stations.len() - headed;
        missing.push(words.render("stations_without_head", &json!({ "n": n }))?);
    }
    if headed < floor {
        let vars = json!({ "n": headed, "floor": floor });
        missing.push(words.render("specialists_short", &vars)?);
    }
    if !missing.is_empty() {
        return Ok((false, missing.join(&words.plain("missing_join")?)));
    }
    let vars = json!({ "head": f.unit.head, "secretary": f.unit.secretary, "specialists": headed });
    Ok((true, words.render("organisation_centre", &vars)?))
}

fn rules(words: &Texts, unit: &Unit) -> Judged {
    Ok(match unit.rules {
        Some(n) => (n >= 1, words.render("rules_evidence", &json!({ "n": n }))?),
        None => (false, words.plain("rules_missing")?),
    })
}

fn ledgers(words: &Texts, f: &Facts<'_>) -> Judged {
    let vars = json!({ "n": f.ledgers_sent, "total": f.ledgers_kept });
    Ok((
        f.ledgers_sent == f.ledgers_kept,
        words.render("ledgers_evidence", &vars)?,
    ))
}
