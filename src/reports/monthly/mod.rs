//! The centre's monthly dispatch sheet (月调度表): `model` holds a month's
//! numbers per station and workroom, `build` counts them from the ledgers
//! received by then, `render` writes PDF and XLSX (`templates/monthly.toml`).

pub mod build;
pub mod model;
pub mod render;

pub use build::{build, build_last};
pub use model::{MonthlyReport, MonthlyRow, MonthlyStation};
pub use render::MonthlyWriter;
