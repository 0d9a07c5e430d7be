//! An xlsx package with the sheets to be read inflated once.
//!
//! calamine inflates a sheet to read its cells, and jucai needs the sheet's
//! merged areas too, which the XML lists after the cells: finding them meant
//! a second inflate of every sheet read (the whole search was 14 % of
//! intake's CPU on the province bench; going without the second inflate
//! saved 2-5 %, BENCHMARKS.md). Here the sheets to be read are inflated
//! once, into a copy of the package where they are stored uncompressed;
//! their merged areas are taken from the inflated XML, and calamine reads
//! them from the copy without inflating. Every other part is copied still
//! compressed.
//!
//! Called only after [`crate::read::preflight::zip_package`] has checked
//! what the package inflates to.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use calamine::Dimensions;
use zip::read::ZipFile;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::read::merges::{merge_cells, merge_fragment_copying, sheet_parts, Merges, CHUNK};

/// The rewritten package and the merged areas of the sheets inflated.
pub(crate) struct Inflated {
    pub package: Vec<u8>,
    pub merges: Merges,
}

/// Inflate the sheets `wanted` accepts, at most `max_inflated` bytes of
/// them. `None` when the package is not an xlsx, has no such sheet, or
/// cannot be copied within that: the original is then read as it is.
pub(crate) fn sheets(
    bytes: &[u8],
    wanted: &dyn Fn(&str) -> bool,
    max_inflated: u64,
) -> Option<Inflated> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).ok()?;
    // Which of two entries of one name calamine would find is the zip
    // reader's business.
    if zip.has_duplicate_names() {
        return None;
    }
    let mut sheets_of: HashMap<String, Vec<String>> = HashMap::new();
    for (sheet, path) in sheet_parts(&mut zip, wanted)? {
        sheets_of.entry(path).or_default().push(sheet);
    }
    if sheets_of.is_empty() {
        return None;
    }
    // Entries may share their bytes (the checks before counted each part's
    // inflated size, not what copying them whole adds up to).
    let size = copied_size(&mut zip, &sheets_of)?;
    if size > max_inflated.saturating_add(bytes.len() as u64) {
        return None;
    }
    let mut copy = Copy {
        out: ZipWriter::new(Cursor::new(Vec::with_capacity(size as usize))),
        left: max_inflated,
        chunk: vec![0; CHUNK],
    };
    let mut merges = HashMap::new();
    for i in 0..zip.len() {
        let name = zip.name_for_index(i)?.ok()?.into_owned();
        let Some(sheets) = sheets_of.get(&name) else {
            copy.out.raw_copy_file(zip.by_index_raw(i).ok()?).ok()?;
            continue;
        };
        let areas = copy.stored(zip.by_index(i).ok()?, name)?;
        if !areas.is_empty() {
            for sheet in sheets {
                merges.insert(sheet.clone(), areas.clone());
            }
        }
    }
    let package = copy.out.finish().ok()?.into_inner();
    Some(Inflated {
        package,
        merges: Merges::from_areas(merges),
    })
}

/// What the copy holds, as the zip's own headers tell: the wanted sheets
/// inflated, every other part as compressed.
fn copied_size(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    sheets_of: &HashMap<String, Vec<String>>,
) -> Option<u64> {
    let mut size = 0u64;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).ok()?;
        let inflated = entry
            .name()
            .is_ok_and(|n| sheets_of.contains_key(n.as_ref()));
        let part = if inflated {
            entry.size()
        } else {
            entry.compressed_size()
        };
        size = size.saturating_add(part);
    }
    Some(size)
}

/// The copy being written, and how much more may be inflated into it.
struct Copy {
    out: ZipWriter<Cursor<Vec<u8>>>,
    left: u64,
    chunk: Vec<u8>,
}

impl Copy {
    /// Inflate a sheet into the copy, stored, a chunk at a time; its merged
    /// areas. `None` past the allowance (a part may inflate to more than
    /// its header says).
    fn stored(
        &mut self,
        part: ZipFile<'_, Cursor<&[u8]>>,
        name: String,
    ) -> Option<Vec<Dimensions>> {
        let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
        self.out.start_file(name, stored).ok()?;
        let mut limited = part.take(self.left.saturating_add(1));
        let fragment = merge_fragment_copying(&mut limited, &mut self.chunk, &mut self.out)?;
        if limited.limit() == 0 {
            return None;
        }
        self.left = limited.limit() - 1;
        Some(merge_cells(&fragment))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn package(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, xml) in parts {
            w.start_file(*name, SimpleFileOptions::default()).unwrap();
            w.write_all(xml.as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    const PACKAGE_RELS: &str = r#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    const WORKBOOK: &str = r#"<workbook><sheets><sheet name="封面" sheetId="1" r:id="rId1"/><sheet name="说明" sheetId="2" r:id="rId2"/></sheets></workbook>"#;
    const RELS: &str = concat!(
        r#"<Relationships>"#,
        r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>"#,
        r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/>"#,
        r#"</Relationships>"#
    );
    const SHEET: &str = r#"<worksheet><sheetData/><mergeCells count="1"><mergeCell ref="A1:C1"/></mergeCells></worksheet>"#;

    #[test]
    fn wanted_sheets_are_stored_and_their_merges_found() {
        let bytes = package(&[
            ("_rels/.rels", PACKAGE_RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", RELS),
            ("xl/worksheets/sheet1.xml", SHEET),
            ("xl/worksheets/sheet2.xml", SHEET),
        ]);
        let inflated = sheets(&bytes, &|name| name == "封面", 1 << 20).expect("an xlsx");
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
        assert_eq!(zip.len(), 5);
    }

    /// calamine finds parts whatever their case and slashes, and where the
    /// package relationships put the workbook: so must the merged areas.
    #[test]
    fn parts_named_unlike_their_relationships_still_give_merged_areas() {
        let elsewhere_rels = PACKAGE_RELS.replace("xl/workbook.xml", "/book/wb.xml");
        let elsewhere_wb_rels = RELS.replace("/xl/", "/book/");
        let packages = [
            package(&[
                ("_rels/.rels", PACKAGE_RELS),
                ("XL/Workbook.xml", WORKBOOK),
                ("xl/_rels/workbook.xml.rels", RELS),
                ("xl/worksheets/Sheet1.xml", SHEET),
            ]),
            package(&[
                ("_rels/.rels", PACKAGE_RELS),
                ("xl/workbook.xml", WORKBOOK),
                ("xl/_rels/workbook.xml.rels", RELS),
                ("xl\\worksheets\\sheet1.xml", SHEET),
            ]),
            package(&[
                ("_rels/.rels", &elsewhere_rels),
                ("book/wb.xml", WORKBOOK),
                ("book/_rels/wb.xml.rels", &elsewhere_wb_rels),
                ("book/worksheets/sheet1.xml", SHEET),
            ]),
        ];
        for (i, bytes) in packages.iter().enumerate() {
            let inflated = sheets(bytes, &|name| name == "封面", 1 << 20);
            let inflated = inflated.unwrap_or_else(|| panic!("package {i}: an xlsx"));
            assert_eq!(inflated.merges.of("封面").len(), 1, "package {i}");
            use calamine::Reader as _;
            let book = calamine::Xlsx::new(Cursor::new(inflated.package));
            let range = book.and_then(|mut b| b.worksheet_range("封面"));
            assert!(range.is_ok(), "package {i}: calamine reads the copy");
        }
    }

    #[test]
    fn two_sheets_on_one_part_both_get_its_merged_areas() {
        let workbook = WORKBOOK.replace("rId2", "rId1");
        let bytes = package(&[
            ("_rels/.rels", PACKAGE_RELS),
            ("xl/workbook.xml", &workbook),
            ("xl/_rels/workbook.xml.rels", RELS),
            ("xl/worksheets/sheet1.xml", SHEET),
        ]);
        let inflated = sheets(&bytes, &|_| true, 1 << 20).expect("an xlsx");
        assert_eq!(inflated.merges.of("封面").len(), 1);
        assert_eq!(inflated.merges.of("说明").len(), 1);
    }

    /// A part may inflate to more than its header says: the copy stops at
    /// the allowance and the original is read instead.
    #[test]
    fn a_sheet_past_the_allowance_is_not_copied() {
        let bytes = package(&[
            ("_rels/.rels", PACKAGE_RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", RELS),
            ("xl/worksheets/sheet1.xml", SHEET),
        ]);
        let size = SHEET.len() as u64;
        assert!(sheets(&bytes, &|_| true, size).is_some());
        assert!(sheets(&bytes, &|_| true, size - 1).is_none());
    }

    #[test]
    fn a_package_without_a_wanted_sheet_is_left_alone() {
        let bytes = package(&[
            ("_rels/.rels", PACKAGE_RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", RELS),
            ("xl/worksheets/sheet1.xml", SHEET),
        ]);
        assert!(sheets(&bytes, &|_| false, 1 << 20).is_none());
    }

    #[test]
    fn a_package_without_a_workbook_part_is_left_alone() {
        let bytes = package(&[("xl/workbook.bin", "binary")]);
        assert!(sheets(&bytes, &|_| true, 1 << 20).is_none());
    }
}
