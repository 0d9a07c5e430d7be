//! `jucai report`: the report model for a period (`--format json`), or a
//! short text summary. PDF and XLSX rendering come with the renderers.

use rayon::prelude::*;

use serde_json::json;

use super::common::Outcome;
use crate::aggregate::report::build;
use crate::cli::{AnnualArgs, Format, QuarterlyArgs, ReportCommand};
use crate::error::Error;
use crate::model::{AnnualReport, UnitReport};
use crate::registry::Level;
use crate::render::annual::Annual;
use crate::render::console;
use crate::render::quarterly::Quarterly;

pub fn run(cmd: ReportCommand) -> anyhow::Result<Outcome> {
    match cmd {
        ReportCommand::Quarterly(args) => quarterly(args),
        ReportCommand::Annual(args) => annual(args),
    }
}

fn annual(args: AnnualArgs) -> anyhow::Result<Outcome> {
    let loaded = super::common::Loaded::new(&args.common, &args.archive)?;
    let config = &loaded.config;
    let reports: Vec<AnnualReport> = crate::aggregate::annual::build(&loaded.inputs(), args.year)?
        .into_iter()
        .filter(|r| args.unit.as_ref().is_none_or(|u| *u == r.unit))
        .collect();
    if reports.is_empty() {
        anyhow::bail!(console::say("no_year", &json!({ "year": args.year }))?);
    }
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&reports)?),
        Format::Text => {
            let out = args.out.clone().unwrap_or_else(|| config.output.clone());
            for (pdf, _) in write_annual(&reports, &config.schema, config.deadline_days, &out)? {
                let path = super::common::shown(&pdf);
                println!(
                    "{}",
                    console::say("wrote_report", &json!({ "path": path }))?
                );
            }
        }
    }
    Ok(Outcome::Clean)
}

/// The annual reports of the centre and the stations, into `out/<year>/`.
pub fn write_annual(
    reports: &[AnnualReport],
    schema: &crate::schema::Schema,
    deadline_days: u32,
    out: &std::path::Path,
) -> anyhow::Result<Vec<(std::path::PathBuf, std::path::PathBuf)>> {
    let builder = Annual::new(schema, deadline_days)?;
    reports
        .par_iter()
        .filter(|r| r.level_kind != Level::Workroom)
        .map(|r| {
            let doc = builder.build(r)?;
            Ok(doc.write(&out.join(r.year.to_string()), &builder.file_stem(r)?)?)
        })
        .collect()
}

fn quarterly(args: QuarterlyArgs) -> anyhow::Result<Outcome> {
    let loaded = super::common::Loaded::new(&args.common, &args.archive)?;
    let config = &loaded.config;
    let period = args.period;
    if let Some(code) = &args.unit {
        loaded
            .registry
            .unit(code)
            .ok_or_else(|| Error::UnknownUnit(code.clone()))?;
    }
    let reports: Vec<UnitReport> = build(&loaded.inputs(), period)?
        .into_iter()
        .filter(|r| args.unit.as_ref().is_none_or(|u| *u == r.unit))
        .collect();
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&reports)?),
        Format::Text => {
            let out = args.out.clone().unwrap_or_else(|| config.output.clone());
            for (pdf, _) in write_quarterly(&reports, &config.schema, &out)? {
                let path = super::common::shown(&pdf);
                println!(
                    "{}",
                    console::say("wrote_report", &json!({ "path": path }))?
                );
            }
        }
    }
    Ok(Outcome::Clean)
}

/// The quarterly reports of the centre and the stations among `reports`, into
/// `out/<P>/`; returns the (pdf, xlsx) paths.
pub fn write_quarterly(
    reports: &[UnitReport],
    schema: &crate::schema::Schema,
    out: &std::path::Path,
) -> anyhow::Result<Vec<(std::path::PathBuf, std::path::PathBuf)>> {
    let builder = Quarterly::new(schema)?;
    reports
        .par_iter()
        .filter(|r| r.level_kind != Level::Workroom)
        .map(|r| {
            let doc = builder.build(r)?;
            let dir = out.join(r.period.code());
            Ok(doc.write(&dir, &builder.file_stem(r)?)?)
        })
        .collect()
}
