//! Content hashes: how the archive addresses what it stores, and how the PDF
//! writer derives a document id from its content.

use sha2::{Digest, Sha256};

/// SHA-256 of `bytes`, as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}
