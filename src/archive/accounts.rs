//! The web desk's accounts and sessions, kept in the archive's index.
//! Passwords arrive here already hashed (argon2, by the web layer); a
//! session is stored by the SHA-256 of its cookie token, never the token.

/// What an account may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The centre's clerk: everything.
    Centre,
    /// A station head: the station and its workrooms.
    Station,
    /// A workroom head: the workroom only.
    Workroom,
}

impl Role {
    pub fn key(self) -> &'static str {
        match self {
            Role::Centre => "centre",
            Role::Station => "station",
            Role::Workroom => "workroom",
        }
    }

    pub fn of_key(key: &str) -> Option<Role> {
        [Role::Centre, Role::Station, Role::Workroom]
            .into_iter()
            .find(|r| r.key() == key)
    }
}

/// An account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    pub role: Role,
    /// The unit a station or workroom head belongs to.
    pub unit: Option<String>,
    /// The password's PHC string (argon2).
    pub password_hash: String,
}

/// A logged-in session.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: String,
    /// The token every form of this session carries.
    pub csrf: String,
    /// Unix seconds after which the session no longer counts.
    pub expires: i64,
}
