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

pub mod backup;
pub(crate) mod extract;
mod index;
mod mail;
mod migrate;
mod objects;
mod record;

pub use extract::{Extract, Validation};
pub use index::SCHEMA_VERSION;
pub use mail::{KeptMessage, Notice, NoticeKind, TakenMessage};
pub use objects::Objects;
pub use record::{IdentifiedBy, ReceivedFrom, Record};

/// An archive, and what was recorded in it when it was opened (plus what
/// this process added since).
pub struct Archive {
    dir: PathBuf,
    /// Opened by something that writes (intake, the desk), or only reads
    /// (reports, status, export): a reader never creates, upgrades or
    /// writes anything, and works on an archive it cannot write.
    writable: bool,
    objects: Objects,
    records: Vec<Record>,
    keys: HashMap<String, usize>,
    /// Indices into `records` of each unit's workbooks for each period.
    by_submission: HashMap<(String, Period), Vec<usize>>,
    /// Every message kept, in the order first taken in.
    messages: Vec<KeptMessage>,
}

/// Make `dir` (and the folders above it that are missing) readable by its
/// owner and group only: an archive holds ID numbers and phones.
pub(crate) fn private_dir(dir: &Path) -> Result<(), Error> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o750)
        .create(dir)
        .map_err(|e| Error::io(dir, e))
}

impl Archive {
    /// Open (or create) the archive in `dir`. An archive of the earlier
    /// layout (JSON records) is imported into the index on first open.
    pub fn open(dir: &Path) -> Result<Archive, Error> {
        private_dir(&dir.join("objects"))?;
        let mut index = index::Index::open(dir)?;
        migrate::from_json_records(dir, &mut index)?;
        let mut archive = Archive::empty(dir, true);
        for record in index.receptions()? {
            archive.insert(record);
        }
        archive.messages = index.kept_messages()?;
        Ok(archive)
    }

    /// An archive in `dir` with nothing counted yet.
    fn empty(dir: &Path, writable: bool) -> Archive {
        Archive {
            dir: dir.to_path_buf(),
            writable,
            objects: Objects::new(dir),
            records: Vec::new(),
            keys: HashMap::new(),
            by_submission: HashMap::new(),
            messages: Vec::new(),
        }
    }

    /// Open the archive in `dir` to read it, writing nothing there: no
    /// folder or index is created (an archive without one has received
    /// nothing), none is upgraded (an outdated one is an error saying to
    /// run `jucai reindex`).
    pub fn open_read(dir: &Path) -> Result<Archive, Error> {
        let mut archive = Archive::empty(dir, false);
        match index::Index::open_read(dir)? {
            Some(index) => {
                for record in index.receptions()? {
                    archive.insert(record);
                }
                archive.messages = index.kept_messages()?;
            }
            // An archive of the layout before the index is imported by a writer.
            None if migrate::has_json_records(dir) => {
                return Err(Error::IndexOutdated {
                    path: dir.join(index::FILE),
                    found: 0,
                })
            }
            None => {}
        }
        Ok(archive)
    }

    /// The index, opened as this archive was.
    fn index(&self) -> Result<Option<index::Index>, Error> {
        if self.writable {
            index::Index::open(&self.dir).map(Some)
        } else {
            index::Index::open_read(&self.dir)
        }
    }

    /// The index to write into; refused on an archive opened to read.
    fn index_to_write(&self) -> Result<index::Index, Error> {
        if !self.writable {
            return Err(Error::ReadOnlyArchive);
        }
        index::Index::open(&self.dir)
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
            index: self.index_to_write()?,
            extracts: extract::Batch::new(&self.dir, fingerprint),
            fingerprint: fingerprint.to_string(),
        })
    }

    /// What changes whenever a reception is recorded (by any process): to
    /// tell whether an archive opened earlier is still current.
    pub fn stamp(dir: &Path) -> Result<(i64, i64), Error> {
        match index::Index::open_read(dir)? {
            Some(index) => index.stamp(),
            None => Ok((0, 0)),
        }
    }

    /// The UIDs of `mailbox` taken in under `uidvalidity`.
    pub fn taken(&self, mailbox: &str, uidvalidity: u32) -> Result<HashSet<u32>, Error> {
        match self.index()? {
            Some(index) => index.taken(mailbox, uidvalidity),
            None => Ok(HashSet::new()),
        }
    }

    /// Every message kept (however it came), in the order first taken
    /// in, as of when the archive was opened.
    pub fn kept_messages(&self) -> &[KeptMessage] {
        &self.messages
    }

    /// Every notice recorded for `period`, oldest first.
    pub fn notices(&self, period: Period) -> Result<Vec<Notice>, Error> {
        match self.index()? {
            Some(index) => index.notices(period),
            None => Ok(Vec::new()),
        }
    }

    /// Record a notice, keeping the message as sent (when there is one)
    /// among the objects first.
    pub fn record_notice(&self, notice: &Notice, message: &[u8]) -> Result<(), Error> {
        let mut index = self.index_to_write()?;
        if let Some(hash) = &notice.hash {
            self.objects.put(hash, message)?;
        }
        index.insert_notice(notice, message.len() as u64)
    }

    /// The archive's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What validating under `fingerprint` gave, by workbook (content hash).
    pub fn validations(&self, fingerprint: &str) -> Result<HashMap<String, Validation>, Error> {
        let Some(index) = self.index()? else {
            return Ok(HashMap::new());
        };
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
        match self.index()? {
            Some(index) => index.diagnostics(hash, fingerprint),
            None => Ok(None),
        }
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
        let mut index = self.index_to_write()?;
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
        index.insert_validations(fingerprint, &validations)
    }

    /// Validate the workbooks reports count that are not validated under
    /// `fingerprint` ([`Archive::not_validated`]) and store their extracts;
    /// how many there were. What `jucai reindex` and every intake do, so
    /// that reading never has to.
    pub fn reindex(
        &self,
        schema: &crate::schema::Schema,
        registry: &crate::registry::Registry,
        limits: &crate::limits::Limits,
        fingerprint: &str,
    ) -> Result<usize, Error> {
        let stale = self.not_validated(fingerprint)?;
        if !stale.is_empty() {
            let hashes: Vec<&str> = stale.iter().map(String::as_str).collect();
            self.validate_again(&hashes, schema, registry, limits, fingerprint)?;
        }
        Ok(stale.len())
    }

    /// The newest version of every unit's submission for every period
    /// that is not validated under `fingerprint` (the schema or registry
    /// changed since intake, or an intake was interrupted): what reports
    /// would count but cannot read.
    pub fn not_validated(&self, fingerprint: &str) -> Result<Vec<String>, Error> {
        let known = self.validations(fingerprint)?;
        let mut hashes: Vec<String> = self
            .by_submission
            .keys()
            .filter_map(|(unit, period)| self.newest(unit, *period))
            .map(|r| r.hash.clone())
            .filter(|h| !known.contains_key(h))
            .collect();
        hashes.sort();
        hashes.dedup();
        Ok(hashes)
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

    /// Validated workbooks' records read back from their extracts, by
    /// content hash: ledger by ledger in schema order, rows in sheet order.
    pub fn valid_rows(
        &self,
        schema: &crate::schema::Schema,
        validations: &[&Validation],
    ) -> Result<HashMap<String, Vec<Vec<crate::validate::ValidRow>>>, Error> {
        extract::read_back(&self.dir, schema, validations)
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

    /// The last period at or before `period`, within `quarters` quarters,
    /// that the unit reported, and the version of it that counts.
    pub fn last_reported(
        &self,
        unit: &str,
        period: Period,
        quarters: usize,
    ) -> Option<(Period, &Record)> {
        std::iter::successors(Some(period), |p| Some(p.previous()))
            .take(quarters)
            .find_map(|p| self.newest(unit, p).map(|r| (p, r)))
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
    /// Every message the batch's inputs held, with its raw bytes.
    pub kept: Vec<(KeptMessage, Vec<u8>)>,
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
        let mut kept = Vec::with_capacity(batch.kept.len());
        for (message, raw) in batch.kept {
            self.objects.put(&message.hash, &raw)?;
            kept.push(message);
        }
        let written = self.index.insert(records, &messages, &kept)?;
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
