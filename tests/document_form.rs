//! The bureau's document form (SPEC §14) on the sample's `jucai run`: the
//! summaries, quarterly reports and packets are set after GB/T 9704-2012
//! (仿宋 body, A4, 落款 on the last page, page numbers “— N —”), signature
//! lines are never broken, the packet is dated when its figures were
//! complete, and the summaries and packets' station text come as Word
//! copies that python-docx and LibreOffice open.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common;
use crate::report_truth::files;
use crate::run::sample_run;

/// The files below `dir` whose name starts with `prefix` and ends with `ext`.
fn named(dir: &Path, prefix: &str, ext: &str) -> Vec<PathBuf> {
    files(dir, ext)
        .into_iter()
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .collect()
}

/// The summaries and quarterly reports of the sample: the documents that end
/// with a 落款.
fn documents(out: &Path) -> Vec<PathBuf> {
    ["年度人才调研报告-", "半年人才工作总结-", "季度报告-"]
        .iter()
        .flat_map(|prefix| named(out, prefix, ".pdf"))
        .collect()
}

/// The non-empty lines of one page, trimmed.
fn lines(pdf: &Path, page: usize) -> Vec<String> {
    common::pdf_text(pdf, Some(page), true)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn is_full_date(s: &str) -> bool {
    regex::Regex::new(r"^20\d\d年[1-9]\d?月[1-9]\d?日$")
        .unwrap()
        .is_match(s)
}

#[test]
fn documents_are_set_in_fangsong_on_the_bureaus_a4_page() {
    let out = &sample_run().dir.path().join("output");
    let docs = documents(out);
    assert!(docs.len() >= 40, "{} documents", docs.len());
    for pdf in &docs {
        let fonts = common::pdf_fonts(pdf);
        assert!(
            fonts.iter().any(|f| f == "FandolFang-Regular"),
            "{}: {fonts:?}",
            pdf.display()
        );
        let info = common::pdf_info(pdf);
        assert!(
            info.contains("595.276 x 841.89 pts (A4)"),
            "{}: {info}",
            pdf.display()
        );
    }
}

/// The 落款: the last page ends with the issuing unit, then the date the
/// figures were complete in full figures (2025年1月8日), then the page number.
#[test]
fn every_document_ends_with_its_issuer_and_the_day_its_figures_were_complete() {
    let out = &sample_run().dir.path().join("output");
    for pdf in documents(out) {
        let last = common::pdf_pages(&pdf);
        let text = lines(&pdf, last);
        let n = text.len();
        assert!(n >= 3, "{}: {text:?}", pdf.display());
        let name = pdf.file_name().unwrap().to_string_lossy().into_owned();
        let unit = name.split('-').nth(1).unwrap();
        assert_eq!(text[n - 3], unit, "{name}: {text:?}");
        assert!(is_full_date(&text[n - 2]), "{name}: {text:?}");
        assert_eq!(text[n - 1], format!("— {last} —"), "{name}");
    }
    // The centre's 2024 annual summary counts ledgers received in January
    // 2025: dated then, not on the year's last day.
    let annual = out.join("2024/年度人才调研报告-东胜区民政人才工作中心-2024.pdf");
    let last = lines(&annual, common::pdf_pages(&annual));
    let date = &last[last.len() - 2];
    assert!(date.starts_with("2025年1月"), "{last:?}");
}

/// The text pdftotext finds in one half (left or right) of a page's foot,
/// below the text block (which ends 35 mm above the page's edge).
fn foot(pdf: &Path, page: usize, right: bool) -> String {
    common::require_tool("pdftotext");
    let x = if right { "298" } else { "0" };
    let out = Command::new("pdftotext")
        .args(["-f", &page.to_string(), "-l", &page.to_string()])
        .args(["-x", x, "-y", "745", "-W", "297", "-H", "97", "-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// GB/T 9704: the page number on the outer side, right on odd pages and left
/// on even ones.
#[test]
fn page_numbers_are_dashes_on_the_outer_side() {
    let out = &sample_run().dir.path().join("output");
    let pdf = out.join("2024/年度人才调研报告-东胜区民政人才工作中心-2024.pdf");
    assert_eq!(foot(&pdf, 1, true), "— 1 —");
    assert_eq!(foot(&pdf, 1, false), "");
    assert_eq!(foot(&pdf, 2, false), "— 2 —");
    assert_eq!(foot(&pdf, 2, true), "");
}

/// `[documents] page_numbers` keeps a district's 第 N 页 共 M 页; a setting
/// without `{page}` is refused with what to write.
#[test]
fn a_district_may_keep_its_own_page_numbers() {
    let run = sample_run();
    let dir = tempfile::tempdir().unwrap();
    let archive = run.dir.path().join("archive");
    std::fs::write(
        dir.path().join("jucai.toml"),
        format!(
            "platform = \"{}\"\narchive = \"{}\"\n[documents]\npage_numbers = \"第 {{page}} 页 共 {{pages}} 页\"\n",
            common::sample_platform(),
            archive.display()
        ),
    )
    .unwrap();
    common::jucai_ok(
        dir.path(),
        &["report", "annual", "--year", "2024", "--unit", "150602"],
    );
    let pdf = dir
        .path()
        .join("output/2024/年度人才调研报告-东胜区民政人才工作中心-2024.pdf");
    let n = common::pdf_pages(&pdf);
    let text = common::pdf_text(&pdf, Some(1), true);
    assert!(text.contains(&format!("第 1 页 共 {n} 页")), "{text}");

    std::fs::write(
        dir.path().join("jucai.toml"),
        "[documents]\npage_numbers = \"第页\"\n",
    )
    .unwrap();
    let refused = common::jucai(dir.path(), &["report", "annual", "--year", "2024"]);
    assert_eq!(refused.status.code(), Some(2));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("page_numbers") && said.contains("{page}"),
        "{said}"
    );
}

/// The packet's “考核组成员：＿＿＿＿＿　＿＿＿＿＿　＿＿＿＿＿” wrapped and
/// left a lone blank on the next line; and its cover was dated 31 December
/// though the figures were complete in January.
#[test]
fn packet_signature_lines_stay_whole_and_the_cover_is_dated_when_figures_were_complete() {
    let out = &sample_run().dir.path().join("output");
    let combined = out.join("2024/年度考核材料汇编-2024.pdf");
    let text = common::pdf_text(&combined, None, true);
    let signatures: Vec<&str> = text.lines().filter(|l| l.contains("考核组成员")).collect();
    assert_eq!(signatures.len(), 4, "one per station");
    for line in &signatures {
        assert_eq!(line.matches('＿').count(), 15, "{line:?}");
    }
    assert!(
        !text
            .lines()
            .any(|l| l.trim().chars().all(|c| c == '＿') && !l.trim().is_empty()),
        "a blank wrapped onto a line of its own"
    );
    let cover = common::pdf_text(&combined, Some(1), true);
    assert!(!cover.contains("2024年12月31日"), "{cover}");
    assert!(cover.contains("2025年1月"), "{cover}");
}

/// Each summary and each station's packet has a Word copy beside its PDF.
#[test]
fn word_copies_sit_beside_the_summaries_and_packets() {
    let out = &sample_run().dir.path().join("output");
    let mut pdfs = Vec::new();
    for prefix in ["年度人才调研报告-", "半年人才工作总结-", "年度考核材料-"]
    {
        pdfs.extend(named(out, prefix, ".pdf"));
    }
    assert!(pdfs.len() >= 30, "{}", pdfs.len());
    for pdf in &pdfs {
        assert!(
            pdf.with_extension("docx").is_file(),
            "no Word copy of {}",
            pdf.display()
        );
    }
}

/// python-docx reads the Word copy of the centre's annual summary: its body
/// is 仿宋 at 16 pt, headings 黑体, its tables are Word tables with the
/// PDF's figures, and it ends with the 落款 of the PDF.
#[test]
fn python_docx_reads_the_word_copy_in_the_bureaus_form() {
    let out = &sample_run().dir.path().join("output");
    let docx = out.join("2024/年度人才调研报告-东胜区民政人才工作中心-2024.docx");
    const READ: &str = r#"
import json, sys
from docx import Document
d = Document(sys.argv[1])
ps = [p for p in d.paragraphs if p.text.strip()]
def font(p):
    r = next((r for r in p.runs if r.text.strip()), None)
    if r is None: return None
    rpr = r._r.rPr
    ea = rpr.rFonts.get('{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia') if rpr is not None and rpr.rFonts is not None else None
    return [ea, r.font.size.pt if r.font.size else None]
s = d.sections[0]
print(json.dumps({
  "texts": [p.text for p in ps],
  "fonts": [font(p) for p in ps],
  "tables": [[[c.text for c in row.cells] for row in t.rows] for t in d.tables],
  "page": [round(s.page_width.mm), round(s.page_height.mm), round(s.top_margin.mm), round(s.left_margin.mm)],
}, ensure_ascii=False))
"#;
    let run = Command::new("python3")
        .args(["-c", READ])
        .arg(&docx)
        .output()
        .expect("python3 runs");
    assert!(
        run.status.success(),
        "python-docx could not read it (pip install python-docx; scripts/test does it): {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let got: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(got["page"], serde_json::json!([210, 297, 37, 28]));
    let texts: Vec<&str> = got["texts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    let fonts = got["fonts"].as_array().unwrap();
    let at = |needle: &str| texts.iter().position(|t| t.starts_with(needle)).unwrap();
    assert_eq!(fonts[at("一、基本情况")], serde_json::json!(["黑体", 16.0]));
    assert_eq!(fonts[at("2024年，")], serde_json::json!(["仿宋", 16.0]));
    let n = texts.len();
    assert_eq!(texts[n - 2], "东胜区民政人才工作中心");
    assert!(is_full_date(texts[n - 1]), "{:?}", &texts[n - 2..]);
    // The PDF's last page ends with the same 落款.
    let pdf = docx.with_extension("pdf");
    let last = lines(&pdf, common::pdf_pages(&pdf));
    assert_eq!(last[last.len() - 2], texts[n - 1]);
    // The tables are Word tables holding the figures the PDF prints.
    let tables = got["tables"].as_array().unwrap();
    assert!(tables.len() >= 8, "{} tables", tables.len());
    let pdf_text = common::pdf_text(&pdf, None, true);
    for row in tables[0].as_array().unwrap().iter().skip(1) {
        let quarter = row[0].as_str().unwrap();
        assert!(pdf_text.contains(quarter), "{quarter}");
    }
}

/// LibreOffice opens the Word copies and prints them: the summary's title,
/// a table's figures and the 落款 come out on A4.
#[test]
fn libreoffice_prints_the_word_copies() {
    common::require_tool("soffice");
    let out = &sample_run().dir.path().join("output");
    let dir = tempfile::tempdir().unwrap();
    let docs = [
        out.join("2024/半年人才工作总结-东胜区社工人才工作站-2024上半年.docx"),
        out.join("2024/年度考核材料-东胜区社工人才工作站-2024.docx"),
    ];
    let profile = format!("-env:UserInstallation=file://{}/lo", dir.path().display());
    let converted = Command::new("soffice")
        .args([&profile, "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .args(&docs)
        .output()
        .unwrap();
    assert!(
        converted.status.success(),
        "{}",
        String::from_utf8_lossy(&converted.stderr)
    );
    let summary = dir
        .path()
        .join("半年人才工作总结-东胜区社工人才工作站-2024上半年.pdf");
    assert!(
        summary.is_file(),
        "LibreOffice wrote no PDF (is libreoffice-writer installed? scripts/test installs it): {}",
        String::from_utf8_lossy(&converted.stdout)
    );
    assert!(common::pdf_info(&summary).contains("595."));
    let text = common::pdf_text(&summary, None, false);
    let flat: String = text.split_whitespace().collect();
    assert!(
        flat.contains("东胜区社工人才工作站2024年上半年人才工作总结"),
        "{text}"
    );
    assert!(flat.contains("一、基本情况"), "{text}");
    let ours = out.join("2024/半年人才工作总结-东胜区社工人才工作站-2024上半年.pdf");
    let last = lines(&ours, common::pdf_pages(&ours));
    let signed = format!("东胜区社工人才工作站{}", last[last.len() - 2]);
    assert!(flat.contains(&signed), "{signed} not in {text}");
    let packet = dir
        .path()
        .join("年度考核材料-东胜区社工人才工作站-2024.pdf");
    let text: String = common::pdf_text(&packet, None, false)
        .split_whitespace()
        .collect();
    assert!(text.contains("考核组成员"), "{text}");
    assert!(text.contains("考核评分表"), "{text}");
}
