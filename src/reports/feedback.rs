//! Feedback workbooks (校验反馈): the unit's own ledger workbook, marked up.
//! A first sheet lists every diagnostic with a link to its cell; then come
//! the template's sheets (written by the same code as `jucai template`:
//! merged titles, dropdowns, date and number checks, frozen headers, print
//! setup), filled with what the unit sent, every value as typed, columns it
//! added kept at the right, each offending cell red (errors) or yellow
//! (warnings) with a note carrying the message. A unit corrects the marked
//! cells in this workbook and sends it back.
//!
//! Data flow: received bytes + diagnostics → this module → one `.xlsx`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::{Data, DataType};
use rust_xlsxwriter::{Url, Workbook};
use serde_json::json;

use crate::diagnostic::{catalogue, Diagnostic, Severity};
use crate::error::Error;
use crate::limits::Limits;
use crate::period::Period;
use crate::read::submission::{self, RawWorkbook};
use crate::registry::{Level, Unit};
use crate::render::xlsx::{self, SheetError, Styles};
use crate::reports::template::content::{CellValue, Content, LedgerContent, Mark};
use crate::reports::template::workbook::{
    Frame, LedgerTemplates, COVER_FIRST_ROW, COVER_VALUE_COL, FIRST_DATA_ROW, HEADER_ROW,
};
use crate::schema::Schema;
use crate::validate::Checked;
use crate::wording::Texts;

pub(crate) const WORDING: &str = include_str!("../../templates/feedback.toml");

const RED: &str = "#FFC7CE";
const YELLOW: &str = "#FFEB9C";

/// What to write a feedback workbook for.
pub(crate) struct Returned<'a> {
    pub checked: &'a Checked,
    /// The workbook as received.
    pub bytes: &'a [u8],
    /// The unit it is from, when the registry knows it.
    pub unit: Option<&'a Unit>,
    pub schema: &'a Schema,
    pub deadline_days: u32,
}

pub(crate) struct FeedbackWriter {
    texts: Texts,
    styles: Styles,
    templates: LedgerTemplates,
    /// The limits the files were validated under, so that a sheet read then
    /// is read again here.
    limits: Limits,
}

impl FeedbackWriter {
    pub(crate) fn new(limits: Limits) -> Result<FeedbackWriter, Error> {
        Ok(FeedbackWriter {
            limits,
            texts: Texts::parse("templates/feedback.toml", WORDING)?,
            styles: Styles::new(),
            templates: LedgerTemplates::new()?,
        })
    }

    /// The feedback file name for a checked workbook: the unit's registered name
    /// (else the cover's, else the received file's stem) and the period.
    pub(crate) fn file_name(
        &self,
        checked: &Checked,
        unit_name: Option<&str>,
    ) -> Result<String, Error> {
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

    /// Write the feedback workbook for a returned file into `dir`.
    pub(crate) fn write(&self, returned: &Returned<'_>, dir: &Path) -> Result<PathBuf, Error> {
        let checked = returned.checked;
        let unit_name = returned.unit.map(|u| u.name.as_str());
        let name = self.file_name(checked, unit_name)?;
        let path = dir.join(&name);
        let raw = submission::read(returned.bytes, returned.schema, &self.limits).ok();
        let placed = Placement::of(raw.as_ref(), returned.schema);
        let diagnostics: Vec<Diagnostic> = checked
            .diagnostics
            .iter()
            .map(|d| placed.diagnostic(d))
            .collect();
        let mut book = Workbook::new();
        let title_unit = name.trim_end_matches(".xlsx").to_string();
        let date = checked.cover.period.map(|p| p.end()).unwrap_or_default();
        xlsx::set_properties(&mut book, &title_unit, date);
        self.results_sheet(&mut book, checked, &diagnostics, unit_name)
            .map_err(|e| e.at(&path))?;
        if let Some(raw) = &raw {
            let mut content = content(raw, returned.schema);
            content.marks = marks(&diagnostics);
            let unit = stand_in(checked, returned.unit);
            let frame = Frame {
                schema: returned.schema,
                unit: &unit,
                period: period_of(checked),
                deadline_days: returned.deadline_days,
                carried: None,
            };
            self.templates
                .add_sheets(&mut book, &frame, Some(&content), false)
                .map_err(|e| e.at(&path))?;
        }
        xlsx::save(&mut book, &path)?;
        Ok(path)
    }

    fn results_sheet(
        &self,
        book: &mut Workbook,
        checked: &Checked,
        diagnostics: &[Diagnostic],
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
        for (i, d) in diagnostics.iter().enumerate() {
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
        let last_row = 2 + diagnostics.len() as u32;
        sheet.autofilter(2, 0, last_row, last)?;
        sheet.set_freeze_panes(3, 0)?;
        sheet.set_active(true);
        xlsx::print_setup(sheet, true, Some((2, 2)))?;
        Ok(())
    }
}

/// The period a feedback is for: the cover's, else the file name's.
fn period_of(checked: &Checked) -> Option<Period> {
    checked
        .cover
        .period
        .or_else(|| crate::validate::cover::period_in_file_name(&checked.file))
}

/// The unit to title the workbook with: the registry's, else what the cover says.
fn stand_in(checked: &Checked, unit: Option<&Unit>) -> Unit {
    if let Some(u) = unit {
        return u.clone();
    }
    let stem = Path::new(&checked.file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    Unit {
        code: checked.cover.unit.clone().unwrap_or_default(),
        name: checked.cover.unit_name.clone().or(stem).unwrap_or_default(),
        level: Level::Workroom,
        parent: None,
        kind: None,
        address: None,
        area: None,
        head: None,
        phone: None,
        rules: None,
        opened: None,
        note: None,
        duty: None,
        secretary: None,
        email: None,
        row: 0,
    }
}

/// Where each received cell lands in the feedback workbook: the cover's
/// values in the template's value column, a ledger's header on the
/// template's header row, its rows from the first data row, its columns in
/// the schema's order and the columns a unit added after them.
struct Placement {
    /// Received sheet name → the template's sheet and cell map.
    sheets: BTreeMap<String, Placed>,
}

struct Placed {
    sheet: String,
    cells: Cells,
}

enum Cells {
    /// Received (row, col) of each cover value → its template row.
    Cover(BTreeMap<(u32, u32), u32>),
    /// The received header row, and received column → template column.
    Ledger {
        header: u32,
        columns: BTreeMap<u32, u16>,
    },
}

impl Placement {
    fn of(raw: Option<&RawWorkbook>, schema: &Schema) -> Placement {
        let mut sheets = BTreeMap::new();
        let Some(raw) = raw else {
            return Placement { sheets };
        };
        if let Some(cover) = &raw.cover {
            let cells = (0u32..)
                .zip(&cover.cells)
                .filter_map(|(i, c)| {
                    Some(((c.as_ref()?.row, c.as_ref()?.col), COVER_FIRST_ROW + i))
                })
                .collect();
            let placed = Placed {
                sheet: schema.cover.sheet.clone(),
                cells: Cells::Cover(cells),
            };
            sheets.insert(cover.sheet.clone(), placed);
        }
        for (ledger, raw) in schema.ledgers.iter().zip(&raw.ledgers) {
            let Some(raw) = raw else { continue };
            let columns = (0u16..)
                .zip(received_columns(raw))
                .filter_map(|(to, (from, _))| Some((from?, to)))
                .collect();
            let placed = Placed {
                sheet: ledger.name.clone(),
                cells: Cells::Ledger {
                    header: raw.header.row,
                    columns,
                },
            };
            sheets.insert(raw.sheet.clone(), placed);
        }
        Placement { sheets }
    }

    /// Where a received cell is in the feedback workbook.
    fn place(&self, sheet: &str, (r, c): (u32, u32)) -> Option<(u32, u16)> {
        match &self.sheets.get(sheet)?.cells {
            Cells::Cover(rows) => rows.get(&(r, c)).map(|&row| (row, COVER_VALUE_COL)),
            Cells::Ledger { header, columns } => {
                let col = *columns.get(&c)?;
                match r.checked_sub(*header)? {
                    0 => Some((HEADER_ROW, col)),
                    n => Some((FIRST_DATA_ROW + n - 1, col)),
                }
            }
        }
    }

    /// A diagnostic as it reads in the feedback workbook: its sheet, cell
    /// and row there (the message is the same).
    fn diagnostic(&self, d: &Diagnostic) -> Diagnostic {
        let mut d = d.clone();
        let Some(sheet) = d.sheet.clone() else {
            return d;
        };
        let Some(placed) = self.sheets.get(&sheet) else {
            return d;
        };
        let at = d.at.and_then(|at| self.place(&sheet, at));
        d.sheet = Some(placed.sheet.clone());
        d.at = at.map(|(r, c)| (r, u32::from(c)));
        d.cell = at.map(|(r, c)| rust_xlsxwriter::utility::row_col_to_cell(r, c));
        if let Some((r, _)) = at {
            d.row = Some(r + 1);
        } else if let (Some(row), Cells::Ledger { header, .. }) = (d.row, &placed.cells) {
            // A row without a cell (a blank row, a missing column): shift it too.
            let sheet_row = row.saturating_sub(1);
            d.row = match sheet_row.checked_sub(*header) {
                Some(0) => Some(HEADER_ROW + 1),
                Some(n) => Some(FIRST_DATA_ROW + n),
                None => None,
            };
        }
        d
    }
}

/// A received ledger's columns in the feedback's order: each schema field
/// found, then the columns the unit added (and repeated fields), left to
/// right. With the header text of each added column.
fn received_columns(raw: &submission::RawLedger) -> Vec<(Option<u32>, Option<String>)> {
    let mut added: Vec<(u32, String)> = raw.header.extras.clone();
    added.extend(raw.header.duplicates.iter().map(|&(col, _)| {
        let text = raw
            .range
            .get_value((raw.header.row, col))
            .map(crate::read::cell::cell_text)
            .unwrap_or_default();
        (col, text)
    }));
    added.sort();
    // A field the unit left out keeps its place, empty.
    let fields = raw.header.columns.iter().map(|&c| (c, None));
    let added = added.into_iter().map(|(c, t)| (Some(c), Some(t)));
    fields.chain(added).collect()
}

/// The received cells in the template's layout.
fn content(raw: &RawWorkbook, schema: &Schema) -> Content {
    let cover = schema
        .cover
        .fields
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let cell = raw.cover.as_ref()?.cells.get(i)?.as_ref()?;
            value(&cell.value)
        })
        .collect();
    let ledgers = raw
        .ledgers
        .iter()
        .map(|l| l.as_ref().map(ledger_content).unwrap_or_default())
        .collect();
    Content {
        cover,
        ledgers,
        marks: BTreeMap::new(),
    }
}

fn ledger_content(raw: &submission::RawLedger) -> LedgerContent {
    let columns = received_columns(raw);
    let extra_headers = columns.iter().filter_map(|(_, t)| t.clone()).collect();
    let last = raw.range.end().map_or(0, |(r, _)| r);
    let mut rows: Vec<Vec<Option<CellValue>>> = (raw.header.row + 1..=last)
        .map(|r| {
            columns
                .iter()
                .map(|&(c, _)| raw.range.get_value((r, c?)).and_then(value))
                .collect()
        })
        .collect();
    while rows.last().is_some_and(|r| r.iter().all(Option::is_none)) {
        rows.pop();
    }
    LedgerContent {
        extra_headers,
        rows,
    }
}

/// A received cell as it was typed.
fn value(cell: &Data) -> Option<CellValue> {
    Some(match cell {
        Data::Empty => return None,
        Data::String(s) => CellValue::Text(s.clone()),
        Data::Float(f) => CellValue::Number(*f),
        Data::Int(i) => CellValue::Number(*i as f64),
        Data::Bool(b) => CellValue::Bool(*b),
        Data::DateTime(_) | Data::DateTimeIso(_) => match cell.as_datetime() {
            Some(dt) if dt.time() == chrono::NaiveTime::MIN => CellValue::Date(dt.date()),
            Some(dt) => CellValue::DateTime(dt),
            None => CellValue::Text(cell.to_string()),
        },
        Data::DurationIso(s) => CellValue::Text(s.clone()),
        Data::Error(e) => CellValue::Text(format!("{e}")),
    })
}

/// Per sheet and cell: whether any diagnostic there is an error, and the messages.
fn marks(diags: &[Diagnostic]) -> BTreeMap<String, BTreeMap<(u32, u16), Mark>> {
    let mut marks: BTreeMap<String, BTreeMap<(u32, u16), Mark>> = BTreeMap::new();
    for d in diags {
        let (Some(sheet), Some((r, c))) = (&d.sheet, d.at) else {
            continue;
        };
        let Ok(c) = u16::try_from(c) else { continue };
        let mark = marks
            .entry(sheet.clone())
            .or_default()
            .entry((r, c))
            .or_insert(Mark {
                error: false,
                messages: Vec::new(),
            });
        mark.error |= d.severity == Severity::Error;
        mark.messages.push(d.message.clone());
    }
    marks
}
