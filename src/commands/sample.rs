//! `jucai sample`: deterministic sample data — the Dongsheng registry and an
//! inbox of two years of quarterly submissions.

use std::path::Path;

use anyhow::Context;
use rayon::prelude::*;

use super::common::Outcome;
use crate::cli::SampleArgs;
use crate::period::Period;
use crate::registry::Registry;
use crate::render::ledger_template::{LedgerTemplates, TemplateJob};
use crate::render::registry_xlsx;
use crate::sample::inbox::{self, Attachment};
use crate::sample::{legacy, submissions};

pub fn run(args: SampleArgs) -> anyhow::Result<Outcome> {
    let config = super::common::config(&args.common)?;
    let (units, levels) = match args.units {
        // One centre and stations of 1 + 19 workrooms each.
        Some(n) => crate::sample::synthetic(n.saturating_sub(1).div_ceil(20).max(1), 19),
        None => crate::sample::dongsheng(),
    };
    let path = args.out.join("platform.xlsx");
    registry_xlsx::write(&config.schema, &units, &levels, &path)?;
    println!(
        "已写出平台名录（{} 个单位）：{}",
        units.len(),
        super::common::shown(&path)
    );
    if args.registry_only {
        return Ok(Outcome::Clean);
    }
    let (registry, _) = Registry::load(&path, &config.schema)?;
    let inbox_dir = args.out.join("inbox");
    prepare(&inbox_dir, args.force)?;
    let periods: Vec<Period> = (0..args.years as i32)
        .flat_map(|y| {
            (1..=4).map(move |q| Period {
                year: args.from_year + y,
                quarter: q,
            })
        })
        .collect();
    let tree = registry.tree_order();
    let (_, subs, cases) = submissions::generate(&tree, &periods, args.seed, args.scale);
    let templates = LedgerTemplates::new()?;
    let attachments = subs
        .par_iter()
        .enumerate()
        .map(|(n, sub)| {
            let unit = registry.unit(&sub.unit).context("sample unit")?;
            let job = TemplateJob {
                schema: &config.schema,
                unit,
                period: sub.period,
                deadline_days: config.deadline_days,
                fill: Some(&sub.fill),
            };
            let name = inbox::attachment_name(unit, sub, n);
            let bytes = templates.to_bytes(&job)?;
            let legacy = cases.legacy_xls.as_ref() == Some(&(sub.unit.clone(), sub.period));
            Ok(match legacy.then(|| legacy::stand_in(&bytes)).flatten() {
                Some(xls) => Attachment {
                    submission: sub,
                    name: name.trim_end_matches(".xlsx").to_string() + ".xls",
                    bytes: xls.to_vec(),
                },
                None => Attachment {
                    submission: sub,
                    name,
                    bytes,
                },
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let written = inbox::write(&registry, &attachments, &inbox_dir)?;
    println!(
        "已写出收件箱：{} 份台账，{} 个文件（邮件、mbox 和散件）：{}",
        subs.len(),
        written.len(),
        super::common::shown(&inbox_dir)
    );
    let name = |c: &Option<(String, Period)>| {
        c.as_ref()
            .and_then(|(u, p)| Some(format!("{}（{}）", registry.unit(u)?.name, p.chinese())))
            .unwrap_or_default()
    };
    println!("其中：缺报 {}；逾期 {}；身份证号有误后重报 {}；缺办结日期 {}；日期写成文本 {}；引用不存在的人才编号 {}",
        name(&cases.missing), name(&cases.late), name(&cases.bad_id_then_resubmitted),
        name(&cases.missing_close_date), name(&cases.text_dates), name(&cases.unknown_talent));
    if attachments.iter().any(|a| a.name.ends_with(".xls")) {
        println!("旧版 Excel/WPS 存的 .xls：{}", name(&cases.legacy_xls));
    }
    Ok(Outcome::Clean)
}

/// An inbox folder to write into: refuses to mix with existing files unless
/// `force`, in which case only what a sample writes (.eml, .mbox, .xlsx, .xls) is removed.
fn prepare(dir: &Path, force: bool) -> anyhow::Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    let existing: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    if existing.is_empty() {
        return Ok(());
    }
    if !force {
        anyhow::bail!("{} 已有文件；要重新生成请加 --force", dir.display());
    }
    for path in existing {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if matches!(ext, "eml" | "mbox" | "xlsx" | "xls") {
            std::fs::remove_file(&path).with_context(|| format!("删除 {}", path.display()))?;
        }
    }
    Ok(())
}
