//! Where calamine finds an xlsx package's parts, for the parts jucai reads
//! itself (the shared-string count it checks first, the sheets' merged
//! areas).
//!
//! calamine takes the workbook part from the package relationships
//! (`_rels/.rels`), and looks every part up with `\` read as `/` and ASCII
//! case ignored. A check that looked for `xl/sharedStrings.xml` by its exact
//! name missed `XL/SharedStrings.xml`, which calamine reads all the same:
//! a claim of a trillion strings then aborted the whole batch.

use std::collections::HashMap;
use std::io::{Read, Seek};

use zip::ZipArchive;

use crate::read::xml::{attr, elements};

/// A package's part names, and where its workbook part is.
pub(crate) struct Layout {
    /// Each part's name by the key calamine looks parts up by.
    names: HashMap<String, String>,
    /// The workbook part's folder, ending in `/` (or empty).
    dir: String,
    /// The workbook part's file name.
    workbook: String,
}

impl Layout {
    /// `None` when the package relationships name no workbook part:
    /// calamine does not open such a package.
    pub(crate) fn of<R: Read + Seek>(zip: &mut ZipArchive<R>) -> Option<Layout> {
        // As in calamine, the last of two names with one key wins.
        let names = zip
            .file_names()
            .flatten()
            .map(|name| (key(&name), name.into_owned()))
            .collect();
        let mut layout = Layout {
            names,
            dir: String::new(),
            workbook: String::new(),
        };
        let rels = read(zip, layout.actual("_rels/.rels")?)?;
        let target = office_document(&rels)?;
        let target = target.strip_prefix('/').unwrap_or(&target);
        let (dir, name) = match target.rsplit_once('/') {
            Some((dir, name)) => (format!("{dir}/"), name),
            None => (String::new(), target),
        };
        layout.dir = dir;
        // calamine's default, for a target that names a folder only.
        layout.workbook = if name.is_empty() {
            "workbook.xml"
        } else {
            name
        }
        .to_string();
        Some(layout)
    }

    /// The name in the package of the part at `path` (from the package's root).
    fn actual(&self, path: &str) -> Option<&str> {
        self.names.get(&key(path)).map(String::as_str)
    }

    /// The name in the package of a part the workbook names by `target`:
    /// from the package's root when it starts with `/`, else from the
    /// workbook's folder.
    pub(crate) fn beside_workbook(&self, target: &str) -> Option<&str> {
        match target.strip_prefix('/') {
            Some(absolute) => self.actual(absolute),
            None => self.actual(&format!("{}{target}", self.dir)),
        }
    }

    /// The name in the package of the workbook part.
    pub(crate) fn workbook(&self) -> Option<&str> {
        self.actual(&format!("{}{}", self.dir, self.workbook))
    }

    /// The name in the package of the workbook's relationships.
    pub(crate) fn workbook_relationships(&self) -> Option<&str> {
        self.beside_workbook(&format!("_rels/{}.rels", self.workbook))
    }
}

/// The key calamine looks a part up by.
fn key(path: &str) -> String {
    path.replace('\\', "/").to_ascii_lowercase()
}

/// The target of the package relationships' office document (the workbook).
fn office_document(rels: &[u8]) -> Option<String> {
    const OFFICE_DOCUMENT: &str = "/relationships/officeDocument";
    let mut target = None;
    elements(rels, "Relationship", |e| {
        let is_document = attr(e, "Type").is_some_and(|t| t.ends_with(OFFICE_DOCUMENT));
        if is_document && target.is_none() {
            target = attr(e, "Target");
        }
    });
    target
}

/// A whole part, inflated (its size was checked by the preflight first).
pub(crate) fn read<R: Read + Seek>(zip: &mut ZipArchive<R>, name: &str) -> Option<Vec<u8>> {
    let mut file = zip.by_name(name).ok()?;
    let mut out = Vec::new();
    file.read_to_end(&mut out).ok()?;
    Some(out)
}
