//! `jucai intake`: take mail, mailboxes, zips and loose workbooks into the
//! archive. Every received file is stored; unidentified ones are quarantined.

use serde_json::json;

use super::common::Outcome;
use crate::archive::Archive;
use crate::cli::IntakeArgs;
use crate::intake::{self, Summary};
use crate::registry::Registry;
use crate::render::console;

pub fn run(args: IntakeArgs) -> anyhow::Result<Outcome> {
    let config = super::common::config(&args.common)?;
    let registry = super::common::registry(&config)?;
    let dir = super::common::archive_dir(&config, &args.archive);
    let mut archive = super::common::open_archive(&config, &dir)?;
    let summary = take_in(&args.paths, &mut archive, &config, &registry)?;
    for line in warnings(&summary)? {
        eprintln!("{line}");
    }
    println!("{}", summary_line(&summary, &super::common::shown(&dir))?);
    Ok(Outcome::Clean)
}

/// The line saying what an intake took in.
pub fn summary_line(s: &Summary, dir: &str) -> anyhow::Result<String> {
    let vars = json!({
        "received": s.received,
        "new": s.new,
        "already": s.already,
        "quarantined": s.quarantined,
        "with_errors": s.with_errors,
        "archive": dir,
    });
    Ok(console::say("intake_summary", &vars)?)
}

/// What could not be read in the inputs, one warning line each.
pub fn warnings(s: &Summary) -> anyhow::Result<Vec<String>> {
    s.problems
        .iter()
        .map(|p| Ok(console::say("warning", &json!({ "text": p.to_string() }))?))
        .collect()
}

/// Take every path in, with a progress bar.
pub fn take_in(
    paths: &[std::path::PathBuf],
    archive: &mut Archive,
    config: &crate::config::Config,
    registry: &Registry,
) -> anyhow::Result<Summary> {
    let bar = super::common::progress(0, &console::word("intake_progress")?);
    let summary = intake::take_in(
        paths,
        archive,
        intake::Rules {
            schema: &config.schema,
            registry,
            limits: &config.limits,
        },
        &bar,
    )?;
    bar.finish_and_clear();
    Ok(summary)
}
