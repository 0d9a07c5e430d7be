//! `jucai directory`: the platform directory table (平台名录) as XLSX and PDF.

use serde_json::json;

use super::common::{shown, Outcome};
use crate::cli::DirectoryArgs;
use crate::render::console;

pub(super) fn run(args: DirectoryArgs) -> anyhow::Result<Outcome> {
    let config = super::common::config(&args.common)?;
    let registry = super::common::registry(&config)?;
    let out = args.out.unwrap_or(config.output);
    let (xlsx, pdf) = crate::pipeline::write_directory(&registry, &out)?;
    let (first, second) = (shown(&xlsx), shown(&pdf));
    println!(
        "{}",
        console::say("wrote_two", &json!({ "first": first, "second": second }))?
    );
    Ok(Outcome::Clean)
}
