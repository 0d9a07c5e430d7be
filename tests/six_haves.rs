//! The 六有 checks judged from the registry and the ledgers: each one fails
//! on its own, and says what is missing.

use chrono::NaiveDate;
use jucai::registry::{Level, Registry, Unit};
use jucai::reports::six_haves::{checks, evidence as evidence_of, Facts};
use jucai::schema::Schema;
use jucai::targets::Targets;

fn unit(code: &str, level: Level, parent: Option<&str>) -> Unit {
    Unit {
        code: code.into(),
        name: format!("{code}单位"),
        level,
        parent: parent.map(str::to_string),
        kind: None,
        address: Some("某地".into()),
        area: Some(300.0),
        head: Some(format!("{code}负责人")),
        phone: Some("0477-1234567".into()),
        rules: Some(3),
        opened: NaiveDate::from_ymd_opt(2022, 1, 1),
        note: None,
        duty: Some("联系服务本单位人才".into()),
        secretary: (level == Level::Centre).then(|| "秘书长甲".into()),
        email: None,
        row: 0,
    }
}

/// A centre with four headed stations and a workroom, everything in order;
/// `edit` changes it before it is written and loaded as a registry.
fn registry(edit: impl FnOnce(&mut Vec<Unit>)) -> Registry {
    let mut units = vec![unit("C", Level::Centre, None)];
    for s in ["S1", "S2", "S3", "S4"] {
        units.push(unit(s, Level::Station, Some("C")));
    }
    units.push(unit("S1-W", Level::Workroom, Some("S1")));
    edit(&mut units);
    let schema = Schema::builtin();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("名录.xlsx");
    let levels = ["中心", "工作站", "工作室"].map(String::from);
    jucai::reports::template::registry::write(&schema, &units, &levels, &path).unwrap();
    let (registry, diags) = Registry::load(&path, &schema).unwrap();
    assert!(diags.is_empty(), "{diags:?}");
    registry
}

/// (check name, met, evidence) of every check of `code`.
fn judged(registry: &Registry, code: &str, ledgers_sent: usize) -> Vec<(String, bool, String)> {
    let targets = Targets::builtin();
    let facts = Facts {
        registry,
        unit: registry.unit(code).unwrap(),
        targets: &targets,
        ledgers_sent,
        ledgers_kept: 5,
    };
    checks(&facts)
        .unwrap()
        .into_iter()
        .map(|c| {
            let said = evidence_of(&c).unwrap();
            (c.name, c.ok, said)
        })
        .collect()
}

/// The names of the checks not met.
fn failed(judged: &[(String, bool, String)]) -> Vec<&str> {
    judged
        .iter()
        .filter(|(_, ok, _)| !ok)
        .map(|(n, _, _)| n.as_str())
        .collect()
}

fn evidence<'a>(judged: &'a [(String, bool, String)], name: &str) -> &'a str {
    &judged.iter().find(|(n, _, _)| n == name).unwrap().2
}

#[test]
fn a_unit_in_order_meets_all_six() {
    let r = registry(|_| {});
    for code in ["C", "S1", "S1-W"] {
        assert_eq!(failed(&judged(&r, code, 5)), Vec::<&str>::new(), "{code}");
    }
    let centre = judged(&r, "C", 5);
    assert_eq!(
        evidence(&centre, "有组织"),
        "负责人：C负责人；秘书长：秘书长甲；专职人员 4 名（各工作站负责人）"
    );
    assert_eq!(evidence(&centre, "有职能"), "联系服务本单位人才");
}

#[test]
fn each_check_fails_on_its_own_and_says_why() {
    let only = |edit: fn(&mut Vec<Unit>), code: &str, sent: usize, check: &str, why: &str| {
        let r = registry(edit);
        let j = judged(&r, code, sent);
        assert_eq!(failed(&j), [check], "{code}: {j:?}");
        assert_eq!(evidence(&j, check), why, "{code}");
    };
    only(
        |u| u[1].area = Some(150.0),
        "S1",
        5,
        "有阵地",
        "150 平方米（不少于 200 平方米）",
    );
    only(|u| u[1].area = None, "S1", 5, "有阵地", "名录未填面积");
    only(|u| u[1].duty = None, "S1", 5, "有职能", "名录未填写职能");
    only(|u| u[5].head = None, "S1-W", 5, "有组织", "负责人未配备");
    only(|u| u[1].rules = Some(0), "S1", 5, "有制度", "制度 0 项");
    only(|u| u[1].rules = None, "S1", 5, "有制度", "名录未填制度数");
    only(|_| {}, "S1", 4, "有台账", "本期报送 4/5 类台账");
    // The centre's organisation: its head, its secretary-general, its stations' heads.
    only(|u| u[0].secretary = None, "C", 5, "有组织", "秘书长未配备");
    only(|u| u[0].head = None, "C", 5, "有组织", "负责人未配备");
    only(
        |u| {
            u[2].head = None;
            u[3].head = None;
        },
        "C",
        5,
        "有组织",
        "2 个工作站未配备负责人；专职人员 2 名，少于 4 名",
    );
}

#[test]
fn a_workroom_needs_no_floor_area() {
    let r = registry(|u| u[5].area = Some(40.0));
    assert_eq!(failed(&judged(&r, "S1-W", 5)), Vec::<&str>::new());
}

#[test]
fn the_specialists_floor_comes_from_the_targets() {
    let r = registry(|u| u.truncate(3));
    let mut targets = Targets::builtin();
    let facts = |t: &Targets| {
        checks(&Facts {
            registry: &r,
            unit: r.unit("C").unwrap(),
            targets: t,
            ledgers_sent: 5,
            ledgers_kept: 5,
        })
        .unwrap()[3]
            .clone()
    };
    let org = facts(&targets);
    assert!(!org.ok, "two stations are fewer than the four specialists");
    assert_eq!(evidence_of(&org).unwrap(), "专职人员 2 名，少于 4 名");
    // The model keeps the numbers the words come from.
    assert_eq!(
        org.found,
        jucai::figures::Found::Centre {
            head: Some("C负责人".into()),
            secretary: Some("秘书长甲".into()),
            stations: 2,
            headed: 2,
            floor: 4,
        }
    );
    targets.organisation.specialists = 2;
    assert!(facts(&targets).ok, "a district with two specialists");
}
