//! Aggregation time on a larger archive, and where the time goes.
//!
//! `cargo bench --bench aggregate [-- STATIONS ROOMS]` (default 10 stations ×
//! 20 workrooms = 211 units, four quarters of 2023 = 844 workbooks).

use std::collections::BTreeSet;
use std::time::Instant;

use jucai::aggregate::frames::{membership, Frames};
use jucai::aggregate::inputs::Inputs;
use jucai::aggregate::load::{AsOf, Records, Submissions};
use jucai::archive::Archive;
use jucai::period::day;
use jucai::period::Period;
use jucai::registry::Registry;
use jucai::reports::quarterly::build;
use jucai::reports::template::workbook::{LedgerTemplates, TemplateJob};
use jucai::schema::Schema;

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (stations, rooms) = (
        args.first().copied().unwrap_or(10),
        args.get(1).copied().unwrap_or(20),
    );
    let schema = Schema::builtin();
    let dir = std::env::temp_dir().join(format!("jucai-bench-aggregate-{stations}x{rooms}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (units, levels) = jucai::sample::synthetic(jucai::sample::SYNTHETIC_CODE, stations, rooms);
    let platform = dir.join("platform.xlsx");
    jucai::reports::template::registry::write(&schema, &units, &levels, &platform).unwrap();
    let registry = Registry::load(&platform, &schema).unwrap().0;
    let periods: Vec<Period> = (1..=4)
        .map(|q| Period {
            year: 2023,
            quarter: q,
        })
        .collect();

    let t = Instant::now();
    let (_, subs, _) = jucai::sample::submissions::generate(&registry.tree_order(), &periods, 1, 1);
    let templates = LedgerTemplates::new().unwrap();
    let mut archive = Archive::open(&dir.join("archive")).unwrap();
    let inbox = dir.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let mut rows = 0usize;
    for (i, sub) in subs.iter().enumerate() {
        let unit = registry.unit(&sub.unit).unwrap();
        let job = TemplateJob {
            schema: &schema,
            unit,
            period: sub.period,
            deadline_days: 10,
            fill: Some(&sub.fill),
        };
        let bytes = templates.to_bytes(&job).unwrap();
        rows += sub.fill.ledgers.values().map(Vec::len).sum::<usize>();
        std::fs::write(inbox.join(format!("{i:05}.xlsx")), bytes).unwrap();
    }
    let limits = jucai::limits::Limits::default();
    let rules = jucai::intake::Rules {
        schema: &schema,
        registry: &registry,
        limits: &limits,
    };
    let bar = indicatif::ProgressBar::hidden();
    jucai::intake::take_in(std::slice::from_ref(&inbox), &mut archive, rules, &bar).unwrap();
    println!(
        "archive: {} units, {} workbooks, {rows} ledger rows, built in {:.1} s",
        registry.units().len(),
        subs.len(),
        t.elapsed().as_secs_f64()
    );

    let q4 = periods[3];
    let needed: BTreeSet<Period> = periods.iter().copied().collect();
    let t = Instant::now();
    let loaded = Submissions::load(
        &archive,
        &registry,
        &needed,
        &jucai::validate::fingerprint(&schema, &registry, &limits),
    )
    .unwrap();
    let load = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let records = Records::read(&archive, &schema, &loaded).unwrap();
    let asof = AsOf::build(q4, &loaded, &records, &registry).unwrap();
    let asof_time = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let frames = Frames::new(&asof).unwrap();
    let members = membership(&registry, true).unwrap();
    let figures = frames
        .figures(&members, day(q4.start()), day(q4.end()))
        .unwrap();
    let polars_time = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let reports = build(
        &Inputs {
            registry: &registry,
            schema: &schema,
            archive: &archive,
            deadline_days: 10,
            targets: &jucai::targets::Targets::builtin(),
            limits: &limits,
        },
        q4,
    )
    .unwrap();
    let total = t.elapsed().as_secs_f64();
    assert_eq!(reports.len(), registry.units().len());
    assert!(figures.len() <= registry.units().len());
    println!("read the newest submissions' extracts  : {load:.2} s");
    println!("records as of 2023Q4 (dedupe, carry)   : {asof_time:.3} s  ({} talents, {} cases, {} activities)", asof.talents.height(), asof.cases.height(), asof.activities.height());
    println!("polars figures, one window             : {polars_time:.3} s");
    println!("whole report build (3 as-of points × 2 windows, status, 六有) : {total:.2} s");

    // Rendering: the quarterly report of the centre and every station, PDF and XLSX.
    let t = Instant::now();
    let quarterly = jucai::reports::quarterly::render::QuarterlyWriter::new(&schema, None).unwrap();
    let out = dir.join("reports");
    let mut bytes = 0u64;
    let mut n = 0;
    for r in reports
        .iter()
        .filter(|r| r.level_kind != jucai::registry::Level::Workroom)
    {
        let doc = quarterly.build(r).unwrap();
        let (pdf, xlsx) = doc.write(&out, &quarterly.file_stem(r).unwrap()).unwrap();
        bytes += std::fs::metadata(pdf).unwrap().len() + std::fs::metadata(xlsx).unwrap().len();
        n += 1;
    }
    let render = t.elapsed().as_secs_f64();
    println!(
        "render {n} quarterly reports (PDF + XLSX, {:.1} MB) : {render:.2} s ({:.0} ms each)",
        bytes as f64 / 1e6,
        render * 1000.0 / f64::from(n)
    );
}
