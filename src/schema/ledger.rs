//! A ledger: its key, its fields, the columns of its record id and date, and
//! its cross-field rules.

use super::field::Field;
use super::ledger_key::{LedgerKey, LedgerKind};
use crate::diagnostic::{Msg, Severity};

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
