//! `jucai report`: the report model for a period (`--format json`), or a
//! short text summary. PDF and XLSX rendering come with the renderers.

use serde_json::json;

use super::common::Outcome;
use crate::cli::{Format, MonthlyArgs, QuarterlyArgs, ReportCommand, SummaryArgs};
use crate::error::Error;
use crate::period::Span;
use crate::pipeline;
use crate::render::console;
use crate::reports::quarterly::build;
use crate::reports::quarterly::QuarterlyReport;
use crate::reports::summary::SummaryReport;

pub(super) fn run(cmd: ReportCommand) -> anyhow::Result<Outcome> {
    match cmd {
        ReportCommand::Quarterly(args) => quarterly(args),
        ReportCommand::Annual(args) => summary(args.summary, Span::year(args.year)),
        ReportCommand::HalfYear(args) => {
            let span = Span::half(args.year, args.half)
                .ok_or_else(|| anyhow::anyhow!("--half 只能是 1 或 2"))?;
            summary(args.summary, span)
        }
        ReportCommand::Monthly(args) => monthly(args),
    }
}

fn monthly(args: MonthlyArgs) -> anyhow::Result<Outcome> {
    let loaded = super::common::Loaded::new(&args.common, &args.archive)?;
    let report = crate::reports::monthly::build(&loaded.inputs(), args.month)?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Text => {
            let out = args
                .out
                .clone()
                .unwrap_or_else(|| loaded.config.output.clone());
            let (pdf, _) = pipeline::write_monthly(&report, &out)?;
            say_wrote(&pdf)?;
        }
    }
    Ok(Outcome::Clean)
}

/// Tell the clerk a report was written.
fn say_wrote(pdf: &std::path::Path) -> anyhow::Result<()> {
    let path = super::common::shown(pdf);
    println!(
        "{}",
        console::say("wrote_report", &json!({ "path": path }))?
    );
    Ok(())
}

fn summary(args: SummaryArgs, span: Span) -> anyhow::Result<Outcome> {
    let loaded = super::common::Loaded::new(&args.common, &args.archive)?;
    let config = &loaded.config;
    let reports: Vec<SummaryReport> = crate::reports::summary::build_span(&loaded.inputs(), span)?
        .into_iter()
        .filter(|r| args.unit.as_ref().is_none_or(|u| *u == r.unit))
        .collect();
    if reports.is_empty() {
        let key = if span.half.is_some() {
            "no_half"
        } else {
            "no_year"
        };
        let vars = json!({ "year": span.year, "half": span.half });
        anyhow::bail!(console::say(key, &vars)?);
    }
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&reports)?),
        Format::Text => {
            let out = args.out.clone().unwrap_or_else(|| config.output.clone());
            for files in pipeline::write_annual(&reports, config, &out, &|| ())? {
                let vars = json!({ "path": super::common::shown(&files.pdf) });
                println!("{}", console::say("wrote_document", &vars)?);
            }
        }
    }
    Ok(Outcome::Clean)
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
    let reports: Vec<QuarterlyReport> = build(&loaded.inputs(), period)?
        .into_iter()
        .filter(|r| args.unit.as_ref().is_none_or(|u| *u == r.unit))
        .collect();
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&reports)?),
        Format::Text => {
            let out = args.out.clone().unwrap_or_else(|| config.output.clone());
            for (pdf, _) in pipeline::write_quarterly(&reports, config, &out, &|| ())? {
                say_wrote(&pdf)?;
            }
        }
    }
    Ok(Outcome::Clean)
}
