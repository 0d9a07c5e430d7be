//! A workbook's cell allowance: what reading its sheets may allocate, taken
//! sheet by sheet out of [`Limits`], and the used rectangle a sheet is
//! measured by.

use crate::diagnostic::{Finding, Msg};
use crate::limits::Limits;

/// What is left of a workbook's cell allowance while its sheets are read.
#[derive(Debug)]
pub(crate) struct Budget {
    limits: Limits,
    cells_left: u64,
}

impl Budget {
    pub(crate) fn new(limits: &Limits) -> Budget {
        Budget {
            limits: *limits,
            cells_left: limits.max_cells_per_file,
        }
    }

    /// The most rows a sheet may span.
    pub(crate) fn max_rows(&self) -> u64 {
        u64::from(self.limits.max_rows_per_sheet)
    }

    /// Cells still allowed for the rest of the workbook.
    pub(crate) fn cells_left(&self) -> u64 {
        self.cells_left
    }

    /// Take a sheet's used rectangle out of the allowance.
    pub(crate) fn take(&mut self, sheet: &str, rows: u64, cols: u64) -> Result<(), Finding> {
        if rows > u64::from(self.limits.max_rows_per_sheet) {
            return Err(Finding::new(Msg::LimitRows)
                .sheet(sheet)
                .arg("rows", rows)
                .arg("limit", self.limits.max_rows_per_sheet));
        }
        self.take_area(sheet, rows, cols)
    }

    /// [`Budget::take`] for the rectangle of `extent`.
    pub(crate) fn take_extent(&mut self, sheet: &str, extent: &Extent) -> Result<(), Finding> {
        self.take(sheet, extent.rows(), extent.cols())
    }

    /// Take a rectangle's cells out of the allowance, whatever its height.
    pub(crate) fn take_area(&mut self, sheet: &str, rows: u64, cols: u64) -> Result<(), Finding> {
        let cells = rows.saturating_mul(cols);
        if cells > self.cells_left {
            return Err(Finding::new(Msg::LimitCells)
                .sheet(sheet)
                .arg("rows", rows)
                .arg("cols", cols)
                .arg("limit", self.limits.max_cells_per_file));
        }
        self.cells_left -= cells;
        Ok(())
    }
}

/// The smallest rectangle holding a set of cells, grown one cell at a time.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Extent(Option<((u32, u32), (u32, u32))>);

impl Extent {
    pub(crate) fn add(&mut self, row: u32, col: u32) {
        let ((top, left), (bottom, right)) = self.0.unwrap_or(((row, col), (row, col)));
        self.0 = Some((
            (top.min(row), left.min(col)),
            (bottom.max(row), right.max(col)),
        ));
    }

    pub(crate) fn rows(&self) -> u64 {
        self.0
            .map_or(0, |((top, _), (bottom, _))| u64::from(bottom - top) + 1)
    }

    pub(crate) fn cols(&self) -> u64 {
        self.0
            .map_or(0, |((_, left), (_, right))| u64::from(right - left) + 1)
    }
}

/// A count of cells calamine would hold, read from the file rather than
/// measured as a rectangle.
pub(crate) fn claimed(sheet: &str, cells: u64, limits: &Limits) -> Result<(), Finding> {
    if cells <= limits.max_cells_per_file {
        return Ok(());
    }
    Err(Finding::new(Msg::LimitCellsClaimed)
        .sheet(sheet)
        .arg("cells", cells)
        .arg("limit", limits.max_cells_per_file))
}
