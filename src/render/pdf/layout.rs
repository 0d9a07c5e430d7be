//! Pagination and drawing. Coordinates are points from the page's bottom-left.

use printpdf::{
    Color, Line, LinePoint, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions,
    Point, Pt, Rect, Rgb, TextItem, TextRenderingMode, WindingOrder,
};

use super::text::{width, wrap, Face};
use crate::render::document::{
    owners, signature_indents, Align, BarChart, Block, Cell, Document, Style, Table,
};

const MM: f32 = 72.0 / 25.4;
/// Table cells, chart labels and captions: sans at these sizes in every style.
const CELL: f32 = 9.5;
const LABEL: f32 = 9.0;
const CAPTION: f32 = 10.5;
const TABLE_GAP: f32 = 8.8;
const PAD: f32 = 3.0;
const CHART_HEIGHT: f32 = 62.0 * MM;
/// What sets the parts of a title or subtitle apart: two ideographic spaces.
const GAP: &str = "\u{3000}\u{3000}";
/// Rows a split table keeps on each side of a page break.
const MIN_SPLIT_ROWS: usize = 3;

/// How a line of text is set. The faces have no bold: bold text is filled
/// and stroked.
#[derive(Debug, Clone, Copy)]
struct Font {
    face: Face,
    size: f32,
    bold: bool,
}

const fn font(face: Face, size: f32, bold: bool) -> Font {
    Font { face, size, bold }
}

/// The page and the type of a [`Style`].
struct Geometry {
    left: f32,
    right: f32,
    top: f32,
    bottom: f32,
    /// Baseline of the page number, from the foot of the page.
    footer_y: f32,
    footer: Font,
    title: Font,
    subtitle: Font,
    heading: Font,
    heading2: Font,
    body: Font,
    /// Headings start this far in (an official document indents them as
    /// its paragraphs).
    heading_indent: f32,
    /// Page numbers on the outer side (right on odd pages, left on even),
    /// a character in from the text block, for printing on both sides.
    footer_outside: bool,
    /// From one body line's baseline to the next.
    line: f32,
    /// Space after a paragraph.
    paragraph_gap: f32,
}

impl Geometry {
    fn of(style: Style) -> Geometry {
        match style {
            Style::Report => Geometry {
                left: 18.0 * MM,
                right: 18.0 * MM,
                top: 18.0 * MM,
                bottom: 20.0 * MM,
                footer_y: 10.0 * MM,
                footer: font(Face::Hei, 9.0, false),
                title: font(Face::Hei, 18.0, true),
                subtitle: font(Face::Hei, 11.0, false),
                heading: font(Face::Hei, 13.5, true),
                heading2: font(Face::Hei, 12.0, false),
                body: font(Face::Hei, 11.0, false),
                heading_indent: 0.0,
                footer_outside: false,
                line: 11.0 * 1.7,
                paragraph_gap: 11.0 * 0.4,
            },
            Style::Poster => Geometry {
                left: 14.0 * MM,
                right: 14.0 * MM,
                top: 14.0 * MM,
                bottom: 12.0 * MM,
                footer_y: 6.0 * MM,
                footer: font(Face::Hei, 7.0, false),
                title: font(Face::Hei, 28.0, true),
                subtitle: font(Face::Hei, 13.0, false),
                heading: font(Face::Hei, 15.0, true),
                heading2: font(Face::Hei, 12.0, true),
                body: font(Face::Hei, 10.5, false),
                heading_indent: 0.0,
                footer_outside: false,
                line: 10.5 * 1.55,
                paragraph_gap: 10.5 * 0.3,
            },
            // GB/T 9704-2012: A4, top margin 37 mm, left 28 mm, text block
            // 156 × 225 mm with 22 lines of 三号 (16 pt) 仿宋; the page
            // number in 四号 (14 pt) 宋, its top 7 mm below the text block.
            Style::Official => Geometry {
                left: 28.0 * MM,
                right: (210.0 - 28.0 - 156.0) * MM,
                top: 37.0 * MM,
                bottom: (297.0 - 37.0 - 225.0) * MM,
                footer_y: (297.0 - 37.0 - 225.0 - 7.0) * MM - 14.0 * 0.8,
                footer: font(Face::Song, 14.0, false),
                title: font(Face::Song, 22.0, true),
                subtitle: font(Face::Kai, 16.0, false),
                heading: font(Face::Hei, 16.0, false),
                heading2: font(Face::Kai, 16.0, false),
                body: font(Face::Fang, 16.0, false),
                heading_indent: 32.0,
                footer_outside: true,
                line: 225.0 * MM / 22.0,
                paragraph_gap: 0.0,
            },
        }
    }
}

/// What one page holds, before fonts are attached.
#[derive(Default)]
struct Page {
    items: Vec<Item>,
}

enum Item {
    Text {
        x: f32,
        y: f32,
        font: Font,
        /// The text cut into runs of one face each (a character the face
        /// lacks is drawn in 黑), once, for embedding and drawing.
        runs: Vec<(Face, String)>,
        /// Added after every character, to justify a line.
        spacing: f32,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
    },
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        grey: f32,
    },
}

struct Layout {
    style: Style,
    g: Geometry,
    width: f32,
    height: f32,
    pages: Vec<Page>,
    /// Top of the free space on the current page.
    y: f32,
}

impl Layout {
    fn new(landscape: bool, style: Style) -> Layout {
        let g = Geometry::of(style);
        let (w, h) = (210.0 * MM, 297.0 * MM);
        let (width, height) = if landscape { (h, w) } else { (w, h) };
        let y = height - g.top;
        Layout {
            style,
            g,
            width,
            height,
            pages: vec![Page::default()],
            y,
        }
    }

    fn content_width(&self) -> f32 {
        self.width - self.g.left - self.g.right
    }

    fn room(&self) -> f32 {
        self.y - self.g.bottom
    }

    /// The height a page holds.
    fn page_room(&self) -> f32 {
        self.height - self.g.top - self.g.bottom
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = self.height - self.g.top;
    }

    fn page_is_empty(&self) -> bool {
        self.pages.last().is_none_or(|p| p.items.is_empty())
    }

    /// Start a new page unless `needed` points fit.
    fn ensure(&mut self, needed: f32) {
        if needed > self.room() && self.y < self.height - self.g.top - 1.0 {
            self.new_page();
        }
    }

    /// Go on on an odd page, leaving an even one blank but for `blank`.
    fn odd_page(&mut self, blank: &str) {
        if !self.page_is_empty() {
            self.new_page();
        }
        if self.pages.len().is_multiple_of(2) {
            let body = self.g.body;
            let x = (self.width - width(blank, body.size, body.face)) / 2.0;
            self.text(x, self.height / 2.0, body, blank);
            self.new_page();
        }
    }

    fn push(&mut self, item: Item) {
        if let Some(p) = self.pages.last_mut() {
            p.items.push(item);
        }
    }

    fn text(&mut self, x: f32, baseline: f32, font: Font, text: &str) {
        self.push(Item::Text {
            x,
            y: baseline,
            font,
            runs: font.face.runs(text),
            spacing: 0.0,
        });
    }

    /// Running text as the style sets it: an official document puts no
    /// space between Chinese and figures (the wording has them for reports).
    fn set(&self, text: &str) -> String {
        self.style.set(text)
    }

    /// Lines centred on the text block; a title of several lines gets
    /// lines of even length rather than a last line of one character.
    fn centered(&mut self, text: &str, font: Font) {
        let line_height = font.size * 1.5;
        let left = self.g.left;
        let text = self.set(text);
        for line in lines_of(&text, font, self.content_width()) {
            self.ensure(line_height);
            let x = left + (self.content_width() - width(&line, font.size, font.face)) / 2.0;
            self.text(x, self.y - font.size, font, &line);
            self.y -= line_height;
        }
    }

    /// A paragraph's lines, with the first-line indent of two full-width
    /// characters official documents have.
    fn paragraph_lines(&self, text: &str) -> Vec<String> {
        let indented = format!("\u{3000}\u{3000}{}", self.set(text.trim()));
        let body = self.g.body;
        wrap(&indented, body.size, self.content_width(), body.face)
    }

    /// A paragraph; `keep` points of what follows stay on a page with its
    /// last two lines (a 落款 never stands alone on a page).
    fn paragraph(&mut self, text: &str, keep: f32) {
        let (body, line) = (self.g.body, self.g.line);
        let lines = self.paragraph_lines(text);
        let last = lines.len().saturating_sub(1);
        for (i, text_line) in lines.into_iter().enumerate() {
            let tail = if keep > 0.0 && i + 1 >= last {
                (last - i + 1) as f32 * line + keep
            } else {
                line
            };
            self.ensure(tail);
            let baseline = self.baseline(self.y);
            // Every line but the last fills the measure, as Chinese text is set.
            let spacing = if i < last {
                justify(&text_line, body, self.content_width())
            } else {
                0.0
            };
            self.push(Item::Text {
                x: self.g.left,
                y: baseline,
                font: body,
                runs: body.face.runs(&text_line),
                spacing,
            });
            self.y -= line;
        }
        self.y -= self.g.paragraph_gap;
    }

    fn heading_height(&self) -> f32 {
        self.g.heading.size * 2.1
    }

    fn heading(&mut self, text: &str, font: Font) {
        // Keep the heading with at least two lines of what follows.
        self.ensure(self.heading_height() + self.g.line * 2.0);
        self.y -= font.size * 0.5;
        let text = self.set(text);
        let x = self.g.left + self.g.heading_indent;
        self.text(x, self.y - font.size, font, &text);
        self.y -= font.size * 1.6;
    }

    /// The baseline of a body line whose pitch starts at `top`: the glyphs
    /// centred in the pitch, a fifth of the size below the baseline for
    /// descenders.
    fn baseline(&self, top: f32) -> f32 {
        let (size, line) = (self.g.body.size, self.g.line);
        top - line + size * 0.2 + (line - size * 1.2) / 2.0
    }

    /// One body line at the paragraph indent that never wraps: a line of
    /// blanks to sign on is no use broken in two. Set smaller when it
    /// would not fit.
    fn line(&mut self, text: &str) {
        let body = self.g.body;
        let text = format!("\u{3000}\u{3000}{}", self.set(text.trim()));
        let measure = self.content_width();
        let natural = width(&text, body.size, body.face);
        let size = if natural > measure {
            body.size * measure / natural
        } else {
            body.size
        };
        self.ensure(self.g.line);
        let baseline = self.baseline(self.y);
        self.text(self.g.left, baseline, font(body.face, size, false), &text);
        self.y -= self.g.line;
    }

    /// The height of a 落款: a blank line, the issuer and the date.
    fn signature_height(&self) -> f32 {
        self.g.line * 3.0
    }

    /// The 落款 as GB/T 9704-2012 places it: the date four characters in
    /// from the right, the issuer centred over the date; an issuer longer
    /// than that ends two characters in, with the date centred under it.
    fn signature(&mut self, issuer: &str, date: &str) {
        let body = self.g.body;
        let em = body.size;
        let right = self.g.left + self.content_width();
        let (wi, wd) = (width(issuer, em, body.face), width(date, em, body.face));
        let (issuer_in, date_in) = signature_indents(wi / em, wd / em);
        let issuer_x = right - issuer_in * em - wi;
        let date_x = right - date_in * em - wd;
        self.ensure(self.signature_height());
        self.y -= self.g.line;
        let baseline = self.baseline(self.y);
        self.text(issuer_x.max(self.g.left), baseline, body, issuer);
        self.y -= self.g.line;
        let baseline = self.baseline(self.y);
        self.text(date_x.max(self.g.left), baseline, body, date);
        self.y -= self.g.line;
    }
}

/// The lines an official document's title is set in (for a copy in
/// another format to break where the PDF does).
pub fn title_lines(text: &str) -> Vec<String> {
    let l = Layout::new(false, Style::Official);
    lines_of(&l.set(text), l.g.title, l.content_width())
}

/// The lines an official document's subtitle is set in.
pub fn subtitle_lines(text: &str) -> Vec<String> {
    let l = Layout::new(false, Style::Official);
    lines_of(&l.set(text), l.g.subtitle, l.content_width())
}

/// `text` wrapped to `max`, and if that takes several lines, to the
/// narrowest measure that takes no more.
/// A title's lines: one when it fits; else its parts set apart by a wide
/// gap (“统计范围：…　　数据截至：…”) each on a line; else, where it names a
/// unit and then a period (“…工作站2024年上半年…”), the name on one line and
/// the period on the next, so that neither a name nor a date is cut; else
/// balanced lines.
fn lines_of(text: &str, font: Font, max: f32) -> Vec<String> {
    let fits = |t: &str| width(t, font.size, font.face) <= max;
    if fits(text) {
        return vec![text.to_string()];
    }
    let parts: Vec<&str> = text.split(GAP).map(str::trim).collect();
    if parts.len() > 1 && parts.iter().all(|p| fits(p)) {
        return parts.into_iter().map(str::to_string).collect();
    }
    if let Some(at) = period_start(text) {
        let (name, period) = text.split_at(at);
        if fits(name) && fits(period) {
            return vec![name.to_string(), period.to_string()];
        }
    }
    balanced(text, font, max)
}

/// Where a period (a year: four digits and 年) starts after some text.
fn period_start(text: &str) -> Option<usize> {
    let mut before_is_digit = true;
    for (at, c) in text.char_indices() {
        let rest = &text[at..];
        let year = rest.len() > 4
            && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit)
            && rest[4..].starts_with('年');
        if year && !before_is_digit {
            return Some(at);
        }
        before_is_digit = c.is_ascii_digit();
    }
    None
}

fn balanced(text: &str, font: Font, max: f32) -> Vec<String> {
    let lines = wrap(text, font.size, max, font.face);
    if lines.len() < 2 {
        return lines;
    }
    let total = width(text, font.size, font.face);
    let mut measure = total / lines.len() as f32;
    while measure < max {
        let tried = wrap(text, font.size, measure, font.face);
        if tried.len() <= lines.len() {
            return tried;
        }
        measure += font.size / 2.0;
    }
    lines
}

/// The spacing after each character that makes `line` fill `measure`;
/// none when that would spread it by more than a third of a character
/// (a line broken early before a long number).
fn justify(line: &str, font: Font, measure: f32) -> f32 {
    let gaps = line.chars().count().saturating_sub(1);
    if gaps == 0 {
        return 0.0;
    }
    let spacing = (measure - width(line, font.size, font.face)) / gaps as f32;
    if spacing.abs() <= font.size / 3.0 {
        spacing
    } else {
        0.0
    }
}

/// A cell's column range and text.
struct Placed<'a> {
    col: usize,
    colspan: usize,
    rowspan: usize,
    text: &'a str,
}

fn cells(row: &[Cell]) -> Vec<Placed<'_>> {
    row.iter()
        .enumerate()
        .filter_map(|(col, c)| match c {
            Cell::Text {
                text,
                colspan,
                rowspan,
            } => Some(Placed {
                col,
                colspan: *colspan,
                rowspan: *rowspan,
                text,
            }),
            Cell::Covered => None,
        })
        .collect()
}

struct Grid {
    xs: Vec<f32>,
}

impl Grid {
    fn new(table: &Table, x0: f32, total: f32) -> Grid {
        let sum: f32 = table.widths.iter().sum::<f32>().max(f32::EPSILON);
        let mut xs = vec![x0];
        for w in &table.widths {
            let last = *xs.last().unwrap_or(&x0);
            xs.push(last + w / sum * total);
        }
        Grid { xs }
    }

    fn span_width(&self, col: usize, colspan: usize) -> f32 {
        self.xs[(col + colspan).min(self.xs.len() - 1)] - self.xs[col]
    }
}

fn row_height(grid: &Grid, row: &[Cell], size: f32) -> f32 {
    cells(row)
        .iter()
        .filter(|c| c.rowspan == 1)
        .map(|c| {
            wrap(
                c.text,
                size,
                grid.span_width(c.col, c.colspan) - 2.0 * PAD,
                Face::Hei,
            )
            .len()
        })
        .max()
        .unwrap_or(1) as f32
        * size
        * 1.35
        + 2.0 * PAD
}

/// A table's row heights: the header rows and the body rows.
struct Heights {
    header: Vec<f32>,
    rows: Vec<f32>,
}

impl Heights {
    fn of(table: &Table, grid: &Grid) -> Heights {
        let header = table
            .header
            .iter()
            .map(|r| row_height(grid, r, CELL))
            .collect();
        let mut rows: Vec<f32> = table
            .rows
            .iter()
            .map(|r| row_height(grid, r, CELL))
            .collect();
        // A merged cell taller than its rows stretches the last of them.
        for (r, row) in table.rows.iter().enumerate() {
            for c in cells(row).iter().filter(|c| c.rowspan > 1) {
                let end = (r + c.rowspan).min(rows.len());
                let need = wrap(
                    c.text,
                    CELL,
                    grid.span_width(c.col, c.colspan) - 2.0 * PAD,
                    Face::Hei,
                )
                .len() as f32
                    * CELL
                    * 1.35
                    + 2.0 * PAD;
                let have: f32 = rows[r..end].iter().sum();
                if need > have {
                    rows[end - 1] += need - have;
                }
            }
        }
        Heights { header, rows }
    }

    fn header_height(&self) -> f32 {
        self.header.iter().sum()
    }
}

impl Layout {
    fn grid(&self, table: &Table) -> Grid {
        Grid::new(table, self.g.left, self.content_width())
    }

    /// What must fit on a page for a table to start there: all of it when
    /// it fits on one page (a table that fits is never split), else its
    /// header and the rows a split keeps before the break.
    fn table_keep(&self, table: &Table) -> f32 {
        let h = Heights::of(table, &self.grid(table));
        let all = h.header_height() + h.rows.iter().sum::<f32>();
        if all <= self.page_room() {
            all
        } else {
            h.header_height() + h.rows.iter().take(MIN_SPLIT_ROWS).sum::<f32>()
        }
    }

    /// The rows a new page starts at: each where the next row no longer
    /// fits, the last moved up so that the last page has at least
    /// [`MIN_SPLIT_ROWS`] rows while the page before keeps as many.
    fn breaks(&self, h: &Heights) -> Vec<usize> {
        let mut breaks: Vec<usize> = Vec::new();
        let mut room = self.room() - h.header_height();
        let mut start = 0;
        for (r, row) in h.rows.iter().enumerate() {
            if *row > room && r > start {
                breaks.push(r);
                start = r;
                room = self.page_room() - h.header_height();
            }
            room -= row;
        }
        let n = h.rows.len();
        let before = breaks.len().checked_sub(2).map_or(0, |i| breaks[i]);
        if let Some(last) = breaks.last_mut() {
            if n - *last < MIN_SPLIT_ROWS {
                *last = (n.saturating_sub(MIN_SPLIT_ROWS))
                    .max(before + MIN_SPLIT_ROWS)
                    .min(*last);
            }
        }
        breaks
    }

    fn table(&mut self, table: &Table) {
        let grid = self.grid(table);
        let h = Heights::of(table, &grid);
        self.ensure(self.table_keep(table));
        let breaks = self.breaks(&h);
        // Rows placed on each page: (row index, top y).
        let mut placed: Vec<(usize, f32)> = Vec::new();
        self.draw_header(table, &grid, &h.header);
        for (r, height) in h.rows.iter().enumerate() {
            if breaks.contains(&r) {
                self.draw_body(table, &grid, &h.rows, &placed);
                placed.clear();
                self.new_page();
                self.draw_header(table, &grid, &h.header);
            }
            placed.push((r, self.y));
            self.y -= height;
        }
        self.draw_body(table, &grid, &h.rows, &placed);
        self.y -= TABLE_GAP;
    }

    fn draw_header(&mut self, table: &Table, grid: &Grid, heights: &[f32]) {
        let mut y = self.y;
        for (i, row) in table.header.iter().enumerate() {
            for c in cells(row) {
                let h: f32 = heights[i..(i + c.rowspan).min(heights.len())].iter().sum();
                let x = grid.xs[c.col];
                let w = grid.span_width(c.col, c.colspan);
                self.push(Item::Fill {
                    x,
                    y: y - h,
                    w,
                    h,
                    grey: 0.88,
                });
                self.cell_box(x, y, w, h, c.text, Align::Center, true);
            }
            y -= heights[i];
        }
        self.y = y;
    }

    /// Draw the rows placed on this page. A merged cell is drawn at its first
    /// row, and again (text repeated) at the top of each page it continues on.
    fn draw_body(&mut self, table: &Table, grid: &Grid, heights: &[f32], placed: &[(usize, f32)]) {
        let Some(&(first, _)) = placed.first() else {
            return;
        };
        let last = placed.last().map_or(first, |p| p.0);
        let top_of = |r: usize| placed.iter().find(|p| p.0 == r).map(|p| p.1);
        let owners = owners(&table.rows);
        for &(r, top) in placed {
            for (col, owner) in owners[r].iter().enumerate() {
                let Some((or, oc)) = *owner else { continue };
                if oc != col || (or != r && r != first) {
                    continue;
                }
                let Some(Cell::Text {
                    text,
                    colspan,
                    rowspan,
                }) = table.rows[or].get(oc)
                else {
                    continue;
                };
                let end = (or + rowspan - 1).min(last);
                let Some(end_top) = top_of(end) else { continue };
                let h = top - (end_top - heights[end]);
                let align = table.align.get(col).copied().unwrap_or(Align::Left);
                self.cell_box(
                    grid.xs[col],
                    top,
                    grid.span_width(col, *colspan),
                    h,
                    text,
                    align,
                    false,
                );
            }
        }
    }

    /// A bordered cell with its text wrapped and vertically centred.
    #[allow(clippy::too_many_arguments)]
    fn cell_box(&mut self, x: f32, top: f32, w: f32, h: f32, text: &str, align: Align, bold: bool) {
        let bottom = top - h;
        for (x1, y1, x2, y2) in [
            (x, top, x + w, top),
            (x, bottom, x + w, bottom),
            (x, top, x, bottom),
            (x + w, top, x + w, bottom),
        ] {
            self.push(Item::Line { x1, y1, x2, y2 });
        }
        let lines = wrap(text, CELL, w - 2.0 * PAD, Face::Hei);
        let lh = CELL * 1.35;
        let block = lines.len() as f32 * lh;
        let mut baseline = top - (h - block) / 2.0 - CELL * 1.05;
        let cell_font = font(Face::Hei, CELL, bold);
        for line in lines {
            let lw = width(&line, CELL, Face::Hei);
            let tx = match align {
                Align::Left => x + PAD,
                Align::Center => x + (w - lw) / 2.0,
                Align::Right => x + w - PAD - lw,
            };
            self.text(tx, baseline, cell_font, &line);
            baseline -= lh;
        }
    }

    /// What must fit below a heading so that it does not end a page: the
    /// start of block `i`. A chart keeps its table with it when both fit on
    /// a page, else the table's first rows.
    fn lead(&self, blocks: &[Block], i: usize) -> f32 {
        match blocks.get(i) {
            Some(Block::Table(t)) => self.table_keep(t),
            Some(Block::Chart(_)) => {
                let chart = CHART_HEIGHT + 20.0 + CAPTION * 0.6;
                let whole = chart + self.lead(blocks, i + 1);
                match blocks.get(i + 1) {
                    Some(Block::Table(t)) if whole > self.page_room() => {
                        let grid = self.grid(t);
                        let h = Heights::of(t, &grid);
                        let first: f32 = h.rows.iter().take(MIN_SPLIT_ROWS).sum();
                        chart + h.header_height() + first
                    }
                    _ => whole,
                }
            }
            // Three lines of a paragraph; a shorter one with the start of
            // what follows it.
            Some(Block::Space(s)) => s + self.lead(blocks, i + 1),
            Some(Block::Signature { .. }) => self.signature_height(),
            Some(Block::Paragraph(t)) => {
                let lines = self.paragraph_lines(t).len();
                if lines >= MIN_SPLIT_ROWS {
                    self.g.line * MIN_SPLIT_ROWS as f32
                } else {
                    self.g.line * lines as f32 + self.g.paragraph_gap + self.lead(blocks, i + 1)
                }
            }
            _ => 0.0,
        }
    }

    fn chart(&mut self, chart: &BarChart) {
        let height = CHART_HEIGHT;
        let size = LABEL;
        let label = font(Face::Hei, LABEL, false);
        self.y -= CAPTION * 0.6;
        self.centered(&chart.title, font(Face::Hei, CAPTION, true));
        let (x0, w) = (self.g.left + 12.0 * MM, self.content_width() - 24.0 * MM);
        let base = self.y - height + 14.0;
        let plot = height - 34.0;
        let max = chart.bars.iter().map(|b| b.1).fold(0.0, f64::max).max(1.0);
        self.push(Item::Line {
            x1: x0,
            y1: base,
            x2: x0 + w,
            y2: base,
        });
        self.push(Item::Line {
            x1: x0,
            y1: base,
            x2: x0,
            y2: base + plot + 6.0,
        });
        let n = chart.bars.len().max(1) as f32;
        let slot = w / n;
        for (i, (name, value)) in chart.bars.iter().enumerate() {
            let bar_w = (slot * 0.55).min(40.0);
            let x = x0 + slot * i as f32 + (slot - bar_w) / 2.0;
            let h = (*value / max) as f32 * plot;
            self.push(Item::Fill {
                x,
                y: base,
                w: bar_w,
                h,
                grey: 0.45,
            });
            let shown = format!("{}{}", crate::read::cell::format_number(*value), chart.unit);
            self.text(
                x + (bar_w - width(&shown, size, Face::Hei)) / 2.0,
                base + h + 3.0,
                label,
                &shown,
            );
            let lines = wrap(name, size, slot - 2.0, Face::Hei);
            for (j, line) in lines.iter().take(2).enumerate() {
                let lx = x0 + slot * i as f32 + (slot - width(line, size, Face::Hei)) / 2.0;
                self.text(lx, base - size * 1.4 * (j as f32 + 1.0), label, line);
            }
        }
        self.y -= height + 8.0;
    }
}

pub(super) fn render(doc: &Document) -> Vec<u8> {
    let (l, _) = lay_out(doc);
    emit(doc, &l)
}

pub(super) fn anchors(doc: &Document) -> Vec<(String, usize)> {
    lay_out(doc).1
}

fn lay_out(doc: &Document) -> (Layout, Vec<(String, usize)>) {
    let mut anchors = Vec::new();
    let mut l = Layout::new(doc.landscape, doc.style);
    for (i, block) in doc.blocks.iter().enumerate() {
        // A heading never ends a page: keep it with the start of what
        // follows; a chart stays with its table.
        match block {
            Block::Heading(_) | Block::Heading2(_) => {
                l.ensure(l.heading_height() + l.lead(&doc.blocks, i + 1))
            }
            Block::Chart(_) => l.ensure(l.lead(&doc.blocks, i)),
            _ => {}
        }
        match block {
            Block::Title(t) => {
                l.centered(t, l.g.title);
                l.y -= 4.0;
            }
            Block::Subtitle(t) => {
                l.centered(t, l.g.subtitle);
                l.y -= 4.0;
            }
            Block::Heading(t) => l.heading(t, l.g.heading),
            Block::Heading2(t) => l.heading(t, l.g.heading2),
            Block::Paragraph(t) => {
                let keep = match doc.blocks.get(i + 1) {
                    Some(Block::Signature { .. }) => l.signature_height(),
                    _ => 0.0,
                };
                l.paragraph(t, keep)
            }
            Block::Line(t) => l.line(t),
            Block::Signature { issuer, date } => l.signature(issuer, date),
            Block::Table(t) => l.table(t),
            Block::Chart(c) => l.chart(c),
            Block::Space(s) => l.y -= s,
            Block::PageBreak => l.new_page(),
            Block::OddPage(blank) => l.odd_page(blank),
            Block::Anchor(name) => anchors.push((name.clone(), l.pages.len())),
        }
    }
    // Drop a trailing empty page (a page break at the very end).
    if l.pages.len() > 1 && l.pages.last().is_some_and(|p| p.items.is_empty()) {
        l.pages.pop();
    }
    (l, anchors)
}

/// The page number of page `page`: centred under the text block, or on
/// its outer side a character in.
fn footer(doc: &Document, l: &Layout, page: usize) -> Item {
    let text = doc
        .footer
        .replace("{page}", &page.to_string())
        .replace("{pages}", &l.pages.len().to_string());
    let font = l.g.footer;
    let w = width(&text, font.size, font.face);
    let x = match (l.g.footer_outside, page % 2) {
        (false, _) => l.g.left + (l.content_width() - w) / 2.0,
        (true, 1) => l.g.left + l.content_width() - font.size - w,
        (true, _) => l.g.left + font.size,
    };
    Item::Text {
        x,
        y: l.g.footer_y,
        font,
        runs: font.face.runs(&text),
        spacing: 0.0,
    }
}

/// The faces a document draws with, embedded (subset on saving) under
/// fixed names: printpdf names fonts from a process-wide counter, and a
/// fixed name (and the trailer ID fixed below) keeps the bytes independent
/// of how many documents were rendered before.
struct Fonts {
    handles: Vec<(Face, PdfFontHandle)>,
}

impl Fonts {
    fn embed<'a>(pdf: &mut PdfDocument, items: impl Iterator<Item = &'a Item>) -> Fonts {
        let mut used = std::collections::BTreeSet::new();
        for item in items {
            if let Item::Text { runs, .. } = item {
                used.extend(runs.iter().map(|(face, _)| *face));
            }
        }
        let handles = used
            .into_iter()
            .map(|face| {
                let id = printpdf::FontId(face.pdf_name().into());
                let parsed = printpdf::PdfFont::new(face.font().clone());
                pdf.resources.fonts.map.insert(id.clone(), parsed);
                (face, PdfFontHandle::External(id))
            })
            .collect();
        Fonts { handles }
    }

    fn handle(&self, face: Face) -> Option<&PdfFontHandle> {
        self.handles
            .iter()
            .find(|(f, _)| *f == face)
            .map(|(_, h)| h)
    }
}

fn emit(doc: &Document, l: &Layout) -> Vec<u8> {
    let mut pdf = PdfDocument::new(&doc.title);
    let footers: Vec<Item> = (1..=l.pages.len())
        .map(|page| footer(doc, l, page))
        .collect();
    let fonts = Fonts::embed(
        &mut pdf,
        l.pages.iter().flat_map(|p| &p.items).chain(&footers),
    );
    if let Some(info) = fixed_date(doc.date) {
        pdf.metadata.info.creation_date = info;
        pdf.metadata.info.modification_date = info;
        pdf.metadata.info.metadata_date = info;
    }
    pdf.metadata.info.creator = "jucai".into();
    pdf.metadata.info.producer = "jucai".into();
    let pages = l
        .pages
        .iter()
        .zip(&footers)
        .map(|(page, footer)| {
            let scale = doc.style.scale();
            let mut ops = vec![Op::SetOutlineThickness { pt: Pt(0.6) }];
            if scale != 1.0 {
                let matrix = printpdf::matrix::CurTransMat::Scale(scale, scale);
                ops.insert(0, Op::SetTransformationMatrix { matrix });
            }
            for item in page.items.iter().chain([footer]) {
                draw(item, &fonts, &mut ops);
            }
            let (w, h) = paper(doc, l.width * scale / MM, l.height * scale / MM);
            PdfPage::new(printpdf::Mm(w), printpdf::Mm(h), ops)
        })
        .collect();
    pdf.with_pages(pages);
    let options = PdfSaveOptions {
        subset_fonts: true,
        ..Default::default()
    };
    let mut warnings = Vec::new();
    fix_trailer_id(pdf.save(&options, &mut warnings))
}

/// The sheet a page is printed on, in mm: a poster's is exactly A1 (its
/// A4 layout scaled by 594 / 210 is 840 mm wide; the last mm stays blank).
fn paper(doc: &Document, width: f32, height: f32) -> (f32, f32) {
    match (doc.style, doc.landscape) {
        (Style::Poster, true) => (841.0, 594.0),
        (Style::Poster, false) => (594.0, 841.0),
        _ => (width, height),
    }
}

/// Replace the two 32-letter strings of the trailer's `/ID` with ones derived
/// from the document's content (same length, so no offset moves).
fn fix_trailer_id(mut bytes: Vec<u8>) -> Vec<u8> {
    let Some(start) = memchr::memmem::rfind(&bytes, b"/ID[(") else {
        return bytes;
    };
    let first = start + 5;
    let second = first + 34;
    if bytes.len() < second + 32 || bytes[first + 32] != b')' || bytes[second - 1] != b'(' {
        return bytes;
    }
    let mut content = bytes.clone();
    content[first..first + 32].fill(b'A');
    content[second..second + 32].fill(b'A');
    let digest = crate::hash::sha256_hex(&content);
    let letters: Vec<u8> = digest.bytes().take(32).map(|b| b'A' + (b % 16)).collect();
    bytes[first..first + 32].copy_from_slice(&letters);
    bytes[second..second + 32].copy_from_slice(&letters);
    bytes
}

fn fixed_date(date: chrono::NaiveDate) -> Option<printpdf::date::OffsetDateTime> {
    let midnight = date.and_hms_opt(0, 0, 0)?.and_utc().timestamp();
    printpdf::date::OffsetDateTime::from_unix_timestamp(midnight).ok()
}

fn draw(item: &Item, fonts: &Fonts, ops: &mut Vec<Op>) {
    match item {
        Item::Text {
            x,
            y,
            font,
            runs,
            spacing,
        } => {
            ops.push(Op::StartTextSection);
            if *spacing != 0.0 {
                ops.push(Op::SetCharacterSpacing {
                    multiplier: *spacing,
                });
            }
            // The faces have no bold: bold text is filled and stroked.
            let mode = if font.bold {
                TextRenderingMode::FillStroke
            } else {
                TextRenderingMode::Fill
            };
            ops.push(Op::SetTextRenderingMode { mode });
            ops.push(Op::SetTextCursor {
                pos: Point {
                    x: Pt(*x),
                    y: Pt(*y),
                },
            });
            for (face, run) in runs {
                let Some(handle) = fonts.handle(*face) else {
                    continue;
                };
                ops.push(Op::SetFont {
                    font: handle.clone(),
                    size: Pt(font.size),
                });
                ops.push(Op::ShowText {
                    items: vec![TextItem::Text(run.clone())],
                });
            }
            // Character spacing is graphics state: it outlives the section.
            if *spacing != 0.0 {
                ops.push(Op::SetCharacterSpacing { multiplier: 0.0 });
            }
            ops.push(Op::EndTextSection);
        }
        Item::Line { x1, y1, x2, y2 } => ops.push(Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint {
                        p: Point {
                            x: Pt(*x1),
                            y: Pt(*y1),
                        },
                        bezier: false,
                    },
                    LinePoint {
                        p: Point {
                            x: Pt(*x2),
                            y: Pt(*y2),
                        },
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        }),
        Item::Fill { x, y, w, h, grey } => {
            ops.push(Op::SaveGraphicsState);
            ops.push(Op::SetFillColor {
                col: Color::Rgb(Rgb::new(*grey, *grey, *grey, None)),
            });
            ops.push(Op::DrawRectangle {
                rectangle: Rect {
                    x: Pt(*x),
                    y: Pt(*y),
                    width: Pt(*w),
                    height: Pt(*h),
                    mode: Some(PaintMode::Fill),
                    winding_order: Some(WindingOrder::NonZero),
                },
            });
            ops.push(Op::RestoreGraphicsState);
        }
    }
}
