//! One submission as old Excel or WPS saves it: a binary `.xls` (BIFF8).
//!
//! No Rust crate writes `.xls`, so the file is the generator's own workbook for
//! that submission, converted once by LibreOffice and committed beside this
//! module together with the SHA-256 of the `.xlsx` it came from. The sample
//! inbox uses it only while the generator still produces exactly that `.xlsx`;
//! `cargo test --test it sample:: -- --ignored` regenerates both files.

use sha2::{Digest, Sha256};

/// The converted workbook.
pub const XLS: &[u8] = include_bytes!("legacy.xls");

/// SHA-256 (hex) of the generated `.xlsx` that `legacy.xls` was converted from.
pub const SOURCE_SHA256: &str = include_str!("legacy.xls.source");

/// The `.xls` standing in for `xlsx`, if `legacy.xls` was converted from it.
pub fn stand_in(xlsx: &[u8]) -> Option<&'static [u8]> {
    let hash = format!("{:x}", Sha256::digest(xlsx));
    (hash == SOURCE_SHA256.trim()).then_some(XLS)
}
