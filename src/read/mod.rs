//! Reading workbooks: open any spreadsheet format from its bytes, find sheets
//! and header rows, and parse cells into typed values.

pub mod budget;
pub mod cell;
pub mod field;
pub mod guard;
pub mod id_number;
pub mod inflate;
pub mod merges;
pub mod ole;
mod package;
pub mod preflight;
pub mod submission;
pub mod table;
pub mod workbook;
mod xml;
