//! Any bytes as one XML part of an otherwise sound workbook. Byte-level
//! mutation of a whole `.xlsx` mostly breaks the zip and never reaches the
//! sheet reader; this target keeps the package valid so the fuzzer works on
//! jucai's own cell reader, the merged-cell scan and validation.
//!
//! The first byte picks the part (`sheet_parts.txt`), the rest replaces it.
#![no_main]

use std::io::{Cursor, Read, Write};
use std::sync::OnceLock;

use jucai::limits::Limits;
use jucai::registry::Registry;
use jucai::schema::Schema;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;
use zip::write::SimpleFileOptions;

static PLATFORM: &[u8] = include_bytes!("../../sample-input/platform.xlsx");
static TEMPLATE: &[u8] = include_bytes!("../../tests/fixtures/libreoffice/quirky.xlsx");

/// The parts a fuzz input may replace, in selector order (shared with the
/// seed and packaging scripts).
static PARTS: &str = include_str!("../sheet_parts.txt");

struct Setup {
    schema: Schema,
    registry: Registry,
    parts: Vec<(String, Vec<u8>)>,
    replaceable: Vec<&'static str>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let schema = Schema::builtin();
        let (registry, _) =
            Registry::from_bytes(PLATFORM, "platform.xlsx", &schema).expect("sample registry");
        let mut archive = zip::ZipArchive::new(Cursor::new(TEMPLATE)).expect("template zip");
        let parts = (0..archive.len())
            .map(|i| {
                let mut entry = archive.by_index(i).expect("template entry");
                let mut bytes = Vec::new();
                entry.read_to_end(&mut bytes).expect("template part");
                (entry.name().expect("part name").to_string(), bytes)
            })
            .collect();
        Setup {
            schema,
            registry,
            parts,
            replaceable: PARTS.lines().collect(),
        }
    })
}

fn package(parts: &[(String, Vec<u8>)], replace: &str, with: &[u8]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in parts {
        let body = if name == replace { with } else { bytes };
        out.start_file(name.as_str(), stored).expect("zip entry");
        out.write_all(body).expect("zip write");
    }
    out.finish().expect("zip finish").into_inner()
}

fuzz_target!(|data: &[u8]| {
    common::allow_guarded_parser_panics();
    let Some((&selector, xml)) = data.split_first() else {
        return;
    };
    let setup = setup();
    let part = setup.replaceable[selector as usize % setup.replaceable.len()];
    let bytes = package(&setup.parts, part, xml);
    let limits = Limits {
        max_uncompressed_bytes: 64 << 20,
        max_cells_per_file: 1_000_000,
        ..Limits::default()
    };
    let _ = jucai::validate::validate(
        &bytes,
        "fuzz.xlsx",
        &setup.schema,
        &setup.registry,
        &limits,
    );
});
