//! The monthly dispatch sheet (月调度表) as PDF (landscape, a page per
//! sheet where it fits) and XLSX (a summary sheet of the stations, then a
//! sheet per station with its workrooms). Wording in `templates/monthly.toml`.

use serde_json::json;

use super::model::{MonthlyReport, MonthlyRow};
use crate::error::Error;
use crate::period::chinese_date;
use crate::reports::doc::{Piece, ReportDoc, SimpleTable, Val};
use crate::wording::Texts;

pub(crate) const WORDING: &str = include_str!("../../../templates/monthly.toml");

/// Column widths: the unit, eight figures, the targets and who has not sent.
const WIDTHS: [f32; 10] = [3.4, 1.0, 1.1, 3.8, 1.0, 1.0, 1.0, 1.0, 1.1, 2.2];

/// Where the targets stand in a row.
const TARGETS_COLUMN: usize = 3;

pub(crate) struct MonthlyWriter {
    texts: Texts,
}

impl MonthlyWriter {
    pub(crate) fn new() -> Result<MonthlyWriter, Error> {
        Ok(MonthlyWriter {
            texts: Texts::parse("templates/monthly.toml", WORDING)?,
        })
    }

    fn vars(&self, r: &MonthlyReport) -> serde_json::Value {
        let received = r
            .received_until
            .as_deref()
            .and_then(|d| d.parse().ok())
            .map(chinese_date);
        json!({
            "centre": r.centre.name,
            "month": r.month.chinese(),
            "month_code": r.month.code(),
            "period": r.period.chinese(),
            "received": received,
        })
    }

    pub(crate) fn file_stem(&self, r: &MonthlyReport) -> Result<String, Error> {
        Ok(self.texts.render("file_stem", &self.vars(r))?)
    }

    pub(crate) fn build(&self, r: &MonthlyReport) -> Result<ReportDoc, Error> {
        let vars = self.vars(r);
        let stations: Vec<&MonthlyRow> = r.stations.iter().map(|s| &s.station).collect();
        let rows = self.closed_rows(&r.centre_own, "own_centre", &stations, &r.centre)?;
        let mut pieces = vec![
            Piece::Paragraph(self.texts.render("lead", &vars)?),
            Piece::Table(self.table(self.texts.plain("summary_name")?, rows)?),
        ];
        for s in &r.stations {
            let workrooms: Vec<&MonthlyRow> = s.workrooms.iter().collect();
            let rows = self.closed_rows(&s.own, "own_station", &workrooms, &s.station)?;
            pieces.push(Piece::PageBreak);
            let heading = json!({ "name": s.station.name });
            pieces.push(Piece::Heading(
                self.texts.render("station_heading", &heading)?,
            ));
            pieces.push(Piece::Table(self.table(s.station.name.clone(), rows)?));
        }
        Ok(ReportDoc {
            title: self.texts.render("title", &vars)?,
            subtitle: self.texts.render("subtitle", &vars)?,
            date: r.month.end(),
            footer: self.texts.plain("footer_pdf")?,
            landscape: true,
            style: crate::render::pdf::Style::Report,
            issuer: None,
            pieces,
        })
    }

    /// A table's rows that its total closes: the unit's own work first
    /// (中心本级, 本站), then the units below it, then the total of them all,
    /// so that every column adds up. The unit's own targets stand on its own
    /// row; a total has none.
    fn closed_rows(
        &self,
        own: &MonthlyRow,
        own_key: &str,
        below: &[&MonthlyRow],
        total: &MonthlyRow,
    ) -> Result<Vec<Vec<Val>>, Error> {
        let mut rows = vec![self.row(own, &self.texts.plain(own_key)?, false)?];
        for b in below {
            let rolled = b.level_kind != crate::registry::Level::Workroom;
            rows.push(self.row(b, &b.name, rolled)?);
        }
        let name = self
            .texts
            .render("total_name", &json!({ "name": total.name }))?;
        let mut total = self.row(total, &name, true)?;
        total[TARGETS_COLUMN] = Val::Text(self.texts.plain("targets_none")?);
        rows.push(total);
        Ok(rows)
    }

    fn table(&self, name: String, rows: Vec<Vec<Val>>) -> Result<SimpleTable, Error> {
        Ok(SimpleTable {
            name,
            headers: self.texts.list("headers")?,
            widths: WIDTHS.to_vec(),
            rows,
            chart: None,
        })
    }

    /// One unit's row; `rolled` rows name who has not sent, a workroom's
    /// says whether it has.
    fn row(&self, r: &MonthlyRow, name: &str, rolled: bool) -> Result<Vec<Val>, Error> {
        let n = |v: u64| Val::Int(v as i64);
        let targets = r
            .targets
            .iter()
            .map(|t| self.texts.render("target_item", t))
            .collect::<Result<Vec<_>, _>>()?;
        let targets = if targets.is_empty() {
            self.texts.plain("targets_none")?
        } else {
            targets.join("；")
        };
        let not_sent = match (r.not_sent.len(), rolled) {
            (0, _) => self.texts.plain("not_sent_none")?,
            (_, false) => self.texts.plain("not_sent_self")?,
            (k, true) => self.texts.render(
                "not_sent_some",
                &json!({ "n": k, "names": r.not_sent.join("、") }),
            )?,
        };
        Ok(vec![
            Val::Text(name.to_string()),
            n(r.activities),
            n(r.activities_year_to_date),
            Val::Text(targets),
            n(r.problems_new),
            n(r.problems_closed),
            n(r.needs_new),
            n(r.needs_closed),
            n(r.open_over_30_days),
            Val::Text(not_sent),
        ])
    }
}
