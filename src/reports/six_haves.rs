//! The 六有 standard (SPEC §1), judged from the registry and the ledgers
//! received: 有阵地 (the centre's and stations' floor area), 有名称, 有职能 (the
//! registry's 职能), 有组织 (the centre: a head, a secretary-general and every
//! station headed; a station or workroom: a head), 有制度 and 有台账 (all five
//! ledgers sent). The model keeps what each check found as numbers and
//! names ([`Found`]); [`evidence`] words it for the reports, and a check not
//! met says what is missing.

use serde_json::json;

use crate::error::Error;
use crate::figures::{Check, Found};
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

/// The six checks, in the standard's order: whether each is met and what
/// it found, as numbers and names ([`evidence`] words it).
pub fn checks(f: &Facts<'_>) -> Result<Vec<Check>, Error> {
    let words = WORDS.get();
    let check = |key: &str, (ok, found): (bool, Found)| -> Result<Check, Error> {
        Ok(Check {
            name: words.plain(key)?,
            ok,
            found,
        })
    };
    let name = Found::Name {
        name: f.unit.name.clone(),
    };
    Ok(vec![
        check("area", area(f))?,
        check("name", (!f.unit.name.is_empty(), name))?,
        check("duty", duty(f.unit))?,
        check("organisation", organisation(f))?,
        check("rules", rules(f.unit))?,
        check("ledgers", ledgers(f))?,
    ])
}

type Judged = (bool, Found);

fn area(f: &Facts<'_>) -> Judged {
    let floor = f.targets.min_area;
    // 有阵地 sets an area only for the centre and the stations (SPEC §1).
    let needs_area = f.unit.level != Level::Workroom;
    let ok = !needs_area || f.unit.area.is_some_and(|a| a >= floor);
    let found = Found::Area {
        area: f.unit.area,
        floor: needs_area.then_some(floor),
    };
    (ok, found)
}

fn duty(unit: &Unit) -> Judged {
    let found = Found::Duty {
        duty: unit.duty.clone(),
    };
    (unit.duty.is_some(), found)
}

fn organisation(f: &Facts<'_>) -> Judged {
    if f.unit.level == Level::Centre {
        return centre_organisation(f);
    }
    let found = Found::Head {
        head: f.unit.head.clone(),
    };
    (f.unit.head.is_some(), found)
}

/// The centre: a head, a secretary-general, and its specialists (the heads
/// of its stations): every station headed, at least `specialists` of them.
fn centre_organisation(f: &Facts<'_>) -> Judged {
    let stations: Vec<&Unit> = f.registry.children(&f.unit.code).collect();
    let headed = stations.iter().filter(|s| s.head.is_some()).count() as u64;
    let stations = stations.len() as u64;
    let floor = u64::from(f.targets.organisation.specialists);
    let ok = f.unit.head.is_some()
        && f.unit.secretary.is_some()
        && headed == stations
        && headed >= floor;
    let found = Found::Centre {
        head: f.unit.head.clone(),
        secretary: f.unit.secretary.clone(),
        stations,
        headed,
        floor,
    };
    (ok, found)
}

fn rules(unit: &Unit) -> Judged {
    let ok = unit.rules.is_some_and(|n| n >= 1);
    (ok, Found::Rules { rules: unit.rules })
}

fn ledgers(f: &Facts<'_>) -> Judged {
    let found = Found::Ledgers {
        sent: f.ledgers_sent as u64,
        kept: f.ledgers_kept as u64,
    };
    (f.ledgers_sent == f.ledgers_kept, found)
}

/// What a check found, in the words of `templates/six_haves.toml` (“460
/// 平方米（不少于 200 平方米）”); a check not met says what is missing.
pub fn evidence(check: &Check) -> Result<String, Error> {
    let words = WORDS.get();
    let number = crate::read::cell::format_number;
    Ok(match &check.found {
        Found::Area {
            area: Some(a),
            floor: Some(floor),
        } => words.render(
            "area_with_floor",
            &json!({ "area": number(*a), "floor": number(*floor) }),
        )?,
        Found::Area { area: Some(a), .. } => {
            words.render("area_plain", &json!({ "area": number(*a) }))?
        }
        Found::Area { area: None, .. } => words.plain("area_missing")?,
        Found::Name { name } => name.clone(),
        Found::Duty { duty: Some(duty) } => {
            words.render("duty_evidence", &json!({ "duty": duty }))?
        }
        Found::Duty { duty: None } => words.plain("duty_missing")?,
        Found::Head { head: Some(head) } => {
            words.render("organisation_evidence", &json!({ "head": head }))?
        }
        Found::Head { head: None } => words.plain("head_missing")?,
        Found::Centre { .. } => centre_evidence(words, &check.found)?,
        Found::Rules { rules: Some(n) } => words.render("rules_evidence", &json!({ "n": n }))?,
        Found::Rules { rules: None } => words.plain("rules_missing")?,
        Found::Ledgers { sent, kept } => {
            words.render("ledgers_evidence", &json!({ "n": sent, "total": kept }))?
        }
    })
}

/// The centre's organisation: who heads it, or what is missing.
fn centre_evidence(words: &Texts, found: &Found) -> Result<String, Error> {
    let Found::Centre {
        head,
        secretary,
        stations,
        headed,
        floor,
    } = found
    else {
        return Ok(String::new());
    };
    let mut missing = Vec::new();
    if head.is_none() {
        missing.push(words.plain("head_missing")?);
    }
    if secretary.is_none() {
        missing.push(words.plain("secretary_missing")?);
    }
    if headed < stations {
        let n = stations - headed;
        missing.push(words.render("stations_without_head", &json!({ "n": n }))?);
    }
    if headed < floor {
        let vars = json!({ "n": headed, "floor": floor });
        missing.push(words.render("specialists_short", &vars)?);
    }
    if !missing.is_empty() {
        return Ok(missing.join(&words.plain("missing_join")?));
    }
    let vars = json!({ "head": head, "secretary": secretary, "specialists": headed });
    Ok(words.render("organisation_centre", &vars)?)
}
