//! Shared XLSX helpers: formats, print setup, deterministic saving.

use std::path::Path;

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::error::Error;
use crate::output::write_atomic;
use crate::wording::{Builtin, Texts};

/// Writing a sheet failed: in the XLSX writer, or in what it was given to
/// write (wording that does not render). [`SheetError::at`] names the file.
pub enum SheetError {
    Xlsx(XlsxError),
    Other(Error),
}

impl From<XlsxError> for SheetError {
    fn from(e: XlsxError) -> SheetError {
        SheetError::Xlsx(e)
    }
}

impl From<Error> for SheetError {
    fn from(e: Error) -> SheetError {
        SheetError::Other(e)
    }
}

impl From<crate::wording::WordingError> for SheetError {
    fn from(e: crate::wording::WordingError) -> SheetError {
        SheetError::Other(e.into())
    }
}

impl SheetError {
    /// The error of writing the workbook at `path`.
    pub fn at(self, path: &Path) -> Error {
        match self {
            SheetError::Xlsx(e) => Error::xlsx(path, e),
            SheetError::Other(e) => e,
        }
    }
}

/// Fonts and borders used across jucai's workbooks.
pub(crate) struct Styles {
    pub title: Format,
    pub subtitle: Format,
    pub header: Format,
    pub header_required: Format,
    pub cell: Format,
    pub wrap: Format,
    pub prefilled: Format,
    pub to_fill: Format,
    pub note: Format,
    pub hint: Format,
    pub heading: Format,
    pub paragraph: Format,
}

const FONT: &str = "宋体";

impl Styles {
    pub(crate) fn new() -> Styles {
        let base = Format::new().set_font_name(FONT).set_font_size(11);
        let boxed = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        Styles {
            title: base
                .clone()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            subtitle: base.clone().set_align(FormatAlign::Center),
            header: boxed
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color("#D9E1F2"),
            header_required: boxed
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_font_color("#C00000")
                .set_background_color("#FCE4D6"),
            cell: boxed.clone(),
            wrap: boxed.clone().set_text_wrap().set_align(FormatAlign::Top),
            prefilled: boxed
                .clone()
                .set_bold()
                .set_background_color("#D9D9D9")
                .set_num_format("@"),
            to_fill: boxed
                .clone()
                .set_background_color("#FFF2CC")
                .set_num_format("@"),
            note: base
                .clone()
                .set_font_color("#C00000")
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter),
            hint: base
                .clone()
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter),
            heading: base.clone().set_bold().set_font_size(12),
            paragraph: base.clone().set_text_wrap().set_align(FormatAlign::Top),
        }
    }
}

impl Default for Styles {
    fn default() -> Styles {
        Styles::new()
    }
}

pub(crate) const COMMON: &str = include_str!("../../templates/common.toml");

static COMMON_TEXTS: Builtin = Builtin::new("templates/common.toml", COMMON);

/// Wording shared by every output (`templates/common.toml`).
pub(crate) fn common_texts() -> &'static Texts {
    COMMON_TEXTS.get()
}

/// A4, optionally landscape, fit to one page wide, header rows repeated,
/// page numbers in the footer.
pub(crate) fn print_setup(
    sheet: &mut Worksheet,
    landscape: bool,
    repeat_rows: Option<(u32, u32)>,
) -> Result<(), XlsxError> {
    let footer = common_texts().plain("xlsx_footer").unwrap_or_default();
    sheet.set_paper_size(9);
    if landscape {
        sheet.set_landscape();
    } else {
        sheet.set_portrait();
    }
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    sheet.set_print_center_horizontally(true);
    if let Some((first, last)) = repeat_rows {
        sheet.set_repeat_rows(first, last)?;
    }
    sheet.set_footer(&footer);
    Ok(())
}

/// Fixed document properties, so the same input gives byte-identical files.
pub(crate) fn set_properties(book: &mut Workbook, title: &str, date: chrono::NaiveDate) {
    use chrono::Datelike;
    let created = ExcelDateTime::from_ymd(date.year() as u16, date.month() as u8, date.day() as u8)
        .unwrap_or_default();
    let props = DocProperties::new()
        .set_title(title)
        .set_author("jucai")
        .set_creation_datetime(&created);
    book.set_properties(&props);
}

/// Save a workbook atomically.
pub(crate) fn save(book: &mut Workbook, path: &Path) -> Result<(), Error> {
    let bytes = book.save_to_buffer().map_err(|e| Error::xlsx(path, e))?;
    write_atomic(path, &bytes)
}

/// Estimated number of wrapped lines for `text` in a column `width` units wide.
pub(crate) fn wrapped_lines(text: &str, width: f64) -> u32 {
    let per_line = (width - 1.0).max(4.0);
    text.split('\n')
        .map(|line| {
            let w = crate::text::display_width(line) as f64;
            (w / per_line).ceil().max(1.0) as u32
        })
        .sum()
}
