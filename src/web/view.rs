//! The pages' templates (`templates/web/*.html`, tera, HTML-escaped) and
//! the style sheet, compiled into the binary: the desk needs no files
//! besides its archive, and loads nothing from the internet.

use serde::Serialize;

use super::error::WebError;

/// Every page template, by name.
const PAGES: [(&str, &str); 18] = [
    ("base.html", include_str!("../../templates/web/base.html")),
    ("login.html", include_str!("../../templates/web/login.html")),
    ("board.html", include_str!("../../templates/web/board.html")),
    (
        "period.html",
        include_str!("../../templates/web/period.html"),
    ),
    (
        "period_table.html",
        include_str!("../../templates/web/period_table.html"),
    ),
    (
        "upload.html",
        include_str!("../../templates/web/upload.html"),
    ),
    (
        "uploaded.html",
        include_str!("../../templates/web/uploaded.html"),
    ),
    ("unit.html", include_str!("../../templates/web/unit.html")),
    (
        "entry_units.html",
        include_str!("../../templates/web/entry_units.html"),
    ),
    (
        "entry_unit.html",
        include_str!("../../templates/web/entry_unit.html"),
    ),
    (
        "entry_form.html",
        include_str!("../../templates/web/entry_form.html"),
    ),
    (
        "reports.html",
        include_str!("../../templates/web/reports.html"),
    ),
    ("job.html", include_str!("../../templates/web/job.html")),
    (
        "job_name.html",
        include_str!("../../templates/web/job_name.html"),
    ),
    (
        "job_stage.html",
        include_str!("../../templates/web/job_stage.html"),
    ),
    (
        "notified.html",
        include_str!("../../templates/web/notified.html"),
    ),
    (
        "screen.html",
        include_str!("../../templates/web/screen.html"),
    ),
    (
        "screen_key.html",
        include_str!("../../templates/web/screen_key.html"),
    ),
];

pub(super) const STYLE: &str = include_str!("../../templates/web/static/style.css");
pub(super) const UPLOAD_SCRIPT: &str = include_str!("../../templates/web/static/upload.js");
pub(super) const SCREEN_SCRIPT: &str = include_str!("../../templates/web/static/screen.js");

pub(crate) struct Views {
    tera: tera::Tera,
}

impl Views {
    pub(crate) fn new() -> Result<Views, tera::Error> {
        let mut tera = tera::Tera::new();
        // Every template is HTML: everything a user typed is escaped.
        tera.autoescape_on(vec![".html"]);
        tera.add_raw_templates(PAGES.to_vec())?;
        Ok(Views { tera })
    }

    pub(crate) fn render(&self, name: &str, data: &impl Serialize) -> Result<String, WebError> {
        let ctx = tera::Context::from_serialize(data)?;
        Ok(self.tera.render(name, &ctx)?)
    }
}

/// A time as the pages show it: 2023-10-09 09:00.
pub(super) fn minutes(t: Option<chrono::NaiveDateTime>) -> Option<String> {
    t.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_template_parses() {
        Views::new().unwrap();
    }

    #[test]
    fn a_failed_jobs_message_is_escaped_in_the_included_parts_too() {
        let job = serde_json::json!({
            "id": 3, "kind": "annual", "of": "2023", "stage": "failed", "done": 0,
            "total": 0, "files": 0, "error": "<b>坏</b>", "seconds": 1, "finished": true,
        });
        let page = Views::new()
            .unwrap()
            .render("job.html", &serde_json::json!({ "j": job }))
            .unwrap();
        assert!(page.contains("未完成：&lt;b&gt;坏"), "{page}");
        assert!(
            page.contains("<h1>2023 年度报告、半年总结、考核材料和人才风采</h1>"),
            "{page}"
        );
        assert!(!page.contains("http-equiv"), "a finished job's page stays");
    }
}
