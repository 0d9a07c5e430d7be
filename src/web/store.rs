//! The web desk's own store: accounts and sessions, in tables of their own
//! in the archive folder's SQLite file (the archive itself keeps only what
//! was received). Passwords arrive here already hashed (argon2, by the web
//! layer); a session is stored by the SHA-256 of its cookie token, never
//! the token.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Error;

/// The file the store shares with the archive's index.
const FILE: &str = "index.sqlite";

const CREATE: &str = "
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    unit TEXT,
    password_hash TEXT NOT NULL
);
-- The big screen's key (大屏链接): at most one, kept as its SHA-256.
CREATE TABLE IF NOT EXISTS screen_keys (
    key_hash TEXT PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    expires INTEGER NOT NULL
);
";

/// What an account may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Role {
    /// The centre's clerk: everything.
    Centre,
    /// A station head: the station and its workrooms.
    Station,
    /// A workroom head: the workroom only.
    Workroom,
}

impl Role {
    pub(crate) fn key(self) -> &'static str {
        match self {
            Role::Centre => "centre",
            Role::Station => "station",
            Role::Workroom => "workroom",
        }
    }

    pub(crate) fn of_key(key: &str) -> Option<Role> {
        [Role::Centre, Role::Station, Role::Workroom]
            .into_iter()
            .find(|r| r.key() == key)
    }
}

/// An account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Account {
    pub name: String,
    pub role: Role,
    /// The unit a station or workroom head belongs to.
    pub unit: Option<String>,
    /// The password's PHC string (argon2).
    pub password_hash: String,
}

/// A logged-in session.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub user: String,
    /// The token every form of this session carries.
    pub csrf: String,
    /// Unix seconds after which the session no longer counts.
    pub expires: i64,
}

/// Accounts and sessions, through one connection.
pub(crate) struct Accounts {
    path: PathBuf,
    conn: Connection,
}

impl Accounts {
    /// Open the store in the archive folder `dir` (creating its tables).
    pub(crate) fn open(dir: &Path) -> Result<Accounts, Error> {
        crate::archive::private_dir(dir)?;
        let path = dir.join(FILE);
        let conn = crate::sqlite::open(&path).map_err(|e| Error::index(&path, e))?;
        conn.execute_batch(CREATE)
            .map_err(|e| Error::index(&path, e))?;
        Ok(Accounts { path, conn })
    }

    fn fail(&self, e: rusqlite::Error) -> Error {
        Error::index(&self.path, e)
    }

    /// Add an account; `false` when the name is taken.
    pub(crate) fn add(&mut self, a: &Account) -> Result<bool, Error> {
        let n = self
            .conn
            .execute(
                "INSERT OR IGNORE INTO users (name, role, unit, password_hash) VALUES (?1, ?2, ?3, ?4)",
                params![a.name, a.role.key(), a.unit, a.password_hash],
            )
            .map_err(|e| self.fail(e))?;
        Ok(n == 1)
    }

    /// Remove an account and its sessions; `false` when there was none.
    pub(crate) fn remove(&mut self, name: &str) -> Result<bool, Error> {
        let n = self
            .conn
            .execute("DELETE FROM users WHERE name = ?1", [name])
            .map_err(|e| self.fail(e))?;
        Ok(n == 1)
    }

    /// How many centre accounts the archive in `dir` has, read without
    /// writing anything (`jucai doctor`); `None` when it has no store yet.
    pub(crate) fn centre_count(dir: &Path) -> Result<Option<usize>, Error> {
        let path = dir.join(FILE);
        if !path.is_file() {
            return Ok(None);
        }
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
        let conn = Connection::open_with_flags(&path, flags).map_err(|e| Error::index(&path, e))?;
        let count = conn
            .query_row(
                "SELECT count(*) FROM users WHERE role = ?1",
                [Role::Centre.key()],
                |row| row.get::<_, i64>(0),
            )
            .optional();
        match count {
            Ok(n) => Ok(n.map(|n| n as usize)),
            // No users table: nobody was ever added.
            Err(rusqlite::Error::SqliteFailure(_, Some(m))) if m.contains("no such table") => {
                Ok(None)
            }
            Err(e) => Err(Error::index(&path, e)),
        }
    }

    /// Make `key_hash` the big screen's only key (a new one replaces the old).
    pub(crate) fn set_screen_key(&mut self, key_hash: &str) -> Result<(), Error> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(|e| Error::index(&path, e))?;
        tx.execute("DELETE FROM screen_keys", [])
            .and_then(|_| tx.execute("INSERT INTO screen_keys (key_hash) VALUES (?1)", [key_hash]))
            .map_err(|e| Error::index(&path, e))?;
        tx.commit().map_err(|e| Error::index(&path, e))
    }

    /// Turn the big screen's key off.
    pub(crate) fn clear_screen_key(&mut self) -> Result<(), Error> {
        self.conn
            .execute("DELETE FROM screen_keys", [])
            .map(|_| ())
            .map_err(|e| self.fail(e))
    }

    /// Whether the big screen has a key, and whether `key_hash` (the
    /// SHA-256 of a key offered) is it.
    pub(crate) fn screen_key(&self, key_hash: Option<&str>) -> Result<(bool, bool), Error> {
        let (keys, matching): (i64, i64) = self
            .conn
            .query_row(
                "SELECT count(*), count(CASE WHEN key_hash = ?1 THEN 1 END) FROM screen_keys",
                [key_hash.unwrap_or("")],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map_err(|e| self.fail(e))?;
        Ok((keys > 0, matching > 0))
    }

    /// Every account, by name.
    pub(crate) fn list(&self) -> Result<Vec<Account>, Error> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, role, unit, password_hash FROM users ORDER BY name")
            .map_err(|e| self.fail(e))?;
        let rows = stmt
            .query_map([], |row| {
                let role: String = row.get(1)?;
                Ok(Account {
                    name: row.get(0)?,
                    role: Role::of_key(&role).unwrap_or(Role::Workroom),
                    unit: row.get(2)?,
                    password_hash: row.get(3)?,
                })
            })
            .map_err(|e| self.fail(e))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.fail(e))
    }

    /// One account.
    pub(crate) fn get(&self, name: &str) -> Result<Option<Account>, Error> {
        Ok(self.list()?.into_iter().find(|a| a.name == name))
    }

    /// Start a session (stored by its token's hash); old expired ones go.
    pub(crate) fn start_session(
        &mut self,
        token_hash: &str,
        s: &Session,
        now: i64,
    ) -> Result<(), Error> {
        self.conn
            .execute("DELETE FROM sessions WHERE expires < ?1", [now])
            .map_err(|e| self.fail(e))?;
        self.conn
            .execute(
                "INSERT INTO sessions (token_hash, user, csrf, expires) VALUES (?1, ?2, ?3, ?4)",
                params![token_hash, s.user, s.csrf, s.expires],
            )
            .map_err(|e| self.fail(e))?;
        Ok(())
    }

    /// The session of a token's hash, if it exists and has not expired.
    pub(crate) fn session(&self, token_hash: &str, now: i64) -> Result<Option<Session>, Error> {
        self.conn
            .query_row(
                "SELECT user, csrf, expires FROM sessions WHERE token_hash = ?1 AND expires >= ?2",
                params![token_hash, now],
                |row| {
                    Ok(Session {
                        user: row.get(0)?,
                        csrf: row.get(1)?,
                        expires: row.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.fail(e))
    }

    pub(crate) fn end_session(&mut self, token_hash: &str) -> Result<(), Error> {
        self.conn
            .execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])
            .map_err(|e| self.fail(e))?;
        Ok(())
    }
}
