//! The desk's journal: one line per event on standard error, which systemd
//! keeps (`journalctl`).

/// How much a journal line matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    Info,
    Warn,
    Error,
}

/// One line to standard error, which systemd keeps in the journal: its
/// level, then what happened. Callers write no password, token, cookie, ID
/// number or phone into it (paths without their query, never a body).
pub(crate) fn journal(level: Level, line: &str) {
    let level = match level {
        Level::Info => "INFO",
        Level::Warn => "WARN",
        Level::Error => "ERROR",
    };
    eprintln!("{level} {line}");
}
