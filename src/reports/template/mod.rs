//! The ledger workbook every unit fills in (`workbook`: 填报说明, 封面 and the
//! five ledgers from the schema), what it can be filled with (`content`),
//! how fields are described to people (`field_view`), and the registry
//! workbook (`registry`).

pub mod content;
pub(crate) mod field_view;
pub mod registry;
pub mod workbook;
