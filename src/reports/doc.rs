//! A report as sections of headings, paragraphs, tables and charts, rendered
//! both as PDF (through `render::pdf`) and as XLSX (one sheet per table, real
//! numbers, frozen header rows, native charts, A4 print setup). Quarterly
//! and annual reports are built as a [`ReportDoc`].

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_xlsxwriter::{Chart, ChartType, Format, Workbook, XlsxError};

use crate::error::Error;
use crate::numbers;
use crate::output::{safe_sheet_name, write_atomic};
use crate::period::chinese_date;
use crate::render::pdf::{self, Align, BarChart, Block, Cell, Document, Style, Table};
use crate::render::xlsx::{self, Styles};

/// A table cell value: numbers stay numbers in XLSX.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Text(String),
    Int(i64),
    /// A number shown with `decimals` places.
    Num(f64, usize),
    /// Yuan, two decimals.
    Money(f64),
    /// A change from one period to another, signed, with `decimals` places.
    Change(f64, usize),
    /// A ratio shown as a percentage.
    Pct(f64),
    Empty,
}

impl Val {
    pub fn text(s: impl Into<String>) -> Val {
        Val::Text(s.into())
    }

    fn shown(&self) -> String {
        match self {
            Val::Text(s) => s.clone(),
            // Counts as the text writes them (“1330人”): only money is grouped.
            Val::Int(i) => i.to_string(),
            Val::Num(f, d) => numbers::grouped(*f, *d),
            Val::Money(f) => numbers::money(*f),
            Val::Change(f, 0) => numbers::signed_count(*f as i64),
            Val::Change(f, d) => numbers::signed(*f, *d),
            Val::Pct(p) => numbers::rate(*p),
            Val::Empty => String::new(),
        }
    }

    fn numeric(&self) -> bool {
        !matches!(self, Val::Text(_) | Val::Empty)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SimpleTable {
    /// Sheet name in XLSX.
    pub name: String,
    pub headers: Vec<String>,
    pub widths: Vec<f32>,
    pub rows: Vec<Vec<Val>>,
    /// Draw a bar chart of column `value` by column `label`, with this title.
    pub chart: Option<(String, usize, usize)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Heading(String),
    Paragraph(String),
    Table(SimpleTable),
    /// The PDF goes on on a new page (the XLSX has each table on a sheet anyway).
    PageBreak,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportDoc {
    pub title: String,
    pub subtitle: String,
    pub date: NaiveDate,
    pub footer: String,
    pub landscape: bool,
    /// How the PDF is set: the summaries and the quarterly report are
    /// documents (GB/T 9704-2012).
    pub style: Style,
    /// Who issues it: a document ends with its 落款, this unit and `date`
    /// (the day the figures were complete).
    pub issuer: Option<String>,
    pub pieces: Vec<Piece>,
}

impl ReportDoc {
    pub fn to_pdf(&self) -> Vec<u8> {
        pdf::render(&self.document())
    }

    /// The editable Word copy of a document (see `render::docx`).
    pub fn to_docx(&self) -> Result<Vec<u8>, docx_rs::DocxError> {
        crate::render::docx::to_docx(&self.document())
    }

    /// Write `<stem>.docx` into `dir`.
    pub fn write_docx(&self, dir: &Path, stem: &str) -> Result<PathBuf, Error> {
        let path = dir.join(format!("{}.docx", crate::output::safe_file_name(stem)));
        let bytes = self.to_docx().map_err(|e| Error::docx(&path, e))?;
        write_atomic(&path, &bytes)?;
        Ok(path)
    }

    /// The report as the blocks a PDF or a Word copy is made from.
    fn document(&self) -> Document {
        let mut blocks = vec![
            Block::Title(self.title.clone()),
            Block::Subtitle(self.subtitle.clone()),
        ];
        for piece in &self.pieces {
            match piece {
                Piece::Heading(h) => blocks.push(Block::Heading(h.clone())),
                Piece::Paragraph(p) => blocks.push(Block::Paragraph(p.clone())),
                Piece::Table(t) => {
                    if let Some((title, label, value)) = &t.chart {
                        blocks.push(Block::Chart(BarChart {
                            title: title.clone(),
                            bars: t
                                .rows
                                .iter()
                                .map(|r| (r[*label].shown(), number(&r[*value])))
                                .collect(),
                            unit: String::new(),
                        }));
                    }
                    blocks.push(Block::Table(pdf_table(t)));
                }
                Piece::PageBreak => blocks.push(Block::PageBreak),
            }
        }
        if let Some(issuer) = &self.issuer {
            blocks.push(Block::Signature {
                issuer: issuer.clone(),
                date: chinese_date(self.date),
            });
        }
        Document {
            title: self.title.clone(),
            landscape: self.landscape,
            style: self.style,
            date: self.date,
            footer: self.footer.clone(),
            blocks,
        }
    }

    /// Write `<stem>.pdf` and `<stem>.xlsx` into `dir`.
    pub fn write(&self, dir: &Path, stem: &str) -> Result<(PathBuf, PathBuf), Error> {
        let stem = crate::output::safe_file_name(stem);
        let pdf_path = dir.join(format!("{stem}.pdf"));
        let xlsx_path = dir.join(format!("{stem}.xlsx"));
        write_atomic(&pdf_path, &self.to_pdf())?;
        let sheets = self.table_sheet_names();
        let common = xlsx::common_texts();
        let text_sheet = common.plain("report_text_sheet")?;
        let notes = sheets
            .iter()
            .map(|sheet| common.render("report_table_note", &serde_json::json!({ "sheet": sheet })))
            .collect::<Result<Vec<_>, _>>()?;
        let mut book = self
            .to_xlsx(&text_sheet, &sheets, &notes)
            .map_err(|e| Error::xlsx(&xlsx_path, e))?;
        xlsx::save(&mut book, &xlsx_path)?;
        Ok((pdf_path, xlsx_path))
    }

    /// One sheet name per table, in order: the table's name made safe, with
    /// `_2`, `_3`… (shortening the name to stay within 31 characters) when two
    /// tables share a name.
    fn table_sheet_names(&self) -> Vec<String> {
        let mut used = std::collections::BTreeSet::new();
        self.tables()
            .map(|t| {
                let base = safe_sheet_name(&t.name);
                let mut name = base.clone();
                for n in 2.. {
                    if used.insert(name.clone()) {
                        break;
                    }
                    let suffix = format!("_{n}");
                    let keep = 31 - suffix.chars().count();
                    name = base.chars().take(keep).collect::<String>() + &suffix;
                }
                name
            })
            .collect()
    }

    fn tables(&self) -> impl Iterator<Item = &SimpleTable> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Table(t) => Some(t),
            _ => None,
        })
    }

    /// The report as a workbook: the text on `text_sheet`, where each table
    /// is replaced by its line of `notes`; each table on its own sheet.
    fn to_xlsx(
        &self,
        text_sheet: &str,
        sheets: &[String],
        notes: &[String],
    ) -> Result<Workbook, XlsxError> {
        let s = Styles::new();
        let mut book = Workbook::new();
        xlsx::set_properties(&mut book, &self.title, self.date);
        let sheet = book.add_worksheet();
        sheet.set_name(text_sheet)?;
        // Text runs across eight merged columns, as a page of prose.
        const COLS: u16 = 8;
        const COL_WIDTH: f64 = 11.0;
        for c in 0..COLS {
            sheet.set_column_width(c, COL_WIDTH)?;
        }
        let line = |sheet: &mut rust_xlsxwriter::Worksheet,
                    row: u32,
                    text: &str,
                    format: &Format,
                    height: f64|
         -> Result<(), XlsxError> {
            sheet.set_row_height(row, height)?;
            sheet.merge_range(row, 0, row, COLS - 1, text, format)?;
            Ok(())
        };
        line(sheet, 0, &self.title, &s.title, 30.0)?;
        line(sheet, 1, &self.subtitle, &s.subtitle, 18.0)?;
        let mut notes = notes.iter();
        let shown = self.pieces.iter().filter(|p| **p != Piece::PageBreak);
        for (row, piece) in (3u32..).zip(shown) {
            match piece {
                Piece::Heading(h) => line(sheet, row, h, &s.heading, 22.0)?,
                Piece::Paragraph(p) => {
                    let lines = xlsx::wrapped_lines(p, COL_WIDTH * f64::from(COLS));
                    line(sheet, row, p, &s.paragraph, 16.0 * f64::from(lines) + 4.0)?
                }
                Piece::Table(_) => {
                    let note = notes.next().map_or("", String::as_str);
                    line(sheet, row, note, &s.paragraph, 16.0)?
                }
                Piece::PageBreak => {}
            }
        }
        xlsx::print_setup(sheet, false, None)?;
        for (t, name) in self.tables().zip(sheets) {
            table_sheet(&mut book, name, t, &s, self.landscape)?;
        }
        Ok(book)
    }
}

fn number(v: &Val) -> f64 {
    match v {
        Val::Int(i) => *i as f64,
        Val::Num(f, _) | Val::Money(f) | Val::Change(f, _) | Val::Pct(f) => *f,
        _ => 0.0,
    }
}

fn pdf_table(t: &SimpleTable) -> Table {
    let align = (0..t.headers.len())
        .map(|c| {
            let numeric = t.rows.iter().any(|r| r.get(c).is_some_and(Val::numeric));
            if numeric {
                Align::Right
            } else {
                Align::Left
            }
        })
        .collect();
    Table {
        widths: t.widths.clone(),
        align,
        header: vec![t.headers.iter().map(Cell::new).collect()],
        rows: t
            .rows
            .iter()
            .map(|r| r.iter().map(|v| Cell::new(v.shown())).collect())
            .collect(),
    }
}

fn table_sheet(
    book: &mut Workbook,
    name: &str,
    t: &SimpleTable,
    s: &Styles,
    landscape: bool,
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet();
    sheet.set_name(name)?;
    let mut header_lines = 1;
    for (c, h) in t.headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &s.header)?;
        let w = f64::from(t.widths.get(c).copied().unwrap_or(1.0)) * 8.0 + 4.0;
        sheet.set_column_width(c as u16, w)?;
        header_lines = header_lines.max(xlsx::wrapped_lines(h, w));
    }
    // Row heights are not fitted when the file is opened: a header that
    // wraps gets the lines it needs.
    if header_lines > 1 {
        sheet.set_row_height(0, 15.0 * f64::from(header_lines) + 4.0)?;
    }
    let int = s.cell.clone().set_num_format(numbers::count_format());
    let pct = s.cell.clone().set_num_format("0.0%");
    for (r, row) in t.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, v) in row.iter().enumerate() {
            let c = c as u16;
            match v {
                Val::Text(x) => sheet.write_string_with_format(r, c, x, &s.wrap)?,
                Val::Int(i) => sheet.write_number_with_format(r, c, *i as f64, &int)?,
                Val::Num(f, d) => {
                    let format: Format = s.cell.clone().set_num_format(numbers::grouped_format(*d));
                    sheet.write_number_with_format(r, c, *f, &format)?
                }
                Val::Money(f) => {
                    let format: Format = s.cell.clone().set_num_format(numbers::grouped_format(2));
                    sheet.write_number_with_format(r, c, *f, &format)?
                }
                Val::Change(f, d) => {
                    let signed = match d {
                        0 => numbers::signed_count_format().to_string(),
                        _ => numbers::signed_format(*d),
                    };
                    let format: Format = s.cell.clone().set_num_format(signed);
                    sheet.write_number_with_format(r, c, *f, &format)?
                }
                Val::Pct(p) => sheet.write_number_with_format(r, c, *p, &pct)?,
                Val::Empty => sheet.write_blank(r, c, &s.cell)?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    // Printed as the PDF is: a landscape report's tables are too wide upright.
    xlsx::print_setup(sheet, landscape, Some((0, 0)))?;
    if let Some((title, label, value)) = &t.chart {
        if !t.rows.is_empty() {
            let last = t.rows.len() as u32;
            let mut chart = Chart::new(ChartType::Column);
            chart.title().set_name(title);
            chart.legend().set_hidden();
            chart
                .add_series()
                .set_categories((name, 1, *label as u16, last, *label as u16))
                .set_values((name, 1, *value as u16, last, *value as u16))
                .set_data_label(rust_xlsxwriter::ChartDataLabel::new().show_value());
            let col = t.headers.len() as u16 + 1;
            sheet.insert_chart(1, col, &chart)?;
        }
    }
    Ok(())
}

/// Rows of a breakdown table: value, count, share of `total`, in `order`
/// (values not in it last, in their own order).
pub(crate) fn share_rows(
    b: &crate::figures::Breakdown,
    total: u64,
    order: &[String],
) -> Vec<Vec<Val>> {
    crate::reports::orders::in_order(b, order)
        .into_iter()
        .map(|(k, n)| {
            let share = if total > 0 {
                Val::Pct(n as f64 / total as f64)
            } else {
                Val::Empty
            };
            vec![Val::text(k), Val::Int(n as i64), share]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use calamine::{open_workbook_auto, Reader};

    use super::*;

    /// Two tables with the same 31-character name used to get one sheet
    /// named with a 32nd character (refused by Excel) and a note pointing at
    /// the first sheet for both.
    #[test]
    fn tables_sharing_a_long_name_get_distinct_sheets_and_notes_naming_them() {
        let name = "甲".repeat(31);
        let table = SimpleTable {
            name: name.clone(),
            headers: vec!["项目".into(), "数量".into()],
            widths: vec![2.0, 1.0],
            rows: vec![vec![Val::text("在库人才"), Val::Int(3)]],
            chart: None,
        };
        let doc = ReportDoc {
            title: "标题".into(),
            subtitle: "副标题".into(),
            date: NaiveDate::from_ymd_opt(2024, 3, 31).unwrap(),
            footer: "第 {page} 页 共 {pages} 页".into(),
            landscape: false,
            style: Style::Report,
            issuer: None,
            pieces: vec![Piece::Table(table.clone()), Piece::Table(table)],
        };
        let dir = tempfile::tempdir().unwrap();
        let (_, xlsx) = doc.write(dir.path(), "报告").unwrap();
        let mut book = open_workbook_auto(&xlsx).unwrap();
        let second = format!("{}_2", "甲".repeat(29));
        assert_eq!(
            book.sheet_names(),
            ["报告".to_string(), name.clone(), second.clone()]
        );
        let text = book.worksheet_range("报告").unwrap();
        let notes: Vec<String> = text
            .rows()
            .filter_map(|r| r.first().map(|c| c.to_string()))
            .filter(|t| t.starts_with("（见工作表"))
            .collect();
        assert_eq!(
            notes,
            [
                format!("（见工作表“{name}”）"),
                format!("（见工作表“{second}”）")
            ]
        );
    }
}
