//! 人才风采 as PDF: the brochure (图册) set as an official document, a
//! cover of figures, then a section per station and a card per talent; and
//! the display board (展板), one A1 landscape page of the year's figures
//! and the featured talents. Wording in `templates/showcase.toml`.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::model::{Showcase, Talent};
use crate::error::Error;
use crate::output::write_atomic;
use crate::period::chinese_date;
use crate::render::pdf::{self, Align, Block, Cell, Document, Style, Table};
use crate::wording::Texts;

pub(crate) const WORDING: &str = include_str!("../../../templates/showcase.toml");

/// Talents a board has room for; the rest are in the brochure.
const BOARD_ROWS: usize = 12;
/// A 风采简介 on the board is cut to this many characters.
const BOARD_PROFILE: usize = 48;
/// Marks the board's end, to tell whether it kept to one sheet.
const END: &str = "board-end";

pub struct ShowcaseWriter {
    texts: Texts,
    /// The district's page numbers, when it keeps its own.
    page_numbers: Option<String>,
}

impl ShowcaseWriter {
    pub fn new(page_numbers: Option<String>) -> Result<ShowcaseWriter, Error> {
        Ok(ShowcaseWriter {
            texts: Texts::parse("templates/showcase.toml", WORDING)?,
            page_numbers,
        })
    }

    /// Write the brochure and the board of `s` into `dir`; their paths.
    pub fn write(
        &self,
        s: &Showcase,
        date: chrono::NaiveDate,
        dir: &Path,
    ) -> Result<(PathBuf, PathBuf), Error> {
        let vars = self.vars(s);
        let brochure = dir.join(format!(
            "{}.pdf",
            self.texts.render("file_brochure", &vars)?
        ));
        let board = dir.join(format!("{}.pdf", self.texts.render("file_board", &vars)?));
        write_atomic(&brochure, &pdf::render(&self.brochure(s, date)?))?;
        write_atomic(&board, &pdf::render(&self.board(s, date)?))?;
        Ok((brochure, board))
    }

    fn vars(&self, s: &Showcase) -> serde_json::Value {
        json!({
            "name": s.name,
            "year": s.year,
            "level": s.level_kind,
            "count": s.talents().count(),
            "as_of": chinese_date(s.as_of.end()),
            "f": s.figures,
        })
    }

    /// The brochure: cover, figures, then the sections.
    pub fn brochure(&self, s: &Showcase, date: chrono::NaiveDate) -> Result<Document, Error> {
        let t = &self.texts;
        let vars = self.vars(s);
        let title = t.render("title", &vars)?;
        let mut blocks = vec![
            Block::Title(title.clone()),
            Block::Subtitle(t.render("subtitle", &vars)?),
            Block::Space(24.0),
            Block::Paragraph(t.render("intro", &vars)?),
            Block::Paragraph(t.render("figures", &vars)?),
        ];
        let numerals = t.list("numerals")?;
        let numeral = |i: usize| {
            numerals
                .get(i)
                .cloned()
                .unwrap_or_else(|| (i + 1).to_string())
        };
        for (i, section) in s.sections.iter().enumerate() {
            blocks.push(Block::PageBreak);
            blocks.push(Block::Heading(format!("{}、{}", numeral(i), section.name)));
            for (j, talent) in section.talents.iter().enumerate() {
                blocks.push(Block::Heading2(format!(
                    "（{}）{}",
                    numeral(j),
                    talent.name
                )));
                blocks.push(Block::Table(self.card(talent)?));
                if let Some(profile) = &talent.profile {
                    blocks.push(Block::Paragraph(profile.clone()));
                }
            }
        }
        let footer = match &self.page_numbers {
            Some(p) => p.clone(),
            None => t.plain("footer_pdf")?,
        };
        Ok(Document {
            title,
            style: Style::Official,
            landscape: false,
            date,
            footer,
            blocks,
        })
    }

    /// One talent's facts, label by label; empty ones left out.
    fn card(&self, talent: &Talent) -> Result<Table, Error> {
        let t = &self.texts;
        let labels = t.list("labels")?;
        let titles: Vec<String> = [
            talent
                .key_talent
                .then(|| t.plain("key_talent"))
                .transpose()?,
            talent.deputy.clone(),
        ]
        .into_iter()
        .flatten()
        .collect();
        let values = [
            Some(talent.platform.clone()),
            talent.employer.clone(),
            talent.kind.clone(),
            talent.education.clone(),
            talent.qualification.clone(),
            (!titles.is_empty()).then(|| titles.join("、")),
            self.honours(talent)?,
        ];
        let rows = labels
            .into_iter()
            .zip(values)
            .filter_map(|(label, value)| Some(vec![Cell::new(label), Cell::new(value?)]))
            .collect();
        Ok(Table {
            widths: vec![1.0, 3.6],
            align: vec![Align::Center, Align::Left],
            header: Vec::new(),
            rows,
        })
    }

    /// The year's honours and achievements, one after another.
    fn honours(&self, talent: &Talent) -> Result<Option<String>, Error> {
        let lines = talent
            .honours
            .iter()
            .map(|h| {
                let vars = json!({
                    "date": chinese_date(h.date),
                    "name": h.name,
                    "kind": h.kind,
                    "level": h.level,
                });
                self.texts.render("honour", &vars)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok((!lines.is_empty()).then(|| lines.join("；")))
    }

    /// The board: title, the figures in one line, the featured talents.
    pub fn board(&self, s: &Showcase, date: chrono::NaiveDate) -> Result<Document, Error> {
        let t = &self.texts;
        let vars = self.vars(s);
        let title = t.render("board_title", &vars)?;
        let talents: Vec<&Talent> = s.talents().collect();
        let head = vec![
            Block::Title(title.clone()),
            Block::Subtitle(t.render("board_subtitle", &vars)?),
            Block::Space(6.0),
            Block::Heading(self.figure_line(&s.figures)?),
            Block::Heading(t.plain("board_heading")?),
        ];
        let board = |blocks: Vec<Block>| -> Result<Document, Error> {
            Ok(Document {
                title: title.clone(),
                style: Style::Poster,
                landscape: true,
                date,
                footer: t.plain("board_footer")?,
                blocks,
            })
        };
        if talents.is_empty() {
            let mut blocks = head;
            blocks.push(Block::Paragraph(t.plain("none_here")?));
            return board(blocks);
        }
        // As many as one sheet holds (long 风采简介 make taller rows).
        let mut shown = talents.len().min(BOARD_ROWS);
        loop {
            let mut blocks = head.clone();
            blocks.push(Block::Table(self.featured(&talents, shown)?));
            if talents.len() > shown {
                let more = json!({ "n": talents.len() - shown });
                blocks.push(Block::Paragraph(t.render("board_more", &more)?));
            }
            blocks.push(Block::Anchor(END.to_string()));
            let doc = board(blocks)?;
            let pages = pdf::anchor_pages(&doc);
            if shown == 1 || pages.iter().all(|(_, page)| *page == 1) {
                return Ok(doc);
            }
            shown -= 1;
        }
    }

    /// The year's figures in one line: 在库人才 527 人　　重点人才 73 人 …
    fn figure_line(&self, f: &super::model::KeyFigures) -> Result<String, Error> {
        let numbers = [
            f.talents,
            f.key_talents,
            f.activities,
            f.achievements,
            f.problems_solved,
            f.needs_met,
        ];
        let labels = self.texts.list("board_figures")?;
        let units = self.texts.list("board_units")?;
        let items: Vec<String> = labels
            .iter()
            .zip(numbers.iter().zip(&units))
            .map(|(label, (n, unit))| format!("{label} {n} {unit}"))
            .collect();
        Ok(items.join("\u{3000}\u{3000}"))
    }

    /// The board's table of talents: key talents and deputies first, then
    /// those with the most honours.
    fn featured(&self, talents: &[&Talent], shown: usize) -> Result<Table, Error> {
        let mut order: Vec<&&Talent> = talents.iter().collect();
        order.sort_by_key(|t| {
            (
                !(t.key_talent || t.deputy.is_some()),
                std::cmp::Reverse(t.honours.len()),
            )
        });
        let rows = order
            .into_iter()
            .take(shown)
            .map(|t| {
                let schooling = [t.education.clone(), t.qualification.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · ");
                let honours = t
                    .honours
                    .iter()
                    .map(|h| h.name.clone())
                    .collect::<Vec<_>>()
                    .join("；");
                let profile: String = t
                    .profile
                    .clone()
                    .unwrap_or_default()
                    .chars()
                    .take(BOARD_PROFILE)
                    .collect();
                Ok(vec![
                    Cell::new(t.name.clone()),
                    Cell::new(t.platform.clone()),
                    Cell::new(t.kind.clone().unwrap_or_default()),
                    Cell::new(schooling),
                    Cell::new(honours),
                    Cell::new(profile),
                ])
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(Table {
            widths: vec![0.9, 2.0, 1.2, 1.8, 2.6, 4.4],
            align: vec![
                Align::Center,
                Align::Left,
                Align::Center,
                Align::Left,
                Align::Left,
                Align::Left,
            ],
            header: vec![self
                .texts
                .list("board_headers")?
                .into_iter()
                .map(Cell::new)
                .collect()],
            rows,
        })
    }
}
