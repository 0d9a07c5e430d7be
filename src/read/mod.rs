//! Reading workbooks: open any spreadsheet format from its bytes, find sheets
//! and header rows, and parse cells into typed values.

pub mod cell;
pub mod guard;
pub mod merges;
pub mod ole;
pub mod preflight;
pub mod submission;
pub mod table;
pub mod workbook;
mod xml;
