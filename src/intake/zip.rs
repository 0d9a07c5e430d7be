//! The files of a `.zip`. Entry names are kept as names only; sizes are
//! checked before anything is inflated.

use std::io::{Cursor, Read};

use super::found::Problem;
use super::listing::{entry_name, Entry, Listing};
use crate::limits::Limits;

/// Every file in a zip, or `None` when the bytes are not a zip.
pub(super) fn list(bytes: &[u8], source: &str, limits: Limits) -> Option<Listing> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut out = Listing::default();
    for i in 0..archive.len().min(limits.max_entries) {
        match read_entry(&mut archive, i, source, limits) {
            Ok(Some(entry)) => out.files.push(entry),
            Ok(None) => {}
            Err(problem) => out.problems.push(problem),
        }
    }
    if archive.len() > limits.max_entries {
        out.problems.push(Problem::ZipTooMany {
            source: source.to_string(),
            limit: limits.max_entries,
        });
    }
    Some(out)
}

/// The `i`-th entry's bytes; `None` for a folder.
fn read_entry(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    i: usize,
    source: &str,
    limits: Limits,
) -> Result<Option<Entry>, Problem> {
    let unreadable = || Problem::ZipEntryUnreadable {
        source: source.to_string(),
        n: i + 1,
    };
    // Looked at raw first: an entry with a password cannot be opened to
    // ask whether it has one.
    let (is_dir, encrypted, name) = archive
        .by_index_raw(i)
        .map(|e| (e.is_dir(), e.encrypted(), entry_name(e.name_raw())))
        .map_err(|_| unreadable())?;
    if is_dir {
        return Ok(None);
    }
    let source = source.to_string();
    if encrypted {
        return Err(Problem::ZipEntryEncrypted { source, name });
    }
    let mut entry = archive.by_index(i).map_err(|_| unreadable())?;
    if entry.size() > limits.max_file_bytes {
        return Err(Problem::ZipEntryTooBig { source, name });
    }
    let mut data = Vec::new();
    // Read at most the limit, whatever the header claimed.
    if (&mut entry)
        .take(limits.max_file_bytes + 1)
        .read_to_end(&mut data)
        .is_err()
        || data.len() as u64 > limits.max_file_bytes
    {
        return Err(Problem::ZipEntryBroken { source, name });
    }
    Ok(Some(Entry {
        index: i,
        name,
        bytes: data,
    }))
}
