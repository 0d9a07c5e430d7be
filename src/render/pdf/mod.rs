//! PDF on printpdf's low-level API, with our own layout: printpdf's HTML mode
//! breaks tables across pages badly (measured, see TECH-NOTES), so blocks are
//! measured with the font's real advances and paginated here.
//!
//! Data flow: a [`Document`] (headings, paragraphs, tables, bar charts, page
//! breaks) → `layout` (lines broken by Chinese rules, tables paginated with
//! their header rows repeated, rows never split) → pages of drawing ops →
//! bytes, with the CJK font subset on embedding and a fixed creation date.

mod layout;
pub(crate) mod text;

pub use crate::render::document::{Align, BarChart, Block, Cell, Document, Style, Table};
pub use layout::{subtitle_lines, title_lines};
pub use text::Face;

/// Lay out and serialise a document.
pub fn render(doc: &Document) -> Vec<u8> {
    layout::render(doc)
}

/// The 1-based page of every [`Block::Anchor`], by laying the document out.
pub fn anchor_pages(doc: &Document) -> Vec<(String, usize)> {
    layout::anchors(doc)
}
