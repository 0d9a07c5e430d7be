//! `jucai status`: who reported for a period, on time or late, returned or
//! passed, and who to chase; printed and written as 报送情况-<报送期>.xlsx.

use serde_json::json;

use super::common::Outcome;
use crate::cli::StatusArgs;
use crate::render::console;
use crate::reports::status::render::StatusWriter;
use crate::reports::status::StatusReport;

pub(super) fn run(args: StatusArgs) -> anyhow::Result<Outcome> {
    let loaded = super::common::Loaded::new(&args.common, &args.archive)?;
    let config = &loaded.config;
    let period = args.period;
    let report = StatusReport::build(
        &loaded.registry,
        &loaded.archive,
        period,
        config.deadline_days,
    );
    let writer = StatusWriter::new()?;
    print!("{}", writer.text(&report)?);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| config.output.clone())
        .join(period.code());
    let path = writer.write(&report, &out)?;
    let path = super::common::shown(&path);
    println!(
        "{}",
        console::say("status_written", &json!({ "path": path }))?
    );
    Ok(Outcome::Clean)
}
