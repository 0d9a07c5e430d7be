//! A reception: one file as it arrived, with who sent it and when. Intake
//! makes them; the archive records them.

use chrono::{DateTime, FixedOffset};

/// One file as it arrived.
#[derive(Debug, Clone)]
pub struct Received {
    pub bytes: Vec<u8>,
    /// The attachment's or file's name as sent (never used as a path).
    pub name: String,
    pub sender: Option<String>,
    pub date: Option<DateTime<FixedOffset>>,
    pub subject: Option<String>,
    pub message_id: Option<String>,
    /// Where it came from: the inbox file, and the part within it.
    pub source: String,
    /// Identifies this reception, so taking the same inbox in twice records it once.
    pub key: String,
}
