//! Helpers shared by the integration tests: reading back what jucai wrote.
#![allow(dead_code)]

pub mod servers;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run the `jucai` binary in `dir` with `args`.
pub fn jucai(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_jucai"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("jucai runs")
}

/// A folder tree copied, file by file.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// One part of an xlsx (zip) file as text, e.g. `xl/workbook.xml`.
pub fn zip_part(path: &Path, part: &str) -> String {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    zip.by_name(part)
        .unwrap_or_else(|_| panic!("{part} in {}", path.display()))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The worksheet XML of the `index`-th sheet (0-based, workbook order).
/// The package rewritten with each part renamed by `rename` (its bytes
/// copied as they are).
pub fn rename_parts(bytes: &[u8], rename: impl Fn(&str) -> String) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).unwrap();
        let name = rename(&part.name().unwrap());
        out.raw_copy_file_rename(part, name).unwrap();
    }
    out.finish().unwrap().into_inner()
}

pub fn sheet_xml(path: &Path, index: usize) -> String {
    zip_part(path, &format!("xl/worksheets/sheet{}.xml", index + 1))
}

/// Every `<dataValidation …>…</dataValidation>` element of a sheet's XML.
pub fn data_validations(xml: &str) -> Vec<String> {
    xml.split("<dataValidation ")
        .skip(1)
        .map(|s| {
            s.split("</dataValidation>")
                .next()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

/// The text between `<tag>` and `</tag>` in `xml`, if present.
pub fn between<'a>(xml: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = xml.find(open)? + open.len();
    let end = start + xml[start..].find(close)?;
    Some(&xml[start..end])
}

/// Decode the XML entities rust_xlsxwriter writes.
pub fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// A cell of a hand-built workbook.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A real Excel date cell.
    Date(u16, u8, u8),
    /// A formula and its cached result.
    Formula(String, f64),
}

pub fn t(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

/// A workbook as sheets of rows, written with rust_xlsxwriter (a real file,
/// read back by jucai like any other).
#[derive(Debug, Clone, Default)]
pub struct Book {
    pub sheets: Vec<(String, Vec<Vec<Cell>>)>,
    /// Merged areas: (sheet, first row, first col, last row, last col), 0-based.
    pub merges: Vec<(String, u32, u16, u32, u16)>,
    /// Sheets to hide.
    pub hidden: Vec<String>,
}

impl Book {
    pub fn sheet_mut(&mut self, name: &str) -> &mut Vec<Vec<Cell>> {
        &mut self.sheets.iter_mut().find(|(n, _)| n == name).unwrap().1
    }

    pub fn remove_sheet(&mut self, name: &str) {
        self.sheets.retain(|(n, _)| n != name);
    }

    /// Set the cell under header `column` in data row `index` (0 = first data
    /// row, which is sheet row 3) of a ledger sheet.
    pub fn set(&mut self, sheet: &str, index: usize, column: &str, value: Cell) {
        let rows = self.sheet_mut(sheet);
        let col = rows[1]
            .iter()
            .position(|c| matches!(c, Cell::Text(h) if h.trim_end_matches('★') == column))
            .unwrap_or_else(|| panic!("{sheet} has no column {column}"));
        let row = &mut rows[2 + index];
        if row.len() <= col {
            row.resize(col + 1, Cell::Empty);
        }
        row[col] = value;
    }

    /// Set the value next to a cover label.
    pub fn set_cover(&mut self, label: &str, value: Cell) {
        let rows = self.sheet_mut("封面");
        let row = rows
            .iter_mut()
            .find(|r| r.first() == Some(&t(label)))
            .unwrap();
        row[1] = value;
    }

    pub fn bytes(&self) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        for (name, rows) in &self.sheets {
            let sheet = book.add_worksheet();
            sheet.set_name(name).unwrap();
            for (r, row) in rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let (r, c) = (r as u32, c as u16);
                    match cell {
                        Cell::Empty => {}
                        Cell::Text(s) => {
                            sheet.write_string(r, c, s).unwrap();
                        }
                        Cell::Number(n) => {
                            sheet.write_number(r, c, *n).unwrap();
                        }
                        Cell::Date(y, m, d) => {
                            let dt = rust_xlsxwriter::ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                            sheet.write_datetime_with_format(r, c, &dt, &date).unwrap();
                        }
                        Cell::Formula(f, result) => {
                            let formula =
                                rust_xlsxwriter::Formula::new(f).set_result(result.to_string());
                            sheet.write_formula(r, c, formula).unwrap();
                        }
                    }
                }
            }
            for (_, r1, c1, r2, c2) in self.merges.iter().filter(|m| m.0 == *name) {
                let text = match &rows[*r1 as usize][*c1 as usize] {
                    Cell::Text(s) => s.clone(),
                    _ => String::new(),
                };
                let format = rust_xlsxwriter::Format::new();
                sheet
                    .merge_range(*r1, *c1, *r2, *c2, &text, &format)
                    .unwrap();
            }
            if self.hidden.contains(name) {
                sheet.set_hidden(true);
            }
        }
        book.save_to_buffer().unwrap()
    }
}

/// A clean 2023Q3 workbook of 罕台镇社工人才工作室 with a few records in every
/// ledger, laid out like the template (title row, header row, data): the rows
/// are `tests/fixtures/clean_book.toml`.
pub fn clean_book() -> Book {
    let text = std::fs::read_to_string(root().join("tests/fixtures/clean_book.toml")).unwrap();
    let data: toml::Table = toml::from_str(&text).unwrap();
    let cover = &data["cover"];
    let mut rows = vec![
        vec![toml_cell(&cover["title"])],
        vec![],
        vec![t("项目"), t("内容")],
    ];
    rows.extend(toml_rows(&cover["rows"]));
    let mut sheets = vec![("封面".to_string(), rows)];
    for ledger in data["ledgers"].as_array().unwrap() {
        let mut rows = vec![vec![toml_cell(&ledger["title"])]];
        rows.extend(toml_rows(&toml::Value::Array(vec![
            ledger["header"].clone()
        ])));
        rows.extend(toml_rows(&ledger["rows"]));
        sheets.push((ledger["sheet"].as_str().unwrap().to_string(), rows));
    }
    Book {
        sheets,
        ..Book::default()
    }
}

/// An array of TOML arrays as rows of cells.
fn toml_rows(rows: &toml::Value) -> Vec<Vec<Cell>> {
    let rows = rows.as_array().unwrap();
    rows.iter()
        .map(|row| row.as_array().unwrap().iter().map(toml_cell).collect())
        .collect()
}

/// A TOML value as a cell: "" is an empty cell, a date a real date cell.
fn toml_cell(value: &toml::Value) -> Cell {
    match value {
        toml::Value::String(s) if s.is_empty() => Cell::Empty,
        toml::Value::String(s) => t(s),
        toml::Value::Integer(n) => Cell::Number(*n as f64),
        toml::Value::Float(n) => Cell::Number(*n),
        toml::Value::Datetime(dt) => {
            let date = dt.date.unwrap();
            Cell::Date(date.year, date.month, date.day)
        }
        other => panic!("clean_book.toml: no cell for {other}"),
    }
}

/// The clean book with the quirks real workbooks have: text dates, reordered
/// columns, title rows above the header, a merged title and a merged cell
/// spanning two data rows, a formula, a hidden sheet, blank rows.
pub fn quirky_book() -> Book {
    let mut book = clean_book();
    book.set("问题台账", 0, "登记日期", t("2023/7/3"));
    book.set("问题台账", 0, "办结日期", t("2023年8月15日"));
    book.set("问题台账", 1, "登记日期", t("20230912"));
    book.set("需求台账", 0, "办结日期", t("2023.8.2"));
    // A second activity whose 活动地点 is merged with the first one's.
    let second = {
        let sheet = book.sheet_mut("活动台账");
        let mut row = sheet[2].clone();
        row[0] = t("HD002");
        row[2] = t("养老护理技能比武");
        row[3] = t("技能竞赛");
        row[5] = Cell::Empty;
        row[6] = Cell::Formula("=20+15".into(), 35.0);
        sheet.push(row);
        sheet.len() - 1
    };
    book.merges
        .push(("活动台账".into(), 2, 5, second as u32, 5));
    book.merges.push(("活动台账".into(), 0, 0, 0, 10));
    // Columns of the needs ledger in reverse order, under two title rows.
    let needs = book.sheet_mut("需求台账");
    for row in needs.iter_mut().skip(1) {
        row.resize(10, Cell::Empty);
        row.reverse();
    }
    needs.insert(
        1,
        vec![
            t("单位：罕台镇社工人才工作室"),
            Cell::Empty,
            t("2023年第三季度"),
        ],
    );
    needs.push(vec![]);
    needs.push(vec![]);
    book.sheets
        .push(("说明".into(), vec![vec![t("内部备注，勿删")]]));
    book.hidden.push("说明".into());
    book
}

/// The Debian package that provides each external tool the tests run.
fn package_of(tool: &str) -> &'static str {
    match tool {
        "soffice" => "libreoffice-calc",
        "pdftotext" | "pdfinfo" | "pdffonts" => "poppler-utils",
        "python3" => "python3",
        "dovecot" | "doveadm" => "dovecot-imapd",
        "openssl" => "openssl",
        "7zz" => "7zip",
        _ => "the package that provides it",
    }
}

/// Whether `tool` is an executable on `PATH`.
pub fn on_path(tool: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| {
            std::fs::metadata(dir.join(tool))
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
    })
}

/// Insist that an external checking tool (pdftotext, soffice…) is installed.
/// A missing tool fails the test, always (never a skip): it says what to
/// install, and `scripts/test` installs it.
pub fn require_tool(tool: &str) {
    assert!(
        on_path(tool),
        "{tool} is not installed: install the Debian package {} \
         (scripts/test installs what the tests use, then runs them)",
        package_of(tool)
    );
}

/// Text of a PDF (or of page `page`), in content order, via pdftotext.
pub fn pdf_text(path: &Path, page: Option<usize>, layout: bool) -> String {
    require_tool("pdftotext");
    let mut cmd = Command::new("pdftotext");
    cmd.arg(if layout { "-layout" } else { "-raw" });
    if let Some(p) = page {
        cmd.args(["-f", &p.to_string(), "-l", &p.to_string()]);
    }
    let out = cmd.arg(path).arg("-").output().expect("pdftotext runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `pdfinfo`'s output.
pub fn pdf_info(path: &Path) -> String {
    require_tool("pdfinfo");
    let out = Command::new("pdfinfo")
        .arg(path)
        .output()
        .expect("pdfinfo runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// How many pages a PDF has, by `pdfinfo`.
pub fn pdf_pages(path: &Path) -> usize {
    pdf_info(path)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("pdfinfo gives the page count of {}", path.display()))
}

/// The base names of the fonts a PDF embeds (subset tags removed), via pdffonts.
pub fn pdf_fonts(path: &Path) -> Vec<String> {
    require_tool("pdffonts");
    let out = Command::new("pdffonts")
        .arg(path)
        .output()
        .expect("pdffonts runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .map(|name| name.split_once('+').map_or(name, |(_, n)| n).to_string())
        .collect()
}

/// Run `jucai` and insist it succeeded, showing its errors if not.
pub fn jucai_ok(dir: &Path, args: &[&str]) -> std::process::Output {
    let out = jucai(dir, args);
    assert!(
        out.status.success(),
        "jucai {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The committed sample registry, as a `--platform` argument.
pub fn sample_platform() -> String {
    root()
        .join("sample-input/platform.xlsx")
        .display()
        .to_string()
}

/// The committed sample registry, loaded.
pub fn sample_registry() -> jucai::registry::Registry {
    let schema = jucai::schema::Schema::builtin();
    let path = root().join("sample-input/platform.xlsx");
    jucai::registry::Registry::load(&path, &schema).unwrap().0
}

/// Take the committed sample inbox into `dir/archive`.
pub fn intake_sample(dir: &Path) {
    let inbox = root().join("sample-input/inbox").display().to_string();
    jucai_ok(
        dir,
        &[
            "intake",
            &inbox,
            "--archive",
            "archive",
            "--platform",
            &sample_platform(),
        ],
    );
}

/// The fill colour (ARGB, e.g. `FFFFC7CE`) a cell of the `index`-th sheet of
/// an xlsx shows, worked out the way a spreadsheet does: the cell's `s="N"`
/// → `cellXfs[N]` → its `fillId` → `fills[fillId]`'s foreground colour.
/// `None` for a cell that is not there or has no solid fill.
pub fn cell_fill(path: &Path, index: usize, cell: &str) -> Option<String> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let re = regex::Regex::new(&format!(r#"\s{name}="([^"]*)""#)).unwrap();
        re.captures(tag).map(|c| c[1].to_string())
    };
    let sheet = sheet_xml(path, index);
    let tag = regex::Regex::new(&format!(r#"<c r="{cell}"[^>]*>"#))
        .unwrap()
        .find(&sheet)?
        .as_str()
        .to_string();
    let style: usize = attr(&tag, "s").map_or(0, |s| s.parse().unwrap());
    let styles = zip_part(path, "xl/styles.xml");
    let xfs = between(&styles, "<cellXfs", "</cellXfs>").expect("cellXfs");
    let xf = regex::Regex::new(r"<xf\s[^>]*>")
        .unwrap()
        .find_iter(xfs)
        .nth(style)
        .unwrap_or_else(|| panic!("cellXfs has no style {style}"))
        .as_str()
        .to_string();
    let fill: usize = attr(&xf, "fillId").map_or(0, |f| f.parse().unwrap());
    let fills = between(&styles, "<fills", "</fills>").expect("fills");
    let fill = regex::Regex::new(r"(?s)<fill>.*?</fill>|<fill/>")
        .unwrap()
        .find_iter(fills)
        .nth(fill)
        .unwrap_or_else(|| panic!("fills has no fill {fill}"))
        .as_str()
        .to_string();
    if !fill.contains(r#"patternType="solid""#) {
        return None;
    }
    let color = regex::Regex::new(r"<fgColor[^>]*>").unwrap().find(&fill)?;
    attr(color.as_str(), "rgb")
}

/// Rows of a DuckDB query run in `dir` by the real client (PyPI `duckdb`),
/// each row's values as JSON (dates and other non-JSON values as text).
/// A missing Python or duckdb fails the test with what to install.
pub fn duckdb(dir: &Path, sql: &str) -> Vec<Vec<serde_json::Value>> {
    const RUN: &str = "import sys, json, duckdb\n\
        rows = duckdb.connect().sql(sys.argv[1]).fetchall()\n\
        print(json.dumps([list(r) for r in rows], default=str, ensure_ascii=False))";
    let out = Command::new("python3")
        .current_dir(dir)
        .args(["-c", RUN, sql])
        .output()
        .expect("python3 is installed (Debian python3)");
    assert!(
        out.status.success(),
        "duckdb query failed (pip install duckdb; scripts/test does it)\n{sql}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the query's rows as JSON")
}

/// Set cells of a workbook with openpyxl, as a unit editing in a
/// spreadsheet: `python3 -c OPENPYXL_EDIT IN OUT SHEET!CELL!VALUE...`.
pub const OPENPYXL_EDIT: &str = r#"
import sys, openpyxl
path, out = sys.argv[1], sys.argv[2]
book = openpyxl.load_workbook(path)
for edit in sys.argv[3:]:
    sheet, cell, value = edit.split("!")
    book[sheet][cell].value = value
book.save(out)
"#;

/// Every unit's `jucai report quarterly --format json` from the archive
/// `args` point at (run in `dir`), and the one of `unit`'s quarter.
pub fn quarter_of(dir: &Path, period: &str, unit: &str, args: &[&str]) -> serde_json::Value {
    let mut all_args = vec![
        "report",
        "quarterly",
        "--period",
        period,
        "--format",
        "json",
    ];
    all_args.extend_from_slice(args);
    let out = jucai_ok(dir, &all_args);
    let all: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    all.into_iter()
        .find(|u| u["unit"] == unit)
        .unwrap_or_else(|| panic!("{unit} in the {period} report"))["quarter"]
        .clone()
}
