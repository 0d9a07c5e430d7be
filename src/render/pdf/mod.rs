//! PDF on printpdf's low-level API, with our own layout: printpdf's HTML mode
//! breaks tables across pages badly (measured, see TECH-NOTES), so blocks are
//! measured with the font's real advances and paginated here.
//!
//! Data flow: a [`Document`] (headings, paragraphs, tables, bar charts, page
//! breaks) → `layout` (lines broken by Chinese rules, tables paginated with
//! their header rows repeated, rows never split) → pages of drawing ops →
//! bytes, with the CJK font subset on embedding and a fixed creation date.

mod layout;
pub mod text;

use chrono::NaiveDate;

/// Horizontal alignment in a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// A table cell. Merged areas are a cell with spans, and `Covered` cells in
/// the positions it covers.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text {
        text: String,
        colspan: usize,
        rowspan: usize,
    },
    Covered,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Cell {
        Cell::Text {
            text: text.into(),
            colspan: 1,
            rowspan: 1,
        }
    }

    pub fn span(text: impl Into<String>, colspan: usize, rowspan: usize) -> Cell {
        Cell::Text {
            text: text.into(),
            colspan: colspan.max(1),
            rowspan: rowspan.max(1),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Relative column widths.
    pub widths: Vec<f32>,
    pub align: Vec<Align>,
    /// Header rows, repeated at the top of every page the table continues on.
    pub header: Vec<Vec<Cell>>,
    pub rows: Vec<Vec<Cell>>,
}

/// A bar chart: one bar per category, its value written above it.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    pub title: String,
    pub bars: Vec<(String, f64)>,
    /// Unit shown after values (e.g. 人).
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Title(String),
    Subtitle(String),
    Heading(String),
    Paragraph(String),
    Table(Table),
    Chart(BarChart),
    /// Blank space, in points.
    Space(f32),
    PageBreak,
    /// Marks a place whose page number a table of contents needs.
    Anchor(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: String,
    pub landscape: bool,
    /// Recorded as the PDF's creation date, so output does not depend on when it ran.
    pub date: NaiveDate,
    /// Footer template with `{page}` and `{pages}` (e.g. `第 {page} 页 共 {pages} 页`).
    pub footer: String,
    pub blocks: Vec<Block>,
}

/// Lay out and serialise a document.
pub fn render(doc: &Document) -> Vec<u8> {
    layout::render(doc)
}

/// The 1-based page of every [`Block::Anchor`], by laying the document out.
pub fn anchor_pages(doc: &Document) -> Vec<(String, usize)> {
    layout::anchors(doc)
}
