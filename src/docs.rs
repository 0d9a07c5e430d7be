//! The README's generated parts: the field table and the diagnostics catalogue,
//! both made from the same data the program runs on.

use serde_json::json;

use crate::diagnostic::catalogue;
use crate::error::Error;
use crate::reports::template::field_view;
use crate::schema::Schema;
use crate::wording::render_file;

const FIELDS: &str = include_str!("../templates/readme_fields.tera");
const DIAGNOSTICS: &str = include_str!("../templates/readme_diagnostics.tera");

/// Markers around a generated part of README.md.
pub fn markers(part: &str) -> (String, String) {
    (
        format!("<!-- BEGIN GENERATED: {part} (jucai schema --part {part}) -->"),
        format!("<!-- END GENERATED: {part} -->"),
    )
}

pub fn fields_markdown(schema: &Schema) -> Result<String, Error> {
    let data = json!({ "ledgers": field_view::all_sheets(schema)? });
    Ok(render_file("templates/readme_fields.tera", FIELDS, &data)?)
}

pub fn diagnostics_markdown() -> Result<String, Error> {
    let examples = catalogue().examples()?;
    let rows: Vec<_> = examples
        .iter()
        .map(|e| {
            json!({
                "code": e.code.as_str(),
                "title": e.title,
                "severity": e.severity.as_str(),
                "message": e.message.replace('|', "\\|"),
            })
        })
        .collect();
    Ok(render_file(
        "templates/readme_diagnostics.tera",
        DIAGNOSTICS,
        &json!({ "examples": rows }),
    )?)
}

/// Replace the text between `part`'s markers in `readme` with `body`.
/// `None` if the markers are missing.
pub fn splice(readme: &str, part: &str, body: &str) -> Option<String> {
    let (begin, end) = markers(part);
    let start = readme.find(&begin)? + begin.len();
    let stop = start + readme[start..].find(&end)?;
    Some(format!(
        "{}\n{}\n{}",
        &readme[..start],
        body.trim(),
        &readme[stop..]
    ))
}
