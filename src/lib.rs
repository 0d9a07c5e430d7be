//! jucai (聚才): takes in the five talent-work ledgers that units email every
//! quarter, validates them, aggregates them up the workroom → station → centre
//! tree and renders reports.
//!
//! Data flows one way: `read` → `validate` → (aggregate) → `render`.
//! `schema` describes the ledgers; `registry` describes the units.

pub mod aggregate;
pub mod archive;
pub mod assess;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub mod directory;
pub mod docs;
pub mod error;
pub mod hash;
pub mod inputs;
pub mod intake;
pub mod limits;
pub mod model;
pub mod output;
pub mod period;
pub mod read;
pub mod registry;
pub mod render;
pub mod sample;
pub mod schema;
pub mod status;
pub mod targets;
pub mod text;
pub mod validate;
pub mod wording;
