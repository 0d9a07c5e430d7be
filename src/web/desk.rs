//! What every request is served from: the settings, the registry, the
//! archive's folder, the page templates, the login limiter, the access log.

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::error::WebError;
use super::jobs::{Jobs, Progress, ReportJob};
use super::limiter::Limiter;
use super::view::Views;
use crate::archive::Archive;
use crate::config::Config;
use crate::registry::Registry;
use crate::web::store::Accounts;

/// Makes a job's reports, telling the progress as it goes; the files written.
pub(crate) type Regenerate =
    Arc<dyn Fn(&ReportJob, &Progress) -> Result<usize, String> + Send + Sync>;

pub(crate) struct Desk {
    pub config: Config,
    pub registry: Registry,
    pub archive_dir: PathBuf,
    pub views: Views,
    pub limiter: Limiter,
    /// Whether pages are served over TLS (cookies are then `Secure`).
    pub tls: bool,
    /// Whether a reverse proxy stands in front (`--behind-https`): clients
    /// are told apart by the address it forwards.
    pub behind_proxy: bool,
    pub regenerate: Regenerate,
    /// Report jobs started from the reports page.
    pub jobs: Jobs,
    log: Mutex<Option<std::fs::File>>,
    /// Every unit's report model of a period, by period.
    pub models: Kept<Arc<Vec<crate::reports::quarterly::QuarterlyReport>>>,
    /// Held while a model is made, so that clients arriving together wait
    /// for the one being made instead of each making it.
    pub making: Mutex<()>,
    /// Period pages already rendered, by period and scope.
    pub period_pages: Kept<PeriodShown>,
    /// What the big screen shows, made once while the archive is unchanged
    /// (every display reloads it every five minutes).
    pub screen: Kept<Arc<serde_json::Value>>,
    /// Held while the desk sends mail, so a double click sends once.
    pub sending: Mutex<()>,
    /// Held while a record entered on the desk is saved: each save starts
    /// from the unit's data as the one before left it.
    pub entering: Mutex<()>,
    /// The archive as last opened, with its stamp (see [`Archive::stamp`]).
    cached: Mutex<Option<Opened>>,
}

/// An archive opened, and the stamp it had then.
type Opened = ((i64, i64), Arc<Archive>);

/// How a version saved on the desk's entry forms names where it came from.
pub(crate) const ENTRY_SOURCE: &str = "网页填报";

impl Desk {
    /// The period a unit is filling: the district's latest period (by what
    /// arrived by mail, upload or the command line: versions saved on the
    /// desk do not move it) until the unit's accepted version of it is in,
    /// then the next. The workroom's home and the entry forms both ask this.
    pub(crate) fn filling(&self, archive: &Archive, code: &str) -> crate::period::Period {
        let sent = |r: &&crate::archive::Record| !r.source.starts_with(ENTRY_SOURCE);
        let now = archive
            .records()
            .iter()
            .filter(sent)
            .filter_map(|r| r.period)
            .max()
            .unwrap_or(self.config.template_period);
        let accepted = archive
            .versions(code, now)
            .into_iter()
            .rfind(|r| sent(r))
            .is_some_and(|r| r.errors == 0);
        match accepted {
            true => now.next(),
            false => now,
        }
    }

    pub(crate) fn new(
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
            behind_proxy: false,
            regenerate,
            jobs: Jobs::default(),
            log: Mutex::new(access_log),
            models: Kept::default(),
            making: Mutex::new(()),
            period_pages: Kept::default(),
            screen: Kept::default(),
            sending: Mutex::new(()),
            entering: Mutex::new(()),
            cached: Mutex::new(None),
        })
    }

    pub(crate) fn accounts(&self) -> Result<Accounts, WebError> {
        Ok(Accounts::open(&self.archive_dir)?)
    }

    /// The archive as it is now, opened to read: opened again only when a
    /// reception was recorded since (by the CLI, the mailbox, another
    /// upload), so pages do not read every record on every request.
    pub(crate) fn archive(&self) -> Result<Arc<Archive>, WebError> {
        let stamp = Archive::stamp(&self.archive_dir)?;
        let mut cached = self.cached.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, archive)) = cached.as_ref() {
            if *at == stamp {
                return Ok(archive.clone());
            }
        }
        let archive = Arc::new(Archive::open_read(&self.archive_dir)?);
        *cached = Some((stamp, archive.clone()));
        Ok(archive)
    }

    /// A fresh archive to write into (uploads).
    pub(crate) fn archive_to_write(&self) -> Result<Archive, WebError> {
        Ok(Archive::open(&self.archive_dir)?)
    }

    /// One line of the access log.
    pub(crate) fn log(&self, line: &str) {
        let mut log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(file) = log.as_mut() {
            let _ = writeln!(file, "{line}");
        }
    }
}

/// A period page's figures and its rendered tables, kept while the archive
/// is unchanged: the centre's page of a province lists thousands of units.
#[derive(Clone)]
pub(crate) struct PeriodShown {
    pub data: Arc<serde_json::Value>,
    /// HTML, every text in it escaped when it was rendered.
    pub table: Arc<String>,
}

/// Things made from the archive, kept while its stamp is unchanged (at most
/// [`Kept::MAX`] of them; all are dropped when that is reached).
pub(crate) struct Kept<T> {
    map: Mutex<std::collections::HashMap<String, Stamped<T>>>,
}

/// A value and the archive stamp it was made at.
type Stamped<T> = ((i64, i64), T);

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept {
            map: Mutex::new(std::collections::HashMap::new()),
        }
    }
}

impl<T: Clone> Kept<T> {
    const MAX: usize = 64;

    pub(crate) fn get(&self, key: &str, stamp: (i64, i64)) -> Option<T> {
        let map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        map.get(key)
            .filter(|(s, _)| *s == stamp)
            .map(|(_, v)| v.clone())
    }

    pub(crate) fn put(&self, key: String, stamp: (i64, i64), value: T) {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= Self::MAX {
            map.clear();
        }
        map.insert(key, (stamp, value));
    }
}
