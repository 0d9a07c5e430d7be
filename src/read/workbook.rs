//! Opening a workbook from bytes, whatever its extension says.

use std::io::Cursor;

use calamine::{Data, Range, Reader, Sheets};

use crate::diagnostic::Finding;
use crate::text::sheet_key;

pub type Workbook<'a> = Sheets<Cursor<&'a [u8]>>;

/// Open a workbook; the format is detected from the bytes.
pub fn open(bytes: &[u8]) -> Result<Workbook<'_>, Finding> {
    if bytes.is_empty() {
        return Err(Finding::new("file-unreadable").arg("reason", "文件是空的"));
    }
    calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|_| Finding::new("file-unreadable").arg("reason", "不是可识别的表格文件"))
}

/// The name of the sheet whose normalised name matches `wanted`
/// (spaces, full-width characters and a missing `台账` suffix tolerated).
pub fn find_sheet(workbook: &Workbook<'_>, wanted: &str) -> Option<String> {
    let key = sheet_key(wanted);
    workbook
        .sheet_names()
        .into_iter()
        .find(|name| sheet_key(name) == key)
}

/// Read a whole sheet's cells.
pub fn range(workbook: &mut Workbook<'_>, sheet: &str) -> Result<Range<Data>, Finding> {
    workbook.worksheet_range(sheet).map_err(|e| {
        Finding::new("file-unreadable")
            .sheet(sheet)
            .arg("reason", format!("工作表无法读取：{e}"))
    })
}
