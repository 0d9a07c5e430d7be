//! Attachments out of `.eml` and `.mbox` files, with mail-parser: base64 and
//! quoted-printable bodies, RFC 2047 / RFC 2231 names in any charset (GBK and
//! GB18030 included), nested multiparts and forwarded messages.

use chrono::{DateTime, FixedOffset, TimeZone};
use mail_parser::{HeaderName, Message, MessageParser, MessagePart, MimeHeaders};

use serde_json::json;

use super::found::{source as worded, Intake, Kept, Problem};
use super::received::Received;
use crate::limits::Limits;

/// Every attachment of one message file, and the message itself to keep.
pub fn from_eml(bytes: &[u8], source: &str, limits: Limits) -> Intake {
    let mut out = Intake::default();
    take_message(bytes, source, limits, &mut out);
    out
}

/// One message: its attachments, and the message kept raw (even one that
/// cannot be parsed, or that carries nothing).
fn take_message(raw: &[u8], source: &str, limits: Limits, out: &mut Intake) {
    let before = out.files.len();
    let Some(message) = MessageParser::default().parse(raw) else {
        out.problems.push(Problem::NotMail {
            source: source.to_string(),
        });
        out.messages.push(Kept {
            raw: raw.to_vec(),
            source: source.to_string(),
            sender: None,
            date: None,
            subject: None,
            message_id: None,
            files: 0,
        });
        return;
    };
    let envelope = Envelope::of(&message);
    collect(&message, &envelope, raw, source, limits, out);
    let files = out.files.len() - before;
    if files == 0 && message.attachments().next().is_none() {
        out.problems.push(Problem::NoAttachment {
            source: source.to_string(),
            sender: envelope.sender.clone().unwrap_or_default(),
            date: envelope
                .date
                .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default(),
            subject: envelope.subject.clone().unwrap_or_default(),
        });
    }
    out.messages.push(Kept {
        raw: raw.to_vec(),
        source: source.to_string(),
        sender: envelope.sender,
        date: envelope.date,
        subject: envelope.subject,
        message_id: envelope.message_id,
        files,
    });
}

/// Every attachment of every message in an mbox export.
pub fn from_mbox(bytes: &[u8], source: &str, limits: Limits) -> Intake {
    let mut out = Intake::default();
    let messages = mail_parser::mailbox::mbox::MessageIterator::new(bytes);
    let mut found = 0;
    for (i, message) in messages.enumerate() {
        found += 1;
        if i >= limits.max_entries {
            out.problems.push(Problem::TooManyMessages {
                source: source.to_string(),
                limit: limits.max_entries,
            });
            break;
        }
        let Ok(message) = message else {
            out.problems.push(Problem::MessageUnreadable {
                source: source.to_string(),
                n: i + 1,
            });
            continue;
        };
        let raw = message.contents();
        let here = worded("in_message", json!({ "source": source, "n": i + 1 }));
        take_message(raw, &here, limits, &mut out);
    }
    // No “From ” line at all: not a mailbox (say so, rather than take in nothing).
    if found == 0 {
        out.problems.push(Problem::NoMessages {
            source: source.to_string(),
        });
    }
    out
}

/// The message's attachments, descending into forwarded messages. The outer
/// message's sender and date stand for all of them: that is when the clerk
/// got them. Each is keyed by the message's bytes: two messages with the
/// same Message-ID (a forged one, or a resend) are two messages, and one
/// cannot hide the other.
fn collect(
    message: &Message<'_>,
    envelope: &Envelope,
    raw: &[u8],
    source: &str,
    limits: Limits,
    out: &mut Intake,
) {
    let keys = Keys {
        identity: format!("msg:{}", crate::hash::sha256_hex(raw)),
        legacy: message.message_id().map(|id| format!("mid:{id}")),
    };
    collect_parts(message, envelope, &keys, source, "", limits, out);
}

/// How a message's parts are keyed: by its content, and as an earlier
/// jucai keyed them (by Message-ID).
struct Keys {
    identity: String,
    legacy: Option<String>,
}

struct Envelope {
    sender: Option<String>,
    date: Option<DateTime<FixedOffset>>,
    subject: Option<String>,
    message_id: Option<String>,
}

impl Envelope {
    fn of(message: &Message<'_>) -> Envelope {
        let sender =
            message
                .from()
                .and_then(|a| a.first())
                .map(|a| match (a.name(), a.address()) {
                    (Some(n), Some(addr)) => format!("{n} <{addr}>"),
                    (None, Some(addr)) => addr.to_string(),
                    (Some(n), None) => n.to_string(),
                    (None, None) => String::new(),
                });
        Envelope {
            sender,
            date: message.date().and_then(to_chrono),
            subject: message.subject().map(str::to_string),
            message_id: message.message_id().map(str::to_string),
        }
    }
}

fn collect_parts(
    message: &Message<'_>,
    envelope: &Envelope,
    keys: &Keys,
    source: &str,
    path: &str,
    limits: Limits,
    out: &mut Intake,
) {
    for (i, part) in message.attachments().enumerate() {
        let here = format!("{path}{}", i + 1);
        if let Some(inner) = part.message() {
            // A forwarded message: its attachments count, under this envelope.
            collect_parts(
                inner,
                envelope,
                keys,
                source,
                &format!("{here}."),
                limits,
                out,
            );
            continue;
        }
        if out.files.len() >= limits.max_entries {
            out.problems.push(Problem::TooManyAttachments {
                source: source.to_string(),
                limit: limits.max_entries,
            });
            return;
        }
        let contents = part.contents();
        let name = continued_name(part, &message.raw_message)
            .or_else(|| raw_8bit_name(part, &message.raw_message))
            .or_else(|| part.attachment_name().map(str::to_string))
            .unwrap_or_else(|| worded("unnamed_attachment", json!({ "part": here })));
        if contents.len() as u64 > limits.max_file_bytes {
            out.problems.push(Problem::AttachmentTooBig {
                source: source.to_string(),
                name,
            });
            continue;
        }
        let received = Received {
            bytes: contents.to_vec(),
            name: name.clone(),
            sender: envelope.sender.clone(),
            date: envelope.date,
            subject: envelope.subject.clone(),
            message_id: envelope.message_id.clone(),
            source: worded(
                "attachment_source",
                json!({ "source": source, "part": here }),
            ),
            key: format!("{}#{here}", keys.identity),
            legacy_key: keys.legacy.as_ref().map(|k| format!("{k}#{here}")),
        };
        if super::packed::is_packed_name(&name) {
            let inner = super::packed::from_packed(
                &received.bytes,
                &name,
                &received.source,
                Some(&received),
                limits,
            );
            out.files.extend(inner.files);
            out.problems.extend(inner.problems);
        } else {
            out.files.push(received);
        }
    }
}

/// The raw bytes of the part's headers that may name it
/// (Content-Disposition, Content-Type), as the sender wrote them.
fn naming_headers<'a>(
    part: &'a MessagePart<'_>,
    raw: &'a [u8],
) -> impl Iterator<Item = &'a [u8]> + 'a {
    part.headers()
        .iter()
        .filter(|h| {
            matches!(
                h.name,
                HeaderName::ContentDisposition | HeaderName::ContentType
            )
        })
        .filter_map(|h| raw.get(h.offset_start as usize..h.offset_end as usize))
}

/// An attachment name written as raw 8-bit bytes in the header (older Outlook
/// Express and Foxmail put GBK there without any encoding): UTF-8 when the
/// bytes are UTF-8, else GB18030, which GBK is part of. mail-parser reads
/// such bytes as UTF-8 and turns GBK into “ͭ����”. `None` when the name is
/// plain ASCII or encoded (RFC 2047/2231), which mail-parser decodes.
fn raw_8bit_name(part: &MessagePart<'_>, raw: &[u8]) -> Option<String> {
    naming_headers(part, raw)
        .filter(|value| !value.is_ascii())
        .find_map(|value| raw_parameter(value, "filename").or_else(|| raw_parameter(value, "name")))
}

/// Parameter `name` of a header given as raw bytes: UTF-8 when they are,
/// else GB18030. Also for the file name of a browser's multipart upload.
pub(crate) fn raw_parameter(value: &[u8], name: &str) -> Option<String> {
    let text = match std::str::from_utf8(value) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => encoding_rs::GB18030.decode_without_bom_handling(value).0,
    };
    parameter(&text, name)
}

/// A header parameter's plain value (`name="…"` or `name=…`), unfolded.
fn parameter(header: &str, name: &str) -> Option<String> {
    let unfolded = header.replace(['\r', '\n'], "");
    unfolded.split(';').find_map(|piece| {
        let (key, value) = piece.split_once('=')?;
        if !key.trim().eq_ignore_ascii_case(name) {
            return None;
        }
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        (!value.is_empty()).then(|| value.to_string())
    })
}

/// An attachment name sent in RFC 2231 continuations (`filename*0*=GBK''%BA%B1…;
/// filename*1*=…`), put together from the raw header. The segments are one
/// byte string in the charset the first one names (RFC 2231 §4.1); mail-parser
/// decodes each segment on its own and the later ones as UTF-8, which garbles
/// a GBK or GB18030 name, or any name split inside a character. `None` when
/// the part's headers carry no continued name.
fn continued_name(part: &MessagePart<'_>, raw: &[u8]) -> Option<String> {
    naming_headers(part, raw)
        .filter_map(|value| std::str::from_utf8(value).ok())
        .find_map(|value| joined(value, "filename").or_else(|| joined(value, "name")))
}

/// The value of parameter `param` of a header, when it is given in two or
/// more numbered segments.
fn joined(header: &str, param: &str) -> Option<String> {
    let mut segments: Vec<(u32, bool, &str)> = header
        .split(';')
        .filter_map(|piece| {
            let (key, value) = piece.split_once('=')?;
            let rest = key.trim().strip_prefix(param)?.strip_prefix('*')?;
            let (n, encoded) = match rest.strip_suffix('*') {
                Some(n) => (n, true),
                None => (rest, false),
            };
            Some((n.parse().ok()?, encoded, value.trim().trim_matches('"')))
        })
        .collect();
    if segments.len() < 2 {
        return None;
    }
    segments.sort_by_key(|s| s.0);
    if segments.iter().enumerate().any(|(i, s)| s.0 as usize != i) {
        return None;
    }
    let mut charset = "utf-8";
    let mut bytes = Vec::new();
    for (n, encoded, value) in segments {
        let mut value = value;
        if n == 0 && encoded {
            // charset'language'text
            let mut fields = value.splitn(3, '\'');
            let (Some(cs), Some(_), Some(text)) = (fields.next(), fields.next(), fields.next())
            else {
                return None;
            };
            if !cs.is_empty() {
                charset = cs;
            }
            value = text;
        }
        if encoded {
            bytes.extend(percent_encoding::percent_decode_str(value));
        } else {
            bytes.extend_from_slice(value.as_bytes());
        }
    }
    let encoding = encoding_rs::Encoding::for_label(charset.as_bytes())?;
    Some(encoding.decode_without_bom_handling(&bytes).0.into_owned())
}

fn to_chrono(d: &mail_parser::DateTime) -> Option<DateTime<FixedOffset>> {
    let offset = (i32::from(d.tz_hour) * 3600 + i32::from(d.tz_minute) * 60)
        * if d.tz_before_gmt { -1 } else { 1 };
    let tz = FixedOffset::east_opt(offset)?;
    tz.with_ymd_and_hms(
        i32::from(d.year),
        u32::from(d.month),
        u32::from(d.day),
        u32::from(d.hour),
        u32::from(d.minute),
        u32::from(d.second),
    )
    .single()
}
