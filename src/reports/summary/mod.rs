//! The annual research summary (年度人才调研报告) and the half-year work
//! summary (半年人才工作总结): `model` holds a span's numbers, `build` folds
//! them from the span's quarterly reports, `render` writes PDF, XLSX and Word
//! (`templates/annual.toml`).

pub mod build;
pub(crate) mod model;
pub(crate) mod render;

pub use build::{build, build_span};
pub use model::{SummaryReport, YearReporting};
pub use render::SummaryWriter;
