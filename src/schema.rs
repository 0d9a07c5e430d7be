//! The declarative ledger schema: the 封面, the five ledgers and the registry.
//!
//! Data lives in `templates/schema.toml`, compiled into the binary; `jucai.toml`
//! may name a replacement file. Everything that knows about fields (templates,
//! validation, feedback workbooks, README tables) reads it from here.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Severity;
use crate::error::Error;
use crate::text::match_key;

/// The schema shipped with jucai.
pub const BUILTIN_SCHEMA: &str = include_str!("../templates/schema.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Date,
    Integer,
    Money,
    Enum,
    Phone,
    IdNumber,
    Ref,
    Refs,
    Period,
}

/// How to describe a field type to people.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TypeInfo {
    pub label: String,
    pub hint: String,
    /// A regular expression the whole (space-stripped) value must match.
    #[serde(default)]
    pub pattern: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: FieldType,
    #[serde(default)]
    pub required: bool,
    /// Record id: unique within the unit's ledger.
    #[serde(default)]
    pub unique: bool,
    /// Allowed values of an enumeration, in display order.
    #[serde(default)]
    pub values: Vec<String>,
    /// Alternative spellings accepted for enumeration values.
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    /// The ledger a `ref`/`refs` field points into.
    #[serde(default)]
    pub references: Option<String>,
    /// Personal data that reports must never print.
    #[serde(default)]
    pub private: bool,
    /// Values that count toward an annual target (五类活动, 调研报告).
    #[serde(default)]
    pub target_values: Vec<String>,
    /// Qualifications that count as certified social workers.
    #[serde(default)]
    pub certified_social_worker: Vec<String>,
    /// Column width in Excel units (a CJK character is about 2).
    #[serde(default)]
    pub width: Option<f64>,
    /// Cover fields: internal key, and whether jucai fills it in.
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub prefilled: bool,
    /// Normalised value or alias → index into `values` (built when the schema loads).
    #[serde(skip)]
    lookup: std::collections::HashMap<String, usize>,
}

impl Field {
    /// The canonical enumeration value for what someone typed, if any.
    pub fn enum_value(&self, input: &str) -> Option<&str> {
        // Keys are their own match keys, so an exact hit needs no normalising.
        let i = match self.lookup.get(input) {
            Some(&i) => i,
            None => *self.lookup.get(&match_key(input))?,
        };
        self.values.get(i).map(String::as_str)
    }

    fn build_lookup(&mut self) {
        let mut lookup = std::collections::HashMap::new();
        for (i, v) in self.values.iter().enumerate() {
            lookup.insert(match_key(v), i);
        }
        for (alias, target) in &self.aliases {
            if let Some(i) = self.values.iter().position(|v| v == target) {
                lookup.entry(match_key(alias)).or_insert(i);
            }
        }
        self.lookup = lookup;
    }
}

/// A cross-field rule of one ledger.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    /// `field` must be filled when `if_field` is one of `if_in`; with `exclusive`,
    /// it must be empty otherwise.
    RequiredIf {
        field: String,
        if_field: String,
        if_in: Vec<String>,
        #[serde(default)]
        exclusive: bool,
        #[serde(default)]
        severity: Severity,
    },
    /// Date `field` must not be before date `other`.
    NotBefore { field: String, other: String },
    /// Number `field` must not exceed number `other`.
    NotGreater { field: String, other: String },
    /// ID number `field` must agree with the birth date and sex fields.
    IdAgrees {
        field: String,
        birth: String,
        sex: String,
    },
}

impl Rule {
    pub fn field(&self) -> &str {
        match self {
            Rule::RequiredIf { field, .. }
            | Rule::NotBefore { field, .. }
            | Rule::NotGreater { field, .. }
            | Rule::IdAgrees { field, .. } => field,
        }
    }

    /// Every field name the rule mentions.
    fn fields(&self) -> Vec<&str> {
        match self {
            Rule::RequiredIf {
                field, if_field, ..
            } => vec![field, if_field],
            Rule::NotBefore { field, other } | Rule::NotGreater { field, other } => {
                vec![field, other]
            }
            Rule::IdAgrees { field, birth, sex } => vec![field, birth, sex],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerKind {
    /// A roster: the newest submission's list is the truth for its period.
    Snapshot,
    /// Dated events: each belongs to the period its date falls in.
    Events,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ledger {
    pub key: String,
    pub name: String,
    pub kind: LedgerKind,
    pub id_field: String,
    pub date_field: String,
    pub fields: Vec<Field>,
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// What aggregation uses each field for (`joined` → 入库日期 …).
    #[serde(default)]
    pub roles: BTreeMap<String, String>,
    /// Values with a meaning to aggregation (`escalated` → 已上报 …).
    #[serde(default)]
    pub markers: BTreeMap<String, String>,
}

impl Ledger {
    /// The index of the field playing `role` (the id and date fields under
    /// the roles `id` and `date`).
    pub fn role(&self, role: &str) -> Option<usize> {
        let name = match role {
            "id" => &self.id_field,
            "date" => &self.date_field,
            _ => self.roles.get(role)?,
        };
        self.field_index(name)
    }

    pub fn marker(&self, name: &str) -> Option<&str> {
        self.markers.get(name).map(String::as_str)
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    pub fn rules_for<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a Rule> + 'a {
        self.rules.iter().filter(move |r| r.field() == field)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cover {
    pub sheet: String,
    pub title: String,
    pub fields: Vec<Field>,
}

impl Cover {
    /// The cover field with the given internal key.
    pub fn by_key(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key.as_deref() == Some(key))
    }
}

/// The registry (平台名录) sheet's columns.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrySheet {
    pub sheet: String,
    pub fields: Vec<Field>,
}

impl RegistrySheet {
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key.as_deref() == Some(key))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    pub version: u32,
    #[serde(default)]
    pub dates_not_after_period_end: bool,
    pub types: BTreeMap<String, TypeInfo>,
    pub cover: Cover,
    pub ledgers: Vec<Ledger>,
    pub registry: RegistrySheet,
    /// Compiled `pattern`s of `types`, by type.
    #[serde(skip)]
    patterns: std::collections::HashMap<FieldType, regex::Regex>,
}

/// Cover keys the program itself relies on.
pub const COVER_KEYS: [&str; 6] = [
    "unit_code",
    "unit_name",
    "period",
    "filler",
    "phone",
    "fill_date",
];

/// Registry keys the program itself relies on.
pub const REGISTRY_KEYS: [&str; 12] = [
    "code", "name", "level", "parent", "kind", "address", "area", "head", "phone", "rules",
    "opened", "note",
];

impl Schema {
    pub fn builtin() -> Schema {
        Schema::parse(BUILTIN_SCHEMA, "templates/schema.toml")
            .expect("the built-in schema is valid (checked by tests)")
    }

    pub fn load(path: &Path) -> Result<Schema, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Schema::parse(&text, &path.display().to_string())
    }

    pub fn parse(text: &str, origin: &str) -> Result<Schema, Error> {
        let fail = |message: String| Error::Schema {
            origin: origin.to_string(),
            message,
        };
        let mut schema: Schema = toml::from_str(text).map_err(|e| fail(e.to_string()))?;
        schema.check().map_err(fail)?;
        schema.patterns = schema.compile_patterns().map_err(fail)?;
        for field in schema.fields_mut() {
            field.build_lookup();
        }
        Ok(schema)
    }

    fn fields_mut(&mut self) -> impl Iterator<Item = &mut Field> {
        self.cover
            .fields
            .iter_mut()
            .chain(self.registry.fields.iter_mut())
            .chain(self.ledgers.iter_mut().flat_map(|l| l.fields.iter_mut()))
    }

    pub fn ledger(&self, key: &str) -> Option<&Ledger> {
        self.ledgers.iter().find(|l| l.key == key)
    }

    /// The values that count toward targets (`target_values`) of the field
    /// playing `role` in ledger `key`, e.g. the five kinds of activity.
    pub fn target_values(&self, key: &str, role: &str) -> &[String] {
        self.ledger(key)
            .and_then(|l| l.role(role).map(|i| l.fields[i].target_values.as_slice()))
            .unwrap_or_default()
    }

    pub fn type_info(&self, ty: FieldType) -> Option<&TypeInfo> {
        self.types.get(&type_name(ty))
    }

    /// The compiled pattern values of this type must match, if the schema sets one.
    pub fn pattern(&self, ty: FieldType) -> Option<&regex::Regex> {
        self.patterns.get(&ty)
    }

    fn compile_patterns(
        &self,
    ) -> Result<std::collections::HashMap<FieldType, regex::Regex>, String> {
        let mut out = std::collections::HashMap::new();
        for (name, info) in &self.types {
            let Some(pattern) = &info.pattern else {
                continue;
            };
            let ty: FieldType = serde_json::from_value(serde_json::Value::String(name.clone()))
                .map_err(|_| format!("[types.{name}] 不是已知的字段类型"))?;
            let re = regex::Regex::new(pattern)
                .map_err(|e| format!("[types.{name}] 的 pattern 无效：{e}"))?;
            out.insert(ty, re);
        }
        Ok(out)
    }

    /// Consistency checks a hand-edited schema can fail.
    fn check(&self) -> Result<(), String> {
        for key in COVER_KEYS {
            if self.cover.by_key(key).is_none() {
                return Err(format!("封面缺少 key = \"{key}\" 的字段"));
            }
        }
        for key in REGISTRY_KEYS {
            if self.registry.field(key).is_none() {
                return Err(format!("平台名录缺少 key = \"{key}\" 的字段"));
            }
        }
        let all_fields = self
            .cover
            .fields
            .iter()
            .chain(self.registry.fields.iter())
            .chain(self.ledgers.iter().flat_map(|l| l.fields.iter()));
        for field in all_fields {
            if !self.types.contains_key(&type_name(field.ty)) {
                return Err(format!("字段“{}”的类型没有 [types] 说明", field.name));
            }
            check_field(field)?;
        }
        let mut keys = std::collections::HashSet::new();
        for ledger in &self.ledgers {
            if !keys.insert(ledger.key.as_str()) {
                return Err(format!("台账 key“{}”重复", ledger.key));
            }
            check_ledger(self, ledger)?;
        }
        Ok(())
    }
}

/// The snake_case name of a field type, as written in the schema file.
pub fn type_name(ty: FieldType) -> String {
    serde_json::to_value(ty)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn check_field(field: &Field) -> Result<(), String> {
    let is_enum = field.ty == FieldType::Enum;
    if is_enum == field.values.is_empty() {
        return Err(format!(
            "字段“{}”：只有 enum 类型有 values，且 enum 必须有 values",
            field.name
        ));
    }
    for (alias, target) in &field.aliases {
        if !field.values.contains(target) {
            return Err(format!(
                "字段“{}”：别名“{alias}”指向不存在的值“{target}”",
                field.name
            ));
        }
    }
    for v in field
        .target_values
        .iter()
        .chain(&field.certified_social_worker)
    {
        if !field.values.contains(v) {
            return Err(format!("字段“{}”：“{v}”不是可选值", field.name));
        }
    }
    let is_ref = matches!(field.ty, FieldType::Ref | FieldType::Refs);
    if is_ref != field.references.is_some() {
        return Err(format!(
            "字段“{}”：ref/refs 类型必须且只能用 references 指明台账",
            field.name
        ));
    }
    Ok(())
}

fn check_ledger(schema: &Schema, ledger: &Ledger) -> Result<(), String> {
    let mut names = std::collections::HashSet::new();
    for f in &ledger.fields {
        if !names.insert(match_key(&f.name)) {
            return Err(format!("{}：字段“{}”重复", ledger.name, f.name));
        }
        if let Some(target) = &f.references {
            if schema.ledger(target).is_none() {
                return Err(format!(
                    "{}：字段“{}”引用了不存在的台账“{target}”",
                    ledger.name, f.name
                ));
            }
        }
    }
    let id = ledger
        .field(&ledger.id_field)
        .ok_or_else(|| format!("{}：编号字段“{}”不存在", ledger.name, ledger.id_field))?;
    if !id.unique || !id.required {
        return Err(format!(
            "{}：编号字段“{}”必须 required 且 unique",
            ledger.name, ledger.id_field
        ));
    }
    match ledger.field(&ledger.date_field) {
        Some(f) if f.ty == FieldType::Date && f.required => {}
        _ => {
            return Err(format!(
                "{}：date_field“{}”必须是必填的日期字段",
                ledger.name, ledger.date_field
            ))
        }
    }
    for (role, name) in &ledger.roles {
        if ledger.field(name).is_none() {
            return Err(format!(
                "{}：roles 中 {role} 指向不存在的字段“{name}”",
                ledger.name
            ));
        }
    }
    for rule in &ledger.rules {
        for name in rule.fields() {
            if ledger.field(name).is_none() {
                return Err(format!("{}：规则引用了不存在的字段“{name}”", ledger.name));
            }
        }
    }
    Ok(())
}
