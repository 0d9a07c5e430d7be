//! Which ledger a ledger is to jucai, and whether it is a snapshot or events.

use serde::{Deserialize, Serialize};

/// The five ledgers jucai knows, by their key in the schema file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerKey {
    Roster,
    Problems,
    Needs,
    Activities,
    Achievements,
}

impl LedgerKey {
    pub const ALL: [LedgerKey; 5] = [
        LedgerKey::Roster,
        LedgerKey::Problems,
        LedgerKey::Needs,
        LedgerKey::Activities,
        LedgerKey::Achievements,
    ];

    /// The key written in the schema file (and used in export paths).
    pub fn as_str(self) -> &'static str {
        match self {
            LedgerKey::Roster => "roster",
            LedgerKey::Problems => "problems",
            LedgerKey::Needs => "needs",
            LedgerKey::Activities => "activities",
            LedgerKey::Achievements => "achievements",
        }
    }

    pub fn from_name(key: &str) -> Option<LedgerKey> {
        LedgerKey::ALL.into_iter().find(|k| k.as_str() == key)
    }

    /// The roster is a snapshot; the others are dated events.
    pub fn kind(self) -> LedgerKind {
        match self {
            LedgerKey::Roster => LedgerKind::Snapshot,
            _ => LedgerKind::Events,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerKind {
    /// A roster: the newest submission's list is the truth for its period.
    Snapshot,
    /// Dated events: each belongs to the period its date falls in.
    Events,
}
