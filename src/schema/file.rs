//! The schema file as written, and its resolution into a [`Schema`]: every
//! name checked and turned into the types the rest of jucai works with.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;

use super::error::SchemaProblem;
use super::field::{Field, FieldType, TypeInfo};
use super::keys::{CoverKey, Keyed, RegistryKey, SheetKey};
use super::ledger::{Check, Ledger, Rule};
use super::ledger_key::{LedgerKey, LedgerKind};
use super::loaded::{Roles, Schema};
use super::roles::{Declared, MarkerValue};
use crate::diagnostic::{catalogue, Code, Msg, Severity};
use crate::text::match_key;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SchemaFile {
    version: u32,
    #[serde(default)]
    dates_not_after_period_end: bool,
    types: BTreeMap<String, TypeInfo>,
    cover: SheetFile,
    ledgers: Vec<LedgerFile>,
    registry: SheetFile,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SheetFile {
    sheet: String,
    #[serde(default)]
    title: String,
    fields: Vec<Field>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LedgerFile {
    key: String,
    name: String,
    kind: LedgerKind,
    id_field: String,
    date_field: String,
    fields: Vec<Field>,
    #[serde(default)]
    rules: Vec<RuleFile>,
    /// What aggregation uses each field for (`joined` → 入库日期 …).
    #[serde(default)]
    roles: BTreeMap<String, String>,
    /// Values with a meaning to aggregation (`escalated` → 已上报 …).
    #[serde(default)]
    markers: BTreeMap<String, MarkerValue>,
}

#[derive(Debug, Deserialize)]
struct RuleFile {
    #[serde(flatten)]
    check: CheckFile,
    #[serde(default)]
    severity: Severity,
    /// A key of `templates/messages.toml` to word the finding with.
    #[serde(default)]
    message: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum CheckFile {
    RequiredIf {
        field: String,
        if_field: String,
        if_in: Vec<String>,
        #[serde(default)]
        exclusive: bool,
    },
    NotBefore {
        field: String,
        other: String,
    },
    NotGreater {
        field: String,
        other: String,
    },
    IdAgrees {
        field: String,
        birth: String,
        sex: String,
    },
}

impl CheckFile {
    /// The name of the rule type, as written.
    fn name(&self) -> &'static str {
        match self {
            CheckFile::RequiredIf { .. } => "required_if",
            CheckFile::NotBefore { .. } => "not_before",
            CheckFile::NotGreater { .. } => "not_greater",
            CheckFile::IdAgrees { .. } => "id_agrees",
        }
    }

    /// The diagnostic code the rule's findings have.
    fn code(&self) -> Code {
        match self {
            CheckFile::RequiredIf { .. } => Code::ConditionalRequired,
            CheckFile::NotBefore { .. } => Code::DateOrder,
            CheckFile::NotGreater { .. } => Code::RangeError,
            CheckFile::IdAgrees { .. } => Code::InconsistentValue,
        }
    }
}

/// Turn the file into a schema, checking everything a hand-edited file can get wrong.
pub(super) fn resolve(raw: SchemaFile) -> Result<Schema, SchemaProblem> {
    let types = resolve_types(raw.types)?;
    let patterns = compile_patterns(&types)?;
    let all_fields = raw
        .cover
        .fields
        .iter()
        .chain(&raw.registry.fields)
        .chain(raw.ledgers.iter().flat_map(|l| &l.fields));
    for field in all_fields {
        if !types.contains_key(&field.ty) {
            return Err(SchemaProblem::TypeUndescribed(field.name.clone()));
        }
        check_field(field)?;
    }
    let keys = ledger_keys(&raw.ledgers)?;
    let mut by_key = [0; 5];
    for (i, key) in keys.iter().enumerate() {
        by_key[*key as usize] = i;
    }
    let roles = resolve_roles(&raw.ledgers, &by_key)?;
    let mut ledgers = raw
        .ledgers
        .iter()
        .zip(&keys)
        .map(|(l, key)| resolve_ledger(l, *key))
        .collect::<Result<Vec<_>, _>>()?;
    check_target_fields(&ledgers, &by_key, &roles)?;
    let mut cover: Keyed<CoverKey> = keyed(raw.cover, "封面", &[])?;
    let mut registry: Keyed<RegistryKey> = keyed(raw.registry, "平台名录", &RegistryKey::OPTIONAL)?;
    let fields = cover
        .fields
        .iter_mut()
        .chain(registry.fields.iter_mut())
        .chain(ledgers.iter_mut().flat_map(|l| l.fields.iter_mut()));
    for field in fields {
        field.build_lookup();
    }
    Ok(Schema {
        version: raw.version,
        dates_not_after_period_end: raw.dates_not_after_period_end,
        types,
        cover,
        ledgers,
        registry,
        roles,
        patterns,
        by_key,
        fingerprint: String::new(),
    })
}

fn resolve_types(
    raw: BTreeMap<String, TypeInfo>,
) -> Result<BTreeMap<FieldType, TypeInfo>, SchemaProblem> {
    raw.into_iter()
        .map(|(name, info)| match FieldType::from_name(&name) {
            Some(ty) => Ok((ty, info)),
            None => Err(SchemaProblem::UnknownType(name)),
        })
        .collect()
}

fn compile_patterns(
    types: &BTreeMap<FieldType, TypeInfo>,
) -> Result<HashMap<FieldType, regex::Regex>, SchemaProblem> {
    let mut out = HashMap::new();
    for (ty, info) in types {
        if let Some(pattern) = &info.pattern {
            let re = regex::Regex::new(pattern).map_err(|source| SchemaProblem::Pattern {
                name: ty.name().to_string(),
                source,
            })?;
            out.insert(*ty, re);
        }
    }
    Ok(out)
}

fn check_field(field: &Field) -> Result<(), SchemaProblem> {
    let fail = |what: String| {
        Err(SchemaProblem::Field {
            field: field.name.clone(),
            what,
        })
    };
    let is_enum = field.ty == FieldType::Enum;
    if is_enum == field.values.is_empty() {
        return fail("只有 enum 类型有 values，且 enum 必须有 values".into());
    }
    for (alias, target) in &field.aliases {
        if !field.values.contains(target) {
            return fail(format!("别名“{alias}”指向不存在的值“{target}”"));
        }
    }
    for v in field
        .target_values
        .iter()
        .chain(&field.certified_social_worker)
    {
        if !field.values.contains(v) {
            return fail(format!("“{v}”不是可选值"));
        }
    }
    let is_ref = matches!(field.ty, FieldType::Ref | FieldType::Refs);
    if is_ref != field.references.is_some() {
        return fail("ref/refs 类型必须且只能用 references 指明台账".into());
    }
    Ok(())
}

/// Each ledger's key, checked: known, none twice, none missing.
fn ledger_keys(ledgers: &[LedgerFile]) -> Result<Vec<LedgerKey>, SchemaProblem> {
    let known = || {
        LedgerKey::ALL
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    let mut keys = Vec::new();
    for l in ledgers {
        let key = LedgerKey::from_name(&l.key).ok_or_else(|| SchemaProblem::UnknownLedger {
            key: l.key.clone(),
            known: known(),
        })?;
        if keys.contains(&key) {
            return Err(SchemaProblem::DuplicateLedger(l.key.clone()));
        }
        if l.kind != key.kind() {
            return Err(SchemaProblem::LedgerKind {
                ledger: l.name.clone(),
                expected: match key.kind() {
                    LedgerKind::Snapshot => "snapshot",
                    LedgerKind::Events => "events",
                },
            });
        }
        keys.push(key);
    }
    if let Some(missing) = LedgerKey::ALL.iter().find(|k| !keys.contains(k)) {
        return Err(SchemaProblem::MissingLedger(missing.as_str()));
    }
    Ok(keys)
}

fn resolve_roles(ledgers: &[LedgerFile], by_key: &[usize; 5]) -> Result<Roles, SchemaProblem> {
    let declared = |key: LedgerKey| {
        let l = &ledgers[by_key[key as usize]];
        Declared {
            ledger: &l.name,
            fields: &l.fields,
            roles: &l.roles,
            markers: &l.markers,
        }
    };
    Ok(Roles {
        roster: declared(LedgerKey::Roster).roster()?,
        problems: declared(LedgerKey::Problems).problems()?,
        needs: declared(LedgerKey::Needs).needs()?,
        activities: declared(LedgerKey::Activities).activities()?,
        achievements: declared(LedgerKey::Achievements).achievements()?,
    })
}

fn resolve_ledger(l: &LedgerFile, key: LedgerKey) -> Result<Ledger, SchemaProblem> {
    let problem = |what: String| SchemaProblem::Ledger {
        ledger: l.name.clone(),
        what,
    };
    let mut names = HashSet::new();
    for f in &l.fields {
        if !names.insert(match_key(&f.name)) {
            return Err(SchemaProblem::DuplicateField {
                ledger: l.name.clone(),
                field: f.name.clone(),
            });
        }
    }
    let position = |name: &str| l.fields.iter().position(|f| f.name == name);
    let id =
        position(&l.id_field).ok_or_else(|| problem(format!("编号字段“{}”不存在", l.id_field)))?;
    if !l.fields[id].unique || !l.fields[id].required {
        return Err(problem(format!(
            "编号字段“{}”必须 required 且 unique",
            l.id_field
        )));
    }
    let date = position(&l.date_field)
        .filter(|&i| l.fields[i].ty == FieldType::Date && l.fields[i].required)
        .ok_or_else(|| problem(format!("date_field“{}”必须是必填的日期字段", l.date_field)))?;
    let rules = l
        .rules
        .iter()
        .map(|r| resolve_rule(l, r))
        .collect::<Result<_, _>>()?;
    Ok(Ledger {
        key,
        name: l.name.clone(),
        kind: l.kind,
        id_field: l.id_field.clone(),
        date_field: l.date_field.clone(),
        id,
        date,
        fields: l.fields.clone(),
        rules,
    })
}

fn resolve_rule(l: &LedgerFile, rule: &RuleFile) -> Result<Rule, SchemaProblem> {
    let col = |name: &String| {
        l.fields
            .iter()
            .position(|f| f.name == *name)
            .ok_or_else(|| SchemaProblem::RuleField {
                ledger: l.name.clone(),
                field: name.clone(),
            })
    };
    let check = match &rule.check {
        CheckFile::RequiredIf {
            field,
            if_field,
            if_in,
            exclusive,
        } => Check::RequiredIf {
            field: col(field)?,
            if_field: col(if_field)?,
            if_in: if_in.clone(),
            exclusive: *exclusive,
        },
        CheckFile::NotBefore { field, other } => Check::NotBefore {
            field: col(field)?,
            other: col(other)?,
        },
        CheckFile::NotGreater { field, other } => Check::NotGreater {
            field: col(field)?,
            other: col(other)?,
        },
        CheckFile::IdAgrees { field, birth, sex } => Check::IdAgrees {
            field: col(field)?,
            birth: col(birth)?,
            sex: col(sex)?,
        },
    };
    let message = rule
        .message
        .as_deref()
        .map(|key| rule_message(&l.name, &rule.check, key))
        .transpose()?;
    Ok(Rule {
        check,
        severity: rule.severity,
        message,
    })
}

/// A rule's own message: a known one, of the code the rule's findings have.
fn rule_message(ledger: &str, check: &CheckFile, key: &str) -> Result<Msg, SchemaProblem> {
    let msg = Msg::from_key(key).ok_or_else(|| SchemaProblem::UnknownMessage {
        ledger: ledger.to_string(),
        message: key.to_string(),
    })?;
    let code = catalogue().code(msg);
    if code != check.code() {
        return Err(SchemaProblem::MessageCode {
            ledger: ledger.to_string(),
            message: key.to_string(),
            code: code.as_str(),
            rule: check.name(),
            expected: check.code().as_str(),
        });
    }
    Ok(msg)
}

/// Target values and certified qualifications mean something only on the
/// fields aggregation counts them on, and must be there.
fn check_target_fields(
    ledgers: &[Ledger],
    by_key: &[usize; 5],
    roles: &Roles,
) -> Result<(), SchemaProblem> {
    let at = |key: LedgerKey, col: usize| (by_key[key as usize], col);
    let targets = [
        at(LedgerKey::Activities, roles.activities.kind),
        at(LedgerKey::Achievements, roles.achievements.kind),
    ];
    let certified = at(LedgerKey::Roster, roles.roster.qualification);
    for (li, l) in ledgers.iter().enumerate() {
        for (fi, f) in l.fields.iter().enumerate() {
            let fail = |what: &str| {
                Err(SchemaProblem::Ledger {
                    ledger: l.name.clone(),
                    what: format!("字段“{}”{what}", f.name),
                })
            };
            let counted = targets.contains(&(li, fi));
            if counted && f.target_values.is_empty() {
                return fail("须用 target_values 列出计入年度目标的取值");
            }
            if !counted && !f.target_values.is_empty() {
                return fail("的 target_values 不会被使用（只用于活动类型和成果类型）");
            }
            if (li, fi) != certified && !f.certified_social_worker.is_empty() {
                return fail("的 certified_social_worker 不会被使用（只用于职业资格）");
            }
        }
    }
    Ok(())
}

/// A key/value sheet's fields with their keys resolved: every key known, none
/// twice, every key jucai needs present.
fn keyed<K: SheetKey>(
    raw: SheetFile,
    sheet_word: &str,
    optional: &[K],
) -> Result<Keyed<K>, SchemaProblem> {
    let all = K::ALL;
    let known = || all.iter().map(|k| k.name()).collect::<Vec<_>>().join("、");
    let mut keys = Vec::with_capacity(raw.fields.len());
    for f in &raw.fields {
        let key = match &f.key {
            None => None,
            Some(name) => Some(K::from_name(name).ok_or_else(|| SchemaProblem::UnknownKey {
                sheet: sheet_word.to_string(),
                field: f.name.clone(),
                key: name.clone(),
                known: known(),
            })?),
        };
        if key.is_some() && keys.contains(&key) {
            return Err(SchemaProblem::DuplicateKey {
                sheet: sheet_word.to_string(),
                key: f.key.clone().unwrap_or_default(),
            });
        }
        keys.push(key);
    }
    if let Some(missing) = all
        .iter()
        .find(|k| !optional.contains(k) && !keys.contains(&Some(**k)))
    {
        return Err(SchemaProblem::MissingKey {
            sheet: sheet_word.to_string(),
            key: missing.name(),
        });
    }
    Ok(Keyed {
        sheet: raw.sheet,
        title: raw.title,
        fields: raw.fields,
        keys,
    })
}
