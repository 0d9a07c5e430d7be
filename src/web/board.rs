//! 工作台 (`/`) and 报送情况 (`/periods/<P>`): the period at a glance and
//! every visible unit's state, grouped by station.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Html;
use serde::Serialize;
use serde_json::json;

use super::access;
use super::desk::{Desk, PeriodShown};
use super::error::WebError;
use super::session::Viewer;
use super::view::minutes;
use crate::archive::Archive;
use crate::period::chinese_date;
use crate::period::Period;
use crate::reports::status::render::StatusWriter;
use crate::reports::status::{StatusReport, Timeliness, UnitStatus};
use crate::web::store::{Account, Role};

/// A unit's state in one word: 已报, 逾期, 未报 or 退回.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum UnitState {
    Submitted,
    Late,
    Missing,
    Returned,
}

fn state(u: &UnitStatus) -> UnitState {
    match (u.submitted, u.timeliness) {
        (false, _) if u.is_returned() => UnitState::Returned,
        (false, _) => UnitState::Missing,
        (true, Timeliness::Late) => UnitState::Late,
        _ => UnitState::Submitted,
    }
}

/// The period the desk opens on: the newest with anything received.
fn current(desk: &Desk, archive: &Archive) -> Period {
    archive
        .periods()
        .last()
        .copied()
        .unwrap_or(desk.config.template_period)
}

#[derive(Serialize, Default)]
struct Counts {
    units: usize,
    submitted: usize,
    late: usize,
    missing: usize,
    returned: usize,
}

impl Counts {
    fn add(&mut self, s: UnitState) {
        self.units += 1;
        match s {
            UnitState::Submitted => self.submitted += 1,
            UnitState::Late => {
                self.submitted += 1;
                self.late += 1
            }
            UnitState::Missing => self.missing += 1,
            // 退回未改 is not 已报: it is chased like a missing one.
            UnitState::Returned => self.returned += 1,
        }
    }
}

/// A station's row of the board's chart.
#[derive(Serialize)]
struct Bar {
    name: String,
    units: usize,
    submitted: usize,
    /// Percent of its units that sent something (0–100).
    percent: usize,
}

pub(super) async fn board(
    State(desk): State<Arc<Desk>>,
    viewer: Viewer,
) -> Result<Html<String>, WebError> {
    let d = desk.clone();
    let account = viewer.account.clone();
    let data = tokio::task::spawn_blocking(move || board_data(&d, &account)).await??;
    let page = json!({ "viewer": viewer.page(), "board": data });
    Ok(Html(desk.views.render("board.html", &page)?))
}

fn board_data(desk: &Desk, account: &Account) -> Result<serde_json::Value, WebError> {
    let archive = desk.archive()?;
    let period = current(desk, &archive);
    let report = StatusReport::build(&desk.registry, &archive, period, desk.config.deadline_days);
    let mut total = Counts::default();
    let mut bars = Vec::new();
    for group in &report.groups {
        let mut counts = Counts::default();
        for u in group
            .units
            .iter()
            .filter(|u| access::may_see(account, &desk.registry, &u.code))
        {
            counts.add(state(u));
            total.add(state(u));
        }
        if counts.units > 0 {
            bars.push(Bar {
                name: group.name.clone(),
                units: counts.units,
                submitted: counts.submitted,
                percent: counts.submitted * 100 / counts.units,
            });
        }
    }
    let figures = figures(desk, account, &archive, period)?;
    // A workroom head's desk is its own unit: its state, not a chart of one.
    let mine = match account.role {
        Role::Workroom => {
            bars.clear();
            mine(desk, &report, account, &archive, period)
        }
        _ => None,
    };
    let periods: Vec<serde_json::Value> = archive
        .periods()
        .iter()
        .rev()
        .map(|p| json!({ "code": p.code(), "name": p.chinese() }))
        .collect();
    Ok(json!({
        "period": { "code": period.code(), "name": period.chinese() },
        "deadline": chinese_date(period.deadline(desk.config.deadline_days)),
        "next": { "name": period.next().chinese(), "deadline": chinese_date(period.next().deadline(desk.config.deadline_days)) },
        "counts": total,
        "figures": figures,
        "mine": mine,
        "centre": account.role == Role::Centre,
        "screen_key": account.role == Role::Centre && super::screen::key_is_on(desk)?,
        "slowed": if account.role == Role::Centre { desk.limiter.slowed("user:") } else { Vec::new() },
        "chart_height": bars.len() * 28 + 8,
        "bars": bars,
        "periods": periods,
    }))
}

/// A workroom head's own unit this period: its state, its newest version,
/// and the period whose template it should fill next (as the entry forms
/// fill it).
fn mine(
    desk: &Desk,
    report: &StatusReport,
    account: &Account,
    archive: &Archive,
    period: Period,
) -> Option<serde_json::Value> {
    let code = account.unit.as_deref()?;
    let status = report
        .groups
        .iter()
        .flat_map(|g| &g.units)
        .find(|u| u.code == code)?;
    let newest = archive.newest(code, period);
    let to_fill = desk.filling(archive, code);
    Some(json!({
        "code": status.code,
        "name": status.name,
        "state": state(status),
        "file": newest.map(|r| &r.original_name),
        "received": newest.and_then(|r| minutes(r.received)),
        "errors": newest.map(|r| r.errors),
        "warnings": newest.map(|r| r.warnings),
        "to_fill": { "code": to_fill.code(), "name": to_fill.chinese() },
    }))
}

/// The key figures of the viewer's own scope (the centre's for the centre)
/// from the report model, which is made once per period while the archive
/// is unchanged.
fn figures(
    desk: &Desk,
    account: &Account,
    archive: &Archive,
    period: Period,
) -> Result<Option<serde_json::Value>, WebError> {
    let scope = match account.unit.clone() {
        Some(u) => u,
        None => match desk.registry.centre() {
            Some(c) => c.code.clone(),
            None => return Ok(None),
        },
    };
    let stamp = Archive::stamp(&desk.archive_dir)?;
    let cached = desk.models.get(&period.code(), stamp);
    let _making = cached
        .is_none()
        .then(|| desk.making.lock().unwrap_or_else(|p| p.into_inner()));
    // Another request may have made it while this one waited.
    let reports = match cached.or_else(|| desk.models.get(&period.code(), stamp)) {
        Some(r) => r,
        None => {
            let c = &desk.config;
            let inputs = crate::aggregate::inputs::Inputs {
                registry: &desk.registry,
                schema: &c.schema,
                archive,
                deadline_days: c.deadline_days,
                targets: &c.targets,
                limits: &c.limits,
            };
            let built = Arc::new(crate::reports::quarterly::build(&inputs, period)?);
            desk.models.put(period.code(), stamp, built.clone());
            built
        }
    };
    let Some(r) = reports.iter().find(|r| r.unit == scope) else {
        return Ok(None);
    };
    let (q, ytd) = (&r.quarter, &r.year_to_date);
    let change = r.previous_quarter.as_ref().map(|p| {
        // A count's change, written as the reports write it (+1330, not +1,330).
        crate::numbers::signed_count(q.talents.in_library as i64 - p.talents.in_library as i64)
    });
    let mut kinds: Vec<(&str, &u64)> = q.talents.by_kind.iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let most = kinds.first().map_or(1, |k| (*k.1).max(1));
    let kinds: Vec<serde_json::Value> = kinds
        .iter()
        .take(6)
        .map(|(name, n)| json!({ "name": name, "n": n, "width": **n * 300 / most }))
        .collect();
    Ok(Some(json!({
        "name": r.name,
        "talents": q.talents.in_library,
        "change": change,
        "joined": q.talents.joined,
        "activities": q.activities.count,
        "activities_ytd": ytd.activities.count,
        "problems_open": q.problems.open,
        "problems_rate": ytd.problems.closure_rate.value().map(crate::numbers::rate),
        "problems_closed": ytd.problems.closed,
        "problems_load": ytd.problems.caseload(),
        "needs_open": q.needs.open,
        "achievements_ytd": ytd.achievements.count,
        "kinds_height": kinds.len() * 24 + 6,
        "kinds": kinds,
    })))
}

pub(super) async fn period(
    State(desk): State<Arc<Desk>>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Result<Html<String>, WebError> {
    let period: Period = code.parse().map_err(|_| WebError::NotFound)?;
    let d = desk.clone();
    let account = viewer.account.clone();
    let shown = tokio::task::spawn_blocking(move || period_shown(&d, &account, period)).await??;
    let page =
        json!({ "viewer": viewer.page(), "period": *shown.data, "table": shown.table.as_str() });
    Ok(Html(desk.views.render("period.html", &page)?))
}

fn period_shown(desk: &Desk, account: &Account, period: Period) -> Result<PeriodShown, WebError> {
    let stamp = Archive::stamp(&desk.archive_dir)?;
    let key = format!(
        "{}|{}|{}",
        period.code(),
        account.role.key(),
        account.unit.as_deref().unwrap_or("")
    );
    if let Some(shown) = desk.period_pages.get(&key, stamp) {
        return Ok(shown);
    }
    let mut data = period_data(desk, account, period)?;
    let groups = data
        .as_object_mut()
        .and_then(|d| d.remove("groups"))
        .unwrap_or_default();
    let table = desk
        .views
        .render("period_table.html", &json!({ "groups": groups }))?;
    let shown = PeriodShown {
        data: Arc::new(data),
        table: Arc::new(table),
    };
    desk.period_pages.put(key, stamp, shown.clone());
    Ok(shown)
}

fn period_data(
    desk: &Desk,
    account: &Account,
    period: Period,
) -> Result<serde_json::Value, WebError> {
    let archive = desk.archive()?;
    let report = StatusReport::build(&desk.registry, &archive, period, desk.config.deadline_days);
    let words = StatusWriter::new()?;
    // A district has thousands of units but a handful of distinct states:
    // each state is worded once.
    let mut worded: std::collections::HashMap<_, [String; 3]> = std::collections::HashMap::new();
    let mut groups = Vec::new();
    let mut total = Counts::default();
    for group in &report.groups {
        let mut rows = Vec::new();
        for u in group
            .units
            .iter()
            .filter(|u| access::may_see(account, &desk.registry, &u.code))
        {
            let key = (u.submitted, u.timeliness, u.validation);
            let [_, timely, result] = match worded.get(&key) {
                Some(w) => w.clone(),
                None => {
                    let w = words.words(u)?;
                    worded.insert(key, w.clone());
                    w
                }
            };
            total.add(state(u));
            rows.push(json!({
                "code": u.code,
                "name": u.name,
                "level": u.level,
                "state": state(u),
                "versions": u.versions,
                "newest": minutes(u.newest_received),
                "timely": timely,
                "result": result,
            }));
        }
        if !rows.is_empty() {
            groups.push(json!({ "name": group.name, "units": rows }));
        }
    }
    Ok(json!({
        "code": period.code(),
        "name": period.chinese(),
        "deadline": chinese_date(report.deadline),
        "groups": groups,
        "counts": total,
        "centre": access::is_centre(account),
        "mail": desk.config.mail.as_ref().is_some_and(|m| m.smtp.is_some()),
        // What came in that is no one's workbook is the centre's to sort out.
        "quarantine": if access::is_centre(account) { quarantine(&report) } else { Vec::new() },
        "unattached": if access::is_centre(account) { unattached(&report) } else { Vec::new() },
    }))
}

/// The quarantined files, each with why when the archive recorded it.
fn quarantine(report: &StatusReport) -> Vec<serde_json::Value> {
    report
        .quarantine
        .iter()
        .map(|q| {
            json!({
                "name": q.name,
                "sender": q.sender,
                "received": minutes(q.received),
                "workbook": q.workbook,
                "reason": q.reason,
            })
        })
        .collect()
}

/// The messages of the period's window that brought nothing.
fn unattached(report: &StatusReport) -> Vec<serde_json::Value> {
    report
        .unattached
        .iter()
        .map(|m| {
            json!({
                "sender": m.sender,
                "received": minutes(Some(m.received)),
                "subject": m.subject,
            })
        })
        .collect()
}

/// `/periods/<P>/status.xlsx`: the district's status sheet (centre only).
pub(super) async fn status_xlsx(
    State(desk): State<Arc<Desk>>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Result<axum::response::Response, WebError> {
    let period: Period = code.parse().map_err(|_| WebError::NotFound)?;
    if !access::is_centre(&viewer.account) {
        return Err(WebError::Forbidden);
    }
    let d = desk.clone();
    tokio::task::spawn_blocking(move || {
        let archive = d.archive()?;
        let report = StatusReport::build(&d.registry, &archive, period, d.config.deadline_days);
        let dir = tempfile::tempdir().map_err(|e| WebError::Internal(e.to_string()))?;
        let path = StatusWriter::new()?.write(&report, dir.path())?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = std::fs::read(&path).map_err(|e| WebError::Internal(e.to_string()))?;
        Ok(super::unit::download(
            &name,
            crate::mail::compose::XLSX,
            bytes,
        ))
    })
    .await?
}

#[derive(serde::Deserialize)]
pub(super) struct NotifyForm {
    #[serde(default)]
    csrf: String,
    /// `reminder` (催报) or `return` (退回).
    kind: String,
}

/// `POST /periods/<P>/notify`: send the period's 催报 or 退回 mail, as
/// `jucai notify --send` does (centre only, when `[mail]` is set).
pub(super) async fn notify(
    State(desk): State<Arc<Desk>>,
    viewer: Viewer,
    Path(code): Path<String>,
    axum::Form(form): axum::Form<NotifyForm>,
) -> Result<Html<String>, WebError> {
    viewer.check(&form.csrf)?;
    let period: Period = code.parse().map_err(|_| WebError::NotFound)?;
    if !access::is_centre(&viewer.account) {
        return Err(WebError::Forbidden);
    }
    let kind = crate::archive::NoticeKind::of_key(&form.kind)
        .filter(|k| *k != crate::archive::NoticeKind::Receipt)
        .ok_or_else(|| WebError::BadRequest(form.kind.clone()))?;
    let d = desk.clone();
    let sent = tokio::task::spawn_blocking(move || send_notices(&d, period, kind)).await??;
    let page = json!({ "viewer": viewer.page(), "period": { "code": period.code(), "name": period.chinese() }, "sent": sent });
    Ok(Html(desk.views.render("notified.html", &page)?))
}

fn send_notices(
    desk: &Desk,
    period: Period,
    kind: crate::archive::NoticeKind,
) -> Result<Vec<serde_json::Value>, WebError> {
    use crate::mail::notify::{self, Context, Outcome};
    let settings = desk
        .config
        .mail
        .as_ref()
        .ok_or_else(|| WebError::BadRequest("没有设置邮箱".into()))?;
    let from = settings
        .from
        .as_ref()
        .ok_or_else(|| WebError::BadRequest("没有设置发件人".into()))?;
    let _one_at_a_time = desk.sending.lock().unwrap_or_else(|p| p.into_inner());
    // Opened after the lock: what an earlier click sent is recorded by now.
    let archive = desk.archive_to_write()?;
    let feedback_dir = desk
        .config
        .output
        .join(period.code())
        .join(crate::render::console::word("folder_feedback")?);
    let ctx = Context {
        schema: &desk.config.schema,
        registry: &desk.registry,
        archive: &archive,
        limits: &desk.config.limits,
        deadline_days: desk.config.deadline_days,
        from,
        feedback_dir: &feedback_dir,
    };
    let fail = |e: crate::mail::MailError| WebError::Internal(e.to_string());
    let plans: Vec<_> = notify::plan(&ctx, period)
        .map_err(fail)?
        .into_iter()
        .filter(|p| p.kind == kind)
        .collect();
    let outcomes =
        notify::send(&plans, period, settings, &archive, false, |_, _| {}).map_err(fail)?;
    Ok(plans
        .iter()
        .zip(outcomes)
        .map(|(p, o)| {
            let (state, reason) = match o {
                Outcome::Sent => ("sent", None),
                Outcome::Failed(r) => ("failed", Some(r)),
                Outcome::AlreadySent => ("already", None),
                Outcome::Unreachable => ("unreachable", None),
            };
            json!({ "unit": p.name, "to": p.to.as_ref().map(|t| t.0.address.clone()), "state": state, "reason": reason })
        })
        .collect())
}
