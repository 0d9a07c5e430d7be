//! The PDF renderer on its own: a table long enough for three pages repeats
//! its header on each and never splits a row; a one-page report stays small.

use crate::common;

use jucai::render::pdf::{render, Align, BarChart, Block, Cell, Document, Style, Table};

fn doc(blocks: Vec<Block>) -> Document {
    Document {
        title: "测试报告".into(),
        style: Style::Report,
        landscape: false,
        date: chrono::NaiveDate::from_ymd_opt(2023, 9, 30).unwrap(),
        footer: "第 {page} 页 共 {pages} 页".into(),
        blocks,
    }
}

#[test]
fn a_long_table_repeats_its_header_on_every_page() {
    common::require_tool("pdftotext");
    let rows: Vec<Vec<Cell>> = (1..=120)
        .map(|i| {
            vec![
                Cell::new(format!("第{i:03}行")),
                Cell::new(format!("单位{i}名称较长需要换行显示的内容")),
                Cell::new(format!("{}", i * 37)),
            ]
        })
        .collect();
    let table = Table {
        widths: vec![1.0, 3.0, 1.0],
        align: vec![Align::Center, Align::Left, Align::Right],
        header: vec![vec![
            Cell::new("序号"),
            Cell::new("单位名称"),
            Cell::new("人数"),
        ]],
        rows,
    };
    let bytes = render(&doc(vec![
        Block::Title("很长的表".into()),
        Block::Table(table),
    ]));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let pages: usize = common::pdf_pages(&path);
    assert!(pages >= 3, "{pages} pages");
    let mut seen = Vec::new();
    for p in 1..=pages {
        let text = common::pdf_text(&path, Some(p), true).replace(' ', "");
        assert!(
            text.contains("序号") && text.contains("单位名称"),
            "header on page {p}"
        );
        assert!(text.contains(&format!("第{p}页共{pages}页")));
        for i in 1..=120 {
            if text.contains(&format!("第{i:03}行")) {
                seen.push(i);
            }
        }
    }
    assert_eq!(
        seen,
        (1..=120).collect::<Vec<_>>(),
        "every row once, in order: none split across pages"
    );
    let raw = common::pdf_text(&path, None, false);
    assert!(raw.contains("4440"), "right-aligned numbers are there");
}

#[test]
fn a_one_page_report_is_small_and_reproducible() {
    let blocks = vec![
        Block::Title("东胜区社工人才工作站2023年第三季度报告".into()),
        Block::Heading("一、基本情况".into()),
        Block::Paragraph(
            "截至2023年9月底，本站在库人才215人，较上季度增长12.5%，其中持证社工98人。".into(),
        ),
        Block::Chart(BarChart {
            title: "学历结构".into(),
            bars: vec![
                ("研究生".into(), 5.0),
                ("大学本科".into(), 120.0),
                ("大学专科".into(), 70.0),
            ],
            unit: "人".into(),
        }),
    ];
    let a = render(&doc(blocks.clone()));
    let b = render(&doc(blocks));
    assert!(a == b, "same input, same bytes");
    assert!(a.len() < 100_000, "{} bytes", a.len());
    common::require_tool("pdftotext");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, &a).unwrap();
    let text = common::pdf_text(&path, None, true);
    assert!(text.contains("截至2023年9月底"), "{text}");
    assert!(text.contains("120人"), "chart values: {text}");
    assert!(common::pdf_info(&path).contains("Pages:           1"));
}

/// The sample taken into `root`, `commands` run on it into `root/out`, and
/// the PDFs they wrote.
fn sample_pdfs(root: &std::path::Path, commands: &[&[&str]]) -> Vec<std::path::PathBuf> {
    common::intake_sample(root);
    let platform = common::sample_platform();
    let out = [
        "--archive",
        "archive",
        "--out",
        "out",
        "--platform",
        &platform,
    ];
    for command in commands {
        common::jucai_ok(root, &[*command, &out[..]].concat());
    }
    pdfs_under(&root.join("out"))
}

/// The PDFs of `dir` and below, sorted.
fn pdfs_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(pdfs_under(&path));
        } else if path.extension().is_some_and(|e| e == "pdf") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn page_count(path: &std::path::Path) -> usize {
    common::pdf_info(path)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

/// The non-empty lines of a page, as laid out, without the page number.
fn page_lines(pdf: &std::path::Path, page: usize) -> Vec<String> {
    common::pdf_text(pdf, Some(page), true)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('第'))
        .map(String::from)
        .collect()
}

/// A level-1 heading of the reports: 一、… to 十九、….
fn is_heading(line: &str) -> bool {
    let numeral: String = line
        .chars()
        .take_while(|c| "一二三四五六七八九十".contains(*c))
        .collect();
    !numeral.is_empty() && line[numeral.len()..].starts_with('、')
}

/// A heading never ends a page: at least three lines of what follows stay
/// with it (a table's header and two rows, or three lines of text), unless
/// its whole section is there.
#[test]
fn no_page_of_the_samples_pdfs_ends_with_a_heading() {
    common::require_tool("pdftotext");
    let dir = tempfile::tempdir().unwrap();
    let pdfs = sample_pdfs(
        dir.path(),
        &[
            &["report", "quarterly", "--period", "2024Q4"],
            &["report", "annual", "--year", "2024"],
            &["packet", "--year", "2023"],
        ],
    );
    assert!(pdfs.len() >= 10, "{pdfs:?}");
    let mut pages_seen = 0;
    for pdf in &pdfs {
        let pages = page_count(pdf);
        let texts: Vec<Vec<String>> = (1..=pages).map(|p| page_lines(pdf, p)).collect();
        for (i, lines) in texts.iter().enumerate() {
            pages_seen += 1;
            let Some(h) = lines.iter().rposition(|l| is_heading(l)) else {
                continue;
            };
            let after = &lines[h + 1..];
            // A short section may end the page whole: the next page starts
            // with the next heading, or there is none.
            let section_ends = texts
                .get(i + 1)
                .is_none_or(|next| next.first().is_some_and(|l| is_heading(l)));
            assert!(
                after.len() >= 3 || section_ends,
                "{} page {} of {pages} ends with the heading {:?} and {} line(s) of what follows: {after:?}",
                pdf.display(),
                i + 1,
                lines[h],
                after.len()
            );
        }
    }
    assert!(pages_seen > pdfs.len(), "{pages_seen} pages");
}

#[test]
fn odd_page_leaves_a_marked_blank_page_only_where_a_part_would_start_on_an_even_one() {
    common::require_tool("pdftotext");
    let blank = || Block::OddPage("此页无正文".into());
    let part = |n: usize| Block::Paragraph(format!("第{n}部分正文。"));
    let bytes = render(&doc(vec![
        Block::Title("汇编".into()),
        blank(),
        part(1),
        blank(),
        part(2),
        Block::PageBreak,
        part(3),
        blank(),
        part(4),
    ]));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd.pdf");
    std::fs::write(&path, &bytes).unwrap();
    assert_eq!(page_count(&path), 7);
    let shown: Vec<String> = (1..=7)
        .map(|p| common::pdf_text(&path, Some(p), true).replace([' ', '\n', '\u{c}'], ""))
        .collect();
    let expected = [
        "汇编",
        "此页无正文",
        "第1部分正文。",
        "此页无正文",
        "第2部分正文。",
        "第3部分正文。",
        "第4部分正文。",
    ];
    for (p, (text, want)) in shown.iter().zip(expected).enumerate() {
        assert_eq!(text, &format!("{want}第{}页共7页", p + 1), "page {}", p + 1);
    }
}

/// GB/T 9704 typography: an official document embeds 宋 (title), 仿宋
/// (body), 黑 (headings, tables) and 楷 (subtitle), subset; a character the
/// 宋 face lacks is drawn in 黑 and still extracts as itself.
#[test]
fn an_official_document_sets_song_fang_hei_and_kai_and_falls_back_glyph_by_glyph() {
    let mut d = doc(vec![
        Block::Title("关于张堃同志工作情况的报告".into()),
        Block::Subtitle("东胜区民政人才工作中心".into()),
        Block::Heading("一、基本情况".into()),
        Block::Paragraph("张堃同志2024年组织活动 12 次，参与 300 人次。".into()),
    ]);
    d.style = Style::Official;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("official.pdf");
    std::fs::write(&path, render(&d)).unwrap();
    let mut fonts = common::pdf_fonts(&path);
    fonts.sort();
    assert_eq!(
        fonts,
        [
            "BousungEG-Light-GB",
            "FandolFang-Regular",
            "GBZenKai-Medium",
            "WenQuanYiMicroHei"
        ],
        "宋 (title), 仿宋 (body), 楷 and 黑 embedded"
    );
    // 黑 is embedded for 堃 alone when nothing else is set in it.
    let faces_of = |title: &str| {
        let mut d = doc(vec![
            Block::Title(title.into()),
            Block::Paragraph("正文。".into()),
        ]);
        d.style = Style::Official;
        let path = dir.path().join("faces.pdf");
        std::fs::write(&path, render(&d)).unwrap();
        let mut fonts = common::pdf_fonts(&path);
        fonts.sort();
        fonts
    };
    assert_eq!(
        faces_of("关于张同志的报告"),
        ["BousungEG-Light-GB", "FandolFang-Regular"]
    );
    assert_eq!(
        faces_of("关于张堃同志的报告"),
        [
            "BousungEG-Light-GB",
            "FandolFang-Regular",
            "WenQuanYiMicroHei"
        ]
    );
    let text = common::pdf_text(&path, None, false).replace(['\n', '\u{c}'], "");
    assert!(text.contains("关于张堃同志工作情况的报告"), "{text}");
    // No space between Chinese and figures in a document.
    assert!(text.contains("组织活动12次，参与300人次"), "{text}");
    assert!(std::fs::metadata(&path).unwrap().len() < 100_000);
    // The page is the standard's: A4.
    assert!(common::pdf_info(&path).contains("595.276 x 841.89 pts (A4)"));
}

/// Every official PDF of the sample (annual summaries, packets) stays under
/// 100 KB a page with its three faces embedded.
#[test]
fn the_samples_official_pdfs_stay_under_100_kb_a_page() {
    let dir = tempfile::tempdir().unwrap();
    let pdfs = sample_pdfs(
        dir.path(),
        &[
            &["report", "annual", "--year", "2024"],
            &["packet", "--year", "2023"],
        ],
    );
    assert!(pdfs.len() >= 10, "{pdfs:?}");
    for pdf in &pdfs {
        let per_page = std::fs::metadata(pdf).unwrap().len() / page_count(pdf) as u64;
        assert!(
            per_page < 100_000,
            "{}: {per_page} bytes a page",
            pdf.display()
        );
        assert!(
            common::pdf_fonts(pdf)
                .iter()
                .any(|f| f == "BousungEG-Light-GB"),
            "{}: body in 宋",
            pdf.display()
        );
    }
}
