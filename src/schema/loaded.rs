//! A loaded schema and what the rest of jucai asks of it.

use std::collections::{BTreeMap, HashMap};

use super::field::{FieldType, TypeInfo};
use super::keys::{Cover, RegistrySheet};
use super::ledger::Ledger;
use super::ledger_key::LedgerKey;
use super::roles::{AchievementRoles, ActivityRoles, CaseRoles, RosterRoles};

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
    pub(super) types: BTreeMap<FieldType, TypeInfo>,
    pub cover: Cover,
    /// In the file's order (the order of sheets in a template).
    pub ledgers: Vec<Ledger>,
    pub registry: RegistrySheet,
    pub roles: Roles,
    /// Compiled `pattern`s of `types`, by type.
    pub(super) patterns: HashMap<FieldType, regex::Regex>,
    /// Position in `ledgers` of each [`LedgerKey`].
    pub(super) by_key: [usize; 5],
    /// SHA-256 of the schema's text: what validated data was checked against.
    pub fingerprint: String,
}

impl Schema {
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
