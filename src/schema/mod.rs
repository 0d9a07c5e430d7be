//! The declarative ledger schema: the 封面, the five ledgers and the registry.
//!
//! Data lives in `templates/schema.toml`, compiled into the binary; `jucai.toml`
//! may name a replacement file. Everything that knows about fields (templates,
//! validation, feedback workbooks, README tables) reads it from here.
//!
//! A schema is resolved once, when it loads: ledger keys, cover and registry
//! keys become enums, the fields aggregation uses (roles) and the values that
//! mean something to it (markers) become column indices and checked values,
//! rules point at columns. Anything jucai does not know, or needs and does not
//! find, is a [`SchemaError`] naming the file, the ledger and the key, never a
//! silent zero in a report.

mod error;
mod file;
mod roles;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Msg, Severity};
use crate::text::match_key;

pub use error::{SchemaError, SchemaProblem};
pub use roles::{AchievementRoles, ActivityRoles, CaseRoles, RosterRoles};

/// The schema shipped with jucai.
pub const BUILTIN_SCHEMA: &str = include_str!("../../templates/schema.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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

impl FieldType {
    const ALL: [FieldType; 10] = [
        FieldType::Text,
        FieldType::Date,
        FieldType::Integer,
        FieldType::Money,
        FieldType::Enum,
        FieldType::Phone,
        FieldType::IdNumber,
        FieldType::Ref,
        FieldType::Refs,
        FieldType::Period,
    ];

    /// The name written in the schema file (`id_number`).
    pub fn name(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Date => "date",
            FieldType::Integer => "integer",
            FieldType::Money => "money",
            FieldType::Enum => "enum",
            FieldType::Phone => "phone",
            FieldType::IdNumber => "id_number",
            FieldType::Ref => "ref",
            FieldType::Refs => "refs",
            FieldType::Period => "period",
        }
    }

    fn from_name(name: &str) -> Option<FieldType> {
        FieldType::ALL.into_iter().find(|t| t.name() == name)
    }
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
    pub references: Option<LedgerKey>,
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
    /// Cover and registry fields: what jucai reads the field as.
    #[serde(default)]
    pub key: Option<String>,
    /// Cover fields jucai fills in itself.
    #[serde(default)]
    pub prefilled: bool,
    /// Normalised value or alias → index into `values` (built when the schema loads).
    #[serde(skip)]
    lookup: HashMap<String, usize>,
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
        let mut lookup = HashMap::new();
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

/// The five ledgers jucai knows, by their key in the schema file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerKey {
    Roster,
    Problems,
    Needs,
    Activities,
    Achievements,
}

impl LedgerKey {
    pub const ALL: [LedgerKey; 5] = [
        LedgerKey::Roster,
        LedgerKey::Problems,
        LedgerKey::Needs,
        LedgerKey::Activities,
        LedgerKey::Achievements,
    ];

    /// The key written in the schema file (and used in export paths).
    pub fn as_str(self) -> &'static str {
        match self {
            LedgerKey::Roster => "roster",
            LedgerKey::Problems => "problems",
            LedgerKey::Needs => "needs",
            LedgerKey::Activities => "activities",
            LedgerKey::Achievements => "achievements",
        }
    }

    pub fn from_name(key: &str) -> Option<LedgerKey> {
        LedgerKey::ALL.into_iter().find(|k| k.as_str() == key)
    }

    /// The roster is a snapshot; the others are dated events.
    pub fn kind(self) -> LedgerKind {
        match self {
            LedgerKey::Roster => LedgerKind::Snapshot,
            _ => LedgerKind::Events,
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

/// A cross-field rule of one ledger, its fields resolved to columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub check: Check,
    /// Errors keep a row out of the figures; a warning rule only tells the unit.
    pub severity: Severity,
    /// The message to word the finding with, instead of the check's own.
    pub message: Option<Msg>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// `field` must be filled when `if_field` is one of `if_in`; with `exclusive`,
    /// it must be empty otherwise.
    RequiredIf {
        field: usize,
        if_field: usize,
        if_in: Vec<String>,
        exclusive: bool,
    },
    /// Date `field` must not be before date `other`.
    NotBefore { field: usize, other: usize },
    /// Number `field` must not exceed number `other`.
    NotGreater { field: usize, other: usize },
    /// ID number `field` must agree with the birth date and sex fields.
    IdAgrees {
        field: usize,
        birth: usize,
        sex: usize,
    },
}

impl Rule {
    /// The column the rule's findings are placed on.
    pub fn field(&self) -> usize {
        match self.check {
            Check::RequiredIf { field, .. }
            | Check::NotBefore { field, .. }
            | Check::NotGreater { field, .. }
            | Check::IdAgrees { field, .. } => field,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Ledger {
    pub key: LedgerKey,
    pub name: String,
    pub kind: LedgerKind,
    pub id_field: String,
    pub date_field: String,
    /// Columns of the record id and of the date that places a record in a period.
    pub id: usize,
    pub date: usize,
    pub fields: Vec<Field>,
    pub rules: Vec<Rule>,
}

impl Ledger {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    /// The rules whose findings go on column `field`.
    pub fn rules_for(&self, field: usize) -> impl Iterator<Item = &Rule> + '_ {
        self.rules.iter().filter(move |r| r.field() == field)
    }
}

/// A key of a key/value sheet (cover, registry).
trait SheetKey: Copy + PartialEq + 'static {
    const ALL: &'static [Self];

    fn name(self) -> &'static str;

    fn from_name(key: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.name() == key)
    }
}

/// Defines a key enum of a key/value sheet (cover, registry): variants and
/// the names written in the schema file.
macro_rules! keys {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $key:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($variant,)*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The key written in the schema file.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $key,)*
                }
            }
        }

        impl SheetKey for $name {
            const ALL: &'static [$name] = $name::ALL;

            fn name(self) -> &'static str {
                self.as_str()
            }
        }
    };
}

keys! {
    /// What a cover field is to jucai.
    CoverKey {
        UnitCode = "unit_code",
        UnitName = "unit_name",
        Period = "period",
        Filler = "filler",
        Phone = "phone",
        FillDate = "fill_date",
    }
}

keys! {
    /// What a registry column is to jucai.
    RegistryKey {
        Code = "code",
        Name = "name",
        Level = "level",
        Parent = "parent",
        Kind = "kind",
        Address = "address",
        Area = "area",
        Head = "head",
        Phone = "phone",
        Rules = "rules",
        Opened = "opened",
        Note = "note",
        Duty = "duty",
        Secretary = "secretary",
    }
}

impl RegistryKey {
    /// Columns a district's registry may leave out (added after the first
    /// release, so older schemas still load).
    const OPTIONAL: [RegistryKey; 2] = [RegistryKey::Duty, RegistryKey::Secretary];
}

/// Fields of a key/value sheet (the cover, the registry) with what each is to jucai.
#[derive(Debug, Clone)]
pub struct Keyed<K> {
    pub sheet: String,
    /// The sheet's title line (the cover's; empty for the registry).
    pub title: String,
    pub fields: Vec<Field>,
    /// Per field (same order): its key, if jucai reads it.
    keys: Vec<Option<K>>,
}

impl<K: Copy + PartialEq> Keyed<K> {
    /// The key of field `i`.
    pub fn key_at(&self, i: usize) -> Option<K> {
        self.keys.get(i).copied().flatten()
    }

    /// The column (field index) of `key`, if the schema has it.
    pub fn column(&self, key: K) -> Option<usize> {
        self.keys.iter().position(|k| *k == Some(key))
    }

    /// The field of `key`, if the schema has it.
    pub fn field(&self, key: K) -> Option<&Field> {
        self.column(key).map(|i| &self.fields[i])
    }
}

/// The 封面 sheet.
pub type Cover = Keyed<CoverKey>;

/// The registry (平台名录) sheet's columns.
pub type RegistrySheet = Keyed<RegistryKey>;

/// The roles of every ledger (see [`roles`]).
#[derive(Debug, Clone)]
pub struct Roles {
    pub roster: RosterRoles,
    pub problems: CaseRoles,
    pub needs: CaseRoles,
    pub activities: ActivityRoles,
    pub achievements: AchievementRoles,
}

#[derive(Debug, Clone)]
pub struct Schema {
    pub version: u32,
    pub dates_not_after_period_end: bool,
    types: BTreeMap<FieldType, TypeInfo>,
    pub cover: Cover,
    /// In the file's order (the order of sheets in a template).
    pub ledgers: Vec<Ledger>,
    pub registry: RegistrySheet,
    pub roles: Roles,
    /// Compiled `pattern`s of `types`, by type.
    patterns: HashMap<FieldType, regex::Regex>,
    /// Position in `ledgers` of each [`LedgerKey`].
    by_key: [usize; 5],
    /// SHA-256 of the schema's text: what validated data was checked against.
    pub fingerprint: String,
}

impl Schema {
    pub fn builtin() -> Schema {
        Schema::parse(BUILTIN_SCHEMA, "templates/schema.toml")
            .expect("the built-in schema is valid (checked by tests)")
    }

    pub fn load(path: &Path) -> Result<Schema, SchemaError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| SchemaError {
            origin: origin.clone(),
            problem: SchemaProblem::Io {
                path: path.to_path_buf(),
                source,
            },
        })?;
        Schema::parse(&text, &origin)
    }

    pub fn parse(text: &str, origin: &str) -> Result<Schema, SchemaError> {
        let fail = |problem| SchemaError {
            origin: origin.to_string(),
            problem,
        };
        let raw: file::SchemaFile =
            toml::from_str(text).map_err(|e| fail(SchemaProblem::Toml(e)))?;
        let mut schema = file::resolve(raw).map_err(fail)?;
        schema.fingerprint = crate::hash::sha256_hex(text.as_bytes());
        Ok(schema)
    }

    /// The ledger of `key` (every schema has all five).
    pub fn ledger(&self, key: LedgerKey) -> &Ledger {
        &self.ledgers[self.by_key[key as usize]]
    }

    /// The values that count toward the five-kind activity target.
    pub fn five_kinds(&self) -> &[String] {
        let l = self.ledger(LedgerKey::Activities);
        &l.fields[self.roles.activities.kind].target_values
    }

    /// The achievement types that count as research reports.
    pub fn research_types(&self) -> &[String] {
        let l = self.ledger(LedgerKey::Achievements);
        &l.fields[self.roles.achievements.kind].target_values
    }

    pub fn type_info(&self, ty: FieldType) -> Option<&TypeInfo> {
        self.types.get(&ty)
    }

    /// The compiled pattern values of this type must match, if the schema sets one.
    pub fn pattern(&self, ty: FieldType) -> Option<&regex::Regex> {
        self.patterns.get(&ty)
    }
}
