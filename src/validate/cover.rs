//! The 封面: which unit and period a workbook is, checked against the registry.

use regex::Regex;
use std::sync::OnceLock;

use super::checked::CoverInfo;
use crate::diagnostic::{Finding, Msg, Severity};
use crate::period::Period;
use crate::read::field::{self, Value};
use crate::read::submission::RawCover;
use crate::registry::Registry;
use crate::schema::{CoverKey, Schema};
use crate::text::match_key;

/// Read the cover's values, reporting what is wrong with them.
pub(crate) fn check(
    cover: Option<&RawCover>,
    file: &str,
    schema: &Schema,
    registry: &Registry,
    findings: &mut Vec<Finding>,
) -> CoverInfo {
    let mut info = CoverInfo::default();
    let Some(cover) = cover else {
        return info;
    };
    let mut name_cell = None;
    for (i, (field, cell)) in schema.cover.fields.iter().zip(&cover.cells).enumerate() {
        let Some(cell) = cell else { continue };
        let at = |f: Finding| {
            f.sheet(&cover.sheet)
                .cell(cell.row, cell.col)
                .column(field.name.clone())
        };
        let value = match field::parse(schema, field, &cell.value) {
            Ok(Some(v)) => v,
            Ok(None) => {
                if field.required {
                    findings.push(at(Finding::new(Msg::Required)));
                }
                continue;
            }
            Err(f) => {
                findings.push(at(f));
                continue;
            }
        };
        let text = value.display();
        match schema.cover.key_at(i) {
            Some(CoverKey::UnitCode) => match registry.unit(&text) {
                Some(unit) => info.unit = Some(unit.code.clone()),
                None => findings.push(at(Finding::new(Msg::UnitUnknown).value(text))),
            },
            Some(CoverKey::UnitName) => {
                info.unit_name = Some(text);
                name_cell = Some((cell.row, cell.col, field.name.clone()));
            }
            Some(CoverKey::Period) => match text.parse::<Period>() {
                Ok(p) => info.period = Some(p),
                Err(_) => findings.push(at(Finding::new(Msg::PeriodUnreadable).value(text))),
            },
            Some(CoverKey::Filler) => info.filler = Some(text),
            Some(CoverKey::Phone) => info.phone = Some(text),
            Some(CoverKey::FillDate) => info.fill_date = value_date(&value),
            _ => {}
        }
    }
    if let (Some(code), Some(name), Some((row, col, column))) =
        (&info.unit, &info.unit_name, name_cell)
    {
        let registered = registry.unit(code).map(|u| u.name.as_str()).unwrap_or("");
        if match_key(name) != match_key(registered) {
            findings.push(
                Finding::new(Msg::UnitNameMismatch)
                    .sheet(&cover.sheet)
                    .cell(row, col)
                    .column(column)
                    .value(name.clone())
                    .arg("code", code)
                    .arg("expected", registered),
            );
        }
    }
    if let (Some(period), Some(named)) = (info.period, period_in_file_name(file)) {
        if named != period {
            findings.push(
                Finding::new(Msg::PeriodMismatch)
                    .sheet(&cover.sheet)
                    .severity(Severity::Warning)
                    .value(period.chinese())
                    .arg("expected", named.chinese()),
            );
        }
    }
    info
}

fn value_date(v: &Value) -> Option<chrono::NaiveDate> {
    v.as_date()
}

/// A period written in a file name, such as `…2023年第三季度台账(1).xlsx`.
pub(crate) fn period_in_file_name(file: &str) -> Option<Period> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(\d{4})\s*(年\s*第?\s*[一二三四1-4]\s*季度|[-_]?[Qq][1-4])")
            .expect("valid pattern")
    });
    let name = std::path::Path::new(file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = crate::text::half_width(&name);
    let m = re.find(&name)?;
    m.as_str().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_in_messy_file_names() {
        let q3 = Period::new(2023, 3);
        assert_eq!(
            period_in_file_name("收件/罕台镇社工人才工作室2023年第三季度台账(1).xlsx"),
            q3
        );
        assert_eq!(period_in_file_name("台账_2023Q3_final.xls"), q3);
        assert_eq!(period_in_file_name("台账 2023-q3.xlsx"), q3);
        assert_eq!(period_in_file_name("2023年3季度.ods"), q3);
        assert_eq!(period_in_file_name("台账.xlsx"), None);
    }
}
