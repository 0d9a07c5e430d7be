//! A legacy `.xls`, whose sheets calamine reads whole when it opens the file.

use crate::diagnostic::Finding;
use crate::limits::Limits;
use crate::read::budget::{Budget, Extent};

/// A legacy `.xls`'s workbook stream: every sheet's cell rectangle (and its
/// DIMENSIONS claim) as calamine will allocate it when the file is opened.
pub fn xls(stream: &[u8], limits: &Limits) -> Result<(), Finding> {
    let mut budget = Budget::new(limits);
    for sheet in bound_sheets(stream) {
        let Some(records) = stream.get(sheet.offset..) else {
            continue;
        };
        let area = sheet_area(records);
        let name = sheet.name.as_str();
        budget.take_extent(name, &area.cells)?;
        budget.take_extent(name, &area.formulas)?;
        crate::read::budget::claimed(name, area.reserved, limits)?;
    }
    Ok(())
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// BIFF records as calamine walks them: type, then data; CONTINUE records
/// belong to the record before them and are skipped with it.
fn records(mut stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let typ = u16_at(stream, 0)?;
        let len = usize::from(u16_at(stream, 2)?);
        let data = stream.get(4..4 + len)?;
        stream = &stream[4 + len..];
        Some((typ, data))
    })
    .filter(|(typ, _)| *typ != CONTINUE)
}

const CONTINUE: u16 = 0x003C;
const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const BOUND_SHEET: u16 = 0x0085;
const DIMENSIONS: u16 = 0x0200;
const FORMULA: u16 = 0x0006;
const MUL_RK: u16 = 0x00BD;
/// Records whose first four bytes are the row and column of one value cell
/// (Number, Label, RString, BoolErr, Rk, LabelSst).
const VALUE_CELLS: [u16; 6] = [0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD];

struct BoundSheet {
    offset: usize,
    name: String,
}

/// The sheets listed in the workbook globals, with where each one starts.
fn bound_sheets(stream: &[u8]) -> Vec<BoundSheet> {
    records(stream)
        .take_while(|(typ, _)| *typ != EOF)
        .filter(|(typ, _)| *typ == BOUND_SHEET)
        .filter_map(|(_, data)| {
            let offset = u32_at(data, 0)? as usize;
            Some(BoundSheet {
                offset,
                name: sheet_name(data.get(6..)?),
            })
        })
        .collect()
}

/// A BIFF8 short string: length, flags (bit 0: UTF-16), characters.
fn sheet_name(data: &[u8]) -> String {
    let (Some(&len), Some(&flags)) = (data.first(), data.get(1)) else {
        return String::new();
    };
    let chars = &data[2.min(data.len())..];
    if flags & 1 == 1 {
        let units: Vec<u16> = chars
            .chunks_exact(2)
            .take(usize::from(len))
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        chars
            .iter()
            .take(usize::from(len))
            .map(|&b| char::from(b))
            .collect()
    }
}

struct SheetArea {
    cells: Extent,
    formulas: Extent,
    /// Cells calamine reserves from the DIMENSIONS record.
    reserved: u64,
}

/// One sheet's substream, nested substreams (embedded charts) skipped as
/// calamine skips them.
fn sheet_area(stream: &[u8]) -> SheetArea {
    let mut area = SheetArea {
        cells: Extent::default(),
        formulas: Extent::default(),
        reserved: 0,
    };
    let (mut seen_bof, mut depth) = (false, 0usize);
    for (typ, data) in records(stream) {
        if depth > 0 {
            match typ {
                BOF => depth += 1,
                EOF => depth -= 1,
                _ => {}
            }
            continue;
        }
        let at = || Some((u32::from(u16_at(data, 0)?), u32::from(u16_at(data, 2)?)));
        match typ {
            BOF if seen_bof => depth += 1,
            BOF => seen_bof = true,
            EOF => break,
            DIMENSIONS => area.reserved = area.reserved.saturating_add(reserved_cells(data)),
            FORMULA => {
                if let Some((row, col)) = at() {
                    area.cells.add(row, col);
                    area.formulas.add(row, col);
                }
            }
            MUL_RK => {
                let last = data.len().checked_sub(2).and_then(|i| u16_at(data, i));
                if let (Some((row, first)), Some(last)) = (at(), last) {
                    area.cells.add(row, first);
                    area.cells.add(row, u32::from(last));
                }
            }
            t if VALUE_CELLS.contains(&t) => {
                if let Some((row, col)) = at() {
                    area.cells.add(row, col);
                }
            }
            _ => {}
        }
    }
    area
}

/// The cell count calamine reserves for a DIMENSIONS record: the same
/// arithmetic, including its wrap-around when the last row precedes the first.
fn reserved_cells(data: &[u8]) -> u64 {
    let (first_row, last_row, mut first_col, last_col) = match data.len() {
        10 => (
            u32::from(u16_at(data, 0).unwrap_or(0)),
            u32::from(u16_at(data, 2).unwrap_or(0)),
            u32::from(u16_at(data, 4).unwrap_or(0)),
            u32::from(u16_at(data, 6).unwrap_or(0)),
        ),
        14 | 16 => (
            u32_at(data, 0).unwrap_or(0),
            u32_at(data, 4).unwrap_or(0),
            u32::from(u16_at(data, 8).unwrap_or(0)),
            u32::from(u16_at(data, 10).unwrap_or(0)),
        ),
        _ => return 0,
    };
    if first_col > 0xFF || last_col < first_col {
        first_col = 0;
    }
    if last_row == 0 || last_col == 0 {
        return 1;
    }
    let rows = (last_row - 1).wrapping_sub(first_row).wrapping_add(1);
    let cols = (last_col - 1).wrapping_sub(first_col).wrapping_add(1);
    u64::from(rows).saturating_mul(u64::from(cols))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimensions_reservation_matches_calamine() {
        // Rows 0..10, columns 0..3 (last row/col are exclusive in the record).
        let mut record = Vec::new();
        record.extend(0u32.to_le_bytes());
        record.extend(10u32.to_le_bytes());
        record.extend(0u16.to_le_bytes());
        record.extend(3u16.to_le_bytes());
        record.extend(0u16.to_le_bytes());
        assert_eq!(reserved_cells(&record), 30);
        // Last row before the first: calamine's subtraction wraps.
        record[0..4].copy_from_slice(&20u32.to_le_bytes());
        assert!(reserved_cells(&record) > 1 << 32);
    }

    #[test]
    fn the_sample_xls_passes() {
        let limits = Limits::default();
        assert_eq!(xls(crate::sample::legacy::XLS, &limits), Ok(()));
    }
}
