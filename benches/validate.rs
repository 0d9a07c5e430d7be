//! Validation throughput on a large ledger workbook, against the floor of just
//! reading every cell with calamine.
//!
//! `cargo bench --bench validate [-- ROWS]` (default 100000 rows per ledger in
//! the roster and the activity log; the other ledgers get a tenth).

use std::io::Cursor;
use std::time::Instant;

use calamine::{Reader, Sheets};
use jucai::read::id_number;
use jucai::registry::Registry;
use jucai::schema::Schema;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

fn main() {
    let rows: u32 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let schema = Schema::builtin();
    let (units, levels) = jucai::sample::dongsheng();
    let dir = std::env::temp_dir().join("jucai-bench-validate");
    std::fs::create_dir_all(&dir).unwrap();
    let platform = dir.join("platform.xlsx");
    jucai::reports::template::registry::write(&schema, &units, &levels, &platform).unwrap();
    let registry = Registry::load(&platform, &schema).unwrap().0;

    let started = Instant::now();
    let bytes = big_workbook(rows);
    let total_rows = rows * 2 + (rows / 10) * 3;
    println!(
        "workbook: {total_rows} ledger rows, {:.1} MB, written in {:.1} s",
        bytes.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    // (a) the floor: open and read every cell of every sheet.
    let mut cells = 0usize;
    let floor = time(3, || {
        let mut book = Sheets::Xlsx(calamine::Xlsx::new(Cursor::new(bytes.as_slice())).unwrap());
        cells = 0;
        for name in book.sheet_names() {
            let range = book.worksheet_range(&name).unwrap();
            cells += range.used_cells().count();
        }
    });
    // (b) read + validate.
    let mut diagnostics = 0;
    let full = time(3, || {
        let checked = jucai::validate::validate(
            &bytes,
            "bench.xlsx",
            &schema,
            &registry,
            &jucai::limits::Limits::default(),
        );
        diagnostics = checked.diagnostics.len();
    });
    assert_eq!(diagnostics, 0, "the generated workbook is clean");
    println!(
        "read cells only : {floor:.3} s  ({:.0} cells/s, {:.0} rows/s)",
        cells as f64 / floor,
        f64::from(total_rows) / floor
    );
    println!(
        "read + validate : {full:.3} s  ({:.0} rows/s)",
        f64::from(total_rows) / full
    );
    println!("validate / read : {:.2}x", full / floor);
}

/// Best of `n` runs, in seconds.
fn time(n: usize, mut f: impl FnMut()) -> f64 {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn big_workbook(rows: u32) -> Vec<u8> {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let d = |y: u16, m: u8, day: u8| ExcelDateTime::from_ymd(y, m, day).unwrap();
    {
        let cover = book.add_worksheet();
        cover.set_name("封面").unwrap();
        let items = [
            ("单位编码", "150602-01-01"),
            ("单位名称", "罕台镇社工人才工作室"),
            ("报送期", "2023年第三季度"),
            ("填报人", "王丽娟"),
            ("联系电话", "13947710000"),
        ];
        for (r, (k, v)) in items.iter().enumerate() {
            cover.write(r as u32, 0, *k).unwrap();
            cover.write(r as u32, 1, *v).unwrap();
        }
        cover.write(5, 0, "填报日期").unwrap();
        cover
            .write_datetime_with_format(5, 1, d(2023, 10, 8), &date)
            .unwrap();
    }
    let schema = Schema::builtin();
    for ledger in &schema.ledgers {
        let sheet = book.add_worksheet();
        sheet.set_name(&ledger.name).unwrap();
        for (c, f) in ledger.fields.iter().enumerate() {
            sheet.write(0, c as u16, &f.name).unwrap();
        }
        let n = if matches!(ledger.key.as_str(), "roster" | "activities") {
            rows
        } else {
            rows / 10
        };
        for i in 0..n {
            write_row(sheet, ledger.key.as_str(), i, &date);
        }
    }
    book.save_to_buffer().unwrap()
}

fn write_row(sheet: &mut Worksheet, ledger: &str, i: u32, date: &Format) {
    let r = i + 1;
    let day =
        |n: u32| ExcelDateTime::from_ymd(2023, 7 + (n % 3) as u8, 1 + (n % 28) as u8).unwrap();
    let text = |sheet: &mut Worksheet, c: u16, s: &str| {
        sheet.write_string(r, c, s).unwrap();
    };
    match ledger {
        "roster" => {
            let (y, m, dd) = (1960 + (i % 40), 1 + (i % 12), 1 + (i % 28));
            let male = i.is_multiple_of(2);
            let first17 = format!(
                "150602{y:04}{m:02}{dd:02}{:03}",
                (i % 500) * 2 + u32::from(male)
            );
            let id = id_number::with_check_char(&first17).unwrap();
            let values = [
                format!("RC{i:06}"),
                "张伟".into(),
                if male { "男" } else { "女" }.into(),
                String::new(),
                "汉族".into(),
                "群众".into(),
                "大学本科".into(),
                "社会工作".into(),
                "社会工作".into(),
                "社会工作师".into(),
                "罕台镇田园社区".into(),
                "社工".into(),
                format!("139{:08}", i),
                id,
                String::new(),
                "在库".into(),
                String::new(),
                "否".into(),
                String::new(),
                "无".into(),
                String::new(),
            ];
            for (c, v) in values.iter().enumerate() {
                if !v.is_empty() {
                    text(sheet, c as u16, v);
                }
            }
            let birth = ExcelDateTime::from_ymd(y as u16, m as u8, dd as u8).unwrap();
            sheet
                .write_datetime_with_format(r, 3, &birth, date)
                .unwrap();
            sheet
                .write_datetime_with_format(r, 14, day(i), date)
                .unwrap();
        }
        "activities" => {
            text(sheet, 0, &format!("HD{i:06}"));
            sheet
                .write_datetime_with_format(r, 1, day(i), date)
                .unwrap();
            text(sheet, 2, "社区社工服务经验交流会");
            text(sheet, 3, "学术交流");
            text(sheet, 4, "本室");
            text(sheet, 5, "田园社区");
            sheet.write_number(r, 6, 30.0).unwrap();
            sheet.write_number(r, 7, 12.0).unwrap();
            sheet.write_number(r, 8, 1200.5).unwrap();
        }
        "problems" | "needs" => {
            let prefix = if ledger == "problems" { "WT" } else { "XQ" };
            text(sheet, 0, &format!("{prefix}{i:06}"));
            sheet
                .write_datetime_with_format(r, 1, day(i), date)
                .unwrap();
            text(sheet, 2, &format!("RC{:06}", i));
            text(sheet, 4, "教育培训");
            text(sheet, 5, "希望参加社工师考前培训");
            if ledger == "problems" {
                text(sheet, 6, "工作室");
                text(sheet, 8, "办理中");
            } else {
                text(sheet, 7, "对接中");
            }
        }
        _ => {
            text(sheet, 0, &format!("CG{i:06}"));
            sheet
                .write_datetime_with_format(r, 1, day(i), date)
                .unwrap();
            text(sheet, 2, "社区社工人才现状调研");
            text(sheet, 3, "调研报告");
            text(sheet, 4, "县区级");
            text(sheet, 5, "罕台镇社工人才工作室");
            text(sheet, 6, &format!("RC{:06}", i));
        }
    }
}
