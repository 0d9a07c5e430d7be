//! The centre's mailbox over IMAP (async-imap on tokio): connect with TLS
//! (or STARTTLS, or plain on loopback), log in, open the folder, list its
//! UIDs, fetch messages in batches. Messages are fetched with `BODY.PEEK[]`
//! from a folder opened read-only (`EXAMINE`), so taking mail in changes
//! nothing on the server unless `--mark-seen` or `--move-to` asks for it.

use std::collections::HashSet;
use std::fmt::Debug;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use super::error::{server_said, MailError};
use super::settings::{Endpoint, Security, Settings};

/// Any stream IMAP can run over: TCP, or TLS over TCP.
pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send + Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Debug> Io for T {}

pub(crate) type Session = async_imap::Session<Box<dyn Io>>;

/// How long to wait for the server to answer a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Connect and log in.
pub(crate) async fn connect(settings: &Settings, imap: &Endpoint) -> Result<Session, MailError> {
    let server = format!("{}:{}", imap.host, imap.port);
    let tcp = tokio::time::timeout(
        CONNECT_TIMEOUT,
        TcpStream::connect((imap.host.as_str(), imap.port)),
    )
    .await
    .map_err(|_| MailError::Timeout(server.clone()))?
    .map_err(|source| MailError::Connect {
        server: server.clone(),
        source,
    })?;
    let lost = |e: async_imap::error::Error| MailError::imap(&server, e);
    let client = match imap.security {
        Security::Plain => greeted(Box::new(tcp) as Box<dyn Io>, &server).await?,
        Security::Tls => {
            let tls = super::tls::connect(settings, &imap.host, &server, tcp).await?;
            greeted(Box::new(tls) as Box<dyn Io>, &server).await?
        }
        Security::StartTls => {
            let mut plain = greeted(tcp, &server).await?;
            plain
                .run_command_and_check_ok("STARTTLS", None)
                .await
                .map_err(lost)?;
            let tls =
                super::tls::connect(settings, &imap.host, &server, plain.into_inner()).await?;
            // No greeting after STARTTLS.
            async_imap::Client::new(Box::new(tls) as Box<dyn Io>)
        }
    };
    let password = settings.password()?;
    let mut session = client
        .login(&settings.user, password.expose())
        .await
        .map_err(|(e, _)| MailError::Login {
            server: server.clone(),
            user: settings.user.clone(),
            reason: server_said(&e),
            hint: settings.login_hint(),
        })?;
    identify(&mut session, &server).await?;
    Ok(session)
}

/// Say who we are (RFC 2971 ID) when the server lists ID among its
/// capabilities, and only then. NetEase 163/126 and Coremail refuse SELECT
/// with “Unsafe Login” until a client has; QQ Mail does not list ID and
/// drops a client that sends commands it does not know. The plain form
/// `ID ("name" "jucai" …)` is the one 163's parser takes.
async fn identify(session: &mut Session, server: &str) -> Result<(), MailError> {
    let capabilities = session
        .capabilities()
        .await
        .map_err(|e| MailError::imap(server, e))?;
    let listed = capabilities.has_str("ID");
    drop(capabilities);
    if listed {
        let me = [
            ("name", Some("jucai")),
            ("version", Some(env!("CARGO_PKG_VERSION"))),
            ("vendor", Some("jucai")),
        ];
        match session.id(me).await {
            // A server may answer NO or BAD to ID; it must not refuse
            // service for it (RFC 2971), so that is no reason to stop.
            Ok(_) | Err(async_imap::error::Error::No(_) | async_imap::error::Error::Bad(_)) => {}
            Err(e) => return Err(MailError::imap(server, e)),
        }
    }
    drain(session);
    Ok(())
}

/// A client that has read the server's greeting.
async fn greeted<T: Io>(stream: T, server: &str) -> Result<async_imap::Client<T>, MailError> {
    let mut client = async_imap::Client::new(stream);
    match client.read_response().await {
        Ok(Some(_)) => Ok(client),
        Ok(None) => Err(MailError::imap(
            server,
            async_imap::error::Error::ConnectionLost,
        )),
        Err(e) => Err(MailError::imap(server, e.into())),
    }
}

/// Open the folder (read-only unless flags will be changed) and list its
/// UIDs: its UIDVALIDITY and every UID, ascending.
pub(crate) async fn open(
    session: &mut Session,
    folder: &str,
    read_only: bool,
    server: &str,
) -> Result<(u32, Vec<u32>), MailError> {
    let mailbox = if read_only {
        session.examine(folder).await
    } else {
        session.select(folder).await
    }
    .map_err(|e| MailError::folder(folder, &e))?;
    let validity = mailbox.uid_validity.unwrap_or(0);
    let mut uids: Vec<u32> = session
        .uid_search("ALL")
        .await
        .map_err(|e| MailError::imap(server, e))?
        .into_iter()
        .collect();
    uids.sort_unstable();
    drain(session);
    Ok((validity, uids))
}

/// Fetch messages by UID, `batch` to a command, handing each to `take` as
/// it arrives (UID, raw bytes). Stops early when `take` says so.
pub(crate) async fn fetch(
    session: &mut Session,
    uids: &[u32],
    batch: usize,
    server: &str,
    mut take: impl FnMut(u32, Vec<u8>) -> bool,
) -> Result<(), MailError> {
    for chunk in uids.chunks(batch) {
        let wanted: HashSet<u32> = chunk.iter().copied().collect();
        let mut stream = session
            .uid_fetch(uid_set(chunk), "(UID BODY.PEEK[])")
            .await
            .map_err(|e| MailError::imap(server, e))?;
        while let Some(item) = stream.next().await {
            let fetch = item.map_err(|e| MailError::imap(server, e))?;
            // A server may also send FETCH responses nobody asked for (flags changing).
            let (Some(uid), Some(body)) = (fetch.uid, fetch.body()) else {
                continue;
            };
            if wanted.contains(&uid) && !take(uid, body.to_vec()) {
                return Ok(());
            }
        }
        drop(stream);
        drain(session);
    }
    Ok(())
}

/// Mark messages seen, or move them to another folder, after they are taken.
pub(crate) async fn file_away(
    session: &mut Session,
    uids: &[u32],
    mark_seen: bool,
    move_to: Option<&str>,
    server: &str,
) -> Result<(), MailError> {
    if uids.is_empty() {
        return Ok(());
    }
    let set = uid_set(uids);
    if mark_seen {
        let updates = session
            .uid_store(&set, "+FLAGS.SILENT (\\Seen)")
            .await
            .map_err(|e| MailError::imap(server, e))?;
        let _: Vec<_> = updates.collect().await;
    }
    if let Some(folder) = move_to {
        session
            .uid_mv(&set, folder)
            .await
            .map_err(|e| MailError::folder(folder, &e))?;
    }
    drain(session);
    Ok(())
}

/// Unsolicited responses are not used; the client keeps at most 100 and
/// would wait for room, so they are thrown away after each command.
fn drain(session: &mut Session) {
    while session.unsolicited_responses.try_recv().is_ok() {}
}

/// UIDs (ascending) as an IMAP sequence set: `1:5,7,9:12`.
pub(crate) fn uid_set(uids: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end + 1 {
            i += 1;
            end = uids[i];
        }
        out.push(if start == end {
            start.to_string()
        } else {
            format!("{start}:{end}")
        });
        i += 1;
    }
    out.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets_join_runs() {
        assert_eq!(uid_set(&[1, 2, 3, 5, 7, 8]), "1:3,5,7:8");
        assert_eq!(uid_set(&[4]), "4");
        assert_eq!(uid_set(&[]), "");
    }
}
