//! SQLite files opened the way jucai's writers share them: in WAL mode (a
//! reader never waits for a writer), writers waiting up to two minutes for
//! each other instead of failing, foreign keys on, every commit durable.
//! The archive's index and the web desk's store keep their tables in one
//! such file.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

/// Open (or create) the database at `path` for reading and writing.
pub(crate) fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(120))?;
    set_wal(&conn)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(conn)
}

/// Switch to WAL. Another process opening the same new file at the same
/// moment may hold the lock this needs (which the busy timeout does not
/// cover); wait for it like any writer.
fn set_wal(conn: &Connection) -> rusqlite::Result<()> {
    let mut tries = 0;
    loop {
        match conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0)) {
            Ok(_) => return Ok(()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy && tries < 600 =>
            {
                tries += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => return Err(e),
        }
    }
}
