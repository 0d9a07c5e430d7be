//! The annual assessment packets (年度考核材料): `rubric` is what is scored
//! and how much it weighs, `model` the scores and the workrooms' standing,
//! `build` scores a station's year and ranks the workrooms, `words` says what
//! a score rests on, `render` writes the packets' PDF, Word and score
//! workbook (`templates/packet.toml`, `templates/assess.toml`).

pub(crate) mod build;
pub(crate) mod model;
pub mod render;
pub(crate) mod rubric;
pub(crate) mod words;

pub use build::{assess, rank_workrooms};
pub use model::{Assessment, Basis, Ranked, Score, Standing};
pub use render::PacketWriter;
pub use rubric::{Item, Rubric, RubricError, DEFAULT_RUBRIC};
pub use words::{basis_words, ranking_words};
