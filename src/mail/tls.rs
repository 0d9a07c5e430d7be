//! TLS for the mail servers: rustls with the ring provider, the system's
//! certificate store (where a bureau installs its own CA), and the `[mail]
//! ca` file when a server has a certificate of its own. Certificates are
//! always verified; there is no switch to turn that off.

use std::path::Path;
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};

use super::error::MailError;

/// The client configuration: the system's roots plus `ca`.
pub(crate) fn client_config(ca: Option<&Path>) -> Result<Arc<ClientConfig>, MailError> {
    let mut roots = RootCertStore::empty();
    // A machine without a certificate store still trusts `ca`.
    let native = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(native.certs);
    if let Some(path) = ca {
        for cert in ca_certificates(path)? {
            roots.add(cert).map_err(|e| MailError::Ca {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| MailError::Ca {
            path: ca.map(Path::to_path_buf).unwrap_or_default(),
            reason: e.to_string(),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// The certificates of a PEM file.
pub(crate) fn ca_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, MailError> {
    let fail = |reason: String| MailError::Ca {
        path: path.to_path_buf(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| fail(e.kind().to_string()))?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| fail(e.to_string()))?;
    if certs.is_empty() {
        return Err(fail("文件中没有 PEM 格式的证书".to_string()));
    }
    Ok(certs)
}

/// The name the server's certificate must carry: a host name or an IP address.
pub(crate) fn server_name(host: &str) -> Result<ServerName<'static>, MailError> {
    ServerName::try_from(host.to_string()).map_err(|_| MailError::Tls {
        server: host.to_string(),
        reason: "主机名无效".to_string(),
    })
}

/// TLS over an open connection, the server's certificate verified against
/// the system's roots and `[mail] ca`.
pub(crate) async fn connect<IO>(
    settings: &super::settings::Settings,
    host: &str,
    server: &str,
    stream: IO,
) -> Result<tokio_rustls::client::TlsStream<IO>, MailError>
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let config = client_config(settings.ca.as_deref())?;
    tokio_rustls::TlsConnector::from(config)
        .connect(server_name(host)?, stream)
        .await
        .map_err(|e| MailError::Tls {
            server: server.to_string(),
            reason: e.to_string(),
        })
}
