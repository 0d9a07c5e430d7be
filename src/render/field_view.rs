//! How fields are described to people: one view per sheet of the schema, shared
//! by the 填报说明 sheet of the templates and the README's field table.

use serde::Serialize;
use serde_json::json;

use crate::error::Error;
use crate::read::cell::format_number;
use crate::schema::{type_name, Field, FieldType, Rule, Schema};
use crate::wording::render_file;

pub const REQUIREMENTS: &str = include_str!("../../templates/field_requirements.tera");

#[derive(Debug, Serialize)]
pub struct SheetView {
    pub name: String,
    pub fields: Vec<FieldView>,
}

#[derive(Debug, Serialize)]
pub struct FieldView {
    pub name: String,
    pub required: bool,
    pub type_label: String,
    /// Everything a person must know to fill the field in, in one sentence run.
    pub requirements: String,
}

/// The cover, the five ledgers and the registry, in that order.
pub fn all_sheets(schema: &Schema) -> Result<Vec<SheetView>, Error> {
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
pub fn ledger_sheets(schema: &Schema) -> Result<Vec<SheetView>, Error> {
    schema
        .ledgers
        .iter()
        .map(|l| sheet(schema, &l.name, &l.fields, Some(&l.rules)))
        .collect()
}

/// `rules` is `Some` for a ledger (whose dates are also bounded by the period).
fn sheet(
    schema: &Schema,
    name: &str,
    fields: &[Field],
    rules: Option<&[Rule]>,
) -> Result<SheetView, Error> {
    let fields = fields
        .iter()
        .map(|f| field(schema, f, rules))
        .collect::<Result<_, _>>()?;
    Ok(SheetView {
        name: name.to_string(),
        fields,
    })
}

fn field(schema: &Schema, f: &Field, rules: Option<&[Rule]>) -> Result<FieldView, Error> {
    let info = schema.type_info(f.ty);
    let is_ledger = rules.is_some();
    let rules = rules.unwrap_or_default();
    let data = json!({
        "dates_not_after_period_end": is_ledger && schema.dates_not_after_period_end,
        "f": {
            "type": type_name(f.ty),
            "hint": info.filter(|_| f.ty != FieldType::Enum).map(|t| t.hint.clone()).unwrap_or_default(),
            "values": f.values,
            "aliases": f.aliases.iter().map(|(a, v)| format!("{a}={v}")).collect::<Vec<_>>(),
            "unique": f.unique,
            "min": f.min.map(format_number),
            "max": f.max.map(format_number),
            "references": f.references.as_ref().and_then(|k| schema.ledger(k)).map(|l| l.name.clone()),
            "rules": rules.iter().filter(|r| r.field() == f.name).collect::<Vec<_>>(),
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
