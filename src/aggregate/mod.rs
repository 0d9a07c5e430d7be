//! Aggregation: the archive's newest valid submissions, rolled up the
//! workroom → station → centre tree into figures per scope and window.
//!
//! Data flow: archive → `inputs` (what a set of periods needs) → `load`
//! (validated records, as of a period) → `frames` (polars group-bys per
//! scope) → [`crate::figures::Figures`]. The report kinds
//! (`crate::reports`) build their models from these.

pub(crate) mod bands;
pub mod frames;
pub mod inputs;
pub mod load;
