//! What a document is made of, before it is laid out as a PDF
//! (`render::pdf`) or written as Word (`render::docx`): headings,
//! paragraphs, tables, bar charts, page breaks, a 落款.

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
    /// A level-1 heading (“一、…”): 黑 in an official document.
    Heading(String),
    /// A level-2 heading (“（一）…”): 楷 in an official document.
    Heading2(String),
    Paragraph(String),
    /// One line that never wraps (a signature line of blanks): set smaller
    /// when it would not fit the measure.
    Line(String),
    /// The 落款 closing a document: the issuing unit, and under it the date,
    /// right-aligned as GB/T 9704-2012 sets them.
    Signature {
        issuer: String,
        date: String,
    },
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
    /// A document after GB/T 9704-2012: title in 宋 (bold, 二号), level-1
    /// headings in 黑 and level-2 in 楷 (三号), body in 仿宋 (三号, 22 lines
    /// a page), subtitle in 楷; the standard's A4 page (top 37 mm, left
    /// 28 mm, text 156 × 225 mm), page numbers in 宋 (四号) on the outer side
    /// of the foot. Tables and figures stay sans. Portrait only.
    Official,
    /// A display board (展板): laid out as an A4 landscape page in sans with
    /// large headings, and printed at A1 (841 × 594 mm), everything scaled
    /// by the same factor, so a board is drawn once and prints sharp.
    Poster,
}

impl Style {
    /// How much the laid-out page is enlarged when printed: A4 to A1 for a
    /// poster (594 / 210: the A series grows by √2 a size).
    pub fn scale(self) -> f32 {
        match self {
            Style::Poster => 594.0 / 210.0,
            Style::Report | Style::Official => 1.0,
        }
    }

    /// Running text as this style sets it: an official document puts no
    /// space between Chinese and figures (see [`tighten`]).
    pub fn set(self, text: &str) -> String {
        match self {
            Style::Report | Style::Poster => text.to_string(),
            Style::Official => tighten(text),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: String,
    pub style: Style,
    pub landscape: bool,
    /// Recorded as the PDF's creation date, so output does not depend on when it ran.
    pub date: NaiveDate,
    /// Footer template with `{page}` and `{pages}` (e.g. `— {page} —`, or
    /// `第 {page} 页 共 {pages} 页`).
    pub footer: String,
    pub blocks: Vec<Block>,
}

/// `text` as an official document sets it: without the spaces between a
/// Chinese character and a Latin letter or figure (the wording of reports
/// of figures has them).
fn tighten(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let wide = |c: char| c as u32 >= 0x2E80;
    let narrow = |c: char| c.is_ascii_alphanumeric() || "%+-.".contains(c);
    chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            let (Some(&before), Some(&after)) = (
                i.checked_sub(1).and_then(|j| chars.get(j)),
                chars.get(i + 1),
            ) else {
                return true;
            };
            !(c == ' ' && ((wide(before) && narrow(after)) || (narrow(before) && wide(after))))
        })
        .map(|(_, c)| *c)
        .collect()
}

/// The page number at a document's foot: the district's own
/// (`[documents] page_numbers`) if it keeps one, else the wording's
/// `footer_pdf` (GB/T 9704's “— {page} —”).
pub(crate) fn page_numbers(
    texts: &crate::wording::Texts,
    configured: Option<&str>,
) -> Result<String, crate::wording::WordingError> {
    match configured {
        Some(p) => Ok(p.to_string()),
        None => texts.plain("footer_pdf"),
    }
}

/// For every position of a table's grid, the (row, column) of the cell
/// covering it: itself, or the merged cell above or to its left.
pub(crate) fn owners(rows: &[Vec<Cell>]) -> Vec<Vec<Option<(usize, usize)>>> {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut out = vec![vec![None; width]; rows.len()];
    for (r, row) in rows.iter().enumerate() {
        for (col, cell) in row.iter().enumerate() {
            let Cell::Text {
                colspan, rowspan, ..
            } = cell
            else {
                continue;
            };
            let end = (r + rowspan).min(rows.len());
            for covered in &mut out[r..end] {
                let last = (col + colspan).min(width);
                covered[col..last].fill(Some((r, col)));
            }
        }
    }
    out
}

/// Where GB/T 9704-2012 puts a 落款, given the widths of the issuer and
/// the date in characters of the body: how far from the right edge each
/// ends, in characters. The date ends four characters in and the issuer is
/// centred over it; an issuer too long for that ends two characters in,
/// with the date centred under it.
pub(crate) fn signature_indents(issuer: f32, date: f32) -> (f32, f32) {
    let date_in = 4.0_f32.max(2.0 + (issuer - date) / 2.0);
    (date_in + (date - issuer) / 2.0, date_in)
}
