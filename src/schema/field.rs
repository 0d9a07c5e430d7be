//! A field of a sheet: its type, whether it is required, its allowed values.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::ledger_key::LedgerKey;
use crate::text::match_key;

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

    pub(super) fn from_name(name: &str) -> Option<FieldType> {
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

    pub(super) fn build_lookup(&mut self) {
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
