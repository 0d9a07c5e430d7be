//! `jucai intake --mailbox`: every message of the folder not taken before
//! (by UIDVALIDITY and UID, kept in the store) is fetched, its raw bytes
//! stored, and its attachments taken in exactly as an `.eml` file's are.
//! Fetching and validating overlap: intake works on the messages already
//! fetched while the next ones arrive. Each batch is durable once written,
//! so a dropped connection loses nothing: the next run takes the rest.

use std::sync::mpsc;

use super::error::MailError;
use super::imap;
use super::settings::Settings;
use crate::archive::{Archive, TakenMessage};
use crate::intake::{Fetched, Input, Rules, Summary};

/// What to do with mail once it is taken in (by default: nothing).
#[derive(Debug, Clone, Default)]
pub(crate) struct Filing {
    pub mark_seen: bool,
    pub move_to: Option<String>,
}

/// What a mailbox intake did.
#[derive(Debug, Default)]
pub(crate) struct MailboxSummary {
    /// Messages in the folder.
    pub in_folder: usize,
    /// Messages not taken before.
    pub new: usize,
    /// What intake made of the messages fetched.
    pub intake: Summary,
    /// Why fetching stopped early, if it did (what was fetched is kept).
    pub stopped: Option<MailError>,
}

/// Take the mailbox's new messages in.
pub(crate) fn take_in(
    settings: &Settings,
    archive: &mut Archive,
    rules: Rules<'_>,
    filing: &Filing,
    bar: &indicatif::ProgressBar,
) -> Result<MailboxSummary, MailError> {
    let endpoint = settings.imap.as_ref().ok_or(MailError::NoImap)?;
    let server = format!("{}:{}", endpoint.host, endpoint.port);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(MailError::Runtime)?;
    let mailbox = settings.mailbox_name(endpoint);
    let read_only = !filing.mark_seen && filing.move_to.is_none();
    let mut session = runtime.block_on(imap::connect(settings, endpoint))?;
    let (validity, uids) = runtime.block_on(imap::open(
        &mut session,
        &settings.folder,
        read_only,
        &server,
    ))?;
    let taken = archive.taken(&mailbox, validity)?;
    let new: Vec<u32> = uids
        .iter()
        .copied()
        .filter(|u| !taken.contains(u))
        .collect();
    bar.set_length(new.len() as u64);
    let writing: &mut Archive = &mut *archive;
    let (intake, stopped) = std::thread::scope(|scope| {
        let (send, receive) = mpsc::sync_channel::<Input>(settings.batch * 2);
        let intake = scope
            .spawn(move || crate::intake::take_in_from(receive.into_iter(), writing, rules, bar));
        let fetched = runtime.block_on(imap::fetch(
            &mut session,
            &new,
            settings.batch,
            &server,
            |uid, raw| {
                let message = fetched(&mailbox, validity, uid, raw);
                // A closed channel: intake stopped on an error of its own.
                send.send(Input::Message(message)).is_ok()
            },
        ));
        drop(send);
        let intake = intake
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (intake, fetched.err())
    });
    let intake = intake?;
    let mut summary = MailboxSummary {
        in_folder: uids.len(),
        new: new.len(),
        intake,
        stopped,
    };
    if !read_only && summary.stopped.is_none() {
        // Every message of the folder that is taken, also those an earlier,
        // interrupted run took but never got to mark or move.
        let now_taken = archive.taken(&mailbox, validity)?;
        let done: Vec<u32> = uids
            .iter()
            .copied()
            .filter(|u| now_taken.contains(u))
            .collect();
        let filed = runtime.block_on(imap::file_away(
            &mut session,
            &done,
            filing.mark_seen,
            filing.move_to.as_deref(),
            &server,
        ));
        summary.stopped = filed.err();
    }
    // The work is saved; a failed goodbye changes nothing.
    let _ = runtime.block_on(session.logout());
    Ok(summary)
}

/// A fetched message, named by its RFC 5092 IMAP URL.
fn fetched(mailbox: &str, validity: u32, uid: u32, raw: Vec<u8>) -> Fetched {
    let message_id = mail_parser::MessageParser::new()
        .parse_headers(&raw)
        .and_then(|m| m.message_id().map(str::to_string));
    Fetched {
        source: format!("{mailbox};UIDVALIDITY={validity}/;UID={uid}"),
        taken: TakenMessage {
            mailbox: mailbox.to_string(),
            uidvalidity: validity,
            uid,
            hash: String::new(),
            size: 0,
            message_id,
            intake_time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        },
        raw,
    }
}
