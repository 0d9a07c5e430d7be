//! What a zip or 7z gave up, in the same shape whichever it was.

use super::found::Problem;

/// What a zip or 7z gave up: each file it held (in its own order), and what
/// could not be read in it.
#[derive(Debug, Default)]
pub(super) struct Listing {
    pub(super) files: Vec<Entry>,
    pub(super) problems: Vec<Problem>,
}

/// One file read out of a zip or 7z.
#[derive(Debug)]
pub(super) struct Entry {
    /// Its place among the archive's entries: part of its reception key.
    pub(super) index: usize,
    /// A file name only, without the folders it was in.
    pub(super) name: String,
    pub(super) bytes: Vec<u8>,
}

/// An entry's file name without folders. Archives made on Chinese Windows
/// store names in GBK without saying so: bytes that are not UTF-8 are read as
/// GB18030.
pub(super) fn entry_name(raw: &[u8]) -> String {
    let full = match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(raw).0.into_owned(),
    };
    full.rsplit(['/', '\\']).next().unwrap_or("").to_string()
}
