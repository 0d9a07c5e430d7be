//! Opening a workbook from bytes, whatever its extension says.
//!
//! The format is detected from the bytes: an OLE2 compound file is `.xls` (or an
//! encrypted OOXML package), a zip is `.xlsx`/`.xlsm`/`.xlsb`/`.ods`. A renamed
//! file still opens; a password-protected one is reported as such.

use std::io::Cursor;

use calamine::{Data, Dimensions, Ods, Range, Reader, Sheets, Xls, XlsError, Xlsb, Xlsx};

use crate::read::merges::Merges;

use crate::diagnostic::Finding;
use crate::text::sheet_key;

pub type Workbook<'a> = Sheets<Cursor<&'a [u8]>>;

const OLE2_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ZIP_MAGIC: [u8; 4] = [b'P', b'K', 3, 4];

/// Open a workbook; the format is detected from the bytes.
pub fn open(bytes: &[u8]) -> Result<Workbook<'_>, Finding> {
    let unreadable = |reason: &str| Finding::new("file-unreadable").arg("reason", reason);
    if bytes.is_empty() {
        return Err(unreadable("文件是空的"));
    }
    if bytes.starts_with(&OLE2_MAGIC) {
        // Excel stores a password-protected .xlsx inside an OLE2 container.
        if contains_utf16(bytes, "EncryptedPackage") {
            return Err(Finding::new("file-encrypted"));
        }
        return match Xls::new(Cursor::new(bytes)) {
            Ok(xls) => Ok(Sheets::Xls(xls)),
            Err(XlsError::Password) => Err(Finding::new("file-encrypted")),
            Err(e) => Err(unreadable(&format!("旧版 Excel 文件已损坏：{e}"))),
        };
    }
    if bytes.starts_with(&ZIP_MAGIC) {
        return open_zip(bytes);
    }
    Err(unreadable("不是 Excel、WPS 或 LibreOffice 表格文件"))
}

fn open_zip(bytes: &[u8]) -> Result<Workbook<'_>, Finding> {
    let xlsx_err = match Xlsx::new(Cursor::new(bytes)) {
        Ok(x) => return Ok(Sheets::Xlsx(x)),
        Err(calamine::XlsxError::Password) => return Err(Finding::new("file-encrypted")),
        Err(e) => e,
    };
    if let Ok(x) = Xlsb::new(Cursor::new(bytes)) {
        return Ok(Sheets::Xlsb(x));
    }
    match Ods::new(Cursor::new(bytes)) {
        Ok(x) => Ok(Sheets::Ods(x)),
        Err(calamine::OdsError::Password) => Err(Finding::new("file-encrypted")),
        Err(_) => Err(Finding::new("file-unreadable")
            .arg("reason", format!("压缩包不是完整的表格文件：{xlsx_err}"))),
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
pub fn find_sheet(workbook: &Workbook<'_>, wanted: &str) -> Option<String> {
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
pub fn range(
    workbook: &mut Workbook<'_>,
    sheet: &str,
    merges: &Merges,
) -> Result<Range<Data>, Finding> {
    let mut range = workbook.worksheet_range(sheet).map_err(|e| {
        Finding::new("file-unreadable")
            .sheet(sheet)
            .arg("reason", format!("工作表无法读取：{e}"))
    })?;
    for area in merges.of(sheet) {
        fill_merged(&mut range, area);
    }
    Ok(range)
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
