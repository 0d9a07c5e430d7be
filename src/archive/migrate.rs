//! Archives written before the SQLite index: `records/00000001.json`, one
//! JSON record per reception. Their records are imported into the index,
//! with their own numbers, the first time the archive is opened; the JSON
//! files are left where they are (nothing received is ever removed), and
//! not read again once the index has them.

use std::path::Path;

use super::index::Index;
use super::record::Record;
use crate::error::Error;

/// The folder of the old layout's records.
const RECORDS: &str = "records";

/// Whether `dir` holds records of the old layout.
pub(super) fn has_json_records(dir: &Path) -> bool {
    dir.join(RECORDS).is_dir()
}

/// Import the old layout's records if the index has none yet. Returns how
/// many were imported.
pub(super) fn from_json_records(dir: &Path, index: &mut Index) -> Result<usize, Error> {
    let folder = dir.join(RECORDS);
    if !folder.is_dir() {
        return Ok(0);
    }
    let mut records = Vec::new();
    for entry in std::fs::read_dir(&folder).map_err(|e| Error::io(&folder, e))? {
        let path = entry.map_err(|e| Error::io(&folder, e))?.path();
        // A `.part` is a record a killed run never finished: it was never counted.
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let record: Record =
            serde_json::from_str(&text).map_err(|source| Error::Record { path, source })?;
        records.push(record);
    }
    records.sort_by_key(|r| r.seq);
    index.import(&records)
}
