//! Diagnostics: one per problem found in a file, addressed down to the cell.
//!
//! Checks produce a [`Finding`] (which message, where, what value); the wording
//! comes from `templates/messages.toml` and turns it into a [`Diagnostic`].

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

pub use crate::schema::Severity;

/// The wording of every diagnostic, compiled into the binary.
pub const MESSAGES: &str = include_str!("../templates/messages.toml");

/// Stable diagnostic codes (documented in README).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    UnreadableFile,
    EncryptedFile,
    MissingCover,
    UnknownUnit,
    PeriodMismatch,
    MissingSheet,
    MissingHeader,
    DuplicateHeader,
    ExtraColumn,
    RequiredMissing,
    TypeError,
    EnumError,
    RangeError,
    PatternError,
    ChecksumError,
    InconsistentValue,
    DateOrder,
    ConditionalRequired,
    DuplicateId,
    UnknownReference,
    HierarchyError,
    ResourceLimit,
}

impl Code {
    pub fn as_str(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
}

/// One problem, as shown to people and printed by `--format json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub file: String,
    pub sheet: Option<String>,
    pub cell: Option<String>,
    pub row: Option<u32>,
    pub column: Option<String>,
    pub code: Code,
    pub severity: Severity,
    pub value: Option<String>,
    pub message: String,
    /// 0-based (row, column) of `cell`, for writers that mark the cell.
    #[serde(skip)]
    pub at: Option<(u32, u32)>,
}

impl Diagnostic {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// What a check found, before it is worded. Boxed: it travels in the error
/// position of per-cell results, which should stay small.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding(Box<FindingData>);

#[derive(Debug, Clone, PartialEq)]
pub struct FindingData {
    /// Key into `[messages]` of `templates/messages.toml`.
    pub message: &'static str,
    pub sheet: Option<String>,
    /// 0-based sheet row and column of the offending cell.
    pub at: Option<(u32, u32)>,
    /// 0-based sheet row, for row-level findings without a cell.
    pub row: Option<u32>,
    pub column: Option<String>,
    pub value: Option<String>,
    pub severity: Option<Severity>,
    pub args: Vec<(&'static str, String)>,
}

impl Finding {
    pub fn new(message: &'static str) -> Finding {
        Finding(Box::new(FindingData {
            message,
            sheet: None,
            at: None,
            row: None,
            column: None,
            value: None,
            severity: None,
            args: Vec::new(),
        }))
    }

    pub fn sheet(mut self, sheet: impl Into<String>) -> Finding {
        self.0.sheet = Some(sheet.into());
        self
    }

    /// The offending cell, 0-based.
    pub fn cell(mut self, row: u32, col: u32) -> Finding {
        self.0.at = Some((row, col));
        self.0.row = Some(row);
        self
    }

    pub fn row(mut self, row: u32) -> Finding {
        self.0.row = Some(row);
        self
    }

    pub fn column(mut self, column: impl Into<String>) -> Finding {
        self.0.column = Some(column.into());
        self
    }

    pub fn value(mut self, value: impl Into<String>) -> Finding {
        self.0.value = Some(value.into());
        self
    }

    pub fn severity(mut self, severity: Severity) -> Finding {
        self.0.severity = Some(severity);
        self
    }

    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Finding {
        self.0.args.push((name, value.to_string()));
        self
    }

    /// Word the finding for `file`.
    pub fn into_diagnostic(self, file: &str) -> Diagnostic {
        catalogue().diagnose(file, *self.0)
    }
}

impl std::ops::Deref for Finding {
    type Target = FindingData;

    fn deref(&self) -> &FindingData {
        &self.0
    }
}

#[derive(Debug, Deserialize)]
struct CodeInfo {
    title: String,
}

#[derive(Debug, Deserialize)]
struct MessageInfo {
    code: Code,
    #[serde(default)]
    severity: Severity,
    text: String,
    example: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Deserialize)]
struct CatalogueFile {
    codes: BTreeMap<Code, CodeInfo>,
    messages: BTreeMap<String, MessageInfo>,
}

/// The parsed message catalogue with its compiled templates.
pub struct Catalogue {
    file: CatalogueFile,
    tera: tera::Tera,
}

/// The built-in catalogue (parsed once).
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        Catalogue::parse(MESSAGES).expect("templates/messages.toml is valid (checked by tests)")
    })
}

/// One example per message, for the README catalogue.
pub struct Example {
    pub code: Code,
    pub title: String,
    pub severity: Severity,
    pub key: String,
    pub message: String,
}

impl Catalogue {
    pub fn parse(text: &str) -> Result<Catalogue, String> {
        let file: CatalogueFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut tera = tera::Tera::new();
        tera.autoescape_on(Vec::<&str>::new());
        for (key, info) in &file.messages {
            if !file.codes.contains_key(&info.code) {
                return Err(format!("消息 {key} 的代码没有 [codes] 说明"));
            }
            tera.add_raw_template(key, &info.text)
                .map_err(|e| format!("消息 {key}：{e}"))?;
        }
        Ok(Catalogue { file, tera })
    }

    pub fn diagnose(&self, file: &str, f: FindingData) -> Diagnostic {
        let cell = f.at.map(|(r, c)| {
            rust_xlsxwriter::utility::row_col_to_cell(r, u16::try_from(c).unwrap_or(u16::MAX))
        });
        let mut ctx = tera::Context::new();
        ctx.insert("file", file);
        ctx.insert("sheet", &f.sheet);
        ctx.insert("cell", &cell);
        ctx.insert("column", &f.column);
        ctx.insert("value", &f.value);
        for (k, v) in &f.args {
            ctx.insert(*k, v);
        }
        let (code, severity, message) = match self.file.messages.get(f.message) {
            Some(info) => {
                let text = self
                    .tera
                    .render(f.message, &ctx)
                    .unwrap_or_else(|_| info.text.clone());
                (info.code, f.severity.unwrap_or(info.severity), text)
            }
            // Unreachable with the shipped catalogue (a test renders every key used).
            None => (
                Code::UnreadableFile,
                Severity::Error,
                format!("未知的诊断消息 {}", f.message),
            ),
        };
        Diagnostic {
            file: file.to_string(),
            sheet: f.sheet,
            cell,
            row: f.row.map(|r| r + 1),
            column: f.column,
            code,
            severity,
            value: f.value,
            message,
            at: f.at,
        }
    }

    pub fn has_message(&self, key: &str) -> bool {
        self.file.messages.contains_key(key)
    }

    pub fn title(&self, code: Code) -> &str {
        self.file
            .codes
            .get(&code)
            .map(|c| c.title.as_str())
            .unwrap_or("")
    }

    pub fn codes(&self) -> impl Iterator<Item = Code> + '_ {
        self.file.codes.keys().copied()
    }

    /// Every message rendered with its example arguments, ordered by code.
    pub fn examples(&self) -> Result<Vec<Example>, String> {
        let mut out = Vec::new();
        for (key, info) in &self.file.messages {
            let mut ctx = tera::Context::new();
            for (k, v) in &info.example {
                let text = match v {
                    toml::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                ctx.insert(k.clone(), &text);
            }
            for k in ["column", "value", "sheet"] {
                if !ctx.contains_key(k) {
                    ctx.insert(k, &Option::<String>::None);
                }
            }
            let message = self
                .tera
                .render(key, &ctx)
                .map_err(|e| format!("消息 {key} 的示例无法渲染：{e}"))?;
            out.push(Example {
                code: info.code,
                title: self.title(info.code).to_string(),
                severity: info.severity,
                key: key.clone(),
                message,
            });
        }
        out.sort_by_key(|e| e.code);
        Ok(out)
    }
}

/// Sort diagnostics for display: by file, sheet, row, then column order of discovery.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.file, &a.sheet, a.row.unwrap_or(0)).cmp(&(&b.file, &b.sheet, b.row.unwrap_or(0)))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_renders_its_example() {
        let examples = catalogue().examples().unwrap();
        assert!(examples.len() > 40);
        for e in examples {
            assert!(!e.message.contains("{{"), "{}: {}", e.key, e.message);
        }
    }

    #[test]
    fn every_code_has_a_title_and_a_message() {
        let cat = catalogue();
        let examples = cat.examples().unwrap();
        for code in cat.codes() {
            assert!(!cat.title(code).is_empty());
            assert!(examples.iter().any(|e| e.code == code), "{code:?}");
        }
    }

    #[test]
    fn a_finding_becomes_an_addressed_diagnostic() {
        let d = Finding::new("required")
            .sheet("活动台账")
            .cell(6, 3)
            .column("活动日期")
            .into_diagnostic("a.xlsx");
        assert_eq!(d.cell.as_deref(), Some("D7"));
        assert_eq!(d.row, Some(7));
        assert_eq!(d.code, Code::RequiredMissing);
        assert_eq!(d.message, "“活动日期”为必填项，不能为空。");
        let json = serde_json::to_string(&d).unwrap();
        assert!(json.contains("\"code\":\"required-missing\""), "{json}");
        assert!(json.contains("\"severity\":\"error\""), "{json}");
    }
}
