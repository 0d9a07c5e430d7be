//! Feedback workbooks (校验反馈): a first sheet listing every diagnostic with
//! a link to its cell, then the unit's sheets as received with each offending
//! cell filled red (errors) or yellow (warnings) and a note carrying the message.
//!
//! Data flow: received bytes + diagnostics → this module → one `.xlsx`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::{Data, DataType, Range};
use rust_xlsxwriter::{Format, Note, Url, Workbook, Worksheet, XlsxError};
use serde_json::json;

use crate::diagnostic::{catalogue, Diagnostic, Severity};
use crate::error::Error;
use crate::limits::Limits;
use crate::read::merges::Merges;
use crate::read::workbook;
use crate::render::xlsx::{self, SheetError, Styles};
use crate::schema::Schema;
use crate::validate::Checked;
use crate::wording::Texts;

pub const WORDING: &str = include_str!("../../templates/feedback.toml");

const RED: &str = "#FFC7CE";
const YELLOW: &str = "#FFEB9C";

pub struct FeedbackWriter {
    texts: Texts,
    styles: Styles,
    /// The limits the files were validated under, so that a sheet read then
    /// is read again here.
    limits: Limits,
}

impl FeedbackWriter {
    pub fn new(limits: Limits) -> Result<FeedbackWriter, Error> {
        Ok(FeedbackWriter {
            limits,
            texts: Texts::parse("templates/feedback.toml", WORDING)?,
            styles: Styles::new(),
        })
    }

    /// The feedback file name for a checked workbook: the unit's registered name
    /// (else the cover's, else the received file's stem) and the period.
    pub fn file_name(&self, checked: &Checked, unit_name: Option<&str>) -> Result<String, Error> {
        let unit = unit_name
            .map(str::to_string)
            .or_else(|| checked.cover.unit_name.clone())
            .unwrap_or_else(|| {
                Path::new(&checked.file)
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
        let period = match checked.cover.period {
            Some(p) => p.chinese(),
            None => self.texts.plain("period_unknown")?,
        };
        let name = self
            .texts
            .render("file_name", &json!({ "unit": unit, "period": period }))?;
        Ok(crate::output::safe_file_name(&name))
    }

    /// Write the feedback workbook for `checked` (whose bytes are `bytes`) into `dir`.
    pub fn write(
        &self,
        checked: &Checked,
        bytes: &[u8],
        unit_name: Option<&str>,
        schema: &Schema,
        dir: &Path,
    ) -> Result<PathBuf, Error> {
        let name = self.file_name(checked, unit_name)?;
        let path = dir.join(&name);
        let mut book = Workbook::new();
        let title_unit = name.trim_end_matches(".xlsx").to_string();
        let date = checked.cover.period.map(|p| p.end()).unwrap_or_default();
        xlsx::set_properties(&mut book, &title_unit, date);
        self.results_sheet(&mut book, checked, unit_name)
            .map_err(|e| e.at(&path))?;
        copy_sheets(&mut book, checked, bytes, schema, &self.limits)
            .map_err(|e| Error::xlsx(&path, e))?;
        xlsx::save(&mut book, &path)?;
        Ok(path)
    }

    fn results_sheet(
        &self,
        book: &mut Workbook,
        checked: &Checked,
        unit_name: Option<&str>,
    ) -> Result<(), SheetError> {
        let s = &self.styles;
        let sheet = book.add_worksheet();
        sheet.set_name(self.texts.plain("results_sheet")?)?;
        let unit = unit_name
            .map(str::to_string)
            .or_else(|| checked.cover.unit_name.clone())
            .unwrap_or_default();
        let period = checked
            .cover
            .period
            .map(|p| p.chinese())
            .unwrap_or_default();
        let vars = json!({
            "unit": unit,
            "period": period,
            "file": Path::new(&checked.file).file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default(),
            "errors": checked.error_count(),
            "warnings": checked.warning_count(),
        });
        let headers = self.texts.list("headers")?;
        let last = (headers.len() - 1) as u16;
        const WIDTHS: [f64; 9] = [6.0, 14.0, 8.0, 6.0, 14.0, 16.0, 6.0, 20.0, 70.0];
        for (c, w) in WIDTHS.iter().enumerate() {
            sheet.set_column_width(c as u16, *w)?;
        }
        sheet.set_row_height(0, 30)?;
        sheet.merge_range(0, 0, 0, last, &self.texts.render("title", &vars)?, &s.title)?;
        let summary = self.texts.render("summary", &vars)?;
        let lines = xlsx::wrapped_lines(&summary, WIDTHS.iter().sum());
        sheet.set_row_height(1, 16.0 * f64::from(lines) + 6.0)?;
        sheet.merge_range(1, 0, 1, last, &summary, &s.paragraph)?;
        for (c, h) in headers.iter().enumerate() {
            sheet.write_string_with_format(2, c as u16, h, &s.header)?;
        }
        let error = self.texts.plain("severity_error")?;
        let warning = self.texts.plain("severity_warning")?;
        let whole = self.texts.plain("whole_file")?;
        let link = s
            .cell
            .clone()
            .set_font_color("#0563C1")
            .set_underline(rust_xlsxwriter::FormatUnderline::Single);
        let red = s.cell.clone().set_background_color(RED);
        let yellow = s.cell.clone().set_background_color(YELLOW);
        for (i, d) in checked.diagnostics.iter().enumerate() {
            let row = 3 + i as u32;
            let (level, level_format) = match d.severity {
                Severity::Error => (&error, &red),
                Severity::Warning => (&warning, &yellow),
            };
            sheet.write_number_with_format(row, 0, (i + 1) as f64, &s.cell)?;
            sheet.write_string_with_format(
                row,
                1,
                d.sheet.as_deref().unwrap_or(&whole),
                &s.cell,
            )?;
            match (&d.sheet, &d.cell) {
                (Some(sh), Some(cell)) => {
                    let target = format!("internal:'{}'!{cell}", sh.replace('\'', "''"));
                    sheet.write_url_with_format(row, 2, Url::new(target).set_text(cell), &link)?;
                }
                _ => {
                    sheet.write_blank(row, 2, &s.cell)?;
                }
            }
            match d.row {
                Some(r) => sheet.write_number_with_format(row, 3, f64::from(r), &s.cell)?,
                None => sheet.write_blank(row, 3, &s.cell)?,
            };
            sheet.write_string_with_format(row, 4, d.column.as_deref().unwrap_or(""), &s.cell)?;
            sheet.write_string_with_format(row, 5, catalogue().title(d.code), &s.cell)?;
            sheet.write_string_with_format(row, 6, level, level_format)?;
            sheet.write_string_with_format(row, 7, d.value.as_deref().unwrap_or(""), &s.wrap)?;
            sheet.write_string_with_format(row, 8, &d.message, &s.wrap)?;
            let lines = xlsx::wrapped_lines(&d.message, WIDTHS[8]).max(xlsx::wrapped_lines(
                d.value.as_deref().unwrap_or(""),
                WIDTHS[7],
            ));
            sheet.set_row_height(row, 15.0 * f64::from(lines) + 4.0)?;
        }
        let last_row = 2 + checked.diagnostics.len() as u32;
        sheet.autofilter(2, 0, last_row, last)?;
        sheet.set_freeze_panes(3, 0)?;
        sheet.set_active(true);
        xlsx::print_setup(sheet, true, Some((2, 2)))?;
        Ok(())
    }
}

/// Copy the cover and ledger sheets as received, marking diagnosed cells.
fn copy_sheets(
    book: &mut Workbook,
    checked: &Checked,
    bytes: &[u8],
    schema: &Schema,
    limits: &Limits,
) -> Result<(), XlsxError> {
    let Ok(mut source) = workbook::open(bytes, limits) else {
        return Ok(());
    };
    let merges = Merges::find(&mut source, bytes);
    let mut budget = crate::read::budget::Budget::new(limits);
    let wanted = std::iter::once(&schema.cover.sheet).chain(schema.ledgers.iter().map(|l| &l.name));
    for name in wanted {
        let Some(sheet_name) = workbook::find_sheet(&source, name) else {
            continue;
        };
        let Ok(range) = workbook::range(&mut source, &sheet_name, &merges, &mut budget) else {
            continue;
        };
        let marks = marks_for(&checked.diagnostics, &sheet_name);
        let sheet = book.add_worksheet();
        sheet.set_name(crate::output::safe_sheet_name(&sheet_name))?;
        copy_range(sheet, &range, &marks)?;
        let widths = schema.ledgers.iter().find(|l| l.name == *name).map(|l| {
            l.fields
                .iter()
                .map(|f| f.width.unwrap_or(12.0))
                .collect::<Vec<_>>()
        });
        set_widths(sheet, &range, widths.as_deref())?;
        xlsx::print_setup(sheet, true, None)?;
    }
    Ok(())
}

/// Per cell of a sheet: the worst severity and the messages.
fn marks_for(diags: &[Diagnostic], sheet: &str) -> BTreeMap<(u32, u32), (Severity, Vec<String>)> {
    let mut marks: BTreeMap<(u32, u32), (Severity, Vec<String>)> = BTreeMap::new();
    for d in diags.iter().filter(|d| d.sheet.as_deref() == Some(sheet)) {
        let Some(at) = d.at else { continue };
        let entry = marks.entry(at).or_insert((Severity::Warning, Vec::new()));
        if d.severity == Severity::Error {
            entry.0 = Severity::Error;
        }
        entry.1.push(d.message.clone());
    }
    marks
}

fn copy_range(
    sheet: &mut Worksheet,
    range: &Range<Data>,
    marks: &BTreeMap<(u32, u32), (Severity, Vec<String>)>,
) -> Result<(), XlsxError> {
    let plain = Format::new().set_font_name("宋体");
    let date = plain.clone().set_num_format("yyyy-mm-dd");
    let Some((r0, c0)) = range.start() else {
        return Ok(());
    };
    for (r, row) in range.rows().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r0 + r as u32, c0 + c as u32);
            let mark = marks.get(&(r, c));
            let base = if matches!(cell, Data::DateTime(_) | Data::DateTimeIso(_)) {
                &date
            } else {
                &plain
            };
            let format = match mark {
                Some((Severity::Error, _)) => base.clone().set_background_color(RED),
                Some((Severity::Warning, _)) => base.clone().set_background_color(YELLOW),
                None => base.clone(),
            };
            if matches!(cell, Data::Empty) && mark.is_none() {
                continue;
            }
            write_cell(sheet, r, c as u16, cell, &format)?;
        }
    }
    // Marks can fall outside the used range (a required cell left blank).
    for (&(r, c), (severity, messages)) in marks {
        if range.get_value((r, c)).is_none() {
            let color = if *severity == Severity::Error {
                RED
            } else {
                YELLOW
            };
            sheet.write_blank(r, c as u16, &plain.clone().set_background_color(color))?;
        }
        let note = Note::new(messages.join("\n"))
            .set_author("jucai")
            .set_width(360)
            .set_height(120);
        sheet.insert_note(r, c as u16, &note)?;
    }
    Ok(())
}

/// Write one received cell. Text is always written as a string, so a cell
/// starting with `=` stays text and is never turned into a formula.
fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Data,
    format: &Format,
) -> Result<(), XlsxError> {
    match cell {
        Data::Empty => sheet.write_blank(row, col, format)?,
        Data::String(s) => sheet.write_string_with_format(row, col, s, format)?,
        Data::Float(f) => sheet.write_number_with_format(row, col, *f, format)?,
        Data::Int(i) => sheet.write_number_with_format(row, col, *i as f64, format)?,
        Data::Bool(b) => sheet.write_boolean_with_format(row, col, *b, format)?,
        Data::DateTime(_) | Data::DateTimeIso(_) => match cell.as_date() {
            Some(d) => sheet.write_date_with_format(row, col, d, format)?,
            None => sheet.write_string_with_format(row, col, cell.to_string(), format)?,
        },
        Data::DurationIso(s) => sheet.write_string_with_format(row, col, s, format)?,
        Data::Error(e) => sheet.write_string_with_format(row, col, format!("{e}"), format)?,
    };
    Ok(())
}

fn set_widths(
    sheet: &mut Worksheet,
    range: &Range<Data>,
    widths: Option<&[f64]>,
) -> Result<(), XlsxError> {
    let cols = range.end().map_or(0, |(_, c)| c + 1);
    for c in 0..cols.min(200) {
        let w = widths
            .and_then(|w| w.get(c as usize))
            .copied()
            .unwrap_or(14.0);
        sheet.set_column_width(c as u16, w)?;
    }
    Ok(())
}
