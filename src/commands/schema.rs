//! `jucai schema`: the field table and the diagnostics catalogue as Markdown,
//! or rewritten in place in a README (`--readme README.md`).

use serde_json::json;

use super::common::Outcome;
use crate::cli::{SchemaArgs, SchemaPart};
use crate::docs;
use crate::render::console;

pub(super) fn run(args: SchemaArgs) -> anyhow::Result<Outcome> {
    let config = super::common::config(&args.common)?;
    let mut parts = Vec::new();
    if matches!(args.part, SchemaPart::Fields | SchemaPart::All) {
        parts.push(("fields", docs::fields_markdown(&config.schema)?));
    }
    if matches!(args.part, SchemaPart::Diagnostics | SchemaPart::All) {
        parts.push(("diagnostics", docs::diagnostics_markdown()?));
    }
    match &args.readme {
        Some(path) => {
            let mut text = std::fs::read_to_string(path)?;
            for (part, body) in &parts {
                text = docs::splice(&text, part, body).ok_or_else(|| -> anyhow::Error {
                    let vars = json!({ "path": path.display().to_string(), "part": part });
                    match console::say("schema_no_markers", &vars) {
                        Ok(text) => anyhow::anyhow!(text),
                        Err(e) => e.into(),
                    }
                })?;
            }
            crate::output::write_atomic(path, text.as_bytes())?;
            let path = path.display().to_string();
            println!(
                "{}",
                console::say("schema_updated", &json!({ "path": path }))?
            );
        }
        None => {
            for (_, body) in parts {
                println!("{body}");
            }
        }
    }
    Ok(Outcome::Clean)
}
