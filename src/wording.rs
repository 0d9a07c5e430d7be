//! Wording kept in `templates/`: a TOML file of short tera templates (one per
//! key) and lists (TOML arrays: table headers, values the wording names), or a
//! whole tera template file. Rust supplies the numbers and names; the words
//! come from here.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;

/// Why wording could not be loaded or rendered.
#[derive(Debug, thiserror::Error)]
pub enum WordingError {
    #[error("措辞文件 {origin} 的格式不对：{source}")]
    Toml {
        origin: String,
        source: toml::de::Error,
    },
    #[error("措辞文件 {origin} 中的 {key} 应为文字或文字列表")]
    NotText { origin: String, key: String },
    #[error("措辞文件 {origin} 中没有列表 {key}")]
    NoList { origin: String, key: String },
    #[error("措辞文件 {origin} 中的列表 {key} 应有 {expected} 项")]
    ListLength {
        origin: String,
        key: String,
        expected: usize,
    },
    #[error("措辞文件 {origin} 的 {key} 中“{value}”不是“{field}”的可选值")]
    NotAValue {
        origin: String,
        key: String,
        value: String,
        field: String,
    },
    /// tera keeps the useful part (which variable, which filter) in its
    /// sources: print the error with [`crate::error::chain`].
    #[error("模板“{name}”有误")]
    Template { name: String, source: tera::Error },
}

/// A set of short tera templates and lists loaded from one TOML table.
pub(crate) struct Texts {
    origin: &'static str,
    tera: tera::Tera,
    lists: HashMap<String, Vec<String>>,
}

impl Texts {
    /// Parse `source` (a TOML table of strings and arrays of strings); `origin`
    /// names it in errors.
    pub(crate) fn parse(origin: &'static str, source: &str) -> Result<Texts, WordingError> {
        let table: toml::Table = toml::from_str(source).map_err(|source| WordingError::Toml {
            origin: origin.to_string(),
            source,
        })?;
        let mut tera = tera::Tera::new();
        tera.autoescape_on(Vec::<&str>::new());
        let mut lists = HashMap::new();
        for (key, value) in &table {
            let not_text = || WordingError::NotText {
                origin: origin.to_string(),
                key: key.clone(),
            };
            match value {
                toml::Value::String(text) => {
                    tera.add_raw_template(key, text)
                        .map_err(|source| WordingError::Template {
                            name: format!("{origin} / {key}"),
                            source,
                        })?;
                }
                toml::Value::Array(items) => {
                    let items = items
                        .iter()
                        .map(|v| v.as_str().map(str::to_string).ok_or_else(not_text))
                        .collect::<Result<Vec<_>, _>>()?;
                    lists.insert(key.clone(), items);
                }
                _ => return Err(not_text()),
            }
        }
        Ok(Texts {
            origin,
            tera,
            lists,
        })
    }

    /// Render the text `key` with `data` (any serialisable map).
    pub(crate) fn render(&self, key: &str, data: &impl Serialize) -> Result<String, WordingError> {
        let ctx = tera::Context::from_serialize(data).map_err(|e| self.fail(key, e))?;
        self.tera.render(key, &ctx).map_err(|e| self.fail(key, e))
    }

    /// Whether the wording file has the text or list `key` (for optional ones).
    pub(crate) fn has(&self, key: &str) -> bool {
        self.lists.contains_key(key) || self.tera.get_template_names().any(|name| name == key)
    }

    /// A list: table headers, values the wording names.
    pub(crate) fn list(&self, key: &str) -> Result<Vec<String>, WordingError> {
        self.lists
            .get(key)
            .cloned()
            .ok_or_else(|| WordingError::NoList {
                origin: self.origin.to_string(),
                key: key.to_string(),
            })
    }

    /// A list of exactly `N` items (the columns a writer lays out).
    pub(crate) fn list_of<const N: usize>(&self, key: &str) -> Result<[String; N], WordingError> {
        <[String; N]>::try_from(self.list(key)?).map_err(|_| WordingError::ListLength {
            origin: self.origin.to_string(),
            key: key.to_string(),
            expected: N,
        })
    }

    /// Render a text that takes no data.
    pub(crate) fn plain(&self, key: &str) -> Result<String, WordingError> {
        self.render(key, &serde_json::json!({}))
    }

    fn fail(&self, key: &str, source: tera::Error) -> WordingError {
        WordingError::Template {
            name: format!("{} / {key}", self.origin),
            source,
        }
    }
}

/// A wording file built into the binary, parsed once on first use. The
/// built-in files are checked by `every_wording_file_parses`.
pub(crate) struct Builtin {
    origin: &'static str,
    source: &'static str,
    texts: OnceLock<Texts>,
}

impl Builtin {
    pub(crate) const fn new(origin: &'static str, source: &'static str) -> Builtin {
        Builtin {
            origin,
            source,
            texts: OnceLock::new(),
        }
    }

    pub(crate) fn get(&self) -> &Texts {
        self.texts.get_or_init(|| {
            Texts::parse(self.origin, self.source)
                .unwrap_or_else(|e| panic!("built-in wording does not parse: {e}"))
        })
    }
}

/// Render a whole tera template file.
pub(crate) fn render_file(
    origin: &'static str,
    source: &str,
    data: &impl Serialize,
) -> Result<String, WordingError> {
    let fail = |source: tera::Error| WordingError::Template {
        name: origin.to_string(),
        source,
    };
    let mut tera = tera::Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    tera.add_raw_template(origin, source).map_err(fail)?;
    let ctx = tera::Context::from_serialize(data).map_err(fail)?;
    tera.render(origin, &ctx).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_template_names_its_file_and_key() {
        let e = Texts::parse("templates/x.toml", "ok = \"好\"\nbad = \"{{ n \"\n")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("templates/x.toml") && e.contains("bad"), "{e}");
    }

    #[test]
    fn lists_are_toml_arrays_of_text() {
        let t = Texts::parse("x", "headers = [\"甲\", \"乙\"]\n").unwrap();
        assert_eq!(t.list("headers").unwrap(), ["甲", "乙"]);
        assert!(t.list_of::<3>("headers").is_err());
        assert!(Texts::parse("x", "n = 3\n").is_err());
        assert!(Texts::parse("x", "l = [1]\n").is_err());
    }
}
