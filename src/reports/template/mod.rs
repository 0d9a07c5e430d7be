//! The ledger workbook every unit fills in (`workbook`: 填报说明, 封面 and the
//! five ledgers from the schema), what it can be filled with (`content`),
//! how fields are described to people (`field_view`), what a unit's next
//! workbook starts with (`prefill`), and the registry workbook (`registry`).

pub mod content;
pub(crate) mod field_view;
pub mod prefill;
pub mod registry;
pub mod workbook;
