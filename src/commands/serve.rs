//! `jucai serve`: the web desk on `--listen` (loopback by default). The
//! reports page's "make again" buttons run the same writers as `jucai
//! report`, `jucai packet` and `jucai directory`, given to the desk here.

use std::sync::Arc;

use serde_json::json;

use super::common::Outcome;
use crate::cli::ServeArgs;
use crate::config::Config;
use crate::registry::{Level, Registry};
use crate::render::console::say;
use crate::web::{Desk, Progress, ReportJob, Stage};

/// Only this machine, unless `--listen` or `[web] listen` says otherwise.
const DEFAULT_LISTEN: std::net::SocketAddr = std::net::SocketAddr::V4(std::net::SocketAddrV4::new(
    std::net::Ipv4Addr::LOCALHOST,
    8080,
));

pub(super) fn run(args: ServeArgs) -> anyhow::Result<Outcome> {
    let config = super::common::config(&args.common)?;
    let registry = super::common::registry(&config)?;
    let dir = super::common::archive_dir(&config, &args.archive);
    // Opened (and migrated, or moved from its old place, and validated
    // again under changed rules) once before serving: pages only read.
    let archive = super::common::open_archive(&config, &dir)?;
    super::common::reindex(&config, &registry, &archive)?;
    drop(archive);
    let https = config.web_tls.clone();
    let listen = args.listen.or(config.web_listen).unwrap_or(DEFAULT_LISTEN);
    let behind_https = args.behind_https || config.web_behind_https;
    if !listen.ip().is_loopback() && !behind_https && https.is_none() {
        let vars = json!({ "addr": listen.to_string() });
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
    desk.tls = behind_https;
    desk.behind_proxy = behind_https;
    let scheme = if https.is_some() { "https" } else { "http" };
    crate::web::serve(desk, listen, https, |addr| {
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
    Arc::new(move |job: &ReportJob, progress: &Progress| {
        make(&config, &registry, &dir, job, progress).map_err(|e| e.to_string())
    })
}

/// Make a job's files, telling `progress` each stage; the files written.
fn make(
    config: &Config,
    registry: &Registry,
    dir: &std::path::Path,
    job: &ReportJob,
    progress: &Progress,
) -> anyhow::Result<usize> {
    let archive = crate::archive::Archive::open_read(dir)?;
    let inputs = crate::pipeline::inputs(config, registry, &archive);
    let step = || progress.step();
    // A report for the centre and one for each station (workrooms get none).
    let reported_units = registry
        .units()
        .iter()
        .filter(|u| u.level != Level::Workroom)
        .count();
    let files = match job {
        ReportJob::Quarterly(period) => {
            progress.stage(Stage::Model, 0);
            let reports = crate::reports::quarterly::build(&inputs, *period)?;
            progress.stage(Stage::Reports, reported_units);
            let written =
                crate::pipeline::write_quarterly(&reports, config, &config.output, &step)?;
            written.len() * 2
        }
        ReportJob::Annual(year) => {
            progress.stage(Stage::Model, 0);
            let (spans, periods) =
                crate::reports::summary::build::summaries_of(&archive.periods(), *year);
            let built = crate::reports::quarterly::build_all(&inputs, &periods)?;
            let by_period = periods.iter().copied().zip(built).collect();
            progress.stage(Stage::Reports, reported_units * spans.len());
            crate::pipeline::write_year(config, &inputs, &by_period, *year, &step)?.files
        }
        ReportJob::Directory => {
            progress.stage(Stage::Directory, 0);
            crate::pipeline::write_directory(registry, &config.output)?;
            2
        }
    };
    Ok(files)
}
