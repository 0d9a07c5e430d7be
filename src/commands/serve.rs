//! `jucai serve`: the web desk on `--listen` (loopback by default). The
//! reports page's "make again" buttons run the same writers as `jucai
//! report`, `jucai packet` and `jucai directory`, given to the desk here.

use std::sync::Arc;

use serde_json::json;

use super::common::Outcome;
use crate::cli::ServeArgs;
use crate::config::Config;
use crate::registry::Registry;
use crate::render::console::say;
use crate::web::{Desk, ReportJob};

pub fn run(args: ServeArgs) -> anyhow::Result<Outcome> {
    let config = super::common::config(&args.common)?;
    let registry = super::common::registry(&config)?;
    let dir = super::common::archive_dir(&config, &args.archive);
    // Opened (and migrated, or moved from its old place) once before serving.
    drop(super::common::open_archive(&config, &dir)?);
    let https = config.web_tls.clone();
    if !args.listen.ip().is_loopback() && !args.behind_https && https.is_none() {
        let vars = json!({ "addr": args.listen.to_string() });
        eprintln!(
            "{}",
            say(
                "warning",
                &json!({ "text": say("serve_not_loopback", &vars)? })
            )?
        );
    }
    let log_path = args
        .access_log
        .clone()
        .unwrap_or_else(|| dir.join("access.log"));
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .map_err(|e| crate::error::Error::io(&log_path, e))?;
    let regenerate = regenerate(config.clone(), registry.clone(), dir.clone());
    let mut desk = Desk::new(config, registry, dir, Some(log), regenerate)?;
    desk.tls = args.behind_https;
    let scheme = if https.is_some() { "https" } else { "http" };
    crate::web::serve(desk, args.listen, https, |addr| {
        let vars =
            json!({ "url": format!("{scheme}://{addr}/"), "log": log_path.display().to_string() });
        if let Ok(line) = say("serve_ready", &vars) {
            println!("{line}");
        }
    })?;
    Ok(Outcome::Clean)
}

/// What the reports page's buttons do.
fn regenerate(
    config: Config,
    registry: Registry,
    dir: std::path::PathBuf,
) -> crate::web::Regenerate {
    Arc::new(move |job: &ReportJob| make(&config, &registry, &dir, job).map_err(|e| e.to_string()))
}

fn make(
    config: &Config,
    registry: &Registry,
    dir: &std::path::Path,
    job: &ReportJob,
) -> anyhow::Result<()> {
    let archive = crate::archive::Archive::open(dir)?;
    let inputs = crate::aggregate::report::Inputs {
        registry,
        schema: &config.schema,
        archive: &archive,
        deadline_days: config.deadline_days,
        targets: &config.targets,
        limits: &config.limits,
    };
    match job {
        ReportJob::Quarterly(period) => {
            let reports = crate::aggregate::report::build(&inputs, *period)?;
            super::report::write_quarterly(&reports, &config.schema, &config.output)?;
        }
        ReportJob::Annual(year) => {
            let reports = crate::aggregate::annual::build(&inputs, *year)?;
            super::report::write_annual(
                &reports,
                &config.schema,
                config.deadline_days,
                &config.output,
            )?;
            super::packet::write(config, registry, &reports, *year, &config.output)?;
        }
        ReportJob::Directory => {
            super::directory::write(registry, &config.output)?;
        }
    }
    Ok(())
}
