//! Rendering: everything jucai writes for people to open or print.

pub mod annual;
pub mod console;
pub mod directory;
pub mod document;
pub mod docx;
pub mod feedback;
pub mod field_view;
pub mod ledger_content;
pub mod ledger_template;
pub mod monthly;
pub mod orders;
pub mod packet;
pub mod pdf;
pub mod quarterly;
pub mod registry_xlsx;
pub mod report_doc;
pub mod status_xlsx;
pub mod xlsx;

#[cfg(test)]
mod tests {
    use crate::wording::Texts;

    /// Every wording file built into the binary parses, so the `expect`s on
    /// the shared ones (common, assess, six_haves) cannot fire at run time.
    #[test]
    fn every_wording_file_parses() {
        let files = [
            ("templates/common.toml", super::xlsx::COMMON),
            ("templates/assess.toml", crate::assess::WORDING),
            (
                "templates/six_haves.toml",
                crate::aggregate::six_haves::WORDING,
            ),
            ("templates/cli.toml", super::console::WORDING),
            ("templates/quarterly.toml", super::quarterly::WORDING),
            ("templates/annual.toml", super::annual::WORDING),
            ("templates/packet.toml", super::packet::WORDING),
            ("templates/directory.toml", super::directory::WORDING),
            ("templates/status.toml", super::status_xlsx::WORDING),
            ("templates/feedback.toml", super::feedback::WORDING),
            (
                "templates/ledger_workbook.toml",
                super::ledger_template::WORDING,
            ),
        ];
        for (origin, text) in files {
            if let Err(e) = Texts::parse(origin, text) {
                panic!("{e}");
            }
        }
    }
}
