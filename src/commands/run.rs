//! `jucai run`: the main job on the configured layout (by default
//! `sample-input/` → `output/`): check the registry, take the inbox into the
//! archive, write feedback workbooks and the status sheet for every period
//! received, quarterly reports for every period, annual reports and
//! assessment packets for every year, the directory, and blank templates for
//! the next period.

use std::collections::BTreeMap;
use std::path::Path;

use super::common::Outcome;
use crate::aggregate::load::Cache;
use crate::archive::{Archive, Record};
use crate::cli::RunArgs;
use crate::config::Config;
use crate::model::UnitReport;
use crate::period::Period;
use crate::registry::Registry;
use crate::render::feedback::FeedbackWriter;
use crate::render::status_xlsx::StatusWriter;
use crate::status::StatusReport;
use crate::validate;

pub fn run(args: RunArgs) -> anyhow::Result<Outcome> {
    let mut config = super::common::config(&args.common)?;
    if let Some(out) = &args.out {
        config.output = out.clone();
    }
    let registry = super::common::registry(&config)?;
    // Left by an interrupted run: never a finished output, so safe to remove.
    let stale = crate::output::remove_stale_parts(&config.output)
        + crate::output::remove_stale_parts(&config.archive);
    if stale > 0 {
        println!("已清理上次中断留下的临时文件 {stale} 个");
    }
    println!(
        "平台名录 {}：{} 个单位，检查通过",
        super::common::shown(&config.platform),
        registry.units().len()
    );
    let mut archive = Archive::open(&config.archive)?;
    // What intake validates is kept for aggregation: each file is read once.
    let cache = Cache::default();
    if config.input.exists() {
        let summary = super::intake::take_in(
            std::slice::from_ref(&config.input),
            &mut archive,
            &config,
            &registry,
            |identity, checked| Cache::prepare(identity, &checked, &config.schema),
            |record, extract| cache.keep(record, extract),
        )?;
        super::intake::print_summary(&summary, &super::common::shown(&config.archive));
    } else {
        println!(
            "收件目录 {} 不存在，跳过收取",
            super::common::shown(&config.input)
        );
    }
    let periods = archive.periods();
    let inputs = crate::aggregate::report::Inputs {
        registry: &registry,
        schema: &config.schema,
        archive: &archive,
        deadline_days: config.deadline_days,
        targets: &config.targets,
        cache: &cache,
        limits: &config.limits,
    };
    let spinner = super::common::spinner("汇总各季度数据");
    let by_period: BTreeMap<Period, Vec<UnitReport>> = periods
        .iter()
        .copied()
        .zip(crate::aggregate::report::build_all(&inputs, &periods)?)
        .collect();
    spinner.finish_and_clear();
    let mut years: Vec<i32> = periods.iter().map(|p| p.year).collect();
    years.dedup();
    // One step per period, per year, and the directory.
    let bar = super::common::progress(periods.len() + years.len() + 1, "写出报告");
    let say = |line: String| bar.suspend(|| println!("{line}"));
    let mut attention = Vec::new();
    for (&period, reports) in &by_period {
        let feedback = write_feedback(&config, &registry, &archive, period)?;
        let report = StatusReport::build(&registry, &archive, period, config.deadline_days);
        let path = StatusWriter::new()?.write(&report, &config.output.join(period.code()))?;
        let t = &report.totals;
        say(format!(
            "{}：已报 {}/{}，逾期 {}，未报 {}，退回 {}；校验反馈 {} 份；{}",
            period.chinese(),
            t.submitted,
            t.units,
            t.late,
            t.missing,
            t.returned,
            feedback,
            super::common::shown(&path)
        ));
        let written = super::report::write_quarterly(reports, &config.schema, &config.output)?;
        say(format!(
            "  季度报告 {} 份（PDF 和 XLSX）：{}",
            written.len(),
            super::common::shown(&config.output.join(period.code()))
        ));
        if t.missing + t.late + t.returned > 0 {
            attention.push(format!(
                "{}：未报 {} 个、逾期 {} 个、退回 {} 个（见报送情况表的催报名单）",
                period.chinese(),
                t.missing,
                t.late,
                t.returned
            ));
        }
        bar.inc(1);
    }
    let next = match &args.period {
        Some(p) => *p,
        None => periods
            .last()
            .map(|p| p.next())
            .unwrap_or(config.template_period),
    };
    let dir = config.output.join("templates").join(next.code());
    let written = super::template::write_templates(&config, &registry, next, None, &dir)?;
    say(format!(
        "已生成 {} 份{}空白台账模板：{}",
        written.len(),
        next.chinese(),
        super::common::shown(&dir)
    ));
    for year in years {
        let reports = crate::aggregate::annual::fold(year, &by_period);
        let written = super::report::write_annual(
            &reports,
            &config.schema,
            config.deadline_days,
            &config.output,
        )?;
        say(format!(
            "{year} 年度人才调研报告 {} 份：{}",
            written.len(),
            super::common::shown(&config.output.join(year.to_string()))
        ));
        let packets = super::packet::write(&config, &registry, &reports, year, &config.output)?;
        say(format!(
            "{year} 年度考核材料 {} 个文件：{}",
            packets.len(),
            super::common::shown(&config.output.join(year.to_string()))
        ));
        bar.inc(1);
    }
    let (xlsx, pdf) = super::directory::write(&registry, &config.output)?;
    say(format!(
        "已写出平台名录表：{}、{}",
        super::common::shown(&xlsx),
        super::common::shown(&pdf)
    ));
    bar.finish_and_clear();
    let quarantined = archive.quarantine().count();
    if quarantined > 0 {
        attention.push(format!(
            "隔离区有 {quarantined} 个文件无法识别（见报送情况表末尾）"
        ));
    }
    if attention.is_empty() {
        println!("\n没有需要处理的事项。");
    } else {
        println!("\n需要处理：");
        for a in attention {
            println!("  · {a}");
        }
    }
    Ok(Outcome::Clean)
}

/// Feedback workbooks for every version of the period with problems, into
/// `output/<P>/校验反馈/`. Earlier versions get a `-第N版` suffix.
fn write_feedback(
    config: &Config,
    registry: &Registry,
    archive: &Archive,
    period: Period,
) -> anyhow::Result<usize> {
    let dir = config.output.join(period.code()).join("校验反馈");
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
            let path = writer.write(&checked, &bytes, Some(&unit.name), &config.schema, &dir)?;
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
    let target = path.with_file_name(format!("{stem}-第{version}版.xlsx"));
    std::fs::rename(path, target)?;
    Ok(())
}
