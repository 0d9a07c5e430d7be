//! `jucai template`: blank ledger workbooks for one unit or all of them.

use serde_json::json;

use super::common::Outcome;
use crate::cli::TemplateArgs;
use crate::render::console;

pub(super) fn run(args: TemplateArgs) -> anyhow::Result<Outcome> {
    let config = super::common::config(&args.common)?;
    let registry = super::common::registry(&config)?;
    let period = args.period;
    let written = crate::pipeline::write_templates(
        &config,
        &registry,
        period,
        args.unit.as_deref(),
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
