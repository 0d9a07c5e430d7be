//! Reading workbooks: open any spreadsheet format from its bytes, find sheets
//! and header rows, and parse cells into typed values.

pub(crate) mod budget;
pub(crate) mod cell;
pub mod field;
pub mod guard;
pub mod id_number;
pub(crate) mod inflate;
pub(crate) mod merges;
pub(crate) mod ole;
mod package;
pub mod preflight;
pub(crate) mod submission;
pub(crate) mod table;
pub(crate) mod workbook;
mod xml;
