//! jucai's integration tests, one module per part of the product.
//!
//! They are one test binary, not one per file: each binary links the whole of
//! jucai with polars (about 300 MB in a debug build), nineteen of them needed
//! some 6 GB of disk, and a CI run died in the linker when the disk ran short.
//! Run one part with `cargo test --test it hostile::`.

mod common;

mod aggregate;
mod annual;
mod archive;
mod assess;
mod config;
mod directory;
mod doctor;
mod document_form;
mod exit_codes;
mod export;
mod feedback;
mod fuzz_regressions;
mod half_year;
mod hostile;
mod intake;
mod layers;
mod libreoffice_fixtures;
mod mail;
mod mail_providers;
mod monthly;
mod package;
mod pdf;
mod quarterly;
mod read_only;
mod readme;
mod registry;
mod report_truth;
mod rollup_property;
mod run;
mod sample;
mod schema;
mod second_district;
mod showcase;
mod six_haves;
mod template;
mod upgrade;
mod validate;
mod validate_cli;
mod web;
mod web_browser;
