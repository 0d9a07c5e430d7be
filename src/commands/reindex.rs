//! `jucai reindex`: validate the archived workbooks that reports count
//! again under the rules in force (after the schema or the registry
//! changed), and store what that gives. Reading never does it on its own.

use serde_json::json;

use super::common::Outcome;
use crate::cli::ReindexArgs;
use crate::render::console;

pub(super) fn run(args: ReindexArgs) -> anyhow::Result<Outcome> {
    let config = super::common::config(&args.common)?;
    let registry = super::common::registry(&config)?;
    let dir = super::common::archive_dir(&config, &args.archive);
    let archive = super::common::open_archive(&config, &dir)?;
    let n = super::common::reindex(&config, &registry, &archive)?;
    println!("{}", console::say("reindexed", &json!({ "n": n }))?);
    Ok(Outcome::Clean)
}
