//! The 报送情况 workbook and its console text, from a [`StatusReport`].

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};
use serde_json::json;

use super::model::{Chase, StatusReport, Timeliness, UnitStatus, Validation};
use crate::error::Error;
use crate::period::chinese_date;
use crate::render::xlsx::{self, SheetError, Styles};
use crate::wording::{Texts, WordingError};

pub const WORDING: &str = include_str!("../../../templates/status.toml");

pub struct StatusWriter {
    texts: Texts,
    styles: Styles,
}

fn time(t: Option<NaiveDateTime>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

impl StatusWriter {
    pub fn new() -> Result<StatusWriter, Error> {
        Ok(StatusWriter {
            texts: Texts::parse("templates/status.toml", WORDING)?,
            styles: Styles::new(),
        })
    }

    fn vars(&self, r: &StatusReport) -> serde_json::Value {
        let t = &r.totals;
        json!({
            "centre": r.centre,
            "period": r.period.chinese(),
            "deadline": chinese_date(r.deadline),
            "t": t,
            "unknown_time": t.submitted - t.on_time - t.late,
        })
    }

    /// The words for one unit's row: 是否报送, 是否按时, 校验结果.
    pub fn words(&self, u: &UnitStatus) -> Result<[String; 3], Error> {
        let submitted = self.texts.plain(if u.submitted {
            "submitted_yes"
        } else {
            chase_key(u.is_returned())
        })?;
        let timely = self.texts.plain(match u.timeliness {
            Timeliness::OnTime => "on_time",
            Timeliness::Late => "late",
            Timeliness::Unknown => "unknown_time",
            Timeliness::Returned | Timeliness::Missing => "missing",
        })?;
        let result = match u.validation {
            None => self.texts.plain("missing")?,
            Some(Validation::Passed) => self.texts.plain("passed")?,
            Some(Validation::Warnings(n)) => self.texts.render("warnings", &json!({ "n": n }))?,
            Some(Validation::Returned(n)) => self.texts.render("returned", &json!({ "n": n }))?,
        };
        Ok([submitted, timely, result])
    }

    /// Why a unit is chased: 退回未改 or 未报.
    fn chase_state(&self, c: &Chase) -> Result<String, WordingError> {
        self.texts.plain(chase_key(c.returned))
    }

    /// Plain text for the terminal.
    pub fn text(&self, r: &StatusReport) -> Result<String, Error> {
        let vars = self.vars(r);
        let mut out = format!(
            "{}\n{}\n",
            self.texts.render("title", &vars)?,
            self.texts.render("summary", &vars)?
        );
        for g in &r.groups {
            out.push_str(&format!("\n【{}】\n", g.name));
            for u in &g.units {
                let [submitted, timely, result] = self.words(u)?;
                out.push_str(&format!(
                    "  {:<14} {}  {submitted}  {timely}  {result}  {}\n",
                    u.code,
                    u.name,
                    time(u.newest_received)
                ));
            }
        }
        out.push_str(&format!("\n{}\n", self.texts.plain("chase_title")?));
        if r.chase.is_empty() {
            out.push_str(&format!("  {}\n", self.texts.plain("chase_none")?));
        }
        for c in &r.chase {
            out.push_str(&format!(
                "  {}（{}）  {}  {}  {}\n",
                c.name,
                c.station,
                self.chase_state(c)?,
                c.head.clone().unwrap_or_default(),
                c.phone.clone().unwrap_or_default()
            ));
        }
        if !r.quarantine.is_empty() {
            out.push_str(&format!("\n{}\n", self.texts.plain("quarantine_title")?));
            for q in &r.quarantine {
                out.push_str(&format!("  {}  {}\n", q.name, q.source));
                if let Some(reason) = q.reason.as_deref().filter(|_| !q.workbook) {
                    out.push_str(&format!("    {reason}\n"));
                }
            }
        }
        if !r.unattached.is_empty() {
            out.push_str(&format!("\n{}\n", self.texts.plain("unattached_title")?));
            for m in &r.unattached {
                out.push_str(&format!(
                    "  {}  {}  {}  {}\n",
                    time(Some(m.received)),
                    m.sender.as_deref().unwrap_or(""),
                    m.subject.as_deref().unwrap_or(""),
                    m.source
                ));
            }
        }
        Ok(out)
    }

    /// Write `报送情况-<报送期>.xlsx` into `dir`.
    pub fn write(&self, r: &StatusReport, dir: &Path) -> Result<PathBuf, Error> {
        let vars = self.vars(r);
        let path = dir.join(crate::output::safe_file_name(
            &self.texts.render("file_name", &vars)?,
        ));
        let mut book = Workbook::new();
        xlsx::set_properties(
            &mut book,
            &self.texts.render("title", &vars)?,
            r.period.end(),
        );
        let sheet = book.add_worksheet();
        self.fill(sheet, r).map_err(|e| e.at(&path))?;
        xlsx::save(&mut book, &path)?;
        Ok(path)
    }

    fn fill(&self, sheet: &mut Worksheet, r: &StatusReport) -> Result<(), SheetError> {
        let last = (WIDTHS.len() - 1) as u16;
        self.fill_header(sheet, r, last)?;
        let row = self.fill_units(sheet, r, 3, last)?;
        let row = self.fill_chase(sheet, r, row, last)?;
        let row = self.fill_quarantine(sheet, r, row, last)?;
        self.fill_unattached(sheet, r, row, last)?;
        sheet.set_freeze_panes(3, 0)?;
        xlsx::print_setup(sheet, true, Some((2, 2)))?;
        Ok(())
    }

    /// Sheet name, column widths, title, summary and the table headers (rows 0–2).
    fn fill_header(
        &self,
        sheet: &mut Worksheet,
        r: &StatusReport,
        last: u16,
    ) -> Result<(), SheetError> {
        let s = &self.styles;
        let vars = self.vars(r);
        sheet.set_name(self.texts.plain("sheet")?)?;
        for (c, w) in WIDTHS.iter().enumerate() {
            sheet.set_column_width(c as u16, *w)?;
        }
        sheet.set_row_height(0, 30)?;
        sheet.merge_range(0, 0, 0, last, &self.texts.render("title", &vars)?, &s.title)?;
        sheet.set_row_height(1, 34)?;
        sheet.merge_range(
            1,
            0,
            1,
            last,
            &self.texts.render("summary", &vars)?,
            &s.paragraph,
        )?;
        let headers = self.texts.list("headers")?;
        for (c, h) in headers.iter().enumerate() {
            sheet.write_string_with_format(2, c as u16, h, &s.header)?;
        }
        Ok(())
    }

    /// Each group's name row, then a row per unit, from `row` on; returns
    /// the row after the last.
    fn fill_units(
        &self,
        sheet: &mut Worksheet,
        r: &StatusReport,
        mut row: u32,
        last: u16,
    ) -> Result<u32, SheetError> {
        let s = &self.styles;
        let group_format = s
            .header
            .clone()
            .set_align(rust_xlsxwriter::FormatAlign::Left);
        let late = s.cell.clone().set_font_color("#C00000");
        let datetime = s.cell.clone().set_num_format("yyyy-mm-dd hh:mm");
        let mut n = 0;
        for g in &r.groups {
            sheet.merge_range(row, 0, row, last, &g.name, &group_format)?;
            row += 1;
            for u in &g.units {
                n += 1;
                let [submitted, timely, result] = self.words(u)?;
                let alert = !u.submitted
                    || u.timeliness == Timeliness::Late
                    || matches!(u.validation, Some(Validation::Returned(_)));
                let f = if alert { &late } else { &s.cell };
                sheet.write_number_with_format(row, 0, f64::from(n), &s.cell)?;
                sheet.write_string_with_format(row, 1, &u.code, &s.cell)?;
                sheet.write_string_with_format(row, 2, &u.name, &s.cell)?;
                sheet.write_string_with_format(row, 3, &u.level, &s.cell)?;
                sheet.write_string_with_format(row, 4, &submitted, f)?;
                sheet.write_number_with_format(row, 5, u.versions as f64, &s.cell)?;
                for (col, when) in [(6, u.first_received), (7, u.newest_received)] {
                    match when {
                        Some(t) => sheet.write_datetime_with_format(row, col, t, &datetime)?,
                        None => sheet.write_blank(row, col, &s.cell)?,
                    };
                }
                sheet.write_string_with_format(row, 8, &timely, f)?;
                sheet.write_string_with_format(row, 9, &result, f)?;
                row += 1;
            }
        }
        Ok(row)
    }

    /// The chase list, after a blank row following `row`; returns the row
    /// after it.
    fn fill_chase(
        &self,
        sheet: &mut Worksheet,
        r: &StatusReport,
        mut row: u32,
        last: u16,
    ) -> Result<u32, SheetError> {
        let s = &self.styles;
        row += 1;
        self.heading(sheet, row, last, "chase_title")?;
        row += 1;
        if r.chase.is_empty() {
            sheet.merge_range(
                row,
                0,
                row,
                last,
                &self.texts.plain("chase_none")?,
                &s.paragraph,
            )?;
            row += 1;
        } else {
            let headers = self.texts.list("chase_headers")?;
            spanned(sheet, row, &CHASE_SPANS, &headers, &s.header)?;
            row += 1;
            for (i, c) in r.chase.iter().enumerate() {
                let n = (i + 1).to_string();
                let state = self.chase_state(c)?;
                let cells = [
                    n.as_str(),
                    &c.name,
                    &c.station,
                    &state,
                    c.head.as_deref().unwrap_or(""),
                    c.phone.as_deref().unwrap_or(""),
                ];
                spanned(sheet, row, &CHASE_SPANS, &cells, &s.cell)?;
                row += 1;
            }
        }
        Ok(row)
    }

    /// The quarantined files, if any, after a blank row following `row`.
    fn fill_quarantine(
        &self,
        sheet: &mut Worksheet,
        r: &StatusReport,
        mut row: u32,
        last: u16,
    ) -> Result<u32, SheetError> {
        let s = &self.styles;
        if !r.quarantine.is_empty() {
            row += 1;
            self.heading(sheet, row, last, "quarantine_title")?;
            row += 1;
            let headers = self.texts.list("quarantine_headers")?;
            spanned(sheet, row, &QUARANTINE_SPANS, &headers, &s.header)?;
            row += 1;
            for (i, q) in r.quarantine.iter().enumerate() {
                let why = self.texts.plain(if q.workbook {
                    "quarantine_unidentified"
                } else {
                    "quarantine_not_workbook"
                })?;
                let n = (i + 1).to_string();
                let when = time(q.received);
                let cells = [
                    n.as_str(),
                    &q.name,
                    q.sender.as_deref().unwrap_or(""),
                    &when,
                    &q.source,
                    &why,
                ];
                spanned(sheet, row, &QUARANTINE_SPANS, &cells, &s.wrap)?;
                sheet.set_row_height(row, 15.0 * lines(&QUARANTINE_SPANS, &cells))?;
                row += 1;
                if let Some(reason) = q.reason.as_deref().filter(|_| !q.workbook) {
                    self.reason_row(sheet, row, last, reason)?;
                    row += 1;
                }
            }
        }
        Ok(row)
    }

    /// The messages that came with nothing attached, if any, after a blank
    /// row following `row`.
    fn fill_unattached(
        &self,
        sheet: &mut Worksheet,
        r: &StatusReport,
        mut row: u32,
        last: u16,
    ) -> Result<(), SheetError> {
        if r.unattached.is_empty() {
            return Ok(());
        }
        let s = &self.styles;
        row += 1;
        self.heading(sheet, row, last, "unattached_title")?;
        row += 1;
        let headers = self.texts.list("unattached_headers")?;
        spanned(sheet, row, &UNATTACHED_SPANS, &headers, &s.header)?;
        for (i, m) in r.unattached.iter().enumerate() {
            row += 1;
            let n = (i + 1).to_string();
            let when = time(Some(m.received));
            let cells = [
                n.as_str(),
                m.sender.as_deref().unwrap_or(""),
                &when,
                m.subject.as_deref().unwrap_or(""),
                &m.source,
            ];
            spanned(sheet, row, &UNATTACHED_SPANS, &cells, &s.wrap)?;
            sheet.set_row_height(row, 15.0 * lines(&UNATTACHED_SPANS, &cells))?;
        }
        Ok(())
    }

    /// A section's title (`key` in `templates/status.toml`) across the table.
    fn heading(
        &self,
        sheet: &mut Worksheet,
        row: u32,
        last: u16,
        key: &str,
    ) -> Result<(), SheetError> {
        sheet.merge_range(
            row,
            0,
            row,
            last,
            &self.texts.plain(key)?,
            &self.styles.heading,
        )?;
        Ok(())
    }

    /// Why a file is no workbook and what to do, on a row of its own under
    /// it, across the table: the sentence is too long for a column.
    fn reason_row(
        &self,
        sheet: &mut Worksheet,
        row: u32,
        last: u16,
        reason: &str,
    ) -> Result<(), SheetError> {
        sheet.write_blank(row, 0, &self.styles.wrap)?;
        sheet.merge_range(row, 1, row, last, reason, &self.styles.wrap)?;
        sheet.set_row_height(row, 15.0 * lines(&[(1, last)], &[reason]))?;
        Ok(())
    }
}

/// Column widths of the status table.
const WIDTHS: [f64; 10] = [6.0, 14.0, 40.0, 8.0, 9.0, 7.0, 17.0, 17.0, 9.0, 18.0];

/// The word for a unit not 已报: 退回未改 when something was received, else 未报.
fn chase_key(returned: bool) -> &'static str {
    if returned {
        "submitted_returned"
    } else {
        "submitted_no"
    }
}

/// Column spans (first, last) of the chase list and quarantine tables, laid
/// over the status table's columns.
const CHASE_SPANS: [(u16, u16); 6] = [(0, 0), (1, 2), (3, 4), (5, 5), (6, 6), (7, 7)];
const QUARANTINE_SPANS: [(u16, u16); 6] = [(0, 0), (1, 2), (3, 5), (6, 6), (7, 8), (9, 9)];
const UNATTACHED_SPANS: [(u16, u16); 5] = [(0, 0), (1, 2), (3, 5), (6, 7), (8, 9)];

/// How many lines the tallest of `cells` wraps to in its span of columns
/// (merged cells do not grow with their text in Excel or LibreOffice).
fn lines(spans: &[(u16, u16)], cells: &[&str]) -> f64 {
    spans
        .iter()
        .zip(cells)
        .map(|(&(first, last), text)| {
            let width: f64 = WIDTHS[usize::from(first)..=usize::from(last)].iter().sum();
            // A little under the width: the cell's padding takes some.
            (crate::text::display_width(text) as f64 / (width - 1.0)).ceil()
        })
        .fold(1.0, f64::max)
}

/// Write `cells` into one row, each over its span of columns.
fn spanned(
    sheet: &mut Worksheet,
    row: u32,
    spans: &[(u16, u16)],
    cells: &[impl AsRef<str>],
    format: &rust_xlsxwriter::Format,
) -> Result<(), XlsxError> {
    for (&(first, last), text) in spans.iter().zip(cells) {
        let text = text.as_ref();
        if first == last {
            sheet.write_string_with_format(row, first, text, format)?;
        } else {
            sheet.merge_range(row, first, row, last, text, format)?;
        }
    }
    Ok(())
}
