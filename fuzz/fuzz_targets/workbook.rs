//! Any bytes as a received workbook: reading and validating must give
//! diagnostics, never panic, hang or exhaust memory.
#![no_main]

use std::sync::OnceLock;

use jucai::limits::Limits;
use jucai::registry::Registry;
use jucai::schema::Schema;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

static PLATFORM: &[u8] = include_bytes!("../../sample-input/platform.xlsx");

fn setup() -> &'static (Schema, Registry) {
    static SETUP: OnceLock<(Schema, Registry)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let schema = Schema::builtin();
        let (registry, _) =
            Registry::from_bytes(PLATFORM, "platform.xlsx", &schema).expect("sample registry");
        (schema, registry)
    })
}

fuzz_target!(|data: &[u8]| {
    common::allow_guarded_parser_panics();
    let (schema, registry) = setup();
    let limits = Limits {
        // Small enough that libFuzzer's memory limit is never the one that trips.
        max_uncompressed_bytes: 64 << 20,
        max_cells_per_file: 1_000_000,
        ..Limits::default()
    };
    let _ = jucai::validate::validate(data, "fuzz.xlsx", schema, registry, &limits);
});
