//! `jucai doctor`: the set-up a bureau gets wrong, checked one by one, each
//! told in Chinese with what to do: the configuration, the registry, the
//! archive (who owns it, who else may read it, free disk), the fonts the
//! documents print with, the desk's address and certificate, and the
//! mailbox logins. Nothing is written; exit 1 when something must be fixed.

use std::path::Path;

use serde_json::{json, Value};

use super::common::Outcome;
use crate::cli::DoctorArgs;
use crate::config::Config;
use crate::registry::Registry;
use crate::render::console::say;

/// Below this much free disk the archive may fail to take the next batch.
const DISK_LOW: u64 = 1 << 30;
/// Below this, a warning: a district's year of ledgers and reports is a few
/// hundred MB, backups and upgrades more.
const DISK_TIGHT: u64 = 5 << 30;
/// A certificate closer than this to its end is a warning.
const CERT_DAYS: i64 = 30;

/// How a check came out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Ok,
    Warn,
    Fail,
}

/// One line of the report: its level and its wording in `templates/cli.toml`.
struct Finding {
    level: Level,
    key: &'static str,
    vars: Value,
}

fn ok(key: &'static str, vars: Value) -> Finding {
    Finding {
        level: Level::Ok,
        key,
        vars,
    }
}

fn warn(key: &'static str, vars: Value) -> Finding {
    Finding {
        level: Level::Warn,
        key,
        vars,
    }
}

fn fail(key: &'static str, vars: Value) -> Finding {
    Finding {
        level: Level::Fail,
        key,
        vars,
    }
}

pub(super) fn run(args: DoctorArgs) -> anyhow::Result<Outcome> {
    let mut findings = Vec::new();
    match super::common::config(&args.common) {
        Ok(config) => {
            findings.push(config_found(&config));
            check_all(&config, &args, &mut findings);
        }
        Err(e) => findings.push(fail("doctor_config_bad", json!({ "error": e.to_string() }))),
    }
    for f in &findings {
        let mark = match f.level {
            Level::Ok => "doctor_mark_ok",
            Level::Warn => "doctor_mark_warn",
            Level::Fail => "doctor_mark_fail",
        };
        let vars = json!({ "mark": say(mark, &json!({}))?, "text": say(f.key, &f.vars)? });
        println!("{}", say("doctor_line", &vars)?);
    }
    let count = |l: Level| findings.iter().filter(|f| f.level == l).count();
    let vars = json!({ "fail": count(Level::Fail), "warn": count(Level::Warn) });
    println!("{}", say("doctor_done", &vars)?);
    Ok(match count(Level::Fail) {
        0 => Outcome::Clean,
        _ => Outcome::FoundErrors,
    })
}

fn check_all(config: &Config, args: &DoctorArgs, findings: &mut Vec<Finding>) {
    match Registry::load(&config.platform, &config.schema) {
        Ok((registry, diags)) if !diags.iter().any(crate::diagnostic::Diagnostic::is_error) => {
            findings.push(registry_found(config, &registry));
            findings.extend(fonts(&registry));
        }
        Ok((_, diags)) => findings.push(fail(
            "doctor_registry_invalid",
            json!({ "path": shown(&config.platform), "errors": diags.iter().filter(|d| d.is_error()).count() }),
        )),
        Err(e) => findings.push(fail(
            "doctor_registry_bad",
            json!({ "path": shown(&config.platform), "error": e.to_string() }),
        )),
    }
    let dir = super::common::archive_dir(config, &args.archive);
    findings.extend(archive(&dir));
    findings.push(folder("doctor_output", &config.output));
    findings.extend(desk(config));
    findings.extend(mail(config));
}

fn shown(path: &Path) -> String {
    super::common::shown(path)
}

fn config_found(config: &Config) -> Finding {
    match &config.source {
        Some(path) => ok("doctor_config", json!({ "path": shown(path) })),
        None => warn("doctor_config_none", json!({})),
    }
}

fn registry_found(config: &Config, registry: &Registry) -> Finding {
    let units = registry.units();
    let at = |level| units.iter().filter(|u| u.level == level).count();
    use crate::registry::Level as L;
    ok(
        "doctor_registry",
        json!({
            "path": shown(&config.platform),
            "units": units.len(),
            "stations": at(L::Station),
            "workrooms": at(L::Workroom),
        }),
    )
}

/// Characters of the registry's names that the documents' fonts lack.
fn fonts(registry: &Registry) -> Vec<Finding> {
    let mut missing: Vec<(char, String)> = Vec::new();
    for unit in registry.units() {
        let texts = [
            Some(&unit.name),
            unit.head.as_ref(),
            unit.secretary.as_ref(),
        ];
        for text in texts.into_iter().flatten() {
            for c in text.chars() {
                let new = !missing.iter().any(|(m, _)| *m == c);
                if new && !crate::render::pdf::text::drawable(c) {
                    missing.push((c, unit.name.clone()));
                }
            }
        }
    }
    if missing.is_empty() {
        return vec![ok("doctor_fonts", json!({}))];
    }
    let chars: Vec<String> = missing.iter().map(|(c, _)| c.to_string()).collect();
    let mut units: Vec<&str> = missing.iter().map(|(_, u)| u.as_str()).collect();
    units.dedup();
    vec![warn(
        "doctor_fonts_missing",
        json!({ "chars": chars, "units": units }),
    )]
}

/// The archive: there, jucai's to write, not readable by everyone, room
/// left on its disk, and readable by this jucai.
fn archive(dir: &Path) -> Vec<Finding> {
    let path = shown(dir);
    if !dir.exists() {
        return vec![folder("doctor_archive", dir)];
    }
    let mut out = vec![owner(dir)];
    out.extend(others_can_read(dir));
    out.push(disk(dir));
    out.push(match crate::archive::Archive::open_read(dir) {
        Ok(a) => ok(
            "doctor_archive_read",
            json!({ "path": path, "receptions": a.records().len() }),
        ),
        Err(e @ crate::error::Error::IndexOutdated { .. }) => {
            warn("doctor_archive_outdated", json!({ "error": e.to_string() }))
        }
        Err(e) => fail(
            "doctor_archive_bad",
            json!({ "path": path, "error": e.to_string() }),
        ),
    });
    out.push(match crate::web::store::Accounts::centre_count(dir) {
        Ok(Some(n)) if n > 0 => ok("doctor_accounts", json!({ "centre": n })),
        Ok(_) => warn("doctor_accounts_none", json!({})),
        Err(e) => fail(
            "doctor_archive_bad",
            json!({ "path": path, "error": e.to_string() }),
        ),
    });
    out
}

/// A folder jucai writes: there and writable, or its parent lets jucai
/// make it.
fn folder(key: &'static str, dir: &Path) -> Finding {
    let vars = |state: &str| json!({ "path": shown(dir), "state": state });
    if dir.is_dir() {
        return match writable(dir) {
            true => ok(key, vars("ok")),
            false => fail(key, vars("read_only")),
        };
    }
    if dir.exists() {
        return fail(key, vars("not_folder"));
    }
    // A relative path's parent is the working folder.
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let parent = absolute.ancestors().skip(1).find(|p| p.is_dir());
    match parent.is_some_and(writable) {
        true => ok(key, vars("missing")),
        false => fail(key, vars("cannot_make")),
    }
}

/// Whether this process may create files in `dir` (asked of the system,
/// nothing is created).
fn writable(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a NUL-terminated path that outlives the call.
    unsafe { libc::access(c.as_ptr(), libc::W_OK | libc::X_OK) == 0 }
}

/// The archive belongs to the user running this: a root who takes files in
/// makes files the service cannot write.
fn owner(dir: &Path) -> Finding {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::metadata(dir) else {
        return folder("doctor_archive", dir);
    };
    // SAFETY: geteuid has no preconditions.
    let me = unsafe { libc::geteuid() };
    if meta.uid() == me {
        return folder("doctor_archive", dir);
    }
    let vars = json!({ "path": shown(dir), "owner": user_name(meta.uid()), "me": user_name(me) });
    warn("doctor_archive_owner", vars)
}

/// A user's login name, or its number.
fn user_name(uid: u32) -> String {
    // SAFETY: getpwuid returns NULL or a pointer to a static record, read
    // at once before any other call could replace it.
    unsafe {
        let pw = libc::getpwuid(uid);
        if pw.is_null() || (*pw).pw_name.is_null() {
            return uid.to_string();
        }
        std::ffi::CStr::from_ptr((*pw).pw_name)
            .to_string_lossy()
            .into_owned()
    }
}

/// The archive holds ID numbers and phones: other users of the machine
/// must not read it.
fn others_can_read(dir: &Path) -> Option<Finding> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir).ok()?.permissions().mode();
    (mode & 0o007 != 0).then(|| {
        warn(
            "doctor_archive_open",
            json!({ "path": shown(dir), "mode": format!("{:o}", mode & 0o777) }),
        )
    })
}

/// Free space on the archive's disk.
fn disk(dir: &Path) -> Finding {
    let vars = |free: u64, state: &str| {
        let gb = free as f64 / (1u64 << 30) as f64;
        json!({ "path": shown(dir), "free_gb": format!("{gb:.1}"), "state": state })
    };
    match free_bytes(dir) {
        Some(free) if free < DISK_LOW => fail("doctor_disk", vars(free, "low")),
        Some(free) if free < DISK_TIGHT => warn("doctor_disk", vars(free, "tight")),
        Some(free) => ok("doctor_disk", vars(free, "ok")),
        None => warn("doctor_disk_unknown", json!({ "path": shown(dir) })),
    }
}

/// Bytes an unprivileged writer may still use on the disk holding `dir`.
fn free_bytes(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    let mut stat = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `c` is a valid path; statvfs fills `stat` when it returns 0.
    let stat = unsafe {
        if libc::statvfs(c.as_ptr(), stat.as_mut_ptr()) != 0 {
            return None;
        }
        stat.assume_init()
    };
    Some(stat.f_bavail as u64 * stat.f_frsize as u64)
}

/// The desk: where it listens, and its certificate when it serves HTTPS.
fn desk(config: &Config) -> Vec<Finding> {
    let listen = config.web_listen;
    let open = listen.is_some_and(|a| !a.ip().is_loopback());
    let mut out = Vec::new();
    match &config.web_tls {
        Some((cert, key)) => out.push(certificate(cert, key, config.web_host.as_deref())),
        None if open && !config.web_behind_https => out.push(warn(
            "doctor_web_plain",
            json!({ "addr": listen.map(|a| a.to_string()) }),
        )),
        None => out.push(ok(
            "doctor_web",
            json!({ "addr": listen.map(|a| a.to_string()), "proxy": config.web_behind_https }),
        )),
    }
    out
}

/// The certificate: loads with its key, names the host, not near its end.
fn certificate(cert: &Path, key: &Path, host: Option<&str>) -> Finding {
    let info = match crate::web::certificate(cert, key, host) {
        Ok(info) => info,
        Err(e) => return fail("doctor_cert_bad", json!({ "error": e.to_string() })),
    };
    let until = chrono::DateTime::from_timestamp(info.not_after, 0);
    let days = until.map(|u| (u - chrono::Utc::now()).num_days());
    let vars = json!({
        "path": shown(cert),
        "until": until.map(|u| u.format("%Y-%m-%d").to_string()),
        "days": days,
        "host": host,
    });
    match (days, info.fits_host) {
        (_, Some(false)) => fail("doctor_cert_host", vars),
        (Some(d), _) if d < 0 => fail("doctor_cert_expired", vars),
        (Some(d), _) if d < CERT_DAYS => warn("doctor_cert_soon", vars),
        _ => ok("doctor_cert", vars),
    }
}

/// The mailbox: a real login to each server `[mail]` names.
fn mail(config: &Config) -> Vec<Finding> {
    let Some(settings) = &config.mail else {
        return vec![ok("doctor_mail_none", json!({}))];
    };
    let probe = crate::mail::probe::probe(settings);
    let mut out = Vec::new();
    let user = &settings.user;
    if let Some(result) = probe.imap {
        out.push(login("imap", user, settings.imap.as_ref(), result));
    }
    if let Some(result) = probe.smtp {
        out.push(login("smtp", user, settings.smtp.as_ref(), result));
    }
    if out.is_empty() {
        out.push(warn("doctor_mail_no_server", json!({})));
    }
    out
}

fn login(
    what: &str,
    user: &str,
    server: Option<&crate::mail::settings::Endpoint>,
    result: Result<(), crate::mail::MailError>,
) -> Finding {
    let server = server.map(|s| format!("{}:{}", s.host, s.port));
    let mut vars = json!({ "what": what, "user": user, "server": server });
    match result {
        Ok(()) => ok("doctor_mail", vars),
        Err(e) => {
            vars["error"] = e.to_string().into();
            fail("doctor_mail_bad", vars)
        }
    }
}
