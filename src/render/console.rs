//! Diagnostics for a terminal: a readable Chinese table grouped by file.

use std::fmt::Write;

use crate::diagnostic::{Diagnostic, Severity};

/// Diagnostics grouped by file, one line each, with a count per file.
pub fn diagnostics_table(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    let mut files: Vec<&str> = diags.iter().map(|d| d.file.as_str()).collect();
    files.dedup();
    for file in files {
        let of_file: Vec<&Diagnostic> = diags.iter().filter(|d| d.file == file).collect();
        let errors = of_file.iter().filter(|d| d.is_error()).count();
        let _ = writeln!(
            out,
            "{file}：{errors} 个错误，{} 个警告",
            of_file.len() - errors
        );
        for d in of_file {
            let place = match (&d.sheet, &d.cell) {
                (Some(s), Some(c)) => format!("{s}!{c}"),
                (Some(s), None) => s.clone(),
                _ => "（整个文件）".to_string(),
            };
            let severity = match d.severity {
                Severity::Error => "错误",
                Severity::Warning => "警告",
            };
            let _ = writeln!(
                out,
                "  {severity}  {place}  [{}]  {}",
                d.code.as_str(),
                d.message
            );
        }
    }
    out
}
