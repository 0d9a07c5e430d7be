//! The archive's index: one row per reception, validation results and mail
//! state in SQLite, in WAL mode with foreign keys on.
//! Several processes may write at once (two intakes, the web desk, `jucai
//! run`): every write is one `BEGIN IMMEDIATE` transaction, a reception is
//! unique by its key (the same mail part taken in twice is recorded once),
//! and SQLite numbers receptions, so no number is given twice. A kill at any
//! moment leaves the last committed transaction.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{
    params, Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior,
};

use super::extract::Validation;
use super::mail::{KeptMessage, Notice, TakenMessage};
use super::record::{IdentifiedBy, ReceivedFrom, Record};
use crate::error::Error;
use crate::period::Period;

/// The index's layout version, kept in SQLite's `user_version`.
pub const SCHEMA_VERSION: i32 = 6;

/// File name of the index in an archive folder.
pub(super) const FILE: &str = "index.sqlite";

const CREATE: &str = "
CREATE TABLE objects (
    hash TEXT PRIMARY KEY,
    size INTEGER NOT NULL
);
CREATE TABLE receptions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL REFERENCES objects(hash),
    original_name TEXT NOT NULL,
    sender TEXT,
    email_date TEXT,
    subject TEXT,
    message_id TEXT,
    source TEXT NOT NULL,
    intake_time TEXT NOT NULL,
    received TEXT,
    received_from TEXT NOT NULL,
    unit TEXT,
    period TEXT,
    identified_by TEXT NOT NULL,
    workbook INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL
);
CREATE INDEX receptions_by_submission ON receptions(unit, period);
";

/// Version 2: what validating each workbook gave, per validation fingerprint.
const CREATE_VALIDATIONS: &str = "
CREATE TABLE validations (
    hash TEXT NOT NULL REFERENCES objects(hash),
    fingerprint TEXT NOT NULL,
    batch TEXT NOT NULL,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    ledgers_present INTEGER NOT NULL,
    excluded TEXT NOT NULL,
    diagnostics TEXT NOT NULL,
    PRIMARY KEY (hash, fingerprint)
);
";

/// Version 3: the mailbox's messages taken in, and the notices sent to units.
const CREATE_MAIL: &str = "
CREATE TABLE mail_messages (
    mailbox TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    uid INTEGER NOT NULL,
    hash TEXT NOT NULL REFERENCES objects(hash),
    message_id TEXT,
    intake_time TEXT NOT NULL,
    PRIMARY KEY (mailbox, uidvalidity, uid)
);
CREATE TABLE notices (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    unit TEXT NOT NULL,
    period TEXT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    recipient TEXT NOT NULL,
    message_id TEXT NOT NULL,
    hash TEXT REFERENCES objects(hash),
    outcome TEXT NOT NULL,
    error TEXT,
    time TEXT NOT NULL
);
CREATE INDEX notices_by_submission ON notices(unit, period);
";

// Version 4 added the web desk's accounts and sessions, which the desk's
// own store (`web::store`) creates in this file: nothing of the archive's.

/// Version 5: every message received, however it came, by its content.
const CREATE_MESSAGES: &str = "
CREATE TABLE messages (
    hash TEXT PRIMARY KEY REFERENCES objects(hash),
    source TEXT NOT NULL,
    sender TEXT,
    email_date TEXT,
    subject TEXT,
    message_id TEXT,
    files INTEGER NOT NULL,
    intake_time TEXT NOT NULL
);
";

/// Version 6: why a reception is not a readable workbook.
const ADD_REASON: &str = "ALTER TABLE receptions ADD COLUMN reason TEXT;";

pub(super) struct Index {
    path: PathBuf,
    conn: Connection,
}

impl Index {
    /// Open (or create) the index of the archive in `dir`.
    pub(super) fn open(dir: &Path) -> Result<Index, Error> {
        let path = dir.join(FILE);
        let conn = crate::sqlite::open(&path).map_err(|e| Error::index(&path, e))?;
        let mut index = Index { path, conn };
        index.create()?;
        Ok(index)
    }

    /// Open the index of the archive in `dir` for reading only: nothing is
    /// created, upgraded or written. On a folder that cannot be written (a
    /// read-only mount, a restored backup) SQLite cannot keep the shared
    /// memory a WAL reader uses, so the file is read as immutable there.
    /// `None` when the archive has no index yet (nothing was received).
    pub(super) fn open_read(dir: &Path) -> Result<Option<Index>, Error> {
        let path = dir.join(FILE);
        if !path.is_file() {
            return Ok(None);
        }
        let fail = |e| Error::index(&path, e);
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let version = |conn: &Connection| {
            conn.pragma_query_value(None, "user_version", |r| r.get::<_, i32>(0))
        };
        let conn = match Connection::open_with_flags(&path, flags) {
            Ok(conn) if version(&conn).is_ok() => conn,
            _ => {
                let uri = format!("file:{}?immutable=1", uri_path(&path));
                Connection::open_with_flags(uri, flags).map_err(fail)?
            }
        };
        conn.busy_timeout(Duration::from_secs(120)).map_err(fail)?;
        match version(&conn).map_err(fail)? {
            SCHEMA_VERSION => Ok(Some(Index { path, conn })),
            // Only the desk's accounts so far (`jucai user add` before any
            // intake): nothing received, nothing to upgrade.
            0 if !has_receptions(&conn).map_err(fail)? => Ok(None),
            found if found > SCHEMA_VERSION => Err(Error::IndexVersion {
                path,
                found,
                known: SCHEMA_VERSION,
            }),
            found => Err(Error::IndexOutdated { path, found }),
        }
    }

    fn fail(&self, e: rusqlite::Error) -> Error {
        Error::index(&self.path, e)
    }

    /// A write transaction (waiting for other writers, not failing on
    /// them), and how its errors name the index.
    fn begin(
        &mut self,
    ) -> Result<
        (
            Transaction<'_>,
            impl Fn(rusqlite::Error) -> Error + Copy + '_,
        ),
        Error,
    > {
        let path = &self.path;
        let fail = move |e| Error::index(path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        Ok((tx, fail))
    }

    /// Create the tables of a new index; refuse one made by a newer jucai.
    fn create(&mut self) -> Result<(), Error> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| Error::index(&path, e))?;
        let version: i32 = tx
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| Error::index(&path, e))?;
        let upgrade = match version {
            0 => vec![
                CREATE,
                CREATE_VALIDATIONS,
                CREATE_MAIL,
                CREATE_MESSAGES,
                ADD_REASON,
            ],
            1 => vec![CREATE_VALIDATIONS, CREATE_MAIL, CREATE_MESSAGES, ADD_REASON],
            2 => vec![CREATE_MAIL, CREATE_MESSAGES, ADD_REASON],
            3 | 4 => vec![CREATE_MESSAGES, ADD_REASON],
            5 => vec![ADD_REASON],
            SCHEMA_VERSION => Vec::new(),
            newer => {
                return Err(Error::IndexVersion {
                    path,
                    found: newer,
                    known: SCHEMA_VERSION,
                })
            }
        };
        if version != SCHEMA_VERSION {
            for step in upgrade {
                tx.execute_batch(step).map_err(|e| Error::index(&path, e))?;
            }
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)
                .map_err(|e| Error::index(&path, e))?;
        }
        tx.commit().map_err(|e| Error::index(&path, e))
    }

    /// Record receptions in one transaction, in order. Each comes back with
    /// its number, or `None` when its key was recorded already (by an
    /// earlier run, or another process just now).
    pub(super) fn insert(
        &mut self,
        records: Vec<Record>,
        messages: &[TakenMessage],
        kept: &[KeptMessage],
    ) -> Result<Vec<Option<Record>>, Error> {
        let (tx, fail) = self.begin()?;
        let mut out = Vec::with_capacity(records.len());
        {
            let mut object = tx.prepare_cached(INSERT_OBJECT).map_err(fail)?;
            let mut reception = tx.prepare_cached(INSERT_RECEPTION).map_err(fail)?;
            for mut r in records {
                object.execute(params![r.hash, r.size]).map_err(fail)?;
                let seq: Option<i64> = reception
                    .query_row(reception_params(&r, None), |row| row.get(0))
                    .optional()
                    .map_err(fail)?;
                out.push(seq.map(|seq| {
                    r.seq = seq as u64;
                    r
                }));
            }
            // In the same transaction as its attachments: a message counts
            // as taken only once everything in it is recorded.
            let mut message = tx.prepare_cached(INSERT_MESSAGE).map_err(fail)?;
            for m in messages {
                object
                    .execute(params![m.hash, m.size as i64])
                    .map_err(fail)?;
                message
                    .execute(params![
                        m.mailbox,
                        i64::from(m.uidvalidity),
                        i64::from(m.uid),
                        m.hash,
                        m.message_id,
                        m.intake_time
                    ])
                    .map_err(fail)?;
            }
            let mut listed = tx.prepare_cached(INSERT_KEPT).map_err(fail)?;
            for m in kept {
                object
                    .execute(params![m.hash, m.size as i64])
                    .map_err(fail)?;
                listed
                    .execute(params![
                        m.hash,
                        m.source,
                        m.sender,
                        m.email_date,
                        m.subject,
                        m.message_id,
                        m.files as i64,
                        m.intake_time
                    ])
                    .map_err(fail)?;
            }
        }
        tx.commit().map_err(fail)?;
        Ok(out)
    }

    /// Every message kept, in the order first taken in.
    pub(super) fn kept_messages(&self) -> Result<Vec<KeptMessage>, Error> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT m.hash, o.size, m.source, m.sender, m.email_date, m.subject, \
                 m.message_id, m.files, m.intake_time FROM messages m \
                 JOIN objects o ON o.hash = m.hash ORDER BY m.rowid",
            )
            .map_err(|e| self.fail(e))?;
        let rows = stmt
            .query_map([], |row| {
                Ok(KeptMessage {
                    hash: row.get(0)?,
                    size: row.get::<_, i64>(1)? as u64,
                    source: row.get(2)?,
                    sender: row.get(3)?,
                    email_date: row.get(4)?,
                    subject: row.get(5)?,
                    message_id: row.get(6)?,
                    files: row.get::<_, i64>(7)? as u64,
                    intake_time: row.get(8)?,
                })
            })
            .map_err(|e| self.fail(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.fail(e))
    }

    /// The UIDs of `mailbox` taken in under `uidvalidity`.
    pub(super) fn taken(&self, mailbox: &str, uidvalidity: u32) -> Result<HashSet<u32>, Error> {
        let mut stmt = self
            .conn
            .prepare("SELECT uid FROM mail_messages WHERE mailbox = ?1 AND uidvalidity = ?2")
            .map_err(|e| self.fail(e))?;
        let rows = stmt
            .query_map(params![mailbox, i64::from(uidvalidity)], |row| {
                row.get::<_, i64>(0)
            })
            .map_err(|e| self.fail(e))?;
        rows.map(|r| r.map(|uid| uid as u32))
            .collect::<Result<_, _>>()
            .map_err(|e| self.fail(e))
    }

    /// Record a notice sent (or tried); `hash` names the message as sent,
    /// stored in the archive's objects beforehand.
    pub(super) fn insert_notice(&mut self, n: &Notice, size: u64) -> Result<(), Error> {
        let (tx, fail) = self.begin()?;
        tx.execute(INSERT_OBJECT, params![n.hash, size as i64])
            .map_err(fail)?;
        tx.execute(
            "INSERT INTO notices (unit, period, kind, state, recipient, message_id, hash, \
             outcome, error, time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                n.unit,
                n.period.code(),
                n.kind,
                n.state,
                n.recipient,
                n.message_id,
                n.hash,
                if n.sent { "sent" } else { "failed" },
                n.error,
                n.time
            ],
        )
        .map_err(fail)?;
        tx.commit().map_err(fail)
    }

    /// Every notice recorded for `period`, oldest first.
    pub(super) fn notices(&self, period: Period) -> Result<Vec<Notice>, Error> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT unit, kind, state, recipient, message_id, hash, outcome, error, time \
                 FROM notices WHERE period = ?1 ORDER BY seq",
            )
            .map_err(|e| self.fail(e))?;
        let rows = stmt
            .query_map([period.code()], |row| {
                Ok(Notice {
                    unit: row.get(0)?,
                    period,
                    kind: row.get(1)?,
                    state: row.get(2)?,
                    recipient: row.get(3)?,
                    message_id: row.get(4)?,
                    hash: row.get(5)?,
                    sent: row.get::<_, String>(6)? == "sent",
                    error: row.get(7)?,
                    time: row.get(8)?,
                })
            })
            .map_err(|e| self.fail(e))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.fail(e))
    }

    /// Records made by an earlier archive layout, with their own numbers,
    /// into an index that has none yet (checked in the same transaction, so
    /// two processes opening an old archive at once import it once).
    pub(super) fn import(&mut self, records: &[Record]) -> Result<usize, Error> {
        let (tx, fail) = self.begin()?;
        let existing: i64 = tx
            .query_row("SELECT count(*) FROM receptions", [], |r| r.get(0))
            .map_err(fail)?;
        if existing > 0 {
            return Ok(0);
        }
        let mut n = 0;
        {
            let mut object = tx.prepare_cached(INSERT_OBJECT).map_err(fail)?;
            let mut reception = tx.prepare_cached(INSERT_RECEPTION).map_err(fail)?;
            for r in records {
                object.execute(params![r.hash, r.size]).map_err(fail)?;
                let seq = i64::try_from(r.seq).unwrap_or(i64::MAX);
                if reception
                    .query_row(reception_params(r, Some(seq)), |row| row.get::<_, i64>(0))
                    .optional()
                    .map_err(fail)?
                    .is_some()
                {
                    n += 1;
                }
            }
        }
        tx.commit().map_err(fail)?;
        Ok(n)
    }

    /// Record what validating workbooks gave (under `fingerprint`). A
    /// workbook another process recorded first keeps that record.
    pub(super) fn insert_validations(
        &mut self,
        fingerprint: &str,
        validations: &[Validation],
    ) -> Result<(), Error> {
        let (tx, fail) = self.begin()?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO validations (hash, fingerprint, batch, errors, \
                     warnings, ledgers_present, excluded, diagnostics) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .map_err(fail)?;
            for v in validations {
                let excluded = serde_json::to_string(&v.excluded).unwrap_or_default();
                let diagnostics = serde_json::to_string(&v.diagnostics).unwrap_or_default();
                insert
                    .execute(params![
                        v.hash,
                        fingerprint,
                        v.batch,
                        v.errors as i64,
                        v.warnings as i64,
                        v.ledgers_present as i64,
                        excluded,
                        diagnostics
                    ])
                    .map_err(fail)?;
            }
        }
        tx.commit().map_err(fail)
    }

    /// What validating under `fingerprint` gave for each workbook, without
    /// its diagnostics (see [`Index::diagnostics`]).
    pub(super) fn validations(&self, fingerprint: &str) -> Result<Vec<Validation>, Error> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT hash, batch, errors, warnings, ledgers_present, excluded \
                 FROM validations WHERE fingerprint = ?1",
            )
            .map_err(|e| self.fail(e))?;
        let rows = stmt
            .query_map([fingerprint], |row| {
                let excluded: String = row.get(5)?;
                Ok(Validation {
                    hash: row.get(0)?,
                    batch: row.get(1)?,
                    errors: row.get::<_, i64>(2)? as usize,
                    warnings: row.get::<_, i64>(3)? as usize,
                    ledgers_present: row.get::<_, i64>(4)? as usize,
                    excluded: serde_json::from_str(&excluded).unwrap_or_default(),
                    diagnostics: Vec::new(),
                })
            })
            .map_err(|e| self.fail(e))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.fail(e))
    }

    /// The diagnostics of one workbook validated under `fingerprint`.
    pub(super) fn diagnostics(
        &self,
        hash: &str,
        fingerprint: &str,
    ) -> Result<Option<Vec<crate::diagnostic::Diagnostic>>, Error> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT diagnostics FROM validations WHERE hash = ?1 AND fingerprint = ?2",
                [hash, fingerprint],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| self.fail(e))?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// How many receptions there are and the newest number: a reception
    /// added by any process changes it.
    pub(super) fn stamp(&self) -> Result<(i64, i64), Error> {
        self.conn
            .query_row(
                "SELECT count(*), coalesce(max(seq), 0) FROM receptions",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map_err(|e| self.fail(e))
    }

    /// Every reception, in the order they were numbered.
    pub(super) fn receptions(&self) -> Result<Vec<Record>, Error> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {COLUMNS} FROM receptions r JOIN objects o ON o.hash = r.hash ORDER BY r.seq"
            ))
            .map_err(|e| self.fail(e))?;
        let rows = stmt.query_map([], record_of).map_err(|e| self.fail(e))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.fail(e))
    }
}

/// `path` as the path of a `file:` URI (`%`, `?` and `#` escaped).
fn uri_path(path: &Path) -> String {
    path.to_string_lossy()
        .replace('%', "%25")
        .replace('?', "%3f")
        .replace('#', "%23")
}

/// The columns [`record_of`] reads, from receptions `r` joined to their objects `o`.
const COLUMNS: &str = "r.seq, r.key, r.hash, o.size, r.original_name, r.sender, r.email_date, \
    r.subject, r.message_id, r.source, r.intake_time, r.received, r.received_from, r.unit, \
    r.period, r.identified_by, r.workbook, r.errors, r.warnings, r.reason";

const INSERT_MESSAGE: &str = "INSERT OR IGNORE INTO mail_messages (mailbox, uidvalidity, uid, \
    hash, message_id, intake_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/// A message kept, once (the first source it was found in stays).
const INSERT_KEPT: &str = "INSERT OR IGNORE INTO messages (hash, source, sender, email_date, \
    subject, message_id, files, intake_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// An object (a stored file or message) by its hash, once.
const INSERT_OBJECT: &str = "INSERT OR IGNORE INTO objects (hash, size) VALUES (?1, ?2)";

const INSERT_RECEPTION: &str = "INSERT INTO receptions (seq, key, hash, original_name, sender, \
    email_date, subject, message_id, source, intake_time, received, received_from, unit, period, \
    identified_by, workbook, errors, warnings, reason) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19) \
    ON CONFLICT(key) DO NOTHING RETURNING seq";

/// The parameters of [`INSERT_RECEPTION`]; `seq` `None` lets SQLite number it.
fn reception_params(r: &Record, seq: Option<i64>) -> impl rusqlite::Params {
    use rusqlite::types::Value;
    let text = |s: &str| Value::Text(s.to_string());
    let opt = |s: &Option<String>| s.as_deref().map_or(Value::Null, text);
    rusqlite::params_from_iter([
        seq.map_or(Value::Null, Value::Integer),
        text(&r.key),
        text(&r.hash),
        text(&r.original_name),
        opt(&r.sender),
        opt(&r.email_date),
        opt(&r.subject),
        opt(&r.message_id),
        text(&r.source),
        text(&r.intake_time),
        opt(&r.received.map(|t| t.format(TIME).to_string())),
        text(received_from_name(r.received_from)),
        opt(&r.unit),
        opt(&r.period.map(Period::code)),
        text(identified_by_name(r.identified_by)),
        Value::Integer(i64::from(r.workbook)),
        Value::Integer(r.errors as i64),
        Value::Integer(r.warnings as i64),
        opt(&r.reason),
    ])
}

/// Received times are stored as text in this form, which sorts as time does.
const TIME: &str = "%Y-%m-%dT%H:%M:%S";

fn record_of(row: &rusqlite::Row<'_>) -> rusqlite::Result<Record> {
    let text = |i: usize| row.get::<_, String>(i);
    let received: Option<String> = row.get(11)?;
    let period: Option<String> = row.get(14)?;
    Ok(Record {
        seq: row.get::<_, i64>(0)? as u64,
        key: text(1)?,
        hash: text(2)?,
        size: row.get::<_, i64>(3)? as u64,
        original_name: text(4)?,
        sender: row.get(5)?,
        email_date: row.get(6)?,
        subject: row.get(7)?,
        message_id: row.get(8)?,
        source: text(9)?,
        intake_time: text(10)?,
        received: received.and_then(|t| chrono::NaiveDateTime::parse_from_str(&t, TIME).ok()),
        received_from: received_from_of(&text(12)?),
        unit: row.get(13)?,
        period: period.and_then(|p| p.parse().ok()),
        identified_by: identified_by_of(&text(15)?),
        workbook: row.get(16)?,
        errors: row.get::<_, i64>(17)? as usize,
        warnings: row.get::<_, i64>(18)? as usize,
        reason: row.get(19)?,
    })
}

fn received_from_name(r: ReceivedFrom) -> &'static str {
    match r {
        ReceivedFrom::Email => "email",
        ReceivedFrom::FillDate => "fill_date",
        ReceivedFrom::Unknown => "unknown",
    }
}

fn received_from_of(s: &str) -> ReceivedFrom {
    match s {
        "email" => ReceivedFrom::Email,
        "fill_date" => ReceivedFrom::FillDate,
        _ => ReceivedFrom::Unknown,
    }
}

fn identified_by_name(i: IdentifiedBy) -> &'static str {
    match i {
        IdentifiedBy::Cover => "cover",
        IdentifiedBy::Name => "name",
        IdentifiedBy::None => "none",
    }
}

fn identified_by_of(s: &str) -> IdentifiedBy {
    match s {
        "cover" => IdentifiedBy::Cover,
        "name" => IdentifiedBy::Name,
        _ => IdentifiedBy::None,
    }
}

/// Whether the file has the table of receptions (a store that holds only
/// the desk's accounts has none).
fn has_receptions(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'receptions'",
        [],
        |row| row.get::<_, i64>(0),
    )
    .map(|n| n > 0)
}
