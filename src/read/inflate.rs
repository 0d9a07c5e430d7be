//! An xlsx package with the sheets to be read inflated once.
//!
//! calamine inflates a sheet to read its cells, and jucai needs the sheet's
//! merged areas too, which the XML lists after the cells: finding them took
//! a second inflate of every sheet read, 14 % of intake's CPU on the province
//! bench (BENCHMARKS.md). Here the sheets to be read are inflated once, into
//! a copy of the package where they are stored uncompressed; their merged
//! areas are taken from the inflated XML, and calamine reads them from the
//! copy without inflating. Every other part is copied still compressed.
//!
//! Called only after [`crate::read::preflight::zip_package`] has checked
//! what the package inflates to.

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::read::merges::{merge_cells, sheet_parts, Merges};

/// The rewritten package and the merged areas of the sheets inflated.
pub struct Inflated {
    pub package: Vec<u8>,
    pub merges: Merges,
}

/// Inflate the sheets `wanted` accepts. `None` when the package is not an
/// xlsx or a part cannot be copied: the original is then read as it is.
pub fn sheets(bytes: &[u8], wanted: &dyn Fn(&str) -> bool) -> Option<Inflated> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).ok()?;
    let parts = sheet_parts(&mut zip, wanted)?;
    let names: HashMap<&str, &str> = parts
        .iter()
        .map(|(sheet, path)| (path.as_str(), sheet.as_str()))
        .collect();
    let mut out = ZipWriter::new(Cursor::new(Vec::with_capacity(bytes.len() * 4)));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let mut merges = HashMap::new();
    let mut copied = HashSet::new();
    let mut xml = Vec::new();
    for i in 0..zip.len() {
        let name = zip.name_for_index(i)?.ok()?.into_owned();
        // A name twice in the central directory: which one calamine would
        // find is the zip reader's business, so the original is read.
        if !copied.insert(name.clone()) {
            return None;
        }
        let Some(&sheet) = names.get(name.as_str()) else {
            out.raw_copy_file(zip.by_index_raw(i).ok()?).ok()?;
            continue;
        };
        xml.clear();
        zip.by_index(i).ok()?.read_to_end(&mut xml).ok()?;
        let areas = merge_cells(&xml);
        if !areas.is_empty() {
            merges.insert(sheet.to_string(), areas);
        }
        out.start_file(name, stored).ok()?;
        out.write_all(&xml).ok()?;
    }
    let package = out.finish().ok()?.into_inner();
    Some(Inflated {
        package,
        merges: Merges::from_areas(merges),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, xml) in parts {
            w.start_file(*name, SimpleFileOptions::default()).unwrap();
            w.write_all(xml.as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    const WORKBOOK: &str = r#"<workbook><sheets><sheet name="封面" sheetId="1" r:id="rId1"/><sheet name="说明" sheetId="2" r:id="rId2"/></sheets></workbook>"#;
    const RELS: &str = r#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Target="/xl/worksheets/sheet2.xml"/></Relationships>"#;
    const SHEET: &str = r#"<worksheet><sheetData/><mergeCells count="1"><mergeCell ref="A1:C1"/></mergeCells></worksheet>"#;

    #[test]
    fn wanted_sheets_are_stored_and_their_merges_found() {
        let bytes = package(&[
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", RELS),
            ("xl/worksheets/sheet1.xml", SHEET),
            ("xl/worksheets/sheet2.xml", SHEET),
        ]);
        let inflated = sheets(&bytes, &|name| name == "封面").expect("an xlsx");
        assert_eq!(inflated.merges.of("封面").len(), 1);
        assert!(inflated.merges.of("说明").is_empty(), "not inflated");
        let mut zip = ZipArchive::new(Cursor::new(inflated.package)).unwrap();
        let method = |zip: &mut ZipArchive<_>, n: &str| zip.by_name(n).unwrap().compression();
        assert_eq!(
            method(&mut zip, "xl/worksheets/sheet1.xml"),
            CompressionMethod::Stored
        );
        assert_eq!(
            method(&mut zip, "xl/worksheets/sheet2.xml"),
            CompressionMethod::Deflated
        );
        let mut copy = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .unwrap()
            .read_to_string(&mut copy)
            .unwrap();
        assert_eq!(copy, SHEET, "the part's bytes are unchanged");
        assert_eq!(zip.len(), 4);
    }

    #[test]
    fn a_package_without_a_workbook_part_is_left_alone() {
        let bytes = package(&[("xl/workbook.bin", "binary")]);
        assert!(sheets(&bytes, &|_| true).is_none());
    }
}
