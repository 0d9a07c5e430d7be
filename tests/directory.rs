//! `jucai directory`: the "1+4+N" table as XLSX (merged cells read back) and
//! PDF (text, pages, embedded subset font), against the seed's names.

use crate::common;

use calamine::{open_workbook_auto, Reader};
use jucai::registry::Registry;
use jucai::schema::Schema;

fn write() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let platform = common::root().join("sample-input/platform.xlsx");
    let run = common::jucai(
        dir.path(),
        &[
            "directory",
            "--out",
            "out",
            "--platform",
            platform.to_str().unwrap(),
        ],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    dir
}

fn registry() -> Registry {
    Registry::load(
        &common::root().join("sample-input/platform.xlsx"),
        &Schema::builtin(),
    )
    .unwrap()
    .0
}

#[test]
fn the_xlsx_has_the_seed_layout_with_merged_centre_and_stations() {
    let dir = write();
    let path = dir.path().join("out/平台名录.xlsx");
    let mut book = open_workbook_auto(&path).unwrap();
    let sheet = book.worksheet_range("平台名录").unwrap();
    let cell = |r: u32, c: u32| {
        sheet
            .get_value((r, c))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert_eq!(cell(0, 0), "东胜区民政局“1+4+N”人才工作平台");
    assert_eq!(
        [cell(1, 0), cell(1, 2), cell(1, 4), cell(1, 6)],
        ["“1”个中心", "“4”个站点", "“N”个工作室", "备注"]
    );
    assert_eq!(
        (0..6).map(|c| cell(2, c)).collect::<Vec<_>>(),
        [
            "工作中心名称",
            "工作中心地址",
            "工作站名称",
            "工作站地址",
            "工作室名称",
            "工作室地点"
        ]
    );
    let registry = registry();
    let rooms: Vec<(String, String)> = registry
        .units()
        .iter()
        .filter(|u| u.level == jucai::registry::Level::Workroom)
        .map(|u| (u.name.clone(), u.address.clone().unwrap()))
        .collect();
    let listed: Vec<(String, String)> = (3..3 + 23)
        .map(|r| (cell(r, 4), cell(r, 5)))
        .filter(|(n, _)| !n.is_empty())
        .collect();
    assert_eq!(listed, rooms);
    // The 殡葬服务 station has its own row with empty workroom cells.
    let funeral = (3..26)
        .find(|&r| cell(r, 2) == "东胜区殡葬服务人才工作站")
        .expect("funeral station row");
    assert_eq!(
        (cell(funeral, 4), cell(funeral, 5)),
        (String::new(), String::new())
    );

    let xml = common::sheet_xml(&path, 0);
    for merge in [
        "A4:A26", "B4:B26", "C4:C18", "D4:D18", "C19:C23", "C25:C26", "A1:G1", "A2:B2", "G2:G3",
    ] {
        assert!(
            xml.contains(&format!("<mergeCell ref=\"{merge}\"/>")),
            "{merge} merged"
        );
    }
    assert!(!xml.contains("C24:C24"), "a one-row station is not merged");
}

#[test]
fn the_pdf_lists_every_name_on_a4_landscape_with_an_embedded_subset_font() {
    common::require_tool("pdftotext");
    let dir = write();
    let pdf = dir.path().join("out/平台名录.pdf");
    let info = common::pdf_info(&pdf);
    assert!(info.contains("841.89 x 595.276"), "{info}");
    assert!(
        info.contains("Title:           东胜区民政局“1+4+N”人才工作平台"),
        "{info}"
    );
    let pages: usize = common::pdf_pages(&pdf);
    // Content order keeps each cell's wrapped lines together.
    let text: String = common::pdf_text(&pdf, None, false).replace('\n', "");
    for u in registry().units() {
        assert!(text.contains(&u.name), "{} missing", u.name);
        assert!(
            text.contains(u.address.as_deref().unwrap()),
            "{} missing",
            u.address.as_deref().unwrap()
        );
    }
    for p in 1..=pages {
        let page = common::pdf_text(&pdf, Some(p), true).replace(' ', "");
        assert!(page.contains("工作室名称"), "header repeated on page {p}");
        assert!(
            page.contains(&format!("第{p}页共{pages}页")),
            "page number on page {p}"
        );
    }
    let fonts = std::process::Command::new("pdffonts")
        .arg(&pdf)
        .output()
        .unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    assert!(
        fonts.contains("WenQuanYiMicroHei") && fonts.contains("yes yes yes"),
        "{fonts}"
    );
    assert!(std::fs::metadata(&pdf).unwrap().len() < 100_000);
}

#[test]
fn the_same_registry_gives_byte_identical_files() {
    let a = write();
    let b = write();
    for name in ["平台名录.xlsx", "平台名录.pdf"] {
        let x = std::fs::read(a.path().join("out").join(name)).unwrap();
        let y = std::fs::read(b.path().join("out").join(name)).unwrap();
        assert!(x == y, "{name} differs between runs");
    }
}
