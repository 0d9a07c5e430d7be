//! Any bytes as a received `.eml`, `.mbox` or `.zip`: intake must list what it
//! found and what it could not read, never panic or hang.
#![no_main]

use jucai::intake::{mail, packed, Limits};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::allow_guarded_parser_panics();
    let limits = Limits {
        max_entries: 200,
        ..Limits::default()
    };
    let _ = mail::from_eml(data, "fuzz.eml", limits);
    let _ = mail::from_mbox(data, "fuzz.mbox", limits);
    let _ = packed::from_packed(data, "fuzz.zip", "fuzz.zip", None, limits);
});
