//! `jucai notify`: one message per unit for a period, of the kind its state
//! calls for — 回执 (the newest version passed, perhaps with warnings), 退回
//! (it has errors: the feedback workbook goes with it) or 催报 (nothing
//! received: the blank template goes with it) — addressed to the registry's
//! 电子邮箱, else to where the unit's newest submission came from.
//!
//! Data flow: registry + archive → [`plan`] → [`Planned`] notices →
//! `.eml` previews ([`write_outbox`]) or SMTP ([`super::smtp`]), each send
//! recorded in the store so a rerun sends only what changed.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde::Serialize;
use serde_json::json;

use super::compose::{Attachment, Letter, Person, XLSX};
use super::error::MailError;
use super::settings::Sender;
use crate::archive::{Archive, Notice, NoticeKind, Record};
use crate::diagnostic::Diagnostic;
use crate::limits::Limits;
use crate::period::chinese_date;
use crate::period::Period;
use crate::registry::{Level, Registry, Unit};
use crate::reports::feedback::{FeedbackWriter, Returned};
use crate::reports::template::content::Filled;
use crate::reports::template::prefill::prefills;
use crate::reports::template::workbook::{LedgerTemplates, TemplateJob};
use crate::schema::Schema;
use crate::wording::Builtin;

pub(crate) const WORDING: &str = include_str!("../../templates/mail.toml");

static WORDS: Builtin = Builtin::new("templates/mail.toml", WORDING);

/// How many errors a 退回 lists in its body (the rest are in the workbook).
const SHOWN_ERRORS: usize = 10;

/// What notices are made from.
pub(crate) struct Context<'a> {
    pub schema: &'a Schema,
    pub registry: &'a Registry,
    pub archive: &'a Archive,
    pub limits: &'a Limits,
    pub deadline_days: u32,
    pub from: &'a Sender,
    /// Where feedback workbooks are written (the same files `jucai run` writes).
    pub feedback_dir: &'a Path,
}

/// Where a recipient's address comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Source {
    /// The registry's 电子邮箱.
    Registry,
    /// The sender of the unit's newest submission.
    Sender,
}

/// What the store says about a notice like this one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Before {
    /// Never sent.
    Never,
    /// Sent `n` times (the same unit, period, kind and state).
    Sent(usize),
    /// Tried, and it failed (it is tried again).
    Failed(String),
}

/// One unit's notice for the period.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    pub unit: String,
    pub name: String,
    pub kind: NoticeKind,
    /// What it is about (see [`Notice::state`]).
    pub state: String,
    /// `None`: no address is known (listed as unreachable).
    pub to: Option<(Person, Source)>,
    pub letter: Letter,
    pub before: Before,
}

impl Planned {
    /// Whether a send should go out now.
    pub(crate) fn due(&self, again: bool) -> bool {
        self.to.is_some() && (again || !matches!(self.before, Before::Sent(_)))
    }
}

/// The notices of every unit of the registry for `period`, in tree order.
/// The centre sends them, so it gets none itself.
pub(crate) fn plan(ctx: &Context<'_>, period: Period) -> Result<Vec<Planned>, MailError> {
    let notices = ctx.archive.notices(period)?;
    let templates = LedgerTemplates::new()?;
    let feedback = FeedbackWriter::new(*ctx.limits)?;
    let mut out = Vec::new();
    let units = ctx.registry.tree_order();
    // A reminder's template carries what the centre has of the unit.
    let codes: Vec<&str> = units.iter().map(|u| u.code.as_str()).collect();
    let rules = crate::intake::Rules {
        schema: ctx.schema,
        registry: ctx.registry,
        limits: ctx.limits,
    };
    let prefilled = prefills(ctx.archive, rules, &codes, period)?;
    for unit in units.into_iter().filter(|u| u.level != Level::Centre) {
        let newest = ctx.archive.newest(&unit.code, period);
        let to = recipient(unit, ctx.archive);
        let unread = match newest {
            None => unread(ctx, unit, period, to.as_ref().map(|t| t.0.address.as_str())),
            Some(_) => Vec::new(),
        };
        let (kind, state) = match (newest, unread.last()) {
            // What it sent could not be read: that is sent back, and told
            // again when it sends another file that cannot be read.
            (None, Some(r)) => (NoticeKind::Return, format!("unread:{}", r.hash)),
            (None, None) => (NoticeKind::Reminder, "none".to_string()),
            (Some(r), _) if r.errors > 0 => (NoticeKind::Return, r.hash.clone()),
            (Some(r), _) => (NoticeKind::Receipt, r.hash.clone()),
        };
        let vars = Vars::new(ctx, unit, period);
        let (subject, body, attachments) = match newest {
            None => {
                let template = Template {
                    writer: &templates,
                    prefilled: prefilled.get(&unit.code),
                };
                reminder(ctx, unit, period, &vars, template, &unread)?
            }
            Some(r) => answer(ctx, unit, r, kind, &vars, &feedback)?,
        };
        let before = before(&notices, &unit.code, kind, &state);
        let letter = Letter {
            from: Person {
                name: ctx.from.name.clone(),
                address: ctx.from.address.clone(),
            },
            to: to.as_ref().map(|t| t.0.clone()).unwrap_or(Person {
                name: unit.name.clone(),
                address: String::new(),
            }),
            subject,
            body,
            attachments,
            message_id: message_id(kind, period, &unit.code, &state, &before, ctx.from),
        };
        out.push(Planned {
            unit: unit.code.clone(),
            name: unit.name.clone(),
            kind,
            state,
            to,
            letter,
            before,
        });
    }
    Ok(out)
}

/// The unit's address: the registry's, else its newest submission's sender's.
fn recipient(unit: &Unit, archive: &Archive) -> Option<(Person, Source)> {
    let head = unit.head.clone().unwrap_or_else(|| unit.name.clone());
    if let Some(address) = unit.email.as_deref().filter(|a| valid(a)) {
        return Some((
            Person {
                name: head,
                address: address.to_string(),
            },
            Source::Registry,
        ));
    }
    let newest = archive
        .records()
        .iter()
        .filter(|r| r.unit.as_deref() == Some(unit.code.as_str()) && r.sender.is_some())
        .max_by_key(|r| (r.received, r.seq))?;
    let (name, address) = split_sender(newest.sender.as_deref()?);
    valid(address).then(|| {
        (
            Person {
                name: if name.is_empty() {
                    head
                } else {
                    name.to_string()
                },
                address: address.to_string(),
            },
            Source::Sender,
        )
    })
}

/// A From header's display name and address (`王丽娟 <a@b.cn>`, or a bare address).
fn split_sender(sender: &str) -> (&str, &str) {
    match sender.rsplit_once('<') {
        Some((name, rest)) => (name.trim(), rest.trim_end_matches('>').trim()),
        None => ("", sender.trim()),
    }
}

/// What came from `unit` for `period` and could not be taken as its ledger
/// (a RAR, a broken 7z, a workbook without its cover): the quarantined
/// receptions of the period's reporting window (after the previous period's
/// deadline) sent from the unit's address or naming the unit, oldest first.
fn unread<'a>(
    ctx: &Context<'a>,
    unit: &Unit,
    period: Period,
    address: Option<&str>,
) -> Vec<&'a Record> {
    let from = period.previous().deadline(ctx.deadline_days);
    let mut out: Vec<&Record> = ctx
        .archive
        .quarantine()
        .filter(|r| r.period.is_none_or(|p| p == period))
        .filter(|r| r.received.is_some_and(|t| t.date() > from))
        .filter(|r| {
            let by_address = r.sender.as_deref().map(split_sender).is_some_and(|(_, a)| {
                address.is_some_and(|address| a.eq_ignore_ascii_case(address))
            });
            let named = [Some(r.original_name.as_str()), r.subject.as_deref()]
                .into_iter()
                .flatten()
                .any(|t| t.contains(&unit.name));
            by_address || named
        })
        .collect();
    out.sort_by_key(|r| (r.received, r.seq));
    out
}

fn valid(address: &str) -> bool {
    address.parse::<lettre::Address>().is_ok()
}

/// What the store has of this notice before.
fn before(notices: &[Notice], unit: &str, kind: NoticeKind, state: &str) -> Before {
    let same: Vec<&Notice> = notices
        .iter()
        .filter(|n| n.unit == unit && n.kind == kind.key() && n.state == state)
        .collect();
    let sent = same.iter().filter(|n| n.sent).count();
    match same.last() {
        _ if sent > 0 => Before::Sent(sent),
        Some(n) => Before::Failed(n.error.clone().unwrap_or_default()),
        None => Before::Never,
    }
}

/// Stable for the same notice, new for each resend with `--again`.
fn message_id(
    kind: NoticeKind,
    period: Period,
    unit: &str,
    state: &str,
    before: &Before,
    from: &Sender,
) -> String {
    let short = &state[..state.len().min(12)];
    let again = match before {
        Before::Sent(n) => format!(".{n}"),
        _ => String::new(),
    };
    format!(
        "{}.{}.{unit}.{short}{again}@{}",
        kind.key(),
        period.code(),
        from.domain()
    )
}

/// What every notice's wording may use.
#[derive(Serialize)]
struct Vars {
    centre: String,
    unit: String,
    head: String,
    period: String,
    deadline: String,
    sender: String,
}

impl Vars {
    fn new(ctx: &Context<'_>, unit: &Unit, period: Period) -> Vars {
        Vars {
            centre: ctx
                .registry
                .centre()
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            unit: unit.name.clone(),
            head: unit.head.clone().unwrap_or_default(),
            period: period.chinese(),
            deadline: chinese_date(period.deadline(ctx.deadline_days)),
            sender: ctx.from.name.clone(),
        }
    }

    fn with(&self, extra: serde_json::Value) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let (Some(v), serde_json::Value::Object(extra)) = (v.as_object_mut(), extra) {
            v.extend(extra);
        }
        v
    }
}

/// A diagnostic as a notice lists it.
#[derive(Serialize)]
struct Listed {
    place: String,
    message: String,
    value: Option<String>,
}

impl Listed {
    fn of(d: &Diagnostic) -> Listed {
        let place = match (&d.sheet, &d.cell) {
            (Some(s), Some(c)) => format!("{s}!{c}"),
            (Some(s), None) => s.clone(),
            _ => String::new(),
        };
        Listed {
            place,
            message: d.message.clone(),
            value: d.value.clone(),
        }
    }
}

/// A file that could not be read, as a 退回 lists it.
#[derive(Serialize)]
struct Unread {
    file: String,
    received: String,
    reason: Option<String>,
}

impl Unread {
    fn of(r: &Record) -> Unread {
        Unread {
            file: r.original_name.clone(),
            received: r.received.map(chinese_time).unwrap_or_default(),
            reason: r.reason.clone(),
        }
    }
}

type Composed = (String, String, Vec<Attachment>);

/// The template a reminder attaches, and what it is prefilled with.
#[derive(Clone, Copy)]
struct Template<'a> {
    writer: &'a LedgerTemplates,
    prefilled: Option<&'a Filled>,
}

/// 催报, with the blank template for the unit and period; when what the unit
/// sent could not be read (`unread`), a 退回 saying why, with the template.
fn reminder(
    ctx: &Context<'_>,
    unit: &Unit,
    period: Period,
    vars: &Vars,
    template: Template<'_>,
    unread: &[&Record],
) -> Result<Composed, MailError> {
    let job = TemplateJob {
        schema: ctx.schema,
        unit,
        period,
        deadline_days: ctx.deadline_days,
        fill: template.prefilled,
    };
    let name = template.writer.file_name(unit, period)?;
    let bytes = template.writer.to_bytes(&job)?;
    let overdue = ctx
        .archive
        .records()
        .iter()
        .filter_map(|r| r.received)
        .max()
        .is_some_and(|t| t.date() > period.deadline(ctx.deadline_days));
    let unread: Vec<Unread> = unread.iter().map(|r| Unread::of(r)).collect();
    let prefilled = template
        .prefilled
        .and_then(|f| f.carried_from)
        .map(|p| p.chinese());
    let data = vars.with(json!({
        "template": name,
        "overdue": overdue,
        "unread": unread,
        "prefilled": prefilled,
    }));
    let (subject, body) = match unread.is_empty() {
        true => ("subject_reminder", "body_reminder"),
        false => ("subject_unread", "body_unread"),
    };
    let words = WORDS.get();
    Ok((
        words.render(subject, &data)?,
        words.render(body, &data)?.trim_start().to_string(),
        vec![Attachment {
            name,
            mime: XLSX,
            bytes,
        }],
    ))
}

/// 回执 or 退回 for the newest version `record`.
fn answer(
    ctx: &Context<'_>,
    unit: &Unit,
    record: &Record,
    kind: NoticeKind,
    vars: &Vars,
    feedback: &FeedbackWriter,
) -> Result<Composed, MailError> {
    let words = WORDS.get();
    let period = record.period.unwrap_or(Period {
        year: 0,
        quarter: 1,
    });
    let version = ctx.archive.versions(&unit.code, period).len();
    let bytes = ctx.archive.bytes(record)?;
    let checked = crate::validate::validate(
        &bytes,
        &record.original_name,
        ctx.schema,
        ctx.registry,
        ctx.limits,
    );
    let errors: Vec<Listed> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(Listed::of)
        .collect();
    let warnings: Vec<Listed> = checked
        .diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .map(Listed::of)
        .collect();
    let result = if warnings.is_empty() {
        words.plain("result_passed")?
    } else {
        words.plain("result_warnings")?
    };
    let common = json!({
        "file": record.original_name,
        "version": version,
        "received": record.received.map(chinese_time).unwrap_or_default(),
        "result": result,
        "warning_count": warnings.len(),
        "errors": errors.len(),
    });
    if kind == NoticeKind::Receipt {
        let mut data = vars.with(common);
        data["warnings"] = serde_json::to_value(&warnings).unwrap_or_default();
        let rules = crate::intake::Rules {
            schema: ctx.schema,
            registry: ctx.registry,
            limits: ctx.limits,
        };
        if let Some(changes) = crate::changes::changes(ctx.archive, rules, record)? {
            let worded = changes.words()?;
            data["changes"] = json!(worded.summary);
            data["shrink"] = json!(worded.shrink);
        }
        return Ok((
            words.render("subject_receipt", &data)?,
            words
                .render("body_receipt", &data)?
                .trim_start()
                .to_string(),
            Vec::new(),
        ));
    }
    let returned = Returned {
        checked: &checked,
        bytes: &bytes,
        unit: Some(unit),
        schema: ctx.schema,
        deadline_days: ctx.deadline_days,
    };
    let path = feedback.write(&returned, ctx.feedback_dir)?;
    let name = file_name(&path);
    let attached = std::fs::read(&path).map_err(|e| crate::error::Error::io(&path, e))?;
    let more = errors.len().saturating_sub(SHOWN_ERRORS);
    let shown: Vec<&Listed> = errors.iter().take(SHOWN_ERRORS).collect();
    let mut data = vars.with(common);
    data["shown"] = serde_json::to_value(&shown).unwrap_or_default();
    data["more"] = json!(more);
    data["feedback"] = json!(name);
    Ok((
        words.render("subject_return", &data)?,
        words.render("body_return", &data)?.trim_start().to_string(),
        vec![Attachment {
            name,
            mime: XLSX,
            bytes: attached,
        }],
    ))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `2023年10月8日 14:32`.
fn chinese_time(t: NaiveDateTime) -> String {
    format!("{} {}", chinese_date(t.date()), t.format("%H:%M"))
}

/// China Standard Time, in which received times are kept.
pub(crate) fn cst(t: NaiveDateTime) -> DateTime<FixedOffset> {
    let offset = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    DateTime::from_naive_utc_and_offset(t - chrono::Duration::hours(8), offset)
}

/// The date the previews carry: the newest reception of the archive (what
/// the notices reflect), so the same archive gives the same files.
pub(crate) fn as_of(
    archive: &Archive,
    period: Period,
    deadline_days: u32,
) -> DateTime<FixedOffset> {
    let newest = archive.records().iter().filter_map(|r| r.received).max();
    let fallback = period
        .deadline(deadline_days)
        .and_hms_opt(9, 0, 0)
        .unwrap_or_default();
    cst(newest.unwrap_or(fallback))
}

/// Write every notice that has an address as `.eml` into `dir` (earlier
/// previews there are replaced). Returns the files written.
pub(crate) fn write_outbox(
    plans: &[Planned],
    dir: &Path,
    date: DateTime<FixedOffset>,
) -> Result<Vec<PathBuf>, MailError> {
    std::fs::create_dir_all(dir).map_err(|e| crate::error::Error::io(dir, e))?;
    remove_previews(dir)?;
    let words = WORDS.get();
    let mut written = Vec::new();
    for (n, p) in plans.iter().filter(|p| p.to.is_some()).enumerate() {
        let kind = words.plain(&format!("kind_{}", p.kind.key()))?;
        let name = words.render(
            "outbox_file",
            &json!({ "n": format!("{:03}", n + 1), "unit": p.name, "kind": kind }),
        )?;
        let path = dir.join(crate::output::safe_file_name(&name));
        crate::output::write_atomic(&path, &p.letter.to_bytes(date))?;
        written.push(path);
    }
    Ok(written)
}

/// Earlier previews: a unit's notice may have changed kind (and file name).
fn remove_previews(dir: &Path) -> Result<(), MailError> {
    let entries = std::fs::read_dir(dir).map_err(|e| crate::error::Error::io(dir, e))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "eml") {
            std::fs::remove_file(&path).map_err(|e| crate::error::Error::io(&path, e))?;
        }
    }
    Ok(())
}

/// The wording of a kind (回执 / 退回 / 催报), for listings.
pub(crate) fn kind_word(kind: NoticeKind) -> Result<String, MailError> {
    Ok(WORDS.get().plain(&format!("kind_{}", kind.key()))?)
}

/// The wording of a recipient's source, for listings.
pub(crate) fn source_word(source: Source) -> Result<String, MailError> {
    let key = match source {
        Source::Registry => "recipient_registry",
        Source::Sender => "recipient_sender",
    };
    Ok(WORDS.get().plain(key)?)
}

/// What became of one unit's notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    Sent,
    /// The server refused it, or the connection failed: kept, tried next run.
    Failed(String),
    /// Sent before for the same state.
    AlreadySent,
    /// No address known.
    Unreachable,
}

/// Send every notice that is due (`again`: also those sent before for the
/// same state), recording each in the store. `done` is told of each one.
pub(crate) fn send(
    plans: &[Planned],
    period: Period,
    settings: &super::settings::Settings,
    archive: &Archive,
    again: bool,
    mut done: impl FnMut(&Planned, &Outcome),
) -> Result<Vec<Outcome>, MailError> {
    let from = settings.from.as_ref().ok_or(MailError::NoFrom)?;
    let outgoing = if plans.iter().any(|p| p.due(again)) {
        let outgoing = super::smtp::Outgoing::new(settings)?;
        outgoing.check()?;
        Some(outgoing)
    } else {
        None
    };
    let mut outcomes = Vec::with_capacity(plans.len());
    for p in plans {
        let outcome = match (&p.to, &outgoing) {
            (None, _) => Outcome::Unreachable,
            (Some(_), _) if !p.due(again) => Outcome::AlreadySent,
            (Some((to, _)), Some(outgoing)) => send_one(p, to, period, from, outgoing, archive)?,
            (Some(_), None) => Outcome::AlreadySent,
        };
        done(p, &outcome);
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

/// Send one notice, dated now, and record it.
fn send_one(
    p: &Planned,
    to: &Person,
    period: Period,
    from: &Sender,
    outgoing: &super::smtp::Outgoing,
    archive: &Archive,
) -> Result<Outcome, MailError> {
    let now = chrono::Utc::now();
    let bytes = p
        .letter
        .to_bytes(cst(now.naive_utc() + chrono::Duration::hours(8)));
    let result = outgoing.send(&from.address, &to.address, &bytes);
    let notice = Notice {
        unit: p.unit.clone(),
        period,
        kind: p.kind.key().to_string(),
        state: p.state.clone(),
        recipient: to.address.clone(),
        message_id: p.letter.message_id.clone(),
        hash: Some(crate::hash::sha256_hex(&bytes)),
        sent: result.is_ok(),
        error: result.as_ref().err().cloned(),
        time: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    archive.record_notice(&notice, &bytes)?;
    Ok(match result {
        Ok(()) => Outcome::Sent,
        Err(reason) => Outcome::Failed(reason),
    })
}
