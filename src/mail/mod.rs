//! The centre's mailbox: taking submissions in over IMAP, and sending units
//! their 回执, 退回 and 催报 over SMTP. Settings in `[mail]` of `jucai.toml`
//! ([`settings`]); TLS always verified ([`tls`]); the protocol work is done
//! by async-imap and lettre on a single-threaded tokio runtime.
//!
//! Data flow: IMAP ([`imap`]) → [`mailbox`] → intake (as `.eml` files are)
//! → archive; registry + archive → [`notify`] → [`compose`] → `.eml`
//! previews or SMTP ([`smtp`]) → recorded in the archive.

pub mod compose;
mod error;
pub mod imap;
pub mod mailbox;
pub mod notify;
pub mod settings;
pub mod smtp;
pub mod tls;

pub use error::MailError;
pub use settings::{MailFile, Settings, SettingsError};
