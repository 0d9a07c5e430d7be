//! `jucai validate`: check workbooks and report every problem by file, sheet
//! and cell; optionally write a feedback workbook for each file with problems.

use std::path::Path;

use serde_json::json;

use super::common::Outcome;
use crate::cli::{Format, ValidateArgs};
use crate::diagnostic::Diagnostic;
use crate::limits::Limits;
use crate::read::workbook;
use crate::registry::Registry;
use crate::render::console;
use crate::reports::feedback::{FeedbackWriter, Returned};
use crate::schema::Schema;
use crate::validate::{self, Checked};

pub(super) fn run(args: ValidateArgs) -> anyhow::Result<Outcome> {
    // Workbook after workbook, as intake checks them (src/memory.rs).
    let _pages = crate::memory::PurgeDelay::keep();
    let config = super::common::config(&args.common)?;
    let registry = super::common::registry(&config)?;
    let files = crate::inputs::collect(&args.paths);
    if files.is_empty() {
        anyhow::bail!(console::word("validate_nothing")?);
    }
    let feedback = args
        .feedback
        .as_ref()
        .map(|_| FeedbackWriter::new(config.limits))
        .transpose()?;
    let mut all: Vec<Diagnostic> = Vec::new();
    let mut written = Vec::new();
    let (mut clean, mut warned, mut failed) = (0, 0, 0);
    for path in &files {
        let (checked, bytes) = check_file(path, &config.schema, &registry, &config.limits);
        match (checked.error_count(), checked.warning_count()) {
            (0, 0) => clean += 1,
            (0, _) => warned += 1,
            _ => failed += 1,
        }
        if let (Some(writer), Some(dir), false) =
            (&feedback, &args.feedback, checked.diagnostics.is_empty())
        {
            let returned = Returned {
                checked: &checked,
                bytes: &bytes,
                unit: checked.cover.unit.as_deref().and_then(|c| registry.unit(c)),
                schema: &config.schema,
                deadline_days: config.deadline_days,
            };
            // A feedback file that cannot be written is reported; the batch goes on.
            match writer.write(&returned, dir) {
                Ok(p) => written.push(p),
                Err(e) => {
                    let text = crate::error::chain(&e);
                    eprintln!("{}", console::say("error", &json!({ "text": text }))?);
                }
            }
        }
        all.extend(checked.diagnostics);
    }
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&all)?),
        Format::Text => {
            print!("{}", console::diagnostics_table(&all)?);
            let vars = json!({
                "files": files.len(),
                "clean": clean,
                "warned": warned,
                "failed": failed,
            });
            println!("{}", console::say("validate_summary", &vars)?);
            if let Some(dir) = &args.feedback {
                let vars = json!({ "n": written.len(), "path": super::common::shown(dir) });
                println!("{}", console::say("validate_feedback", &vars)?);
            }
        }
    }
    Ok(if failed > 0 {
        Outcome::FoundErrors
    } else {
        Outcome::Clean
    })
}

/// Validate one file; a file that cannot be read is a diagnostic, not an error.
pub(super) fn check_file(
    path: &Path,
    schema: &Schema,
    registry: &Registry,
    limits: &Limits,
) -> (Checked, Vec<u8>) {
    let file = path.display().to_string();
    // Too big to read: the same diagnostic the reader gives, without reading it.
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let read = if size > limits.max_file_bytes {
        Err(workbook::too_big(size, limits))
    } else {
        std::fs::read(path).map_err(|e| crate::read::workbook::read_failed(&e))
    };
    match read {
        Ok(bytes) => (
            validate::validate(&bytes, &file, schema, registry, limits),
            bytes,
        ),
        Err(finding) => {
            let d = finding.into_diagnostic(&file);
            let checked = Checked {
                file,
                cover: Default::default(),
                ledgers: Vec::new(),
                diagnostics: vec![d],
            };
            (checked, Vec::new())
        }
    }
}
