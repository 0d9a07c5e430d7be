//! Turning command-line paths into the list of files to process.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// Files named directly, and every file under folders (recursively), sorted so
/// runs are repeatable. Inside folders, hidden files and Office lock files
/// (`~$…`) are skipped; a file named directly is always taken.
pub(crate) fn collect(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = WalkDir::new(path)
                .follow_links(false)
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || !is_hidden(e.path()))
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path())
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(path.clone());
        }
    }
    out
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .map(|n| {
            let n = n.to_string_lossy();
            n.starts_with('.') || n.starts_with("~$")
        })
        .unwrap_or(false)
}
