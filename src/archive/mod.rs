//! The submission archive: every received file, byte for byte, addressed by its
//! SHA-256, and one record per reception.
//!
//! Layout: `objects/ab/abcdef…` (the bytes), `records/00000001.json` (who sent
//! what, when, identified as which unit and period). Records are only ever
//! added, each written to a temporary file and renamed, after its object: a
//! kill at any moment leaves a consistent archive, and a rerun completes it.
//! The same bytes received twice are stored once and recorded twice; the same
//! reception (same message and part) taken in again is recorded once.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::output::write_atomic;
use crate::period::Period;

mod reception;
pub use reception::Received;

/// How a record's unit and period were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifiedBy {
    Cover,
    /// The cover did not say; the file name, subject or sender did.
    Name,
    /// Not identified: quarantined.
    None,
}

/// Where a record's received time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceivedFrom {
    /// The email's Date header.
    Email,
    /// A loose file: the cover's 填报日期 stands in.
    FillDate,
    Unknown,
}

/// One reception of one file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub seq: u64,
    pub key: String,
    pub hash: String,
    pub size: u64,
    pub original_name: String,
    pub sender: Option<String>,
    /// The email's Date header, RFC 3339 with the sender's offset.
    pub email_date: Option<String>,
    pub subject: Option<String>,
    pub message_id: Option<String>,
    pub source: String,
    /// When jucai took it in (UTC). Archive metadata only: no report shows it.
    pub intake_time: String,
    /// Received time in China Standard Time, used for deadlines.
    pub received: Option<NaiveDateTime>,
    pub received_from: ReceivedFrom,
    pub unit: Option<String>,
    pub period: Option<Period>,
    pub identified_by: IdentifiedBy,
    /// Whether the bytes are a readable workbook.
    pub workbook: bool,
    pub errors: usize,
    pub warnings: usize,
}

impl Record {
    pub fn quarantined(&self) -> bool {
        self.unit.is_none() || self.period.is_none() || !self.workbook
    }
}

/// What jucai found out about a received file.
#[derive(Debug, Clone)]
pub struct Identity {
    pub unit: Option<String>,
    pub period: Option<Period>,
    pub by: IdentifiedBy,
    pub workbook: bool,
    pub errors: usize,
    pub warnings: usize,
    pub fill_date: Option<chrono::NaiveDate>,
}

pub struct Archive {
    dir: PathBuf,
    records: Vec<Record>,
    keys: HashSet<String>,
    /// Indices into `records` of each unit's workbooks for each period.
    by_submission: HashMap<(String, Period), Vec<usize>>,
    next_seq: u64,
}

/// Outcome of adding one received file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    New,
    /// This reception is already recorded (the inbox was taken in before).
    AlreadyRecorded,
}

impl Archive {
    /// Open (or create) the archive in `dir`, loading every complete record.
    pub fn open(dir: &Path) -> Result<Archive, Error> {
        let records_dir = dir.join("records");
        std::fs::create_dir_all(&records_dir).map_err(|e| Error::io(&records_dir, e))?;
        std::fs::create_dir_all(dir.join("objects")).map_err(|e| Error::io(dir, e))?;
        let mut records = Vec::new();
        for entry in std::fs::read_dir(&records_dir).map_err(|e| Error::io(&records_dir, e))? {
            let path = entry.map_err(|e| Error::io(&records_dir, e))?.path();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if name.ends_with(".part") {
                // Left by a run that was killed while writing: never renamed, so never counted.
                let _ = std::fs::remove_file(&path);
                continue;
            }
            if !name.ends_with(".json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            let record: Record = serde_json::from_str(&text).map_err(|source| Error::Record {
                path: path.clone(),
                source,
            })?;
            records.push(record);
        }
        records.sort_by_key(|r| r.seq);
        let mut archive = Archive {
            dir: dir.to_path_buf(),
            records: Vec::new(),
            keys: HashSet::new(),
            by_submission: HashMap::new(),
            next_seq: records.last().map_or(1, |r| r.seq + 1),
        };
        for record in records {
            archive.index(record);
        }
        Ok(archive)
    }

    fn index(&mut self, record: Record) {
        self.keys.insert(record.key.clone());
        if let (true, Some(unit), Some(period)) = (record.workbook, &record.unit, record.period) {
            self.by_submission
                .entry((unit.clone(), period))
                .or_default()
                .push(self.records.len());
        }
        self.records.push(record);
    }

    pub fn records(&self) -> &[Record] {
        &self.records
    }

    pub fn contains(&self, key: &str) -> bool {
        self.keys.contains(key)
    }

    fn object_path(&self, hash: &str) -> PathBuf {
        object_path(&self.dir, hash)
    }

    /// The bytes of a record, as received.
    pub fn bytes(&self, record: &Record) -> Result<Vec<u8>, Error> {
        let path = self.object_path(&record.hash);
        std::fs::read(&path).map_err(|e| Error::io(&path, e))
    }

    /// Store a received file and record its reception.
    pub fn add(&mut self, received: &Received, identity: &Identity) -> Result<Added, Error> {
        if self.contains(&received.key) {
            return Ok(Added::AlreadyRecorded);
        }
        let hash = crate::hash::sha256_hex(&received.bytes);
        let Some(record) = self.record(received, identity, hash) else {
            return Ok(Added::AlreadyRecorded);
        };
        let writer = self.writer();
        writer.object(&record.hash, &received.bytes)?;
        writer.record(&record)?;
        self.insert(record);
        Ok(Added::New)
    }

    /// What writes objects and records into this archive; it can work on
    /// another thread while the next files are being checked.
    pub fn writer(&self) -> Writer {
        Writer {
            dir: self.dir.clone(),
        }
    }

    /// The record of a new reception whose bytes hash to `hash`, numbered
    /// next, or `None` if this reception is already recorded. It is written
    /// by a [`Writer`] (after the object) and counted by [`Archive::insert`].
    pub fn record(
        &mut self,
        received: &Received,
        identity: &Identity,
        hash: String,
    ) -> Option<Record> {
        if !self.keys.insert(received.key.clone()) {
            return None;
        }
        let (when, from) = match (received.date, identity.fill_date) {
            (Some(d), _) => (Some(china_time(d)), ReceivedFrom::Email),
            (None, Some(fill)) => (fill.and_hms_opt(17, 0, 0), ReceivedFrom::FillDate),
            (None, None) => (None, ReceivedFrom::Unknown),
        };
        let seq = self.next_seq;
        self.next_seq += 1;
        Some(Record {
            seq,
            key: received.key.clone(),
            hash,
            size: received.bytes.len() as u64,
            original_name: received.name.clone(),
            sender: received.sender.clone(),
            email_date: received.date.map(|d| d.to_rfc3339()),
            subject: received.subject.clone(),
            message_id: received.message_id.clone(),
            source: received.source.clone(),
            intake_time: Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            received: when,
            received_from: from,
            unit: identity.unit.clone(),
            period: identity.period,
            identified_by: identity.by,
            workbook: identity.workbook,
            errors: identity.errors,
            warnings: identity.warnings,
        })
    }

    /// Count a record made by [`Archive::record`].
    pub fn insert(&mut self, record: Record) {
        self.index(record);
    }

    /// Every version of a unit's submission for a period, oldest first.
    pub fn versions(&self, unit: &str, period: Period) -> Vec<&Record> {
        let mut v: Vec<&Record> = self
            .by_submission
            .get(&(unit.to_string(), period))
            .map(|ix| ix.iter().map(|&i| &self.records[i]).collect())
            .unwrap_or_default();
        v.sort_by_key(|r| (r.received, r.seq));
        v
    }

    /// The version that counts: the newest by received time, then by intake order.
    pub fn newest(&self, unit: &str, period: Period) -> Option<&Record> {
        self.versions(unit, period).into_iter().last()
    }

    /// Receptions that could not be identified or are not workbooks.
    pub fn quarantine(&self) -> impl Iterator<Item = &Record> {
        self.records.iter().filter(|r| r.quarantined())
    }

    /// Periods any identified submission is for, oldest first.
    pub fn periods(&self) -> Vec<Period> {
        let mut p: Vec<Period> = self
            .records
            .iter()
            .filter(|r| !r.quarantined())
            .filter_map(|r| r.period)
            .collect();
        p.sort();
        p.dedup();
        p
    }
}

/// Objects are kept in 256 folders by the first two hex digits of their hash.
fn object_path(dir: &Path, hash: &str) -> PathBuf {
    dir.join("objects").join(&hash[..2]).join(hash)
}

/// Writes into an archive folder. Every file is written atomically and
/// durably (temporary name, fsync, rename): an object before the record that
/// names it, so a record never points at nothing.
#[derive(Debug, Clone)]
pub struct Writer {
    dir: PathBuf,
}

impl Writer {
    /// Store bytes under their hash, unless already there.
    pub fn object(&self, hash: &str, bytes: &[u8]) -> Result<(), Error> {
        let object = object_path(&self.dir, hash);
        if !object.exists() {
            write_atomic(&object, bytes)?;
        }
        crash_point_for_tests(&self.dir);
        Ok(())
    }

    pub fn record(&self, record: &Record) -> Result<(), Error> {
        let path = self
            .dir
            .join("records")
            .join(format!("{:08}.json", record.seq));
        let json = serde_json::to_vec_pretty(record).map_err(|source| Error::Record {
            path: path.clone(),
            source,
        })?;
        write_atomic(&path, &json)
    }
}

/// The wall-clock time in China (UTC+8) of a dated email.
fn china_time(d: chrono::DateTime<chrono::FixedOffset>) -> NaiveDateTime {
    let cst = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    d.with_timezone(&cst).naive_local()
}

/// Tests simulate a crash between storing an object and recording it: with
/// `JUCAI_TEST_CRASH_AFTER` set to N, the process aborts after the N-th object
/// written by this run.
fn crash_point_for_tests(dir: &Path) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static WRITTEN: AtomicUsize = AtomicUsize::new(0);
    let Some(limit) = std::env::var("JUCAI_TEST_CRASH_AFTER")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    else {
        return;
    };
    if WRITTEN.fetch_add(1, Ordering::SeqCst) + 1 >= limit {
        eprintln!("（测试）在 {} 中模拟中断", dir.display());
        std::process::abort();
    }
}
