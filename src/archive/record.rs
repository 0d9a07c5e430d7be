//! What the archive records of one reception: who sent which file when, and
//! which unit and period it was identified as.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

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
    /// Why a file that is no readable workbook is not one, as its
    /// diagnostic told it at intake (what the validations keep of a
    /// workbook). Recorded from store version 5 on.
    #[serde(default)]
    pub reason: Option<String>,
}

impl Record {
    pub fn quarantined(&self) -> bool {
        self.unit.is_none() || self.period.is_none() || !self.workbook
    }
}
