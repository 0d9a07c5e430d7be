//! Parsing cells into typed values, coping with what real workbooks contain:
//! numbers and dates stored as text, full-width digits, thousands separators,
//! Excel serial dates, and text dates in every common Chinese office form.

use calamine::{Data, DataType};
use chrono::NaiveDate;

use crate::text::half_width;

/// Text of a cell as a person would read it (whole numbers without `.0`,
/// dates as `2023-07-15`). Empty for empty cells.
pub(crate) fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => format_number(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(_) | Data::DateTimeIso(_) => match cell.as_date() {
            Some(d) => d.format("%Y-%m-%d").to_string(),
            None => cell.to_string(),
        },
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("{e}"),
    }
}

/// [`cell_text`], borrowed from a text cell (no copy for the common case
/// of scanning many cells for a label).
pub(crate) fn cell_str(cell: &Data) -> std::borrow::Cow<'_, str> {
    match cell {
        Data::String(s) => std::borrow::Cow::Borrowed(s),
        other => std::borrow::Cow::Owned(cell_text(other)),
    }
}

/// A number as text, without a trailing `.0` for whole numbers.
pub(crate) fn format_number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Trimmed text exactly as typed (names and addresses keep their full-width
/// brackets); `None` when the cell is blank.
pub(crate) fn parse_text(cell: &Data) -> Option<String> {
    trimmed(cell).map(|t| t.into_owned())
}

/// [`parse_text`], borrowed from a text cell.
pub(crate) fn trimmed(cell: &Data) -> Option<std::borrow::Cow<'_, str>> {
    use std::borrow::Cow::{Borrowed, Owned};
    match cell_str(cell) {
        Borrowed(s) => Some(Borrowed(s.trim())),
        Owned(s) => Some(Owned(s.trim().to_string())),
    }
    .filter(|t| !t.is_empty())
}

/// Trimmed, NFKC-normalised text (full-width digits become ASCII), for values
/// that are numbers, dates or codes in disguise; `None` when blank.
pub(crate) fn parse_normalised(cell: &Data) -> Option<String> {
    let text = half_width(&cell_str(cell));
    (!text.is_empty()).then_some(text)
}

/// Why a cell could not be read as the wanted type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum BadCell {
    /// The cell holds an Excel error value such as `#N/A`.
    ErrorValue(String),
    /// The cell holds something that is not of the wanted type.
    NotThisType(String),
}

/// Parse a date from an Excel date cell, a serial number, or text in the forms
/// `2023-03-05`, `2023/3/5`, `2023.3.5`, `2023年3月5日`, `20230305`
/// (optionally followed by a time).
pub(crate) fn parse_date(cell: &Data) -> Result<Option<NaiveDate>, BadCell> {
    match cell {
        Data::Empty => Ok(None),
        Data::DateTime(_) | Data::DateTimeIso(_) => cell
            .as_date()
            .map(Some)
            .ok_or_else(|| BadCell::NotThisType(cell_text(cell))),
        Data::Float(f) => date_from_number(*f).map(Some),
        Data::Int(i) => date_from_number(*i as f64).map(Some),
        Data::Error(e) => Err(BadCell::ErrorValue(format!("{e}"))),
        _ => match parse_normalised(cell) {
            None => Ok(None),
            Some(text) => date_from_text(&text)
                .map(Some)
                .ok_or(BadCell::NotThisType(text)),
        },
    }
}

/// A number in a date column: `20230305` typed as a number, or an Excel serial.
fn date_from_number(f: f64) -> Result<NaiveDate, BadCell> {
    let bad = || BadCell::NotThisType(format_number(f));
    if f.fract() != 0.0 {
        return Err(bad());
    }
    if (19_000_101.0..=29_991_231.0).contains(&f) {
        return ymd_digits(&format!("{}", f as i64)).ok_or_else(bad);
    }
    // Excel's 1900 date system: serial 1 is 1900-01-01, and 60 is the fictitious
    // 1900-02-29, so serials from 61 on count from 1899-12-30.
    if (61.0..=401_768.0).contains(&f) {
        let base = NaiveDate::from_ymd_opt(1899, 12, 30).ok_or_else(bad)?;
        return base
            .checked_add_days(chrono::Days::new(f as u64))
            .ok_or_else(bad);
    }
    Err(bad())
}

fn ymd_digits(s: &str) -> Option<NaiveDate> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::from_ymd_opt(
        s[..4].parse().ok()?,
        s[4..6].parse().ok()?,
        s[6..].parse().ok()?,
    )
}

/// Parse text dates. The input is already NFKC-normalised.
pub(crate) fn date_from_text(text: &str) -> Option<NaiveDate> {
    // Drop a time part: "2023-03-05 00:00:00", "2023-03-05T00:00".
    let date_part = text.split([' ', 'T']).next().unwrap_or(text);
    if let Some(d) = ymd_digits(date_part) {
        return Some(d);
    }
    let unified: String = date_part
        .trim_end_matches('日')
        .chars()
        .map(|c| match c {
            '年' | '月' | '/' | '.' => '-',
            other => other,
        })
        .collect();
    let mut parts = unified.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || y.len() != 4
        || m.is_empty()
        || d.is_empty()
        || m.len() > 2
        || d.len() > 2
    {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// Parse a number from a numeric cell or from text such as ` 2,045 `, `１２３`
/// or `300元`.
pub(crate) fn parse_number(cell: &Data) -> Result<Option<f64>, BadCell> {
    match cell {
        Data::Empty => Ok(None),
        Data::Float(f) => Ok(Some(*f)),
        Data::Int(i) => Ok(Some(*i as f64)),
        Data::Error(e) => Err(BadCell::ErrorValue(format!("{e}"))),
        _ => match parse_normalised(cell) {
            None => Ok(None),
            Some(text) => number_from_text(&text)
                .map(Some)
                .ok_or(BadCell::NotThisType(text)),
        },
    }
}

/// Numbers typed as text. The input is already NFKC-normalised.
pub(crate) fn number_from_text(text: &str) -> Option<f64> {
    let cleaned: String = text
        .trim_end_matches('元')
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '¥' | '￥'))
        .collect();
    if cleaned.is_empty()
        || !cleaned
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
    {
        return None;
    }
    cleaned.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Parse a whole number. Fractions are a type error.
pub(crate) fn parse_integer(cell: &Data) -> Result<Option<i64>, BadCell> {
    match parse_number(cell)? {
        None => Ok(None),
        Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => Ok(Some(f as i64)),
        Some(_) => Err(BadCell::NotThisType(cell_text(cell))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn every_text_date_form_parses() {
        for s in [
            "2023-03-05",
            "2023/3/5",
            "2023.3.5",
            "2023年3月5日",
            "20230305",
            "２０２３年３月５日",
            " 2023-03-05 00:00:00 ",
        ] {
            assert_eq!(
                parse_date(&Data::String(s.into())),
                Ok(d(2023, 3, 5)),
                "{s}"
            );
        }
    }

    #[test]
    fn numbers_in_date_columns() {
        assert_eq!(parse_date(&Data::Float(45000.0)), Ok(d(2023, 3, 15)));
        assert_eq!(parse_date(&Data::Int(20230305)), Ok(d(2023, 3, 5)));
        assert!(parse_date(&Data::Float(45000.5)).is_err());
    }

    #[test]
    fn bad_dates_are_reported_with_the_text() {
        for s in ["2023-02-30", "2023年3月", "昨天", "23-3-5"] {
            assert!(
                matches!(
                    parse_date(&Data::String(s.into())),
                    Err(BadCell::NotThisType(_))
                ),
                "{s}"
            );
        }
        assert_eq!(parse_date(&Data::String("  ".into())), Ok(None));
    }

    #[test]
    fn numbers_stored_as_text() {
        assert_eq!(
            parse_number(&Data::String(" 2,045 ".into())),
            Ok(Some(2045.0))
        );
        assert_eq!(
            parse_number(&Data::String("１２３".into())),
            Ok(Some(123.0))
        );
        assert_eq!(
            parse_number(&Data::String("300.50元".into())),
            Ok(Some(300.5))
        );
        assert!(parse_number(&Data::String("三百".into())).is_err());
        assert_eq!(parse_integer(&Data::String("00123".into())), Ok(Some(123)));
        assert!(parse_integer(&Data::Float(1.5)).is_err());
    }

    #[test]
    fn text_of_whole_numbers_has_no_fraction() {
        assert_eq!(cell_text(&Data::Float(1001.0)), "1001");
        assert_eq!(cell_text(&Data::Float(1.25)), "1.25");
    }
}
