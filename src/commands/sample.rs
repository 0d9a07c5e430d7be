//! `jucai sample`: deterministic sample data — the Dongsheng registry and an
//! inbox of two years of quarterly submissions.

use std::path::Path;

use anyhow::Context;
use rayon::prelude::*;

use serde_json::json;

use super::common::Outcome;
use crate::cli::SampleArgs;
use crate::period::Period;
use crate::registry::Registry;
use crate::render::console;
use crate::reports::template::registry;
use crate::reports::template::workbook::{LedgerTemplates, TemplateJob};
use crate::sample::inbox::{self, Attachment};
use crate::sample::{legacy, submissions};

pub(super) fn run(args: SampleArgs) -> anyhow::Result<Outcome> {
    let config = super::common::config(&args.common)?;
    let (units, levels) = match args.units {
        // One centre and stations of 1 + 19 workrooms each.
        Some(n) => {
            crate::sample::synthetic(&args.code, n.saturating_sub(1).div_ceil(20).max(1), 19)
        }
        None => crate::sample::dongsheng(),
    };
    let path = args.out.join("platform.xlsx");
    registry::write(&config.schema, &units, &levels, &path)?;
    let vars = json!({ "n": units.len(), "path": super::common::shown(&path) });
    println!("{}", console::say("sample_registry", &vars)?);
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
    let vars = json!({
        "workbooks": subs.len(),
        "files": written.len(),
        "path": super::common::shown(&inbox_dir),
    });
    println!("{}", console::say("sample_inbox", &vars)?);
    let name = |c: &Option<(String, Period)>| -> anyhow::Result<String> {
        let Some((unit, p)) = c else {
            return Ok(String::new());
        };
        let unit = registry.unit(unit).map(|u| u.name.as_str()).unwrap_or("");
        let vars = json!({ "unit": unit, "period": p.chinese() });
        Ok(console::say("sample_case", &vars)?)
    };
    let vars = json!({
        "missing": name(&cases.missing)?,
        "late": name(&cases.late)?,
        "bad_id": name(&cases.bad_id_then_resubmitted)?,
        "close_date": name(&cases.missing_close_date)?,
        "text_dates": name(&cases.text_dates)?,
        "unknown_talent": name(&cases.unknown_talent)?,
    });
    println!("{}", console::say("sample_cases", &vars)?);
    if attachments.iter().any(|a| a.name.ends_with(".xls")) {
        let vars = json!({ "case": name(&cases.legacy_xls)? });
        println!("{}", console::say("sample_legacy", &vars)?);
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
        let vars = json!({ "path": dir.display().to_string() });
        anyhow::bail!(console::say("sample_not_empty", &vars)?);
    }
    for path in existing {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if matches!(ext, "eml" | "mbox" | "xlsx" | "xls") {
            std::fs::remove_file(&path).with_context(|| {
                let vars = json!({ "path": path.display().to_string() });
                console::say("sample_removing", &vars).unwrap_or_default()
            })?;
        }
    }
    Ok(())
}
