//! Diagnostics: one per problem found in a file, addressed down to the cell.
//!
//! Checks produce a [`Finding`] (which message, where, what value); the wording
//! comes from `templates/messages.toml` and turns it into a [`Diagnostic`].
//! Message keys are the [`Msg`] enum: the catalogue is checked when it loads to
//! word every one of them and nothing else.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The wording of every diagnostic, compiled into the binary.
pub const MESSAGES: &str = include_str!("../templates/messages.toml");

/// How bad a problem is: errors keep a row out of the figures, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    #[default]
    Error,
    Warning,
}

impl Severity {
    /// `error` / `warning`, as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

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

/// Defines [`Msg`]: one variant per message of `templates/messages.toml`.
macro_rules! messages {
    ($($variant:ident = $key:literal,)*) => {
        /// A diagnostic message, by its key in `templates/messages.toml`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Msg {
            $($variant,)*
        }

        impl Msg {
            /// Every message, in declaration order.
            pub const ALL: &'static [Msg] = &[$(Msg::$variant,)*];

            /// The message's key in `templates/messages.toml`.
            pub fn key(self) -> &'static str {
                match self {
                    $(Msg::$variant => $key,)*
                }
            }

            /// The message with this key, if there is one.
            pub fn from_key(key: &str) -> Option<Msg> {
                match key {
                    $($key => Some(Msg::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

messages! {
    FileEmpty = "file-empty",
    FileNotSpreadsheet = "file-not-spreadsheet",
    FileRar = "file-rar",
    File7z = "file-7z",
    FileExcelXml = "file-excel-xml",
    FileHtmlTable = "file-html-table",
    FileBroken = "file-broken",
    FileParserFailed = "file-parser-failed",
    FileReadFailed = "file-read-failed",
    SheetBroken = "sheet-broken",
    XmlEntity = "xml-entity",
    FileEncrypted = "file-encrypted",
    LimitFileSize = "limit-file-size",
    LimitUncompressed = "limit-uncompressed",
    LimitParts = "limit-parts",
    LimitRows = "limit-rows",
    LimitCells = "limit-cells",
    LimitCellsClaimed = "limit-cells-claimed",
    LimitStrings = "limit-strings",
    CoverMissing = "cover-missing",
    CoverItemMissing = "cover-item-missing",
    UnitUnknown = "unit-unknown",
    UnitNameMismatch = "unit-name-mismatch",
    PeriodUnreadable = "period-unreadable",
    PeriodMismatch = "period-mismatch",
    SheetMissing = "sheet-missing",
    HeaderMissing = "header-missing",
    HeaderColumnMissing = "header-column-missing",
    HeaderDuplicate = "header-duplicate",
    HeaderExtra = "header-extra",
    Required = "required",
    DateInvalid = "date-invalid",
    IntegerInvalid = "integer-invalid",
    NumberInvalid = "number-invalid",
    MoneyDecimals = "money-decimals",
    IdNumberAsFloat = "id-number-as-float",
    CellPicture = "cell-picture",
    CellError = "cell-error",
    EnumInvalid = "enum-invalid",
    BelowMin = "below-min",
    AboveMax = "above-max",
    NotGreater = "not-greater",
    PhoneInvalid = "phone-invalid",
    IdNumberFormat = "id-number-format",
    IdNumberChecksum = "id-number-checksum",
    IdBirthMismatch = "id-birth-mismatch",
    IdSexMismatch = "id-sex-mismatch",
    DateBefore = "date-before",
    DateAfterPeriod = "date-after-period",
    DateAfterFillDate = "date-after-fill-date",
    RequiredIf = "required-if",
    OnlyIf = "only-if",
    DuplicateId = "duplicate-id",
    UnknownTalent = "unknown-talent",
    RegistryDuplicateCode = "registry-duplicate-code",
    RegistryCentreCount = "registry-centre-count",
    RegistryCentreParent = "registry-centre-parent",
    RegistryParentMissing = "registry-parent-missing",
    RegistryParentUnknown = "registry-parent-unknown",
    RegistryParentLevel = "registry-parent-level",
    RegistryCycle = "registry-cycle",
    IdentifiedByName = "identified-by-name",
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
    /// Which message of `templates/messages.toml` words it.
    pub message: Msg,
    pub sheet: Option<String>,
    /// 0-based sheet row and column of the offending cell.
    pub at: Option<(u32, u32)>,
    /// 0-based sheet row, for row-level findings without a cell.
    pub row: Option<u32>,
    pub column: Option<String>,
    pub value: Option<String>,
    pub severity: Option<Severity>,
    pub args: Vec<(&'static str, Arg)>,
}

/// A message argument: a text, or a list the template lays out itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Arg {
    Text(String),
    List(Vec<String>),
}

impl Finding {
    pub fn new(message: Msg) -> Finding {
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
        self.0.args.push((name, Arg::Text(value.to_string())));
        self
    }

    /// A list argument (allowed values): the template joins it in its own words.
    pub fn list(mut self, name: &'static str, values: &[String]) -> Finding {
        self.0.args.push((name, Arg::List(values.to_vec())));
        self
    }

    /// Word the finding with `message` instead (a rule's own message).
    pub fn message(mut self, message: Msg) -> Finding {
        self.0.message = message;
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

/// Why a message catalogue cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("消息目录的格式不对")]
    Toml(#[source] toml::de::Error),
    #[error("消息“{0}”不是 jucai 会用到的消息（见 src/diagnostic.rs 的 Msg）")]
    UnknownMessage(String),
    #[error("缺少消息“{0}”")]
    MissingMessage(&'static str),
    #[error("消息“{0}”的代码没有 [codes] 说明")]
    UnknownCode(String),
    #[error("消息“{key}”的模板有误")]
    Template {
        key: String,
        #[source]
        source: tera::Error,
    },
}

/// The parsed message catalogue with its compiled templates.
pub struct Catalogue {
    codes: BTreeMap<Code, CodeInfo>,
    /// Indexed by [`Msg`].
    messages: Vec<MessageInfo>,
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
    /// Parse a catalogue: every message of [`Msg`] worded, no other, each with
    /// a code that has a title.
    pub fn parse(text: &str) -> Result<Catalogue, CatalogueError> {
        let file: CatalogueFile = toml::from_str(text).map_err(CatalogueError::Toml)?;
        let mut by_msg: BTreeMap<Msg, MessageInfo> = BTreeMap::new();
        let mut tera = tera::Tera::new();
        tera.autoescape_on(Vec::<&str>::new());
        for (key, info) in file.messages {
            let msg =
                Msg::from_key(&key).ok_or_else(|| CatalogueError::UnknownMessage(key.clone()))?;
            if !file.codes.contains_key(&info.code) {
                return Err(CatalogueError::UnknownCode(key));
            }
            tera.add_raw_template(msg.key(), &info.text)
                .map_err(|source| CatalogueError::Template { key, source })?;
            by_msg.insert(msg, info);
        }
        let mut messages = Vec::with_capacity(Msg::ALL.len());
        for msg in Msg::ALL {
            let info = by_msg
                .remove(msg)
                .ok_or(CatalogueError::MissingMessage(msg.key()))?;
            messages.push(info);
        }
        Ok(Catalogue {
            codes: file.codes,
            messages,
            tera,
        })
    }

    fn info(&self, msg: Msg) -> &MessageInfo {
        // `parse` filled one entry per message, in `Msg::ALL` order.
        &self.messages[msg as usize]
    }

    /// The code a message's diagnostics have.
    pub fn code(&self, msg: Msg) -> Code {
        self.info(msg).code
    }

    /// The severity a message has unless the finding says otherwise.
    pub fn severity(&self, msg: Msg) -> Severity {
        self.info(msg).severity
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
        let info = self.info(f.message);
        // A template that fails on a finding's arguments still says something.
        let message = self
            .tera
            .render(f.message.key(), &ctx)
            .unwrap_or_else(|_| info.text.clone());
        Diagnostic {
            file: file.to_string(),
            sheet: f.sheet,
            cell,
            row: f.row.map(|r| r + 1),
            column: f.column,
            code: info.code,
            severity: f.severity.unwrap_or(info.severity),
            value: f.value,
            message,
            at: f.at,
        }
    }

    pub fn title(&self, code: Code) -> &str {
        self.codes
            .get(&code)
            .map(|c| c.title.as_str())
            .unwrap_or("")
    }

    pub fn codes(&self) -> impl Iterator<Item = Code> + '_ {
        self.codes.keys().copied()
    }

    /// Every message rendered with its example arguments, ordered by code.
    pub fn examples(&self) -> Result<Vec<Example>, CatalogueError> {
        let mut out = Vec::new();
        for (msg, info) in Msg::ALL.iter().zip(&self.messages) {
            let mut ctx = tera::Context::new();
            for (k, v) in &info.example {
                match v {
                    toml::Value::String(s) => ctx.insert(k.clone(), s),
                    toml::Value::Array(items) => {
                        let items: Vec<String> = items
                            .iter()
                            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                            .collect();
                        ctx.insert(k.clone(), &items);
                    }
                    other => ctx.insert(k.clone(), &other.to_string()),
                }
            }
            for k in ["column", "value", "sheet"] {
                if !ctx.contains_key(k) {
                    ctx.insert(k, &Option::<String>::None);
                }
            }
            let message =
                self.tera
                    .render(msg.key(), &ctx)
                    .map_err(|source| CatalogueError::Template {
                        key: msg.key().to_string(),
                        source,
                    })?;
            out.push(Example {
                code: info.code,
                title: self.title(info.code).to_string(),
                severity: info.severity,
                key: msg.key().to_string(),
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
    fn a_catalogue_wording_an_unknown_or_missing_message_is_refused() {
        let unknown = format!("{MESSAGES}\n[messages.no-such-message]\ncode = \"type-error\"\ntext = \"x\"\nexample = {{}}\n");
        let e = Catalogue::parse(&unknown)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("no-such-message"), "{e}");
        let start = MESSAGES.find("[messages.only-if]").unwrap();
        let end = start + 1 + MESSAGES[start + 1..].find("\n[").unwrap();
        let missing = format!("{}{}", &MESSAGES[..start], &MESSAGES[end..]);
        let e = Catalogue::parse(&missing)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert_eq!(e, "缺少消息“only-if”");
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
        let d = Finding::new(Msg::Required)
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
