//! What a PDF is made of, before layout: headings, paragraphs, tables, bar
//! charts, page breaks.

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
    /// Start the next block on an odd page, for a document printed on both
    /// sides; a page left blank for it carries this text (此页无正文).
    OddPage(String),
    /// Marks a place whose page number a table of contents needs.
    Anchor(String),
}

/// How a document is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Style {
    /// A report of figures: WenQuanYi Micro Hei throughout, 18 mm margins.
    #[default]
    Report,
    /// A document after GB/T 9704-2012: title in 宋 (bold, 二号), headings
    /// in 黑 (三号), body in 宋 (三号, 22 lines a page), subtitle in 楷; the
    /// standard's A4 page (top 37 mm, left 28 mm, text 156 × 225 mm). Tables
    /// and figures stay sans. Portrait only.
    Official,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: String,
    pub style: Style,
    pub landscape: bool,
    /// Recorded as the PDF's creation date, so output does not depend on when it ran.
    pub date: NaiveDate,
    /// Footer template with `{page}` and `{pages}` (e.g. `第 {page} 页 共 {pages} 页`).
    pub footer: String,
    pub blocks: Vec<Block>,
}
