//! A reception: one file as it arrived, with who sent it and when, what
//! identifying it found, and the archive's record made of the two. Intake
//! makes them; the archive stores the record.

use chrono::{DateTime, FixedOffset, Utc};

use crate::archive::{IdentifiedBy, ReceivedFrom, Record};
use crate::period::Period;

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
    /// Identifies this reception, so taking the same inbox in twice records
    /// it once. Made from content only (the message's or the file's bytes),
    /// never from a header a sender writes.
    pub key: String,
    /// The key an earlier jucai gave the same part of a mailed message (by
    /// its Message-ID): a reception recorded under it with the same bytes
    /// is this one, so an archive from before is not taken in twice.
    pub legacy_key: Option<String>,
}

/// What jucai found out about a received file.
#[derive(Debug, Clone)]
pub struct Identity {
    pub unit: Option<String>,
    pub period: Option<Period>,
    pub by: IdentifiedBy,
    pub workbook: bool,
    pub errors: usize,
    pub warnings: usize,
    pub fill_date: Option<chrono::NaiveDate>,
    /// Why it is no readable workbook: its file-level diagnostic.
    pub reason: Option<String>,
}

/// The archive's record of a new reception whose bytes hash to `hash`; its
/// number (`seq`) is given when the index takes it.
pub fn record(received: &Received, identity: &Identity, hash: String) -> Record {
    let (when, from) = match (received.date, identity.fill_date) {
        (Some(d), _) => (Some(crate::period::china_time(d)), ReceivedFrom::Email),
        (None, Some(fill)) => (fill.and_hms_opt(17, 0, 0), ReceivedFrom::FillDate),
        (None, None) => (None, ReceivedFrom::Unknown),
    };
    Record {
        seq: 0,
        key: received.key.clone(),
        hash,
        size: received.bytes.len() as u64,
        original_name: received.name.clone(),
        sender: received.sender.clone(),
        email_date: received.date.map(|d| d.to_rfc3339()),
        subject: received.subject.clone(),
        message_id: received.message_id.clone(),
        source: received.source.clone(),
        intake_time: Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        received: when,
        received_from: from,
        unit: identity.unit.clone(),
        period: identity.period,
        identified_by: identity.by,
        workbook: identity.workbook,
        errors: identity.errors,
        warnings: identity.warnings,
        reason: identity.reason.clone(),
    }
}
