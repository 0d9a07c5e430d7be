//! A panic inside the spreadsheet parser becomes one file's diagnostic.
//!
//! calamine parses untrusted binary formats and a few malformed files still
//! make it panic (fuzzing found an out-of-range slice in its OLE2 reader). One
//! bad file must never end a batch, so every call into calamine goes through
//! [`guarded`], which turns a panic into a `file-unreadable` finding.
//!
//! Rust's panic hook prints before anyone can catch the panic; [`quiet_hook`]
//! wraps the hook so that panics inside a guarded call are not printed (the
//! diagnostic says it instead). [`active`] lets a caller with its own hook (the
//! fuzz targets) make the same distinction.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};

use crate::diagnostic::{Finding, Msg};

thread_local! {
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

/// Run `parse`, turning a panic into a `file-unreadable` finding.
pub fn guarded<T>(parse: impl FnOnce() -> T) -> Result<T, Finding> {
    let outer = GUARDED.with(|g| g.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(parse));
    GUARDED.with(|g| g.set(outer));
    // What the parser said is for developers (it is in English and names
    // calamine's internals); the unit is told the file is broken.
    result.map_err(|_| Finding::new(Msg::FileParserFailed))
}

/// Whether this thread is inside a [`guarded`] call.
pub fn active() -> bool {
    GUARDED.with(Cell::get)
}

/// Wrap the current panic hook so that panics inside [`guarded`] calls are
/// not printed; every other panic is reported as before.
pub fn quiet_hook() {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if !active() {
            previous(info);
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_in_parser_becomes_finding() {
        let finding = guarded(|| -> u8 { panic!("slice index starts at 9 but ends at 3") })
            .expect_err("a panic is a finding");
        assert_eq!(finding.message, Msg::FileParserFailed);
        assert!(!active());
    }

    #[test]
    fn value_passes_through() {
        assert_eq!(guarded(|| 7).ok(), Some(7));
        assert!(!active());
    }
}
