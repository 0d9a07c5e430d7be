//! HTTPS for the desk when `[web] cert` and `key` are set: rustls (ring
//! provider) behind an axum listener. Handshakes run in tasks of their own,
//! so one slow or broken client never holds up the others; a client that
//! does not finish its handshake in time is dropped.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

use super::error::WebError;

/// How long a client may take over its handshake.
const HANDSHAKE: Duration = Duration::from_secs(10);

/// The server's certificate chain and key (PEM files).
pub(super) fn acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor, WebError> {
    let fail = |path: &Path, e: &dyn std::fmt::Display| {
        WebError::Internal(format!("无法使用 {}：{e}", path.display()))
    };
    let chain = CertificateDer::pem_file_iter(cert)
        .map_err(|e| fail(cert, &e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| fail(cert, &e))?;
    let key_der = PrivateKeyDer::from_pem_file(key).map_err(|e| fail(key, &e))?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| fail(cert, &e))?
        .with_no_client_auth()
        .with_single_cert(chain, key_der)
        .map_err(|e| fail(cert, &e))?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// What `jucai doctor` reads from the desk's certificate.
pub(crate) struct CertificateInfo {
    /// The end of its validity, in seconds since 1970 (UTC).
    pub not_after: i64,
    /// Whether it is valid for `[web] host`, when a host is set.
    pub fits_host: Option<bool>,
}

/// Load the pair as the desk would (so a key that is not the
/// certificate's is an error here too), then read the first certificate's
/// expiry and whether it names `host`.
pub(crate) fn certificate(
    cert: &Path,
    key: &Path,
    host: Option<&str>,
) -> Result<CertificateInfo, WebError> {
    acceptor(cert, key)?;
    let fail =
        |e: &dyn std::fmt::Display| WebError::Internal(format!("无法使用 {}：{e}", cert.display()));
    let first = CertificateDer::pem_file_iter(cert)
        .map_err(|e| fail(&e))?
        .next()
        .ok_or_else(|| fail(&"文件里没有证书"))?
        .map_err(|e| fail(&e))?;
    let (_, parsed) = x509_parser::parse_x509_certificate(first.as_ref()).map_err(|e| fail(&e))?;
    Ok(CertificateInfo {
        not_after: parsed.validity().not_after.timestamp(),
        fits_host: host.map(|h| names(&first, h)),
    })
}

/// Whether the certificate is valid for `host` (a name or an address), by
/// webpki's rules, as browsers check it.
fn names(cert: &CertificateDer<'_>, host: &str) -> bool {
    let Ok(end) = webpki::EndEntityCert::try_from(cert) else {
        return false;
    };
    let Ok(name) = rustls_pki_types::ServerName::try_from(host) else {
        return false;
    };
    end.verify_is_valid_for_subject_name(&name).is_ok()
}

/// TLS connections, handshaken, as axum takes them.
pub(crate) struct TlsListener {
    local: SocketAddr,
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
}

impl TlsListener {
    /// Accept on `tcp`, handshaking each connection in a task of its own.
    pub(crate) fn new(tcp: TcpListener, acceptor: TlsAcceptor) -> io::Result<TlsListener> {
        let local = tcp.local_addr()?;
        let (send, ready) = mpsc::channel(64);
        tokio::spawn(async move {
            loop {
                let Ok((stream, addr)) = tcp.accept().await else {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let (acceptor, send) = (acceptor.clone(), send.clone());
                tokio::spawn(async move {
                    if let Ok(Ok(tls)) =
                        tokio::time::timeout(HANDSHAKE, acceptor.accept(stream)).await
                    {
                        let _ = send.send((tls, addr)).await;
                    }
                });
            }
        });
        Ok(TlsListener { local, ready })
    }
}

impl Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            if let Some(got) = self.ready.recv().await {
                return got;
            }
            // The accepting task ended (it never does while the runtime runs).
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.local)
    }
}

/// The client's address, over plain TCP or TLS.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientAddr(pub SocketAddr);

impl Connected<IncomingStream<'_, TcpListener>> for ClientAddr {
    fn connect_info(stream: IncomingStream<'_, TcpListener>) -> Self {
        ClientAddr(*stream.remote_addr())
    }
}

impl Connected<IncomingStream<'_, TlsListener>> for ClientAddr {
    fn connect_info(stream: IncomingStream<'_, TlsListener>) -> Self {
        ClientAddr(*stream.remote_addr())
    }
}
