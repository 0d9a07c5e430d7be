//! Intake: everything that arrives — loose workbooks, `.eml` files, `.mbox`
//! exports, `.zip` archives — becomes a list of received files with who sent
//! them and when. Nothing is dropped: a part that is not a workbook is received
//! too, and later quarantined.
//!
//! Data flow: paths → `receive` → [`Received`] → identify → archive.

pub mod identify;
pub mod mail;
pub mod zip;

use std::path::Path;

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

/// Limits on what one container may unpack to (zip bombs, mailbox floods).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_entries: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 64 * 1024 * 1024,
            max_entries: 10_000,
        }
    }
}

/// What one input path yields, and anything that could not be read in it.
#[derive(Debug, Default)]
pub struct Intake {
    pub files: Vec<Received>,
    pub problems: Vec<String>,
}

/// Receive one input file by its kind: mail, mailbox, zip, or a loose file.
pub fn receive(path: &Path, limits: Limits) -> Intake {
    let source = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return Intake {
                files: Vec::new(),
                problems: vec![format!("{source}：无法读取（{e}）")],
            }
        }
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "eml" => mail::from_eml(&bytes, &source, limits),
        "mbox" | "mbx" => mail::from_mbox(&bytes, &source, limits),
        "zip" => zip::from_zip(&bytes, &name, &source, None, limits),
        _ => Intake {
            files: vec![loose(bytes, name, source)],
            problems: Vec::new(),
        },
    }
}

/// A file that arrived on its own (saved by the clerk, copied from a USB stick).
pub fn loose(bytes: Vec<u8>, name: String, source: String) -> Received {
    let key = format!("file:{}:{}", crate::archive::hash(&bytes), name);
    Received {
        bytes,
        name,
        sender: None,
        date: None,
        subject: None,
        message_id: None,
        source,
        key,
    }
}
