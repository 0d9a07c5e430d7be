//! The export for a province (SPEC §13), read by a real engine: three made-up
//! districts are generated, taken in and exported into one folder, which
//! DuckDB then reads as one Hive-partitioned dataset.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

use crate::common::{self, duckdb};

/// The province's key for `talent_key` in these tests.
const SECRET: &str = "省级测试密钥-not-a-real-one";

/// District (centre code) and the seed its data is drawn from: 990003 has the
/// seed of 990001, so the same people appear in both.
const DISTRICTS: [(&str, &str); 3] = [("990001", "1"), ("990002", "2"), ("990003", "1")];

struct Province {
    dir: tempfile::TempDir,
}

impl Province {
    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The shared export folder.
    fn out(&self) -> PathBuf {
        self.path().join("province")
    }

    /// `read_parquet` of one exported table, partitions as string columns.
    fn table(&self, name: &str) -> String {
        format!(
            "read_parquet('{}/{name}/**/*.parquet', hive_partitioning = true, hive_types_autocast = false)",
            self.out().display()
        )
    }
}

/// jucai run with the province secret in the environment (as a clerk would
/// set it, rather than writing it into jucai.toml).
fn jucai_keyed(dir: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_jucai"))
        .current_dir(dir)
        .env(jucai::config::SECRET_ENV, SECRET)
        .args(args)
        .output()
        .expect("jucai runs");
    assert!(
        out.status.success(),
        "jucai {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `--platform` and `--archive` of one district.
fn district_args(code: &str) -> [String; 4] {
    [
        "--platform".into(),
        format!("{code}/platform.xlsx"),
        "--archive".into(),
        format!("{code}/archive"),
    ]
}

fn args<'a>(head: &[&'a str], district: &'a [String; 4], tail: &[&'a str]) -> Vec<&'a str> {
    let mut all = head.to_vec();
    all.extend(district.iter().map(String::as_str));
    all.extend(tail);
    all
}

/// Generate, take in and export the three districts once for all tests.
fn province() -> &'static Province {
    static PROVINCE: OnceLock<Province> = OnceLock::new();
    PROVINCE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        for (code, seed) in DISTRICTS {
            let sample = [
                "sample", "--units", "21", "--code", code, "--seed", seed, "--years", "1", "--out",
                code,
            ];
            common::jucai_ok(p, &sample);
            let d = district_args(code);
            let inbox = format!("{code}/inbox");
            common::jucai_ok(p, &args(&["intake", &inbox], &d, &[]));
            jucai_keyed(
                p,
                &args(&["export", "--year", "2023", "--out", "province"], &d, &[]),
            );
        }
        Province { dir }
    })
}

/// The centre's figures of a district's quarterly report model.
fn report(p: &Province, code: &str, period: &str) -> Value {
    let d = district_args(code);
    let out = common::jucai_ok(
        p.path(),
        &args(
            &[
                "report",
                "quarterly",
                "--period",
                period,
                "--format",
                "json",
            ],
            &d,
            &[],
        ),
    );
    let all: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let centre = all.into_iter().find(|r| r["unit"] == code).unwrap();
    centre["quarter"].clone()
}

fn at<'a>(v: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(v, |v, k| &v[k])
}

/// What DuckDB counts in the records of each (district, period), next to the
/// report figure it must equal.
const COUNTS: [(&str, &str); 5] = [
    ("talents.in_library", "in_library"),
    ("needs.new", "needs"),
    ("problems.new", "problems"),
    ("activities.count", "activities"),
    ("achievements.count", "achievements"),
];

/// Per (district, period), counted from the exported records alone.
fn counted(p: &Province) -> BTreeMap<(String, String), Vec<i64>> {
    // The period's last day, from its code: 2023Q2 → 2023-06-30.
    let end = "last_day(make_date(substr(period, 1, 4)::int, substr(period, 6, 1)::int * 3, 1))";
    let sql = format!(
        "with r as (select district, period, count(*) filter (
                     where 入库日期 <= {end} and (流出日期 is null or 流出日期 > {end})) n
                   from {roster} group by all),
              n as (select district, period, count(*) n from {needs} group by all),
              q as (select district, period, count(*) n from {problems} group by all),
              a as (select district, period, count(*) n from {activities} group by all),
              c as (select district, period, count(*) n from {achievements} group by all)
         select r.district, r.period, r.n,
                coalesce(n.n, 0), coalesce(q.n, 0), coalesce(a.n, 0), coalesce(c.n, 0)
         from r left join n using (district, period) left join q using (district, period)
                left join a using (district, period) left join c using (district, period)
         order by all",
        roster = p.table("roster"),
        needs = p.table("needs"),
        problems = p.table("problems"),
        activities = p.table("activities"),
        achievements = p.table("achievements"),
    );
    duckdb(p.path(), &sql)
        .into_iter()
        .map(|row| {
            let key = (
                row[0].as_str().unwrap().into(),
                row[1].as_str().unwrap().into(),
            );
            (key, row[2..].iter().map(|v| v.as_i64().unwrap()).collect())
        })
        .collect()
}

#[test]
fn per_district_totals_read_by_duckdb_match_each_districts_report() {
    let p = province();
    let counted = counted(p);
    let periods = ["2023Q1", "2023Q2", "2023Q3", "2023Q4"];
    assert_eq!(
        counted.len(),
        DISTRICTS.len() * periods.len(),
        "every district and period: {counted:?}"
    );
    let figures = format!(
        "select district, period, indicator, value from {} \
         where scope_level = 'centre' and \"window\" = 'quarter'",
        p.table("figures")
    );
    let figures: BTreeMap<(String, String, String), f64> = duckdb(p.path(), &figures)
        .into_iter()
        .map(|r| {
            let key = |i: usize| r[i].as_str().unwrap().to_string();
            ((key(0), key(1), key(2)), r[3].as_f64().unwrap())
        })
        .collect();
    // Q2 is the period a workroom carried its roster into (it sent none).
    for period in ["2023Q2", "2023Q4"] {
        for (code, _) in DISTRICTS {
            let report = report(p, code, period);
            let counts = &counted[&(code.to_string(), period.to_string())];
            for ((indicator, what), n) in COUNTS.iter().zip(counts) {
                let reported = at(&report, indicator).as_i64().unwrap();
                assert!(reported > 0, "{code} {period} {indicator} is not empty");
                assert_eq!(*n, reported, "{code} {period}: {what} counted in DuckDB");
                let figure = figures[&(code.into(), period.into(), indicator.to_string())];
                assert_eq!(
                    figure, reported as f64,
                    "{code} {period}: figures {indicator}"
                );
            }
        }
    }
    // The districts really differ, so the partitions cannot have been mixed up.
    let q4 = |code: &str| counted[&(code.to_string(), "2023Q4".to_string())].clone();
    assert_ne!(q4("990001"), q4("990002"));
}

#[test]
fn carried_forward_rosters_are_flagged_and_codes_stay_strings() {
    let p = province();
    let sql = format!(
        "select period, count(*) filter (where carried_forward), count(distinct unit),
                min(length(unit)), count(*) filter (where centre <> district),
                count(*) filter (where station is null)
         from {} where district = '990001' group by all order by all",
        p.table("roster")
    );
    let rows = duckdb(p.path(), &sql);
    let carried: Vec<i64> = rows.iter().map(|r| r[1].as_i64().unwrap()).collect();
    assert!(carried.iter().any(|n| *n > 0), "a carried roster: {rows:?}");
    for r in &rows {
        assert_eq!(r[3], 6, "codes are strings, leading digits kept: {r:?}");
        assert_eq!(r[4], 0, "centre column is the district: {r:?}");
    }
    let units = format!(
        "select level, count(*) from {} where district = '990002' group by all order by all",
        p.table("units")
    );
    let units = duckdb(p.path(), &units);
    assert_eq!(
        units,
        vec![
            vec![Value::from("centre"), Value::from(1)],
            vec![Value::from("station"), Value::from(1)],
            vec![Value::from("workroom"), Value::from(19)],
        ]
    );
}

/// Every value of every exported table, as text, one string per row.
fn every_value(p: &Province, table: &str) -> Vec<String> {
    let sql = format!("select * from {}", p.table(table));
    duckdb(p.path(), &sql)
        .into_iter()
        .map(|row| {
            row.iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

/// ID numbers and phones of every district: the archive's own extracts of
/// the rosters (which keep them) and the registries.
fn personal_data(p: &Province) -> Vec<String> {
    let mut found = Vec::new();
    for (code, _) in DISTRICTS {
        let sql = format!(
            "select distinct 身份证号 from read_parquet('{code}/archive/extracts/*.roster.parquet') \
             where 身份证号 is not null
             union select distinct 联系电话 from read_parquet('{code}/archive/extracts/*.roster.parquet') \
             where 联系电话 is not null"
        );
        for row in duckdb(p.path(), &sql) {
            found.push(row[0].as_str().unwrap().to_string());
        }
        let schema = jucai::schema::Schema::builtin();
        let platform = p.path().join(code).join("platform.xlsx");
        let (registry, _) = jucai::registry::Registry::load(&platform, &schema).unwrap();
        found.extend(registry.units().iter().filter_map(|u| u.phone.clone()));
    }
    found
}

#[test]
fn no_id_number_or_phone_leaves_the_district() {
    let p = province();
    let personal = personal_data(p);
    assert!(personal.len() > 500, "ID numbers and phones to look for");
    assert!(
        personal.iter().any(|s| s.len() == 18),
        "ID numbers among them"
    );
    // One automaton for all of them (a plain scan per string took a minute).
    let alternatives: Vec<String> = personal.iter().map(|s| regex::escape(s)).collect();
    let any = regex::bytes::Regex::new(&alternatives.join("|")).unwrap();
    let mut rows = 0;
    for table in [
        "roster",
        "needs",
        "problems",
        "activities",
        "achievements",
        "figures",
        "units",
    ] {
        for row in every_value(p, table) {
            rows += 1;
            let found = any.find(row.as_bytes());
            assert!(found.is_none(), "{table} holds personal data: {row}");
        }
    }
    assert!(rows > 5000, "{rows} rows looked at");
    // Not in the files' bytes either (metadata, statistics).
    for file in parquet_files(&p.out()) {
        let bytes = std::fs::read(&file).unwrap();
        let found = any
            .find(&bytes)
            .map(|m| String::from_utf8_lossy(m.as_bytes()).into_owned());
        assert_eq!(found, None, "{} holds personal data", file.display());
    }
    let columns = format!("select * from {} limit 0", p.table("roster"));
    let names = duckdb_columns(p, &columns);
    for private in ["身份证号", "联系电话"] {
        assert!(!names.contains(&private.to_string()), "{names:?}");
    }
    assert!(names.contains(&"talent_key".to_string()), "{names:?}");
}

/// The column names a query gives.
fn duckdb_columns(p: &Province, sql: &str) -> Vec<String> {
    let describe = format!("select column_name from (describe {sql})");
    duckdb(p.path(), &describe)
        .into_iter()
        .map(|r| r[0].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn talent_key_counts_the_same_people_across_districts_without_naming_them() {
    let p = province();
    let sql = format!(
        "select district, count(distinct talent_key), count(talent_key), count(*)
         from {} where period = '2023Q4' group by all order by all",
        p.table("roster")
    );
    let per_district = duckdb(p.path(), &sql);
    for r in &per_district {
        assert_eq!(r[2], r[3], "every talent has a key: {r:?}");
    }
    let people = |code: &str| {
        per_district
            .iter()
            .find(|r| r[0] == code)
            .map(|r| r[1].as_i64().unwrap())
            .unwrap()
    };
    let across = format!(
        "select count(distinct talent_key) from {} where period = '2023Q4' \
         and district in ('990001', '990003')",
        p.table("roster")
    );
    let across = duckdb(p.path(), &across)[0][0].as_i64().unwrap();
    assert_eq!(people("990001"), people("990003"), "same seed, same people");
    assert_eq!(across, people("990001"), "the same people, keyed the same");
    let all = format!(
        "select count(distinct talent_key) from {} where period = '2023Q4'",
        p.table("roster")
    );
    let all = duckdb(p.path(), &all)[0][0].as_i64().unwrap();
    assert!(all > across, "990002's people are others");

    // The key is keyed: not the bare SHA-256 of an ID number.
    let keys = format!(
        "select talent_key from {} where district = '990001' and period = '2023Q4'",
        p.table("roster")
    );
    let keys: Vec<String> = duckdb(p.path(), &keys)
        .into_iter()
        .map(|r| r[0].as_str().unwrap().to_string())
        .collect();
    let ids =
        "select distinct 身份证号 from read_parquet('990001/archive/extracts/*.roster.parquet')";
    for id in duckdb(p.path(), ids).iter().filter_map(|r| r[0].as_str()) {
        let bare = jucai::hash::sha256_hex(id.as_bytes());
        assert!(!keys.contains(&bare), "{id} hashed without the secret");
    }
}

#[test]
fn without_a_secret_there_is_no_talent_key() {
    let p = province();
    let out = tempfile::tempdir().unwrap();
    let d = district_args("990002");
    let dest = out.path().display().to_string();
    common::jucai_ok(
        p.path(),
        &args(&["export", "--period", "2023Q3", "--out", &dest], &d, &[]),
    );
    let sql = format!(
        "select * from read_parquet('{dest}/roster/**/*.parquet', hive_partitioning = true) limit 0"
    );
    let names = duckdb_columns(p, &sql);
    assert!(names.contains(&"姓名".to_string()), "{names:?}");
    assert!(
        !names.iter().any(|n| n == "talent_key" || n == "身份证号"),
        "{names:?}"
    );
}

/// Every Parquet file under `dir`, sorted.
fn parquet_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walk(dir)
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "parquet"))
        .collect();
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Each file under `dir` (relative) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walk(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(&f).unwrap();
            (f.strip_prefix(dir).unwrap().to_path_buf(), bytes)
        })
        .collect()
}

#[test]
fn export_again_is_byte_identical_and_a_new_period_adds_only_its_partitions() {
    let p = province();
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().display().to_string();
    let d = district_args("990001");
    let export = |period: &str| {
        jucai_keyed(
            p.path(),
            &args(&["export", "--period", period, "--out", &dest], &d, &[]),
        )
    };
    export("2023Q3");
    let first = snapshot(out.path());
    assert_eq!(
        first.len(),
        7,
        "five ledgers, figures, units: {:?}",
        first.keys()
    );
    export("2023Q3");
    assert_eq!(
        first,
        snapshot(out.path()),
        "the same archive, the same bytes"
    );

    export("2023Q4");
    let second = snapshot(out.path());
    for (file, bytes) in &first {
        assert_eq!(
            Some(bytes),
            second.get(file),
            "{} unchanged",
            file.display()
        );
    }
    let added: Vec<String> = second
        .keys()
        .filter(|f| !first.contains_key(*f))
        .map(|f| f.display().to_string())
        .collect();
    assert_eq!(added.len(), 6, "{added:?}");
    assert!(
        added.iter().all(|f| f.contains("period=2023Q4")),
        "{added:?}"
    );

    // The year export wrote the same bytes for 2023Q3 as the period export.
    let shared = p.out();
    for (file, bytes) in &first {
        if file.starts_with("units") {
            continue;
        }
        let there = std::fs::read(shared.join(file)).unwrap();
        assert_eq!(&there, bytes, "{}", file.display());
    }
}

#[test]
fn export_of_a_period_not_received_says_so() {
    let p = province();
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().display().to_string();
    let d = district_args("990001");
    let run = common::jucai(
        p.path(),
        &args(&["export", "--period", "2024Q1", "--out", &dest], &d, &[]),
    );
    assert_eq!(run.status.code(), Some(2), "cannot go on: exit 2");
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("2024年第一季度"), "{err}");
    assert!(
        std::fs::read_dir(out.path()).unwrap().next().is_none(),
        "nothing written"
    );
    let both = common::jucai(
        p.path(),
        &args(
            &[
                "export", "--period", "2023Q1", "--year", "2023", "--out", &dest,
            ],
            &d,
            &[],
        ),
    );
    assert_eq!(
        both.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&both.stderr)
    );
}

/// What the generator itself made for a district: talents in the library at
/// the quarter's end, activities and achievements dated in it.
fn generated(p: &Province, code: &str, seed: u64, period: jucai::period::Period) -> [i64; 3] {
    let schema = jucai::schema::Schema::builtin();
    let platform = p.path().join(code).join("platform.xlsx");
    let (registry, _) = jucai::registry::Registry::load(&platform, &schema).unwrap();
    let periods: Vec<_> = (1..=4)
        .map(|quarter| jucai::period::Period {
            year: 2023,
            quarter,
        })
        .collect();
    let tree = registry.tree_order();
    let (histories, _, _) = jucai::sample::submissions::generate(&tree, &periods, seed, 1);
    let (start, end) = (period.start(), period.end());
    let within = |d: chrono::NaiveDate| start <= d && d <= end;
    let mut n = [0; 3];
    for h in &histories {
        let in_library =
            |t: &&jucai::sample::people::Talent| t.joined <= end && t.left.is_none_or(|l| l > end);
        n[0] += h.talents.iter().filter(in_library).count() as i64;
        n[1] += h.activities.iter().filter(|a| within(a.date)).count() as i64;
        n[2] += h.achievements.iter().filter(|a| within(a.date)).count() as i64;
    }
    n
}

#[test]
fn the_last_quarters_totals_in_duckdb_are_what_the_generator_made() {
    let p = province();
    let counted = counted(p);
    let q4 = jucai::period::Period {
        year: 2023,
        quarter: 4,
    };
    for (code, seed) in DISTRICTS {
        let made = generated(p, code, seed.parse().unwrap(), q4);
        assert!(made.iter().all(|n| *n > 0), "{code}: {made:?}");
        let c = &counted[&(code.to_string(), "2023Q4".to_string())];
        assert_eq!(
            [c[0], c[3], c[4]],
            made,
            "{code}: in library, activities, achievements"
        );
    }
}
