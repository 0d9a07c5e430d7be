//! Workbooks inside `.zip` files (sent as attachments or saved loose). Entry
//! names are kept as names only; sizes are checked before anything is inflated.

use std::io::{Cursor, Read};

use serde_json::json;

use super::found::{loose, source as worded, Intake, Problem};
use super::received::Received;
use crate::limits::Limits;

/// Every file in a zip, and in a zip inside it. `envelope` is the email it
/// came in, if any.
pub fn from_zip(
    bytes: &[u8],
    name: &str,
    source: &str,
    envelope: Option<&Received>,
    limits: Limits,
) -> Intake {
    from_zip_at(bytes, name, source, envelope, limits, 0)
}

/// How deep zips inside zips are opened: a zip of the station's zips is
/// what a clerk makes; deeper is no one's filing.
const NESTED: usize = 2;

fn from_zip_at(
    bytes: &[u8],
    name: &str,
    source: &str,
    envelope: Option<&Received>,
    limits: Limits,
    depth: usize,
) -> Intake {
    let mut out = Intake::default();
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(a) => a,
        Err(_) => {
            // Not a real zip: keep it as it came.
            out.files.push(whole(bytes, name, source, envelope));
            return out;
        }
    };
    let container = envelope
        .map(|e| e.key.clone())
        .unwrap_or_else(|| format!("file:{}:{name}", crate::hash::sha256_hex(bytes)));
    for i in 0..archive.len().min(limits.max_entries) {
        let unreadable = || Problem::ZipEntryUnreadable {
            source: source.to_string(),
            n: i + 1,
        };
        // Looked at raw first: an entry with a password cannot be opened to
        // ask whether it has one.
        let Ok((is_dir, encrypted, entry_name)) = archive
            .by_index_raw(i)
            .map(|e| (e.is_dir(), e.encrypted(), entry_name(e.name_raw())))
        else {
            out.problems.push(unreadable());
            continue;
        };
        if is_dir {
            continue;
        }
        if encrypted {
            out.problems.push(Problem::ZipEntryEncrypted {
                source: source.to_string(),
                name: entry_name,
            });
            continue;
        }
        let Ok(mut entry) = archive.by_index(i) else {
            out.problems.push(unreadable());
            continue;
        };
        if entry.size() > limits.max_file_bytes {
            out.problems.push(Problem::ZipEntryTooBig {
                source: source.to_string(),
                name: entry_name,
            });
            continue;
        }
        let mut data = Vec::new();
        // Read at most the limit, whatever the header claimed.
        if (&mut entry)
            .take(limits.max_file_bytes + 1)
            .read_to_end(&mut data)
            .is_err()
            || data.len() as u64 > limits.max_file_bytes
        {
            out.problems.push(Problem::ZipEntryBroken {
                source: source.to_string(),
                name: entry_name,
            });
            continue;
        }
        let mut received = whole(
            &data,
            &entry_name,
            &worded(
                "zip_entry_source",
                json!({ "source": source, "name": entry_name }),
            ),
            envelope,
        );
        received.key = format!("{container}/zip:{i}");
        received.legacy_key = envelope
            .and_then(|e| e.legacy_key.as_ref())
            .map(|k| format!("{k}/zip:{i}"));
        if depth + 1 < NESTED && entry_name.to_lowercase().ends_with(".zip") {
            let inner = from_zip_at(
                &received.bytes,
                &entry_name,
                &received.source,
                Some(&received),
                limits,
                depth + 1,
            );
            out.files.extend(inner.files);
            out.problems.extend(inner.problems);
            continue;
        }
        out.files.push(received);
    }
    if archive.len() > limits.max_entries {
        out.problems.push(Problem::ZipTooMany {
            source: source.to_string(),
            limit: limits.max_entries,
        });
    }
    out
}

fn whole(bytes: &[u8], name: &str, source: &str, envelope: Option<&Received>) -> Received {
    match envelope {
        Some(e) => Received {
            bytes: bytes.to_vec(),
            name: name.to_string(),
            source: source.to_string(),
            ..e.clone()
        },
        None => loose(bytes.to_vec(), name.to_string(), source.to_string()),
    }
}

/// An entry's file name without folders. Zips made on Chinese Windows store
/// names in GBK without saying so: bytes that are not UTF-8 are read as GB18030.
fn entry_name(raw: &[u8]) -> String {
    let full = match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(raw).0.into_owned(),
    };
    full.rsplit(['/', '\\']).next().unwrap_or("").to_string()
}
