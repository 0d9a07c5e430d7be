//! Writing output files safely: to a temporary name in the same folder, then a
//! rename, so an interrupted run never leaves a half-written file.

use std::io::Write;
use std::path::Path;

use crate::error::Error;

pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".jucai-")
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    // Temporary files are private (0600); outputs are ordinary files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let perms = std::fs::Permissions::from_mode(0o644);
        tmp.as_file()
            .set_permissions(perms)
            .map_err(|e| Error::io(path, e))?;
    }
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// A file name made from user text (a unit name, an attachment name): path
/// separators, characters Windows forbids and control characters become `_`,
/// and the result is never empty, `.` or `..`.
pub(crate) fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim().trim_end_matches('.');
    if trimmed.is_empty() || trimmed == "." || trimmed == ".." {
        return "_".to_string();
    }
    let short = shorten(trimmed, MAX_NAME_BYTES);
    // CON, NUL, COM1… cannot be file names on Windows, whatever the extension.
    let stem = short
        .split('.')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_uppercase();
    let reserved = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.ends_with(|c: char| c.is_ascii_digit()));
    if reserved {
        format!("_{short}")
    } else {
        short
    }
}

/// File systems allow 255 bytes per name; leave room for suffixes jucai adds.
const MAX_NAME_BYTES: usize = 180;

/// `name` cut to at most `max` bytes at a character boundary, keeping a short
/// extension.
fn shorten(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_string();
    }
    let ext = name
        .rfind('.')
        .map(|i| &name[i..])
        .filter(|e| e.len() <= 10)
        .unwrap_or("");
    let mut stem = &name[..name.len() - ext.len()];
    while stem.len() + ext.len() > max {
        let cut = stem.char_indices().last().map_or(0, |(i, _)| i);
        stem = &stem[..cut];
    }
    format!("{stem}{ext}")
}

/// Remove temporary files an interrupted run left behind (`.jucai-*.part`,
/// see [`write_atomic`]) under `dir`. Returns how many.
pub(crate) fn remove_stale_parts(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            name.starts_with(".jucai-") && name.ends_with(".part")
        })
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

/// A valid Excel sheet name from any text: at most 31 characters, none of
/// `[]:*?/\`.
pub(crate) fn safe_sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') {
                '_'
            } else {
                c
            }
        })
        .take(31)
        .collect();
    let trimmed = cleaned.trim_matches('\'').to_string();
    if trimmed.is_empty() {
        "_".to_string()
    } else {
        trimmed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_names_stay_in_their_folder() {
        assert_eq!(safe_file_name("../../x.xlsx"), ".._.._x.xlsx");
        assert_eq!(safe_file_name("a/b\\c:d"), "a_b_c_d");
        assert_eq!(safe_file_name(".."), "_");
        assert_eq!(
            safe_file_name("罕台镇社工人才工作室-2023年第三季度台账.xlsx"),
            "罕台镇社工人才工作室-2023年第三季度台账.xlsx"
        );
    }

    #[test]
    fn reserved_windows_names_and_overlong_names_are_made_safe() {
        assert_eq!(safe_file_name("NUL.xlsx"), "_NUL.xlsx");
        assert_eq!(safe_file_name("com1"), "_com1");
        assert_eq!(safe_file_name("CONTRACT.xlsx"), "CONTRACT.xlsx");
        let long = safe_file_name(&format!("{}.xlsx", "长".repeat(300)));
        assert!(
            long.len() <= MAX_NAME_BYTES && long.ends_with("长.xlsx"),
            "{long}"
        );
    }

    #[test]
    fn atomic_write_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.bin");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
