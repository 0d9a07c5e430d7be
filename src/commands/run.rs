//! `jucai run`: the main job on the configured layout (by default
//! `sample-input/` → `output/`): check the registry, take the inbox into the
//! archive, write feedback workbooks and the status sheet for every period
//! received, quarterly reports for every period, annual reports and
//! assessment packets for every year, the directory, and blank templates for
//! the next period.
//!
//! Each stage is a library function (`crate::pipeline`) that returns what it
//! did ([`Done`]); [`Console`] is the one place that words it
//! (`templates/cli.toml`) and prints it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::json;

use super::common::{shown, Outcome};
use crate::aggregate::inputs::Inputs;
use crate::archive::Archive;
use crate::cli::RunArgs;
use crate::config::Config;
use crate::intake::Summary;
use crate::period::Period;
use crate::pipeline::{self, PeriodWritten, YearWritten};
use crate::registry::Registry;
use crate::render::console::{say, word};
use crate::reports::quarterly::QuarterlyReport;
use crate::reports::status::Totals;

/// What one stage of the run did.
enum Done {
    StaleRemoved(usize),
    RegistryChecked {
        path: PathBuf,
        units: usize,
    },
    TookIn {
        summary: Summary,
        archive: PathBuf,
    },
    NoInbox(PathBuf),
    Period(PeriodWritten),
    Templates {
        n: usize,
        period: Period,
        dir: PathBuf,
    },
    Year(YearWritten),
    /// The dispatch sheet of the last month with data.
    Monthly {
        month: crate::period::Month,
        pdf: PathBuf,
    },
    Directory {
        xlsx: PathBuf,
        pdf: PathBuf,
    },
}

/// What needs the clerk's attention after the run.
enum Attention {
    Period { period: Period, totals: Totals },
    Quarantine(usize),
}

pub(super) fn run(args: RunArgs) -> anyhow::Result<Outcome> {
    let mut config = super::common::config(&args.common)?;
    if let Some(out) = &args.out {
        config.output = out.clone();
    }
    let mut console = Console::default();
    let registry = super::common::registry(&config)?;
    let stale = remove_stale(&config);
    if stale > 0 {
        console.print(Done::StaleRemoved(stale))?;
    }
    console.print(Done::RegistryChecked {
        path: config.platform.clone(),
        units: registry.units().len(),
    })?;
    let mut archive = super::common::open_archive(&config, &config.archive)?;
    // Intake keeps every workbook's validated records: each file is read once.
    console.print(take_in_inbox(&config, &registry, &mut archive)?)?;
    if let Some(settings) = config.mail.as_ref().filter(|m| m.imap.is_some()) {
        take_in_mailbox(settings, &config, &registry, &mut archive)?;
    }
    // Workbooks taken in under other rules are validated again here, by
    // the writer, never by the reports.
    super::common::reindex(&config, &registry, &archive)?;
    let periods = archive.periods();
    let inputs = pipeline::inputs(&config, &registry, &archive);
    let by_period = aggregate(&inputs, &periods)?;
    let mut years: Vec<i32> = periods.iter().map(|p| p.year).collect();
    years.dedup();
    // One step per period, per year, and the directory.
    console.progress(periods.len() + years.len() + 1, &word("run_writing")?);
    let mut attention = Vec::new();
    for (&period, reports) in &by_period {
        let done = pipeline::write_period(&config, &registry, &archive, period, reports)?;
        let t = &done.totals;
        if t.missing + t.late + t.returned > 0 {
            attention.push(Attention::Period {
                period,
                totals: t.clone(),
            });
        }
        console.print(Done::Period(done))?;
        console.step();
    }
    let next = args.period.unwrap_or_else(|| {
        periods
            .last()
            .map(|p| p.next())
            .unwrap_or(config.template_period)
    });
    let (n, dir) = pipeline::write_next_templates(&config, &registry, &archive, next)?;
    console.print(Done::Templates {
        n,
        period: next,
        dir,
    })?;
    for year in years {
        let done = pipeline::write_year(&config, &inputs, &by_period, year, &|| ())?;
        console.print(Done::Year(done))?;
        console.step();
    }
    if let Some((month, pdf)) = pipeline::write_last_month(&config, &registry, &archive)? {
        console.print(Done::Monthly { month, pdf })?;
    }
    let (xlsx, pdf) = pipeline::write_directory(&registry, &config.output)?;
    console.print(Done::Directory { xlsx, pdf })?;
    console.finish();
    let quarantined = archive.quarantine().count();
    if quarantined > 0 {
        attention.push(Attention::Quarantine(quarantined));
    }
    console.attention(&attention)?;
    Ok(Outcome::Clean)
}

/// Temporary files an interrupted run left: never a finished output, so safe to remove.
fn remove_stale(config: &Config) -> usize {
    crate::output::remove_stale_parts(&config.output)
        + crate::output::remove_stale_parts(&config.archive)
}

/// Take the configured inbox in.
fn take_in_inbox(
    config: &Config,
    registry: &Registry,
    archive: &mut Archive,
) -> anyhow::Result<Done> {
    if !config.input.exists() {
        return Ok(Done::NoInbox(config.input.clone()));
    }
    let summary = super::intake::take_in(
        std::slice::from_ref(&config.input),
        archive,
        config,
        registry,
    )?;
    Ok(Done::TookIn {
        summary,
        archive: config.archive.clone(),
    })
}

/// Take the configured mailbox in. A mailbox that cannot be reached is a
/// warning: the reports are still made from what the archive has.
fn take_in_mailbox(
    settings: &crate::mail::Settings,
    config: &Config,
    registry: &Registry,
    archive: &mut Archive,
) -> anyhow::Result<()> {
    let filing = crate::mail::mailbox::Filing::default();
    let shown_archive = shown(&config.archive);
    match super::intake::take_mailbox(settings, archive, config, registry, &filing) {
        Ok(got) => {
            super::intake::print_mailbox(settings, &got, &shown_archive)?;
            if let Some(stopped) = got.stopped {
                let text = say("mailbox_stopped", &json!({ "reason": stopped.to_string() }))?;
                eprintln!("{}", say("warning", &json!({ "text": text }))?);
            }
        }
        Err(e) => {
            let text = say("mailbox_failed", &json!({ "reason": e.to_string() }))?;
            eprintln!("{}", say("warning", &json!({ "text": text }))?);
        }
    }
    Ok(())
}

/// The report models of every period in the archive.
fn aggregate(
    inputs: &Inputs<'_>,
    periods: &[Period],
) -> anyhow::Result<BTreeMap<Period, Vec<QuarterlyReport>>> {
    let spinner = super::common::spinner(&word("run_aggregating")?);
    let models = pipeline::models(inputs, periods)?;
    spinner.finish_and_clear();
    Ok(models)
}

/// Where the run's lines go: printed above the progress bar while there is one.
#[derive(Default)]
struct Console {
    bar: Option<indicatif::ProgressBar>,
}

impl Console {
    fn progress(&mut self, steps: usize, what: &str) {
        self.bar = Some(super::common::progress(steps, what));
    }

    fn step(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }

    fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| println!("{text}")),
            None => println!("{text}"),
        }
    }

    /// Word what a stage did and print it (problems with the inputs as
    /// warnings, on stderr).
    fn print(&self, done: Done) -> anyhow::Result<()> {
        if let Done::TookIn { summary, .. } = &done {
            for warning in super::intake::warnings(summary)? {
                eprintln!("{warning}");
            }
        }
        for line in lines(done)? {
            self.line(&line);
        }
        Ok(())
    }

    fn attention(&self, items: &[Attention]) -> anyhow::Result<()> {
        if items.is_empty() {
            self.line(&word("run_nothing")?);
            return Ok(());
        }
        self.line(&word("run_attention")?);
        for item in items {
            let text = match item {
                Attention::Period { period, totals: t } => say(
                    "run_attention_period",
                    &json!({ "period": period.chinese(), "missing": t.missing, "late": t.late, "returned": t.returned }),
                )?,
                Attention::Quarantine(n) => say("run_attention_quarantine", &json!({ "n": n }))?,
            };
            self.line(&say("run_attention_item", &json!({ "text": text }))?);
        }
        Ok(())
    }
}

/// The lines that tell what a stage did.
fn lines(done: Done) -> anyhow::Result<Vec<String>> {
    Ok(match done {
        Done::StaleRemoved(n) => vec![say("run_stale", &json!({ "n": n }))?],
        Done::RegistryChecked { path, units } => vec![say(
            "run_registry",
            &json!({ "path": shown(&path), "n": units }),
        )?],
        Done::TookIn { summary, archive } => {
            vec![super::intake::summary_line(&summary, &shown(&archive))?]
        }
        Done::NoInbox(path) => vec![say("run_no_inbox", &json!({ "path": shown(&path) }))?],
        Done::Period(p) => {
            let t = &p.totals;
            vec![
                say(
                    "run_period",
                    &json!({
                        "period": p.period.chinese(),
                        "submitted": t.submitted,
                        "units": t.units,
                        "late": t.late,
                        "missing": t.missing,
                        "returned": t.returned,
                        "feedback": p.feedback,
                        "path": shown(&p.status),
                    }),
                )?,
                say(
                    "run_quarterly",
                    &json!({ "n": p.quarterly, "path": shown(&p.dir) }),
                )?,
            ]
        }
        Done::Templates { n, period, dir } => vec![say(
            "run_templates",
            &json!({ "n": n, "period": period.chinese(), "path": shown(&dir) }),
        )?],
        Done::Year(y) => {
            let dir = shown(&y.dir);
            let mut lines = vec![say(
                "run_annual",
                &json!({ "year": y.year, "n": y.annual, "path": dir }),
            )?];
            for (half, n) in &y.halves {
                let vars = json!({ "year": y.year, "half": half, "n": n, "path": dir });
                lines.push(say("run_half", &vars)?);
            }
            lines.push(say(
                "run_packets",
                &json!({ "year": y.year, "n": y.packets, "path": dir }),
            )?);
            lines.push(say(
                "run_showcases",
                &json!({ "year": y.year, "n": y.showcases, "path": dir }),
            )?);
            lines
        }
        Done::Monthly { month, pdf } => vec![say(
            "run_monthly",
            &json!({ "month": month.chinese(), "path": shown(&pdf) }),
        )?],
        Done::Directory { xlsx, pdf } => vec![say(
            "run_directory",
            &json!({ "xlsx": shown(&xlsx), "pdf": shown(&pdf) }),
        )?],
    })
}
