//! Everything jucai writes for people to read, one folder per kind: its
//! model (the numbers, which `--format json` prints), how it is built from
//! the figures, and how it is rendered. The engines they render with (PDF,
//! XLSX, Word, the document form) are in `crate::render`.
//!
//! ```text
//! quarterly   季度报告: one unit and its scope for a quarter
//! summary     年度人才调研报告 and 半年人才工作总结, folded from the quarters
//! monthly     月调度表: the centre's monthly dispatch sheet
//! status      报送情况: who sent, on time, late, returned, missing
//! directory   平台名录表: the 1+4+N table
//! packet      年度考核材料: the stations' assessment and the workrooms' ranking
//! showcase    人才风采: the consenting talents in a brochure, on a board and a screen
//! feedback    校验反馈表: a unit's own workbook, marked up
//! template    the ledger workbook (blank templates, feedback's layout) and the registry workbook
//! six_haves   the 六有 checks, for the quarterly report and the packets
//! doc         a figures report as sections, written as PDF, XLSX and Word
//! orders      the order breakdowns are shown in
//! ```

pub(crate) mod directory;
pub(crate) mod doc;
pub(crate) mod feedback;
pub(crate) mod monthly;
pub(crate) mod orders;
pub mod packet;
pub mod quarterly;
pub mod showcase;
pub mod six_haves;
pub mod status;
pub mod summary;
pub mod template;

#[cfg(test)]
mod tests {
    use crate::wording::Texts;

    /// Every wording file built into the binary parses, so the `expect`s on
    /// the shared ones (common, assess, six_haves) cannot fire at run time.
    #[test]
    fn every_wording_file_parses() {
        let files = [
            ("templates/common.toml", crate::render::xlsx::COMMON),
            ("templates/assess.toml", super::packet::words::WORDING),
            ("templates/six_haves.toml", super::six_haves::WORDING),
            ("templates/cli.toml", crate::render::console::WORDING),
            (
                "templates/quarterly.toml",
                super::quarterly::render::WORDING,
            ),
            ("templates/annual.toml", super::summary::render::WORDING),
            ("templates/packet.toml", super::packet::render::WORDING),
            (
                "templates/directory.toml",
                super::directory::render::WORDING,
            ),
            ("templates/status.toml", super::status::render::WORDING),
            ("templates/feedback.toml", super::feedback::WORDING),
            (
                "templates/ledger_workbook.toml",
                super::template::workbook::WORDING,
            ),
            ("templates/monthly.toml", super::monthly::render::WORDING),
            ("templates/showcase.toml", super::showcase::render::WORDING),
        ];
        for (origin, text) in files {
            if let Err(e) = Texts::parse(origin, text) {
                panic!("{e}");
            }
        }
    }
}
