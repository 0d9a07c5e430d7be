//! What calamine would allocate, checked before it does.
//!
//! calamine sizes some allocations from numbers written in the file: an
//! `.xls` is parsed whole when opened, each sheet into a rectangle spanning
//! its outermost cells and reserved from its DIMENSIONS record; an `.ods` is
//! parsed whole too, repeated cells spelled out one by one; an `.xlsx`
//! reserves room for as many shared strings as the file claims to have. A
//! few hundred kilobytes can ask for tens of gigabytes, and a failed
//! allocation aborts the process, so these numbers are read here first and
//! checked against [`Limits`] (the zip package here, `.xls` in [`xls`], `.ods`
//! in [`ods`]). For `.xls` the container is walked first
//! ([`crate::read::ole`]), since calamine can loop on a broken one.

use std::io::{Cursor, Read};

use crate::diagnostic::{Finding, Msg};
use crate::limits::{mb, Limits};
use crate::read::package::Layout;
use crate::read::xml;

mod ods;
mod xls;

/// The calamine release whose reading these checks mirror. When calamine is
/// upgraded, check them against the new release's readers and allocations,
/// run the fuzzers (README), then move this with the pin in Cargo.toml.
pub const MIRRORS_CALAMINE: &str = "0.38.0";

pub use ods::ods;
pub use xls::xls;

/// A zip package: what it inflates to, its part count, and the
/// shared-string count it claims.
pub fn zip_package(bytes: &[u8], limits: &Limits) -> Result<(), Finding> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(()); // calamine reports the broken package
    };
    inflated_size(&mut zip, limits)?;
    shared_string_count(&mut zip, limits)
}

/// Why a zip package that calamine could not read failed, when it is
/// because an XML part declares a DTD; `None` otherwise.
///
/// Asked only after a failure: the XML reader neither expands nor fetches
/// what a DTD declares, so one only makes reading fail (an unknown entity),
/// and looking into every part of every workbook first cost 2.4 % of
/// intake's time.
pub fn doctype_refusal(bytes: &[u8]) -> Option<Finding> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    no_doctype(&mut zip).err()
}

/// How much of a part is inflated at a time while looking for a DTD.
const HEAD: usize = 512;

/// Excel, WPS and LibreOffice never write a DTD into a package part; one that
/// declares entities is an attack on the XML reader (billion laughs), and
/// calamine would only report an unrecognised entity in its own words.
fn no_doctype(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Result<(), Finding> {
    for i in 0..zip.len() {
        let Ok(part) = zip.by_index(i) else {
            continue;
        };
        let name = part
            .name()
            .map(|n| n.to_ascii_lowercase())
            .unwrap_or_default();
        if !(name.ends_with(".xml") || name.ends_with(".rels")) {
            continue;
        }
        // A DTD comes before the root element, in a part's first few hundred
        // bytes: a small buffer inflates only those (8 KiB of every sheet
        // was as much inflating as calamine's reading of the smaller ones).
        if xml::declares_doctype(std::io::BufReader::with_capacity(HEAD, part)) {
            return Err(Finding::new(Msg::XmlEntity));
        }
    }
    Ok(())
}

/// Deflate inflates at most 1032:1. When even that cannot pass the limit the
/// package is fine without unpacking it (every real ledger); otherwise each
/// part is inflated into nothing, counting, since sizes in the zip's own
/// headers can lie.
fn inflated_size(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, limits: &Limits) -> Result<(), Finding> {
    const MAX_DEFLATE_RATIO: u64 = 1032;
    let over = |inflated: u64| {
        Finding::new(Msg::LimitUncompressed)
            .arg("size", mb(inflated))
            .arg("limit", mb(limits.max_uncompressed_bytes))
    };
    if zip.len() > limits.max_entries {
        return Err(Finding::new(Msg::LimitParts)
            .arg("count", zip.len())
            .arg("limit", limits.max_entries));
    }
    let mut bound = 0u64;
    let mut declared = 0u64;
    for i in 0..zip.len() {
        // A broken entry fails calamine's reading, not the other entries' checks.
        let Ok(entry) = zip.by_index_raw(i) else {
            continue;
        };
        declared = declared.saturating_add(entry.size());
        bound = bound.saturating_add(match entry.compression() {
            zip::CompressionMethod::Stored => entry.compressed_size(),
            _ => entry.compressed_size().saturating_mul(MAX_DEFLATE_RATIO),
        });
    }
    if declared > limits.max_uncompressed_bytes {
        return Err(over(declared));
    }
    if bound <= limits.max_uncompressed_bytes {
        return Ok(());
    }
    let mut inflated = 0u64;
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index(i) else {
            continue;
        };
        let room = limits.max_uncompressed_bytes - inflated;
        let n = std::io::copy(&mut entry.take(room + 1), &mut std::io::sink()).unwrap_or(0);
        inflated += n;
        if n > room {
            return Err(over(inflated));
        }
    }
    Ok(())
}

/// calamine reserves `uniqueCount` strings when it opens an xlsx. A workbook
/// has no more distinct strings than cells, so a larger claim is refused.
/// The part is the one calamine reads: beside the workbook part, its name
/// matched as calamine matches it.
fn shared_string_count(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    limits: &Limits,
) -> Result<(), Finding> {
    let Some(layout) = Layout::of(zip) else {
        return Ok(()); // calamine does not open it
    };
    let Some(name) = layout.beside_workbook("sharedStrings.xml") else {
        return Ok(());
    };
    let Ok(part) = zip.by_name(name) else {
        return Ok(());
    };
    let mut head = Vec::new();
    if part.take(4096).read_to_end(&mut head).is_err() {
        return Ok(()); // calamine reports the broken part
    }
    let Some(count) = unique_count(&head) else {
        return Ok(());
    };
    if count > limits.max_cells_per_file {
        return Err(Finding::new(Msg::LimitStrings)
            .arg("count", count)
            .arg("limit", limits.max_cells_per_file));
    }
    Ok(())
}

/// The `uniqueCount` attribute of the `<sst>` start tag, if the part begins
/// with one.
fn unique_count(head: &[u8]) -> Option<u64> {
    let mut count = None;
    xml::elements(head, "sst", |e| count = xml::attr(e, "uniqueCount"));
    let digits = count.filter(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()))?;
    // More digits than u64 holds is certainly over any limit.
    Some(digits.parse().unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_count_is_read_from_the_sst_tag() {
        let xml = br#"<?xml version="1.0"?><sst xmlns="x" count="12" uniqueCount="9">"#;
        assert_eq!(unique_count(xml), Some(9));
        assert_eq!(
            unique_count(br#"<sst uniqueCount="99999999999999999999999">"#),
            Some(u64::MAX)
        );
        assert_eq!(unique_count(br#"<sst count="3">"#), None);
        // calamine reserves nothing for a count it cannot read, so neither
        // is the file refused.
        assert_eq!(unique_count(br#"<sst uniqueCount="abc">"#), None);
    }
}
