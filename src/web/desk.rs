//! What every request is served from: the settings, the registry, the
//! archive's folder, the page templates, the login limiter, the access log.

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::error::WebError;
use super::limiter::Limiter;
use super::view::Views;
use crate::archive::{Accounts, Archive};
use crate::config::Config;
use crate::registry::Registry;

/// A report to make again, asked for on the reports page; the command
/// layer knows how (see [`super::serve`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportJob {
    /// Quarterly reports of a period.
    Quarterly(crate::period::Period),
    /// Annual reports and packets of a year.
    Annual(i32),
    /// The platform directory.
    Directory,
}

pub type Regenerate = Arc<dyn Fn(&ReportJob) -> Result<(), String> + Send + Sync>;

pub struct Desk {
    pub config: Config,
    pub registry: Registry,
    pub archive_dir: PathBuf,
    pub views: Views,
    pub limiter: Limiter,
    /// Whether pages are served over TLS (cookies are then `Secure`).
    pub tls: bool,
    pub regenerate: Regenerate,
    log: Mutex<Option<std::fs::File>>,
    /// The archive as last opened, with its stamp (see [`Archive::stamp`]).
    cached: Mutex<Option<Opened>>,
}

/// An archive opened, and the stamp it had then.
type Opened = ((i64, i64), Arc<Archive>);

impl Desk {
    pub fn new(
        config: Config,
        registry: Registry,
        archive_dir: PathBuf,
        access_log: Option<std::fs::File>,
        regenerate: Regenerate,
    ) -> Result<Desk, WebError> {
        Ok(Desk {
            config,
            registry,
            archive_dir,
            views: Views::new()?,
            limiter: Limiter::default(),
            tls: false,
            regenerate,
            log: Mutex::new(access_log),
            cached: Mutex::new(None),
        })
    }

    pub fn accounts(&self) -> Result<Accounts, WebError> {
        Ok(Accounts::open(&self.archive_dir)?)
    }

    /// The archive as it is now: opened again only when a reception was
    /// recorded since (by the CLI, the mailbox, another upload), so pages
    /// do not read every record on every request.
    pub fn archive(&self) -> Result<Arc<Archive>, WebError> {
        let stamp = Archive::stamp(&self.archive_dir)?;
        let mut cached = self.cached.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, archive)) = cached.as_ref() {
            if *at == stamp {
                return Ok(archive.clone());
            }
        }
        let archive = Arc::new(Archive::open(&self.archive_dir)?);
        *cached = Some((stamp, archive.clone()));
        Ok(archive)
    }

    /// A fresh archive to write into (uploads).
    pub fn archive_to_write(&self) -> Result<Archive, WebError> {
        Ok(Archive::open(&self.archive_dir)?)
    }

    /// One line of the access log.
    pub fn log(&self, line: &str) {
        let mut log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(file) = log.as_mut() {
            let _ = writeln!(file, "{line}");
        }
    }
}
