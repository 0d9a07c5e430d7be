//! The OLE2 compound file around a legacy `.xls`, walked exactly the way
//! calamine 0.38 walks it (`calamine/src/cfb.rs`), but with every sector
//! chain bounded.
//!
//! calamine follows a chain until it meets ENDOFCHAIN, appending sectors as
//! it goes; a FAT whose chain loops back grows that buffer until memory runs
//! out (found by fuzzing). Reading the container the same way here, with the
//! same view of header, DIFAT and FAT, finds such a loop before calamine
//! sees the file. Anything calamine would reject by itself is left for it to
//! report.

/// What the walk found.
pub enum Container {
    /// The workbook stream as calamine will read it.
    Workbook(Vec<u8>),
    /// A sector chain that loops: calamine would never stop reading it.
    Loop,
    /// Malformed in a way calamine reports as an error (or a caught panic).
    LeftToCalamine,
}

const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const MINI_SECTOR: usize = 64;
const MINI_CUTOFF: usize = 4096;

struct Sectors<'a> {
    body: &'a [u8],
    size: usize,
    maxid: usize,
}

impl Sectors<'_> {
    /// Sector `id`, cut short at the end of the file as calamine cuts it.
    fn get(&self, id: u32) -> Option<&[u8]> {
        let id = id as usize;
        if id > self.maxid {
            return None;
        }
        let start = (id * self.size).min(self.body.len());
        let end = (start + self.size).min(self.body.len());
        Some(&self.body[start..end])
    }

    /// The bytes of the chain from `start`, at most `len`. `Err(())` when the
    /// chain is longer than the file has sectors, i.e. it loops.
    fn chain(&self, start: u32, fat: &[u32], len: usize) -> Result<Option<Vec<u8>>, ()> {
        let mut out = Vec::new();
        let mut id = start;
        let mut steps = 0usize;
        while id != ENDOFCHAIN {
            steps += 1;
            if steps > self.maxid + 1 {
                return Err(());
            }
            let Some(sector) = self.get(id) else {
                return Ok(None);
            };
            let take = sector.len().min(len - out.len());
            out.extend_from_slice(&sector[..take]);
            if out.len() >= len {
                break;
            }
            let Some(&next) = fat.get(id as usize) else {
                return Ok(None);
            };
            id = next;
        }
        Ok(Some(out))
    }
}

fn u32s(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

/// Little-endian integers at a byte offset, as OLE2 and BIFF store them.
pub(crate) fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

pub(crate) fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    u32s(bytes.get(at..at + 4)?).next()
}

/// Walk the container and return its workbook stream.
pub fn workbook(bytes: &[u8]) -> Container {
    match walk(bytes) {
        Ok(Some(stream)) => Container::Workbook(stream),
        Ok(None) => Container::LeftToCalamine,
        Err(()) => Container::Loop,
    }
}

fn walk(bytes: &[u8]) -> Result<Option<Vec<u8>>, ()> {
    let Some(header) = bytes.get(..512) else {
        return Ok(None);
    };
    let (size, header_len) = match u16_at(header, 30).unwrap_or(0) {
        0x09 => (512, 512),
        0x0C => (4096, 4096),
        _ => return Ok(None),
    };
    let Some(body) = bytes.get(header_len..) else {
        return Ok(None);
    };
    let sectors = Sectors {
        body,
        size,
        maxid: bytes.len() / size,
    };
    let field = |at| u32_at(header, at).unwrap_or(0);
    let (dir_start, mini_fat_start) = (field(48), field(60));
    let (mini_fat_len, difat_start) = (field(64) as usize, field(68));

    let mut difat: Vec<u32> = u32s(&header[76..512]).collect();
    let mut id = difat_start;
    let mut hops = 0usize;
    while id < RESERVED_SECTORS {
        hops += 1;
        if hops > sectors.maxid + 1 {
            return Ok(None); // calamine stops here with an error
        }
        let Some(sector) = sectors.get(id) else {
            return Ok(None);
        };
        difat.extend(u32s(sector));
        let Some(next) = difat.pop() else {
            return Ok(None);
        };
        id = next;
    }
    let mut fat = Vec::new();
    for id in difat.into_iter().filter(|id| *id < DIFSECT) {
        let Some(sector) = sectors.get(id) else {
            return Ok(None);
        };
        fat.extend(u32s(sector));
    }

    let Some(dirs) = sectors.chain(dir_start, &fat, usize::MAX)? else {
        return Ok(None);
    };
    let entries: Vec<(String, u32, usize)> = dirs
        .chunks_exact(128)
        .map(|entry| directory_entry(entry, size))
        .collect();
    let Some(root) = entries.first() else {
        return Ok(None);
    };
    let (mini_fat, mini_stream) = if mini_fat_len > 0 {
        let Some(stream) = sectors.chain(root.1, &fat, root.2)? else {
            return Ok(None);
        };
        let Some(table) = sectors.chain(mini_fat_start, &fat, mini_fat_len.saturating_mul(size))?
        else {
            return Ok(None);
        };
        (u32s(&table).collect::<Vec<u32>>(), stream)
    } else {
        (Vec::new(), Vec::new())
    };
    let named = |name: &str| {
        entries
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
    };
    let Some(&(_, start, len)) = named("Workbook").or_else(|| named("Book")) else {
        return Ok(None);
    };
    if len < MINI_CUTOFF {
        let mini = Sectors {
            body: &mini_stream,
            size: MINI_SECTOR,
            maxid: sectors.maxid * 8,
        };
        mini.chain(start, &mini_fat, len)
    } else {
        sectors.chain(start, &fat, len)
    }
}

/// Name, first sector and length of a 128-byte directory entry.
fn directory_entry(entry: &[u8], sector_size: usize) -> (String, u32, usize) {
    let units: Vec<u16> = entry[..64]
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|&u| u != 0)
        .collect();
    let start = u32_at(entry, 116).unwrap_or(ENDOFCHAIN);
    let len = if sector_size == 512 {
        u32_at(entry, 120).unwrap_or(0) as usize
    } else {
        let low = u64::from(u32_at(entry, 120).unwrap_or(0));
        let high = u64::from(u32_at(entry, 124).unwrap_or(0));
        usize::try_from(high << 32 | low).unwrap_or(usize::MAX)
    };
    (String::from_utf16_lossy(&units), start, len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_xls_has_a_workbook_stream() {
        let Container::Workbook(stream) = workbook(crate::sample::legacy::XLS) else {
            panic!("no workbook stream");
        };
        // BIFF8 starts with a BOF record.
        assert_eq!(&stream[..2], &[0x09, 0x08]);
    }

    /// Found by fuzzing: a FAT entry pointing back into its own chain made
    /// calamine read the directory chain until memory ran out.
    #[test]
    fn a_looping_directory_chain_is_found() {
        let mut xls = crate::sample::legacy::XLS.to_vec();
        let dir_start = u32_at(&xls, 48).unwrap();
        // FAT entry `dir_start` lives in FAT sector dir_start / 128, which the
        // header's DIFAT (from byte 76) lists in order.
        let entry = dir_start as usize;
        let fat_sector = u32_at(&xls, 76 + entry / 128 * 4).unwrap() as usize;
        let at = 512 + fat_sector * 512 + entry % 128 * 4;
        xls[at..at + 4].copy_from_slice(&dir_start.to_le_bytes());
        assert!(matches!(workbook(&xls), Container::Loop));
    }
}
