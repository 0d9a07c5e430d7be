//! Deterministic sample data: the Dongsheng registry (the seed document's
//! "1+4+N" table, names and addresses verbatim) and two years of quarterly
//! ledger submissions, with the mistakes and irregularities real ones have.

pub(crate) mod corpus;
pub mod history;
pub(crate) mod inbox;
pub mod legacy;
pub mod people;
pub mod submissions;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::registry::{Level, Unit};

const DONGSHENG: &str = include_str!("dongsheng.toml");

/// The Dongsheng district's administrative code, used as the centre's code.
pub const DONGSHENG_CODE: &str = "150602";

/// The centre's code of a made-up district unless `--code` says otherwise.
pub const SYNTHETIC_CODE: &str = "990000";

#[derive(Deserialize)]
struct Seed {
    levels: Vec<String>,
    /// A workroom's 职能, `{kind}` being its station's talent kind.
    workroom_duty: String,
    centre: SeedUnit,
    stations: Vec<SeedStation>,
}

#[derive(Deserialize)]
struct SeedUnit {
    name: String,
    address: String,
    area: f64,
    head: String,
    phone: String,
    rules: i64,
    opened: NaiveDate,
    #[serde(default)]
    secretary: Option<String>,
    #[serde(default)]
    duty: Option<String>,
    #[serde(default)]
    email: Option<String>,
}

#[derive(Deserialize)]
struct SeedStation {
    kind: String,
    #[serde(flatten)]
    unit: SeedUnit,
    workrooms: Vec<(String, String)>,
}

/// Workroom heads: the seed names none, so plausible names are drawn in turn.
const HEADS: [&str; 24] = [
    "王丽娟",
    "李海燕",
    "张建军",
    "刘晓红",
    "陈志强",
    "杨秀英",
    "赵敏",
    "黄俊峰",
    "周雅琴",
    "吴宏伟",
    "徐静",
    "孙国庆",
    "马晓东",
    "朱丽萍",
    "胡文斌",
    "郭淑芬",
    "何建平",
    "高娜",
    "林志远",
    "罗春梅",
    "郑永刚",
    "梁晓燕",
    "宋佳",
    "乌云其其格",
];

/// The Dongsheng registry: 1 centre, 4 stations, 22 workrooms, and the registry's
/// level names.
pub fn dongsheng() -> (Vec<Unit>, Vec<String>) {
    let seed: Seed = toml::from_str(DONGSHENG).expect("dongsheng.toml is valid (checked by tests)");
    let mut units = vec![unit(
        DONGSHENG_CODE.to_string(),
        &seed.centre,
        Level::Centre,
        None,
        None,
    )];
    let mut n = 0usize;
    for (s, station) in seed.stations.iter().enumerate() {
        let code = format!("{DONGSHENG_CODE}-{:02}", s + 1);
        units.push(unit(
            code.clone(),
            &station.unit,
            Level::Station,
            Some(DONGSHENG_CODE.to_string()),
            Some(station.kind.clone()),
        ));
        for (w, (name, address)) in station.workrooms.iter().enumerate() {
            let room = SeedUnit {
                name: name.clone(),
                address: address.clone(),
                area: 40.0 + ((n * 23) % 80) as f64,
                head: HEADS[n % HEADS.len()].to_string(),
                phone: format!("139{:08}", 47_710_000 + n * 7_919),
                rules: 2 + (n % 3) as i64,
                opened: station.unit.opened + chrono::Days::new(7 * (w as u64 + 1)),
                secretary: None,
                email: None,
                duty: Some(seed.workroom_duty.replace("{kind}", &station.kind)),
            };
            units.push(unit(
                format!("{code}-{:02}", w + 1),
                &room,
                Level::Workroom,
                Some(code.clone()),
                Some(station.kind.clone()),
            ));
            n += 1;
        }
    }
    (units, seed.levels)
}

fn unit(
    code: String,
    u: &SeedUnit,
    level: Level,
    parent: Option<String>,
    kind: Option<String>,
) -> Unit {
    Unit {
        code,
        name: u.name.clone(),
        level,
        parent,
        kind,
        address: Some(u.address.clone()),
        area: Some(u.area),
        head: Some(u.head.clone()),
        phone: Some(u.phone.clone()),
        rules: Some(u.rules),
        opened: Some(u.opened),
        note: None,
        duty: u.duty.clone(),
        secretary: u.secretary.clone(),
        email: u.email.clone(),
        row: 0,
    }
}

const KINDS: [&str; 4] = ["社会工作", "养老护理", "殡葬服务", "社会组织党建"];

/// The 职能 every unit of a made-up district has.
const SYNTHETIC_DUTY: &str = "见示例区人才工作平台建设方案";

/// A made-up district of any size: one centre, `stations` stations of the
/// four kinds in turn, each with `rooms` workrooms, the centre's code being
/// `centre` (unit codes derive from it). For benchmarks and tests.
pub fn synthetic(centre: &str, stations: usize, rooms: usize) -> (Vec<Unit>, Vec<String>) {
    let seed_unit = |name: String, area: f64, n: usize| SeedUnit {
        name,
        address: format!("示例路{}号", n + 1),
        area,
        head: HEADS[n % HEADS.len()].to_string(),
        phone: format!("139{:08}", 10_000_000 + n * 7),
        rules: 3,
        opened: NaiveDate::from_ymd_opt(2022, 6, 1).unwrap_or_default(),
        secretary: (n == 0).then(|| HEADS[HEADS.len() - 1].to_string()),
        email: None,
        duty: Some(SYNTHETIC_DUTY.to_string()),
    };
    let mut units = vec![unit(
        centre.into(),
        &seed_unit("示例区民政人才工作中心".into(), 400.0, 0),
        Level::Centre,
        None,
        None,
    )];
    let mut n = 1;
    for s in 0..stations {
        let kind = KINDS[s % KINDS.len()];
        let code = format!("{centre}-{:03}", s + 1);
        units.push(unit(
            code.clone(),
            &seed_unit(
                format!("示例区第{}{}人才工作站", s + 1, kind),
                220.0 + (s % 5) as f64 * 20.0,
                n,
            ),
            Level::Station,
            Some(centre.into()),
            Some(kind.into()),
        ));
        n += 1;
        for w in 0..rooms {
            units.push(unit(
                format!("{code}-{:03}", w + 1),
                &seed_unit(
                    format!("示例区第{}站第{}{}人才工作室", s + 1, w + 1, kind),
                    60.0,
                    n,
                ),
                Level::Workroom,
                Some(code.clone()),
                Some(kind.into()),
            ));
            n += 1;
        }
    }
    (
        units,
        ["中心", "工作站", "工作室"].map(String::from).to_vec(),
    )
}
