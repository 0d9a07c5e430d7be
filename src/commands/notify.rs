//! `jucai notify`: each unit's 回执, 退回 or 催报 for a period, written as
//! `.eml` previews into `output/<P>/outbox/`, and with `--send` sent over
//! SMTP and recorded, so that a rerun sends only what changed.

use serde_json::json;

use super::common::{Loaded, Outcome};
use crate::cli::NotifyArgs;
use crate::mail::notify::{self, Before, Context, Outcome as Sent, Planned};
use crate::mail::MailError;
use crate::render::console::{say, word};

pub(super) fn run(args: NotifyArgs) -> anyhow::Result<Outcome> {
    let loaded = Loaded::writing(&args.common, &args.archive)?;
    let config = &loaded.config;
    let settings = config.mail.as_ref().ok_or(MailError::NotConfigured)?;
    let from = settings.from.as_ref().ok_or(MailError::NoFrom)?;
    let output = args.out.clone().unwrap_or_else(|| config.output.clone());
    let period_dir = output.join(args.period.code());
    let feedback_dir = period_dir.join(word("folder_feedback")?);
    let ctx = Context {
        schema: &config.schema,
        registry: &loaded.registry,
        archive: &loaded.archive,
        limits: &config.limits,
        deadline_days: config.deadline_days,
        from,
        feedback_dir: &feedback_dir,
    };
    let plans = notify::plan(&ctx, args.period)?;
    for p in &plans {
        println!("{}", planned_line(p)?);
    }
    let outbox = period_dir.join("outbox");
    let date = notify::as_of(&loaded.archive, args.period, config.deadline_days);
    let written = notify::write_outbox(&plans, &outbox, date)?;
    let vars =
        json!({ "n": written.len(), "path": super::common::shown(&outbox), "send": args.send });
    println!("{}", say("notify_outbox", &vars)?);
    print_unreachable(&plans)?;
    if !args.send {
        return Ok(Outcome::Clean);
    }
    let bar = super::common::progress(plans.len(), &word("notify_progress")?);
    let outcomes = notify::send(
        &plans,
        args.period,
        settings,
        &loaded.archive,
        args.again,
        |p, outcome| {
            if let Ok(Some(line)) = result_line(p, outcome) {
                bar.suspend(|| println!("{line}"));
            }
            bar.inc(1);
        },
    );
    bar.finish_and_clear();
    let outcomes = outcomes?;
    let count = |f: fn(&Sent) -> bool| outcomes.iter().filter(|o| f(o)).count();
    let failed = count(|o| matches!(o, Sent::Failed(_)));
    let vars = json!({
        "sent": count(|o| *o == Sent::Sent),
        "failed": failed,
        "already": count(|o| *o == Sent::AlreadySent),
    });
    println!("{}", say("notify_summary", &vars)?);
    if failed > 0 {
        anyhow::bail!(say("notify_some_failed", &json!({ "n": failed }))?);
    }
    Ok(Outcome::Clean)
}

/// One line per unit: the kind, the unit, where it goes, what was sent before.
fn planned_line(p: &Planned) -> anyhow::Result<String> {
    let status = match &p.before {
        Before::Never => String::new(),
        Before::Sent(_) => word("notify_sent_before")?,
        Before::Failed(_) => word("notify_failed_before")?,
    };
    let (to, source) = match &p.to {
        Some((person, source)) => (person.address.clone(), notify::source_word(*source)?),
        None => (String::new(), String::new()),
    };
    let vars = json!({
        "kind": notify::kind_word(p.kind)?,
        "unit": p.name,
        "to": to,
        "source": source,
        "status": status,
    });
    Ok(say("notify_line", &vars)?)
}

fn print_unreachable(plans: &[Planned]) -> anyhow::Result<()> {
    let units: Vec<&str> = plans
        .iter()
        .filter(|p| p.to.is_none())
        .map(|p| p.name.as_str())
        .collect();
    if !units.is_empty() {
        let vars = json!({ "n": units.len(), "units": units });
        eprintln!(
            "{}",
            say(
                "warning",
                &json!({ "text": say("notify_unreachable", &vars)? })
            )?
        );
    }
    Ok(())
}

/// What happened to one send, when something was tried.
fn result_line(p: &Planned, outcome: &Sent) -> anyhow::Result<Option<String>> {
    let result = match outcome {
        Sent::Sent => word("notify_result_sent")?,
        Sent::Failed(reason) => say("notify_result_failed", &json!({ "reason": reason }))?,
        Sent::AlreadySent | Sent::Unreachable => return Ok(None),
    };
    let to =
        p.to.as_ref()
            .map(|t| t.0.address.clone())
            .unwrap_or_default();
    let vars =
        json!({ "kind": notify::kind_word(p.kind)?, "unit": p.name, "to": to, "result": result });
    Ok(Some(say("notify_result", &vars)?))
}
