//! Can jucai reach the centre's mailbox? One IMAP login (with ID, as 163
//! requires) and one SMTP login, nothing read and nothing sent: what
//! `jucai doctor` asks of `[mail]`.

use super::{imap, smtp::Outgoing, MailError, Settings};

/// The outcome of each login that `[mail]` sets up (`None`: not set).
pub(crate) struct Probe {
    pub imap: Option<Result<(), MailError>>,
    pub smtp: Option<Result<(), MailError>>,
}

/// Log in to each server `settings` names, then out again.
pub(crate) fn probe(settings: &Settings) -> Probe {
    Probe {
        imap: settings.imap.as_ref().map(|_| imap_login(settings)),
        smtp: settings.smtp.as_ref().map(|_| smtp_login(settings)),
    }
}

fn imap_login(settings: &Settings) -> Result<(), MailError> {
    let endpoint = settings.imap.as_ref().ok_or(MailError::NoImap)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(MailError::Runtime)?;
    let mut session = runtime.block_on(imap::connect(settings, endpoint))?;
    let _ = runtime.block_on(session.logout());
    Ok(())
}

fn smtp_login(settings: &Settings) -> Result<(), MailError> {
    Outgoing::new(settings)?.check()
}
