//! Why a schema cannot be used. Every problem names the ledger (or sheet) and
//! the key or field it is about, so a district editing its own schema file
//! knows which line to look at.

use std::path::PathBuf;

/// A schema that could not be loaded: which file, and what is wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("字段定义（schema）{origin} 有误：{problem}")]
pub struct SchemaError {
    pub origin: String,
    #[source]
    pub problem: Box<SchemaProblem>,
}

/// What is wrong with a schema.
#[derive(Debug, thiserror::Error)]
pub enum SchemaProblem {
    #[error("无法读取文件 {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("文件格式不对")]
    Toml(#[source] toml::de::Error),
    #[error("[types.{0}] 不是已知的字段类型")]
    UnknownType(String),
    #[error("[types.{name}] 的 pattern 无效")]
    Pattern {
        name: String,
        #[source]
        source: regex::Error,
    },
    #[error("字段“{0}”的类型没有 [types] 说明")]
    TypeUndescribed(String),
    #[error("{sheet}缺少 key = \"{key}\" 的字段")]
    MissingKey { sheet: String, key: &'static str },
    #[error("{sheet}的字段“{field}”的 key“{key}”不是 jucai 认识的项目（应为 {known} 之一）")]
    UnknownKey {
        sheet: String,
        field: String,
        key: String,
        known: String,
    },
    #[error("{sheet}有两个字段的 key 都是“{key}”")]
    DuplicateKey { sheet: String, key: String },
    #[error("字段“{field}”：{what}")]
    Field { field: String, what: String },
    #[error("台账 key“{key}”不是 jucai 认识的台账（应为 {known} 之一）")]
    UnknownLedger { key: String, known: String },
    #[error("台账 key“{0}”重复")]
    DuplicateLedger(String),
    #[error("缺少台账 key = \"{0}\"")]
    MissingLedger(&'static str),
    #[error("{ledger}：kind 应为“{expected}”")]
    LedgerKind {
        ledger: String,
        expected: &'static str,
    },
    #[error("{ledger}：字段“{field}”重复")]
    DuplicateField { ledger: String, field: String },
    #[error("{ledger}：{what}")]
    Ledger { ledger: String, what: String },
    #[error("{ledger}：roles 中的“{role}”不是 jucai 认识的用途（应为 {known} 之一）")]
    UnknownRole {
        ledger: String,
        role: String,
        known: String,
    },
    #[error("{ledger}：roles 缺少汇总要用的“{role}”")]
    MissingRole { ledger: String, role: &'static str },
    #[error("{ledger}：roles 中 {role} 指向不存在的字段“{field}”")]
    RoleField {
        ledger: String,
        role: String,
        field: String,
    },
    #[error("{ledger}：roles 中 {role} 指向的字段“{field}”应为{expected}类型")]
    RoleType {
        ledger: String,
        role: &'static str,
        field: String,
        expected: &'static str,
    },
    #[error("{ledger}：markers 中的“{marker}”不是 jucai 认识的取值用途（应为 {known} 之一）")]
    UnknownMarker {
        ledger: String,
        marker: String,
        known: String,
    },
    #[error("{ledger}：markers 缺少汇总要用的“{marker}”")]
    MissingMarker {
        ledger: String,
        marker: &'static str,
    },
    #[error("{ledger}：markers 中 {marker} 的“{value}”不是字段“{field}”的可选值")]
    MarkerValue {
        ledger: String,
        marker: &'static str,
        field: String,
        value: String,
    },
    #[error("{ledger}：规则引用了不存在的字段“{field}”")]
    RuleField { ledger: String, field: String },
    #[error("{ledger}：规则的 message“{message}”不是 templates/messages.toml 中的消息")]
    UnknownMessage { ledger: String, message: String },
    #[error("{ledger}：规则的 message“{message}”属于“{code}”，不能用于 {rule} 规则（应属于“{expected}”）")]
    MessageCode {
        ledger: String,
        message: String,
        code: String,
        rule: &'static str,
        expected: String,
    },
}
