//! `jucai report`: the report model for a period (`--format json`), or a
//! short text summary. PDF and XLSX rendering come with the renderers.

use super::Outcome;
use crate::aggregate::report::{build, Inputs};
use crate::archive::Archive;
use crate::cli::{Format, QuarterlyArgs, ReportCommand};
use crate::error::Error;
use crate::model::UnitReport;
use crate::period::Period;

pub fn run(cmd: ReportCommand) -> anyhow::Result<Outcome> {
    match cmd {
        ReportCommand::Quarterly(args) => quarterly(args),
    }
}

fn quarterly(args: QuarterlyArgs) -> anyhow::Result<Outcome> {
    let config = super::config(&args.common)?;
    let registry = super::registry(&config)?;
    let archive = Archive::open(&super::archive_dir(&config, &args.archive))?;
    let period: Period = args.period.parse()?;
    if let Some(code) = &args.unit {
        registry
            .unit(code)
            .ok_or_else(|| Error::UnknownUnit(code.clone()))?;
    }
    let inputs = Inputs {
        registry: &registry,
        schema: &config.schema,
        archive: &archive,
        deadline_days: config.deadline_days,
    };
    let reports: Vec<UnitReport> = build(&inputs, period)?
        .into_iter()
        .filter(|r| args.unit.as_ref().is_none_or(|u| *u == r.unit))
        .collect();
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&reports)?),
        Format::Text => {
            for r in &reports {
                let q = &r.quarter;
                println!(
                    "{} {}：在库人才 {} 人（本季新增 {}、流出 {}），问题 {} 件（办结 {}），需求 {} 件，活动 {} 次，成果 {} 项",
                    r.name,
                    period.chinese(),
                    q.talents.in_library,
                    q.talents.joined,
                    q.talents.left,
                    q.problems.new,
                    q.problems.closed,
                    q.needs.new,
                    q.activities.count,
                    q.achievements.count
                );
            }
        }
    }
    Ok(Outcome::Clean)
}
