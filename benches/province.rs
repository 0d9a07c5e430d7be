//! Province-scale benchmark: a generated corpus of UNITS units × 4 quarters,
//! every ledger scaled by SCALE, received as the clerk receives it (mostly
//! `.eml`, some `.mbox`, loose files). Each step runs in a process of its
//! own (as the commands do), so its peak memory is its own:
//!
//! * (a) the floor: read every cell of every received workbook with calamine,
//!   on one core;
//! * (b) jucai on both cores: intake (mail parsing, hashing, archiving,
//!   validation, extracts) as `jucai intake` does it, then in a new process
//!   every report model from the archive as the report commands do it (the
//!   quarterly models of every unit for the 4 quarters, the annual models,
//!   the assessment of every station, the status of every quarter);
//! * (c) rendering: quarterly and annual reports (PDF + XLSX) of the centre and
//!   every station, the assessment packets and score sheet, status sheets;
//! * pandas + openpyxl (PyPI) reading a sample of the same workbooks, against
//!   jucai validating the same sample, both on one core.
//!
//! Then the same on a corpus of UNITS/4 units, to show how time grows.
//!
//! `cargo bench --bench province [-- UNITS SCALE]` (default 2000 units, scale 8:
//! about 1.5 million ledger rows). Corpora are generated once, by the `jucai
//! sample` command in a separate process, into `target/bench-province/`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use calamine::{open_workbook_auto_from_rs, Reader};
use rayon::prelude::*;

use jucai::aggregate::inputs::Inputs;
use jucai::archive::Archive;
use jucai::config::Config;
use jucai::period::Period;
use jucai::registry::{Level, Registry};
use jucai::reports::quarterly::build_all;

/// mimalloc: polars allocates and frees in many threads, and glibc's
/// allocator kept about a third more memory resident than was in use.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One workbook in this many goes to the pandas comparison.
const PANDAS_SAMPLE_EVERY: usize = 40;

fn main() {
    jucai::memory::purge_soon(); // as the binary does
    let args: Vec<u32> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let units = args.first().copied().unwrap_or(2000) as usize;
    let scale = args.get(1).copied().unwrap_or(8);
    if let (Ok(step), Ok(dir)) = (
        std::env::var("JUCAI_BENCH_STEP"),
        std::env::var("JUCAI_BENCH_DIR"),
    ) {
        // A child: run one step on one corpus and report it as one line.
        let dir = PathBuf::from(dir);
        let line = match step.as_str() {
            "intake" => step_intake(&dir),
            "models" => step_models(&dir),
            "floor" => step_floor(&dir),
            other => panic!("no step {other}"),
        };
        println!("RESULT {line}");
        return;
    }
    println!(
        "machine: {} cores; rayon threads: {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        rayon::current_num_threads()
    );
    let corpora: Vec<PathBuf> = [units / 4, units].map(|n| corpus(n, scale)).to_vec();
    // The outputs of an earlier run are moved aside now and deleted once
    // everything is measured: ext4 creates files slowly for minutes after
    // many were deleted (it passes over recently freed inodes; 9 % of
    // intake's time in a profile), which a clerk's archive never sees.
    for c in &corpora {
        let _ = std::fs::remove_dir_all(c.join("run.old"));
        let _ = std::fs::rename(c.join("run"), c.join("run.old"));
    }
    let rows: Vec<Measured> = corpora.iter().map(|c| measure(c)).collect();
    print_table(&rows);
    for c in &corpora {
        let _ = std::fs::remove_dir_all(c.join("run.old"));
    }
}

/// Every step on one corpus, each in its own process.
fn measure(dir: &Path) -> Measured {
    warm_page_cache(&dir.join("inbox"));
    let intake = child("intake", dir);
    let models = child("models", dir);
    let floor = child("floor", dir);
    let pandas = pandas(dir);
    let m = Measured {
        units: floor["units"] as usize,
        workbooks: floor["workbooks"] as usize,
        rows: floor["rows"] as usize,
        cells: floor["cells"] as usize,
        inbox_mb: intake["inbox_mb"],
        read: floor["read"],
        intake: intake["time"],
        models: models["models"],
        render: models["render"],
        peak_intake: intake["peak"],
        peak_models: models["peak_models"],
        peak_render: models["peak"],
        sample_files: floor["sample_files"] as usize,
        sample_jucai: floor["sample_validate"],
        sample_pandas: pandas,
    };
    println!(
        "{} units: {} workbooks, {} rows, {} cells; (a) {:.2} s, intake {:.2} s + models {:.2} s, (c) {:.2} s; \
         pandas {:.1} s vs jucai {:.2} s on {} files",
        m.units, m.workbooks, m.rows, m.cells, m.read, m.intake, m.models, m.render,
        m.sample_pandas, m.sample_jucai, m.sample_files
    );
    m
}

fn print_table(rows: &[Measured]) {
    println!(
        "\n| units | workbooks | ledger rows | cells | inbox MB | (a) read, 1 core | (b) intake + models | (b)/(a) | (c) render | peak MB intake / models / render | pandas ÷ jucai |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {:.0} | {:.1} s | {:.1} s ({:.1} + {:.1}) | {:.2}× | {:.1} s | {:.0} / {:.0} / {:.0} | {:.0}× ({} files: {:.1} s / {:.2} s) |",
            r.units,
            r.workbooks,
            r.rows,
            r.cells,
            r.inbox_mb,
            r.read,
            r.jucai(),
            r.intake,
            r.models,
            r.jucai() / r.read,
            r.render,
            r.peak_intake,
            r.peak_models,
            r.peak_render,
            r.sample_pandas / r.sample_jucai,
            r.sample_files,
            r.sample_pandas,
            r.sample_jucai,
        );
    }
    if let [quarter, full] = rows {
        println!(
            "\nfull / quarter: rows {:.2}×, (a) {:.2}×, (b) {:.2}× (intake {:.2}×, models {:.2}×), (c) {:.2}×",
            full.rows as f64 / quarter.rows as f64,
            full.read / quarter.read,
            full.jucai() / quarter.jucai(),
            full.intake / quarter.intake,
            full.models / quarter.models,
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
    intake: f64,
    models: f64,
    render: f64,
    /// Peak resident memory of each process, in MB: intake; the report
    /// models; the models and the rendering.
    peak_intake: f64,
    peak_models: f64,
    peak_render: f64,
    sample_files: usize,
    sample_jucai: f64,
    sample_pandas: f64,
}

impl Measured {
    fn jucai(&self) -> f64 {
        self.intake + self.models
    }
}

/// Run one step in a fresh process; its `RESULT key=value …` line.
fn child(step: &str, dir: &Path) -> BTreeMap<String, f64> {
    let exe = std::env::current_exe().expect("bench executable");
    let out = Command::new(exe)
        .env("JUCAI_BENCH_STEP", step)
        .env("JUCAI_BENCH_DIR", dir)
        .output()
        .expect("run the measuring process");
    let text = String::from_utf8_lossy(&out.stdout);
    for l in text.lines().filter(|l| !l.starts_with("RESULT")) {
        println!("{l}");
    }
    let result = text
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .unwrap_or_else(|| {
            panic!(
                "{step} on {} failed: {}",
                dir.display(),
                String::from_utf8_lossy(&out.stderr)
            )
        });
    result
        .split_whitespace()
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            Some((k.to_string(), v.parse().ok()?))
        })
        .collect()
}

fn line(pairs: &[(&str, f64)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The registry, configuration and archive folder of a corpus.
fn setup(dir: &Path) -> (Config, Registry, PathBuf) {
    let config = Config::load(None).expect("default configuration");
    let registry = Registry::load(&dir.join("platform.xlsx"), &config.schema)
        .expect("registry")
        .0;
    (config, registry, dir.join("run/archive"))
}

/// (b), first part: `jucai intake` of the whole inbox.
fn step_intake(dir: &Path) -> String {
    let (config, registry, archive_dir) = setup(dir);
    let inbox = dir.join("inbox");
    let inbox_bytes = warm_page_cache(&inbox);
    let t = Instant::now();
    let mut archive = Archive::open(&archive_dir).expect("archive");
    let summary = jucai::intake::take_in(
        std::slice::from_ref(&inbox),
        &mut archive,
        jucai::intake::Rules {
            schema: &config.schema,
            registry: &registry,
            limits: &config.limits,
        },
        &indicatif::ProgressBar::hidden(),
    )
    .expect("intake");
    let time = t.elapsed().as_secs_f64();
    assert_eq!(summary.new, summary.received);
    line(&[
        ("time", time),
        ("inbox_mb", inbox_bytes as f64 / 1e6),
        ("peak", peak_mb()),
    ])
}

/// (b), second part, and (c): every report model from the archive, then
/// everything rendered.
fn step_models(dir: &Path) -> String {
    let (config, registry, archive_dir) = setup(dir);
    let schema = &config.schema;
    let t = Instant::now();
    let archive = Archive::open(&archive_dir).expect("archive");
    let inputs = Inputs {
        registry: &registry,
        schema,
        archive: &archive,
        deadline_days: config.deadline_days,
        targets: &config.targets,
        limits: &config.limits,
    };
    let periods = archive.periods();
    let quarterly: BTreeMap<Period, Vec<_>> = periods
        .iter()
        .copied()
        .zip(build_all(&inputs, &periods).expect("quarterly models"))
        .collect();
    let years: BTreeSet<i32> = periods.iter().map(|p| p.year).collect();
    let annual: Vec<_> = years
        .iter()
        .map(|&y| jucai::reports::summary::build::fold(jucai::period::Span::year(y), &quarterly))
        .collect();
    let mut assessed = 0;
    for reports in &annual {
        for r in reports.iter().filter(|r| r.level_kind == Level::Station) {
            jucai::reports::packet::assess(&config.rubric, schema, r).expect("assessment");
            assessed += 1;
        }
        jucai::reports::packet::rank_workrooms(reports).expect("ranking");
    }
    let statuses: Vec<_> = periods
        .iter()
        .map(|&p| {
            jucai::reports::status::StatusReport::build(
                &registry,
                &archive,
                p,
                config.deadline_days,
            )
        })
        .collect();
    let models = t.elapsed().as_secs_f64();
    let peak_models = peak_mb();
    assert!(assessed > 0);
    if std::env::var_os("JUCAI_BENCH_NO_RENDER").is_some() {
        // Comparing two builds' models: the rendering is left out.
        return line(&[("models", models), ("peak_models", peak_models)]);
    }

    let t = Instant::now();
    let out = dir.join("run/output");
    for reports in quarterly.values() {
        jucai::pipeline::write_quarterly(reports, &config, &out, &|| ()).expect("quarterly");
    }
    for (reports, &year) in annual.iter().zip(&years) {
        jucai::pipeline::write_annual(reports, &config, &out, &|| ()).expect("annual");
        jucai::pipeline::write_packets(&config, &registry, reports, year, &out).expect("packets");
    }
    for (status, p) in statuses.iter().zip(&periods) {
        jucai::reports::status::render::StatusWriter::new()
            .expect("status writer")
            .write(status, &out.join(p.code()))
            .expect("status");
    }
    let render = t.elapsed().as_secs_f64();
    line(&[
        ("models", models),
        ("peak_models", peak_models),
        ("render", render),
        ("peak", peak_mb()),
    ])
}

/// (a): every cell of every workbook received, with calamine, one core; then
/// what jucai's validation of the pandas sample takes, one core.
fn step_floor(dir: &Path) -> String {
    let (config, registry, archive_dir) = setup(dir);
    let archive = Archive::open(&archive_dir).expect("archive");
    let objects = workbook_objects(&archive);
    let t = Instant::now();
    let cells: usize = objects.iter().map(|(p, _)| read_every_cell(p)).sum();
    let read = t.elapsed().as_secs_f64();

    let sample: Vec<_> = objects.iter().step_by(PANDAS_SAMPLE_EVERY).collect();
    // Freed pages kept, as intake and `jucai validate` keep them.
    let pages = jucai::memory::PurgeDelay::keep();
    let t = Instant::now();
    for (path, name) in &sample {
        let bytes = std::fs::read(path).expect("archived object");
        jucai::validate::validate(&bytes, name, &config.schema, &registry, &config.limits);
    }
    let sample_validate = t.elapsed().as_secs_f64();
    drop(pages);

    let rows = rows_received(&archive, &registry, &config.schema);
    line(&[
        ("units", registry.units().len() as f64),
        ("workbooks", objects.len() as f64),
        ("rows", rows as f64),
        ("cells", cells as f64),
        ("read", read),
        ("sample_files", sample.len() as f64),
        ("sample_validate", sample_validate),
    ])
}

/// The archived workbooks (path and name as received), in archive order.
fn workbook_objects(archive: &Archive) -> Vec<(PathBuf, String)> {
    archive
        .records()
        .iter()
        .filter(|r| r.workbook)
        .map(|r| {
            let path = archive
                .dir()
                .join("objects")
                .join(&r.hash[..2])
                .join(&r.hash);
            (path, r.original_name.clone())
        })
        .collect()
}

/// pandas + openpyxl reading every sheet of the sample's workbooks, one
/// core: seconds.
fn pandas(dir: &Path) -> f64 {
    const READ: &str = r#"
import sys, time, pandas
paths = sys.stdin.read().split("\n")
t = time.perf_counter()
for p in filter(None, paths):
    pandas.read_excel(p, sheet_name=None, engine="openpyxl")
print(time.perf_counter() - t)
"#;
    let archive = Archive::open(&dir.join("run/archive")).expect("archive");
    let sample: Vec<String> = workbook_objects(&archive)
        .into_iter()
        .step_by(PANDAS_SAMPLE_EVERY)
        .map(|(p, _)| p.display().to_string())
        .collect();
    let mut python = Command::new("python3")
        .args(["-c", READ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 (pip install pandas openpyxl)");
    use std::io::Write;
    python
        .stdin
        .take()
        .expect("stdin")
        .write_all(sample.join("\n").as_bytes())
        .expect("sample paths");
    let out = python.wait_with_output().expect("pandas runs");
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim()
        .parse()
        .unwrap_or_else(|_| panic!("pandas + openpyxl (pip install pandas openpyxl): {text}"))
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
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0.0, |kb| kb as f64 / 1024.0)
}
