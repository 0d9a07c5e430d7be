//! Who sends which workbook when: on time, late, missing a quarter, with a
//! mistake, or twice (a resubmission that corrects the first).

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};
use fastrand::Rng;

use crate::period::Period;
use crate::registry::{Level, Unit};
use crate::reports::template::content::{CellValue, Filled};
use crate::sample::corpus::Corpus;
use crate::sample::history::{History, Simulation};
use crate::schema::LedgerKey;

/// One workbook a unit sends.
#[derive(Debug, Clone)]
pub struct Submission {
    pub unit: String,
    pub period: Period,
    pub fill: Filled,
    /// When it was sent (the email's date).
    pub sent: NaiveDateTime,
    /// What is special about it, for the generator's own summary.
    pub note: &'static str,
}

/// The special cases of the sample, chosen from the registry's tree order so
/// another registry still gets them.
#[derive(Debug, Clone, Default)]
pub struct Cases {
    pub missing: Option<(String, Period)>,
    pub late: Option<(String, Period)>,
    pub bad_id_then_resubmitted: Option<(String, Period)>,
    pub missing_close_date: Option<(String, Period)>,
    pub text_dates: Option<(String, Period)>,
    pub unknown_talent: Option<(String, Period)>,
    /// Sent as `.xls`, saved by old Excel or WPS (see `sample::legacy`).
    pub legacy_xls: Option<(String, Period)>,
    pub short_of_activities: Vec<String>,
    pub no_report_first_year: Vec<String>,
}

impl Cases {
    pub fn choose(units: &[&Unit], periods: &[Period]) -> Cases {
        let rooms: Vec<&str> = units
            .iter()
            .filter(|u| u.level == Level::Workroom)
            .map(|u| u.code.as_str())
            .collect();
        let stations: Vec<&str> = units
            .iter()
            .filter(|u| u.level == Level::Station)
            .map(|u| u.code.as_str())
            .collect();
        let at = |i: usize, p: usize| -> Option<(String, Period)> {
            Some((
                rooms.get(i % rooms.len().max(1))?.to_string(),
                *periods.get(p.min(periods.len() - 1))?,
            ))
        };
        Cases {
            missing: at(4, 1),
            late: at(7, 2),
            bad_id_then_resubmitted: at(0, 1),
            missing_close_date: at(2, 4),
            text_dates: at(9, 2),
            unknown_talent: at(16, 5),
            legacy_xls: at(5, 6),
            short_of_activities: stations
                .get(2)
                .map(|s| vec![s.to_string()])
                .unwrap_or_default(),
            no_report_first_year: stations
                .get(3)
                .map(|s| vec![s.to_string()])
                .unwrap_or_default(),
        }
    }
}

/// Simulate every unit and list every workbook sent, in sending order.
pub fn generate(
    units: &[&Unit],
    periods: &[Period],
    seed: u64,
    scale: u32,
) -> (Vec<History>, Vec<Submission>, Cases) {
    let corpus = Corpus::load();
    let cases = Cases::choose(units, periods);
    let sim = Simulation {
        corpus: &corpus,
        periods,
        short_of_activities: &cases.short_of_activities,
        no_report_first_year: &cases.no_report_first_year,
        scale,
    };
    let histories: Vec<History> = units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let mut rng = Rng::with_seed(
                seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
                    .wrapping_add(i as u64),
            );
            sim.run(u, i, &mut rng)
        })
        .collect();
    let mut out = Vec::new();
    let mut rng = Rng::with_seed(seed ^ 0x5EED);
    for &period in periods {
        for h in &histories {
            let is =
                |c: &Option<(String, Period)>| c.as_ref() == Some(&(h.unit.code.clone(), period));
            if is(&cases.missing) {
                continue;
            }
            let days = if is(&cases.late) {
                16 + rng.u64(0..5)
            } else {
                2 + rng.u64(0..7)
            };
            let sent = at_office_hours(period.end() + Days::new(days), &mut rng);
            let fill = h.filled(period, sent.date());
            if is(&cases.bad_id_then_resubmitted) {
                let mut first = fill.clone();
                spoil_id_check_digit(&mut first);
                out.push(Submission {
                    unit: h.unit.code.clone(),
                    period,
                    fill: first,
                    sent,
                    note: "身份证号校验位错误",
                });
                let again = sent + chrono::Duration::days(2);
                let fixed = h.filled(period, again.date());
                out.push(Submission {
                    unit: h.unit.code.clone(),
                    period,
                    fill: fixed,
                    sent: again,
                    note: "更正后重新报送",
                });
                continue;
            }
            let mut fill = fill;
            let note = if is(&cases.missing_close_date) {
                drop_a_close_date(&mut fill, period);
                "已解决问题缺办结日期"
            } else if is(&cases.text_dates) {
                dates_as_text(&mut fill);
                "日期写成文本"
            } else if is(&cases.unknown_talent) {
                unknown_talent(&mut fill, period);
                "引用不存在的人才编号"
            } else if is(&cases.late) {
                "逾期报送"
            } else {
                ""
            };
            out.push(Submission {
                unit: h.unit.code.clone(),
                period,
                fill,
                sent,
                note,
            });
        }
    }
    out.sort_by(|a, b| a.sent.cmp(&b.sent).then_with(|| a.unit.cmp(&b.unit)));
    (histories, out, cases)
}

fn at_office_hours(date: NaiveDate, rng: &mut Rng) -> NaiveDateTime {
    let time = NaiveTime::from_hms_opt(8 + rng.u32(0..10), rng.u32(0..60), rng.u32(0..60))
        .unwrap_or_default();
    date.and_time(time)
}

fn spoil_id_check_digit(fill: &mut Filled) {
    let Some(row) = fill
        .ledgers
        .get_mut(&LedgerKey::Roster)
        .and_then(|r| r.first_mut())
    else {
        return;
    };
    if let Some(CellValue::Text(id)) = row.get_mut("身份证号") {
        let last = id.pop().unwrap_or('0');
        id.push(if last == '1' { '2' } else { '1' });
    }
}

/// The first problem row of the quarter, made up if the unit had none.
fn a_problem_row(
    fill: &mut Filled,
    period: Period,
) -> Option<&mut crate::reports::template::content::FilledRow> {
    let rows = fill.ledgers.entry(LedgerKey::Problems).or_default();
    if rows.is_empty() {
        let text = |s: &str| CellValue::Text(s.to_string());
        let row = [
            ("问题编号", text(&format!("WT{}999", period.year % 100))),
            ("登记日期", CellValue::Date(period.start() + Days::new(10))),
            ("问题类别", text("工作条件")),
            ("问题描述", text("活动室冬季供暖不足，影响开展活动")),
            ("办理层级", text("工作室")),
            ("办理状态", text("办理中")),
        ];
        rows.push(row.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
    }
    rows.first_mut()
}

/// A problem marked 已解决 with no 办结日期: a conditional-required error.
fn drop_a_close_date(fill: &mut Filled, period: Period) {
    let solved = CellValue::Text("已解决".into());
    if let Some(row) = fill
        .ledgers
        .get_mut(&LedgerKey::Problems)
        .and_then(|rows| rows.iter_mut().find(|r| r.get("办理状态") == Some(&solved)))
    {
        row.remove("办结日期");
        return;
    }
    if let Some(row) = a_problem_row(fill, period) {
        row.insert("办理状态".into(), solved);
        row.insert("处理措施".into(), CellValue::Text("已协调解决".into()));
        row.remove("办结日期");
    }
}

fn dates_as_text(fill: &mut Filled) {
    for rows in fill.ledgers.values_mut() {
        for row in rows {
            for value in row.values_mut() {
                if let CellValue::Date(d) = value {
                    *value = CellValue::Text(d.format("%Y/%-m/%-d").to_string());
                }
            }
        }
    }
}

/// A problem that names a talent not in the roster: a warning.
fn unknown_talent(fill: &mut Filled, period: Period) {
    if let Some(row) = a_problem_row(fill, period) {
        row.insert("人才编号".into(), CellValue::Text("RC-9999".into()));
    }
}
