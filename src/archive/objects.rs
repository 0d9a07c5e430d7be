//! Received bytes, content-addressed: `objects/ab/abcdef…` by SHA-256, each
//! written once (temporary name, fsync, rename) and never rewritten.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::output::write_atomic;

/// The object folder of an archive.
#[derive(Debug, Clone)]
pub struct Objects {
    dir: PathBuf,
}

impl Objects {
    pub fn new(archive: &Path) -> Objects {
        Objects {
            dir: archive.join("objects"),
        }
    }

    /// Objects are kept in 256 folders by the first two hex digits of their hash.
    pub fn path(&self, hash: &str) -> PathBuf {
        self.dir.join(hash.get(..2).unwrap_or("00")).join(hash)
    }

    /// Store bytes under their hash, unless already there.
    pub fn put(&self, hash: &str, bytes: &[u8]) -> Result<(), Error> {
        let path = self.path(hash);
        if !path.exists() {
            write_atomic(&path, bytes)?;
        }
        crash_point_for_tests(&self.dir);
        Ok(())
    }

    /// The bytes stored under `hash`.
    pub fn get(&self, hash: &str) -> Result<Vec<u8>, Error> {
        let path = self.path(hash);
        std::fs::read(&path).map_err(|e| Error::io(&path, e))
    }
}

/// Tests simulate a crash between storing an object and recording it: with
/// `JUCAI_TEST_CRASH_AFTER` set to N, the process aborts after the N-th object
/// written by this run. Only in a build with the `test-hooks` feature
/// (`scripts/test` builds so): the binary a bureau runs has no such hook.
#[cfg(not(feature = "test-hooks"))]
fn crash_point_for_tests(_: &Path) {}

#[cfg(feature = "test-hooks")]
fn crash_point_for_tests(dir: &Path) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static WRITTEN: AtomicUsize = AtomicUsize::new(0);
    let Some(limit) = std::env::var("JUCAI_TEST_CRASH_AFTER")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    else {
        return;
    };
    if WRITTEN.fetch_add(1, Ordering::SeqCst) + 1 >= limit {
        eprintln!("（测试）在 {} 中模拟中断", dir.display());
        std::process::abort();
    }
}
