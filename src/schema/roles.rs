//! What aggregation uses each ledger's fields for (roles, such as `joined` →
//! 入库日期) and which of their values mean something to it (markers, such as
//! `escalated` → 已上报). A schema names them by key; loading resolves them
//! into column indices and checked values, so a misspelt, missing or
//! mistyped role is refused instead of counting nothing.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::error::SchemaProblem;
use super::field::{Field, FieldType};

/// A marker's value in the schema file: one value, or several.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(super) enum MarkerValue {
    One(String),
    Many(Vec<String>),
}

impl MarkerValue {
    fn values(&self) -> Vec<String> {
        match self {
            MarkerValue::One(v) => vec![v.clone()],
            MarkerValue::Many(v) => v.clone(),
        }
    }
}

/// The roster's columns aggregation reads, and the values it counts by.
#[derive(Debug, Clone)]
pub struct RosterRoles {
    pub joined: usize,
    pub left: usize,
    pub birth: usize,
    pub sex: usize,
    pub kind: usize,
    pub education: usize,
    pub politics: usize,
    pub qualification: usize,
    pub key: usize,
    pub deputy: usize,
    /// The `key` field's value for a key talent (是).
    pub key_talent: String,
    /// The `deputy` field's value for someone who is no deputy (无).
    pub no_deputy: String,
    /// The `politics` values that count as party members.
    pub party: Vec<String>,
    /// 同意宣传 and the value that means yes (是): who may be shown in the
    /// 人才风采 brochure, board and screen. A schema without it shows nobody.
    pub consent: Option<(usize, String)>,
    /// 风采简介: the short text the talent approved, when the schema has it.
    pub profile: Option<usize>,
    /// 姓名 and 工作单位, for the 人才风采 (a schema without `name` shows nobody).
    pub name: Option<usize>,
    pub employer: Option<usize>,
}

/// The columns of a problem or need log.
#[derive(Debug, Clone)]
pub struct CaseRoles {
    pub closed: usize,
    pub status: usize,
    pub category: usize,
    pub description: usize,
    /// The status of a case passed upward (problems: 已上报).
    pub escalated: Option<String>,
    /// The status of a case closed as satisfied (needs: 已满足).
    pub satisfied: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ActivityRoles {
    pub name: usize,
    pub kind: usize,
    pub scope: usize,
    pub participants: usize,
    pub talents: usize,
    pub funds: usize,
    /// The scope of a sector-wide activity (全行业).
    pub sector_wide: String,
}

#[derive(Debug, Clone)]
pub struct AchievementRoles {
    pub name: usize,
    pub kind: usize,
    pub level: usize,
}

/// One role: its key in the schema file and the field types it may point at.
struct RoleSpec {
    name: &'static str,
    types: &'static [FieldType],
}

/// One marker: its key, the role whose values it names, and whether it is a list.
struct MarkerSpec {
    name: &'static str,
    role: &'static str,
    many: bool,
}

const DATE: &[FieldType] = &[FieldType::Date];
const ENUM: &[FieldType] = &[FieldType::Enum];
const TEXT: &[FieldType] = &[FieldType::Text, FieldType::Enum];
const COUNT: &[FieldType] = &[FieldType::Integer];
const AMOUNT: &[FieldType] = &[FieldType::Money, FieldType::Integer];

const fn role(name: &'static str, types: &'static [FieldType]) -> RoleSpec {
    RoleSpec { name, types }
}

const fn marker(name: &'static str, role: &'static str, many: bool) -> MarkerSpec {
    MarkerSpec { name, role, many }
}

const ROSTER_ROLES: &[RoleSpec] = &[
    role("joined", DATE),
    role("left", DATE),
    role("birth", DATE),
    role("sex", ENUM),
    role("kind", ENUM),
    role("education", ENUM),
    role("politics", ENUM),
    role("qualification", ENUM),
    role("key", ENUM),
    role("deputy", ENUM),
    role("consent", ENUM),
    role("profile", TEXT),
    role("name", TEXT),
    role("employer", TEXT),
];
const ROSTER_MARKERS: &[MarkerSpec] = &[
    marker("key", "key", false),
    marker("no_deputy", "deputy", false),
    marker("party", "politics", true),
    marker("consent", "consent", false),
];
const CASE_ROLES: &[RoleSpec] = &[
    role("closed", DATE),
    role("status", ENUM),
    role("category", ENUM),
    role("description", TEXT),
];
const PROBLEM_MARKERS: &[MarkerSpec] = &[marker("escalated", "status", false)];
const NEED_MARKERS: &[MarkerSpec] = &[marker("satisfied", "status", false)];
const ACTIVITY_ROLES: &[RoleSpec] = &[
    role("name", TEXT),
    role("type", ENUM),
    role("scope", ENUM),
    role("participants", COUNT),
    role("talents", COUNT),
    role("funds", AMOUNT),
];
const ACTIVITY_MARKERS: &[MarkerSpec] = &[marker("sector_wide", "scope", false)];
const ACHIEVEMENT_ROLES: &[RoleSpec] =
    &[role("name", TEXT), role("type", ENUM), role("level", ENUM)];

/// Resolves one ledger's `roles` and `markers` against its fields.
pub(super) struct Resolver<'a> {
    ledger: &'a str,
    fields: &'a [Field],
    roles: &'a BTreeMap<String, String>,
    markers: &'a BTreeMap<String, MarkerValue>,
    role_specs: &'static [RoleSpec],
    marker_specs: &'static [MarkerSpec],
}

impl<'a> Resolver<'a> {
    fn new(
        ledger: &'a str,
        fields: &'a [Field],
        roles: &'a BTreeMap<String, String>,
        markers: &'a BTreeMap<String, MarkerValue>,
        role_specs: &'static [RoleSpec],
        marker_specs: &'static [MarkerSpec],
    ) -> Result<Resolver<'a>, SchemaProblem> {
        let known_roles = || names(role_specs.iter().map(|r| r.name));
        if let Some(role) = roles
            .keys()
            .find(|r| !role_specs.iter().any(|s| s.name == *r))
        {
            return Err(SchemaProblem::UnknownRole {
                ledger: ledger.to_string(),
                role: role.clone(),
                known: known_roles(),
            });
        }
        if let Some(m) = markers
            .keys()
            .find(|m| !marker_specs.iter().any(|s| s.name == *m))
        {
            return Err(SchemaProblem::UnknownMarker {
                ledger: ledger.to_string(),
                marker: m.clone(),
                known: names(marker_specs.iter().map(|s| s.name)),
            });
        }
        Ok(Resolver {
            ledger,
            fields,
            roles,
            markers,
            role_specs,
            marker_specs,
        })
    }

    /// The column of a role, checked to exist and to have a type the role allows.
    fn col(&self, name: &'static str) -> Result<usize, SchemaProblem> {
        let spec =
            self.role_specs
                .iter()
                .find(|s| s.name == name)
                .ok_or(SchemaProblem::MissingRole {
                    ledger: self.ledger.to_string(),
                    role: name,
                })?;
        let field_name = self.roles.get(name).ok_or(SchemaProblem::MissingRole {
            ledger: self.ledger.to_string(),
            role: name,
        })?;
        let i = self
            .fields
            .iter()
            .position(|f| f.name == *field_name)
            .ok_or_else(|| SchemaProblem::RoleField {
                ledger: self.ledger.to_string(),
                role: name.to_string(),
                field: field_name.clone(),
            })?;
        if !spec.types.contains(&self.fields[i].ty) {
            return Err(SchemaProblem::RoleType {
                ledger: self.ledger.to_string(),
                role: name,
                field: field_name.clone(),
                expected: type_words(spec.types),
            });
        }
        Ok(i)
    }

    /// The column of a role a schema may leave out (`None` when it does).
    fn optional_col(&self, name: &'static str) -> Result<Option<usize>, SchemaProblem> {
        match self.roles.contains_key(name) {
            true => self.col(name).map(Some),
            false => Ok(None),
        }
    }

    /// A marker's values, checked against its role field's enumeration.
    fn values(&self, name: &'static str) -> Result<Vec<String>, SchemaProblem> {
        let missing = || SchemaProblem::MissingMarker {
            ledger: self.ledger.to_string(),
            marker: name,
        };
        let spec = self
            .marker_specs
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(missing)?;
        let values = self.markers.get(name).ok_or_else(missing)?.values();
        if values.is_empty() || (!spec.many && values.len() != 1) {
            return Err(missing());
        }
        let field = &self.fields[self.col(spec.role)?];
        if let Some(bad) = values.iter().find(|v| !field.values.contains(v)) {
            return Err(SchemaProblem::MarkerValue {
                ledger: self.ledger.to_string(),
                marker: name,
                field: field.name.clone(),
                value: bad.clone(),
            });
        }
        Ok(values)
    }

    fn value(&self, name: &'static str) -> Result<String, SchemaProblem> {
        Ok(self.values(name)?.remove(0))
    }
}

/// `a、b、c` for messages.
fn names<'n>(names: impl Iterator<Item = &'n str>) -> String {
    names.collect::<Vec<_>>().join("、")
}

fn type_words(types: &[FieldType]) -> &'static str {
    match types {
        [FieldType::Date] => " date（日期）",
        [FieldType::Enum] => " enum（下拉选择）",
        [FieldType::Integer] => " integer（整数）",
        [FieldType::Money, ..] => " money（金额）或 integer（整数）",
        _ => " text（文本）或 enum（下拉选择）",
    }
}

/// The raw `roles` and `markers` of one ledger, as written.
pub(super) struct Declared<'a> {
    pub ledger: &'a str,
    pub fields: &'a [Field],
    pub roles: &'a BTreeMap<String, String>,
    pub markers: &'a BTreeMap<String, MarkerValue>,
}

impl Declared<'_> {
    fn resolver(
        &self,
        roles: &'static [RoleSpec],
        markers: &'static [MarkerSpec],
    ) -> Result<Resolver<'_>, SchemaProblem> {
        Resolver::new(
            self.ledger,
            self.fields,
            self.roles,
            self.markers,
            roles,
            markers,
        )
    }

    pub(super) fn roster(&self) -> Result<RosterRoles, SchemaProblem> {
        let r = self.resolver(ROSTER_ROLES, ROSTER_MARKERS)?;
        Ok(RosterRoles {
            joined: r.col("joined")?,
            left: r.col("left")?,
            birth: r.col("birth")?,
            sex: r.col("sex")?,
            kind: r.col("kind")?,
            education: r.col("education")?,
            politics: r.col("politics")?,
            qualification: r.col("qualification")?,
            key: r.col("key")?,
            deputy: r.col("deputy")?,
            key_talent: r.value("key")?,
            no_deputy: r.value("no_deputy")?,
            party: r.values("party")?,
            consent: match r.optional_col("consent")? {
                Some(col) => Some((col, r.value("consent")?)),
                None => None,
            },
            profile: r.optional_col("profile")?,
            name: r.optional_col("name")?,
            employer: r.optional_col("employer")?,
        })
    }

    pub(super) fn problems(&self) -> Result<CaseRoles, SchemaProblem> {
        let r = self.resolver(CASE_ROLES, PROBLEM_MARKERS)?;
        Ok(CaseRoles {
            escalated: Some(r.value("escalated")?),
            satisfied: None,
            ..case_columns(&r)?
        })
    }

    pub(super) fn needs(&self) -> Result<CaseRoles, SchemaProblem> {
        let r = self.resolver(CASE_ROLES, NEED_MARKERS)?;
        Ok(CaseRoles {
            escalated: None,
            satisfied: Some(r.value("satisfied")?),
            ..case_columns(&r)?
        })
    }

    pub(super) fn activities(&self) -> Result<ActivityRoles, SchemaProblem> {
        let r = self.resolver(ACTIVITY_ROLES, ACTIVITY_MARKERS)?;
        Ok(ActivityRoles {
            name: r.col("name")?,
            kind: r.col("type")?,
            scope: r.col("scope")?,
            participants: r.col("participants")?,
            talents: r.col("talents")?,
            funds: r.col("funds")?,
            sector_wide: r.value("sector_wide")?,
        })
    }

    pub(super) fn achievements(&self) -> Result<AchievementRoles, SchemaProblem> {
        let r = self.resolver(ACHIEVEMENT_ROLES, &[])?;
        Ok(AchievementRoles {
            name: r.col("name")?,
            kind: r.col("type")?,
            level: r.col("level")?,
        })
    }
}

fn case_columns(r: &Resolver<'_>) -> Result<CaseRoles, SchemaProblem> {
    Ok(CaseRoles {
        closed: r.col("closed")?,
        status: r.col("status")?,
        category: r.col("category")?,
        description: r.col("description")?,
        escalated: None,
        satisfied: None,
    })
}
