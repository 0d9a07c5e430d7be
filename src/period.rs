//! Reporting periods: quarters such as 2023年第三季度 (`2023Q3`).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::text::half_width;

/// One calendar quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i32,
    pub quarter: u8,
}

const QUARTER_NAMES: [&str; 4] = ["一", "二", "三", "四"];

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("无法识别的报送期“{0}”，应为如“2023年第三季度”或“2023Q3”的形式")]
pub struct PeriodParseError(pub String);

impl Period {
    pub fn new(year: i32, quarter: u8) -> Option<Period> {
        ((1..=4).contains(&quarter) && (1900..=2999).contains(&year))
            .then_some(Period { year, quarter })
    }

    /// The quarter a date falls in.
    pub fn of_date(date: NaiveDate) -> Period {
        Period {
            year: date.year(),
            quarter: (date.month0() / 3 + 1) as u8,
        }
    }

    pub fn start(self) -> NaiveDate {
        let month = u32::from(self.quarter - 1) * 3 + 1;
        NaiveDate::from_ymd_opt(self.year, month, 1).expect("quarter start is a valid date")
    }

    pub fn end(self) -> NaiveDate {
        let next = self.next().start();
        next.pred_opt().expect("a quarter end exists")
    }

    /// The first day of the half-year the quarter is in.
    pub fn half_start(self) -> NaiveDate {
        Period {
            quarter: if self.quarter > 2 { 3 } else { 1 },
            ..self
        }
        .start()
    }

    /// The submission deadline: `days` days after the quarter ends.
    pub fn deadline(self, days: u32) -> NaiveDate {
        self.end() + Days::new(u64::from(days))
    }

    pub fn next(self) -> Period {
        if self.quarter == 4 {
            Period {
                year: self.year + 1,
                quarter: 1,
            }
        } else {
            Period {
                year: self.year,
                quarter: self.quarter + 1,
            }
        }
    }

    pub fn previous(self) -> Period {
        if self.quarter == 1 {
            Period {
                year: self.year - 1,
                quarter: 4,
            }
        } else {
            Period {
                year: self.year,
                quarter: self.quarter - 1,
            }
        }
    }

    /// `2023Q3`, the form used in flags and folder names.
    pub fn code(self) -> String {
        format!("{}Q{}", self.year, self.quarter)
    }

    /// `2023年第三季度`, the form printed on covers and reports.
    pub fn chinese(self) -> String {
        format!(
            "{}年第{}季度",
            self.year,
            QUARTER_NAMES[usize::from(self.quarter - 1)]
        )
    }
}

/// What a summary covers: a whole year, or one half of it (1 or 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub year: i32,
    pub half: Option<u8>,
}

impl Span {
    pub fn year(year: i32) -> Span {
        Span { year, half: None }
    }

    pub fn half(year: i32, half: u8) -> Option<Span> {
        (1..=2).contains(&half).then_some(Span {
            year,
            half: Some(half),
        })
    }

    /// Its quarters, in order.
    pub fn quarters(self) -> Vec<Period> {
        let (first, last) = match self.half {
            None => (1, 4),
            Some(1) => (1, 2),
            Some(_) => (3, 4),
        };
        (first..=last)
            .map(|quarter| Period {
                year: self.year,
                quarter,
            })
            .collect()
    }

    pub fn contains(self, p: Period) -> bool {
        self.quarters().contains(&p)
    }

    /// Its first day.
    pub fn start(self) -> NaiveDate {
        self.quarters()[0].start()
    }

    /// The same span a year earlier.
    pub fn year_before(self) -> Span {
        Span {
            year: self.year - 1,
            ..self
        }
    }
}

/// One calendar month, such as `2023-08` (the monthly dispatch sheet's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("无法识别的月份“{0}”，应为如“2023-08”或“2023年8月”的形式")]
pub struct MonthParseError(pub String);

impl Month {
    pub fn of_date(d: NaiveDate) -> Month {
        Month {
            year: d.year(),
            month: d.month(),
        }
    }

    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a month's first day exists")
    }

    pub fn end(self) -> NaiveDate {
        let next = if self.month == 12 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, self.month + 1, 1)
        };
        next.and_then(|d| d.pred_opt())
            .expect("a month's last day exists")
    }

    /// The quarter it is in.
    pub fn period(self) -> Period {
        Period::of_date(self.start())
    }

    /// `2023-08`, the form used in flags and file names.
    pub fn code(self) -> String {
        format!("{}-{:02}", self.year, self.month)
    }

    /// `2023年8月`.
    pub fn chinese(self) -> String {
        format!("{}年{}月", self.year, self.month)
    }
}

/// A period or month as typed, half-width and without spaces.
fn squeezed(input: &str) -> String {
    half_width(input)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

impl FromStr for Month {
    type Err = MonthParseError;

    /// Accepts `2023-08`, `2023-8`, `2023年8月`, full-width digits.
    fn from_str(input: &str) -> Result<Month, MonthParseError> {
        let err = || MonthParseError(input.to_string());
        let s = squeezed(input);
        let s = s.strip_suffix('月').unwrap_or(&s);
        let (year, month) = s
            .split_once('-')
            .or_else(|| s.split_once('年'))
            .ok_or_else(err)?;
        let year: i32 = year.parse().map_err(|_| err())?;
        let month: u32 = month.parse().map_err(|_| err())?;
        ((1..=12).contains(&month) && (1900..=2999).contains(&year))
            .then_some(Month { year, month })
            .ok_or_else(err)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.chinese())
    }
}

impl FromStr for Period {
    type Err = PeriodParseError;

    /// Accepts `2023年第三季度`, `2023Q3`, `2023-Q3`, `2023年3季度`, `2023年第3季度`,
    /// full-width digits and stray spaces.
    fn from_str(input: &str) -> Result<Period, PeriodParseError> {
        let err = || PeriodParseError(input.to_string());
        let s = squeezed(input).to_uppercase();
        let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
        if digits.len() != 4 {
            return Err(err());
        }
        let year: i32 = digits.parse().map_err(|_| err())?;
        let rest = &s[digits.len()..];
        let rest = rest
            .strip_prefix('年')
            .or_else(|| rest.strip_prefix('-'))
            .or_else(|| rest.strip_prefix('_'))
            .unwrap_or(rest);
        let rest = rest.strip_prefix('Q').unwrap_or(rest);
        let rest = rest.strip_prefix('第').unwrap_or(rest);
        let rest = rest.strip_suffix("季度").unwrap_or(rest);
        let quarter = match rest {
            "1" | "一" => 1,
            "2" | "二" => 2,
            "3" | "三" => 3,
            "4" | "四" => 4,
            _ => return Err(err()),
        };
        Period::new(year, quarter).ok_or_else(err)
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Period, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A date as a day number (days since 1970-01-01): how dates travel through
/// the extracts and the aggregation frames.
pub fn day(d: NaiveDate) -> i32 {
    (d - epoch()).num_days() as i32
}

/// The date of a day number.
pub fn date_of(day: i32) -> NaiveDate {
    epoch() + chrono::Duration::days(i64::from(day))
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid epoch")
}

/// The wall-clock time in China (UTC+8) of a dated email: what deadlines
/// are counted in.
pub fn china_time(d: chrono::DateTime<chrono::FixedOffset>) -> chrono::NaiveDateTime {
    let cst = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    d.with_timezone(&cst).naive_local()
}

/// A day as a Chinese document writes it: 2025年1月8日.
pub fn chinese_date(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_accepted_spelling_parses() {
        let q3 = Period::new(2023, 3).unwrap();
        for s in [
            "2023年第三季度",
            "2023Q3",
            "2023-Q3",
            "2023年3季度",
            "2023年第3季度",
            "２０２３ｑ３",
            " 2023 年 第三 季度 ",
        ] {
            assert_eq!(s.parse::<Period>(), Ok(q3), "{s}");
        }
        for s in ["2023", "2023Q5", "23Q3", "2023年第五季度", "第三季度", ""] {
            assert!(s.parse::<Period>().is_err(), "{s}");
        }
    }

    #[test]
    fn a_half_year_has_its_two_quarters_and_starts_on_its_first_day() {
        let h2 = Span::half(2023, 2).unwrap();
        let q = |quarter| Period::new(2023, quarter).unwrap();
        assert_eq!(h2.quarters(), vec![q(3), q(4)]);
        assert!(h2.contains(q(4)) && !h2.contains(q(2)));
        assert_eq!(h2.start(), NaiveDate::from_ymd_opt(2023, 7, 1).unwrap());
        assert_eq!(q(4).half_start(), h2.start());
        assert_eq!(
            q(2).half_start(),
            NaiveDate::from_ymd_opt(2023, 1, 1).unwrap()
        );
        assert_eq!(Span::year(2023).quarters().len(), 4);
        assert_eq!(Span::half(2023, 1).unwrap().year_before().year, 2022);
        assert!(Span::half(2023, 3).is_none());
    }

    #[test]
    fn a_month_parses_and_knows_its_days_and_quarter() {
        let aug = Month {
            year: 2023,
            month: 8,
        };
        for s in ["2023-08", "2023-8", "2023年8月", "２０２３－０８"] {
            assert_eq!(s.parse::<Month>(), Ok(aug), "{s}");
        }
        for s in ["2023-13", "2023", "08-2023", ""] {
            assert!(s.parse::<Month>().is_err(), "{s}");
        }
        assert_eq!(aug.end(), NaiveDate::from_ymd_opt(2023, 8, 31).unwrap());
        assert_eq!(aug.period(), Period::new(2023, 3).unwrap());
        let dec = Month {
            year: 2023,
            month: 12,
        };
        assert_eq!(dec.end(), NaiveDate::from_ymd_opt(2023, 12, 31).unwrap());
        assert_eq!(aug.code(), "2023-08");
    }

    #[test]
    fn quarter_bounds_and_deadline() {
        let q = Period::new(2024, 1).unwrap();
        assert_eq!(q.end(), NaiveDate::from_ymd_opt(2024, 3, 31).unwrap());
        assert_eq!(
            q.previous().end(),
            NaiveDate::from_ymd_opt(2023, 12, 31).unwrap()
        );
        assert_eq!(
            q.deadline(10),
            NaiveDate::from_ymd_opt(2024, 4, 10).unwrap()
        );
        assert_eq!(q.chinese(), "2024年第一季度");
        assert_eq!(Period::of_date(q.end()), q);
    }
}
