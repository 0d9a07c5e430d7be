//! The files of a `.7z` (7-Zip, 360压缩 and 好压 make them), read with
//! sevenz-rust2. The crate bounds what the archive's header may make it
//! allocate (names, streams, dictionaries) by the memory limit it is given
//! and returns an error past it; each file is also read through our own size
//! limit, and a panic in the decoder becomes this file's problem.

use std::io::{Cursor, Read};

use sevenz_rust2::{Archive, ArchiveEntry, Block, BlockDecoder, EncoderMethod, Password};

use super::found::Problem;
use super::listing::{entry_name, Entry, Listing};
use crate::limits::Limits;

/// What a 7z's decoder may allocate for its header and for one dictionary or
/// model. 7-Zip's strongest preset needs 64 MiB (LZMA2) to 192 MiB (PPMd).
const MEMORY_KB: usize = 256 * 1024;

/// 7z's signature, its first six bytes.
pub(super) fn is_7z(bytes: &[u8]) -> bool {
    bytes.starts_with(&[b'7', b'z', 0xBC, 0xAF, 0x27, 0x1C])
}

/// Every file in a 7z, or `None` when it cannot be opened (broken, or its
/// names are encrypted too): it is then kept whole and told as a 7z.
pub(super) fn list(bytes: &[u8], source: &str, limits: Limits) -> Option<Listing> {
    crate::read::guard::guarded(|| read(bytes, source, limits))
        .ok()
        .flatten()
}

fn read(bytes: &[u8], source: &str, limits: Limits) -> Option<Listing> {
    let mut cursor = Cursor::new(bytes);
    let password = Password::empty();
    let archive = Archive::read_with_memory_limit(&mut cursor, &password, MEMORY_KB).ok()?;
    let mut walk = Walk {
        source,
        limits,
        seen: 0,
        told: false,
        stopped: false,
        out: Listing::default(),
    };
    for block in 0..archive.blocks.len() {
        // One intake already reads many files at once, one per core.
        let decoder = BlockDecoder::new_with_memory_limit(
            1,
            MEMORY_KB,
            block,
            &archive,
            &password,
            &mut cursor,
        );
        if encrypted(&archive.blocks[block]) {
            walk.encrypted(decoder.entries());
            continue;
        }
        walk.told = false;
        if decoder
            .for_each_entries(&mut |entry, data| Ok(walk.entry(entry, data)))
            .is_err()
        {
            walk.broken();
        }
        if walk.stopped {
            break;
        }
    }
    Some(walk.out)
}

/// Whether a block needs a password (7z AES): its files cannot be read.
fn encrypted(block: &Block) -> bool {
    block
        .coders
        .iter()
        .any(|c| c.encoder_method_id() == EncoderMethod::ID_AES256_SHA256)
}

/// Where the walk through a 7z's entries is.
struct Walk<'a> {
    source: &'a str,
    limits: Limits,
    /// Files met so far.
    seen: usize,
    /// Whether the last file met was found broken and said so.
    told: bool,
    /// Whether the entry limit was reached.
    stopped: bool,
    out: Listing,
}

impl Walk<'_> {
    /// Read one file; `false` leaves the rest of its block.
    fn entry(&mut self, entry: &ArchiveEntry, data: &mut dyn Read) -> bool {
        if entry.is_directory() || !entry.has_stream() {
            return true;
        }
        let Some(index) = self.count() else {
            return false;
        };
        let name = entry_name(entry.name().as_bytes());
        let source = self.source.to_string();
        self.told = true;
        if entry.size() > self.limits.max_file_bytes {
            self.out
                .problems
                .push(Problem::ZipEntryTooBig { source, name });
            // Going on would decode it all to reach the next file.
            return false;
        }
        let mut bytes = Vec::new();
        // Read at most the limit, whatever the header claimed.
        if data
            .take(self.limits.max_file_bytes + 1)
            .read_to_end(&mut bytes)
            .is_err()
            || bytes.len() as u64 != entry.size()
            || (entry.has_crc && u64::from(crc32fast::hash(&bytes)) != entry.crc)
        {
            self.out
                .problems
                .push(Problem::ZipEntryBroken { source, name });
            return false;
        }
        self.told = false;
        self.out.files.push(Entry { index, name, bytes });
        true
    }

    /// The files of a block with a password, each named.
    fn encrypted(&mut self, entries: &[ArchiveEntry]) {
        for entry in entries.iter().filter(|e| e.has_stream()) {
            if self.count().is_none() {
                return;
            }
            self.out.problems.push(Problem::ZipEntryEncrypted {
                source: self.source.to_string(),
                name: entry_name(entry.name().as_bytes()),
            });
        }
    }

    /// The next file's index, or `None` past the entry limit (said once).
    fn count(&mut self) -> Option<usize> {
        if self.seen == self.limits.max_entries {
            if !self.stopped {
                self.out.problems.push(Problem::ZipTooMany {
                    source: self.source.to_string(),
                    limit: self.limits.max_entries,
                });
            }
            self.stopped = true;
            return None;
        }
        self.seen += 1;
        Some(self.seen - 1)
    }

    /// The decoder stopped with an error before the next file (a method
    /// jucai does not decode, a dictionary over the limit, a block cut
    /// short): every file handed out so far matched its checksum, the rest
    /// of the block is not read.
    fn broken(&mut self) {
        if self.told {
            return;
        }
        self.out.problems.push(Problem::ZipEntryUnreadable {
            source: self.source.to_string(),
            n: self.seen + 1,
        });
    }
}
