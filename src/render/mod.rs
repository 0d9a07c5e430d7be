//! Rendering: everything jucai writes for people to open or print.

pub mod annual;
pub mod console;
pub mod directory;
pub mod feedback;
pub mod field_view;
pub mod ledger_template;
pub mod packet;
pub mod pdf;
pub mod quarterly;
pub mod registry_xlsx;
pub mod report_doc;
pub mod status_xlsx;
pub mod xlsx;
