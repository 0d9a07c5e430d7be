//! `jucai directory`: the platform directory table (平台名录) as XLSX and PDF.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::common::{shown, Outcome};
use crate::cli::DirectoryArgs;
use crate::directory::Directory;
use crate::registry::Registry;
use crate::render::console;
use crate::render::directory::DirectoryWriter;

pub fn run(args: DirectoryArgs) -> anyhow::Result<Outcome> {
    let config = super::common::config(&args.common)?;
    let registry = super::common::registry(&config)?;
    let out = args.out.unwrap_or(config.output);
    let (xlsx, pdf) = write(&registry, &out)?;
    let (first, second) = (shown(&xlsx), shown(&pdf));
    println!(
        "{}",
        console::say("wrote_two", &json!({ "first": first, "second": second }))?
    );
    Ok(Outcome::Clean)
}

/// Write the directory into `dir`. Its date is the newest 挂牌日期 in the
/// registry, so the files depend only on the registry.
pub fn write(registry: &Registry, dir: &Path) -> anyhow::Result<(PathBuf, PathBuf)> {
    let directory = Directory::build(registry);
    let date = registry
        .units()
        .iter()
        .filter_map(|u| u.opened)
        .max()
        .unwrap_or_default();
    Ok(DirectoryWriter::new()?.write(&directory, date, dir)?)
}
