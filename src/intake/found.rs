//! What one input file yields: the files received in it, and what could not
//! be read.

use crate::archive::Received;

/// What one input path yields, and anything that could not be read in it.
#[derive(Debug, Default)]
pub struct Intake {
    pub files: Vec<Received>,
    pub problems: Vec<String>,
}

/// A file that arrived on its own (saved by the clerk, copied from a USB stick).
pub fn loose(bytes: Vec<u8>, name: String, source: String) -> Received {
    let key = format!("file:{}:{}", crate::hash::sha256_hex(&bytes), name);
    Received {
        bytes,
        name,
        sender: None,
        date: None,
        subject: None,
        message_id: None,
        source,
        key,
    }
}
