//! The platform registry: the committed sample reproduces the seed document's
//! "1+4+N" table, and a broken registry gives diagnostics that name the cell.

use crate::common;

use std::collections::BTreeMap;

use jucai::diagnostic::{Code, Diagnostic};
use jucai::registry::{Level, Registry};
use jucai::schema::Schema;
use rust_xlsxwriter::Workbook;

/// One row of the seed table: (centre, centre address, station, station address,
/// workroom, workroom location), empty cells carried down from the rows above.
type SeedRow = [String; 6];

/// Parse the table at the end of `000_*.txt` (kept verbatim in tests/fixtures).
fn seed_rows() -> Vec<SeedRow> {
    let text =
        std::fs::read_to_string(common::root().join("tests/fixtures/seed-1+4+N.txt")).unwrap();
    let mut rows = Vec::new();
    let mut carried: SeedRow = Default::default();
    let mut in_body = false;
    for block in text.split("\n\n") {
        let cells: Vec<String> = block.lines().map(|l| l.trim().to_string()).collect();
        if cells.first().map(String::as_str) == Some("工作中心名称") {
            in_body = true;
            continue;
        }
        if !in_body || cells.iter().all(String::is_empty) {
            continue;
        }
        let mut row = carried.clone();
        for i in 0..6 {
            let cell = cells.get(i).cloned().unwrap_or_default();
            if !cell.is_empty() {
                row[i] = cell;
                if i == 2 {
                    // A new station starts: no workroom carried from the previous one.
                    row[4].clear();
                    row[5].clear();
                }
            } else if i >= 4 {
                row[i].clear();
            }
        }
        carried = row.clone();
        rows.push(row);
    }
    rows
}

fn sample_registry() -> Registry {
    let path = common::root().join("sample-input/platform.xlsx");
    let (registry, diags) = Registry::load(&path, &Schema::builtin()).unwrap();
    assert!(diags.is_empty(), "{diags:#?}");
    registry
}

#[test]
fn the_sample_registry_reproduces_the_seed_table_character_for_character() {
    let rows = seed_rows();
    assert_eq!(
        rows.len(),
        23,
        "22 workroom rows + the 殡葬服务 station's own row"
    );
    let registry = sample_registry();
    let count = |level| registry.units().iter().filter(|u| u.level == level).count();
    assert_eq!(
        (
            count(Level::Centre),
            count(Level::Station),
            count(Level::Workroom)
        ),
        (1, 4, 22)
    );

    let centre = registry.centre().unwrap();
    assert_eq!(centre.name, rows[0][0]);
    assert_eq!(centre.address.as_deref(), Some(rows[0][1].as_str()));

    // Every station of the seed, in order, with its address and workrooms.
    let mut seed_stations: Vec<(String, String)> = Vec::new();
    let mut seed_rooms: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for row in &rows {
        if seed_stations.last().map(|s| &s.0) != Some(&row[2]) {
            seed_stations.push((row[2].clone(), row[3].clone()));
        }
        if !row[4].is_empty() {
            seed_rooms
                .entry(row[2].clone())
                .or_default()
                .push((row[4].clone(), row[5].clone()));
        }
    }
    let stations: Vec<(String, String)> = registry
        .children(&centre.code)
        .map(|s| (s.name.clone(), s.address.clone().unwrap_or_default()))
        .collect();
    assert_eq!(stations, seed_stations);
    for station in registry.children(&centre.code) {
        let rooms: Vec<(String, String)> = registry
            .children(&station.code)
            .map(|w| (w.name.clone(), w.address.clone().unwrap_or_default()))
            .collect();
        let expected = seed_rooms.get(&station.name).cloned().unwrap_or_default();
        assert_eq!(rooms, expected, "{}", station.name);
    }
    let funeral = registry
        .children(&centre.code)
        .find(|s| s.name.contains("殡葬服务"))
        .unwrap();
    assert_eq!(registry.children(&funeral.code).count(), 0);
}

#[test]
fn sample_registry_codes_follow_the_district_pattern() {
    let registry = sample_registry();
    for unit in registry.units() {
        let parts = unit.code.split('-').count();
        let expected = match unit.level {
            Level::Centre => 1,
            Level::Station => 2,
            Level::Workroom => 3,
        };
        assert_eq!(parts, expected, "{}", unit.code);
        assert!(unit.code.starts_with("150602"));
        assert!(unit.head.is_some() && unit.area.is_some() && unit.rules.is_some());
    }
}

/// A registry with a title row above the header, columns in another order, and
/// every structural mistake the loader must catch.
fn broken_registry() -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("平台名录").unwrap();
    sheet.write(0, 0, "某区民政人才工作平台名录").unwrap();
    let header = ["单位名称", "单位编码", "上级编码", "层级", "地址"];
    for (c, h) in header.iter().enumerate() {
        sheet.write(1, c as u16, *h).unwrap();
    }
    let rows: [[&str; 5]; 9] = [
        ["某区中心", "100", "", "中心", "甲路1号"],       // row 3
        ["第一站", "100-01", "100", "工作站", "乙路2号"], // row 4
        ["第一室", "100-01-01", "100-01", "工作室", "丙路3号"], // row 5
        ["重复的室", "100-01-01", "100-01", "工作室", ""], // row 6: duplicate code
        ["第二中心", "200", "", "中心", ""],              // row 7: second centre
        ["挂错的室", "100-01-02", "100", "工作室", ""],   // row 8: parent two levels up
        ["孤儿站", "100-02", "999", "工作站", ""],        // row 9: unknown parent
        ["没上级的室", "100-01-03", "", "工作室", ""],    // row 10: parent missing
        ["", "", "", "", ""],                             // row 11: blank, ignored
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write(r as u32 + 2, c as u16, *v).unwrap();
        }
    }
    sheet.write(11, 0, "层级写错的单位").unwrap();
    sheet.write(11, 1, "100-09").unwrap();
    sheet.write(11, 2, "100").unwrap();
    sheet.write(11, 3, "分站").unwrap(); // row 12: not a level
    book.save_to_buffer().unwrap()
}

fn find<'a>(diags: &'a [Diagnostic], cell: &str) -> &'a Diagnostic {
    diags
        .iter()
        .find(|d| d.cell.as_deref() == Some(cell))
        .unwrap_or_else(|| panic!("no diagnostic at {cell}: {diags:#?}"))
}

#[test]
fn structural_mistakes_are_diagnostics_naming_the_cell() {
    let (registry, diags) =
        Registry::from_bytes(&broken_registry(), "平台名录.xlsx", &Schema::builtin()).unwrap();
    let dup = find(&diags, "B6");
    assert_eq!(dup.code, Code::DuplicateId);
    assert!(dup.message.contains("第 5 行"), "{}", dup.message);
    let second_centre = find(&diags, "D7");
    assert_eq!(second_centre.code, Code::HierarchyError);
    assert!(
        second_centre.message.contains("现有 2 个"),
        "{}",
        second_centre.message
    );
    let wrong_level = find(&diags, "C8");
    assert_eq!(wrong_level.code, Code::HierarchyError);
    assert!(
        wrong_level.message.contains("上级应是工作站"),
        "{}",
        wrong_level.message
    );
    assert_eq!(find(&diags, "C9").code, Code::UnknownReference);
    assert_eq!(find(&diags, "C10").code, Code::RequiredMissing);
    let bad_level = find(&diags, "D12");
    assert_eq!(bad_level.code, Code::EnumError);
    assert!(
        bad_level.message.contains("中心、工作站、工作室"),
        "{}",
        bad_level.message
    );
    for d in &diags {
        assert_eq!(d.file, "平台名录.xlsx");
        assert_eq!(d.sheet.as_deref(), Some("平台名录"));
    }
    assert_eq!(diags.len(), 6, "{diags:#?}");
    // The usable part of the tree is kept.
    assert!(registry.unit("100-01-01").is_some());
    assert!(registry.unit("100-02").is_none());
}

#[test]
fn a_parent_cycle_is_reported() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["单位编码", "单位名称", "层级", "上级编码"]
        .iter()
        .enumerate()
    {
        sheet.write(0, c as u16, *h).unwrap();
    }
    let rows = [
        ["1", "中心", "中心", ""],
        ["1-01", "甲站", "工作站", "1-02"],
        ["1-02", "乙站", "工作站", "1-01"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    let bytes = book.save_to_buffer().unwrap();
    let (_, diags) = Registry::from_bytes(&bytes, "r.xlsx", &Schema::builtin()).unwrap();
    let cycles: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.code == Code::HierarchyError && d.message.contains("循环"))
        .collect();
    assert_eq!(cycles.len(), 2, "{diags:#?}");
    assert!(
        cycles[0].message.contains("1-01 → 1-02 → 1-01"),
        "{}",
        cycles[0].message
    );
}

#[test]
fn an_unreadable_registry_is_an_error_not_a_panic() {
    let err = Registry::from_bytes(b"not a workbook", "x.xlsx", &Schema::builtin()).unwrap_err();
    assert!(err.to_string().contains("x.xlsx"), "{err}");
    let mut book = Workbook::new();
    book.add_worksheet().write(0, 0, "随便写的").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let err = Registry::from_bytes(&bytes, "y.xlsx", &Schema::builtin()).unwrap_err();
    assert!(err.to_string().contains("表头"), "{err}");
}
