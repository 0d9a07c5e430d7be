//! `jucai run` end to end on the committed sample: every kind of output SPEC §8
//! names is written, the reports' figures agree with what the sample generator
//! put into the workbooks, and a second run gives byte-identical outputs and no
//! new archive records.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use calamine::{Data, DataType, Reader};
use chrono::NaiveDate;
use jucai::period::Period;
use jucai::registry::Registry;
use jucai::sample::history::History;
use jucai::sample::submissions;

fn outputs(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir.join("output"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_type().is_file() && !e.path().components().any(|c| c.as_os_str() == "archive")
        })
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// One `jucai run` on a copy of the sample, shared by the tests below that
/// only read what it wrote (a run takes a while in a debug build).
pub struct SampleRun {
    pub dir: tempfile::TempDir,
    /// The run, with stdout and stderr piped.
    first: std::process::Output,
    /// Every output but the archive, right after the run.
    out: BTreeMap<String, Vec<u8>>,
}

static SAMPLE_RUN: std::sync::OnceLock<SampleRun> = std::sync::OnceLock::new();

/// Removes the shared run's folder when the test process exits (a static is
/// never dropped).
extern "C" fn remove_sample_run() {
    if let Some(run) = SAMPLE_RUN.get() {
        let _ = std::fs::remove_dir_all(run.dir.path());
    }
}

pub fn sample_run() -> &'static SampleRun {
    SAMPLE_RUN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        common::copy_dir(
            &common::root().join("sample-input"),
            &dir.path().join("sample-input"),
        );
        let first = common::jucai(dir.path(), &["run"]);
        assert_eq!(
            first.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&first.stderr)
        );
        let out = outputs(dir.path());
        // SAFETY: registering a plain function with no captured state.
        unsafe { libc::atexit(remove_sample_run) };
        SampleRun { dir, first, out }
    })
}

#[test]
fn run_on_the_sample_writes_every_output_and_is_repeatable() {
    let run = sample_run();
    let (dir, first, out) = (&run.dir, &run.first, &run.out);
    let text = String::from_utf8_lossy(&first.stdout);
    assert!(text.contains("新存入 216 个"), "{text}");
    assert!(text.contains("需要处理"), "{text}");
    for period in ["2023Q1", "2023Q4", "2024Q4"] {
        let chinese: jucai::period::Period = period.parse().unwrap();
        let status = format!("output/{period}/报送情况-{}.xlsx", chinese.chinese());
        assert!(
            out.contains_key(&status),
            "{status} in {:?}",
            out.keys().collect::<Vec<_>>()
        );
    }
    assert!(out.keys().any(|k| k.starts_with(
        "output/2023Q2/校验反馈/罕台镇社工人才工作室-2023年第二季度-校验反馈-第1版.xlsx"
    )));
    assert_eq!(
        out.keys()
            .filter(|k| k.starts_with("output/templates/2025Q1/"))
            .count(),
        27
    );
    let archive = jucai::archive::Archive::open(&dir.path().join("archive")).unwrap();
    assert_eq!(archive.records().len(), 216);
    every_output_kind_is_there(out);
    let registry = common::sample_registry();
    let periods: Vec<Period> = (2023..=2024)
        .flat_map(|year| (1..=4).map(move |quarter| Period { year, quarter }))
        .collect();
    let (histories, _, _) = submissions::generate(&registry.tree_order(), &periods, 2023, 1);
    figures_match_the_generator(&dir.path().join("output"), &registry, &histories);
    no_output_shows_a_talents_id_or_phone(dir.path(), &histories);

    let second = common::jucai(dir.path(), &["run"]);
    assert_eq!(second.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&second.stdout).contains("新存入 0 个，此前已收 216 个"));
    assert!(
        outputs(dir.path()) == *out,
        "the same input gives byte-identical outputs"
    );
    let archive = jucai::archive::Archive::open(&dir.path().join("archive")).unwrap();
    assert_eq!(archive.records().len(), 216);
}

/// The sample's 殡葬服务 station has no 职能 in sample-input/platform.xlsx:
/// its quarterly report and its assessment packet say 有职能 未达标 with
/// 名录未填写职能, while a station with one says 达标.
#[test]
fn a_station_without_a_duty_in_the_registry_fails_you_zhineng_in_report_and_packet() {
    let run = sample_run();
    let registry = common::sample_registry();
    let station = |name: &str| {
        registry
            .units()
            .iter()
            .find(|u| u.name == name)
            .unwrap_or_else(|| panic!("{name} in the sample registry"))
            .clone()
    };
    let funeral = "东胜区殡葬服务人才工作站";
    let social = "东胜区社工人才工作站";
    assert!(
        station(funeral)
            .duty
            .as_deref()
            .unwrap_or("")
            .trim()
            .is_empty(),
        "the sample registry leaves {funeral}'s 职能 empty"
    );
    assert!(station(social).duty.is_some_and(|d| !d.trim().is_empty()));
    // The 六有 row for 有职能, words squeezed together: “有职能未达标名录未填写职能”.
    let you_zhineng = |pdf: &str| -> String {
        let path = run.dir.path().join(pdf);
        let text = common::pdf_text(&path, None, true);
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with("有职能"))
            .unwrap_or_else(|| panic!("no 有职能 row in {pdf}:\n{text}"));
        line.split_whitespace().collect()
    };
    for pdf in [
        format!("output/2024Q4/季度报告-{funeral}-2024Q4.pdf"),
        format!("output/2024/年度考核材料-{funeral}-2024.pdf"),
    ] {
        assert_eq!(you_zhineng(&pdf), "有职能未达标名录未填写职能", "{pdf}");
    }
    for pdf in [
        format!("output/2024Q4/季度报告-{social}-2024Q4.pdf"),
        format!("output/2024/年度考核材料-{social}-2024.pdf"),
    ] {
        assert!(you_zhineng(&pdf).starts_with("有职能达标"), "{pdf}");
    }
    // The packet's score sheet takes the missing check off the 六有 item.
    let packet = common::pdf_text(
        &run.dir
            .path()
            .join(format!("output/2024/年度考核材料-{funeral}-2024.pdf")),
        None,
        false,
    );
    assert!(packet.contains("5/6 项达标，有职能未达标"), "{packet}");
}

/// Progress bars are for a terminal: with stdout and stderr piped, neither
/// `jucai run` nor `jucai intake` writes a carriage return or an escape
/// sequence; under a terminal (a pty) intake does draw one.
#[test]
fn progress_is_drawn_on_a_terminal_and_never_into_a_pipe() {
    let drawn = |bytes: &[u8]| bytes.contains(&b'\r') || bytes.windows(2).any(|w| w == b"\x1b[");
    let run = sample_run();
    assert!(!run.first.stdout.is_empty() && !drawn(&run.first.stdout));
    assert!(
        !drawn(&run.first.stderr),
        "run's stderr has progress drawing"
    );

    let dir = tempfile::tempdir().unwrap();
    let inbox = common::root()
        .join("sample-input/inbox")
        .display()
        .to_string();
    let platform = common::sample_platform();
    let args = |archive: &str| {
        [
            "intake".to_string(),
            inbox.clone(),
            "--archive".into(),
            archive.into(),
            "--platform".into(),
            platform.clone(),
        ]
    };
    let piped = std::process::Command::new(env!("CARGO_BIN_EXE_jucai"))
        .current_dir(dir.path())
        .args(args("piped"))
        .output()
        .unwrap();
    assert_eq!(piped.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&piped.stdout).contains("216"));
    assert!(!drawn(&piped.stdout) && !drawn(&piped.stderr));

    // The same intake with a pty as its terminal (Python's pty module).
    common::require_tool("python3");
    let pty = r#"
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status))
"#;
    let on_terminal = std::process::Command::new("python3")
        .current_dir(dir.path())
        .args(["-c", pty, env!("CARGO_BIN_EXE_jucai")])
        .args(args("terminal"))
        .output()
        .unwrap();
    assert_eq!(on_terminal.status.code(), Some(0));
    // (Only escape sequences count here: a terminal turns each \n into \r\n.)
    assert!(
        on_terminal.stdout.windows(2).any(|w| w == b"\x1b["),
        "a progress bar on the terminal: {}",
        String::from_utf8_lossy(&on_terminal.stdout)
    );
}

const REPORTING_UNITS: [&str; 5] = [
    "东胜区民政人才工作中心",
    "东胜区社工人才工作站",
    "东胜区养老护理人才工作站",
    "东胜区殡葬服务人才工作站",
    "东胜区社会组织党建人才工作站",
];

/// SPEC §8: quarterly reports, annual research summaries, the directory table,
/// assessment packets, 人才风采, feedback workbooks and status sheets — XLSX
/// and PDF.
fn every_output_kind_is_there(out: &BTreeMap<String, Vec<u8>>) {
    let expected = expected_outputs();
    let missing: Vec<_> = expected.iter().filter(|k| !out.contains_key(*k)).collect();
    assert!(missing.is_empty(), "missing outputs: {missing:?}");
    // Feedback for every quarter that had problems, and nothing unexpected.
    assert!(out.keys().filter(|k| k.contains("/校验反馈/")).count() >= 8);
    for (name, bytes) in out {
        let magic: &[u8] = if name.ends_with(".pdf") {
            b"%PDF-"
        } else {
            b"PK\x03\x04"
        };
        assert!(bytes.starts_with(magic), "{name} is not a whole file");
    }
}

/// The outputs a complete run on the sample writes (besides feedback
/// workbooks and templates).
fn expected_outputs() -> Vec<String> {
    let mut expected = vec![
        "output/平台名录.xlsx".to_string(),
        "output/平台名录.pdf".to_string(),
    ];
    for year in [2023, 2024] {
        for q in 1..=4 {
            let p = Period { year, quarter: q };
            let code = p.code();
            expected.push(format!("output/{code}/报送情况-{}.xlsx", p.chinese()));
            for unit in REPORTING_UNITS {
                for ext in ["pdf", "xlsx"] {
                    expected.push(format!("output/{code}/季度报告-{unit}-{code}.{ext}"));
                }
            }
        }
        for unit in REPORTING_UNITS {
            for ext in ["pdf", "xlsx"] {
                expected.push(format!(
                    "output/{year}/年度人才调研报告-{unit}-{year}.{ext}"
                ));
            }
            for kind in ["人才风采图册", "人才风采展板"] {
                expected.push(format!("output/{year}/{kind}-{unit}-{year}.pdf"));
            }
        }
        for station in &REPORTING_UNITS[1..] {
            expected.push(format!("output/{year}/年度考核材料-{station}-{year}.pdf"));
        }
        expected.push(format!("output/{year}/年度考核材料汇编-{year}.pdf"));
        expected.push(format!("output/{year}/考核评分表-{year}.xlsx"));
    }
    expected
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut book = calamine::open_workbook_auto(path).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

/// The row whose first cell is `label`, as numbers.
fn figures(rows: &[Vec<Data>], label: &str) -> Vec<f64> {
    let row = rows
        .iter()
        .find(|r| r.first().is_some_and(|c| *c == label))
        .unwrap_or_else(|| panic!("no row {label}"));
    row[1..].iter().filter_map(|c| c.as_f64()).collect()
}

/// The centre's 2024Q4 report against the generator's own record of what the
/// 27 units did: all of that quarter's workbooks are clean, so every figure
/// must be the plain count over the simulated histories.
fn figures_match_the_generator(output: &Path, registry: &Registry, histories: &[History]) {
    let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
    let (start, end) = (day(10, 1), day(12, 31));
    let (year_start, last_end) = (day(1, 1), day(9, 30));
    let in_roster = |at: NaiveDate| {
        histories
            .iter()
            .flat_map(|h| &h.talents)
            .filter(|t| t.joined <= at && t.left.is_none_or(|l| l > at))
            .count() as f64
    };
    let activities = histories.iter().flat_map(|h| &h.activities);
    let quarter = |d: NaiveDate| d >= start && d <= end;
    let q_activities: Vec<_> = activities.clone().filter(|a| quarter(a.date)).collect();
    let ytd_activities = activities
        .clone()
        .filter(|a| a.date >= year_start && a.date <= end)
        .count() as f64;
    let q_achievements = histories
        .iter()
        .flat_map(|h| &h.achievements)
        .filter(|a| quarter(a.date))
        .count() as f64;

    let report = output.join("2024Q4/季度报告-东胜区民政人才工作中心-2024Q4.xlsx");
    let main = sheet(&report, "主要数字");
    assert_eq!(
        figures(&main, "在库人才（人）")[..2],
        [in_roster(end), in_roster(last_end)]
    );
    let acts = figures(&main, "开展活动（次）");
    assert_eq!(
        (acts[0], acts[3]),
        (q_activities.len() as f64, ytd_activities)
    );
    let people: u32 = q_activities.iter().map(|a| a.participants).sum();
    assert_eq!(figures(&main, "参与人次")[0], f64::from(people));
    let funds: f64 = q_activities.iter().map(|a| a.funds).sum();
    assert!((figures(&main, "活动经费（元）")[0] - funds).abs() < 0.005);
    assert_eq!(figures(&main, "取得成果（项）")[0], q_achievements);

    let men = histories
        .iter()
        .flat_map(|h| &h.talents)
        .filter(|t| t.male && t.joined <= end && t.left.is_none_or(|l| l > end))
        .count() as f64;
    assert_eq!(figures(&sheet(&report, "性别"), "男")[0], men);

    // The directory lists every unit of the registry, once.
    let directory = sheet(&output.join("平台名录.xlsx"), "平台名录");
    let text: Vec<String> = directory.iter().flatten().map(|c| c.to_string()).collect();
    for unit in registry.units() {
        assert_eq!(
            text.iter().filter(|c| **c == unit.name).count(),
            1,
            "{} in the directory",
            unit.name
        );
    }
}

/// Runs of digits (and the ID number's X) in `text`.
fn digit_runs(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_digit() || c == 'X' || c == 'x'))
        .filter(|r| r.len() >= 11)
        .map(str::to_string)
        .collect()
}

/// SPEC §8: reports, packets, 人才风采 and status sheets never show a
/// talent's ID number or phone. Feedback workbooks (returned to the unit that sent the
/// data) and blank templates are not reports.
fn no_output_shows_a_talents_id_or_phone(dir: &Path, histories: &[History]) {
    let secret: std::collections::HashSet<String> = histories
        .iter()
        .flat_map(|h| &h.talents)
        .flat_map(|t| [t.id_number.clone(), t.phone.clone()])
        .collect();
    assert!(secret.len() > 500);
    let mut scanned = 0;
    for (name, _) in outputs(dir) {
        if name.contains("/校验反馈/") || name.contains("/templates/") {
            continue;
        }
        let path = dir.join(&name);
        let text = if name.ends_with(".pdf") {
            common::pdf_text(&path, None, false)
        } else if name.ends_with(".docx") {
            common::zip_part(&path, "word/document.xml")
        } else {
            let mut book = calamine::open_workbook_auto(&path).unwrap();
            let sheets = book.sheet_names();
            sheets
                .iter()
                .flat_map(|s| {
                    let range = book.worksheet_range(s).unwrap();
                    range
                        .cells()
                        .map(|(_, _, c)| c.to_string())
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let leaked: Vec<String> = digit_runs(&text)
            .into_iter()
            .filter(|r| secret.contains(r))
            .collect();
        assert!(leaked.is_empty(), "{name} shows {leaked:?}");
        scanned += 1;
    }
    assert!(scanned > 100, "{scanned} outputs scanned");
}

/// SPEC §9: a run killed part way leaves no half-written output (only
/// temporary `.jucai-*.part` files, which the next run removes), and the next
/// run completes the job.
#[test]
fn a_run_killed_part_way_leaves_no_half_written_file() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(
        &common::root().join("sample-input"),
        &dir.path().join("sample-input"),
    );
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jucai"))
        .current_dir(dir.path())
        .arg("run")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once some reports are out, while it is writing more.
    let reports = |d: &Path| {
        walkdir::WalkDir::new(d.join("output"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with("季度报告"))
            .count()
    };
    let start = std::time::Instant::now();
    while reports(dir.path()) < 12 && start.elapsed().as_secs() < 300 {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // The kill must land while the run is still going…
    assert!(
        child.try_wait().unwrap().is_none(),
        "the run finished before it could be killed"
    );
    child.kill().unwrap();
    let status = child.wait().unwrap();
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(libc::SIGKILL), "killed: {status}");
    }
    let written = outputs(dir.path());
    assert!(!written.is_empty());
    // …and leave the job unfinished: outputs missing, or a temporary file
    // caught half-written.
    let parts = written.keys().filter(|k| k.ends_with(".part")).count();
    let done: BTreeMap<String, Vec<u8>> = written
        .iter()
        .filter(|(k, _)| !k.ends_with(".part"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let missing = expected_outputs()
        .into_iter()
        .filter(|k| !done.contains_key(k))
        .count();
    assert!(
        missing > 0 || parts > 0,
        "the killed run had written everything already"
    );
    for (name, bytes) in &written {
        if name.ends_with(".part") {
            continue;
        }
        if name.ends_with(".pdf") {
            let tail = &bytes[bytes.len().saturating_sub(64)..];
            assert!(
                bytes.starts_with(b"%PDF-") && tail.windows(5).any(|w| w == b"%%EOF"),
                "{name} is cut short"
            );
        } else if name.ends_with(".xlsx") {
            let book = zip::ZipArchive::new(std::io::Cursor::new(bytes));
            assert!(book.is_ok(), "{name} is not a whole workbook");
        }
    }
    let again = common::jucai(dir.path(), &["run"]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(String::from_utf8_lossy(&again.stdout).contains("需要处理"));
    // The rerun completes the job.
    let after = outputs(dir.path());
    let missing: Vec<String> = expected_outputs()
        .into_iter()
        .filter(|k| !after.contains_key(k))
        .collect();
    assert!(
        missing.is_empty(),
        "still missing after the rerun: {missing:?}"
    );
    let parts = walkdir::WalkDir::new(dir.path().join("output"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .count();
    assert_eq!(parts, 0, "temporary files left after a complete run");
    let archive = jucai::archive::Archive::open(&dir.path().join("archive")).unwrap();
    assert_eq!(archive.records().len(), 216);
}
