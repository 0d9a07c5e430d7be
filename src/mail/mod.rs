//! The centre's mailbox: taking submissions in over IMAP, and sending units
//! their 回执, 退回 and 催报 over SMTP. Settings in `[mail]` of `jucai.toml`
//! ([`settings`]); TLS always verified ([`tls`]); the protocol work is done
//! by async-imap and lettre on a single-threaded tokio runtime.
//!
//! Data flow: IMAP ([`imap`]) → [`mailbox`] → intake (as `.eml` files are)
//! → archive; registry + archive → [`notify`] → [`compose`] → `.eml`
//! previews or SMTP ([`smtp`]) → recorded in the archive.

pub(crate) mod compose;
mod error;
pub(crate) mod imap;
pub(crate) mod mailbox;
pub(crate) mod notify;
pub(crate) mod probe;
pub(crate) mod settings;
pub(crate) mod smtp;
pub(crate) mod tls;

pub(crate) use error::MailError;
pub(crate) use settings::{MailFile, Settings, SettingsError};
