//! One notice as an RFC 5322 message (mail-builder): a plain-text body in
//! UTF-8, attachments whose Chinese names are given both ways clients read
//! them (`filename*=UTF-8''…` after RFC 2231 in Content-Disposition, and an
//! RFC 2047 encoded word in Content-Type's `name`), a Message-ID and MIME
//! boundary derived from the content, so the same notice is the same bytes.

use base64::Engine;
use chrono::{DateTime, FixedOffset};
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::raw::Raw;
use mail_builder::mime::{BodyPart, MimePart};
use mail_builder::MessageBuilder;

/// A file sent with a notice.
#[derive(Debug, Clone)]
pub(crate) struct Attachment {
    pub name: String,
    pub mime: &'static str,
    pub bytes: Vec<u8>,
}

/// The MIME type of an XLSX workbook.
pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A display name and an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Person {
    pub name: String,
    pub address: String,
}

/// Everything a notice message says.
#[derive(Debug, Clone)]
pub(crate) struct Letter {
    pub from: Person,
    pub to: Person,
    pub subject: String,
    pub body: String,
    pub attachments: Vec<Attachment>,
    /// Without angle brackets.
    pub message_id: String,
}

impl Letter {
    /// The message, dated `date`.
    pub(crate) fn to_bytes(&self, date: DateTime<FixedOffset>) -> Vec<u8> {
        let mut parts = vec![MimePart::new(
            ContentType::new("text/plain").attribute("charset", "utf-8"),
            BodyPart::Text(self.body.as_str().into()),
        )];
        for a in &self.attachments {
            let content_type = format!("{}; name=\"{}\"", a.mime, encoded_words(&a.name));
            parts.push(
                MimePart::raw(BodyPart::Binary(a.bytes.as_slice().into()))
                    .header("Content-Type", Raw::new(content_type))
                    .attachment(a.name.as_str()),
            );
        }
        let root = MimePart::new(
            ContentType::new("multipart/mixed").attribute("boundary", self.boundary()),
            BodyPart::Multipart(parts),
        );
        let message = MessageBuilder::new()
            .from((self.from.name.as_str(), self.from.address.as_str()))
            .to((self.to.name.as_str(), self.to.address.as_str()))
            .subject(self.subject.as_str())
            .message_id(self.message_id.as_str())
            .header("Date", Raw::new(date.to_rfc2822()))
            .body(root);
        // Writing into memory cannot fail.
        message.write_to_vec().unwrap_or_default()
    }

    /// A boundary no attachment contains: derived from the message's content.
    fn boundary(&self) -> String {
        let mut text = self.body.clone();
        for a in &self.attachments {
            text.push_str(&crate::hash::sha256_hex(&a.bytes));
        }
        let hash = crate::hash::sha256_hex(text.as_bytes());
        format!("jucai-{}", &hash[..24])
    }
}

/// `=?UTF-8?B?…?=` words (RFC 2047), each under 76 characters and whole
/// characters each, on folded lines: how Outlook and Thunderbird write a
/// name, and what clients that ignore RFC 2231 read.
fn encoded_words(text: &str) -> String {
    if text.is_ascii()
        && !text
            .chars()
            .any(|c| c.is_control() || c == '"' || c == '\\')
    {
        return text.to_string();
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        if chunk.len() + c.len_utf8() > 42 {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    words.push(chunk);
    words
        .iter()
        .map(|w| {
            let b64 = base64::engine::general_purpose::STANDARD.encode(w.as_bytes());
            format!("=?UTF-8?B?{b64}?=")
        })
        .collect::<Vec<_>>()
        .join("\r\n ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_parser::{MessageParser, MimeHeaders};

    fn letter() -> Letter {
        Letter {
            from: Person {
                name: "东胜区民政人才工作中心".into(),
                address: "rczx@example.cn".into(),
            },
            to: Person {
                name: "王丽娟".into(),
                address: "u1@example.cn".into(),
            },
            subject: "【退回】2023年第三季度台账".into(),
            body: "请改正后重新报送。".into(),
            attachments: vec![Attachment {
                name: "示例工作室-2023年第三季度-校验反馈.xlsx".into(),
                mime: XLSX,
                bytes: vec![0, 1, 2, 255],
            }],
            message_id: "return.2023Q3.1@example.cn".into(),
        }
    }

    #[test]
    fn chinese_names_survive_a_parser_and_the_bytes_are_stable() {
        let date = DateTime::parse_from_rfc3339("2023-10-12T09:00:00+08:00").unwrap();
        let bytes = letter().to_bytes(date);
        assert_eq!(bytes, letter().to_bytes(date));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("filename*0*=UTF-8''"), "{text}");
        assert!(text.contains("name=\"=?UTF-8?B?"), "{text}");
        let named: Vec<&str> = text.lines().filter(|l| l.contains("=?UTF-8?B?")).collect();
        assert!(
            named.len() > 1 && named.iter().all(|l| l.len() <= 78),
            "{text}"
        );
        let m = MessageParser::default().parse(&bytes).unwrap();
        assert_eq!(m.subject(), Some("【退回】2023年第三季度台账"));
        let a = m.attachments().next().unwrap();
        assert_eq!(
            a.attachment_name(),
            Some("示例工作室-2023年第三季度-校验反馈.xlsx")
        );
        assert_eq!(a.contents(), &[0, 1, 2, 255]);
        assert_eq!(m.body_text(0).as_deref(), Some("请改正后重新报送。"));
    }
}
