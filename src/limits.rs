//! Resource limits: how big a received file may be and how much one workbook
//! may unpack to, so a broken or hostile file gets a `resource-limit`
//! diagnostic instead of exhausting memory or time. Defaults are generous for
//! real ledgers (a unit's yearly ledger is a few thousand rows); a district
//! changes them in `jucai.toml` under `[limits]`.

use serde::Deserialize;

const MB: u64 = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// A received file (mail, mailbox, zip, workbook) or attachment.
    pub max_file_bytes: u64,
    /// What one workbook's zip package may inflate to, all parts together.
    pub max_uncompressed_bytes: u64,
    /// Rows of one sheet, from its first used row to its last.
    pub max_rows_per_sheet: u32,
    /// Cells of one workbook, all sheets together, counted over each sheet's
    /// used rectangle (that is what reading it allocates).
    pub max_cells_per_file: u64,
    /// Messages in a mailbox, files in a zip.
    pub max_entries: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 64 * MB,
            max_uncompressed_bytes: 512 * MB,
            max_rows_per_sheet: 200_000,
            max_cells_per_file: 10_000_000,
            max_entries: 10_000,
        }
    }
}

/// `[limits]` in `jucai.toml`, sizes in MB.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsFile {
    max_file_mb: Option<u64>,
    max_uncompressed_mb: Option<u64>,
    max_rows_per_sheet: Option<u32>,
    max_cells_per_file: Option<u64>,
    max_entries: Option<usize>,
}

impl LimitsFile {
    pub fn resolve(&self) -> Limits {
        let d = Limits::default();
        Limits {
            max_file_bytes: self.max_file_mb.map_or(d.max_file_bytes, |m| m * MB),
            max_uncompressed_bytes: self
                .max_uncompressed_mb
                .map_or(d.max_uncompressed_bytes, |m| m * MB),
            max_rows_per_sheet: self.max_rows_per_sheet.unwrap_or(d.max_rows_per_sheet),
            max_cells_per_file: self.max_cells_per_file.unwrap_or(d.max_cells_per_file),
            max_entries: self.max_entries.unwrap_or(d.max_entries),
        }
    }
}

/// Bytes as MB for messages, rounded up so "over the limit" never reads as equal.
pub fn mb(bytes: u64) -> u64 {
    bytes.div_ceil(MB)
}
