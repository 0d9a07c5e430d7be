//! `jucai packet`: the annual assessment packets of the stations.

use serde_json::json;

use super::common::Outcome;
use crate::cli::{Format, YearArgs};
use crate::registry::Level;
use crate::render::console;
use crate::reports::packet::{assess, rank_workrooms};

pub(super) fn run(args: YearArgs) -> anyhow::Result<Outcome> {
    let loaded = super::common::Loaded::new(&args.common, &args.archive)?;
    let (config, registry) = (&loaded.config, &loaded.registry);
    let reports = crate::reports::summary::build(&loaded.inputs(), args.year)?;
    if reports.is_empty() {
        anyhow::bail!(console::say("no_year", &json!({ "year": args.year }))?);
    }
    if let Format::Json = args.format {
        let scores: Vec<_> = reports
            .iter()
            .filter(|r| r.level_kind == Level::Station)
            .map(|r| assess(&config.rubric, &config.schema, r))
            .collect::<Result<Vec<_>, _>>()?;
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({ "assessments": scores, "workrooms": rank_workrooms(&reports)? })
            )?
        );
        return Ok(Outcome::Clean);
    }
    let out = args.out.clone().unwrap_or_else(|| config.output.clone());
    for path in crate::pipeline::write_packets(config, registry, &reports, args.year, &out)? {
        let path = super::common::shown(&path);
        println!("{}", console::say("wrote", &json!({ "path": path }))?);
    }
    Ok(Outcome::Clean)
}
