//! What jucai prints on a terminal: diagnostics as a readable Chinese table
//! grouped by file, and every other line the commands print, worded in
//! `templates/cli.toml`.

use serde::Serialize;
use serde_json::json;

use crate::diagnostic::{Diagnostic, Severity};
use crate::wording::{Builtin, WordingError};

pub const WORDING: &str = include_str!("../../templates/cli.toml");

static WORDS: Builtin = Builtin::new("templates/cli.toml", WORDING);

/// The line `key` of `templates/cli.toml`, with `vars`.
pub fn say(key: &str, vars: &impl Serialize) -> Result<String, WordingError> {
    WORDS.get().render(key, vars)
}

/// A line that takes no variables.
pub fn word(key: &str) -> Result<String, WordingError> {
    WORDS.get().plain(key)
}

/// Diagnostics grouped by file, one line each, with a count per file.
pub fn diagnostics_table(diags: &[Diagnostic]) -> Result<String, WordingError> {
    let mut out = String::new();
    let mut files: Vec<&str> = diags.iter().map(|d| d.file.as_str()).collect();
    files.dedup();
    let whole_file = word("diagnostics_whole_file")?;
    let (error, warning) = (word("severity_error")?, word("severity_warning")?);
    for file in files {
        let of_file: Vec<&Diagnostic> = diags.iter().filter(|d| d.file == file).collect();
        let errors = of_file.iter().filter(|d| d.is_error()).count();
        let warnings = of_file.len() - errors;
        out.push_str(&say(
            "diagnostics_file",
            &json!({ "file": file, "errors": errors, "warnings": warnings }),
        )?);
        out.push('\n');
        for d in of_file {
            let place = match (&d.sheet, &d.cell) {
                (Some(s), Some(c)) => format!("{s}!{c}"),
                (Some(s), None) => s.clone(),
                _ => whole_file.clone(),
            };
            let severity = match d.severity {
                Severity::Error => &error,
                Severity::Warning => &warning,
            };
            out.push_str(&say(
                "diagnostics_line",
                &json!({ "severity": severity, "place": place, "code": d.code.as_str(), "message": d.message }),
            )?);
            out.push('\n');
        }
    }
    Ok(out)
}
