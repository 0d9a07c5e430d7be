//! When the allocator hands freed memory back to the system, phase by phase.
//!
//! jucai's binary allocates with mimalloc, which gives freed pages back to
//! the kernel a second after they were freed (its purge delay). Two phases
//! want otherwise, measured on the province bench (BENCHMARKS.md):
//!
//! * intake frees each workbook's cells and records and at once allocates the
//!   next one's: pages given back came straight back as fresh ones the kernel
//!   had to zero (8.5 % of intake's time in page faults). Kept instead, intake
//!   took 16.4 s instead of 17.9 s for about 50 MB more at its peak;
//! * building the report models frees polars' scratch columns while it makes
//!   the next point's: given back within 100 ms, the models' peak was
//!   834–861 MB over five runs instead of 928–989 MB, in the same time.
//!
//! So the binary starts with [`purge_soon`] (100 ms), and intake keeps its
//! pages for as long as its [`PurgeDelay`] lives. Whoever set
//! `MIMALLOC_PURGE_DELAY` in the environment keeps their own setting.
//!
//! mimalloc is built without transparent huge pages (libmimalloc-sys's
//! `no_thp` feature, in Cargo.toml). Where the kernel gives huge pages only
//! to memory that asks for them (`madvise`, as on the bench's machine),
//! mimalloc asks for them for its arenas, and the kernel then zeroes (and
//! may first compact memory for) a whole 2 MB page at its first touch; the
//! models' short-lived scratch columns touch fresh pages all the time. With
//! huge pages the report models spent 1.4–2.4 s of system time instead of
//! 0.7–0.9 s and took 3.0–3.7 s instead of 2.4–2.75 s, with 50 MB more at
//! the peak (province bench, six runs each). It cannot be an option set
//! here: mimalloc asks for its first arena's huge pages before `main`.
//! Where the kernel gives huge pages to all memory (`always`), the feature
//! changes nothing and `MIMALLOC_ALLOW_THP=0` turns them off for the process.

use std::os::raw::c_long;
use std::sync::OnceLock;

/// mimalloc's `mi_option_purge_delay` (the same number in its v2 and v3
/// headers; libmimalloc-sys names the options around it but not this one).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Freed pages kept while this lives; the program's delay comes back when it
/// is dropped (the program's, not the one before: two intakes on the web
/// desk's threads may end in either order, and must not leave "keep" behind).
#[must_use = "the delay is restored when this is dropped"]
pub struct PurgeDelay {
    set: bool,
}

/// The delay outside intake: the program's, as the first intake found it.
static DEFAULT: OnceLock<c_long> = OnceLock::new();

/// Give freed pages back 100 ms after they were freed, for the rest of the
/// program (called first thing, before any thread starts).
pub fn purge_soon() {
    if !chosen_by_environment() {
        set(100);
    }
}

impl PurgeDelay {
    /// Keep freed pages for reuse for a minute: intake reuses them long
    /// before. (Not "never" (-1): mimalloc does not even mark pages freed
    /// under -1 for a later purge, so a long-running `jucai serve` would keep
    /// an intake's pages for good.)
    pub fn keep() -> PurgeDelay {
        if chosen_by_environment() {
            return PurgeDelay { set: false };
        }
        DEFAULT.get_or_init(get);
        set(60_000);
        PurgeDelay { set: true }
    }
}

fn chosen_by_environment() -> bool {
    std::env::var_os("MIMALLOC_PURGE_DELAY").is_some()
}

fn get() -> c_long {
    // SAFETY: mi_option_get is mimalloc's public call for reading an option
    // while the program runs.
    unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }
}

fn set(value: c_long) {
    // SAFETY: mi_option_set is mimalloc's public call for changing an option
    // while the program runs; the option is one word that mimalloc reads
    // when it schedules a purge.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, value) }
}

impl Drop for PurgeDelay {
    fn drop(&mut self) {
        if let (true, Some(&default)) = (self.set, DEFAULT.get()) {
            set(default);
            // The pages freed while kept are due only a minute from when they
            // were freed: give them back now.
            // SAFETY: mi_collect is mimalloc's public call for returning
            // freed memory; it takes no pointers.
            unsafe { libmimalloc_sys::mi_collect(true) };
        }
    }
}
