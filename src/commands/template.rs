//! `jucai template`: blank ledger workbooks for one unit or all of them.

use std::path::{Path, PathBuf};

use anyhow::Context;

use serde_json::json;

use super::common::Outcome;
use crate::cli::TemplateArgs;
use crate::config::Config;
use crate::error::Error;
use crate::period::Period;
use crate::registry::Registry;
use crate::render::console;
use crate::render::ledger_template::{LedgerTemplates, TemplateJob};

pub fn run(args: TemplateArgs) -> anyhow::Result<Outcome> {
    let config = super::common::config(&args.common)?;
    let registry = super::common::registry(&config)?;
    let period = args.period;
    let written = write_templates(&config, &registry, period, args.unit.as_deref(), &args.out)?;
    let vars = json!({
        "n": written.len(),
        "period": period.chinese(),
        "path": super::common::shown(&args.out),
    });
    println!("{}", console::say("templates_written", &vars)?);
    Ok(Outcome::Clean)
}

/// Write templates for `unit` (or every unit) into `out`; returns the paths.
pub fn write_templates(
    config: &Config,
    registry: &Registry,
    period: Period,
    unit: Option<&str>,
    out: &Path,
) -> anyhow::Result<Vec<PathBuf>> {
    let units = match unit {
        Some(code) => vec![registry
            .unit(code)
            .ok_or_else(|| Error::UnknownUnit(code.to_string()))?],
        None => registry.tree_order(),
    };
    let templates = LedgerTemplates::new()?;
    let mut written = Vec::new();
    for unit in units {
        let job = TemplateJob {
            schema: &config.schema,
            unit,
            period,
            deadline_days: config.deadline_days,
            fill: None,
        };
        let path = templates.write(&job, out).with_context(|| {
            console::say("template_failed", &json!({ "unit": unit.name }))
                .unwrap_or_else(|_| unit.name.clone())
        })?;
        written.push(path);
    }
    Ok(written)
}
