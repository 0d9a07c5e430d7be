//! Aggregation: the archive's newest valid submissions, rolled up the
//! workroom → station → centre tree into one report model per unit.
//!
//! Data flow: archive → `load` (validated records, as of a period) →
//! `frames` (polars group-bys per scope) → `report` ([`crate::model::UnitReport`]).

pub mod annual;
pub mod bands;
pub mod frames;
pub mod load;
pub mod monthly;
pub mod report;
pub mod six_haves;
