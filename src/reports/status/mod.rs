//! The submission status of a period (报送情况): `model` holds each unit's
//! status, `build` reads it from the archive's receptions, `render` writes
//! the status workbook (`templates/status.toml`).

pub(crate) mod build;
pub(crate) mod model;
pub mod render;

pub use build::accepted;
pub use model::{
    Chase, Group, Quarantined, StatusReport, Timeliness, Totals, Unattached, UnitStatus, Validation,
};
pub use render::StatusWriter;
