//! Reports a careful reader can check (SPEC §14), on the sample's `jucai run`:
//! every rate a sentence gives is the quotient of two counts the sentence
//! states, every 合计 row is the sum of the rows above it, and a unit whose
//! only submission was returned is neither 已报 nor 按时 anywhere.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader};

use crate::common;
use crate::run::sample_run;

/// Every file below `dir` whose name ends with `ext`, in name order.
pub fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else if path.to_string_lossy().ends_with(ext) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The counts (“13件”, “1,330件”) a clause states.
fn counts(clause: &str) -> Vec<u64> {
    let mut out = Vec::new();
    let mut digits = String::new();
    for c in clause.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if c == ',' && !digits.is_empty() {
            continue;
        }
        if c == '件' && !digits.is_empty() {
            out.push(digits.parse().unwrap());
        }
        digits.clear();
    }
    out
}

/// The rates (“办结率76.9%”, “满足率50.0%”) a clause gives, in tenths of a per cent.
fn rates(clause: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for (at, _) in clause.match_indices("率") {
        let rest = &clause[at + "率".len()..];
        let number: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        if rest[number.len()..].starts_with('%') {
            if let Ok(v) = number.parse::<f64>() {
                out.push((v * 10.0).round() as u64);
            }
        }
    }
    out
}

/// Whether two of `counts` divide to `rate` (tenths of a per cent, rounded).
fn checkable(rate: u64, counts: &[u64]) -> bool {
    counts.iter().enumerate().any(|(i, &a)| {
        counts
            .iter()
            .enumerate()
            .any(|(j, &b)| i != j && b > 0 && ((a * 2000 + b) / (2 * b)) == rate)
    })
}

#[test]
fn every_rate_a_sentence_gives_is_two_of_its_counts_divided() {
    common::require_tool("pdftotext");
    let run = sample_run();
    let (mut seen, mut wrong) = (0, Vec::new());
    for pdf in files(&run.dir.path().join("output"), ".pdf") {
        let text = common::pdf_text(&pdf, None, false).replace(['\n', ' '], "");
        for clause in text.split(['。', '；']) {
            for rate in rates(clause) {
                seen += 1;
                if !checkable(rate, &counts(clause)) {
                    wrong.push(format!("{}: {clause}", pdf.display()));
                }
            }
        }
    }
    // The sample's reports give rates in their text: the check can fail.
    assert!(seen > 100, "{seen} rates");
    assert!(
        wrong.is_empty(),
        "{} of {seen}:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn the_rate_check_catches_a_rate_of_the_wrong_counts() {
    // The centre's 2024 needs as the summary used to word them.
    let old = "登记人才需求118件，已满足64件，办结率66.9%";
    assert!(!checkable(rates(old)[0], &counts(old)));
    let new = "登记人才需求118件，办结79件（已满足64件、无法满足15件），办结率66.9%";
    assert!(checkable(rates(new)[0], &counts(new)));
}

/// The numbers of each row of a sheet, from its header row (first cell 单位) on.
fn body(path: &Path, sheet: &str) -> Vec<(String, Vec<Option<f64>>)> {
    let mut book = calamine::open_workbook_auto(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    range
        .rows()
        .skip_while(|r| r.first() != Some(&Data::String("单位".into())))
        .skip(1)
        .filter(|r| !matches!(r.first(), None | Some(Data::Empty)))
        .map(|r| {
            let name = r[0].to_string();
            let numbers = r[1..]
                .iter()
                .map(|c| match c {
                    Data::Int(i) => Some(*i as f64),
                    Data::Float(f) => Some(*f),
                    _ => None,
                })
                .collect();
            (name, numbers)
        })
        .collect()
}

#[test]
fn every_total_of_the_dispatch_sheet_is_the_sum_of_its_rows() {
    let run = sample_run();
    let books = files(&run.dir.path().join("output"), ".xlsx");
    let book = books
        .iter()
        .find(|p| p.to_string_lossy().contains("月调度表"))
        .expect("a dispatch sheet");
    let workbook = calamine::open_workbook_auto(book).unwrap();
    let sheets: Vec<String> = workbook.sheet_names().into_iter().skip(1).collect();
    assert!(sheets.len() >= 5, "{sheets:?}");
    for sheet in &sheets {
        let rows = body(book, sheet);
        let (total, above) = rows.split_last().unwrap();
        assert!(total.0.starts_with("合计"), "{sheet}: {}", total.0);
        assert!(
            above[0].0 == "中心本级" || above[0].0 == "本站",
            "{sheet}: the unit's own row first, not {}",
            above[0].0
        );
        let mut compared = 0;
        for (col, t) in total.1.iter().enumerate() {
            let Some(t) = t else { continue };
            let sum: f64 = above.iter().filter_map(|r| r.1[col]).sum();
            assert_eq!(sum, *t, "{sheet}, column {}", col + 2);
            compared += 1;
        }
        assert!(compared >= 7, "{sheet}: {compared} columns");
    }
}

#[test]
fn a_returned_submission_never_corrected_is_chased_and_not_on_time() {
    let run = sample_run();
    let dir = run.dir.path();
    // 铜川镇社工人才工作室 sent 2024Q1 once, with an error, and never again.
    let status = common::jucai_ok(dir, &["status", "--period", "2024Q1"]);
    let text = String::from_utf8_lossy(&status.stdout);
    let unit = "铜川镇社工人才工作室";
    let line = text
        .lines()
        .find(|l| l.contains(unit) && l.contains("150602"))
        .unwrap();
    assert!(
        line.contains("退回未改") && !line.contains("按时"),
        "{line}"
    );
    let chase = text.split("催报名单").nth(1).unwrap();
    assert!(
        chase.contains(unit) && chase.contains("退回未改"),
        "{chase}"
    );
    assert!(text.contains("退回未改1个"), "{text}");
    assert!(!text.contains("均已报送"), "{text}");
    // The packet's ranking counts three quarters on time, not four.
    let packet = common::jucai_ok(dir, &["packet", "--year", "2024", "--format", "json"]);
    let packet: serde_json::Value = serde_json::from_slice(&packet.stdout).unwrap();
    let room = packet["workrooms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == unit)
        .unwrap();
    assert_eq!(room["basis"]["on_time"], 3, "{room}");
    // And the packet's ranking page says so.
    let combined = common::pdf_text(
        &dir.join("output/2024/年度考核材料汇编-2024.pdf"),
        None,
        true,
    );
    let lines: Vec<&str> = combined.lines().collect();
    let at = lines
        .iter()
        .rposition(|l| l.contains(unit))
        .unwrap_or_else(|| panic!("{unit} in the ranking"));
    // The name sits in the middle of its row: the basis starts a line above.
    let row = lines[at.saturating_sub(1)..=at].join("");
    assert!(row.contains("按时报送3/4"), "{row}");
    // The quarter's report names it as returned, not among the sent.
    let report = common::jucai_ok(
        dir,
        &[
            "report",
            "quarterly",
            "--period",
            "2024Q1",
            "--format",
            "json",
        ],
    );
    let reports: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    let centre = &reports[0]["reporting"];
    assert_eq!(centre["returned"], serde_json::json!([unit]), "{centre}");
    assert_eq!(
        centre["submitted"].as_u64().unwrap() + 1,
        centre["due"].as_u64().unwrap(),
        "{centre}"
    );
}

#[test]
fn no_title_of_any_sample_pdf_breaks_inside_a_unit_name_or_a_date() {
    common::require_tool("pdftotext");
    let run = sample_run();
    let names: Vec<String> = common::sample_registry()
        .units()
        .iter()
        .map(|u| u.name.clone())
        .collect();
    let mut pdfs = 0;
    for pdf in files(&run.dir.path().join("output"), ".pdf") {
        pdfs += 1;
        let page = common::pdf_text(&pdf, Some(1), false);
        // The title is the first lines of the first page, up to the subtitle
        // or the first heading: three lines are more than any title takes.
        let top: Vec<&str> = page
            .lines()
            .filter(|l| !l.trim().is_empty())
            .take(3)
            .collect();
        for pair in top.windows(2) {
            let (end, start) = (pair[0].trim(), pair[1].trim());
            let joined = format!("{end}{start}");
            for name in &names {
                let cut = (1..name.chars().count()).any(|k| {
                    let head: String = name.chars().take(k).collect();
                    end.ends_with(&head)
                        && joined.contains(name.as_str())
                        && !end.contains(name.as_str())
                        && !start.contains(name.as_str())
                });
                assert!(!cut, "{}: “{end}” / “{start}” cuts {name}", pdf.display());
            }
            let digit_then_year =
                end.ends_with(|c: char| c.is_ascii_digit()) && start.starts_with('年');
            assert!(!digit_then_year, "{}: “{end}” / “{start}”", pdf.display());
        }
    }
    assert!(pdfs > 40, "{pdfs} PDFs");
}
