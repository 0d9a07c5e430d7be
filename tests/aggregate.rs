//! Aggregation on a hand-built tree (1 centre, 2 stations, 3 workrooms) over
//! two quarters, every figure checked against values worked out by hand below.
//! Includes a resubmission that changes a record, an event dated in the
//! previous quarter but first reported now, a unit that sends only the
//! quarter's rows, a unit that did not submit, a late one and an excluded row.

use crate::common;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use common::{t, Book, Cell};
use jucai::registry::{Level, Unit};
use jucai::schema::Schema;
use serde_json::Value;

fn n(v: f64) -> Cell {
    Cell::Number(v)
}

type Row = Vec<(&'static str, Cell)>;

/// A workbook in the template's layout with the given rows (by field name).
fn workbook(
    code: &str,
    name: &str,
    period: &str,
    filled: Cell,
    ledgers: &[(&str, Vec<Row>)],
) -> Vec<u8> {
    let schema = Schema::builtin();
    let mut sheets = vec![(
        "封面".to_string(),
        vec![
            vec![t("单位编码"), t(code)],
            vec![t("单位名称"), t(name)],
            vec![t("报送期"), t(period)],
            vec![t("填报人"), t("张三")],
            vec![t("联系电话"), t("13900000000")],
            vec![t("填报日期"), filled],
        ],
    )];
    for ledger in &schema.ledgers {
        let header: Vec<Cell> = ledger.fields.iter().map(|f| t(&f.name)).collect();
        let mut rows = vec![vec![t(&format!("{name}{}", ledger.name))], header];
        for (key, data) in ledgers {
            if *key != ledger.key.as_str() {
                continue;
            }
            for row in data {
                let map: BTreeMap<&str, &Cell> = row.iter().map(|(k, v)| (*k, v)).collect();
                rows.push(
                    ledger
                        .fields
                        .iter()
                        .map(|f| {
                            map.get(f.name.as_str())
                                .map_or(Cell::Empty, |c| (*c).clone())
                        })
                        .collect(),
                );
            }
        }
        sheets.push((ledger.name.clone(), rows));
    }
    Book {
        sheets,
        ..Book::default()
    }
    .bytes()
}

/// A talent's ID number (GB 11643, with the right check character) that
/// agrees with the birth date and sex, and a mobile number of their own; the
/// number in `id` ("T3") keeps both apart from the others'.
fn id_number_and_phone(id: &str, sex: &str, birth: &Cell) -> (String, String) {
    let Cell::Date(y, m, d) = birth else {
        panic!("birth date of {id}")
    };
    let n: u32 = id.trim_start_matches('T').parse().unwrap();
    // The 17th digit is odd for 男, even for 女.
    let order = format!("{n:02}{}", if sex == "男" { 1 } else { 2 });
    let first17 = format!("150602{y:04}{m:02}{d:02}{order}");
    let id_number = jucai::read::id_number::with_check_char(&first17).unwrap();
    (id_number, format!("1390000{:04}", 100 + n))
}

fn talent(
    id: &str,
    sex: &str,
    birth: Cell,
    joined: Cell,
    [edu, politics, kind, qual]: [&str; 4],
) -> Row {
    let (id_number, phone) = id_number_and_phone(id, sex, &birth);
    vec![
        ("人才编号", t(id)),
        ("姓名", t("某某")),
        ("性别", t(sex)),
        ("出生日期", birth),
        ("政治面貌", t(politics)),
        ("学历", t(edu)),
        ("人才类别", t(kind)),
        ("职业资格", t(qual)),
        ("工作单位", t("某单位")),
        ("联系电话", t(&phone)),
        ("身份证号", t(&id_number)),
        ("入库日期", joined),
        ("在库状态", t("在库")),
    ]
}

fn left(mut row: Row, on: Cell) -> Row {
    row.retain(|(k, _)| *k != "在库状态");
    row.push(("在库状态", t("流出")));
    row.push(("流出日期", on));
    row
}

fn problem(id: &str, registered: Cell, status: &str, closed: Option<Cell>) -> Row {
    let mut row = vec![
        ("问题编号", t(id)),
        ("登记日期", registered),
        ("问题类别", t("工作条件")),
        ("问题描述", t("活动场地不足")),
        ("办理层级", t("工作室")),
        ("办理状态", t(status)),
    ];
    if let Some(c) = closed {
        row.push(("办结日期", c));
        row.push(("处理措施", t("已协调")));
    }
    row
}

fn activity(
    id: &str,
    date: Cell,
    kind: &str,
    scope: &str,
    people: f64,
    talents: f64,
    funds: f64,
) -> Row {
    vec![
        ("活动编号", t(id)),
        ("活动日期", date),
        ("活动名称", t("活动")),
        ("活动类型", t(kind)),
        ("活动范围", t(scope)),
        ("参与人数", n(people)),
        ("人才参与人数", n(talents)),
        ("经费（元）", n(funds)),
    ]
}

fn achievement(id: &str, date: Cell, kind: &str, level: &str) -> Row {
    vec![
        ("成果编号", t(id)),
        ("取得日期", date),
        ("成果名称", t("成果")),
        ("成果类型", t(kind)),
        ("成果级别", t(level)),
        ("完成人（单位）", t("某单位")),
    ]
}

fn need(id: &str, registered: Cell, status: &str, closed: Option<Cell>) -> Row {
    let mut row = vec![
        ("需求编号", t(id)),
        ("登记日期", registered),
        ("需求类别", t("教育培训")),
        ("需求描述", t("希望参加培训")),
        ("对接状态", t(status)),
    ];
    if let Some(c) = closed {
        row.push(("办结日期", c));
    }
    row
}

fn unit(code: &str, name: &str, level: Level, parent: Option<&str>, area: f64) -> Unit {
    Unit {
        code: code.into(),
        name: name.into(),
        level,
        parent: parent.map(str::to_string),
        kind: None,
        address: Some("某地".into()),
        area: Some(area),
        head: Some("负责人".into()),
        phone: Some("0477-1234567".into()),
        rules: Some(3),
        opened: NaiveDate::from_ymd_opt(2022, 1, 1),
        note: None,
        duty: Some("联系服务本单位人才".into()),
        secretary: (level == Level::Centre).then(|| "秘书长".into()),
        email: None,
        row: 0,
    }
}

/// `tests/fixtures/aggregate.toml`: the talents, and the workbooks of the inbox.
#[derive(serde::Deserialize)]
struct Data {
    talents: BTreeMap<String, TalentSpec>,
    workbooks: Vec<WorkbookSpec>,
}

#[derive(serde::Deserialize)]
struct TalentSpec {
    sex: String,
    birth: toml::value::Datetime,
    joined: toml::value::Datetime,
    education: String,
    politics: String,
    kind: String,
    qualification: String,
    /// 重点人才 and 联系领导, for the talents that have them.
    key: Option<String>,
    leader: Option<String>,
}

impl TalentSpec {
    fn row(&self, id: &str) -> Row {
        let mut row = talent(
            id,
            &self.sex,
            day(&self.birth),
            day(&self.joined),
            [
                &self.education,
                &self.politics,
                &self.kind,
                &self.qualification,
            ],
        );
        if let Some(key) = &self.key {
            row.push(("重点人才", t(key)));
        }
        if let Some(leader) = &self.leader {
            row.push(("联系领导", t(leader)));
        }
        row
    }
}

#[derive(serde::Deserialize)]
struct WorkbookSpec {
    file: String,
    unit: String,
    name: String,
    period: String,
    filled: toml::value::Datetime,
    #[serde(default)]
    roster: Vec<InRoster>,
    #[serde(default)]
    problems: Vec<CaseSpec>,
    #[serde(default)]
    needs: Vec<CaseSpec>,
    #[serde(default)]
    activities: Vec<ActivitySpec>,
    #[serde(default)]
    achievements: Vec<AchievementSpec>,
}

/// A talent on a roster: by number, or by number with the day they left.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum InRoster {
    Talent(String),
    Left {
        id: String,
        left: toml::value::Datetime,
    },
}

#[derive(serde::Deserialize)]
struct CaseSpec {
    id: String,
    registered: toml::value::Datetime,
    status: String,
    closed: Option<toml::value::Datetime>,
}

#[derive(serde::Deserialize)]
struct ActivitySpec {
    id: String,
    date: toml::value::Datetime,
    kind: String,
    scope: String,
    people: f64,
    talents: f64,
    funds: f64,
}

#[derive(serde::Deserialize)]
struct AchievementSpec {
    id: String,
    date: toml::value::Datetime,
    kind: String,
    level: String,
}

impl WorkbookSpec {
    fn bytes(&self, talents: &BTreeMap<&str, Row>) -> Vec<u8> {
        let roster = self
            .roster
            .iter()
            .map(|r| match r {
                InRoster::Talent(id) => talents[id.as_str()].clone(),
                InRoster::Left { id, left: on } => left(talents[id.as_str()].clone(), day(on)),
            })
            .collect();
        let closed = |c: &Option<toml::value::Datetime>| c.as_ref().map(day);
        let problems = self
            .problems
            .iter()
            .map(|c| problem(&c.id, day(&c.registered), &c.status, closed(&c.closed)))
            .collect();
        let needs = self
            .needs
            .iter()
            .map(|c| need(&c.id, day(&c.registered), &c.status, closed(&c.closed)))
            .collect();
        let activities = self
            .activities
            .iter()
            .map(|a| {
                activity(
                    &a.id,
                    day(&a.date),
                    &a.kind,
                    &a.scope,
                    a.people,
                    a.talents,
                    a.funds,
                )
            })
            .collect();
        let achievements = self
            .achievements
            .iter()
            .map(|a| achievement(&a.id, day(&a.date), &a.kind, &a.level))
            .collect();
        let ledgers: Vec<(&str, Vec<Row>)> = vec![
            ("roster", roster),
            ("problems", problems),
            ("needs", needs),
            ("activities", activities),
            ("achievements", achievements),
        ];
        workbook(
            &self.unit,
            &self.name,
            &self.period,
            day(&self.filled),
            &ledgers,
        )
    }
}

/// A TOML date as a workbook's date cell.
fn day(date: &toml::value::Datetime) -> Cell {
    let d = date.date.expect("a date");
    Cell::Date(d.year, d.month, d.day)
}

/// The tree, the inbox, intake, and the report model for 2023Q2.
fn reports() -> BTreeMap<String, Value> {
    fixture().reports
}

/// What [`fixture`] built: the report models by unit code, the talents' ID
/// numbers and phones the inbox carries, and the inbox itself.
struct Fixture {
    reports: BTreeMap<String, Value>,
    secrets: Vec<String>,
    inbox: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let units = vec![
        unit("9", "测试中心", Level::Centre, None, 300.0),
        unit("9-01", "甲工作站", Level::Station, Some("9"), 250.0),
        unit("9-01-01", "甲一工作室", Level::Workroom, Some("9-01"), 50.0),
        unit("9-01-02", "甲二工作室", Level::Workroom, Some("9-01"), 50.0),
        unit("9-02", "乙工作站", Level::Station, Some("9"), 150.0),
        unit("9-02-01", "乙一工作室", Level::Workroom, Some("9-02"), 50.0),
    ];
    let levels = vec![
        "中心".to_string(),
        "工作站".to_string(),
        "工作室".to_string(),
    ];
    jucai::reports::template::registry::write(
        &Schema::builtin(),
        &units,
        &levels,
        &root.join("platform.xlsx"),
    )
    .unwrap();

    let data: Data = toml::from_str(
        &std::fs::read_to_string(common::root().join("tests/fixtures/aggregate.toml")).unwrap(),
    )
    .unwrap();
    let talents: BTreeMap<&str, Row> = data
        .talents
        .iter()
        .map(|(id, spec)| (id.as_str(), spec.row(id)))
        .collect();
    let secrets: Vec<String> = talents
        .values()
        .flat_map(|row| row.iter())
        .filter(|(k, _)| *k == "身份证号" || *k == "联系电话")
        .map(|(_, v)| match v {
            Cell::Text(s) => s.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    let inbox = root.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    for w in &data.workbooks {
        std::fs::write(inbox.join(&w.file), w.bytes(&talents)).unwrap();
    }

    let platform = root.join("platform.xlsx").display().to_string();
    let intake = common::jucai(
        root,
        &[
            "intake",
            "inbox",
            "--archive",
            "archive",
            "--platform",
            &platform,
        ],
    );
    assert!(
        intake.status.success(),
        "{}",
        String::from_utf8_lossy(&intake.stderr)
    );
    let run = common::jucai(
        root,
        &[
            "report",
            "quarterly",
            "--period",
            "2023Q2",
            "--format",
            "json",
            "--archive",
            "archive",
            "--platform",
            &platform,
        ],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let all: Vec<Value> = serde_json::from_slice(&run.stdout).unwrap();
    let reports = all
        .into_iter()
        .map(|r| (r["unit"].as_str().unwrap().to_string(), r))
        .collect();
    Fixture {
        reports,
        secrets,
        inbox,
        _dir: dir,
    }
}

fn at<'a>(v: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(v, |v, k| &v[k])
}

#[test]
fn figures_match_the_hand_computed_values() {
    let r = reports();
    let q = |unit: &str, path: &str| at(&r[unit], &format!("quarter.{path}")).clone();
    let y = |unit: &str, path: &str| at(&r[unit], &format!("year_to_date.{path}")).clone();
    use serde_json::json;

    // Talents at 2023-06-30.
    assert_eq!(q("9-01-01", "talents.in_library"), json!(2), "T2 left");
    assert_eq!(q("9-01-01", "talents.joined"), json!(1));
    assert_eq!(q("9-01-01", "talents.left"), json!(1));
    assert_eq!(
        q("9-02-01", "talents.in_library"),
        json!(1),
        "carried forward"
    );
    assert_eq!(
        q("9-01", "talents.in_library"),
        json!(4),
        "own 1 + 甲一 2 + 甲二 1"
    );
    assert_eq!(q("9-02", "talents.in_library"), json!(1));
    assert_eq!(q("9", "talents.in_library"), json!(6));
    assert_eq!(q("9", "talents.certified_social_workers"), json!(4));
    assert_eq!(q("9", "talents.key_talents"), json!(1));
    assert_eq!(q("9", "talents.by_sex"), json!({"女": 3, "男": 3}));
    assert_eq!(
        q("9", "talents.by_age"),
        json!({"35岁及以下": 2, "36–45岁": 1, "46–55岁": 2, "56岁及以上": 1})
    );
    assert_eq!(
        y("9", "talents.joined"),
        json!(3),
        "T2, T3, T5 joined in 2023"
    );
    assert_eq!(y("9", "talents.left"), json!(1));

    // Problems.
    assert_eq!(
        q("9-01-01", "problems.new"),
        json!(1),
        "P3 belongs to the first quarter"
    );
    assert_eq!(y("9-01-01", "problems.new"), json!(3));
    assert_eq!(q("9-01-01", "problems.closed"), json!(1));
    assert_eq!(q("9-01-01", "problems.open"), json!(2));
    assert_eq!(q("9-01-01", "problems.mean_days_to_close"), json!(69.0));
    assert_eq!(
        y("9-01-02", "problems.new"),
        json!(2),
        "quarter-only rows give the same year"
    );
    assert_eq!(
        q("9-01-02", "problems.open"),
        json!(1),
        "P4 escalated, still open"
    );
    assert_eq!(y("9-01-02", "problems.escalated"), json!(1));
    assert_eq!(q("9-01", "problems.closed"), json!(3), "P6 as resubmitted");
    assert_eq!(q("9-01", "problems.open"), json!(3));
    assert_eq!(q("9-01", "problems.closure_rate.value"), json!(0.5));
    let mean = q("9", "problems.mean_days_to_close").as_f64().unwrap();
    assert!((mean - 98.0 / 3.0).abs() < 1e-9, "{mean}");
    assert_eq!(y("9", "problems.new"), json!(6));

    // Needs.
    assert_eq!(q("9", "needs.new"), json!(1));
    assert_eq!(q("9", "needs.satisfied"), json!(1));
    assert_eq!(
        q("9", "needs.open"),
        json!(1),
        "N2 from 乙一's first quarter"
    );
    assert_eq!(y("9", "needs.new"), json!(2));

    // Activities (A6 excluded for its error).
    assert_eq!(q("9", "activities.count"), json!(4));
    assert_eq!(q("9", "activities.participants"), json!(175));
    assert_eq!(q("9", "activities.talent_participants"), json!(90));
    assert_eq!(q("9", "activities.funds"), json!(7300.5));
    assert_eq!(q("9", "activities.five_kinds"), json!(3));
    assert_eq!(q("9", "activities.sector_wide"), json!(1));
    assert_eq!(y("9", "activities.count"), json!(5));

    // Achievements.
    assert_eq!(q("9", "achievements.count"), json!(1));
    assert_eq!(
        y("9", "achievements.by_level"),
        json!({"县区级": 1, "市级": 1})
    );
    assert_eq!(y("9", "achievements.research_reports"), json!(1));

    // Own figures: a workroom's are its year to date (shared, not counted
    // again); a station with nothing of its own has none, though its
    // workroom has some.
    let own = |unit: &str, path: &str| at(&r[unit], &format!("own_year_to_date.{path}")).clone();
    assert_eq!(
        r["9-01-01"]["own_year_to_date"],
        r["9-01-01"]["year_to_date"]
    );
    assert_eq!(y("9-02", "talents.in_library"), json!(1));
    assert_eq!(own("9-02", "talents.in_library"), json!(0));
    assert_eq!(own("9-01", "talents.in_library"), json!(1), "甲 itself");
}

#[test]
fn targets_six_haves_reporting_and_quality() {
    let r = reports();
    use serde_json::json;
    let targets = |u: &str| {
        r[u]["targets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["name"].as_str().unwrap().to_string(),
                    t["actual"].clone(),
                    t["met"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        targets("9-01"),
        [
            ("五类人才活动".into(), json!(2), json!(false)),
            ("人才调研报告".into(), json!(0), json!(false))
        ]
    );
    assert_eq!(
        targets("9"),
        [
            ("全行业人才活动".into(), json!(1), json!(true)),
            ("人才调研报告".into(), json!(1), json!(true))
        ]
    );
    let haves = |u: &str| {
        r[u]["six_haves"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["ok"].as_bool().unwrap())
            .collect::<Vec<_>>()
    };
    assert!(!haves("9-02")[0], "乙工作站 150 m² < 200 m²");
    assert_eq!(haves("9-01"), [true; 6]);

    let rep = &r["9"]["reporting"];
    assert_eq!(rep["due"], json!(6));
    // One unit's newest version has errors: 退回未改, not 已报.
    assert_eq!(rep["submitted"], json!(4));
    assert_eq!(rep["returned"].as_array().unwrap().len(), 1);
    assert_eq!(rep["late"], json!(1));
    assert_eq!(rep["missing"], json!(["乙一工作室"]));
    assert_eq!(rep["carried_forward"], json!(["乙一工作室"]));
    assert_eq!(rep["returned"], json!(["甲一工作室"]));
    assert_eq!(r["9"]["quality"]["rows_excluded"], json!({"活动台账": 1}));
    assert_eq!(r["9-02"]["reporting"]["missing"], json!(["乙一工作室"]));

    let open: Vec<&str> = r["9-01"]["open_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(open, ["P4", "P3", "P2"], "longest open first");
    // Comparisons exist where the earlier period is in the archive.
    assert!(r["9"]["previous_quarter"].is_object());
    assert!(r["9"]["previous_year"].is_null());
    assert_eq!(
        r["9"]["previous_quarter"]["talents"]["in_library"],
        json!(6),
        "T1, T2, T4, T5, T6, T7 at 2023-03-31"
    );
}

#[test]
fn report_json_never_carries_id_numbers_or_phones() {
    let f = fixture();
    // The inbox really carries seven valid ID numbers and seven phones…
    assert_eq!(f.secrets.len(), 14);
    let ids: Vec<&String> = f.secrets.iter().filter(|s| s.len() == 18).collect();
    assert_eq!(ids.len(), 7, "{:?}", f.secrets);
    for id in &ids {
        let check = jucai::read::id_number::check_char(&id[..17]).unwrap();
        assert!(id.ends_with(check), "{id} has the GB 11643 check character");
    }
    let mut typed = String::new();
    for entry in std::fs::read_dir(&f.inbox).unwrap() {
        use calamine::Reader;
        let mut book = calamine::open_workbook_auto(entry.unwrap().path()).unwrap();
        let range = book.worksheet_range("人才信息台账").unwrap();
        for (_, _, cell) in range.cells() {
            typed.push_str(&cell.to_string());
            typed.push(' ');
        }
    }
    for secret in &f.secrets {
        assert!(typed.contains(secret.as_str()), "{secret} is in the inbox");
    }
    // …and they were read as valid: no roster row was left out for them.
    assert_eq!(
        f.reports["9"]["quality"]["rows_excluded"],
        serde_json::json!({"活动台账": 1})
    );
    // None of them reaches the report model.
    let text = serde_json::to_string(&f.reports).unwrap();
    assert!(!text.contains("13900000001"));
    for secret in &f.secrets {
        assert!(!text.contains(secret.as_str()), "the JSON carries {secret}");
    }
}
