//! 人才风采: the talents who agreed (同意宣传) shown in a brochure (图册),
//! on a display board (展板) and on the centre's big screen (`/screen`).
//! `build` gathers them from the archive, `render` writes the PDFs
//! (`templates/showcase.toml`).

pub mod build;
pub(crate) mod model;
pub(crate) mod render;

pub use build::build;
pub use model::{Honour, KeyFigures, Section, Showcase, Talent};
pub use render::ShowcaseWriter;
