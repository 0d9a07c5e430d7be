//! The stages of `jucai run` as library functions: the report models of
//! every period, then each period's feedback, status sheet and quarterly
//! reports, each year's summaries and packets, the last month's dispatch
//! sheet, the directory and the next period's blank templates. The commands
//! (`run`, `report`, `packet`, `directory`, `template`), the web desk's
//! report jobs and the benches call these; none assembles the stages again.
//! Each stage returns what it wrote; the caller words it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::aggregate::inputs::Inputs;
use crate::archive::{Archive, Record};
use crate::config::Config;
use crate::error::Error;
use crate::period::{Month, Period, Span};
use crate::registry::{Level, Registry};
use crate::render::console::{say, word};
use crate::reports::directory::render::DirectoryWriter;
use crate::reports::directory::Directory;
use crate::reports::feedback::{FeedbackWriter, Returned};
use crate::reports::monthly::render::MonthlyWriter;
use crate::reports::monthly::MonthlyReport;
use crate::reports::packet::render::PacketWriter;
use crate::reports::packet::{assess, rank_workrooms};
use crate::reports::quarterly::render::QuarterlyWriter;
use crate::reports::quarterly::QuarterlyReport;
use crate::reports::status::render::StatusWriter;
use crate::reports::status::{StatusReport, Totals};
use crate::reports::summary::render::SummaryWriter;
use crate::reports::summary::SummaryReport;
use crate::reports::template::prefill::prefills;
use crate::reports::template::workbook::{LedgerTemplates, TemplateJob};

/// What aggregation reads, from the settings, the registry and the archive.
pub fn inputs<'a>(config: &'a Config, registry: &'a Registry, archive: &'a Archive) -> Inputs<'a> {
    Inputs {
        registry,
        schema: &config.schema,
        archive,
        deadline_days: config.deadline_days,
        targets: &config.targets,
        limits: &config.limits,
    }
}

/// The quarterly report models of every period in `periods`.
pub fn models(
    inputs: &Inputs<'_>,
    periods: &[Period],
) -> Result<BTreeMap<Period, Vec<QuarterlyReport>>, Error> {
    let built = crate::reports::quarterly::build_all(inputs, periods)?;
    Ok(periods.iter().copied().zip(built).collect())
}

/// What writing a period gave.
pub struct PeriodWritten {
    pub period: Period,
    pub totals: Totals,
    /// Feedback workbooks written.
    pub feedback: usize,
    /// The status sheet.
    pub status: PathBuf,
    /// Quarterly reports written (each a PDF and an XLSX).
    pub quarterly: usize,
    pub dir: PathBuf,
}

/// A period's feedback workbooks, status sheet and quarterly reports.
pub fn write_period(
    config: &Config,
    registry: &Registry,
    archive: &Archive,
    period: Period,
    reports: &[QuarterlyReport],
) -> Result<PeriodWritten, Error> {
    let feedback = write_feedback(config, registry, archive, period)?;
    let report = StatusReport::build(registry, archive, period, config.deadline_days);
    let dir = config.output.join(period.code());
    let status = StatusWriter::new()?.write(&report, &dir)?;
    let quarterly = write_quarterly(reports, config, &config.output, &|| ())?;
    Ok(PeriodWritten {
        period,
        totals: report.totals,
        feedback,
        status,
        quarterly: quarterly.len(),
        dir,
    })
}

/// The quarterly reports of the centre and the stations among `reports`,
/// into `out/<P>/`: the (PDF, XLSX) of each. `written` is told after each.
pub fn write_quarterly(
    reports: &[QuarterlyReport],
    config: &Config,
    out: &Path,
    written: &(dyn Fn() + Sync),
) -> Result<Vec<(PathBuf, PathBuf)>, Error> {
    let builder = QuarterlyWriter::new(&config.schema, config.page_numbers.as_deref())?;
    reports
        .par_iter()
        .filter(|r| r.level_kind != Level::Workroom)
        .map(|r| {
            let doc = builder.build(r)?;
            let files = doc.write(&out.join(r.period.code()), &builder.file_stem(r)?)?;
            written();
            Ok(files)
        })
        .collect()
}

/// The files of one summary: PDF, XLSX and the editable Word copy.
pub struct SummaryFiles {
    pub pdf: PathBuf,
    pub xlsx: PathBuf,
    pub docx: PathBuf,
}

/// The annual reports (or half-year summaries) of the centre and the
/// stations, into `out/<year>/`; `written` is told after each report
/// (several threads at once).
pub fn write_annual(
    reports: &[SummaryReport],
    config: &Config,
    out: &Path,
    written: &(dyn Fn() + Sync),
) -> Result<Vec<SummaryFiles>, Error> {
    let builder = SummaryWriter::new(
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
            let (pdf, xlsx) = doc.write(&dir, &stem)?;
            let docx = doc.write_docx(&dir, &stem)?;
            written();
            Ok(SummaryFiles { pdf, xlsx, docx })
        })
        .collect()
}

/// What writing a year gave.
pub struct YearWritten {
    pub year: i32,
    /// Annual reports written.
    pub annual: usize,
    /// Half-year summaries written, by half (only halves with both quarters).
    pub halves: Vec<(u8, usize)>,
    /// Packet files written (each station's PDF and DOCX, the combined PDF,
    /// the score sheet).
    pub packets: usize,
    /// 人才风采 files written (each brochure and board).
    pub showcases: usize,
    /// Every file written.
    pub files: usize,
    pub dir: PathBuf,
}

/// A year's annual reports, assessment packets and 人才风采, and the
/// summaries of its halves that have both quarters among `by_period`;
/// `written` is told after each report.
pub fn write_year(
    config: &Config,
    inputs: &Inputs<'_>,
    by_period: &BTreeMap<Period, Vec<QuarterlyReport>>,
    year: i32,
    written: &(dyn Fn() + Sync),
) -> Result<YearWritten, Error> {
    let write = |span: Span| {
        let reports = crate::reports::summary::build::fold(span, by_period);
        let written = write_annual(&reports, config, &config.output, written)?;
        Ok::<_, Error>((reports, written.len()))
    };
    let archived: Vec<Period> = by_period.keys().copied().collect();
    let mut halves = Vec::new();
    for span in crate::reports::summary::build::complete_halves(&archived, year) {
        halves.push((span.half.unwrap_or_default(), write(span)?.1));
    }
    let (reports, annual) = write(Span::year(year))?;
    let packets = write_packets(config, inputs.registry, &reports, year, &config.output)?;
    let showcases = crate::reports::showcase::build(inputs, year)?;
    let showcases = write_showcases(config, &showcases, &config.output)?.len();
    let summaries = annual + halves.iter().map(|(_, n)| n).sum::<usize>();
    Ok(YearWritten {
        year,
        annual,
        halves,
        packets: packets.len(),
        showcases,
        files: summaries * 3 + packets.len() + showcases,
        dir: config.output.join(year.to_string()),
    })
}

/// Score the stations and write every packet file into `out/<year>/`.
pub fn write_packets(
    config: &Config,
    registry: &Registry,
    reports: &[SummaryReport],
    year: i32,
    out: &Path,
) -> Result<Vec<PathBuf>, Error> {
    let stations: Vec<(&SummaryReport, _)> = reports
        .iter()
        .filter(|r| r.level_kind == Level::Station)
        .map(|r| Ok((r, assess(&config.rubric, &config.schema, r)?)))
        .collect::<Result<_, Error>>()?;
    let centre = registry
        .centre()
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let ranked = rank_workrooms(reports)?;
    PacketWriter::new(&config.schema, config.page_numbers.as_deref())?.write(
        &centre,
        year,
        &stations,
        &ranked,
        &out.join(year.to_string()),
    )
}

/// Each showcase's brochure and board into `out/<year>/`.
pub fn write_showcases(
    config: &Config,
    showcases: &[crate::reports::showcase::Showcase],
    out: &Path,
) -> Result<Vec<PathBuf>, Error> {
    let writer = crate::reports::showcase::ShowcaseWriter::new(config.page_numbers.clone())?;
    let mut written = Vec::new();
    for s in showcases {
        let dir = out.join(s.year.to_string());
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let (brochure, board) = writer.write(s, s.as_of.end(), &dir)?;
        written.extend([brochure, board]);
    }
    Ok(written)
}

/// The dispatch sheet into `out/<P>/`, P the month's quarter: (PDF, XLSX).
pub fn write_monthly(report: &MonthlyReport, out: &Path) -> Result<(PathBuf, PathBuf), Error> {
    let builder = MonthlyWriter::new()?;
    let doc = builder.build(report)?;
    doc.write(&out.join(report.period.code()), &builder.file_stem(report)?)
}

/// The dispatch sheet of the last month that has data, if any: its month
/// and PDF.
pub fn write_last_month(
    config: &Config,
    registry: &Registry,
    archive: &Archive,
) -> Result<Option<(Month, PathBuf)>, Error> {
    let Some(report) = crate::reports::monthly::build_last(&inputs(config, registry, archive))?
    else {
        return Ok(None);
    };
    let (pdf, _) = write_monthly(&report, &config.output)?;
    Ok(Some((report.month, pdf)))
}

/// The directory into `dir`: (XLSX, PDF). Its date is the newest 挂牌日期 in
/// the registry, so the files depend only on the registry.
pub fn write_directory(registry: &Registry, dir: &Path) -> Result<(PathBuf, PathBuf), Error> {
    let directory = Directory::build(registry);
    let date = registry
        .units()
        .iter()
        .filter_map(|u| u.opened)
        .max()
        .unwrap_or_default();
    DirectoryWriter::new()?.write(&directory, date, dir)
}

/// Templates for `unit` (or every unit) into `out`; the paths. With an
/// archive, each unit's is prefilled with what the centre has of it (see
/// [`crate::reports::template::prefill`]); without, they are blank.
pub fn write_templates(
    config: &Config,
    registry: &Registry,
    period: Period,
    unit: Option<&str>,
    archive: Option<&Archive>,
    out: &Path,
) -> Result<Vec<PathBuf>, Error> {
    let units = match unit {
        Some(code) => vec![registry
            .unit(code)
            .ok_or_else(|| Error::UnknownUnit(code.to_string()))?],
        None => registry.tree_order(),
    };
    let prefilled = match archive {
        Some(archive) => {
            let codes: Vec<&str> = units.iter().map(|u| u.code.as_str()).collect();
            let rules = crate::intake::Rules {
                schema: &config.schema,
                registry,
                limits: &config.limits,
            };
            prefills(archive, rules, &codes, period)?
        }
        None => BTreeMap::new(),
    };
    let templates = LedgerTemplates::new()?;
    units
        .into_iter()
        .map(|unit| {
            let job = TemplateJob {
                schema: &config.schema,
                unit,
                period,
                deadline_days: config.deadline_days,
                fill: prefilled.get(&unit.code),
            };
            templates.write(&job, out)
        })
        .collect()
}

/// The templates of `next`, prefilled from `archive`, into the output's
/// templates folder: how many, and the folder.
pub fn write_next_templates(
    config: &Config,
    registry: &Registry,
    archive: &Archive,
    next: Period,
) -> Result<(usize, PathBuf), Error> {
    let dir = config
        .output
        .join(word("folder_templates")?)
        .join(next.code());
    let written = write_templates(config, registry, next, None, Some(archive), &dir)?;
    Ok((written.len(), dir))
}

/// Feedback workbooks for every version of the period with problems, into
/// `output/<P>/校验反馈/`. Earlier versions get a `-第N版` suffix.
pub fn write_feedback(
    config: &Config,
    registry: &Registry,
    archive: &Archive,
    period: Period,
) -> Result<usize, Error> {
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
            let checked = crate::validate::validate(
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

fn rename_as_version(path: &Path, version: usize) -> Result<(), Error> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = say(
        "earlier_version",
        &serde_json::json!({ "stem": stem, "n": version }),
    )?;
    let to = path.with_file_name(format!("{name}.xlsx"));
    std::fs::rename(path, &to).map_err(|e| Error::io(&to, e))
}
