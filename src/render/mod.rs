//! The engines every report is written with: PDF pages (`pdf`), workbooks
//! (`xlsx`), Word documents (`docx`), the block model of an official
//! document they share (`document`), and console tables. What a report
//! says is in `crate::reports`.

pub mod console;
pub(crate) mod document;
pub(crate) mod docx;
pub mod pdf;
pub(crate) mod xlsx;
