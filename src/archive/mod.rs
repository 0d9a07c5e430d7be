//! The submission archive: every received file, byte for byte, addressed by
//! its SHA-256 (`objects/`), and one record per reception in the index
//! (`index.sqlite`, see [`index`]).
//!
//! The same bytes received twice are stored once and recorded twice; the same
//! reception (same message and part) taken in again is recorded once, however
//! many processes take it in at the same moment. Objects are written before
//! the records that name them, so a record never points at nothing, and a
//! kill at any moment leaves a consistent archive that a rerun completes.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::period::Period;

mod accounts;
pub mod extract;
mod index;
mod mail;
mod migrate;
mod objects;
mod reception;
mod record;

pub use accounts::{Account, Role, Session};
pub use extract::{Extract, Validation};
pub use index::SCHEMA_VERSION;
pub use mail::{Notice, NoticeKind, TakenMessage};
pub use objects::Objects;
pub use reception::Received;
pub use record::{IdentifiedBy, Identity, ReceivedFrom, Record};

/// An archive, and what was recorded in it when it was opened (plus what
/// this process added since).
pub struct Archive {
    dir: PathBuf,
    objects: Objects,
    records: Vec<Record>,
    keys: HashMap<String, usize>,
    /// Indices into `records` of each unit's workbooks for each period.
    by_submission: HashMap<(String, Period), Vec<usize>>,
}

impl Archive {
    /// Open (or create) the archive in `dir`. An archive of the earlier
    /// layout (JSON records) is imported into the index on first open.
    pub fn open(dir: &Path) -> Result<Archive, Error> {
        std::fs::create_dir_all(dir.join("objects")).map_err(|e| Error::io(dir, e))?;
        let mut index = index::Index::open(dir)?;
        migrate::from_json_records(dir, &mut index)?;
        let mut archive = Archive {
            dir: dir.to_path_buf(),
            objects: Objects::new(dir),
            records: Vec::new(),
            keys: HashMap::new(),
            by_submission: HashMap::new(),
        };
        for record in index.receptions()? {
            archive.insert(record);
        }
        Ok(archive)
    }

    /// Count a record (taken from the index, or just written to it).
    pub fn insert(&mut self, record: Record) {
        self.keys.insert(record.key.clone(), self.records.len());
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

    /// The record of a reception, by its key.
    pub fn record(&self, key: &str) -> Option<&Record> {
        self.keys.get(key).map(|&i| &self.records[i])
    }

    /// Whether this reception is recorded.
    pub fn contains(&self, key: &str) -> bool {
        self.keys.contains_key(key)
    }

    /// The bytes of a record, as received.
    pub fn bytes(&self, record: &Record) -> Result<Vec<u8>, Error> {
        self.objects.get(&record.hash)
    }

    /// What writes into this archive's objects and index; it can work on
    /// another thread while the next files are being checked. Extracts are
    /// kept under `fingerprint` (see [`crate::validate::fingerprint`]).
    pub fn writer(&self, fingerprint: &str) -> Result<Writer, Error> {
        Ok(Writer {
            objects: self.objects.clone(),
            index: index::Index::open(&self.dir)?,
            extracts: extract::Batch::new(&self.dir, fingerprint),
            fingerprint: fingerprint.to_string(),
        })
    }

    /// What changes whenever a reception is recorded (by any process): to
    /// tell whether an archive opened earlier is still current.
    pub fn stamp(dir: &Path) -> Result<(i64, i64), Error> {
        index::Index::open(dir)?.stamp()
    }

    /// The UIDs of `mailbox` taken in under `uidvalidity`.
    pub fn taken(&self, mailbox: &str, uidvalidity: u32) -> Result<HashSet<u32>, Error> {
        index::Index::open(&self.dir)?.taken(mailbox, uidvalidity)
    }

    /// Every notice recorded for `period`, oldest first.
    pub fn notices(&self, period: Period) -> Result<Vec<Notice>, Error> {
        index::Index::open(&self.dir)?.notices(period)
    }

    /// Record a notice, keeping the message as sent (when there is one)
    /// among the objects first.
    pub fn record_notice(&self, notice: &Notice, message: &[u8]) -> Result<(), Error> {
        if let Some(hash) = &notice.hash {
            self.objects.put(hash, message)?;
        }
        index::Index::open(&self.dir)?.insert_notice(notice, message.len() as u64)
    }

    /// The web desk's accounts and sessions (see [`Accounts`]).
    pub fn accounts(&self) -> Result<Accounts, Error> {
        Ok(Accounts {
            index: index::Index::open(&self.dir)?,
        })
    }

    /// The archive's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What validating under `fingerprint` gave, by workbook (content hash).
    pub fn validations(&self, fingerprint: &str) -> Result<HashMap<String, Validation>, Error> {
        let index = index::Index::open(&self.dir)?;
        Ok(index
            .validations(fingerprint)?
            .into_iter()
            .map(|v| (v.hash.clone(), v))
            .collect())
    }

    /// The diagnostics of one workbook validated under `fingerprint`.
    pub fn diagnostics(
        &self,
        hash: &str,
        fingerprint: &str,
    ) -> Result<Option<Vec<crate::diagnostic::Diagnostic>>, Error> {
        index::Index::open(&self.dir)?.diagnostics(hash, fingerprint)
    }

    /// Validate archived workbooks again (under rules intake did not use, or
    /// ones an interrupted intake left without an extract), and store what
    /// it gives.
    pub fn validate_again(
        &self,
        hashes: &[&str],
        schema: &crate::schema::Schema,
        registry: &crate::registry::Registry,
        limits: &crate::limits::Limits,
        fingerprint: &str,
    ) -> Result<(), Error> {
        use rayon::prelude::*;
        let names: HashMap<&str, &str> = self
            .records
            .iter()
            .map(|r| (r.hash.as_str(), r.original_name.as_str()))
            .collect();
        let extracts = hashes
            .par_iter()
            .map(|&hash| {
                let bytes = self.objects.get(hash)?;
                let name = names.get(hash).copied().unwrap_or(hash);
                let checked = crate::validate::validate(&bytes, name, schema, registry, limits);
                Ok(Extract::new(hash.to_string(), checked))
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let mut batch = extract::Batch::new(&self.dir, fingerprint);
        for e in extracts {
            batch.add(e);
        }
        let validations = batch.write(schema)?;
        index::Index::open(&self.dir)?.insert_validations(fingerprint, &validations)
    }

    /// The extracts of `batches` for one ledger, as one lazy scan (`None`
    /// when there are none).
    pub fn scan(
        &self,
        ledger: crate::schema::LedgerKey,
        batches: &[String],
    ) -> Result<Option<polars::prelude::LazyFrame>, Error> {
        Ok(extract::scan(&self.dir, ledger, batches)?)
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

/// What one write stores: received files (each with its record and, for a
/// workbook, its validated records), and the mailbox messages they came in
/// with their raw bytes.
#[derive(Default)]
pub struct Batch {
    pub files: Vec<(Record, Vec<u8>, Option<Extract>)>,
    pub messages: Vec<(TakenMessage, Vec<u8>)>,
}

/// Writes received files into an archive: each batch's objects first
/// (durably), then its records in one transaction of the index; the
/// workbooks' validated records are gathered into extract batches, written
/// with what validating them gave.
pub struct Writer {
    objects: Objects,
    index: index::Index,
    extracts: extract::Batch,
    fingerprint: String,
}

impl Writer {
    /// Store the bytes and record the receptions of one batch, in order.
    /// Each record comes back numbered, or `None` if its reception was
    /// recorded already (by another process taking the same inbox in).
    pub fn write(
        &mut self,
        batch: Batch,
        schema: &crate::schema::Schema,
    ) -> Result<Vec<Option<Record>>, Error> {
        let mut records = Vec::with_capacity(batch.files.len());
        for (record, bytes, extract) in batch.files {
            self.objects.put(&record.hash, &bytes)?;
            records.push(record);
            if let Some(e) = extract {
                self.extracts.add(e);
            }
        }
        let mut messages = Vec::with_capacity(batch.messages.len());
        for (message, raw) in batch.messages {
            self.objects.put(&message.hash, &raw)?;
            messages.push(message);
        }
        let written = self.index.insert(records, &messages)?;
        if self.extracts.is_full() {
            self.flush(schema)?;
        }
        Ok(written)
    }

    /// Write the extracts gathered so far.
    pub fn flush(&mut self, schema: &crate::schema::Schema) -> Result<(), Error> {
        let validations = self.extracts.write(schema)?;
        self.index
            .insert_validations(&self.fingerprint, &validations)
    }
}

/// Accounts and sessions in the archive's index, through one connection.
pub struct Accounts {
    index: index::Index,
}

impl Accounts {
    /// Open them in an archive folder without loading its receptions.
    pub fn open(dir: &Path) -> Result<Accounts, Error> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        Ok(Accounts {
            index: index::Index::open(dir)?,
        })
    }

    /// Add an account; `false` when the name is taken.
    pub fn add(&mut self, account: &Account) -> Result<bool, Error> {
        self.index.add_account(account)
    }

    /// Remove an account and its sessions; `false` when there was none.
    pub fn remove(&mut self, name: &str) -> Result<bool, Error> {
        self.index.remove_account(name)
    }

    /// Every account, by name.
    pub fn list(&self) -> Result<Vec<Account>, Error> {
        self.index.accounts()
    }

    /// One account.
    pub fn get(&self, name: &str) -> Result<Option<Account>, Error> {
        Ok(self.list()?.into_iter().find(|a| a.name == name))
    }

    pub fn start_session(&mut self, token_hash: &str, s: &Session, now: i64) -> Result<(), Error> {
        self.index.insert_session(token_hash, s, now)
    }

    pub fn session(&self, token_hash: &str, now: i64) -> Result<Option<Session>, Error> {
        self.index.session(token_hash, now)
    }

    pub fn end_session(&mut self, token_hash: &str) -> Result<(), Error> {
        self.index.remove_session(token_hash)
    }
}
