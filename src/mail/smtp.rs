//! Sending over SMTP with lettre's blocking transport and its connection
//! pool (rustls, the system's roots plus `[mail]
//! ca`): implicit TLS (smtps://), STARTTLS required (smtp+starttls://), or
//! plain to loopback only. The message bytes are sent as composed, so what
//! the store keeps is exactly what went out.

use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Address, SmtpTransport, Transport};

use super::error::MailError;
use super::settings::{Security, Settings};

/// An SMTP connection (pool) ready to send.
pub(crate) struct Outgoing {
    transport: SmtpTransport,
    server: String,
    user: String,
    /// What to check when the login is refused.
    hint: String,
}

impl Outgoing {
    /// Set up the transport; the first send connects and logs in.
    pub(crate) fn new(settings: &Settings) -> Result<Outgoing, MailError> {
        let smtp = settings.smtp.as_ref().ok_or(MailError::NoSmtp)?;
        let server = format!("{}:{}", smtp.host, smtp.port);
        let tls = || -> Result<TlsParameters, MailError> {
            let mut builder = TlsParameters::builder(smtp.host.clone());
            if let Some(ca) = &settings.ca {
                // Checked first, for the same message as IMAP gives.
                super::tls::ca_certificates(ca)?;
                let pem = std::fs::read(ca).map_err(|e| MailError::Ca {
                    path: ca.clone(),
                    reason: e.kind().to_string(),
                })?;
                let cert = Certificate::from_pem(&pem).map_err(|e| MailError::Ca {
                    path: ca.clone(),
                    reason: e.to_string(),
                })?;
                builder = builder.add_root_certificate(cert);
            }
            builder.build_rustls().map_err(|e| MailError::Tls {
                server: server.clone(),
                reason: e.to_string(),
            })
        };
        let tls = match smtp.security {
            Security::Tls => Tls::Wrapper(tls()?),
            Security::StartTls => Tls::Required(tls()?),
            Security::Plain => Tls::None,
        };
        let mut builder = SmtpTransport::builder_dangerous(smtp.host.clone())
            .port(smtp.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(60)));
        if settings.smtp_auth {
            let password = settings.password()?;
            builder = builder.credentials(Credentials::new(
                settings.user.clone(),
                password.expose().to_string(),
            ));
        }
        Ok(Outgoing {
            transport: builder.build(),
            server,
            user: settings.user.clone(),
            hint: settings.login_hint(),
        })
    }

    /// Connect and log in once before anything is sent, so that a server
    /// that cannot be reached or refuses the login is one error, not one
    /// failed notice per unit. The connection stays in the pool for the
    /// sends.
    pub(crate) fn check(&self) -> Result<(), MailError> {
        match self.transport.test_connection() {
            Ok(true) => Ok(()),
            Ok(false) => Err(MailError::SmtpConnect {
                server: self.server.clone(),
                reason: "服务器没有回应".to_string(),
            }),
            Err(e) => Err(self.explain(&e)),
        }
    }

    /// A connection or login failure in the clerk's words.
    fn explain(&self, e: &lettre::transport::smtp::Error) -> MailError {
        let server = self.server.clone();
        if e.is_client() && e.to_string().contains("authentication mechanism") {
            MailError::SmtpNoAuth { server }
        } else if e.status().is_some_and(|c| c.to_string().starts_with("53")) {
            MailError::SmtpLogin {
                server,
                user: self.user.clone(),
                reason: e.to_string(),
                hint: self.hint.clone(),
            }
        } else if e.is_tls() {
            MailError::Tls {
                server,
                reason: e.to_string(),
            }
        } else {
            MailError::SmtpConnect {
                server,
                reason: e.to_string(),
            }
        }
    }

    /// Send one message from `from` to `to`. The error is the server's (or
    /// the connection's) reason, worded for the clerk.
    pub(crate) fn send(&self, from: &str, to: &str, message: &[u8]) -> Result<(), String> {
        let parse = |a: &str| a.parse::<Address>().map_err(|e| format!("{a}：{e}"));
        let envelope =
            Envelope::new(Some(parse(from)?), vec![parse(to)?]).map_err(|e| e.to_string())?;
        self.transport
            .send_raw(&envelope, message)
            .map(|_| ())
            .map_err(|e| format!("{}：{e}", self.server))
    }
}
