//! The quarterly report (季度报告) of the centre and each station: `model`
//! holds its numbers, `build` makes them from the period's figures, `render`
//! writes the PDF and XLSX (`templates/quarterly.toml`).

pub mod build;
pub(crate) mod model;
pub mod render;

pub use build::{build, build_all};
pub use model::{QuarterlyReport, Reporting};
pub use render::QuarterlyWriter;
