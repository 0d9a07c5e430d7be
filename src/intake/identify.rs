//! Which unit and period a received file is: from its 封面, or failing that
//! from the file name, the email subject or the sender, with a warning.

use super::received::{Identity, Received};
use crate::archive::IdentifiedBy;
use crate::diagnostic::{Code, Diagnostic, Finding, Msg, Severity};
use crate::limits::Limits;
use crate::period::Period;
use crate::registry::Registry;
use crate::schema::Schema;
use crate::validate::{self, cover::period_in_file_name, Checked};

/// Identify and validate a received file.
pub(crate) fn identify(
    received: &Received,
    schema: &Schema,
    registry: &Registry,
    limits: &Limits,
) -> (Identity, Checked) {
    let mut checked = validate::validate(&received.bytes, &received.name, schema, registry, limits);
    // What makes it no readable workbook, if anything: the file-level finding.
    let unreadable = checked
        .diagnostics
        .iter()
        .find(|d| matches!(d.code, Code::UnreadableFile | Code::EncryptedFile) && d.sheet.is_none())
        .map(|d| d.message.clone());
    let workbook = unreadable.is_none();
    let mut unit = checked.cover.unit.clone();
    let mut period = checked.cover.period;
    let mut by = IdentifiedBy::Cover;
    if workbook && (unit.is_none() || period.is_none()) {
        let texts = [
            Some(received.name.as_str()),
            received.subject.as_deref(),
            received.sender.as_deref(),
        ];
        let found_unit = unit.clone().or_else(|| {
            texts
                .iter()
                .flatten()
                .find_map(|t| unit_named_in(registry, t))
        });
        let found_period =
            period.or_else(|| texts.iter().flatten().find_map(|t| period_in_file_name(t)));
        if let (Some(u), Some(p)) = (&found_unit, found_period) {
            checked
                .diagnostics
                .push(named(&received.name, registry, u, p));
            by = IdentifiedBy::Name;
        }
        unit = found_unit;
        period = found_period;
    }
    if !workbook || unit.is_none() || period.is_none() {
        by = IdentifiedBy::None;
    }
    let identity = Identity {
        unit,
        period,
        by,
        workbook,
        errors: checked.error_count(),
        warnings: checked.warning_count(),
        fill_date: checked.cover.fill_date,
        reason: unreadable,
    };
    (identity, checked)
}

/// The registry unit whose full name appears in `text` (the longest, if several).
fn unit_named_in(registry: &Registry, text: &str) -> Option<String> {
    registry
        .units()
        .iter()
        .filter(|u| text.contains(&u.name))
        .max_by_key(|u| u.name.chars().count())
        .map(|u| u.code.clone())
}

fn named(file: &str, registry: &Registry, unit: &str, period: Period) -> Diagnostic {
    let name = registry
        .unit(unit)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    Finding::new(Msg::IdentifiedByName)
        .severity(Severity::Warning)
        .arg("unit", name)
        .arg("period", period.chinese())
        .into_diagnostic(file)
}
