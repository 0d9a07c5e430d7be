//! What one input file yields: the files received in it, and what could not
//! be read.

use serde::Serialize;

use super::received::Received;
use crate::wording::Builtin;

pub(super) const WORDING: &str = include_str!("../../templates/intake.toml");

static WORDS: Builtin = Builtin::new("templates/intake.toml", WORDING);

/// What one input path yields, and anything that could not be read in it.
#[derive(Debug, Default)]
pub struct Intake {
    pub files: Vec<Received>,
    pub problems: Vec<Problem>,
    /// The messages it held, each kept raw whatever it carried.
    pub messages: Vec<Kept>,
}

/// A message as it arrived (a loose `.eml`, one message of an `.mbox`, an
/// uploaded `.eml`, one fetched from the mailbox): the archive keeps its
/// bytes and lists it, with or without a workbook in it.
#[derive(Debug, Clone)]
pub struct Kept {
    pub raw: Vec<u8>,
    pub source: String,
    pub sender: Option<String>,
    pub date: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub subject: Option<String>,
    pub message_id: Option<String>,
    /// Files received in it (attachments, and what zips in it held).
    pub files: usize,
}

/// Something in an input that could not be read (the input stays where it
/// is; the rest of it is taken in). Worded by `templates/intake.toml`, the
/// variant's name being the key and its fields the variables.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    TooBig {
        source: String,
        size: u64,
        limit: u64,
    },
    Unreadable {
        source: String,
        reason: &'static str,
    },
    NotMail {
        source: String,
    },
    /// An mbox file with no message in it (no “From ” separator line).
    NoMessages {
        source: String,
    },
    TooManyMessages {
        source: String,
        limit: usize,
    },
    MessageUnreadable {
        source: String,
        n: usize,
    },
    TooManyAttachments {
        source: String,
        limit: usize,
    },
    AttachmentTooBig {
        source: String,
        name: String,
    },
    ZipEntryUnreadable {
        source: String,
        n: usize,
    },
    ZipEntryTooBig {
        source: String,
        name: String,
    },
    ZipEntryBroken {
        source: String,
        name: String,
    },
    /// An entry with a password: jucai cannot open it, and says so.
    ZipEntryEncrypted {
        source: String,
        name: String,
    },
    ZipTooMany {
        source: String,
        limit: usize,
    },
    /// A message with nothing attached: kept and listed, so it leaves a trace.
    NoAttachment {
        source: String,
        sender: String,
        date: String,
        subject: String,
    },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let vars = serde_json::to_value(self).map_err(|_| std::fmt::Error)?;
        let key = vars["kind"].as_str().unwrap_or_default();
        let text = WORDS
            .get()
            .render(key, &vars)
            .map_err(|_| std::fmt::Error)?;
        f.write_str(&text)
    }
}

/// Where a received part came from, worded (`attachment_source` …).
pub(super) fn source(key: &str, vars: serde_json::Value) -> String {
    // The built-in wording renders every key with its variables (tested);
    // should it not, the bare variables still say where the part came from.
    WORDS
        .get()
        .render(key, &vars)
        .unwrap_or_else(|_| vars.to_string())
}

/// A file that arrived on its own (saved by the clerk, copied from a USB stick).
pub fn loose(bytes: Vec<u8>, name: String, source: String) -> Received {
    let key = format!("file:{}:{}", crate::hash::sha256_hex(&bytes), name);
    Received {
        bytes,
        name,
        sender: None,
        date: None,
        subject: None,
        message_id: None,
        source,
        key,
        legacy_key: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every problem and every source wording renders (the `Display` above
    /// cannot fail at run time).
    #[test]
    fn every_problem_is_worded() {
        let s = || "收件/a.eml".to_string();
        let all = [
            Problem::TooBig {
                source: s(),
                size: 80,
                limit: 64,
            },
            Problem::Unreadable {
                source: s(),
                reason: "没有读取权限",
            },
            Problem::NotMail { source: s() },
            Problem::NoMessages { source: s() },
            Problem::TooManyMessages {
                source: s(),
                limit: 3,
            },
            Problem::MessageUnreadable { source: s(), n: 2 },
            Problem::TooManyAttachments {
                source: s(),
                limit: 3,
            },
            Problem::AttachmentTooBig {
                source: s(),
                name: "x.xlsx".into(),
            },
            Problem::ZipEntryUnreadable { source: s(), n: 2 },
            Problem::ZipEntryTooBig {
                source: s(),
                name: "x.xlsx".into(),
            },
            Problem::ZipEntryBroken {
                source: s(),
                name: "x.xlsx".into(),
            },
            Problem::ZipEntryEncrypted {
                source: s(),
                name: "x.xlsx".into(),
            },
            Problem::ZipTooMany {
                source: s(),
                limit: 3,
            },
            Problem::NoAttachment {
                source: s(),
                sender: "王丽娟 <u1@example.cn>".into(),
                date: "2023-10-08 09:30".into(),
                subject: "台账".into(),
            },
        ];
        for p in all {
            let text = p.to_string();
            assert!(text.starts_with("收件/a.eml："), "{text}");
        }
        let v = serde_json::json!({ "source": "a", "n": 1, "part": "1", "name": "b" });
        for key in [
            "in_message",
            "attachment_source",
            "zip_entry_source",
            "unnamed_attachment",
        ] {
            assert!(WORDS.get().render(key, &v).is_ok(), "{key}");
        }
    }
}
