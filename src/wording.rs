//! Wording kept in `templates/`: a TOML file of short tera templates (one per
//! key), or a whole tera template file. Rust supplies the numbers and names;
//! the words come from here.

use std::sync::OnceLock;

use serde::Serialize;

use crate::error::Error;

/// A set of short tera templates loaded from one TOML table of strings.
pub struct Texts {
    origin: &'static str,
    tera: tera::Tera,
}

impl Texts {
    /// Parse `source` (a TOML table of strings); `origin` names it in errors.
    pub fn parse(origin: &'static str, source: &str) -> Result<Texts, Error> {
        let fail = |message: String| Error::Template {
            name: origin.to_string(),
            message,
        };
        let table: toml::Table = toml::from_str(source).map_err(|e| fail(e.to_string()))?;
        let mut tera = tera::Tera::new();
        tera.autoescape_on(Vec::<&str>::new());
        for (key, value) in &table {
            let text = value
                .as_str()
                .ok_or_else(|| fail(format!("{key} 应为字符串")))?;
            tera.add_raw_template(key, text)
                .map_err(|e| fail(format!("{key}：{e}")))?;
        }
        Ok(Texts { origin, tera })
    }

    /// Render the text `key` with `data` (any serialisable map).
    pub fn render(&self, key: &str, data: &impl Serialize) -> Result<String, Error> {
        let ctx = tera::Context::from_serialize(data).map_err(|e| self.fail(key, e))?;
        self.tera.render(key, &ctx).map_err(|e| self.fail(key, e))
    }

    /// Whether the wording file has the text `key` (for optional texts).
    pub fn has(&self, key: &str) -> bool {
        self.tera.get_template_names().any(|name| name == key)
    }

    /// A `|`-separated list kept as one text: table headers, values the
    /// wording names.
    pub fn list(&self, key: &str) -> Result<Vec<String>, Error> {
        Ok(self.plain(key)?.split('|').map(str::to_string).collect())
    }

    /// Render a text that takes no data.
    pub fn plain(&self, key: &str) -> Result<String, Error> {
        self.render(key, &serde_json::json!({}))
    }

    fn fail(&self, key: &str, e: tera::Error) -> Error {
        Error::Template {
            name: format!("{} / {key}", self.origin),
            message: error_chain(&e),
        }
    }
}

/// A wording file built into the binary, parsed once on first use. The
/// built-in files are checked by `every_wording_file_parses`.
pub struct Builtin {
    origin: &'static str,
    source: &'static str,
    texts: OnceLock<Texts>,
}

impl Builtin {
    pub const fn new(origin: &'static str, source: &'static str) -> Builtin {
        Builtin {
            origin,
            source,
            texts: OnceLock::new(),
        }
    }

    pub fn get(&self) -> &Texts {
        self.texts.get_or_init(|| {
            Texts::parse(self.origin, self.source)
                .unwrap_or_else(|e| panic!("built-in wording does not parse: {e}"))
        })
    }
}

/// Render a whole tera template file.
pub fn render_file(
    origin: &'static str,
    source: &str,
    data: &impl Serialize,
) -> Result<String, Error> {
    let fail = |e: tera::Error| Error::Template {
        name: origin.to_string(),
        message: error_chain(&e),
    };
    let mut tera = tera::Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    tera.add_raw_template(origin, source).map_err(fail)?;
    let ctx = tera::Context::from_serialize(data).map_err(fail)?;
    tera.render(origin, &ctx).map_err(fail)
}

/// Tera hides the useful part of an error in its source chain.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push('：');
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every wording file built into the binary parses, so the `expect`s on
    /// the shared ones (common, assess, six_haves) cannot fire at run time.
    #[test]
    fn every_wording_file_parses() {
        use crate::render;
        let files = [
            ("templates/common.toml", render::xlsx::COMMON),
            ("templates/assess.toml", crate::assess::WORDING),
            (
                "templates/six_haves.toml",
                crate::aggregate::report::SIX_HAVES_WORDING,
            ),
            ("templates/quarterly.toml", render::quarterly::WORDING),
            ("templates/annual.toml", render::annual::WORDING),
            ("templates/packet.toml", render::packet::WORDING),
            ("templates/directory.toml", render::directory::WORDING),
            ("templates/status.toml", render::status_xlsx::WORDING),
            ("templates/feedback.toml", render::feedback::WORDING),
            (
                "templates/ledger_workbook.toml",
                render::ledger_template::WORDING,
            ),
        ];
        for (origin, text) in files {
            if let Err(e) = Texts::parse(origin, text) {
                panic!("{e}");
            }
        }
    }

    #[test]
    fn a_broken_template_names_its_file_and_key() {
        let e = Texts::parse("templates/x.toml", "ok = \"好\"\nbad = \"{{ n \"\n")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("templates/x.toml") && e.contains("bad"), "{e}");
    }
}
