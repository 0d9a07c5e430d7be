//! SummaryWriter assessment packets (年度考核材料): per station a PDF with the score
//! sheet, 六有 checklist, quarterly submission record, activities, research
//! reports, problem and need closure, grade and signature lines; one combined
//! PDF with a cover, a table of contents with page numbers, page numbers
//! running through, each station on a new page, and the workroom ranking;
//! and an XLSX score sheet for all stations.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rust_xlsxwriter::Workbook;
use serde_json::json;

use super::model::{Assessment, Ranked};
use super::words::{basis_words, ranking_words};
use crate::error::Error;
use crate::numbers;
use crate::output::write_atomic;
use crate::period::chinese_date;
use crate::render::docx;
use crate::render::pdf::{self, Align, Block, Cell, Document, Style, Table};
use crate::render::xlsx::{self, Styles};
use crate::reports::orders::{in_order, Orders};
use crate::reports::status::render::StatusWriter;
use crate::reports::summary::SummaryReport;
use crate::wording::Texts;

pub const WORDING: &str = include_str!("../../../templates/packet.toml");

/// How many workrooms are recommended.
pub const RECOMMENDED: usize = 3;

pub struct PacketWriter {
    texts: Texts,
    status: StatusWriter,
    orders: Orders,
    /// The page number at the foot (`[documents] page_numbers`, else the wording's).
    footer: String,
}

fn table(headers: &[String], widths: &[f32], align: &[Align], rows: Vec<Vec<String>>) -> Block {
    Block::Table(Table {
        widths: widths.to_vec(),
        align: align.to_vec(),
        header: vec![headers.iter().map(|h| Cell::new(h.as_str())).collect()],
        rows: rows
            .into_iter()
            .map(|r| r.into_iter().map(Cell::new).collect())
            .collect(),
    })
}

use Align::{Center as C, Left as L, Right as R};

impl PacketWriter {
    pub fn new(
        schema: &crate::schema::Schema,
        page_numbers: Option<&str>,
    ) -> Result<PacketWriter, Error> {
        let texts = Texts::parse("templates/packet.toml", WORDING)?;
        let footer = crate::render::document::page_numbers(&texts, page_numbers)?;
        Ok(PacketWriter {
            texts,
            status: StatusWriter::new()?,
            orders: Orders::new(schema),
            footer,
        })
    }

    fn t(&self, key: &str) -> Result<String, Error> {
        Ok(self.texts.plain(key)?)
    }

    /// One station's pages.
    pub fn station_blocks(
        &self,
        centre: &str,
        r: &SummaryReport,
        a: &Assessment,
    ) -> Result<Vec<Block>, Error> {
        let vars = json!({ "name": r.name, "year": r.year, "centre": centre });
        let mut b = vec![
            Block::Title(self.texts.render("station_title", &vars)?),
            Block::Subtitle(self.texts.render("station_subtitle", &vars)?),
        ];
        b.extend(self.score_blocks(a)?);
        b.extend(self.six_blocks(r)?);
        b.extend(self.quarter_blocks(r)?);
        b.extend(self.activity_blocks(r)?);
        b.extend(self.result_blocks(r)?);
        b.extend(self.case_blocks(r)?);
        b.extend(self.grade_blocks(a)?);
        Ok(b)
    }

    /// The score sheet, with its total row.
    fn score_blocks(&self, a: &Assessment) -> Result<Vec<Block>, Error> {
        let mut b = vec![Block::Heading(self.t("h_scores")?)];
        let mut rows: Vec<Vec<String>> = a
            .scores
            .iter()
            .map(|s| {
                Ok(vec![
                    s.item.clone(),
                    format!("{}", s.weight),
                    format!("{:.1}", s.score),
                    basis_words(&s.basis)?,
                ])
            })
            .collect::<Result<_, Error>>()?;
        rows.push(vec![
            self.t("total_row")?,
            "100".into(),
            format!("{:.1}", a.total),
            a.grade.clone(),
        ]);
        b.push(table(
            &self.texts.list("score_headers")?,
            &[3.2, 0.8, 0.8, 4.2],
            &[L, R, R, L],
            rows,
        ));
        Ok(b)
    }

    /// The 六有 checklist.
    fn six_blocks(&self, r: &SummaryReport) -> Result<Vec<Block>, Error> {
        let mut b = vec![Block::Heading(self.t("h_six")?)];
        let six = r
            .six_haves
            .iter()
            .map(|c| {
                Ok(vec![
                    c.name.clone(),
                    self.t(if c.ok { "ok" } else { "not_ok" })?,
                    crate::reports::six_haves::evidence(c)?,
                ])
            })
            .collect::<Result<_, Error>>()?;
        b.push(table(
            &self.texts.list("six_headers")?,
            &[1.5, 1.0, 5.0],
            &[L, C, L],
            six,
        ));
        Ok(b)
    }

    /// The quarterly submission record.
    fn quarter_blocks(&self, r: &SummaryReport) -> Result<Vec<Block>, Error> {
        let mut b = vec![Block::Heading(self.t("h_quarters")?)];
        let quarters = r
            .own_quarters
            .iter()
            .map(|(p, u)| {
                let [submitted, timely, result] = self.status.words(u)?;
                let when = u
                    .newest_received
                    .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_default();
                Ok(vec![p.chinese(), submitted, when, timely, result])
            })
            .collect::<Result<_, Error>>()?;
        b.push(table(
            &self.texts.list("quarter_headers")?,
            &[2.0, 1.0, 2.0, 1.0, 1.6],
            &[L, C, C, C, L],
            quarters,
        ));
        Ok(b)
    }

    /// The activities: counts by type, then the station's own list.
    fn activity_blocks(&self, r: &SummaryReport) -> Result<Vec<Block>, Error> {
        let y = &r.total;
        let mut b = vec![Block::Heading(self.t("h_activities")?)];
        b.push(Block::Paragraph(self.texts.render(
            "activities",
            &json!({ "five": r.own_five_kinds, "total": y.activities.count, "people": y.activities.participants }),
        )?));
        let types = in_order(&y.activities.by_type, &self.orders.activity_type)
            .into_iter()
            .map(|(k, n)| vec![k.to_string(), n.to_string()])
            .collect();
        b.push(Block::Heading2(self.t("activity_types")?));
        b.push(table(
            &self.texts.list("activity_headers")?,
            &[3.0, 1.0],
            &[L, R],
            types,
        ));
        b.push(Block::Heading2(self.t("activity_list")?));
        if r.own_activities.is_empty() {
            b.push(Block::Paragraph(self.t("none_listed")?));
        } else {
            let rows = r
                .own_activities
                .iter()
                .map(|a| {
                    let people = a.people.map(|p| p.to_string()).unwrap_or_default();
                    vec![
                        a.date.clone(),
                        a.name.clone(),
                        a.kind.clone(),
                        a.detail.clone(),
                        people,
                    ]
                })
                .collect();
            b.push(table(
                &self.texts.list("activity_list_headers")?,
                &[1.4, 4.0, 1.2, 1.0, 1.0],
                &[C, L, C, C, R],
                rows,
            ));
        }
        Ok(b)
    }

    /// The research reports and other achievements.
    fn result_blocks(&self, r: &SummaryReport) -> Result<Vec<Block>, Error> {
        let y = &r.total;
        let mut b = vec![Block::Heading(self.t("h_results")?)];
        b.push(Block::Paragraph(self.texts.render(
            "results",
            &json!({ "research": r.own_research_reports, "achievements": y.achievements.count }),
        )?));
        if r.own_achievements.is_empty() {
            b.push(Block::Paragraph(self.t("none_listed")?));
        } else {
            let rows = r
                .own_achievements
                .iter()
                .map(|a| {
                    vec![
                        a.date.clone(),
                        a.name.clone(),
                        a.kind.clone(),
                        a.detail.clone(),
                    ]
                })
                .collect();
            b.push(table(
                &self.texts.list("achievement_list_headers")?,
                &[1.4, 4.4, 1.2, 1.0],
                &[C, L, C, C],
                rows,
            ));
        }
        Ok(b)
    }

    /// Problem and need closure.
    fn case_blocks(&self, r: &SummaryReport) -> Result<Vec<Block>, Error> {
        let y = &r.total;
        Ok(vec![
            Block::Heading(self.t("h_cases")?),
            Block::Paragraph(self.texts.render(
                "cases",
                &json!({
                    "p": y.problems,
                    "n": y.needs,
                    "p_rate": y.problems.closure_rate.value().map(numbers::rate),
                    "n_rate": y.needs.satisfaction_rate.value().map(numbers::rate),
                }),
            )?),
        ])
    }

    /// The grade and the signature lines.
    fn grade_blocks(&self, a: &Assessment) -> Result<Vec<Block>, Error> {
        Ok(vec![
            Block::Heading(self.t("h_grade")?),
            Block::Paragraph(self.texts.render(
                "grade",
                &json!({ "total": format!("{:.1}", a.total), "grade": a.grade }),
            )?),
            Block::Space(24.0),
            Block::Line(self.t("signatures")?),
            Block::Space(12.0),
            Block::Line(self.t("sign_date")?),
        ])
    }

    fn ranking_blocks(&self, year: i32, ranked: &[Ranked]) -> Result<Vec<Block>, Error> {
        let top = RECOMMENDED.min(ranked.len());
        let mut b = vec![
            Block::Title(self.texts.render("demo_title", &json!({ "year": year }))?),
            Block::Paragraph(
                self.texts
                    .render("demo_intro", &json!({ "n": ranked.len(), "top": top }))?,
            ),
        ];
        let yes = self.t("demo_yes")?;
        let rows = ranked
            .iter()
            .enumerate()
            .map(|(i, w)| {
                Ok(vec![
                    (i + 1).to_string(),
                    w.name.clone(),
                    format!("{:.1}", w.points),
                    ranking_words(&w.basis)?,
                    if i < top { yes.clone() } else { String::new() },
                ])
            })
            .collect::<Result<_, Error>>()?;
        b.push(table(
            &self.texts.list("demo_headers")?,
            &[0.6, 3.2, 0.8, 4.4, 0.8],
            &[C, L, R, L, C],
            rows,
        ));
        Ok(b)
    }

    fn document(
        &self,
        title: String,
        date: chrono::NaiveDate,
        blocks: Vec<Block>,
    ) -> Result<Document, Error> {
        Ok(Document {
            title,
            style: Style::Official,
            landscape: false,
            date,
            footer: self.footer.clone(),
            blocks,
        })
    }

    /// Write every packet file into `dir`; returns the paths written.
    pub fn write(
        &self,
        centre: &str,
        year: i32,
        stations: &[(&SummaryReport, Assessment)],
        ranked: &[Ranked],
        dir: &Path,
    ) -> Result<Vec<PathBuf>, Error> {
        let date = stations
            .iter()
            .map(|(r, _)| dated(r, year))
            .max()
            .unwrap_or_else(|| year_end(year));
        let mut written = self.station_files(centre, year, stations, dir)?;
        let vars = json!({ "centre": centre, "year": year, "date": chinese_date(date) });
        let path = dir.join(format!(
            "{}.pdf",
            crate::output::safe_file_name(&self.texts.render("combined_file", &vars)?)
        ));
        let combined = self.combined(centre, year, date, stations, ranked)?;
        write_atomic(&path, &pdf::render(&combined))?;
        written.push(path);
        let path = dir.join(format!(
            "{}.xlsx",
            crate::output::safe_file_name(&self.texts.render("scores_file", &vars)?)
        ));
        let words = self.score_words(&vars, stations, ranked)?;
        let mut book =
            score_book(year, stations, ranked, &words).map_err(|e| Error::xlsx(&path, e))?;
        xlsx::save(&mut book, &path)?;
        written.push(path);
        Ok(written)
    }

    /// Each station's packet as PDF, and as Word for the clerk to edit.
    fn station_files(
        &self,
        centre: &str,
        year: i32,
        stations: &[(&SummaryReport, Assessment)],
        dir: &Path,
    ) -> Result<Vec<PathBuf>, Error> {
        Ok(stations
            .par_iter()
            .map(|(r, a)| -> Result<[PathBuf; 2], Error> {
                let vars = json!({ "name": r.name, "year": year });
                let doc = self.document(
                    self.texts.render("station_title", &vars)?,
                    dated(r, year),
                    self.station_blocks(centre, r, a)?,
                )?;
                let path = dir.join(format!(
                    "{}.pdf",
                    crate::output::safe_file_name(&self.texts.render("station_file", &vars)?)
                ));
                write_atomic(&path, &pdf::render(&doc))?;
                let word = path.with_extension("docx");
                let bytes = docx::to_docx(&doc).map_err(|e| Error::docx(&word, e))?;
                write_atomic(&word, &bytes)?;
                Ok([path, word])
            })
            .collect::<Result<Vec<_>, Error>>()?
            .into_iter()
            .flatten()
            .collect())
    }

    /// The combined packet: a cover, the contents with page numbers, each
    /// station, the workroom ranking. Laid out once with blank page
    /// numbers, then again with them filled in.
    fn combined(
        &self,
        centre: &str,
        year: i32,
        date: chrono::NaiveDate,
        stations: &[(&SummaryReport, Assessment)],
        ranked: &[Ranked],
    ) -> Result<Document, Error> {
        let vars = json!({ "centre": centre, "year": year, "date": chinese_date(date) });
        let toc_entries: Vec<String> = stations
            .iter()
            .map(|(r, _)| r.name.clone())
            .chain(std::iter::once(self.texts.render("demo_title", &vars)?))
            .collect();
        let build = |pages: &[(String, usize)]| -> Result<Document, Error> {
            let mut blocks = vec![
                Block::Space(180.0),
                Block::Title(self.texts.render("cover_title", &vars)?),
                Block::Subtitle(self.texts.render("cover_subtitle", &vars)?),
                Block::PageBreak,
                Block::Title(self.t("toc")?),
                self.contents(&toc_entries, pages)?,
            ];
            // Printed on both sides, every station starts on a right-hand page.
            let blank = self.t("blank_page")?;
            for (r, a) in stations {
                blocks.push(Block::OddPage(blank.clone()));
                blocks.push(Block::Anchor(r.name.clone()));
                blocks.extend(self.station_blocks(centre, r, a)?);
            }
            blocks.push(Block::OddPage(blank));
            blocks.push(Block::Anchor(
                toc_entries.last().cloned().unwrap_or_default(),
            ));
            blocks.extend(self.ranking_blocks(year, ranked)?);
            self.document(self.texts.render("cover_title", &vars)?, date, blocks)
        };
        let pages = pdf::anchor_pages(&build(&[])?);
        build(&pages)
    }

    /// The table of contents: each entry with the page it starts on (blank
    /// until the pages are known).
    fn contents(&self, entries: &[String], pages: &[(String, usize)]) -> Result<Block, Error> {
        let rows = entries
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let page = pages
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, p)| p.to_string())
                    .unwrap_or_default();
                vec![(i + 1).to_string(), name.clone(), page]
            })
            .collect();
        Ok(table(
            &self.texts.list("toc_headers")?,
            &[0.8, 6.0, 1.0],
            &[C, L, R],
            rows,
        ))
    }
}

fn year_end(year: i32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default()
}

/// When a packet is dated: when its figures were complete (the last ledger
/// counted is received in January for a year's packet, not on 31 December).
fn dated(r: &SummaryReport, year: i32) -> chrono::NaiveDate {
    r.figures_complete.unwrap_or_else(|| year_end(year))
}

/// The words of the score workbook, from `templates/packet.toml`.
struct ScoreWords {
    /// Sheet names: scores (also the workbook's title), evidence, demonstration sites.
    sheets: [String; 3],
    /// The scores sheet: first column, then one per rubric item, then total and grade.
    station: String,
    items: Vec<String>,
    total_grade: [String; 2],
    evidence_headers: Vec<String>,
    /// What each station's scores rest on, in words, station by station.
    bases: Vec<Vec<String>>,
    /// What each ranked workroom's points rest on, in words.
    standings: Vec<String>,
    demo_title: String,
    demo_headers: Vec<String>,
}

impl PacketWriter {
    fn score_words(
        &self,
        vars: &serde_json::Value,
        stations: &[(&SummaryReport, Assessment)],
        ranked: &[Ranked],
    ) -> Result<ScoreWords, Error> {
        let items = stations
            .first()
            .map(|(_, a)| {
                a.scores
                    .iter()
                    .map(|x| {
                        self.texts.render(
                            "score_item",
                            // Display, so 30.0 reads "30" as elsewhere in the packet.
                            &json!({ "item": x.item, "weight": x.weight.to_string() }),
                        )
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?
            .unwrap_or_default();
        let [station, total, grade] = self.texts.list_of::<3>("scores_sheet_headers")?;
        let bases = stations
            .iter()
            .map(|(_, a)| a.scores.iter().map(|s| basis_words(&s.basis)).collect())
            .collect::<Result<Vec<Vec<String>>, Error>>()?;
        let standings = ranked
            .iter()
            .map(|w| ranking_words(&w.basis))
            .collect::<Result<Vec<String>, Error>>()?;
        Ok(ScoreWords {
            sheets: [
                self.t("scores_sheet")?,
                self.t("evidence_sheet")?,
                self.t("demo_sheet")?,
            ],
            station,
            items,
            total_grade: [total, grade],
            evidence_headers: self.texts.list("evidence_sheet_headers")?,
            bases,
            standings,
            demo_title: self.texts.render("demo_title", vars)?,
            demo_headers: self.texts.list("demo_sheet_headers")?,
        })
    }
}

/// 考核评分表: stations × items, then the evidence, then the ranking.
fn score_book(
    year: i32,
    stations: &[(&SummaryReport, Assessment)],
    ranked: &[Ranked],
    words: &ScoreWords,
) -> Result<Workbook, rust_xlsxwriter::XlsxError> {
    let s = Styles::new();
    let mut book = Workbook::new();
    xlsx::set_properties(
        &mut book,
        &words.sheets[0],
        chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default(),
    );
    let one_decimal = s.cell.clone().set_num_format("0.0");
    let sheet = book.add_worksheet();
    sheet.set_name(&words.sheets[0])?;
    sheet.write_string_with_format(0, 0, &words.station, &s.header)?;
    sheet.set_column_width(0, 30)?;
    for (c, item) in words.items.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16 + 1, item, &s.header)?;
        sheet.set_column_width(c as u16 + 1, 16)?;
    }
    let n = words.items.len() as u16;
    sheet.write_string_with_format(0, n + 1, &words.total_grade[0], &s.header)?;
    sheet.write_string_with_format(0, n + 2, &words.total_grade[1], &s.header)?;
    sheet.set_row_height(0, 48)?;
    for (r, (report, a)) in stations.iter().enumerate() {
        let row = r as u32 + 1;
        sheet.write_string_with_format(row, 0, &report.name, &s.cell)?;
        for (c, score) in a.scores.iter().enumerate() {
            sheet.write_number_with_format(row, c as u16 + 1, score.score, &one_decimal)?;
        }
        sheet.write_number_with_format(row, n + 1, a.total, &one_decimal)?;
        sheet.write_string_with_format(row, n + 2, &a.grade, &s.cell)?;
    }
    sheet.set_freeze_panes(1, 1)?;
    xlsx::print_setup(sheet, true, Some((0, 0)))?;

    let evidence = book.add_worksheet();
    evidence.set_name(&words.sheets[1])?;
    for (c, (h, w)) in words
        .evidence_headers
        .iter()
        .zip([30.0, 36.0, 8.0, 8.0, 60.0])
        .enumerate()
    {
        evidence.write_string_with_format(0, c as u16, h, &s.header)?;
        evidence.set_column_width(c as u16, w)?;
    }
    let mut row = 1;
    for ((report, a), bases) in stations.iter().zip(&words.bases) {
        for (score, basis) in a.scores.iter().zip(bases) {
            evidence.write_string_with_format(row, 0, &report.name, &s.cell)?;
            evidence.write_string_with_format(row, 1, &score.item, &s.wrap)?;
            evidence.write_number_with_format(row, 2, score.weight, &s.cell)?;
            evidence.write_number_with_format(row, 3, score.score, &one_decimal)?;
            evidence.write_string_with_format(row, 4, basis, &s.wrap)?;
            row += 1;
        }
    }
    evidence.set_freeze_panes(1, 0)?;
    xlsx::print_setup(evidence, true, Some((0, 0)))?;

    let demo = book.add_worksheet();
    demo.set_name(&words.sheets[2])?;
    demo.merge_range(0, 0, 0, 3, &words.demo_title, &s.title)?;
    for (c, (h, w)) in words
        .demo_headers
        .iter()
        .zip([8.0, 40.0, 10.0, 60.0])
        .enumerate()
    {
        demo.write_string_with_format(1, c as u16, h, &s.header)?;
        demo.set_column_width(c as u16, w)?;
    }
    for (i, (w, standing)) in ranked.iter().zip(&words.standings).enumerate() {
        let row = i as u32 + 2;
        demo.write_number_with_format(row, 0, (i + 1) as f64, &s.cell)?;
        demo.write_string_with_format(row, 1, &w.name, &s.cell)?;
        demo.write_number_with_format(row, 2, w.points, &one_decimal)?;
        demo.write_string_with_format(row, 3, standing, &s.wrap)?;
    }
    demo.set_freeze_panes(2, 0)?;
    xlsx::print_setup(demo, true, Some((1, 1)))?;
    Ok(book)
}
