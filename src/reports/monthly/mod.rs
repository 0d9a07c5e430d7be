//! The centre's monthly dispatch sheet (月调度表): `model` holds a month's
//! numbers per station and workroom, `build` counts them from the ledgers
//! received by then, `render` writes PDF and XLSX (`templates/monthly.toml`).

pub(crate) mod build;
pub(crate) mod model;
pub(crate) mod render;

pub(crate) use build::{build, build_last};
pub(crate) use model::MonthlyReport;
