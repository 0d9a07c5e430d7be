//! `jucai schema`: the field table and the diagnostics catalogue as Markdown,
//! or rewritten in place in a README (`--readme README.md`).

use super::common::Outcome;
use crate::cli::{SchemaArgs, SchemaPart};
use crate::docs;

pub fn run(args: SchemaArgs) -> anyhow::Result<Outcome> {
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
                text = docs::splice(&text, part, body)
                    .ok_or_else(|| anyhow::anyhow!("{} 中没有 {part} 的标记", path.display()))?;
            }
            crate::output::write_atomic(path, text.as_bytes())?;
            println!("已更新 {}", path.display());
        }
        None => {
            for (_, body) in parts {
                println!("{body}");
            }
        }
    }
    Ok(Outcome::Clean)
}
