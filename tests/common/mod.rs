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
/// ledger, laid out like the template (title row, header row, data).
pub fn clean_book() -> Book {
    let d = |y, m, day| Cell::Date(y, m, day);
    let n = Cell::Number;
    let cover = vec![
        vec![t("罕台镇社工人才工作室人才工作台账")],
        vec![],
        vec![t("项目"), t("内容")],
        vec![t("单位编码"), t("150602-01-01")],
        vec![t("单位名称"), t("罕台镇社工人才工作室")],
        vec![t("报送期"), t("2023年第三季度")],
        vec![t("填报人"), t("王丽娟")],
        vec![t("联系电话"), t("13947710000")],
        vec![t("填报日期"), d(2023, 10, 8)],
    ];
    let ledger = |title: &str, header: &[&str], rows: Vec<Vec<Cell>>| {
        let mut out = vec![vec![t(title)], header.iter().map(|h| t(h)).collect()];
        out.extend(rows);
        out
    };
    let roster = ledger(
        "罕台镇社工人才工作室人才信息台账",
        &[
            "人才编号★",
            "姓名★",
            "性别★",
            "出生日期★",
            "民族",
            "政治面貌★",
            "学历★",
            "所学专业",
            "人才类别★",
            "职业资格",
            "工作单位★",
            "岗位",
            "联系电话★",
            "身份证号",
            "入库日期★",
            "在库状态★",
            "流出日期",
            "重点人才",
            "联系领导",
            "代表委员",
            "备注",
        ],
        vec![
            vec![
                t("RC001"),
                t("张伟"),
                t("男"),
                d(1985, 3, 12),
                t("汉族"),
                t("中共党员"),
                t("大学本科"),
                t("社会工作"),
                t("社会工作"),
                t("社会工作师"),
                t("罕台镇田园社区"),
                t("社工"),
                t("13947711111"),
                t("15060219850312123X"),
                d(2023, 5, 20),
                t("在库"),
                Cell::Empty,
                t("是"),
                t("白鹤"),
                t("无"),
                Cell::Empty,
            ],
            vec![
                t("RC002"),
                t("李娜"),
                t("女"),
                d(1992, 7, 8),
                t("蒙古族"),
                t("群众"),
                t("大学专科"),
                t("护理"),
                t("社会工作"),
                t("助理社会工作师"),
                t("罕台镇田园社区"),
                t("社工"),
                t("0477-8581234"),
                t("150602199207082445"),
                d(2023, 6, 1),
                t("在库"),
                Cell::Empty,
                t("否"),
                Cell::Empty,
                t("无"),
                Cell::Empty,
            ],
            vec![
                t("RC003"),
                t("王强"),
                t("男"),
                d(1978, 1, 15),
                t("汉族"),
                t("群众"),
                t("中专"),
                Cell::Empty,
                t("社区工作"),
                t("无"),
                t("罕台镇田园社区"),
                Cell::Empty,
                t("13847712222"),
                t("150602197801150317"),
                d(2023, 5, 20),
                t("流出"),
                d(2023, 8, 31),
                t("否"),
                Cell::Empty,
                t("无"),
                Cell::Empty,
            ],
        ],
    );
    let problems = ledger(
        "罕台镇社工人才工作室问题台账",
        &[
            "问题编号★",
            "登记日期★",
            "人才编号",
            "提出人",
            "问题类别★",
            "问题描述★",
            "办理层级★",
            "处理措施",
            "办理状态★",
            "办结日期",
            "备注",
        ],
        vec![
            vec![
                t("WT001"),
                d(2023, 7, 3),
                t("RC001"),
                t("张伟"),
                t("薪酬待遇"),
                t("社工岗位补贴发放不及时"),
                t("工作站"),
                t("协调街道按月发放"),
                t("已解决"),
                d(2023, 8, 15),
                Cell::Empty,
            ],
            vec![
                t("WT002"),
                d(2023, 9, 12),
                t("RC002"),
                t("李娜"),
                t("教育培训"),
                t("希望参加社工师考前培训"),
                t("工作室"),
                Cell::Empty,
                t("办理中"),
                Cell::Empty,
                Cell::Empty,
            ],
        ],
    );
    let needs = ledger(
        "罕台镇社工人才工作室需求台账",
        &[
            "需求编号★",
            "登记日期★",
            "人才编号",
            "提出人",
            "需求类别★",
            "需求描述★",
            "对接资源",
            "对接状态★",
            "办结日期",
            "备注",
        ],
        vec![vec![
            t("XQ001"),
            d(2023, 7, 20),
            t("RC002"),
            t("李娜"),
            t("教育培训"),
            t("社工师考试辅导资料"),
            t("区社工协会"),
            t("已满足"),
            d(2023, 8, 2),
            Cell::Empty,
        ]],
    );
    let activities = ledger(
        "罕台镇社工人才工作室活动台账",
        &[
            "活动编号★",
            "活动日期★",
            "活动名称★",
            "活动类型★",
            "活动范围★",
            "活动地点",
            "参与人数★",
            "人才参与人数",
            "经费（元）",
            "活动成效",
            "备注",
        ],
        vec![vec![
            t("HD001"),
            d(2023, 8, 18),
            t("社区社工服务经验交流会"),
            t("学术交流"),
            t("本室"),
            t("田园社区"),
            n(35.0),
            n(12.0),
            n(1200.5),
            t("交流了三个服务案例"),
            Cell::Empty,
        ]],
    );
    let achievements = ledger(
        "罕台镇社工人才工作室成果统计台账",
        &[
            "成果编号★",
            "取得日期★",
            "成果名称★",
            "成果类型★",
            "成果级别★",
            "完成人（单位）★",
            "人才编号",
            "说明",
        ],
        vec![vec![
            t("CG001"),
            d(2023, 9, 5),
            t("罕台镇社区社工人才现状调研"),
            t("调研报告"),
            t("县区级"),
            t("罕台镇社工人才工作室"),
            t("RC001、RC002"),
            Cell::Empty,
        ]],
    );
    Book {
        sheets: vec![
            ("封面".into(), cover),
            ("人才信息台账".into(), roster),
            ("问题台账".into(), problems),
            ("需求台账".into(), needs),
            ("活动台账".into(), activities),
            ("成果统计台账".into(), achievements),
        ],
        ..Book::default()
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
         (scripts/test installs libreoffice-calc and poppler-utils, then runs the tests)",
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
