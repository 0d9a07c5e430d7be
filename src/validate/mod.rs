//! Validation: typed parsing of every cell against the schema, then the
//! schema's cross-field rules.

pub mod field;
pub mod id_number;
