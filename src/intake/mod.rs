//! Intake: everything that arrives — loose workbooks, `.eml` files, `.mbox`
//! exports, `.zip` and `.7z` archives — becomes a list of received files with who sent
//! them and when. Nothing is dropped: a part that is not a workbook is received
//! too, and later quarantined.
//!
//! Data flow: paths → `receive` → [`Received`] → identify (validates) →
//! archive. [`take_in`] reads and validates on all cores, records the
//! receptions in input order (so the archive is the same however the work
//! was scheduled), and leaves the disk writes (objects, records, extracts)
//! to a thread of their own.

mod found;
pub(crate) mod identify;
mod listing;
pub mod mail;
pub mod packed;
mod received;
mod sevenz;
mod zip;

pub use found::{loose, Intake, Kept, Problem};
pub use received::{record, Identity, Received};

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use rayon::prelude::*;

use crate::archive::{Archive, Batch, Extract, IdentifiedBy, KeptMessage, Record, TakenMessage};
use crate::error::Error;
pub use crate::limits::Limits;
use crate::registry::Registry;
use crate::schema::Schema;

/// What received files are checked against.
#[derive(Clone, Copy)]
pub struct Rules<'a> {
    pub schema: &'a Schema,
    pub registry: &'a Registry,
    pub limits: &'a Limits,
}

/// Receive one input file by its kind: mail, mailbox, zip, or a loose file.
pub fn receive(path: &Path, limits: Limits) -> Intake {
    let source = path.display().to_string();
    // Not read at all when too big: it stays in the inbox, untouched.
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.len() > limits.max_file_bytes {
            return Intake {
                files: Vec::new(),
                problems: vec![Problem::TooBig {
                    source,
                    size: crate::limits::mb(meta.len()),
                    limit: crate::limits::mb(limits.max_file_bytes),
                }],
                messages: Vec::new(),
            };
        }
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return Intake {
                files: Vec::new(),
                problems: vec![Problem::Unreadable {
                    source,
                    reason: crate::read::workbook::io_reason(&e),
                }],
                messages: Vec::new(),
            }
        }
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "eml" => mail::from_eml(&bytes, &source, limits),
        "mbox" | "mbx" => mail::from_mbox(&bytes, &source, limits),
        "zip" | "7z" => packed::from_packed(&bytes, &name, &source, None, limits),
        _ => Intake {
            files: vec![loose(bytes, name, source)],
            problems: Vec::new(),
            messages: Vec::new(),
        },
    }
}

/// One thing to take in: a path on disk (file or folder contents), a
/// message fetched from a mailbox, or a file handed in on the web desk.
pub enum Input {
    Path(PathBuf),
    Message(Fetched),
    Upload(Upload),
}

/// A file handed in through the web desk.
pub struct Upload {
    /// The name the browser gave (a name only: never used as a path).
    pub name: String,
    pub bytes: Vec<u8>,
    /// Who handed it in, and how (for the archive's record).
    pub source: String,
    /// When it arrived, which counts as its received time (as a mail's Date does).
    pub at: chrono::DateTime<chrono::FixedOffset>,
}

/// A message fetched from the centre's mailbox, as the server gave it.
pub struct Fetched {
    pub raw: Vec<u8>,
    /// Where it is, for messages (an RFC 5092 IMAP URL).
    pub source: String,
    /// How the store knows it was taken (its `hash`, `size` and `message_id`
    /// are filled in here).
    pub taken: TakenMessage,
}

impl Input {
    /// What this input holds: the files received in it, and what could not be read.
    pub fn receive(&self, limits: Limits) -> Intake {
        match self {
            Input::Path(path) => receive(path, limits),
            Input::Upload(u) => upload(u, limits),
            Input::Message(m) if m.raw.len() as u64 > limits.max_file_bytes => Intake {
                files: Vec::new(),
                problems: vec![Problem::TooBig {
                    source: m.source.clone(),
                    size: crate::limits::mb(m.raw.len() as u64),
                    limit: crate::limits::mb(limits.max_file_bytes),
                }],
                messages: Vec::new(),
            },
            Input::Message(m) => mail::from_eml(&m.raw, &m.source, limits),
        }
    }

    /// The message's row for the store, with its raw bytes to keep.
    fn into_taken(self) -> Option<(TakenMessage, Vec<u8>)> {
        match self {
            Input::Path(_) | Input::Upload(_) => None,
            Input::Message(m) => {
                let mut taken = m.taken;
                taken.hash = crate::hash::sha256_hex(&m.raw);
                taken.size = m.raw.len() as u64;
                Some((taken, m.raw))
            }
        }
    }
}

/// An uploaded file by its kind, as [`receive`] does for a file on disk.
fn upload(u: &Upload, limits: Limits) -> Intake {
    if u.bytes.len() as u64 > limits.max_file_bytes {
        return Intake {
            files: Vec::new(),
            problems: vec![Problem::TooBig {
                source: u.source.clone(),
                size: crate::limits::mb(u.bytes.len() as u64),
                limit: crate::limits::mb(limits.max_file_bytes),
            }],
            messages: Vec::new(),
        };
    }
    let ext = Path::new(&u.name)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "eml" => {
            // Handed in, not mailed: it arrived now, from the account that
            // uploaded it (its Date and From are the uploader's to write).
            let mut got = mail::from_eml(&u.bytes, &u.source, limits);
            for f in &mut got.files {
                f.date = Some(u.at);
                f.sender = None;
            }
            got
        }
        "zip" | "7z" => {
            // What the archive's entries take their received time and keys from:
            // keyed by the zip's own content, as a zip on disk is.
            let mut envelope = loose(Vec::new(), u.name.clone(), u.source.clone());
            envelope.key = format!("file:{}:{}", crate::hash::sha256_hex(&u.bytes), u.name);
            envelope.date = Some(u.at);
            packed::from_packed(&u.bytes, &u.name, &u.source, Some(&envelope), limits)
        }
        _ => {
            let mut file = loose(u.bytes.clone(), u.name.clone(), u.source.clone());
            file.date = Some(u.at);
            Intake {
                files: vec![file],
                problems: Vec::new(),
                messages: Vec::new(),
            }
        }
    }
}

/// What one intake run did.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub received: usize,
    /// Mailbox messages taken (each stored as received, besides its attachments).
    pub messages: usize,
    pub new: usize,
    pub already: usize,
    pub quarantined: usize,
    pub with_errors: usize,
    /// Containers (or parts of them) that could not be read.
    pub problems: Vec<Problem>,
}

/// Input files handled together: read and validated in parallel, then
/// numbered in order. Small, so that only a few workbooks are in memory at once.
const BATCH: usize = 32;

/// A new reception, checked, waiting for its number.
struct Ready {
    identity: Identity,
    hash: String,
    /// Its validated records, when it is a workbook.
    extract: Option<Extract>,
}

/// Files, records and extracts (and mailbox messages) for the writer
/// thread, in the order they must reach the disk.
type Writes = Batch;

/// What the writer made of one batch: each record numbered, or `None` when
/// another process recorded the same reception first.
type Written = Vec<Option<Record>>;

/// Take every path in: files, folders, mail, mailboxes, zips. Each new
/// reception is stored and recorded, and each workbook's validated records
/// kept as an extract (so no later command reads it again).
pub fn take_in(
    paths: &[PathBuf],
    archive: &mut Archive,
    rules: Rules<'_>,
    bar: &indicatif::ProgressBar,
) -> Result<Summary, Error> {
    let files = crate::inputs::collect(paths);
    bar.set_length(files.len() as u64);
    take_in_from(files.into_iter().map(Input::Path), archive, rules, bar)
}

/// Take inputs in as they come (a mailbox's messages while they are still
/// being fetched), a batch at a time; each batch is durable once written.
pub fn take_in_from(
    inputs: impl Iterator<Item = Input>,
    archive: &mut Archive,
    rules: Rules<'_>,
    bar: &indicatif::ProgressBar,
) -> Result<Summary, Error> {
    let _pages = crate::memory::PurgeDelay::keep();
    let mut inputs = inputs.peekable();
    let fingerprint = crate::validate::fingerprint(rules.schema, rules.registry, rules.limits);
    let mut writer = archive.writer(&fingerprint)?;
    let schema = rules.schema;
    std::thread::scope(|scope| {
        // Waiting for the disk (fsync) overlaps with checking the next batch.
        let (send, receive_writes) = mpsc::sync_channel::<Writes>(2);
        let (send_written, written) = mpsc::channel::<Written>();
        let writing = scope.spawn(move || -> Result<(), Error> {
            for batch in receive_writes {
                // A closed receiver means intake stopped on an error of its own.
                let _ = send_written.send(writer.write(batch, schema)?);
            }
            writer.flush(schema)
        });
        let mut summary = Summary::default();
        let mut result = Ok(());
        while inputs.peek().is_some() {
            let batch: Vec<Input> = inputs.by_ref().take(BATCH).collect();
            let writes = match take_batch(batch, archive, rules, bar, &mut summary) {
                Ok(w) => w,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            };
            if send.send(writes).is_err() {
                break; // The writer stopped on an error, reported below.
            }
            while let Ok(done) = written.try_recv() {
                count(done, archive, &mut summary);
            }
        }
        drop(send);
        let wrote = writing
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        for done in written.try_iter() {
            count(done, archive, &mut summary);
        }
        result.and(wrote).map(|()| summary)
    })
}

/// Count a written batch: each reception recorded now is added to the
/// archive's view; one another process recorded first was received before.
fn count(done: Written, archive: &mut Archive, summary: &mut Summary) {
    for record in done {
        let Some(record) = record else {
            summary.already += 1;
            continue;
        };
        summary.new += 1;
        if record.identified_by == IdentifiedBy::None {
            summary.quarantined += 1;
        } else if record.errors > 0 {
            summary.with_errors += 1;
        }
        archive.insert(record);
    }
}

/// Whether the archive has this reception: by its key, or under the key an
/// earlier jucai gave it with the same bytes (so a Message-ID recorded
/// before hides nothing but an identical file).
pub(crate) fn received_before(archive: &Archive, r: &Received, hash: &str) -> bool {
    archive.contains(&r.key)
        || r.legacy_key
            .as_deref()
            .and_then(|k| archive.record(k))
            .is_some_and(|old| old.hash == hash)
}

/// The archive's row of a kept message, with its bytes.
fn kept(m: Kept) -> (KeptMessage, Vec<u8>) {
    let row = KeptMessage {
        hash: crate::hash::sha256_hex(&m.raw),
        size: m.raw.len() as u64,
        source: m.source,
        sender: m.sender,
        email_date: m.date.map(|d| d.to_rfc3339()),
        subject: m.subject,
        message_id: m.message_id,
        files: m.files as u64,
        intake_time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    (row, m.raw)
}

/// Receive, identify and validate one batch of input files in parallel, and
/// number its new receptions in order.
fn take_batch(
    batch: Vec<Input>,
    archive: &Archive,
    rules: Rules<'_>,
    bar: &indicatif::ProgressBar,
    summary: &mut Summary,
) -> Result<Writes, Error> {
    let shared = archive;
    let checked: Vec<(Intake, Vec<Option<Ready>>)> = batch
        .par_iter()
        .map(|input| {
            let got = input.receive(*rules.limits);
            let ready = got
                .files
                .par_iter()
                .map(|r| {
                    let hash = crate::hash::sha256_hex(&r.bytes);
                    if received_before(shared, r, &hash) {
                        return None;
                    }
                    let (identity, checked) =
                        identify::identify(r, rules.schema, rules.registry, rules.limits);
                    Some(Ready {
                        extract: identity
                            .workbook
                            .then(|| Extract::new(hash.clone(), checked)),
                        hash,
                        identity,
                    })
                })
                .collect();
            bar.inc(1);
            (got, ready)
        })
        .collect();
    // Within the batch, the same reception twice (one inbox file named twice).
    let mut seen = std::collections::HashSet::new();
    let mut out = Batch {
        files: Vec::new(),
        messages: batch.into_iter().filter_map(Input::into_taken).collect(),
        kept: Vec::new(),
    };
    summary.messages += out.messages.len();
    for (got, ready) in checked {
        summary.problems.extend(got.problems);
        out.kept.extend(got.messages.into_iter().map(kept));
        for (received, ready) in got.files.into_iter().zip(ready) {
            summary.received += 1;
            let Some(c) = ready.filter(|_| seen.insert(received.key.clone())) else {
                summary.already += 1;
                continue;
            };
            let record = received::record(&received, &c.identity, c.hash);
            out.files.push((record, received.bytes, c.extract));
        }
    }
    Ok(out)
}
