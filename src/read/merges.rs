//! Merged areas of a workbook's sheets.
//!
//! calamine finds an xlsx sheet's merged areas by parsing the whole sheet XML
//! again, which doubled the cost of reading a large ledger. Here the
//! `<mergeCells>` element is found with a byte search in the decompressed sheet
//! and only that fragment is parsed (with quick-xml). An xlsx normally has its
//! areas found by [`crate::read::inflate`], in the one inflate of each sheet;
//! [`Merges::find`] inflates the sheets a second time, for a package that
//! could not be copied.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{Cursor, Read, Seek};

use calamine::{Dimensions, Reader, Sheets};

use crate::read::package::{self, Layout};
use crate::read::xml::{attr, elements};

/// Merged areas by sheet name.
#[derive(Debug, Default)]
pub(crate) struct Merges(HashMap<String, Vec<Dimensions>>);

impl Merges {
    /// Find the merged areas of the sheets whose names `wanted` accepts (the
    /// others are not inflated a second time). A workbook whose merges cannot
    /// be read is treated as having none (its cells are still read).
    pub(crate) fn find(
        workbook: &mut Sheets<Cursor<Cow<'_, [u8]>>>,
        bytes: &[u8],
        wanted: &dyn Fn(&str) -> bool,
    ) -> Merges {
        match workbook {
            Sheets::Xlsx(_) => Merges(xlsx_merges(bytes, wanted).unwrap_or_default()),
            Sheets::Xls(x) => {
                let names: Vec<String> = x.sheet_names();
                Merges(
                    names
                        .into_iter()
                        .filter(|n| wanted(n))
                        .filter_map(|n| {
                            let areas = x.merge_cells_by_sheet_name(&n).ok()?;
                            Some((n, areas))
                        })
                        .collect(),
                )
            }
            // calamine does not report merged cells for xlsb and ods.
            _ => Merges::default(),
        }
    }

    /// Merged areas already found, by sheet name.
    pub(crate) fn from_areas(areas: HashMap<String, Vec<Dimensions>>) -> Merges {
        Merges(areas)
    }

    pub(crate) fn of(&self, sheet: &str) -> &[Dimensions] {
        self.0.get(sheet).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// How much of a sheet is inflated at a time while looking for its merges.
pub(crate) const CHUNK: usize = 64 * 1024;

fn xlsx_merges(
    bytes: &[u8],
    wanted: &dyn Fn(&str) -> bool,
) -> Option<HashMap<String, Vec<Dimensions>>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut out = HashMap::new();
    // One buffer for every sheet's inflating.
    let mut chunk = vec![0u8; CHUNK];
    for (name, path) in sheet_parts(&mut zip, wanted)? {
        let Some(fragment) = merge_fragment(&mut zip, &path, &mut chunk) else {
            continue;
        };
        let areas = merge_cells(&fragment);
        if !areas.is_empty() {
            out.insert(name, areas);
        }
    }
    Some(out)
}

/// (sheet name, part name) of the sheets `wanted` accepts, in workbook
/// order; `None` when the package has no workbook part (not an xlsx).
///
/// The parts are found where calamine finds them ([`Layout`]), so that the
/// sheets whose merged areas are taken are the sheets whose cells calamine
/// reads (a package that names `xl/worksheets/Sheet1.xml` where its
/// relationships say `sheet1.xml` once lost its merged areas here).
pub(crate) fn sheet_parts<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    wanted: &dyn Fn(&str) -> bool,
) -> Option<Vec<(String, String)>> {
    let layout = Layout::of(zip)?;
    let workbook = package::read(zip, layout.workbook()?)?;
    let rels = package::read(zip, layout.workbook_relationships()?)?;
    let targets = relationship_targets(&rels);
    let parts = sheet_ids(&workbook)
        .into_iter()
        .filter(|(name, _)| wanted(name))
        .filter_map(|(name, rid)| {
            let part = layout.beside_workbook(targets.get(&rid)?)?;
            Some((name, part.to_string()))
        })
        .collect();
    Some(parts)
}

/// The part of a sheet's XML from `<mergeCells` on (it comes after the
/// cells), found while the part is inflated a chunk at a time: the cells
/// themselves are neither kept nor copied.
fn merge_fragment(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    chunk: &mut [u8],
) -> Option<Vec<u8>> {
    let mut part = zip.by_name(name).ok()?;
    merge_fragment_copying(&mut part, chunk, &mut std::io::sink())
}

/// [`merge_fragment`] of a part being read, every chunk also written to
/// `copy` as it comes: a sheet is neither held whole nor read twice.
pub(crate) fn merge_fragment_copying(
    part: &mut impl Read,
    chunk: &mut [u8],
    copy: &mut impl std::io::Write,
) -> Option<Vec<u8>> {
    const TAG: &[u8] = b"<mergeCells";
    // The end of the chunk before, in case the tag straddles two chunks.
    let mut window: Vec<u8> = Vec::with_capacity(chunk.len() + TAG.len());
    let mut found: Option<Vec<u8>> = None;
    loop {
        let n = part.read(chunk).ok()?;
        if n == 0 {
            return Some(found.unwrap_or_default());
        }
        copy.write_all(&chunk[..n]).ok()?;
        if let Some(fragment) = &mut found {
            fragment.extend_from_slice(&chunk[..n]);
            continue;
        }
        window.extend_from_slice(&chunk[..n]);
        if let Some(at) = memchr::memmem::find(&window, TAG) {
            found = Some(window[at..].to_vec());
        } else {
            let keep = window.len().min(TAG.len() - 1);
            window.drain(..window.len() - keep);
        }
    }
}

/// (sheet name, relationship id) in workbook order.
fn sheet_ids(workbook: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    elements(workbook, "sheet", |e| {
        if let (Some(name), Some(id)) = (attr(e, "name"), attr(e, "id")) {
            out.push((name, id));
        }
    });
    out
}

fn relationship_targets(rels: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    elements(rels, "Relationship", |e| {
        if let (Some(id), Some(target)) = (attr(e, "Id"), attr(e, "Target")) {
            out.insert(id, target);
        }
    });
    out
}

/// The merged areas listed in a sheet's `<mergeCells>` element.
pub(crate) fn merge_cells(sheet_xml: &[u8]) -> Vec<Dimensions> {
    let Some(start) = memchr::memmem::find(sheet_xml, b"<mergeCells") else {
        return Vec::new();
    };
    let fragment = &sheet_xml[start..];
    let end = memchr::memmem::find(fragment, b"</mergeCells>").map_or(fragment.len(), |e| e + 13);
    let mut out = Vec::new();
    elements(&fragment[..end], "mergeCell", |e| {
        if let Some(area) = attr(e, "ref").as_deref().and_then(parse_area) {
            out.push(area);
        }
    });
    out
}

/// `A1:K2` → 0-based start and end.
fn parse_area(area: &str) -> Option<Dimensions> {
    let (a, b) = area.split_once(':').unwrap_or((area, area));
    Some(Dimensions {
        start: parse_cell(a)?,
        end: parse_cell(b)?,
    })
}

/// `K12` → (11, 10).
fn parse_cell(cell: &str) -> Option<(u32, u32)> {
    let cell = cell.replace('$', "");
    let letters = cell.chars().take_while(char::is_ascii_alphabetic).count();
    let (col, row) = cell.split_at(letters);
    if col.is_empty() {
        return None;
    }
    let col = col.chars().try_fold(0u32, |acc, c| {
        Some(acc * 26 + (c.to_ascii_uppercase() as u32).checked_sub('A' as u32)? + 1)
    })?;
    let row: u32 = row.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references() {
        assert_eq!(parse_cell("A1"), Some((0, 0)));
        assert_eq!(parse_cell("$K$12"), Some((11, 10)));
        assert_eq!(parse_cell("AA3"), Some((2, 26)));
        assert_eq!(parse_cell("3"), None);
        assert_eq!(
            parse_area("B2:C5"),
            Some(Dimensions {
                start: (1, 1),
                end: (4, 2)
            })
        );
    }

    /// A sheet part inflated in 64 KiB chunks: the tag across two chunks
    /// is still found (regression guard for the chunked search).
    #[test]
    fn merge_cells_found_across_a_chunk_boundary() {
        use std::io::Write;
        let tail = br#"<mergeCells count="1"><mergeCell ref="B2:C3"/></mergeCells></worksheet>"#;
        for before in [64 * 1024 - 5, 64 * 1024, 3] {
            let mut xml = b"<worksheet><sheetData>".to_vec();
            xml.resize(before, b' ');
            xml.extend_from_slice(b"</sheetData>");
            xml.extend_from_slice(tail);
            let mut buf = Vec::new();
            let mut w = zip::ZipWriter::new(Cursor::new(&mut buf));
            w.start_file("s.xml", zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(&xml).unwrap();
            w.finish().unwrap();
            let mut zip = zip::ZipArchive::new(Cursor::new(buf.as_slice())).unwrap();
            let fragment = merge_fragment(&mut zip, "s.xml", &mut [0; CHUNK]).unwrap();
            let areas = merge_cells(&fragment);
            assert_eq!(areas.len(), 1, "{before}");
            assert_eq!(areas[0].start, (1, 1));
        }
    }

    /// The search a package that cannot be copied gets: parts found as
    /// calamine finds them, whatever their case.
    #[test]
    fn the_second_search_finds_parts_named_unlike_their_relationships() {
        use std::io::Write;
        const RELATIONSHIPS: &str =
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        let parts = [
            (
                "_rels/.rels",
                format!(r#"<Relationships><Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="/xl/workbook.xml"/></Relationships>"#),
            ),
            (
                "xl/Workbook.xml",
                r#"<workbook><sheets><sheet name="活动台账" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string(),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string(),
            ),
            (
                "XL/Worksheets/Sheet1.xml",
                r#"<worksheet><sheetData/><mergeCells count="1"><mergeCell ref="F3:F4"/></mergeCells></worksheet>"#.to_string(),
            ),
        ];
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, xml) in &parts {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(xml.as_bytes()).unwrap();
        }
        let bytes = w.finish().unwrap().into_inner();
        let found = xlsx_merges(&bytes, &|_| true).expect("an xlsx");
        assert_eq!(found.get("活动台账").map(Vec::len), Some(1));
    }

    #[test]
    fn merge_cells_fragment() {
        let xml = br#"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData><mergeCells count="2"><mergeCell ref="A1:K1"/><mergeCell ref="F3:F4"/></mergeCells><pageSetup/></worksheet>"#;
        let areas = merge_cells(xml);
        assert_eq!(areas.len(), 2);
        assert_eq!(areas[1].start, (2, 5));
        assert_eq!(areas[1].end, (3, 5));
    }
}
