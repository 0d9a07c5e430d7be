//! Helpers shared by the integration tests: reading back what jucai wrote.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run the `jucai` binary in `dir` with `args`.
pub fn jucai(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_jucai"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("jucai runs")
}

/// One part of an xlsx (zip) file as text, e.g. `xl/workbook.xml`.
pub fn zip_part(path: &Path, part: &str) -> String {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    zip.by_name(part)
        .unwrap_or_else(|_| panic!("{part} in {}", path.display()))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The worksheet XML of the `index`-th sheet (0-based, workbook order).
pub fn sheet_xml(path: &Path, index: usize) -> String {
    zip_part(path, &format!("xl/worksheets/sheet{}.xml", index + 1))
}

/// Every `<dataValidation …>…</dataValidation>` element of a sheet's XML.
pub fn data_validations(xml: &str) -> Vec<String> {
    xml.split("<dataValidation ")
        .skip(1)
        .map(|s| {
            s.split("</dataValidation>")
                .next()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

/// The text between `<tag>` and `</tag>` in `xml`, if present.
pub fn between<'a>(xml: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = xml.find(open)? + open.len();
    let end = start + xml[start..].find(close)?;
    Some(&xml[start..end])
}

/// Decode the XML entities rust_xlsxwriter writes.
pub fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}
