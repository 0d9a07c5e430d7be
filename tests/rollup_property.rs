//! Property: for any tree and any facts, a station's rolled-up figures are its
//! own plus its workrooms', and the centre's are its own plus its stations'.

use jucai::schema::LedgerKey;
use std::collections::BTreeMap;

use jucai::aggregate::frames::{membership, Frames};
use jucai::aggregate::load::{AchievementRow, ActivityRow, AsOf, CaseRow, TalentRow};
use jucai::figures::{Breakdown, Figures, Rate};
use jucai::period::Period;
use jucai::registry::{Level, Registry, Unit};
use jucai::schema::Schema;
use proptest::prelude::*;

fn unit(code: String, level: Level, parent: Option<String>) -> Unit {
    Unit {
        name: format!("单位{code}"),
        code,
        level,
        parent,
        kind: None,
        address: None,
        area: None,
        head: None,
        phone: None,
        rules: None,
        opened: None,
        note: None,
        duty: None,
        secretary: None,
        email: None,
        row: 0,
    }
}

fn registry(rooms_per_station: &[usize]) -> Registry {
    let mut units = vec![unit("C".into(), Level::Centre, None)];
    for (s, rooms) in rooms_per_station.iter().enumerate() {
        let code = format!("C-{s}");
        units.push(unit(code.clone(), Level::Station, Some("C".into())));
        for w in 0..*rooms {
            units.push(unit(
                format!("{code}-{w}"),
                Level::Workroom,
                Some(code.clone()),
            ));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.xlsx");
    let levels = ["中心", "工作站", "工作室"].map(String::from).to_vec();
    jucai::reports::template::registry::write(&Schema::builtin(), &units, &levels, &path).unwrap();
    Registry::load(&path, &Schema::builtin()).unwrap().0
}

const WORDS: [&str; 3] = ["甲", "乙", "丙"];

/// One fact of each kind, placed at unit `u`, with values drawn from `x`.
fn facts(codes: &[String], picks: &[(usize, i32, i32, u8)]) -> AsOf {
    let (mut talents, mut cases, mut activities, mut achievements) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, &(u, d1, d2, w)) in picks.iter().enumerate() {
        let unit = codes[u % codes.len()].clone();
        let word = WORDS[usize::from(w) % 3].to_string();
        talents.push(TalentRow {
            unit: unit.clone(),
            joined: d1,
            left: (w % 2 == 0).then_some(d1 + d2),
            birth: None,
            age_band: WORDS[usize::from(w) % 3],
            sex: word.clone(),
            kind: word.clone(),
            education: word.clone(),
            politics: word.clone(),
            qualification: word.clone(),
            certified: w % 3 == 0,
            party: w % 2 == 1,
            key: w % 5 == 0,
            deputy: word.clone(),
        });
        cases.push(CaseRow {
            unit: unit.clone(),
            ledger: if w % 2 == 0 {
                LedgerKey::Problems
            } else {
                LedgerKey::Needs
            },
            id: format!("X{i}"),
            registered: d1,
            closed: (w % 3 != 0).then_some(d1 + d2),
            status: word.clone(),
            category: word.clone(),
            description: String::new(),
            escalated: w % 4 == 0,
            satisfied: w % 3 == 1,
        });
        activities.push(ActivityRow {
            unit: unit.clone(),
            date: d1,
            name: String::new(),
            kind: word.clone(),
            scope: word.clone(),
            participants: i64::from(d2),
            talents: i64::from(d2 / 2),
            funds: f64::from(d2) * 1.5,
            five_kind: w % 2 == 1,
            sector_wide: w % 7 == 0,
        });
        achievements.push(AchievementRow {
            unit,
            date: d1 + d2,
            name: String::new(),
            kind: word.clone(),
            level: word,
            research: w % 3 == 2,
        });
    }
    let period = Period {
        year: 2023,
        quarter: 2,
    };
    AsOf::from_rows(period, &talents, &cases, &activities, &achievements).unwrap()
}

fn add_breakdown(a: &mut Breakdown, b: &Breakdown) {
    for (k, v) in b.iter() {
        a.add(k, *v);
    }
}

/// The additive parts of figures (rates and means are not additive).
fn add(a: &mut Figures, b: &Figures) {
    let (t, u) = (&mut a.talents, &b.talents);
    t.in_library += u.in_library;
    t.joined += u.joined;
    t.left += u.left;
    t.certified_social_workers += u.certified_social_workers;
    t.key_talents += u.key_talents;
    t.party_members += u.party_members;
    for (x, y) in [
        (&mut t.by_kind, &u.by_kind),
        (&mut t.by_sex, &u.by_sex),
        (&mut t.by_age, &u.by_age),
        (&mut t.by_education, &u.by_education),
        (&mut t.by_politics, &u.by_politics),
        (&mut t.by_qualification, &u.by_qualification),
        (&mut t.by_deputy, &u.by_deputy),
    ] {
        add_breakdown(x, y);
    }
    for (x, y) in [(&mut a.problems, &b.problems), (&mut a.needs, &b.needs)] {
        x.carried += y.carried;
        x.new += y.new;
        x.closed += y.closed;
        x.open += y.open;
        x.escalated += y.escalated;
        x.satisfied += y.satisfied;
        add_breakdown(&mut x.by_category, &y.by_category);
        // A rate's two counts add up like any other count.
        x.closure_rate += y.closure_rate;
        x.satisfaction_rate += y.satisfaction_rate;
        x.mean_days_to_close = None;
    }
    let (x, y) = (&mut a.activities, &b.activities);
    x.count += y.count;
    x.participants += y.participants;
    x.talent_participants += y.talent_participants;
    x.funds = ((x.funds + y.funds) * 100.0).round() / 100.0;
    x.five_kinds += y.five_kinds;
    x.sector_wide += y.sector_wide;
    add_breakdown(&mut x.by_type, &y.by_type);
    add_breakdown(&mut x.by_scope, &y.by_scope);
    let (x, y) = (&mut a.achievements, &b.achievements);
    x.count += y.count;
    x.research_reports += y.research_reports;
    add_breakdown(&mut x.by_type, &y.by_type);
    add_breakdown(&mut x.by_level, &y.by_level);
}

fn additive(mut f: Figures) -> Figures {
    for c in [&mut f.problems, &mut f.needs] {
        c.mean_days_to_close = None;
    }
    f
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn rolled_figures_are_own_plus_children(
        rooms in proptest::collection::vec(0usize..4, 1..4),
        picks in proptest::collection::vec((0usize..40, 19_300i32..19_560, 0i32..90, 0u8..35), 0..60),
    ) {
        let registry = registry(&rooms);
        let codes: Vec<String> = registry.units().iter().map(|u| u.code.clone()).collect();
        let asof = facts(&codes, &picks);
        let frames = Frames::new(&asof).unwrap();
        let (start, end) = (19_448, 19_538);
        let rolled = frames.figures(&membership(&registry, true).unwrap(), start, end).unwrap();
        let own = frames.figures(&membership(&registry, false).unwrap(), start, end).unwrap();
        // Every case of the window's caseload is closed in it or open at its end.
        for f in rolled.values().chain(own.values()) {
            for c in [&f.problems, &f.needs] {
                prop_assert_eq!(c.carried + c.new, c.closed + c.open, "{:?}", c);
                prop_assert_eq!(c.closure_rate, Rate::new(c.closed, c.carried + c.new));
            }
        }
        let get = |m: &BTreeMap<String, Figures>, c: &str| additive(m.get(c).cloned().unwrap_or_default());
        for parent in registry.units().iter().filter(|u| u.level != Level::Workroom) {
            let mut expected = get(&own, &parent.code);
            for child in registry.children(&parent.code) {
                add(&mut expected, &get(&rolled, &child.code));
            }
            prop_assert_eq!(get(&rolled, &parent.code), expected, "{}", parent.code);
        }
    }
}
