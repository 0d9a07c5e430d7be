//! `jucai report`: the report model for a period (`--format json`), or a
//! short text summary. PDF and XLSX rendering come with the renderers.

use rayon::prelude::*;

use serde_json::json;

use super::common::Outcome;
use crate::aggregate::report::build;
use crate::cli::{Format, MonthlyArgs, QuarterlyArgs, ReportCommand, SummaryArgs};
use crate::error::Error;
use crate::model::{AnnualReport, MonthlyReport, UnitReport};
use crate::period::Span;
use crate::registry::Level;
use crate::render::annual::Annual;
use crate::render::console;
use crate::render::monthly::Monthly;
use crate::render::quarterly::Quarterly;

pub fn run(cmd: ReportCommand) -> anyhow::Result<Outcome> {
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
    let report = crate::aggregate::monthly::build(&loaded.inputs(), args.month)?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Text => {
            let out = args
                .out
                .clone()
                .unwrap_or_else(|| loaded.config.output.clone());
            let (pdf, _) = write_monthly(&report, &out)?;
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

/// The dispatch sheet into `out/<P>/`, P the month's quarter.
pub fn write_monthly(
    report: &MonthlyReport,
    out: &std::path::Path,
) -> anyhow::Result<(std::path::PathBuf, std::path::PathBuf)> {
    let builder = Monthly::new()?;
    let doc = builder.build(report)?;
    Ok(doc.write(&out.join(report.period.code()), &builder.file_stem(report)?)?)
}

fn summary(args: SummaryArgs, span: Span) -> anyhow::Result<Outcome> {
    let loaded = super::common::Loaded::new(&args.common, &args.archive)?;
    let config = &loaded.config;
    let reports: Vec<AnnualReport> = crate::aggregate::annual::build_span(&loaded.inputs(), span)?
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
            for (pdf, _) in write_annual(&reports, config, &out, &|| ())? {
                let vars = json!({ "path": super::common::shown(&pdf) });
                println!("{}", console::say("wrote_document", &vars)?);
            }
        }
    }
    Ok(Outcome::Clean)
}

/// The annual reports (or half-year summaries) of the centre and the
/// stations, into `out/<year>/`;
/// `written` is told after each report (several threads at once).
pub fn write_annual(
    reports: &[AnnualReport],
    config: &crate::config::Config,
    out: &std::path::Path,
    written: &(dyn Fn() + Sync),
) -> anyhow::Result<Vec<(std::path::PathBuf, std::path::PathBuf)>> {
    let builder = Annual::new(
        &config.schema,
        config.deadline_days,
        config.page_numbers.as_deref(),
    )?;
    reports
        .par_iter()
        .filter(|r| r.level_kind != Level::Workroom)
        .map(|r| {
            let doc = builder.build(r)?;
            let (dir, stem) = (out.join(r.year.to_string()), builder.file_stem(r)?);
            let files = doc.write(&dir, &stem)?;
            doc.write_docx(&dir, &stem)?;
            written();
            Ok(files)
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
            for (pdf, _) in write_quarterly(&reports, config, &out, &|| ())? {
                say_wrote(&pdf)?;
            }
        }
    }
    Ok(Outcome::Clean)
}

/// The quarterly reports of the centre and the stations among `reports`, into
/// `out/<P>/`; returns the (pdf, xlsx) paths. `written` is told after each.
pub fn write_quarterly(
    reports: &[UnitReport],
    config: &crate::config::Config,
    out: &std::path::Path,
    written: &(dyn Fn() + Sync),
) -> anyhow::Result<Vec<(std::path::PathBuf, std::path::PathBuf)>> {
    let builder = Quarterly::new(&config.schema, config.page_numbers.as_deref())?;
    reports
        .par_iter()
        .filter(|r| r.level_kind != Level::Workroom)
        .map(|r| {
            let doc = builder.build(r)?;
            let dir = out.join(r.period.code());
            let files = doc.write(&dir, &builder.file_stem(r)?)?;
            written();
            Ok(files)
        })
        .collect()
}
