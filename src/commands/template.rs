//! `jucai template`: ledger workbooks for one unit or all of them, prefilled
//! with what the centre has of each (or blank with `--blank`).

use serde_json::json;

use super::common::Outcome;
use crate::cli::TemplateArgs;
use crate::render::console;

pub(super) fn run(args: TemplateArgs) -> anyhow::Result<Outcome> {
    let loaded = super::common::Loaded::new(&args.common, &args.archive)?;
    let period = args.period;
    let written = crate::pipeline::write_templates(
        &loaded.config,
        &loaded.registry,
        period,
        args.unit.as_deref(),
        (!args.blank).then_some(&loaded.archive),
        &args.out,
    )?;
    let vars = json!({
        "n": written.len(),
        "period": period.chinese(),
        "path": super::common::shown(&args.out),
    });
    println!("{}", console::say("templates_written", &vars)?);
    Ok(Outcome::Clean)
}
