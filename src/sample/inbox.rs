//! Writing the sample inbox as the centre's clerk receives it: `.eml` files
//! (some carrying several workbooks, some with GBK-encoded file names, one
//! forwarded, one workbook saved as `.xls` by old Excel/WPS), an `.mbox`
//! export, and loose files with messy names.
//!
//! Everything is deterministic: fixed MIME boundaries and Message-IDs, dates
//! from the simulation, no wall-clock time.

use std::path::Path;

use chrono::NaiveDateTime;
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::raw::Raw;
use mail_builder::mime::{BodyPart, MimePart};
use mail_builder::MessageBuilder;

use crate::error::Error;
use crate::output::{safe_file_name, write_atomic};
use crate::registry::{Level, Registry, Unit};
use crate::sample::submissions::Submission;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const XLS: &str = "application/vnd.ms-excel";
const CENTRE_MAILBOX: &str = "rencai@dsmz.example.cn";

/// A workbook ready to send: its unit, file name and bytes.
pub(crate) struct Attachment<'a> {
    pub submission: &'a Submission,
    pub name: String,
    pub bytes: Vec<u8>,
}

/// How a unit's mail reaches the clerk.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Route {
    /// One email per workbook, UTF-8 file names.
    Email,
    /// One email per workbook, file names in GBK (older mail clients).
    EmailGbk,
    /// Sent together with the station's own workbook in one email.
    WithStation,
    /// The centre's own workbook, saved straight into the inbox folder.
    Loose,
    /// Exported from a mailbox into one `.mbox` file.
    Mbox,
}

fn route(registry: &Registry, unit: &Unit) -> Route {
    let station_index = |code: &str| {
        registry
            .centre()
            .map(|c| {
                registry
                    .children(&c.code)
                    .position(|s| s.code == code)
                    .unwrap_or(0)
            })
            .unwrap_or(0)
    };
    match unit.level {
        Level::Centre => Route::Loose,
        Level::Station => match station_index(&unit.code) {
            1 | 2 => Route::EmailGbk,
            _ => Route::Email,
        },
        Level::Workroom => {
            let parent = unit.parent.as_deref().unwrap_or("");
            match station_index(parent) {
                1 => Route::EmailGbk,
                3 => Route::WithStation,
                0 if registry
                    .children(parent)
                    .position(|w| w.code == unit.code)
                    .unwrap_or(0)
                    >= 10 =>
                {
                    Route::Mbox
                }
                _ => Route::Email,
            }
        }
    }
}

/// Messy but realistic attachment names.
pub(crate) fn attachment_name(unit: &Unit, sub: &Submission, n: usize) -> String {
    let p = &sub.period;
    let name = match n % 6 {
        0 => format!("{}{}台账.xlsx", unit.name, p.chinese()),
        1 => format!("{}-{}台账(1).xlsx", unit.name, p.chinese()),
        2 => format!("{} {}五类台账 最终版.xlsx", unit.name, p.code()),
        3 => format!("{}年{}季度台账（{}）.xlsx", p.year, p.quarter, unit.name),
        4 => format!("台账-{}-{}.xlsx", unit.name, p.code()),
        _ => format!("{}{}五类台账.xlsx", unit.name, p.chinese()),
    };
    safe_file_name(&name)
}

/// Write every email, mbox and loose file of the inbox into `dir`.
pub(crate) fn write(
    registry: &Registry,
    attachments: &[Attachment<'_>],
    dir: &Path,
) -> Result<Vec<String>, Error> {
    let mut written = Vec::new();
    let mut mbox: Vec<u8> = Vec::new();
    let unit_of = |a: &Attachment<'_>| registry.unit(&a.submission.unit);
    for (i, a) in attachments.iter().enumerate() {
        let Some(unit) = unit_of(a) else { continue };
        let period_dir = dir.join(a.submission.period.code());
        let how = route(registry, unit);
        match how {
            Route::Loose => {
                let path = period_dir.join(&a.name);
                write_atomic(&path, &a.bytes)?;
                written.push(a.name.clone());
            }
            // Sent by the station, with its own workbook.
            Route::WithStation => {}
            Route::Email | Route::EmailGbk | Route::Mbox => {
                let mut parts = vec![a];
                if unit.level == Level::Station {
                    // The station's workrooms that send with it, same period.
                    parts.extend(attachments.iter().filter(|o| {
                        o.submission.period == a.submission.period
                            && unit_of(o).is_some_and(|u| {
                                u.parent.as_deref() == Some(unit.code.as_str())
                                    && route(registry, u) == Route::WithStation
                            })
                    }));
                }
                let message = email(unit, &parts, i, how == Route::EmailGbk);
                if how == Route::Mbox {
                    append_mbox(&mut mbox, unit, a.submission.sent, &message);
                } else {
                    let name = safe_file_name(&format!(
                        "{} {} {}.eml",
                        a.submission.sent.format("%Y%m%d-%H%M%S"),
                        unit.name,
                        a.submission.period.code()
                    ));
                    write_atomic(&period_dir.join(&name), &message)?;
                    written.push(name);
                }
            }
        }
    }
    if !mbox.is_empty() {
        let name = "社工站转来邮件.mbox".to_string();
        write_atomic(&dir.join(&name), &mbox)?;
        written.push(name);
    }
    Ok(written)
}

fn address(unit: &Unit) -> String {
    format!("u{}@dsmz.example.cn", unit.code.replace('-', ""))
}

/// RFC 2822 date in China Standard Time.
fn mail_date(t: NaiveDateTime) -> String {
    format!("{} +0800", t.format("%a, %d %b %Y %H:%M:%S"))
}

fn email(unit: &Unit, parts: &[&Attachment<'_>], n: usize, gbk: bool) -> Vec<u8> {
    let first = parts[0].submission;
    let head = unit.head.clone().unwrap_or_default();
    let subject = format!("报送{}{}台账", unit.name, first.period.chinese());
    let body = format!(
        "中心各位领导：\n\n附件是{}{}五类台账，共 {} 个文件，请查收。\n\n{}\n{}\n",
        unit.name,
        first.period.chinese(),
        parts.len(),
        head,
        unit.phone.clone().unwrap_or_default()
    );
    let boundary = format!("jucai-sample-{n:04}");
    let mut mime_parts = vec![MimePart::new("text/plain", BodyPart::Text(body.into()))];
    for a in parts {
        let mime = if a.name.ends_with(".xls") { XLS } else { XLSX };
        let part = MimePart::new(
            ContentType::new(mime),
            BodyPart::Binary(a.bytes.clone().into()),
        );
        let part = if gbk {
            part.header("Content-Disposition", Raw::new(gbk_disposition(&a.name)))
        } else {
            part.attachment(a.name.clone())
        };
        mime_parts.push(part);
    }
    let root = MimePart::new(
        ContentType::new("multipart/mixed").attribute("boundary", boundary),
        BodyPart::Multipart(mime_parts),
    );
    MessageBuilder::new()
        .from((head.as_str(), address(unit).as_str()))
        .to(("东胜区民政人才工作中心", CENTRE_MAILBOX))
        .subject(subject)
        .header("Date", Raw::new(mail_date(first.sent)))
        .message_id(format!(
            "{}.{}.{n}@sample.jucai",
            unit.code,
            first.period.code()
        ))
        .body(root)
        .write_to_vec()
        .unwrap_or_default()
}

/// `attachment; filename*=GB18030''%C2%DE…`, as older Chinese mail clients write it.
fn gbk_disposition(name: &str) -> String {
    let (bytes, _, _) = encoding_rs::GB18030.encode(name);
    let encoded = percent_encoding::percent_encode(&bytes, percent_encoding::NON_ALPHANUMERIC);
    format!("attachment; filename*=GB18030''{encoded}")
}

/// Append a message in mboxrd form (`>From ` quoting).
fn append_mbox(out: &mut Vec<u8>, unit: &Unit, sent: NaiveDateTime, message: &[u8]) {
    out.extend_from_slice(
        format!(
            "From {} {}\n",
            address(unit),
            sent.format("%a %b %e %H:%M:%S %Y")
        )
        .as_bytes(),
    );
    for line in message.split_inclusive(|&b| b == b'\n') {
        let unquoted = line.iter().position(|&b| b != b'>').map(|i| &line[i..]);
        if unquoted.is_some_and(|rest| rest.starts_with(b"From ")) {
            out.push(b'>');
        }
        out.extend(line.iter().filter(|&&b| b != b'\r'));
    }
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    out.push(b'\n');
}
