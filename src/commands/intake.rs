//! `jucai intake`: take mail, mailboxes, zips and loose workbooks into the
//! archive. Every received file is stored; unidentified ones are quarantined.

use serde_json::json;

use super::common::Outcome;
use crate::archive::Archive;
use crate::cli::IntakeArgs;
use crate::intake::{self, Summary};
use crate::mail::mailbox::{Filing, MailboxSummary};
use crate::mail::{MailError, Settings};
use crate::registry::Registry;
use crate::render::console;

pub(super) fn run(args: IntakeArgs) -> anyhow::Result<Outcome> {
    let config = super::common::config(&args.common)?;
    let registry = super::common::registry(&config)?;
    let dir = super::common::archive_dir(&config, &args.archive);
    let mut archive = super::common::open_archive(&config, &dir)?;
    let shown = super::common::shown(&dir);
    if !args.paths.is_empty() {
        let summary = take_in(&args.paths, &mut archive, &config, &registry)?;
        print_summary(&summary, &shown)?;
    }
    if args.mailbox {
        let settings = config.mail.as_ref().ok_or(MailError::NotConfigured)?;
        let filing = Filing {
            mark_seen: args.mark_seen,
            move_to: args.move_to.clone(),
        };
        let got = take_mailbox(settings, &mut archive, &config, &registry, &filing)?;
        print_mailbox(settings, &got, &shown)?;
        if let Some(stopped) = got.stopped {
            anyhow::bail!(console::say(
                "mailbox_stopped",
                &json!({ "reason": stopped.to_string() })
            )?);
        }
    }
    // After the rules changed, the first intake validates what reports count.
    let n = super::common::reindex(&config, &registry, &archive)?;
    if n > 0 {
        println!("{}", console::say("reindexed", &json!({ "n": n }))?);
    }
    Ok(Outcome::Clean)
}

fn print_summary(summary: &Summary, archive: &str) -> anyhow::Result<()> {
    for line in warnings(summary)? {
        eprintln!("{line}");
    }
    println!("{}", summary_line(summary, archive)?);
    Ok(())
}

/// What a mailbox intake took: the messages, then the files in them.
pub(super) fn print_mailbox(
    settings: &Settings,
    got: &MailboxSummary,
    archive: &str,
) -> anyhow::Result<()> {
    let mailbox = settings
        .imap
        .as_ref()
        .map(|e| settings.mailbox_name(e))
        .unwrap_or_default();
    let vars = json!({
        "mailbox": mailbox,
        "in_folder": got.in_folder,
        "new": got.new,
        "messages": got.intake.messages,
    });
    println!("{}", console::say("mailbox_summary", &vars)?);
    print_summary(&got.intake, archive)
}

/// Take the mailbox's new messages in, with a progress bar.
pub(super) fn take_mailbox(
    settings: &Settings,
    archive: &mut Archive,
    config: &crate::config::Config,
    registry: &Registry,
    filing: &Filing,
) -> anyhow::Result<MailboxSummary> {
    let bar = super::common::progress(0, &console::word("mailbox_progress")?);
    let rules = intake::Rules {
        schema: &config.schema,
        registry,
        limits: &config.limits,
    };
    let got = crate::mail::mailbox::take_in(settings, archive, rules, filing, &bar);
    bar.finish_and_clear();
    Ok(got?)
}

/// The line saying what an intake took in.
pub(super) fn summary_line(s: &Summary, dir: &str) -> anyhow::Result<String> {
    let vars = json!({
        "received": s.received,
        "new": s.new,
        "already": s.already,
        "quarantined": s.quarantined,
        "with_errors": s.with_errors,
        "archive": dir,
    });
    Ok(console::say("intake_summary", &vars)?)
}

/// What could not be read in the inputs, one warning line each.
pub(super) fn warnings(s: &Summary) -> anyhow::Result<Vec<String>> {
    s.problems
        .iter()
        .map(|p| Ok(console::say("warning", &json!({ "text": p.to_string() }))?))
        .collect()
}

/// Take every path in, with a progress bar.
pub(super) fn take_in(
    paths: &[std::path::PathBuf],
    archive: &mut Archive,
    config: &crate::config::Config,
    registry: &Registry,
) -> anyhow::Result<Summary> {
    let bar = super::common::progress(0, &console::word("intake_progress")?);
    let summary = intake::take_in(
        paths,
        archive,
        intake::Rules {
            schema: &config.schema,
            registry,
            limits: &config.limits,
        },
        &bar,
    )?;
    bar.finish_and_clear();
    Ok(summary)
}
