//! `jucai run`: the main job on the configured layout (by default
//! `sample-input/` → `output/`): check the registry, take the inbox into the
//! archive, write feedback workbooks and the status sheet for every period
//! received, quarterly reports for every period, annual reports and
//! assessment packets for every year, the directory, and blank templates for
//! the next period.
//!
//! Each stage does its work and returns what it did ([`Done`]); [`Console`]
//! is the one place that words it (`templates/cli.toml`) and prints it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::common::{shown, Outcome};
use crate::archive::{Archive, Record};
use crate::cli::RunArgs;
use crate::config::Config;
use crate::intake::Summary;
use crate::model::UnitReport;
use crate::period::{Period, Span};
use crate::registry::Registry;
use crate::render::console::{say, word};
use crate::render::feedback::{FeedbackWriter, Returned};
use crate::render::status_xlsx::StatusWriter;
use crate::status::{StatusReport, Totals};
use crate::validate;

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
    Period(PeriodDone),
    Templates {
        n: usize,
        period: Period,
        dir: PathBuf,
    },
    Year(YearDone),
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

struct PeriodDone {
    period: Period,
    totals: Totals,
    feedback: usize,
    status: PathBuf,
    quarterly: usize,
    dir: PathBuf,
}

pub(super) struct YearDone {
    year: i32,
    pub(super) annual: usize,
    /// Half-year summaries written, by half (only halves with both quarters).
    pub(super) halves: Vec<(u8, usize)>,
    pub(super) packets: usize,
    dir: PathBuf,
}

/// What needs the clerk's attention after the run.
enum Attention {
    Period { period: Period, totals: Totals },
    Quarantine(usize),
}

pub fn run(args: RunArgs) -> anyhow::Result<Outcome> {
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
    let by_period = aggregate(&config, &registry, &archive, &periods)?;
    let mut years: Vec<i32> = periods.iter().map(|p| p.year).collect();
    years.dedup();
    // One step per period, per year, and the directory.
    console.progress(periods.len() + years.len() + 1, &word("run_writing")?);
    let mut attention = Vec::new();
    for (&period, reports) in &by_period {
        let done = write_period(&config, &registry, &archive, period, reports)?;
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
    console.print(write_next_templates(&config, &registry, next)?)?;
    for year in years {
        console.print(Done::Year(write_year(
            &config,
            &registry,
            &by_period,
            year,
            &|| (),
        )?))?;
        console.step();
    }
    if let Some(done) = write_last_month(&config, &registry, &archive)? {
        console.print(done)?;
    }
    let (xlsx, pdf) = super::directory::write(&registry, &config.output)?;
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
    config: &Config,
    registry: &Registry,
    archive: &Archive,
    periods: &[Period],
) -> anyhow::Result<BTreeMap<Period, Vec<UnitReport>>> {
    let inputs = super::common::inputs(config, registry, archive);
    let spinner = super::common::spinner(&word("run_aggregating")?);
    let built = crate::aggregate::report::build_all(&inputs, periods)?;
    spinner.finish_and_clear();
    Ok(periods.iter().copied().zip(built).collect())
}

/// A period's feedback workbooks, status sheet and quarterly reports.
fn write_period(
    config: &Config,
    registry: &Registry,
    archive: &Archive,
    period: Period,
    reports: &[UnitReport],
) -> anyhow::Result<PeriodDone> {
    let feedback = write_feedback(config, registry, archive, period)?;
    let report = StatusReport::build(registry, archive, period, config.deadline_days);
    let dir = config.output.join(period.code());
    let status = StatusWriter::new()?.write(&report, &dir)?;
    let quarterly = super::report::write_quarterly(reports, config, &config.output, &|| ())?;
    Ok(PeriodDone {
        period,
        totals: report.totals,
        feedback,
        status,
        quarterly: quarterly.len(),
        dir,
    })
}

/// Blank templates of the period after the last one received.
fn write_next_templates(
    config: &Config,
    registry: &Registry,
    next: Period,
) -> anyhow::Result<Done> {
    let dir = config
        .output
        .join(word("folder_templates")?)
        .join(next.code());
    let written = super::template::write_templates(config, registry, next, None, &dir)?;
    Ok(Done::Templates {
        n: written.len(),
        period: next,
        dir,
    })
}

/// A year's annual reports and assessment packets, and the summaries of
/// its halves that have both quarters in the archive; `written` is told
/// after each report.
pub(super) fn write_year(
    config: &Config,
    registry: &Registry,
    by_period: &BTreeMap<Period, Vec<UnitReport>>,
    year: i32,
    written: &(dyn Fn() + Sync),
) -> anyhow::Result<YearDone> {
    let write = |span: Span| {
        let reports = crate::aggregate::annual::fold(span, by_period);
        let written = super::report::write_annual(&reports, config, &config.output, written)?;
        anyhow::Ok((reports, written.len()))
    };
    let archived: Vec<Period> = by_period.keys().copied().collect();
    let mut halves = Vec::new();
    for span in crate::aggregate::annual::complete_halves(&archived, year) {
        halves.push((span.half.unwrap_or_default(), write(span)?.1));
    }
    let (reports, annual) = write(Span::year(year))?;
    let packets = super::packet::write(config, registry, &reports, year, &config.output)?;
    Ok(YearDone {
        year,
        annual,
        halves,
        packets: packets.len(),
        dir: config.output.join(year.to_string()),
    })
}

/// The monthly dispatch sheet of the last month that has data.
fn write_last_month(
    config: &Config,
    registry: &Registry,
    archive: &Archive,
) -> anyhow::Result<Option<Done>> {
    let inputs = super::common::inputs(config, registry, archive);
    let Some(report) = crate::aggregate::monthly::build_last(&inputs)? else {
        return Ok(None);
    };
    let (pdf, _) = super::report::write_monthly(&report, &config.output)?;
    Ok(Some(Done::Monthly {
        month: report.month,
        pdf,
    }))
}

/// Feedback workbooks for every version of the period with problems, into
/// `output/<P>/校验反馈/`. Earlier versions get a `-第N版` suffix.
fn write_feedback(
    config: &Config,
    registry: &Registry,
    archive: &Archive,
    period: Period,
) -> anyhow::Result<usize> {
    let dir = config
        .output
        .join(period.code())
        .join(word("folder_feedback")?);
    let writer = FeedbackWriter::new(config.limits)?;
    let mut written = 0;
    for unit in registry.units() {
        let versions: Vec<&Record> = archive.versions(&unit.code, period);
        for (i, record) in versions.iter().enumerate() {
            if record.errors + record.warnings == 0 {
                continue;
            }
            let bytes = archive.bytes(record)?;
            let checked = validate::validate(
                &bytes,
                &record.original_name,
                &config.schema,
                registry,
                &config.limits,
            );
            let returned = Returned {
                checked: &checked,
                bytes: &bytes,
                unit: Some(unit),
                schema: &config.schema,
                deadline_days: config.deadline_days,
            };
            let path = writer.write(&returned, &dir)?;
            if i + 1 < versions.len() {
                rename_as_version(&path, i + 1)?;
            }
            written += 1;
        }
    }
    Ok(written)
}

fn rename_as_version(path: &Path, version: usize) -> anyhow::Result<()> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = say("earlier_version", &json!({ "stem": stem, "n": version }))?;
    std::fs::rename(path, path.with_file_name(format!("{name}.xlsx")))?;
    Ok(())
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
