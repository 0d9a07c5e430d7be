//! Keeping the only copy of every ledger the district sent safe: a backup
//! taken while intakes and the web desk keep writing, and a check of an
//! archive (or of a backup, which is itself an archive every command reads
//! with `--archive`; restoring is copying it back).
//!
//! Objects and extracts are written, under their final names, before the
//! index records them, and are never rewritten. So a backup takes the index
//! first, as one consistent snapshot (SQLite's `VACUUM INTO` inside a read
//! transaction), and then copies every object and extract the copy lacks:
//! whatever the snapshot names was on disk before it was taken.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use super::extract::file_name;
use super::index::{Index, FILE};
use crate::error::Error;
use crate::schema::Schema;

/// What a backup copied.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Copied {
    /// Objects and extract files new to the copy.
    pub objects: usize,
    pub extracts: usize,
    /// Ones the copy had from an earlier backup.
    pub kept: usize,
}

/// Copy the archive in `from` to `to`, adding to an earlier backup there.
pub fn backup(from: &Path, to: &Path) -> Result<Copied, Error> {
    super::private_dir(to)?;
    snapshot_index(from, to)?;
    let mut copied = Copied::default();
    let (new, kept) = copy_missing(&from.join("objects"), &to.join("objects"))?;
    copied.objects = new;
    copied.kept += kept;
    let (new, kept) = copy_missing(&from.join("extracts"), &to.join("extracts"))?;
    copied.extracts = new;
    copied.kept += kept;
    Ok(copied)
}

/// The index as it is at one moment, written next to the copy's and then
/// put in its place.
fn snapshot_index(from: &Path, to: &Path) -> Result<(), Error> {
    let source = from.join(FILE);
    if !source.is_file() {
        return Ok(());
    }
    let fail = |e| Error::index(&source, e);
    let conn =
        Connection::open_with_flags(&source, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(fail)?;
    conn.busy_timeout(Duration::from_secs(120)).map_err(fail)?;
    let part = to.join(format!(".jucai-{FILE}.part"));
    let _ = std::fs::remove_file(&part);
    conn.execute("VACUUM INTO ?1", [part.to_string_lossy()])
        .map_err(fail)?;
    sync(&part)?;
    std::fs::rename(&part, to.join(FILE)).map_err(|e| Error::io(to, e))
}

/// Copy every file under `from` that `to` lacks (by name: the names are
/// content hashes or batch names, never reused); temporary files of a
/// writer still at work are left. How many were copied and kept.
fn copy_missing(from: &Path, to: &Path) -> Result<(usize, usize), Error> {
    let (mut new, mut kept) = (0, 0);
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        if !entry.file_type().is_file() || is_part(entry.path()) {
            continue;
        }
        let rel = entry.path().strip_prefix(from).unwrap_or(entry.path());
        let target = to.join(rel);
        if target.exists() {
            kept += 1;
            continue;
        }
        let bytes = std::fs::read(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        crate::output::write_atomic(&target, &bytes)?;
        new += 1;
    }
    Ok((new, kept))
}

fn is_part(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.starts_with(".jucai-") && name.ends_with(".part")
}

fn sync(path: &Path) -> Result<(), Error> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io(path, e))
}

/// Something wrong in an archive, worded by `templates/cli.toml`
/// (`check_<kind>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    /// The index file fails SQLite's integrity check.
    Index { said: String },
    /// An object's bytes are not what its name (their hash) says.
    ObjectChanged { path: PathBuf },
    /// A reception or a kept message names an object that is not there.
    ObjectMissing { hash: String, name: String },
    /// A validation names an extract file that is not there.
    ExtractMissing { path: PathBuf },
}

/// What checking an archive found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Checked {
    pub objects: usize,
    pub receptions: usize,
    pub problems: Vec<Problem>,
    /// Temporary files left by writers that were killed, now removed.
    pub removed: usize,
}

/// Check the archive in `dir`: the index's integrity, every object against
/// its hash, every reception and kept message against its object, every
/// validation's extract files under `fingerprint`; and remove what killed
/// writers left.
pub fn check(dir: &Path, schema: &Schema, fingerprint: &str) -> Result<Checked, Error> {
    let mut checked = Checked {
        removed: crate::output::remove_stale_parts(dir),
        ..Checked::default()
    };
    if let Some(said) = integrity(dir)? {
        checked.problems.push(Problem::Index { said });
    }
    let stored = objects(dir, &mut checked)?;
    let Some(index) = Index::open_read(dir)? else {
        return Ok(checked);
    };
    let receptions = index.receptions()?;
    checked.receptions = receptions.len();
    let named = receptions
        .into_iter()
        .map(|r| (r.hash, r.original_name))
        .chain(
            index
                .kept_messages()?
                .into_iter()
                .map(|m| (m.hash, m.source)),
        );
    for (hash, name) in named {
        if !stored.contains(&hash) {
            checked.problems.push(Problem::ObjectMissing { hash, name });
        }
    }
    checked
        .problems
        .extend(extracts(dir, &index, schema, fingerprint)?);
    checked.problems.dedup();
    Ok(checked)
}

/// SQLite's own check of the index; `None` when it says ok.
fn integrity(dir: &Path) -> Result<Option<String>, Error> {
    let path = dir.join(FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let fail = |e| Error::index(&path, e);
    let conn =
        Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(fail)?;
    conn.busy_timeout(Duration::from_secs(120)).map_err(fail)?;
    let said: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(fail)?;
    Ok((said != "ok").then_some(said))
}

/// Every object's name (its hash), each checked against its bytes.
fn objects(dir: &Path, checked: &mut Checked) -> Result<BTreeSet<String>, Error> {
    let mut stored = BTreeSet::new();
    for entry in walkdir::WalkDir::new(dir.join("objects"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        let bytes = std::fs::read(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        checked.objects += 1;
        if crate::hash::sha256_hex(&bytes) != name {
            checked.problems.push(Problem::ObjectChanged {
                path: entry.path().to_path_buf(),
            });
        }
        stored.insert(name);
    }
    Ok(stored)
}

/// The extract files of every validation under `fingerprint` (the rules
/// in force: what reports read).
fn extracts(
    dir: &Path,
    index: &Index,
    schema: &Schema,
    fingerprint: &str,
) -> Result<Vec<Problem>, Error> {
    let batches: BTreeSet<String> = index
        .validations(fingerprint)?
        .into_iter()
        .map(|v| v.batch)
        .collect();
    Ok(batches
        .iter()
        .flat_map(|b| schema.ledgers.iter().map(move |l| file_name(b, l.key)))
        .map(|f| dir.join("extracts").join(f))
        .filter(|p| !p.is_file())
        .map(|path| Problem::ExtractMissing { path })
        .collect())
}
