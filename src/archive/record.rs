//! What the archive records of one reception: who sent which file when, and
//! which unit and period it was identified as.

use chrono::{NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::reception::Received;
use crate::period::Period;

/// How a record's unit and period were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifiedBy {
    Cover,
    /// The cover did not say; the file name, subject or sender did.
    Name,
    /// Not identified: quarantined.
    None,
}

/// Where a record's received time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceivedFrom {
    /// The email's Date header.
    Email,
    /// A loose file: the cover's 填报日期 stands in.
    FillDate,
    Unknown,
}

/// One reception of one file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub seq: u64,
    pub key: String,
    pub hash: String,
    pub size: u64,
    pub original_name: String,
    pub sender: Option<String>,
    /// The email's Date header, RFC 3339 with the sender's offset.
    pub email_date: Option<String>,
    pub subject: Option<String>,
    pub message_id: Option<String>,
    pub source: String,
    /// When jucai took it in (UTC). Archive metadata only: no report shows it.
    pub intake_time: String,
    /// Received time in China Standard Time, used for deadlines.
    pub received: Option<NaiveDateTime>,
    pub received_from: ReceivedFrom,
    pub unit: Option<String>,
    pub period: Option<Period>,
    pub identified_by: IdentifiedBy,
    /// Whether the bytes are a readable workbook.
    pub workbook: bool,
    pub errors: usize,
    pub warnings: usize,
}

impl Record {
    pub fn quarantined(&self) -> bool {
        self.unit.is_none() || self.period.is_none() || !self.workbook
    }

    /// The record of a new reception whose bytes hash to `hash`; its number
    /// (`seq`) is given when the index takes it.
    pub fn new(received: &Received, identity: &Identity, hash: String) -> Record {
        let (when, from) = match (received.date, identity.fill_date) {
            (Some(d), _) => (Some(china_time(d)), ReceivedFrom::Email),
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
        }
    }
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
}

/// The wall-clock time in China (UTC+8) of a dated email.
fn china_time(d: chrono::DateTime<chrono::FixedOffset>) -> NaiveDateTime {
    let cst = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    d.with_timezone(&cst).naive_local()
}
