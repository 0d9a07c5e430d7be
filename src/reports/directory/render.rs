//! The directory table as XLSX (native merged cells) and PDF.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Workbook, XlsxError};
use serde_json::json;

use super::model::Directory;
use crate::error::Error;
use crate::output::write_atomic;
use crate::render::pdf::{self, Align, Block, Cell, Document, Style, Table};
use crate::render::xlsx::{self, Styles};
use crate::wording::Texts;

pub(crate) const WORDING: &str = include_str!("../../../templates/directory.toml");

const WIDTHS: [f64; 7] = [18.0, 24.0, 18.0, 24.0, 32.0, 32.0, 8.0];

pub(crate) struct DirectoryWriter {
    texts: Texts,
}

struct Words {
    title: String,
    sheet: String,
    groups: [String; 4],
    headers: Vec<String>,
}

impl DirectoryWriter {
    pub(crate) fn new() -> Result<DirectoryWriter, Error> {
        Ok(DirectoryWriter {
            texts: Texts::parse("templates/directory.toml", WORDING)?,
        })
    }

    fn words(&self, d: &Directory) -> Result<Words, Error> {
        let vars = json!({ "centre": d.centre, "stations": d.stations });
        Ok(Words {
            title: self.texts.render("title", &vars)?,
            sheet: self.texts.plain("sheet")?,
            groups: [
                self.texts.render("group_centre", &vars)?,
                self.texts.render("group_stations", &vars)?,
                self.texts.render("group_rooms", &vars)?,
                self.texts.plain("note")?,
            ],
            headers: self.texts.list("headers")?,
        })
    }

    /// Write `平台名录.xlsx` and `平台名录.pdf` into `dir`.
    pub(crate) fn write(
        &self,
        d: &Directory,
        date: chrono::NaiveDate,
        dir: &Path,
    ) -> Result<(PathBuf, PathBuf), Error> {
        let stem = self.texts.plain("file_stem")?;
        let xlsx_path = dir.join(format!("{stem}.xlsx"));
        let pdf_path = dir.join(format!("{stem}.pdf"));
        let words = self.words(d)?;
        let mut book = xlsx_book(d, &words, date).map_err(|e| Error::xlsx(&xlsx_path, e))?;
        xlsx::save(&mut book, &xlsx_path)?;
        let doc = Document {
            style: Style::Report,
            title: words.title.clone(),
            landscape: true,
            date,
            footer: self.texts.plain("footer_pdf")?,
            blocks: vec![
                Block::Title(words.title.clone()),
                Block::Space(6.0),
                Block::Table(pdf_table(d, &words)),
            ],
        };
        write_atomic(&pdf_path, &pdf::render(&doc))?;
        Ok((xlsx_path, pdf_path))
    }
}

fn xlsx_book(d: &Directory, w: &Words, date: chrono::NaiveDate) -> Result<Workbook, XlsxError> {
    let s = Styles::new();
    let mut book = Workbook::new();
    xlsx::set_properties(&mut book, &w.title, date);
    let sheet = book.add_worksheet();
    sheet.set_name(&w.sheet)?;
    for (c, width) in WIDTHS.iter().enumerate() {
        sheet.set_column_width(c as u16, *width)?;
    }
    let cell = s
        .wrap
        .clone()
        .set_align(rust_xlsxwriter::FormatAlign::VerticalCenter);
    let merged = cell.clone().set_align(rust_xlsxwriter::FormatAlign::Center);
    sheet.set_row_height(0, 32)?;
    sheet.merge_range(0, 0, 0, 6, &w.title, &s.title)?;
    for (i, g) in w.groups.iter().take(3).enumerate() {
        let c = (i * 2) as u16;
        sheet.merge_range(1, c, 1, c + 1, g, &s.header)?;
    }
    sheet.merge_range(1, 6, 2, 6, &w.groups[3], &s.header)?;
    for (c, h) in w.headers.iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, h, &s.header)?;
    }
    let first = 3u32;
    let n = d.rows.len() as u32;
    if n == 0 {
        return Ok(book);
    }
    let block = |sheet: &mut rust_xlsxwriter::Worksheet,
                 r0: u32,
                 len: u32,
                 col: u16,
                 text: &str|
     -> Result<(), XlsxError> {
        if len > 1 {
            sheet.merge_range(r0, col, r0 + len - 1, col, text, &merged)?;
        } else {
            sheet.write_string_with_format(r0, col, text, &merged)?;
        }
        Ok(())
    };
    block(sheet, first, n, 0, &d.rows[0].centre)?;
    block(sheet, first, n, 1, &d.rows[0].centre_address)?;
    for &(start, len) in &d.station_blocks {
        let row = &d.rows[start];
        block(sheet, first + start as u32, len as u32, 2, &row.station)?;
        block(
            sheet,
            first + start as u32,
            len as u32,
            3,
            &row.station_address,
        )?;
    }
    for (i, row) in d.rows.iter().enumerate() {
        let r = first + i as u32;
        sheet.set_row_height(r, 30)?;
        sheet.write_string_with_format(r, 4, &row.room, &cell)?;
        sheet.write_string_with_format(r, 5, &row.room_location, &cell)?;
        sheet.write_string_with_format(r, 6, &row.note, &cell)?;
    }
    sheet.set_freeze_panes(first, 0)?;
    xlsx::print_setup(sheet, true, Some((1, 2)))?;
    Ok(book)
}

fn pdf_table(d: &Directory, w: &Words) -> Table {
    let groups = &w.groups;
    let header = vec![
        vec![
            Cell::span(&groups[0], 2, 1),
            Cell::Covered,
            Cell::span(&groups[1], 2, 1),
            Cell::Covered,
            Cell::span(&groups[2], 2, 1),
            Cell::Covered,
            Cell::span(&groups[3], 1, 2),
        ],
        w.headers
            .iter()
            .map(Cell::new)
            .chain([Cell::Covered])
            .collect(),
    ];
    let n = d.rows.len();
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for (i, row) in d.rows.iter().enumerate() {
        let block = d.station_blocks.iter().find(|b| b.0 == i);
        let (centre, address) = if i == 0 {
            (
                Cell::span(&row.centre, 1, n),
                Cell::span(&row.centre_address, 1, n),
            )
        } else {
            (Cell::Covered, Cell::Covered)
        };
        let (station, station_address) = match block {
            Some(&(_, len)) => (
                Cell::span(&row.station, 1, len),
                Cell::span(&row.station_address, 1, len),
            ),
            None => (Cell::Covered, Cell::Covered),
        };
        rows.push(vec![
            centre,
            address,
            station,
            station_address,
            Cell::new(&row.room),
            Cell::new(&row.room_location),
            Cell::new(&row.note),
        ]);
    }
    Table {
        widths: WIDTHS.iter().map(|w| *w as f32).collect(),
        align: vec![
            Align::Center,
            Align::Center,
            Align::Center,
            Align::Center,
            Align::Left,
            Align::Left,
            Align::Left,
        ],
        header,
        rows,
    }
}
