//! Opening a workbook from bytes, whatever its extension says.
//!
//! The format is detected from the bytes: an OLE2 compound file is `.xls` (or an
//! encrypted OOXML package), a zip is `.xlsx`/`.xlsm`/`.xlsb`/`.ods`. A renamed
//! file still opens; a password-protected one is reported as such.
//!
//! Nothing is unpacked or allocated before it is checked against [`Limits`]:
//! the file's size, what its zip package inflates to, and each sheet's used
//! rectangle (a sheet with two cells, A1 and XFD1048576, would otherwise make
//! calamine allocate seventeen billion cells).

use std::borrow::Cow;
use std::io::Cursor;

use calamine::{
    Cell, Data, DataRef, Dimensions, Ods, Range, Reader, Sheets, Xls, XlsError, Xlsb, Xlsx,
};

use crate::read::budget::{Budget, Extent};
use crate::read::guard::guarded;
use crate::read::inflate;
use crate::read::merges::Merges;
use crate::read::preflight;

use crate::diagnostic::{Finding, Msg};
use crate::limits::{mb, Limits};
use crate::text::sheet_key;

/// An open workbook: over the received bytes, or (a legacy `.xls`) over its
/// rebuilt container.
pub(crate) type Workbook<'a> = Sheets<Cursor<Cow<'a, [u8]>>>;

const OLE2_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ZIP_MAGIC: [u8; 4] = [b'P', b'K', 3, 4];

/// An open workbook and the merged areas of the sheets to be read.
pub(crate) struct Opened<'a> {
    pub book: Workbook<'a>,
    pub merges: Merges,
}

/// Open a workbook to read the sheets `wanted` accepts (by name); the format
/// is detected from the bytes.
pub(crate) fn open<'a>(
    bytes: &'a [u8],
    limits: &Limits,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<Opened<'a>, Finding> {
    if bytes.is_empty() {
        return Err(Finding::new(Msg::FileEmpty));
    }
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(too_big(bytes.len() as u64, limits));
    }
    if bytes.starts_with(&OLE2_MAGIC) {
        let mut book = open_ole(bytes, limits)?;
        let merges = Merges::find(&mut book, bytes, wanted);
        return Ok(Opened { book, merges });
    }
    if bytes.starts_with(&ZIP_MAGIC) {
        preflight::zip_package(bytes, limits)?;
        // A panic while copying falls back to the original, whose reading
        // reports it in the unit's words.
        if let Some(opened) = guarded(|| open_inflated(bytes, wanted, limits))
            .ok()
            .flatten()
        {
            return Ok(opened);
        }
        let mut book = guarded(|| open_zip(bytes, limits))?
            .map_err(|f| preflight::doctype_refusal(bytes).unwrap_or(f))?;
        let merges = Merges::find(&mut book, bytes, wanted);
        return Ok(Opened { book, merges });
    }
    Err(Finding::new(not_a_spreadsheet(bytes)))
}

/// What a file that is no workbook jucai reads is, when it is something
/// units send instead: a RAR or 7z archive, an Excel 2003 XML table, or a
/// web page saved as “.xls” — each told what to do about it.
fn not_a_spreadsheet(bytes: &[u8]) -> Msg {
    if bytes.starts_with(b"Rar!\x1a\x07") {
        return Msg::FileRar;
    }
    if bytes.starts_with(&[b'7', b'z', 0xBC, 0xAF, 0x27, 0x1C]) {
        return Msg::File7z;
    }
    // Markup: look at the start only, as text whatever its encoding.
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with('<') {
        if head.contains("urn:schemas-microsoft-com:office:spreadsheet") {
            return Msg::FileExcelXml;
        }
        if head.contains("<html") || head.contains("<table") || head.contains("<!doctype html") {
            return Msg::FileHtmlTable;
        }
    }
    Msg::FileNotSpreadsheet
}

fn open_ole<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Workbook<'a>, Finding> {
    // Excel stores a password-protected .xlsx inside an OLE2 container.
    if contains_utf16(bytes, "EncryptedPackage") {
        return Err(Finding::new(Msg::FileEncrypted));
    }
    let legacy = crate::read::ole::rebuild(bytes, limits)?;
    preflight::xls(&legacy.stream, limits)?;
    let container = Cow::Owned(legacy.container);
    match guarded(|| Xls::new(Cursor::new(container)))? {
        Ok(xls) => Ok(Sheets::Xls(xls)),
        Err(XlsError::Password) => Err(Finding::new(Msg::FileEncrypted)),
        Err(_) => Err(Finding::new(Msg::FileBroken)),
    }
}

/// An xlsx read from a copy with its wanted sheets inflated once
/// ([`inflate`]); `None` when that copy cannot be made or opened, and the
/// original is read instead.
fn open_inflated<'a>(
    bytes: &[u8],
    wanted: &dyn Fn(&str) -> bool,
    limits: &Limits,
) -> Option<Opened<'a>> {
    let inflated = inflate::sheets(bytes, wanted, limits.max_uncompressed_bytes)?;
    let xlsx = Xlsx::new(Cursor::new(Cow::Owned(inflated.package))).ok()?;
    Some(Opened {
        book: Sheets::Xlsx(xlsx),
        merges: inflated.merges,
    })
}

fn open_zip<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Workbook<'a>, Finding> {
    match Xlsx::new(Cursor::new(Cow::Borrowed(bytes))) {
        Ok(x) => return Ok(Sheets::Xlsx(x)),
        Err(calamine::XlsxError::Password) => return Err(Finding::new(Msg::FileEncrypted)),
        Err(_) => {}
    }
    if let Ok(x) = Xlsb::new(Cursor::new(Cow::Borrowed(bytes))) {
        return Ok(Sheets::Xlsb(x));
    }
    preflight::ods(bytes, limits)?;
    match Ods::new(Cursor::new(Cow::Borrowed(bytes))) {
        Ok(x) => Ok(Sheets::Ods(x)),
        Err(calamine::OdsError::Password) => Err(Finding::new(Msg::FileEncrypted)),
        Err(_) => Err(Finding::new(Msg::FileBroken)),
    }
}

/// The diagnostic for a file of `size` bytes over the file-size limit.
pub(crate) fn too_big(size: u64, limits: &Limits) -> Finding {
    Finding::new(Msg::LimitFileSize)
        .arg("size", mb(size))
        .arg("limit", mb(limits.max_file_bytes))
}

/// The diagnostic for a file that could not be read from disk.
pub(crate) fn read_failed(e: &std::io::Error) -> Finding {
    Finding::new(Msg::FileReadFailed).arg("reason", io_reason(e))
}

/// Why a file could not be read, in words for a clerk (the operating
/// system's own text is English and technical).
pub(crate) fn io_reason(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在",
        std::io::ErrorKind::PermissionDenied => "没有读取权限",
        _ => "读取时出错",
    }
}

fn contains_utf16(bytes: &[u8], needle: &str) -> bool {
    let pattern: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes
        .windows(pattern.len())
        .any(|w| w == pattern.as_slice())
}

/// The name of the sheet whose normalised name matches `wanted` (spaces,
/// full-width characters and a missing `台账` suffix tolerated). A visible sheet
/// wins over a hidden one of the same name.
pub(crate) fn find_sheet(workbook: &Workbook<'_>, wanted: &str) -> Option<String> {
    let key = sheet_key(wanted);
    let mut matches: Vec<&calamine::Sheet> = workbook
        .sheets_metadata()
        .iter()
        .filter(|s| sheet_key(&s.name) == key)
        .collect();
    matches.sort_by_key(|s| s.visible != calamine::SheetVisible::Visible);
    matches.first().map(|s| s.name.clone())
}

/// Read a whole sheet's cells (formulas give their cached values), with merged
/// areas filled from their top-left cell so every row of a merged block has
/// the value.
pub(crate) fn range(
    workbook: &mut Workbook<'_>,
    sheet: &str,
    merges: &Merges,
    budget: &mut Budget,
) -> Result<Range<Data>, Finding> {
    // calamine's own error text is technical and in English: the unit is
    // told which sheet is broken and what to do instead.
    let unreadable = |_: &dyn std::fmt::Display| Finding::new(Msg::SheetBroken).sheet(sheet);
    let read = guarded(|| match workbook {
        Sheets::Xlsx(x) => match x.worksheet_cells_reader(sheet) {
            Ok(mut reader) => streamed_range(|| reader.next_cell(), sheet, budget, &unreadable),
            Err(calamine::XlsxError::NotAWorksheet(_)) => Ok(Range::default()),
            Err(e) => Err(unreadable(&e)),
        },
        Sheets::Xlsb(x) => match x.worksheet_cells_reader(sheet) {
            Ok(mut reader) => streamed_range(|| reader.next_cell(), sheet, budget, &unreadable),
            Err(e) => Err(unreadable(&e)),
        },
        // Legacy .xls and ODS workbooks were read whole when opened (their
        // sizes checked by `preflight` first); the rectangle is taken from the
        // budget here like any other sheet's.
        other => {
            let range = other.worksheet_range(sheet).map_err(|e| unreadable(&e))?;
            let (rows, cols) = range.get_size();
            budget.take(sheet, rows as u64, cols as u64)?;
            Ok(range)
        }
    });
    let mut range = read.map_err(|f| f.sheet(sheet))??;
    for area in merges.of(sheet) {
        fill_merged(&mut range, area);
    }
    Ok(range)
}

/// A sheet read cell by cell, its used rectangle checked before the range
/// is allocated.
fn streamed_range<'a, E: std::fmt::Display>(
    mut next_cell: impl FnMut() -> Result<Option<Cell<DataRef<'a>>>, E>,
    sheet: &str,
    budget: &mut Budget,
    unreadable: &dyn Fn(&dyn std::fmt::Display) -> Finding,
) -> Result<Range<Data>, Finding> {
    let mut cells: Vec<Cell<Data>> = Vec::new();
    let mut extent = Extent::default();
    let max_rows = budget.max_rows();
    while let Some(cell) = next_cell().map_err(|e| unreadable(&e))? {
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let (row, col) = cell.get_position();
        extent.add(row, col);
        // Stop early on a sheet far past any limit rather than reading it all.
        let rows = extent.rows();
        let non_empty = cells.len() as u64 + 1;
        if rows > max_rows || non_empty > budget.cells_left() {
            budget.take(sheet, rows, extent.cols().max(non_empty.div_ceil(rows)))?;
        }
        cells.push(Cell::new((row, col), cell.get_value().clone().into()));
    }
    budget.take_extent(sheet, &extent)?;
    Ok(Range::from_sparse(cells))
}

fn fill_merged(range: &mut Range<Data>, area: &Dimensions) {
    let Some(value) = range.get_value(area.start).cloned() else {
        return;
    };
    if matches!(value, Data::Empty) {
        return;
    }
    let (Some(start), Some(end)) = (range.start(), range.end()) else {
        return;
    };
    for row in area.start.0.max(start.0)..=area.end.0.min(end.0) {
        for col in area.start.1.max(start.1)..=area.end.1.min(end.1) {
            if (row, col) != area.start {
                range.set_value((row, col), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_units_send_instead_of_a_workbook_is_named() {
        let cases: [(&[u8], Msg); 6] = [
            (b"Rar!\x1a\x07\x01\x00rest", Msg::FileRar),
            (&[b'7', b'z', 0xBC, 0xAF, 0x27, 0x1C, 0, 4], Msg::File7z),
            (
                b"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">",
                Msg::FileExcelXml,
            ),
            (
                b"<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><body><table><tr><td>1</td></tr></table>",
                Msg::FileHtmlTable,
            ),
            (b"  <TABLE border=1><TR><TD>\xc8\xcb</TD></TR></TABLE>", Msg::FileHtmlTable),
            (b"\x89PNG\r\n\x1a\n", Msg::FileNotSpreadsheet),
        ];
        for (bytes, want) in cases {
            let limits = Limits::default();
            let got = open(bytes, &limits, &|_| true).err().map(|f| f.message);
            assert_eq!(got, Some(want), "{:?}", &bytes[..8.min(bytes.len())]);
        }
    }
}
