//! Province-scale benchmark: a generated corpus of UNITS units × 4 quarters,
//! every ledger scaled by SCALE, received as the clerk receives it (mostly
//! `.eml`, some `.mbox`, loose files). Measured in one run, on all cores:
//!
//! * (a) the floor: read every cell of every received workbook with calamine;
//! * (b) jucai: intake (mail parsing, hashing, archiving, validation) and
//!   aggregation (the quarterly report models of every unit for the 4 quarters
//!   and the annual models);
//! * (c) rendering: quarterly and annual reports (PDF + XLSX) of the centre and
//!   every station, the assessment packets and score sheet, status sheets.
//!
//! Then the same on a corpus of UNITS/4 units, to show how time grows.
//!
//! `cargo bench --bench province [-- UNITS SCALE]` (default 2000 units, scale 8:
//! about 1.3 million ledger rows). Corpora are generated once, by the `jucai
//! sample` command in a separate process, into `target/bench-province/`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use calamine::{open_workbook_auto_from_rs, Reader};
use rayon::prelude::*;

use jucai::aggregate::report::{build_all, Inputs};
use jucai::archive::Archive;
use jucai::config::Config;
use jucai::period::Period;
use jucai::registry::Registry;

fn main() {
    let args: Vec<u32> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let units = args.first().copied().unwrap_or(2000) as usize;
    let scale = args.get(1).copied().unwrap_or(8);
    println!(
        "machine: {} cores; rayon threads: {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        rayon::current_num_threads()
    );
    if let Ok(dir) = std::env::var("JUCAI_BENCH_MEASURE") {
        // The child: measure one corpus and report it as one line.
        let m = measure(Path::new(&dir));
        println!("RESULT {}", m.line());
        return;
    }
    let mut rows = Vec::new();
    let corpora: Vec<PathBuf> = [units / 4, units].map(|n| corpus(n, scale)).to_vec();
    // Outputs of earlier runs go first: ext4 is slow to create files just
    // after deleting many, which would be charged to intake.
    for c in &corpora {
        let _ = std::fs::remove_dir_all(c.join("run"));
    }
    for c in &corpora {
        rows.push(measure_in_child(c));
    }
    println!("\n| units | workbooks | ledger rows | cells | inbox MB | (a) read | (b) jucai | (b)/(a) | (c) render | peak MB |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {} | {:.0} | {:.1} s | {:.1} s | {:.2}× | {:.1} s | {} |",
            r.units,
            r.workbooks,
            r.rows,
            r.cells,
            r.inbox_mb,
            r.read,
            r.jucai,
            r.jucai / r.read,
            r.render,
            r.peak
        );
    }
    if let [quarter, full] = rows.as_slice() {
        println!(
            "\nfull / quarter: rows {:.2}×, (a) {:.2}×, (b) {:.2}×, (c) {:.2}×",
            full.rows as f64 / quarter.rows as f64,
            full.read / quarter.read,
            full.jucai / quarter.jucai,
            full.render / quarter.render
        );
    }
}

struct Measured {
    units: usize,
    workbooks: usize,
    rows: usize,
    cells: usize,
    inbox_mb: f64,
    read: f64,
    jucai: f64,
    render: f64,
    /// Peak resident memory of the whole measurement (a)–(c), in MB.
    peak: u64,
}

impl Measured {
    fn line(&self) -> String {
        format!(
            "{} {} {} {} {} {} {} {} {}",
            self.units,
            self.workbooks,
            self.rows,
            self.cells,
            self.inbox_mb,
            self.read,
            self.jucai,
            self.render,
            self.peak
        )
    }

    fn parse(line: &str) -> Option<Measured> {
        let f: Vec<&str> = line.split_whitespace().collect();
        Some(Measured {
            units: f.first()?.parse().ok()?,
            workbooks: f.get(1)?.parse().ok()?,
            rows: f.get(2)?.parse().ok()?,
            cells: f.get(3)?.parse().ok()?,
            inbox_mb: f.get(4)?.parse().ok()?,
            read: f.get(5)?.parse().ok()?,
            jucai: f.get(6)?.parse().ok()?,
            render: f.get(7)?.parse().ok()?,
            peak: f.get(8)?.parse().ok()?,
        })
    }
}

/// Measure a corpus in a fresh process, so its peak memory is its own.
fn measure_in_child(dir: &Path) -> Measured {
    let exe = std::env::current_exe().expect("bench executable");
    let out = Command::new(exe)
        .env("JUCAI_BENCH_MEASURE", dir)
        .output()
        .expect("run the measuring process");
    let text = String::from_utf8_lossy(&out.stdout);
    print!(
        "{}",
        text.lines()
            .filter(|l| !l.starts_with("RESULT"))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    );
    text.lines()
        .find_map(|l| Measured::parse(l.strip_prefix("RESULT ")?))
        .unwrap_or_else(|| {
            panic!(
                "measuring {} failed: {}",
                dir.display(),
                String::from_utf8_lossy(&out.stderr)
            )
        })
}

/// The corpus folder for `units` × `scale`, generated if missing.
fn corpus(units: usize, scale: u32) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("../bench-province")
        .join(format!("{units}x{scale}"));
    if dir.join("inbox").exists() {
        return dir;
    }
    let t = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_jucai"))
        .args(["sample", "--years", "1", "--force", "--units"])
        .arg(units.to_string())
        .arg("--scale")
        .arg(scale.to_string())
        .arg("--out")
        .arg(&dir)
        .status()
        .expect("run jucai sample");
    assert!(status.success(), "jucai sample failed");
    println!(
        "generated {} in {:.0} s",
        dir.display(),
        t.elapsed().as_secs_f64()
    );
    dir
}

fn measure(dir: &Path) -> Measured {
    let config = Config::load(None).expect("default configuration");
    let schema = &config.schema;
    let registry = Registry::load(&dir.join("platform.xlsx"), schema)
        .expect("registry")
        .0;
    let inbox = dir.join("inbox");
    let inbox_bytes = warm_page_cache(&inbox);
    let work = dir.join("run");

    // (b) intake + validate + aggregate.
    let t = Instant::now();
    let mut archive = Archive::open(&work.join("archive")).expect("archive");
    let bar = indicatif::ProgressBar::hidden();
    let summary = jucai::intake::take_in(
        std::slice::from_ref(&inbox),
        &mut archive,
        jucai::intake::Rules {
            schema,
            registry: &registry,
            limits: &config.limits,
        },
        &bar,
    )
    .expect("intake");
    let inputs = Inputs {
        registry: &registry,
        schema,
        archive: &archive,
        deadline_days: config.deadline_days,
        targets: &config.targets,
        limits: &config.limits,
    };
    let t_intake = t.elapsed().as_secs_f64();
    let periods = archive.periods();
    let quarterly: BTreeMap<Period, Vec<_>> = periods
        .iter()
        .copied()
        .zip(build_all(&inputs, &periods).expect("quarterly models"))
        .collect();
    let years: BTreeSet<i32> = periods.iter().map(|p| p.year).collect();
    let annual: Vec<_> = years
        .iter()
        .map(|&y| jucai::aggregate::annual::fold(y, &quarterly))
        .collect();
    let jucai_time = t.elapsed().as_secs_f64();
    println!(
        "  (b) = intake {t_intake:.2} s + aggregation {:.2} s",
        jucai_time - t_intake
    );
    assert_eq!(summary.new, summary.received);

    // (c) rendering.
    let t = Instant::now();
    let out = work.join("output");
    for reports in quarterly.values() {
        jucai::commands::report::write_quarterly(reports, schema, &out).expect("quarterly");
    }
    for (reports, &year) in annual.iter().zip(&years) {
        jucai::commands::report::write_annual(reports, &config.schema, config.deadline_days, &out)
            .expect("annual");
        jucai::commands::packet::write(&config, &registry, reports, year, &out).expect("packets");
    }
    for &p in &periods {
        let status = jucai::status::StatusReport::build(&registry, &archive, p, 10);
        jucai::render::status_xlsx::StatusWriter::new()
            .expect("status writer")
            .write(&status, &out.join(p.code()))
            .expect("status");
    }
    let render = t.elapsed().as_secs_f64();
    drop(quarterly);
    drop(annual);

    // (a) the floor: every cell of every workbook received, with calamine.
    let objects: Vec<PathBuf> = archive
        .records()
        .iter()
        .filter(|r| r.workbook)
        .map(|r| {
            work.join("archive/objects")
                .join(&r.hash[..2])
                .join(&r.hash)
        })
        .collect();
    let t = Instant::now();
    let cells: usize = objects.par_iter().map(|p| read_every_cell(p)).sum();
    let read = t.elapsed().as_secs_f64();

    let rows = rows_received(&archive, &registry, schema);
    let m = Measured {
        units: registry.units().len(),
        workbooks: objects.len(),
        rows,
        cells,
        inbox_mb: inbox_bytes as f64 / 1e6,
        read,
        jucai: jucai_time,
        render,
        peak: peak_mb(),
    };
    println!(
        "{} units: {} workbooks, {} rows, {} cells; (a) {:.2} s, (b) {:.2} s, (c) {:.2} s",
        m.units, m.workbooks, m.rows, m.cells, m.read, m.jucai, m.render
    );
    m
}

/// Read every file once so that (a) and (b) both start from the page cache.
fn warm_page_cache(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| std::fs::read(e.path()).map_or(0, |b| b.len() as u64))
        .sum()
}

/// The floor: open the workbook and materialise every sheet's cells.
fn read_every_cell(path: &Path) -> usize {
    let bytes = std::fs::read(path).expect("archived object");
    let Ok(mut book) = open_workbook_auto_from_rs(Cursor::new(bytes)) else {
        return 0;
    };
    let mut cells = 0;
    for name in book.sheet_names() {
        if let Ok(range) = book.worksheet_range(&name) {
            cells += range.used_cells().count();
        }
    }
    cells
}

/// Ledger rows in the workbooks taken in (from the archive's validation counts
/// would miss excluded rows: count the valid and excluded rows of each file).
fn rows_received(archive: &Archive, registry: &Registry, schema: &jucai::schema::Schema) -> usize {
    archive
        .records()
        .par_iter()
        .filter(|r| r.workbook)
        .map(|r| {
            let bytes = archive.bytes(r).expect("archived object");
            let c = jucai::validate::validate(
                &bytes,
                &r.original_name,
                schema,
                registry,
                &jucai::limits::Limits::default(),
            );
            c.ledgers
                .iter()
                .map(|l| l.records.len() + l.excluded_rows)
                .sum::<usize>()
        })
        .sum()
}

/// Peak resident memory of this process, in MB.
fn peak_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}
