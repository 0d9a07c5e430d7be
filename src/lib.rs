//! jucai (聚才): takes in the five talent-work ledgers that units email every
//! quarter, validates them, aggregates them up the workroom → station → centre
//! tree and renders reports.
//!
//! # Layers
//!
//! Data enters at the bottom (`read`, by way of `intake`) and leaves at the
//! top (`render`, the commands). Each module uses only modules listed below
//! it, and inside a folder no module uses one that uses it back: a folder's
//! `mod.rs` may use its children, its children never use it (checked by
//! `tests/layers.rs`).
//!
//! ```text
//! commands    one module per subcommand: parse → call the library → print
//! cli         flags and their help
//! web         jucai serve: pages, sessions, access rules (templates/web)
//! pipeline    the stages of jucai run as library functions (commands, desk, benches)
//! config      jucai.toml: where things are, what a district may change
//! sample      deterministic, realistic test data
//! docs        README's generated field table and diagnostics catalogue
//! mail        the centre's mailbox: IMAP in, 回执 / 退回 / 催报 out over SMTP
//! export      Hive-partitioned Parquet of the records and figures, for a province
//! reports     one folder per report kind: its model, how it is built, how it is rendered
//! render      the engines reports are written with: PDF, XLSX, Word, console tables
//! changes     what a unit's submission changed against its previous accepted one
//! aggregate   archived submissions → validated extracts → figures per scope
//! targets     annual targets and the 有阵地 floor
//! figures     the numbers every report carries (counts, breakdowns, rates, checks)
//! intake      mail, mailboxes, zips and loose files → receptions
//! archive     every received file, content-addressed, and its receptions
//! validate    a workbook's typed cells → records and findings
//! registry    the unit tree (平台名录), loaded and checked
//! read        bytes → workbook → sheets, header rows, typed cells; preflight limits
//! inputs      paths on the command line → files
//! output      writing files atomically; safe file and sheet names
//! error       errors that stop a command
//! wording     the templates/ loader
//! schema      the ledgers, cover and registry columns, resolved once and checked
//! diagnostic  findings and their wording (templates/messages.toml)
//! limits      resource limits
//! memory      when freed memory goes back to the system, by phase
//! hash        content hashes
//! sqlite      SQLite files as writers share them (WAL, waiting, durable)
//! period      reporting quarters and how a Chinese document writes a day
//! numbers     numbers as a Chinese reader expects them (64,350.16, +108, 12.5%)
//! mask        ID numbers and phones masked where pages and the 人才风采 show them
//! text        normalising what people type
//! ```

//! # The library's API
//!
//! `jucai` is one binary with a library behind it. What is `pub` is what the
//! binary (`commands`, `cli`), the integration tests and the benches use:
//! the schema, registry and period types; reading, validating and taking
//! files in (`read::field`, `validate`, `intake`); the archive; aggregation
//! and each report kind's model, build and writer (`aggregate`, `figures`,
//! `reports`, `pipeline`); sample data; the PDF engine; the configuration.
//! Everything else is `pub(crate)`, and `unreachable_pub` keeps it so: an
//! item marked `pub` that nothing outside can reach is a warning, and CI
//! treats warnings as errors.

#![warn(unreachable_pub)]

pub mod aggregate;
pub mod archive;
pub mod changes;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub mod docs;
pub mod error;
pub(crate) mod export;
pub mod figures;
pub mod hash;
pub(crate) mod inputs;
pub mod intake;
pub mod limits;
pub(crate) mod mail;
pub(crate) mod mask;
pub mod memory;
pub mod numbers;
pub(crate) mod output;
pub mod period;
pub mod pipeline;
pub mod read;
pub mod registry;
pub mod render;
pub mod reports;
pub mod sample;
pub mod schema;
pub(crate) mod sqlite;
pub mod targets;
pub(crate) mod text;
pub mod validate;
pub(crate) mod web;
pub(crate) mod wording;
