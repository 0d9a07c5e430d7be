//! 报告 (`/reports`): the quarterly and annual reports, packets and the
//! directory already written into the output folder, PDF and XLSX, to
//! download; the centre can have one made again. A station head sees its
//! own station's reports; a workroom head has none. A job to make reports
//! runs on its own thread; its page shows how far it has got ([`super::jobs`]).

use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use serde::Serialize;
use serde_json::json;

use super::access;
use super::desk::Desk;
use super::error::WebError;
use super::jobs::ReportJob;
use super::journal::{journal, Level};
use super::session::Viewer;
use crate::web::store::{Account, Role};

/// A report file in the output folder, by its path under it.
struct Listed {
    path: String,
    /// The folder it is in (a period or a year), or empty.
    group: String,
    name: String,
}

/// Every report file the viewer may have, by folder then name.
fn listing(desk: &Desk, account: &Account) -> Vec<Listed> {
    let out = &desk.config.output;
    let own = account
        .unit
        .as_deref()
        .and_then(|u| desk.registry.unit(u))
        .map(|u| u.name.clone());
    let mut files: Vec<Listed> = walkdir::WalkDir::new(out)
        .max_depth(2)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(out).ok()?.to_path_buf();
            report_file(&rel)
        })
        .filter(|l| match account.role {
            Role::Centre => true,
            // Report files are named 季度报告-<单位名称>-<报送期> and so on.
            Role::Station => own
                .as_deref()
                .is_some_and(|n| l.name.contains(&format!("-{n}-"))),
            Role::Workroom => false,
        })
        .collect();
    files.sort_by(|a, b| b.group.cmp(&a.group).then(a.name.cmp(&b.name)));
    files
}

/// A PDF, XLSX or Word (DOCX) report of a period or year folder (or the
/// directory at the top).
fn report_file(rel: &FsPath) -> Option<Listed> {
    let name = rel.file_name()?.to_string_lossy().into_owned();
    let ext = rel.extension()?.to_string_lossy().to_lowercase();
    if !matches!(ext.as_str(), "pdf" | "xlsx" | "docx") || name.starts_with('.') {
        return None;
    }
    let group = match rel.parent().map(FsPath::as_os_str) {
        Some(g) if g.is_empty() => String::new(),
        Some(g) => g.to_string_lossy().into_owned(),
        None => String::new(),
    };
    let is_period = group.len() == 6 && group.as_bytes().get(4) == Some(&b'Q');
    let is_year = group.len() == 4 && group.bytes().all(|b| b.is_ascii_digit());
    (group.is_empty() || is_period || is_year).then(|| Listed {
        path: rel.to_string_lossy().into_owned(),
        group,
        name,
    })
}

/// One period's or year's reports on the page.
#[derive(Serialize)]
struct Group {
    /// The folder: a period code, a year, or empty (the directory).
    #[serde(skip)]
    folder: String,
    title: String,
    kinds: Vec<Kind>,
}

/// The reports of one kind (季度报告, 半年人才工作总结 …).
#[derive(Serialize)]
struct Kind {
    kind: String,
    reports: Vec<Report>,
}

/// One report (a unit's, or the district's) in its formats.
#[derive(Serialize)]
struct Report {
    label: String,
    files: Vec<Format>,
}

#[derive(Serialize)]
struct Format {
    format: String,
    path: String,
}

/// The listing as the page shows it: by period or year (newest first),
/// then by kind of report, one row per report with its PDF, XLSX and Word
/// files side by side. Names are 季度报告-<单位名称>-<报送期> and so on.
fn grouped(files: Vec<Listed>) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for l in files {
        let (stem, ext) = l.name.rsplit_once('.').unwrap_or((&l.name, ""));
        let (kind, rest) = stem.split_once('-').unwrap_or((stem, ""));
        // The unit is the row; the period or year the name repeats is the group.
        let label = rest.rsplit_once('-').map_or("", |(unit, _)| unit);
        let format = Format {
            format: ext.to_uppercase().replace("DOCX", "Word"),
            path: l.path,
        };
        if groups.last().is_none_or(|g| g.folder != l.group) {
            groups.push(Group {
                title: title(&l.group),
                folder: l.group,
                kinds: Vec::new(),
            });
        }
        let kinds = &mut groups.last_mut().expect("pushed above").kinds;
        let at = match kinds.iter().position(|k| k.kind == kind) {
            Some(at) => at,
            None => {
                kinds.push(Kind {
                    kind: kind.to_string(),
                    reports: Vec::new(),
                });
                kinds.len() - 1
            }
        };
        let reports = &mut kinds[at].reports;
        match reports.iter_mut().find(|r| r.label == label) {
            Some(r) => r.files.push(format),
            None => reports.push(Report {
                label: label.to_string(),
                files: vec![format],
            }),
        }
    }
    groups
}

/// A folder's heading: 2023年第三季度, 2023年, or empty for the top.
fn title(folder: &str) -> String {
    match folder.parse::<crate::period::Period>() {
        Ok(p) => p.chinese(),
        Err(_) if folder.is_empty() => String::new(),
        Err(_) => format!("{folder}年"),
    }
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

pub(super) async fn page(
    State(desk): State<Arc<Desk>>,
    viewer: Viewer,
) -> Result<Html<String>, WebError> {
    let files = grouped(listing(&desk, &viewer.account));
    let archive = desk.archive()?;
    let periods: Vec<String> = archive.periods().iter().rev().map(|p| p.code()).collect();
    let mut years: Vec<i32> = archive.periods().iter().map(|p| p.year).collect();
    years.dedup();
    years.reverse();
    let page = json!({
        "viewer": viewer.page(),
        "files": files,
        "centre": access::is_centre(&viewer.account),
        "periods": periods,
        "years": years,
        "jobs": if access::is_centre(&viewer.account) { desk.jobs.all() } else { Vec::new() },
    });
    Ok(Html(desk.views.render("reports.html", &page)?))
}

/// `/reports/files/<path>`: only a file the listing offers this viewer.
pub(super) async fn file(
    State(desk): State<Arc<Desk>>,
    viewer: Viewer,
    Path(path): Path<String>,
) -> Result<Response, WebError> {
    let listed = listing(&desk, &viewer.account)
        .into_iter()
        .find(|l| l.path == path)
        .ok_or(WebError::NotFound)?;
    let full: PathBuf = desk.config.output.join(&listed.path);
    let bytes = std::fs::read(&full).map_err(|_| WebError::NotFound)?;
    let mime = match listed.name.rsplit('.').next() {
        Some("pdf") => "application/pdf",
        Some("docx") => DOCX,
        _ => crate::mail::compose::XLSX,
    };
    Ok(super::unit::download(&listed.name, mime, bytes))
}

#[derive(Deserialize)]
pub(super) struct Generate {
    #[serde(default)]
    csrf: String,
    kind: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    year: String,
}

pub(super) async fn generate(
    State(desk): State<Arc<Desk>>,
    viewer: Viewer,
    Form(form): Form<Generate>,
) -> Result<Response, WebError> {
    viewer.check(&form.csrf)?;
    if !access::is_centre(&viewer.account) {
        return Err(WebError::Forbidden);
    }
    let job = match form.kind.as_str() {
        "quarterly" => ReportJob::Quarterly(form.period.parse().map_err(|_| bad("报送期"))?),
        "annual" => ReportJob::Annual(form.year.parse().map_err(|_| bad("年份"))?),
        "directory" => ReportJob::Directory,
        _ => return Err(bad("报告种类")),
    };
    let (id, progress) = match desk.jobs.start(job.clone()) {
        Ok(started) => started,
        // One job at a time: the running one's page instead.
        Err(running) => {
            return Ok(Redirect::to(&format!("/reports/jobs/{running}")).into_response())
        }
    };
    let d = desk.clone();
    let code = job.code();
    journal(Level::Info, &format!("job {id} {code} started"));
    tokio::spawn(async move {
        let maker = progress.clone();
        let started = std::time::Instant::now();
        let made = tokio::task::spawn_blocking(move || (d.regenerate)(&job, &maker)).await;
        // A maker that panicked is a failed job, not one running for ever.
        let made = made.unwrap_or_else(|_| Err("内部错误".into()));
        let took = started.elapsed().as_secs();
        match &made {
            Ok(files) => journal(
                Level::Info,
                &format!("job {id} {code} done: {files} files in {took} s"),
            ),
            Err(e) => journal(
                Level::Error,
                &format!("job {id} {code} failed after {took} s: {e}"),
            ),
        }
        progress.finish(made);
    });
    Ok(Redirect::to(&format!("/reports/jobs/{id}")).into_response())
}

/// `/reports/jobs/<id>`: how far a job has got; the centre's only.
pub(super) async fn job(
    State(desk): State<Arc<Desk>>,
    viewer: Viewer,
    Path(id): Path<u64>,
) -> Result<Html<String>, WebError> {
    if !access::is_centre(&viewer.account) {
        return Err(WebError::Forbidden);
    }
    let job = desk.jobs.get(id).ok_or(WebError::NotFound)?;
    let page = json!({ "viewer": viewer.page(), "j": job });
    Ok(Html(desk.views.render("job.html", &page)?))
}

fn bad(what: &str) -> WebError {
    WebError::BadRequest(format!("{what}不对"))
}
