//! Writing a registry workbook (平台名录) from units, with the schema's columns.

use std::path::Path;

use rust_xlsxwriter::Workbook;

use crate::error::Error;
use crate::registry::{Level, Unit};
use crate::render::xlsx::{self, Styles};
use crate::schema::{RegistryKey, Schema};

/// Write `units` as a registry workbook at `path`.
pub fn write(
    schema: &Schema,
    units: &[Unit],
    level_names: &[String],
    path: &Path,
) -> Result<(), Error> {
    let mut book = Workbook::new();
    let spec = &schema.registry;
    let styles = Styles::new();
    let date = units
        .iter()
        .filter_map(|u| u.opened)
        .max()
        .unwrap_or_default();
    xlsx::set_properties(&mut book, &spec.sheet, date);
    let sheet = book.add_worksheet();
    let e = |err| Error::xlsx(path, err);
    sheet.set_name(&spec.sheet).map_err(e)?;
    let date_format = styles.cell.clone().set_num_format("yyyy-mm-dd");
    let number_format = styles.cell.clone().set_num_format("0");
    for (col, field) in spec.fields.iter().enumerate() {
        let col = col as u16;
        sheet
            .write_string_with_format(0, col, &field.name, &styles.header)
            .map_err(e)?;
        sheet
            .set_column_width(col, field.width.unwrap_or(12.0))
            .map_err(e)?;
    }
    for (i, unit) in units.iter().enumerate() {
        let row = i as u32 + 1;
        for col in 0..spec.fields.len() {
            let text = |s: &Option<String>| s.clone().unwrap_or_default();
            let key = spec.key_at(col);
            let col = col as u16;
            let cell = match key {
                Some(RegistryKey::Code) => Some(unit.code.clone()),
                Some(RegistryKey::Name) => Some(unit.name.clone()),
                Some(RegistryKey::Level) => level_names.get(level_index(unit.level)).cloned(),
                Some(RegistryKey::Parent) => unit.parent.clone(),
                Some(RegistryKey::Kind) => unit.kind.clone(),
                Some(RegistryKey::Address) => unit.address.clone(),
                Some(RegistryKey::Head) => unit.head.clone(),
                Some(RegistryKey::Phone) => unit.phone.clone(),
                Some(RegistryKey::Note) => Some(text(&unit.note)),
                Some(RegistryKey::Duty) => unit.duty.clone(),
                Some(RegistryKey::Secretary) => unit.secretary.clone(),
                Some(RegistryKey::Email) => unit.email.clone(),
                _ => None,
            };
            match key {
                Some(RegistryKey::Area) => {
                    write_number(sheet, row, col, unit.area, &number_format).map_err(e)?
                }
                Some(RegistryKey::Rules) => write_number(
                    sheet,
                    row,
                    col,
                    unit.rules.map(|r| r as f64),
                    &number_format,
                )
                .map_err(e)?,
                Some(RegistryKey::Opened) => match unit.opened {
                    Some(d) => {
                        sheet
                            .write_date_with_format(row, col, d, &date_format)
                            .map_err(e)?;
                    }
                    None => {
                        sheet.write_blank(row, col, &styles.cell).map_err(e)?;
                    }
                },
                _ => {
                    sheet
                        .write_string_with_format(row, col, cell.unwrap_or_default(), &styles.cell)
                        .map_err(e)?;
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 2).map_err(e)?;
    sheet
        .autofilter(0, 0, units.len() as u32, (spec.fields.len() - 1) as u16)
        .map_err(e)?;
    xlsx::print_setup(sheet, true, Some((0, 0))).map_err(e)?;
    xlsx::save(&mut book, path)
}

fn level_index(level: Level) -> usize {
    match level {
        Level::Centre => 0,
        Level::Station => 1,
        Level::Workroom => 2,
    }
}

fn write_number(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    value: Option<f64>,
    format: &rust_xlsxwriter::Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    match value {
        Some(v) => sheet
            .write_number_with_format(row, col, v, format)
            .map(|_| ()),
        None => sheet.write_blank(row, col, format).map(|_| ()),
    }
}
