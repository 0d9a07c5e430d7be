//! Blank ledger workbooks (`jucai template`): 填报说明, 封面 and the five
//! ledgers, all generated from the schema.
//!
//! Data flow: Schema + Unit + Period → this module → one `.xlsx` per unit.
//! Wording comes from `templates/ledger_workbook.toml` and
//! `templates/instructions.tera`.

use std::path::{Path, PathBuf};

use crate::period::chinese_date;
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, ExcelDateTime, Format, Formula,
    Note, Workbook, Worksheet, XlsxError,
};
use serde_json::json;

use crate::error::Error;
use crate::period::Period;
use crate::registry::Unit;
use crate::render::xlsx::{self, SheetError, Styles};
use crate::reports::template::content::{CellValue, Content, Filled, LedgerContent, Mark};
use crate::reports::template::field_view::{self, FieldView, SheetView};
use crate::schema::{CoverKey, Field, FieldType, Ledger, LedgerKey, Schema};
use crate::wording::{render_file, Texts};

pub const WORDING: &str = include_str!("../../../templates/ledger_workbook.toml");
pub const INSTRUCTIONS: &str = include_str!("../../../templates/instructions.tera");

/// Sheet row of a ledger's title, header and first data row (0-based).
pub const TITLE_ROW: u32 = 0;
pub const HEADER_ROW: u32 = 1;
pub const FIRST_DATA_ROW: u32 = 2;
/// Rows prepared with validations: enough for a year of records (and at
/// least this many beyond the last row a workbook is filled with).
pub const DATA_ROWS: u32 = 500;
/// The cover's first item row, and the column its values are in (0-based).
pub const COVER_FIRST_ROW: u32 = 4;
pub const COVER_VALUE_COL: u16 = 1;
/// Fills of marked cells in a feedback workbook: errors, warnings.
const RED: &str = "#FFC7CE";
const YELLOW: &str = "#FFEB9C";
/// Excel's limit on an inline list validation, in characters including commas.
const INLINE_LIST_LIMIT: usize = 255;

/// Everything a template needs besides the schema.
pub struct TemplateJob<'a> {
    pub schema: &'a Schema,
    pub unit: &'a Unit,
    pub period: Period,
    pub deadline_days: u32,
    /// Content to fill in, as a unit would (sample data and test fixtures).
    pub fill: Option<&'a Filled>,
}

/// Who and when a workbook is for: titles, the prefilled cover, the
/// instructions' deadline. A feedback workbook may not know its period.
pub struct Frame<'a> {
    pub schema: &'a Schema,
    pub unit: &'a Unit,
    pub period: Option<Period>,
    pub deadline_days: u32,
    /// What the centre prefilled, if anything: the instructions say what.
    pub carried: Option<&'a Filled>,
}

impl<'a> Frame<'a> {
    fn of(job: &TemplateJob<'a>) -> Frame<'a> {
        Frame {
            schema: job.schema,
            unit: job.unit,
            period: Some(job.period),
            deadline_days: job.deadline_days,
            carried: job.fill.filter(|f| f.carried_from.is_some()),
        }
    }

    /// What the instructions say was prefilled: from which period, and how
    /// many rows of which ledger.
    fn carried_words(&self) -> serde_json::Value {
        let Some(filled) = self.carried else {
            return serde_json::Value::Null;
        };
        let ledgers: Vec<serde_json::Value> = self
            .schema
            .ledgers
            .iter()
            .filter_map(|l| {
                let n = filled.ledgers.get(&l.key).map_or(0, Vec::len);
                (n > 0).then(|| json!({ "name": l.name, "rows": n }))
            })
            .collect();
        json!({
            "from": filled.carried_from.map(|p| p.chinese()),
            "ledgers": ledgers,
        })
    }
}

pub struct LedgerTemplates {
    texts: Texts,
    styles: Styles,
}

impl LedgerTemplates {
    pub fn new() -> Result<LedgerTemplates, Error> {
        Ok(LedgerTemplates {
            texts: Texts::parse("templates/ledger_workbook.toml", WORDING)?,
            styles: Styles::new(),
        })
    }

    /// The file name of a unit's template for a period.
    pub fn file_name(&self, unit: &Unit, period: Period) -> Result<String, Error> {
        let name = self.texts.render(
            "file_name",
            &json!({ "unit": unit.name, "period": period.chinese() }),
        )?;
        Ok(crate::output::safe_file_name(&name))
    }

    /// The template's bytes.
    pub fn to_bytes(&self, job: &TemplateJob<'_>) -> Result<Vec<u8>, Error> {
        let path = PathBuf::from(self.file_name(job.unit, job.period)?);
        let mut book = self.build(job).map_err(|e| e.at(&path))?;
        book.save_to_buffer().map_err(|e| Error::xlsx(&path, e))
    }

    /// Write the template into `dir`; returns its path.
    pub fn write(&self, job: &TemplateJob<'_>, dir: &Path) -> Result<PathBuf, Error> {
        let path = dir.join(self.file_name(job.unit, job.period)?);
        let mut book = self.build(job).map_err(|e| e.at(&path))?;
        xlsx::save(&mut book, &path)?;
        Ok(path)
    }

    fn build(&self, job: &TemplateJob<'_>) -> Result<Workbook, SheetError> {
        let mut book = Workbook::new();
        let title = self
            .texts
            .render("cover_title", &json!({ "unit": job.unit.name }))?;
        xlsx::set_properties(&mut book, &title, job.period.end());
        let content = job.fill.map(|f| Content::typed(job.schema, f));
        self.add_sheets(&mut book, &Frame::of(job), content.as_ref(), true)?;
        Ok(book)
    }

    /// Add the template's sheets to `book`, filled with `content` if any:
    /// 填报说明, 封面, the ledgers and the hidden list sheet. With
    /// `select_cover` the cover is the sheet the workbook opens on.
    pub fn add_sheets(
        &self,
        book: &mut Workbook,
        frame: &Frame<'_>,
        content: Option<&Content>,
        select_cover: bool,
    ) -> Result<(), SheetError> {
        let schema = frame.schema;
        let lists = ListSheet::plan(schema, &self.texts.plain("list_sheet")?);
        let views = field_view::all_sheets(schema)?;
        self.instructions(book, frame, &views[1..=schema.ledgers.len()])?;
        let cover = self.cover(book, frame, content, &views[0])?;
        cover.set_active(select_cover);
        for (i, (ledger, view)) in schema.ledgers.iter().zip(&views[1..]).enumerate() {
            let rows = content.and_then(|c| c.ledgers.get(i));
            let marks = content.and_then(|c| c.marks.get(&ledger.name));
            self.ledger(book, frame, (ledger, view), rows, marks, &lists)?;
        }
        lists.write(book)?;
        Ok(())
    }

    fn common(&self, frame: &Frame<'_>) -> serde_json::Value {
        json!({
            "unit": frame.unit.name,
            "period": frame.period.map(|p| p.chinese()),
            "deadline": frame.period.map(|p| chinese_date(p.deadline(frame.deadline_days))),
            "deadline_days": frame.deadline_days,
        })
    }

    fn instructions(
        &self,
        book: &mut Workbook,
        frame: &Frame<'_>,
        ledgers: &[SheetView],
    ) -> Result<(), SheetError> {
        let mut data = self.common(frame);
        data["ledger_names"] = json!(frame
            .schema
            .ledgers
            .iter()
            .map(|l| &l.name)
            .collect::<Vec<_>>());
        data["ledgers"] = json!(ledgers);
        data["carried"] = frame.carried_words();
        let text = render_file("templates/instructions.tera", INSTRUCTIONS, &data)?;
        let sheet = book.add_worksheet();
        sheet.set_name(self.texts.plain("instructions_sheet")?)?;
        write_instructions(sheet, &self.styles, &text)?;
        xlsx::print_setup(sheet, false, None)?;
        Ok(())
    }

    fn cover<'b>(
        &self,
        book: &'b mut Workbook,
        frame: &Frame<'_>,
        content: Option<&Content>,
        view: &SheetView,
    ) -> Result<&'b mut Worksheet, SheetError> {
        let s = &self.styles;
        let cover = &frame.schema.cover;
        let common = self.common(frame);
        let sheet = book.add_worksheet();
        sheet.set_name(&cover.sheet)?;
        sheet.set_column_width(0, 16)?;
        sheet.set_column_width(1, 44)?;
        sheet.set_column_width(2, 40)?;
        sheet.set_row_height(0, 36)?;
        let title = self.texts.render("cover_title", &common)?;
        sheet.merge_range(0, 0, 0, 2, &title, &s.title)?;
        let subtitle = self.texts.render("cover_subtitle", &common)?;
        sheet.merge_range(1, 0, 1, 2, &subtitle, &s.subtitle)?;
        sheet.write_with_format(3, 0, self.texts.plain("cover_header_item")?, &s.header)?;
        sheet.write_with_format(3, 1, self.texts.plain("cover_header_value")?, &s.header)?;
        sheet.write_with_format(3, 2, self.texts.plain("cover_header_note")?, &s.header)?;
        let marks = content.and_then(|c| c.marks.get(&cover.sheet));
        for (i, field) in cover.fields.iter().enumerate() {
            let row = COVER_FIRST_ROW + i as u32;
            sheet.set_row_height(row, 32)?;
            let label_format = if field.required {
                &s.header_required
            } else {
                &s.header
            };
            sheet.write_with_format(row, 0, &field.name, label_format)?;
            let received = content
                .and_then(|c| c.cover.get(i))
                .and_then(Option::as_ref);
            let mark = marks.and_then(|m| m.get(&(row, COVER_VALUE_COL)));
            if field.prefilled {
                let value = match received {
                    Some(v) => v.clone(),
                    None => CellValue::Text(prefilled(frame, cover.key_at(i))),
                };
                put(
                    sheet,
                    row,
                    COVER_VALUE_COL,
                    Some(&value),
                    &s.prefilled,
                    mark,
                )?;
                let note = self.texts.plain("cover_prefilled_note")?;
                sheet.write_with_format(row, 2, note, &s.note)?;
            } else {
                let format = match field.ty {
                    FieldType::Date => s.to_fill.clone().set_num_format("yyyy-mm-dd"),
                    _ => s.to_fill.clone(),
                };
                if received.is_none() {
                    sheet.write_blank(row, COVER_VALUE_COL, &format)?;
                }
                put(sheet, row, COVER_VALUE_COL, received, &format, mark)?;
                let hint = frame
                    .schema
                    .type_info(field.ty)
                    .map(|t| t.hint.clone())
                    .unwrap_or_default();
                let note = self
                    .texts
                    .render("cover_fill_note", &json!({ "hint": hint }))?;
                sheet.write_with_format(row, 2, &note, &s.hint)?;
                if let Some(v) = self.validation(field, &view.fields[i], None)? {
                    sheet.add_data_validation(row, COVER_VALUE_COL, row, COVER_VALUE_COL, &v)?;
                }
            }
        }
        xlsx::print_setup(sheet, false, None)?;
        Ok(sheet)
    }

    fn ledger(
        &self,
        book: &mut Workbook,
        frame: &Frame<'_>,
        (ledger, view): (&Ledger, &SheetView),
        content: Option<&LedgerContent>,
        marks: Option<&Marks>,
        lists: &ListSheet,
    ) -> Result<(), SheetError> {
        let s = &self.styles;
        let sheet = book.add_worksheet();
        sheet.set_name(&ledger.name)?;
        let last_col = (ledger.fields.len() - 1) as u16;
        let title = self.texts.render(
            "ledger_title",
            &json!({ "unit": frame.unit.name, "ledger": ledger.name }),
        )?;
        sheet.set_row_height(TITLE_ROW, 30)?;
        sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, last_col, &title, &s.title)?;
        sheet.set_row_height(HEADER_ROW, 32)?;
        let mark = self.texts.plain("required_mark")?;
        let filled_rows = content.map_or(0, |c| c.rows.len() as u32);
        let last_row = FIRST_DATA_ROW + DATA_ROWS.max(filled_rows + 100) - 1;
        let mut headers = Vec::new();
        for (i, field) in ledger.fields.iter().enumerate() {
            let col = i as u16;
            let (text, format) = if field.required {
                (format!("{}{mark}", field.name), &s.header_required)
            } else {
                (field.name.clone(), &s.header)
            };
            headers.push((text.clone(), format.clone()));
            sheet.set_column_width(col, column_width(field, &text))?;
            sheet.set_column_format(col, &column_format(field))?;
            let list = lists.range_for(ledger.key, &field.name);
            if let Some(v) = self.validation(field, &view.fields[i], list)? {
                sheet.add_data_validation(FIRST_DATA_ROW, col, last_row, col, &v)?;
            }
        }
        for text in content.map_or(&[][..], |c| &c.extra_headers) {
            headers.push((text.clone(), s.header.clone()));
            sheet.set_column_width(headers.len() as u16 - 1, 14)?;
        }
        for (col, (text, format)) in (0u16..).zip(&headers) {
            let mark = marks.and_then(|m| m.get(&(HEADER_ROW, col)));
            let text = CellValue::Text(text.clone());
            put(sheet, HEADER_ROW, col, Some(&text), format, mark)?;
        }
        if let Some(content) = content {
            write_rows(sheet, ledger, content, marks)?;
        }
        sheet.set_freeze_panes(FIRST_DATA_ROW, 0)?;
        xlsx::print_setup(sheet, true, Some((TITLE_ROW, HEADER_ROW)))?;
        Ok(())
    }

    /// The data validation for a field's cells, with its input hint and error alert.
    fn validation(
        &self,
        field: &Field,
        view: &FieldView,
        list_range: Option<String>,
    ) -> Result<Option<DataValidation>, SheetError> {
        let vars = json!({ "field": field.name, "min": field.min });
        let (rule, error) = match field.ty {
            FieldType::Enum => {
                let v = match list_range {
                    Some(range) => DataValidation::new().allow_list_formula(Formula::new(range)),
                    None => DataValidation::new().allow_list_strings(&field.values)?,
                };
                (v, self.texts.render("enum_error", &vars)?)
            }
            FieldType::Date => (
                DataValidation::new().allow_date(DataValidationRule::Between(
                    ExcelDateTime::from_ymd(1900, 1, 1)?,
                    ExcelDateTime::from_ymd(2099, 12, 31)?,
                )),
                self.texts.render("date_error", &vars)?,
            ),
            FieldType::Integer => {
                let min = field.min.map_or(i32::MIN, |m| m as i32);
                (
                    DataValidation::new()
                        .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(min)),
                    self.texts.render("integer_error", &vars)?,
                )
            }
            FieldType::Money => {
                let min = field.min.unwrap_or(f64::MIN);
                (
                    DataValidation::new()
                        .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(min)),
                    self.texts.render("money_error", &vars)?,
                )
            }
            FieldType::IdNumber => (
                DataValidation::new().allow_text_length(DataValidationRule::EqualTo(18)),
                self.texts.plain("id_number_error")?,
            ),
            _ => (DataValidation::new().allow_any_value(), String::new()),
        };
        // The input hint is the field's requirements, as in 填报说明.
        let hint = if view.requirements.is_empty() {
            &view.type_label
        } else {
            &view.requirements
        };
        let mut v = rule
            .set_input_title(truncate(&field.name, 32))?
            .set_input_message(truncate(hint, 255))?;
        if !error.is_empty() {
            let title = self.texts.plain("validation_error_title")?;
            v = v
                .set_error_title(truncate(&title, 32))?
                .set_error_message(truncate(&error, 255))?
                .set_error_style(DataValidationErrorStyle::Stop);
        }
        Ok(Some(v))
    }
}

/// Enumerations too long for an inline list live on a hidden sheet, one column each.
struct ListSheet {
    name: String,
    /// (ledger, field name, values)
    columns: Vec<(LedgerKey, String, Vec<String>)>,
}

impl ListSheet {
    fn plan(schema: &Schema, name: &str) -> ListSheet {
        let columns = schema
            .ledgers
            .iter()
            .flat_map(|l| l.fields.iter().map(move |f| (l, f)))
            .filter(|(_, f)| {
                f.ty == FieldType::Enum && inline_length(&f.values) > INLINE_LIST_LIMIT
            })
            .map(|(l, f)| (l.key, f.name.clone(), f.values.clone()))
            .collect();
        ListSheet {
            name: name.to_string(),
            columns,
        }
    }

    fn range_for(&self, ledger: LedgerKey, field: &str) -> Option<String> {
        let col = self
            .columns
            .iter()
            .position(|(l, f, _)| *l == ledger && f == field)?;
        let n = self.columns[col].2.len() as u32;
        let range = rust_xlsxwriter::utility::cell_range_absolute(0, col as u16, n - 1, col as u16);
        Some(format!("='{}'!{range}", self.name))
    }

    fn write(&self, book: &mut Workbook) -> Result<(), XlsxError> {
        if self.columns.is_empty() {
            return Ok(());
        }
        let sheet = book.add_worksheet();
        sheet.set_name(&self.name)?;
        for (col, (_, _, values)) in self.columns.iter().enumerate() {
            for (row, v) in values.iter().enumerate() {
                sheet.write_string(row as u32, col as u16, v)?;
            }
        }
        sheet.set_hidden(true);
        Ok(())
    }
}

fn inline_length(values: &[String]) -> usize {
    values
        .iter()
        .map(|v| v.encode_utf16().count() + 1)
        .sum::<usize>()
        .saturating_sub(1)
}

fn column_width(field: &Field, header: &str) -> f64 {
    let header_width = crate::text::display_width(header) as f64 + 2.0;
    field.width.unwrap_or(10.0).max(header_width.min(24.0))
}

/// Number format for a whole column, so typed values keep their meaning
/// (an ID number stays text instead of becoming 1.50602E+17).
fn column_format(field: &Field) -> Format {
    let f = Format::new().set_font_name("宋体");
    match field.ty {
        FieldType::Date => f.set_num_format("yyyy-mm-dd"),
        FieldType::Integer => f.set_num_format("0"),
        FieldType::Money => f.set_num_format("#,##0.00"),
        _ => f.set_num_format("@"),
    }
}

fn truncate(s: &str, max_utf16: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    for c in s.chars() {
        n += c.len_utf16();
        if n > max_utf16 {
            break;
        }
        out.push(c);
    }
    out
}

/// Marked cells of one sheet.
type Marks = std::collections::BTreeMap<(u32, u16), Mark>;

/// The value a template prefills for a cover key.
fn prefilled(frame: &Frame<'_>, key: Option<CoverKey>) -> String {
    match key {
        Some(CoverKey::UnitCode) => frame.unit.code.clone(),
        Some(CoverKey::UnitName) => frame.unit.name.clone(),
        Some(CoverKey::Period) => frame.period.map(|p| p.chinese()).unwrap_or_default(),
        _ => String::new(),
    }
}

/// The data rows, each value in its column's format; marked cells (also
/// blank ones beyond the values, a required cell left empty) filled red or
/// yellow with the messages as a note.
fn write_rows(
    sheet: &mut Worksheet,
    ledger: &Ledger,
    content: &LedgerContent,
    marks: Option<&Marks>,
) -> Result<(), XlsxError> {
    let plain = Format::new().set_font_name("宋体");
    let format = |c: usize| ledger.fields.get(c).map_or(plain.clone(), column_format);
    let formats: Vec<Format> = (0..ledger.fields.len() + content.extra_headers.len())
        .map(format)
        .collect();
    for (r, row) in (FIRST_DATA_ROW..).zip(&content.rows) {
        for (c, value) in (0u16..).zip(row) {
            let mark = marks.and_then(|m| m.get(&(r, c)));
            put(sheet, r, c, value.as_ref(), &formats[c as usize], mark)?;
        }
    }
    for (&(r, c), mark) in marks.into_iter().flatten() {
        let i = r.checked_sub(FIRST_DATA_ROW).map(|i| i as usize);
        let within = i
            .and_then(|i| content.rows.get(i))
            .and_then(|row| row.get(c as usize));
        if r >= FIRST_DATA_ROW && within.is_none() {
            let base = formats
                .get(c as usize)
                .cloned()
                .unwrap_or_else(|| plain.clone());
            put(sheet, r, c, None, &base, Some(mark))?;
        }
    }
    Ok(())
}

/// Write one cell: its value (if any) in `format`, filled and noted when marked.
fn put(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: Option<&CellValue>,
    format: &Format,
    mark: Option<&Mark>,
) -> Result<(), XlsxError> {
    let format = match mark {
        Some(m) => format
            .clone()
            .set_background_color(if m.error { RED } else { YELLOW }),
        None => format.clone(),
    };
    match value {
        Some(v) => write_value(sheet, row, col, v, &format)?,
        None if mark.is_some() => {
            sheet.write_blank(row, col, &format)?;
        }
        None => {}
    }
    if let Some(m) = mark {
        let note = Note::new(m.messages.join("\n"))
            .set_author("jucai")
            .set_width(360)
            .set_height(120);
        sheet.insert_note(row, col, &note)?;
    }
    Ok(())
}

/// Text is always written as a string: a value starting with `=` stays text.
fn write_value(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: &CellValue,
    format: &Format,
) -> Result<(), XlsxError> {
    match value {
        CellValue::Text(t) => sheet.write_string_with_format(row, col, t, format)?,
        CellValue::Number(n) => sheet.write_number_with_format(row, col, *n, format)?,
        CellValue::Bool(b) => sheet.write_boolean_with_format(row, col, *b, format)?,
        CellValue::Date(d) => {
            let format = format.clone().set_num_format("yyyy-mm-dd");
            sheet.write_date_with_format(row, col, d, &format)?
        }
        CellValue::DateTime(d) => {
            let format = format.clone().set_num_format("yyyy-mm-dd hh:mm");
            sheet.write_datetime_with_format(row, col, d, &format)?
        }
    };
    Ok(())
}

/// Lay out the rendered instructions text (see `templates/instructions.tera`).
fn write_instructions(sheet: &mut Worksheet, s: &Styles, text: &str) -> Result<(), XlsxError> {
    const WIDTHS: [f64; 4] = [18.0, 6.0, 16.0, 90.0];
    for (col, w) in WIDTHS.iter().enumerate() {
        sheet.set_column_width(col as u16, *w)?;
    }
    let total: f64 = WIDTHS.iter().sum();
    let lines = text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty());
    for (row, line) in (0u32..).zip(lines) {
        if let Some(title) = line.strip_prefix("# ") {
            sheet.set_row_height(row, 32)?;
            sheet.merge_range(row, 0, row, 3, title, &s.title)?;
        } else if let Some(heading) = line
            .strip_prefix("## ")
            .or_else(|| line.strip_prefix("### "))
        {
            sheet.set_row_height(row, 22)?;
            sheet.merge_range(row, 0, row, 3, heading, &s.heading)?;
        } else if let Some(cells) = line.strip_prefix("||") {
            for (col, cell) in cells.split('|').take(4).enumerate() {
                sheet.write_string_with_format(row, col as u16, cell, &s.header)?;
            }
        } else if let Some(cells) = line.strip_prefix('|') {
            let cells: Vec<&str> = cells.split('|').take(4).collect();
            let lines = cells
                .last()
                .map_or(1, |t| xlsx::wrapped_lines(t, WIDTHS[3]));
            sheet.set_row_height(row, 15.0 * f64::from(lines) + 4.0)?;
            for (col, cell) in cells.iter().enumerate() {
                sheet.write_string_with_format(row, col as u16, *cell, &s.wrap)?;
            }
        } else {
            let lines = xlsx::wrapped_lines(line, total);
            sheet.set_row_height(row, 16.0 * f64::from(lines) + 4.0)?;
            sheet.merge_range(row, 0, row, 3, line, &s.paragraph)?;
        }
    }
    Ok(())
}
