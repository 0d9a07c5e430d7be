//! A legacy `.xls`'s OLE2 (compound file) container.
//!
//! calamine reads the container itself, following sector chains with no
//! bound: a looping FAT made it read forever, and fuzzing found a slice past
//! a chain's end. The `cfb` crate reads it with every chain bounded (a loop
//! or a sector past the end is an error). But cfb does not read quite as
//! calamine does (calamine takes the first directory entry named Workbook,
//! allocated or not, and pads sectors past the end of the file), so a file
//! cfb accepts could still make calamine loop. calamine is therefore never
//! given the container as received: the workbook stream cfb found goes into
//! a fresh, well-formed container, and that is what calamine opens — the
//! same bytes the BIFF preflight ([`crate::read::preflight::xls`]) scanned.

use std::io::{Cursor, Read, Write};

use crate::diagnostic::{Finding, Msg};
use crate::limits::Limits;

/// A legacy workbook taken out of its container.
pub(crate) struct Legacy {
    /// The workbook stream (BIFF records).
    pub stream: Vec<u8>,
    /// A compound file holding only that stream, for calamine.
    pub container: Vec<u8>,
}

/// Read the workbook stream (`Workbook`, or `Book` in Excel 5 files, as
/// calamine looks for them) and put it into a container of its own.
pub(crate) fn rebuild(bytes: &[u8], limits: &Limits) -> Result<Legacy, Finding> {
    let broken = |_| Finding::new(Msg::FileBroken);
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(broken)?;
    let mut stream = Vec::new();
    let found = ["/Workbook", "/Book"]
        .into_iter()
        .find_map(|name| file.open_stream(name).ok())
        .ok_or_else(|| Finding::new(Msg::FileNotSpreadsheet))?;
    // The stream cannot be longer than the file; read no more than that.
    found
        .take(limits.max_file_bytes)
        .read_to_end(&mut stream)
        .map_err(broken)?;
    let container = container_of(&stream).map_err(broken)?;
    Ok(Legacy { stream, container })
}

/// A version 3 compound file (512-byte sectors, what Excel 97–2003 writes)
/// with one stream, `Workbook`.
fn container_of(stream: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut file =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))?;
    file.create_stream("/Workbook")?.write_all(stream)?;
    file.flush()?;
    Ok(file.into_inner().into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_xls_keeps_its_workbook_stream() {
        let legacy = rebuild(crate::sample::legacy::XLS, &Limits::default()).unwrap();
        // A BIFF8 workbook stream starts with a BOF record.
        assert_eq!(&legacy.stream[..2], &[0x09, 0x08]);
        let again = rebuild(&legacy.container, &Limits::default()).unwrap();
        assert_eq!(again.stream, legacy.stream);
    }

    #[test]
    fn a_looping_sector_chain_is_a_broken_file() {
        // Found by the fuzzer: a FAT entry pointing back into the directory
        // chain, which calamine followed until memory ran out.
        let bytes = include_bytes!("../../tests/fixtures/fuzz/workbook/cfb-chain-loop.xls");
        let finding = rebuild(bytes, &Limits::default()).err().unwrap();
        assert_eq!(finding.message, Msg::FileBroken);
    }
}
