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
mod field;
mod file;
mod keys;
mod ledger;
mod ledger_key;
mod loaded;
mod roles;

use std::path::Path;

pub use error::{SchemaError, SchemaProblem};
pub use field::{Field, FieldType, TypeInfo};
pub use keys::{Cover, CoverKey, Keyed, RegistryKey, RegistrySheet};
pub use ledger::{Check, Ledger, Rule};
pub use ledger_key::{LedgerKey, LedgerKind};
pub use loaded::{Roles, Schema};
pub use roles::{AchievementRoles, ActivityRoles, CaseRoles, RosterRoles};

/// The schema shipped with jucai.
pub const BUILTIN_SCHEMA: &str = include_str!("../../templates/schema.toml");

impl Schema {
    pub fn builtin() -> Schema {
        Schema::parse(BUILTIN_SCHEMA, "templates/schema.toml")
            .expect("the built-in schema is valid (checked by tests)")
    }

    pub fn load(path: &Path) -> Result<Schema, SchemaError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| SchemaError {
            origin: origin.clone(),
            problem: Box::new(SchemaProblem::Io {
                path: path.to_path_buf(),
                source,
            }),
        })?;
        Schema::parse(&text, &origin)
    }

    pub fn parse(text: &str, origin: &str) -> Result<Schema, SchemaError> {
        let fail = |problem| SchemaError {
            origin: origin.to_string(),
            problem: Box::new(problem),
        };
        let raw: file::SchemaFile =
            toml::from_str(text).map_err(|e| fail(SchemaProblem::Toml(e)))?;
        let mut schema = file::resolve(raw).map_err(fail)?;
        schema.fingerprint = crate::hash::sha256_hex(text.as_bytes());
        Ok(schema)
    }
}
