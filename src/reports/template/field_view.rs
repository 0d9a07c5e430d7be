//! How fields are described to people: one view per sheet of the schema, shared
//! by the 填报说明 sheet of the templates and the README's field table.

use serde::Serialize;
use serde_json::json;

use crate::error::Error;
use crate::read::cell::format_number;
use crate::schema::{Check, Field, FieldType, Ledger, Rule, Schema};
use crate::wording::render_file;

pub(crate) const REQUIREMENTS: &str = include_str!("../../../templates/field_requirements.tera");

#[derive(Debug, Serialize)]
pub(crate) struct SheetView {
    pub name: String,
    pub fields: Vec<FieldView>,
}

#[derive(Debug, Serialize)]
pub(crate) struct FieldView {
    pub name: String,
    pub required: bool,
    pub type_label: String,
    /// Everything a person must know to fill the field in, in one sentence run.
    pub requirements: String,
}

/// The cover, the five ledgers and the registry, in that order.
pub(crate) fn all_sheets(schema: &Schema) -> Result<Vec<SheetView>, Error> {
    let mut out = vec![sheet(
        schema,
        &schema.cover.sheet,
        &schema.cover.fields,
        None,
    )?];
    out.extend(ledger_sheets(schema)?);
    out.push(sheet(
        schema,
        &schema.registry.sheet,
        &schema.registry.fields,
        None,
    )?);
    Ok(out)
}

/// The five ledgers.
pub(crate) fn ledger_sheets(schema: &Schema) -> Result<Vec<SheetView>, Error> {
    schema
        .ledgers
        .iter()
        .map(|l| sheet(schema, &l.name, &l.fields, Some(l)))
        .collect()
}

/// `ledger` is `Some` for a ledger (whose dates are also bounded by the period).
fn sheet(
    schema: &Schema,
    name: &str,
    fields: &[Field],
    ledger: Option<&Ledger>,
) -> Result<SheetView, Error> {
    let fields = fields
        .iter()
        .enumerate()
        .map(|(i, f)| field(schema, f, ledger.map(|l| (l, i))))
        .collect::<Result<_, _>>()?;
    Ok(SheetView {
        name: name.to_string(),
        fields,
    })
}

/// `at` is the field's ledger and column, for a ledger field.
fn field(schema: &Schema, f: &Field, at: Option<(&Ledger, usize)>) -> Result<FieldView, Error> {
    let info = schema.type_info(f.ty);
    let rules: Vec<serde_json::Value> = at
        .map(|(l, i)| l.rules_for(i).map(|r| rule_view(l, r)).collect())
        .unwrap_or_default();
    let data = json!({
        "dates_not_after_period_end": at.is_some() && schema.dates_not_after_period_end,
        "f": {
            "type": f.ty.name(),
            "hint": info.filter(|_| f.ty != FieldType::Enum).map(|t| t.hint.clone()).unwrap_or_default(),
            "values": f.values,
            "aliases": f.aliases.iter().map(|(a, v)| format!("{a}={v}")).collect::<Vec<_>>(),
            "unique": f.unique,
            "min": f.min.map(format_number),
            "max": f.max.map(format_number),
            "references": f.references.map(|k| schema.ledger(k).name.clone()),
            "rules": rules,
        }
    });
    let requirements = render_file("templates/field_requirements.tera", REQUIREMENTS, &data)?;
    Ok(FieldView {
        name: f.name.clone(),
        required: f.required,
        type_label: info.map(|t| t.label.clone()).unwrap_or_default(),
        requirements: requirements.trim().to_string(),
    })
}

/// A rule as the requirements template reads it: its type and the names of
/// the fields it mentions.
fn rule_view(l: &Ledger, r: &Rule) -> serde_json::Value {
    let name = |i: usize| l.fields[i].name.as_str();
    let severity = r.severity.as_str();
    match &r.check {
        Check::RequiredIf {
            if_field,
            if_in,
            exclusive,
            ..
        } => {
            json!({ "type": "required_if", "if_field": name(*if_field), "if_in": if_in, "exclusive": exclusive, "severity": severity })
        }
        Check::NotBefore { other, .. } => json!({ "type": "not_before", "other": name(*other) }),
        Check::NotGreater { other, .. } => json!({ "type": "not_greater", "other": name(*other) }),
        Check::IdAgrees { birth, sex, .. } => {
            json!({ "type": "id_agrees", "birth": name(*birth), "sex": name(*sex) })
        }
    }
}
