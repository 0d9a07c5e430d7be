//! Files that hold files: `.zip` and `.7z` archives, sent as attachments or
//! saved loose, and one of them inside another. Which kind a file is, is read
//! from its first bytes, so a 7z renamed `.zip` opens all the same.

use serde_json::json;

use super::found::{loose, source as worded, Intake};
use super::received::Received;
use super::sevenz;
use super::zip;
use crate::limits::Limits;

/// A file name that says it holds files.
pub fn is_packed_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.ends_with(".zip") || lower.ends_with(".7z")
}

/// Every file in a zip or 7z, and in one inside it. `envelope` is the email
/// it came in, if any. Bytes that open as neither are kept as one file, to be
/// told what they are when read.
pub fn from_packed(
    bytes: &[u8],
    name: &str,
    source: &str,
    envelope: Option<&Received>,
    limits: Limits,
) -> Intake {
    from_packed_at(bytes, name, source, envelope, limits, 0)
}

/// How deep archives inside archives are opened: a zip of the stations' zips
/// is what a clerk makes; deeper is no one's filing.
const NESTED: usize = 2;

fn from_packed_at(
    bytes: &[u8],
    name: &str,
    source: &str,
    envelope: Option<&Received>,
    limits: Limits,
    depth: usize,
) -> Intake {
    let mut out = Intake::default();
    let (tag, listing) = if sevenz::is_7z(bytes) {
        ("7z", sevenz::list(bytes, source, limits))
    } else {
        ("zip", zip::list(bytes, source, limits))
    };
    let Some(listing) = listing else {
        out.files.push(whole(bytes, name, source, envelope));
        return out;
    };
    let container = envelope
        .map(|e| e.key.clone())
        .unwrap_or_else(|| format!("file:{}:{name}", crate::hash::sha256_hex(bytes)));
    out.problems = listing.problems;
    for entry in listing.files {
        let mut received = whole(
            &entry.bytes,
            &entry.name,
            &worded(
                "zip_entry_source",
                json!({ "source": source, "name": entry.name }),
            ),
            envelope,
        );
        received.key = format!("{container}/{tag}:{}", entry.index);
        received.legacy_key = envelope
            .and_then(|e| e.legacy_key.as_ref())
            .map(|k| format!("{k}/{tag}:{}", entry.index));
        if depth + 1 < NESTED && is_packed_name(&entry.name) {
            let inner = from_packed_at(
                &received.bytes,
                &entry.name,
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
