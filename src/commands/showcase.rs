//! `jucai showcase`: 人才风采 for a year, the centre's and each station's
//! brochure and board; `--format json` prints what they show.

use serde_json::json;

use super::common::Outcome;
use crate::cli::{Format, YearArgs};
use crate::render::console;

pub(super) fn run(args: YearArgs) -> anyhow::Result<Outcome> {
    let loaded = super::common::Loaded::new(&args.common, &args.archive)?;
    let showcases = crate::reports::showcase::build(&loaded.inputs(), args.year)?;
    if showcases.is_empty() {
        anyhow::bail!(console::say("no_year", &json!({ "year": args.year }))?);
    }
    if let Format::Json = args.format {
        println!("{}", serde_json::to_string_pretty(&showcases)?);
        return Ok(Outcome::Clean);
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| loaded.config.output.clone());
    for path in crate::pipeline::write_showcases(&loaded.config, &showcases, &out)? {
        let path = super::common::shown(&path);
        println!("{}", console::say("wrote", &json!({ "path": path }))?);
    }
    Ok(Outcome::Clean)
}
