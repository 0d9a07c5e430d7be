//! Editable Word copies of documents (the half-year and annual summaries,
//! each station's assessment text), written with docx-rs from the same
//! [`Document`] the PDF is laid out from, in the same form: the GB/T
//! 9704-2012 page, 宋 title broken where the PDF breaks it, 黑 and 楷
//! headings, 仿宋 body at 三号 with a two-character indent and 22 lines a
//! page, tables as Word tables (merged cells merged), the 落款 right-aligned
//! and the page number at the foot's outer side. A clerk adds the letterhead,
//! the stamp and a leader's paragraph in Word or WPS instead of retyping.
//!
//! Charts are left out: the table each one draws follows it. Fonts are named,
//! not embedded: Word and WPS on a bureau's Windows have 仿宋, 黑体, 楷体 and
//! 宋体; elsewhere the reader substitutes.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BreakType, DocxError, Footer, LineSpacing, LineSpacingType, NumPages,
    PageMargin, PageNum, Paragraph, Run, RunFonts, Shading, SpecialIndentType, Table, TableCell,
    TableRow, VAlignType, VMergeType, WidthType,
};

use crate::render::document::{owners, signature_indents, Align, Block, Cell, Document, Style};
use crate::render::pdf::{subtitle_lines, title_lines};

/// Twips (1/20 pt) in a millimetre.
const TWIPS_PER_MM: f32 = 1440.0 / 25.4;
/// The body's size, in half-points (三号, 16 pt), and one character of it in twips.
const BODY: usize = 32;
const EM: i32 = 320;
const TITLE: usize = 44;
const SUBTITLE: usize = 32;
const CELL: usize = 21;
const FOOTER: usize = 28;
/// GB/T 9704-2012: 22 lines in the 225 mm text block.
const LINE: i32 = (225.0 * TWIPS_PER_MM / 22.0) as i32;

const FANG: &str = "仿宋";
const HEI: &str = "黑体";
const KAI: &str = "楷体";
const SONG: &str = "宋体";

fn mm(v: f32) -> i32 {
    (v * TWIPS_PER_MM).round() as i32
}

fn face(name: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(name)
        .ascii(name)
        .hi_ansi(name)
        .cs(name)
}

fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new().add_text(text).fonts(face(font)).size(size)
}

/// The document as a `.docx` file's bytes. The same document gives the
/// same bytes: paragraph ids are numbered here, the package's dates are
/// the document's.
pub(crate) fn to_docx(doc: &Document) -> Result<Vec<u8>, DocxError> {
    let mut w = Writer {
        ids: 0,
        style: doc.style,
    };
    let mut docx = docx_rs::Docx::new()
        .page_size(mm(210.0) as u32, mm(297.0) as u32)
        .page_margin(PageMargin {
            top: mm(37.0),
            left: mm(28.0),
            bottom: mm(35.0),
            right: mm(26.0),
            header: mm(15.0),
            footer: mm(22.0),
            gutter: 0,
        })
        .default_fonts(face(FANG))
        .default_size(BODY)
        .created_at(&iso(doc))
        .updated_at(&iso(doc))
        .footer(w.footer(&doc.footer, AlignmentType::Right))
        .even_footer(w.footer(&doc.footer, AlignmentType::Left));
    for (i, block) in doc.blocks.iter().enumerate() {
        for part in w.block(block, keeps(&doc.blocks, i)) {
            docx = match part {
                Part::Paragraph(p) => docx.add_paragraph(*p),
                Part::Table(t) => docx.add_table(*t),
            };
        }
    }
    let mut out = Cursor::new(Vec::new());
    docx.build().pack(&mut out)?;
    Ok(out.into_inner())
}

fn iso(doc: &Document) -> String {
    format!("{}T00:00:00Z", doc.date.format("%Y-%m-%d"))
}

enum Part {
    Paragraph(Box<Paragraph>),
    Table(Box<Table>),
}

struct Writer {
    /// The last paragraph id given: docx-rs numbers paragraphs per thread,
    /// so ids given here keep the bytes the same whichever thread wrote them.
    ids: u32,
    style: Style,
}

impl Writer {
    fn paragraph(&mut self) -> Paragraph {
        self.ids += 1;
        Paragraph::new().id(format!("{:08X}", self.ids))
    }

    /// A body paragraph: 仿宋, first line indented two characters, on the
    /// page's 22-line grid.
    fn body(&mut self) -> Paragraph {
        self.paragraph().align(AlignmentType::Both).line_spacing(
            LineSpacing::new()
                .line(LINE)
                .line_rule(LineSpacingType::Exact),
        )
    }

    /// Running text as the document's style sets it.
    fn set(&self, text: &str) -> String {
        self.style.set(text.trim())
    }

    /// `block` as Word paragraphs and tables; `keep` keeps it on a page
    /// with what follows.
    fn block(&mut self, block: &Block, keep: bool) -> Vec<Part> {
        let p = |p: Paragraph| {
            vec![Part::Paragraph(Box::new(if keep {
                p.keep_next(true)
            } else {
                p
            }))]
        };
        match block {
            Block::Title(t) => p(self.title(t)),
            Block::Subtitle(t) => p(self.subtitle(t)),
            Block::Heading(t) => p(self.heading(t, HEI, 0)),
            Block::Heading2(t) => p(self.heading(t, KAI, 1)),
            Block::Paragraph(t) => {
                let text = self.set(t);
                p(self
                    .body()
                    .indent(None, Some(SpecialIndentType::FirstLine(2 * EM)), None, None)
                    .add_run(run(&text, FANG, BODY)))
            }
            Block::Line(t) => {
                let text = self.set(t);
                p(self
                    .body()
                    .align(AlignmentType::Left)
                    .indent(Some(2 * EM), None, None, None)
                    .add_run(run(&text, FANG, BODY)))
            }
            Block::Signature { issuer, date } => self.signature(issuer, date),
            Block::Table(t) => vec![
                Part::Table(Box::new(self.table(t))),
                Part::Paragraph(Box::new(self.paragraph())),
            ],
            Block::PageBreak | Block::OddPage(_) => p(self
                .paragraph()
                .add_run(Run::new().add_break(BreakType::Page))),
            Block::Space(_) => p(self.body()),
            Block::Chart(_) | Block::Anchor(_) => Vec::new(),
        }
    }

    /// The title in the lines the PDF sets it in (never cut inside a name
    /// or a date).
    fn title(&mut self, text: &str) -> Paragraph {
        let r = Run::new().fonts(face(SONG)).size(TITLE).bold();
        self.paragraph()
            .align(AlignmentType::Center)
            .add_run(lines(r, &title_lines(text)))
    }

    /// The subtitle in the PDF's lines, a line before the body.
    fn subtitle(&mut self, text: &str) -> Paragraph {
        let r = Run::new().fonts(face(KAI)).size(SUBTITLE);
        self.paragraph()
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().after(LINE as u32))
            .add_run(lines(r, &subtitle_lines(text)))
    }

    /// A heading, indented as the body is, kept with what follows, and in
    /// Word's outline (the navigation pane lists it).
    fn heading(&mut self, text: &str, font: &str, level: usize) -> Paragraph {
        let text = self.set(text);
        self.body()
            .indent(None, Some(SpecialIndentType::FirstLine(2 * EM)), None, None)
            .keep_next(true)
            .outline_lvl(level)
            .add_run(run(&text, font, BODY))
    }

    /// The 落款 as in the PDF: a blank line, the issuer centred over the
    /// date, the date four characters in from the right.
    fn signature(&mut self, issuer: &str, date: &str) -> Vec<Part> {
        let (issuer_in, date_in) = signature_indents(ems(issuer), ems(date));
        let line = |w: &mut Writer, text: &str, right: f32| {
            Part::Paragraph(Box::new(
                w.body()
                    .align(AlignmentType::Right)
                    .indent(None, None, Some((right * EM as f32).round() as i32), None)
                    .keep_next(true)
                    .add_run(run(text, FANG, BODY)),
            ))
        };
        vec![
            Part::Paragraph(Box::new(self.body().keep_next(true))),
            line(self, issuer, issuer_in),
            line(self, date, date_in),
        ]
    }

    fn table(&mut self, t: &crate::render::document::Table) -> Table {
        let text_width = mm(156.0) as f32;
        let sum: f32 = t.widths.iter().sum::<f32>().max(f32::EPSILON);
        let grid: Vec<usize> = t
            .widths
            .iter()
            .map(|w| (w / sum * text_width).round() as usize)
            .collect();
        let mut rows = Vec::new();
        let owned = owners(&t.header);
        for (r, row) in t.header.iter().enumerate() {
            rows.push(self.row(&t.header, &owned[r], row, &grid, |_| Align::Center, true));
        }
        let owned = owners(&t.rows);
        for (r, row) in t.rows.iter().enumerate() {
            let align = |c: usize| t.align.get(c).copied().unwrap_or(Align::Left);
            rows.push(self.row(&t.rows, &owned[r], row, &grid, align, false));
        }
        Table::new(rows)
            .set_grid(grid)
            .width(mm(156.0) as usize, WidthType::Dxa)
    }

    /// One table row: a merged cell spans its columns and starts a vertical
    /// merge that the rows it covers continue.
    fn row(
        &mut self,
        rows: &[Vec<Cell>],
        owned: &[Option<(usize, usize)>],
        row: &[Cell],
        grid: &[usize],
        align: impl Fn(usize) -> Align,
        header: bool,
    ) -> TableRow {
        let mut cells = Vec::new();
        let mut col = 0;
        while col < row.len() {
            let (text, colspan, merge) = match &row[col] {
                Cell::Text {
                    text,
                    colspan,
                    rowspan,
                } => (
                    text.as_str(),
                    *colspan,
                    (*rowspan > 1).then_some(VMergeType::Restart),
                ),
                // Covered from above: the rows below a merged cell continue
                // its merge; covered from the left: no cell of its own.
                Cell::Covered => match covering(rows, owned.get(col).copied().flatten(), col) {
                    Some(colspan) => ("", colspan, Some(VMergeType::Continue)),
                    None => {
                        col += 1;
                        continue;
                    }
                },
            };
            let width: usize = grid.iter().skip(col).take(colspan).sum();
            let mut run = run(text, SONG, CELL);
            if header {
                run = run.bold();
            }
            let alignment = match align(col) {
                Align::Left => AlignmentType::Left,
                Align::Center => AlignmentType::Center,
                Align::Right => AlignmentType::Right,
            };
            let mut cell = TableCell::new()
                .width(width, WidthType::Dxa)
                .vertical_align(VAlignType::Center)
                .add_paragraph(self.paragraph().align(alignment).add_run(run));
            if colspan > 1 {
                cell = cell.grid_span(colspan);
            }
            if let Some(m) = merge {
                cell = cell.vertical_merge(m);
            }
            if header {
                cell = cell.shading(Shading::new().fill("E0E0E0"));
            }
            cells.push(cell);
            col += colspan.max(1);
        }
        TableRow::new(cells).cant_split()
    }

    /// The page number: `template`'s `{page}` and `{pages}` as Word fields.
    fn footer(&mut self, template: &str, align: AlignmentType) -> Footer {
        let mut p = self.paragraph().align(align);
        p = match align {
            AlignmentType::Left => p.indent(Some(EM), None, None, None),
            _ => p.indent(None, None, Some(EM), None),
        };
        let mut rest = template;
        while !rest.is_empty() {
            let next = [("{pages}", true), ("{page}", false)]
                .iter()
                .filter_map(|(field, all)| rest.find(field).map(|at| (at, *field, *all)))
                .min_by_key(|(at, _, _)| *at);
            let Some((at, field, all)) = next else {
                p = p.add_run(run(rest, SONG, FOOTER));
                break;
            };
            if at > 0 {
                p = p.add_run(run(&rest[..at], SONG, FOOTER));
            }
            p = if all {
                p.add_num_pages(NumPages::new())
            } else {
                p.add_page_num(PageNum::new())
            };
            rest = &rest[at + field.len()..];
        }
        Footer::new().add_paragraph(p)
    }
}

/// Whether block `i` stays on a page with a 落款 or signature line after it
/// (the last paragraph is not left behind).
fn keeps(blocks: &[Block], i: usize) -> bool {
    match blocks.get(i + 1) {
        Some(Block::Signature { .. } | Block::Line(_)) => true,
        Some(Block::Space(_)) => keeps(blocks, i + 1),
        _ => false,
    }
}

/// `r` holding `text_lines`, a line break between each.
fn lines(mut r: Run, text_lines: &[String]) -> Run {
    for (i, line) in text_lines.iter().enumerate() {
        if i > 0 {
            r = r.add_break(BreakType::TextWrapping);
        }
        r = r.add_text(line);
    }
    r
}

/// The colspan of the merged cell `owner` when it covers column `col` from
/// a row above, starting at that column.
fn covering(rows: &[Vec<Cell>], owner: Option<(usize, usize)>, col: usize) -> Option<usize> {
    match owner {
        Some((r, c)) if c == col => match rows.get(r)?.get(c)? {
            Cell::Text { colspan, .. } => Some(*colspan),
            Cell::Covered => None,
        },
        _ => None,
    }
}

/// The width of `text` in characters of the body (a figure is half of one).
fn ems(text: &str) -> f32 {
    text.chars()
        .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
        .sum()
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    /// A merged cell of the PDF's table is merged in Word too: it spans its
    /// columns, and the rows it covers continue its vertical merge with the
    /// same span; a position covered from the left is no cell of its own.
    #[test]
    fn merged_cells_span_and_continue_their_merge() {
        let table = crate::render::document::Table {
            widths: vec![1.0, 1.0, 1.0],
            align: vec![Align::Left; 3],
            header: vec![vec![Cell::new("甲"), Cell::new("乙"), Cell::new("丙")]],
            rows: vec![
                vec![Cell::span("合", 2, 2), Cell::Covered, Cell::new("一")],
                vec![Cell::Covered, Cell::Covered, Cell::new("二")],
            ],
        };
        let doc = Document {
            title: "表".into(),
            style: Style::Official,
            landscape: false,
            date: chrono::NaiveDate::from_ymd_opt(2025, 1, 8).unwrap(),
            footer: "— {page} —".into(),
            blocks: vec![Block::Table(table)],
        };
        let bytes = to_docx(&doc).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        let mut rows: Vec<&str> = xml.split("</w:tr>").collect();
        rows.pop();
        assert_eq!(rows.len(), 3);
        let cells = |row: &str| row.matches("<w:tc>").count();
        assert_eq!(cells(rows[1]), 2, "{}", rows[1]);
        assert_eq!(cells(rows[2]), 2, "{}", rows[2]);
        assert!(
            rows[1].contains("<w:gridSpan w:val=\"2\" />"),
            "{}",
            rows[1]
        );
        assert!(rows[1].contains("w:val=\"restart\""), "{}", rows[1]);
        assert!(
            rows[2].contains("<w:gridSpan w:val=\"2\" />"),
            "{}",
            rows[2]
        );
        assert!(rows[2].contains("w:val=\"continue\""), "{}", rows[2]);
    }
}
