//! What the archive keeps of the centre's mailbox: each message taken in
//! (by mailbox, UIDVALIDITY and UID, so none is taken twice), and each
//! notice sent to a unit (so a rerun sends only what changed).

use crate::period::Period;

/// A mailbox message taken in: its raw bytes are stored as an object.
#[derive(Debug, Clone)]
pub struct TakenMessage {
    /// The mailbox, as `imap://user@host/folder` (never a password).
    pub mailbox: String,
    pub uidvalidity: u32,
    pub uid: u32,
    /// SHA-256 of the raw message.
    pub hash: String,
    pub size: u64,
    pub message_id: Option<String>,
    /// When jucai took it in (UTC), archive metadata only.
    pub intake_time: String,
}

/// A message received in any way (a loose `.eml`, one of an `.mbox`, an
/// upload, one fetched from the mailbox), kept raw: its bytes are stored as
/// an object, and it is listed whatever it carried.
#[derive(Debug, Clone)]
pub struct KeptMessage {
    /// SHA-256 of the raw message: the same message taken twice is one.
    pub hash: String,
    pub size: u64,
    /// Where it was first found.
    pub source: String,
    pub sender: Option<String>,
    /// Its Date header (RFC 3339), as the sender wrote it.
    pub email_date: Option<String>,
    pub subject: Option<String>,
    pub message_id: Option<String>,
    /// Files received in it.
    pub files: u64,
    /// When jucai took it in (UTC), archive metadata only.
    pub intake_time: String,
}

/// What a notice to a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// 回执: the newest version was received and passed (perhaps with warnings).
    Receipt,
    /// 退回: the newest version has errors; the feedback workbook goes with it.
    Return,
    /// 催报: nothing received for the period yet.
    Reminder,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 3] = [
        NoticeKind::Receipt,
        NoticeKind::Return,
        NoticeKind::Reminder,
    ];

    /// The name stored in the index and used for wording keys.
    pub fn key(self) -> &'static str {
        match self {
            NoticeKind::Receipt => "receipt",
            NoticeKind::Return => "return",
            NoticeKind::Reminder => "reminder",
        }
    }

    pub fn of_key(key: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// A notice sent to a unit, or tried and failed.
#[derive(Debug, Clone)]
pub struct Notice {
    pub unit: String,
    pub period: Period,
    /// [`NoticeKind::key`].
    pub kind: String,
    /// What it is about: the hash of the version it answers, or `none` for
    /// a reminder. The same unit, period and state is not sent twice.
    pub state: String,
    pub recipient: String,
    pub message_id: String,
    /// The message as sent, stored in the archive's objects.
    pub hash: Option<String>,
    pub sent: bool,
    /// Why sending failed (the server's answer; never a password).
    pub error: Option<String>,
    /// When it was sent or tried (UTC), archive metadata only.
    pub time: String,
}
