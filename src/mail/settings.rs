//! `[mail]` in `jucai.toml`: the centre's mailbox (IMAP) and its outgoing
//! server (SMTP), checked when the configuration is loaded. The password is
//! read only when a connection is made, from an environment variable or a
//! file only its owner can read; it is never printed, logged or stored.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// `[mail]` as written in `jucai.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailFile {
    imap: Option<String>,
    smtp: Option<String>,
    user: String,
    password_env: Option<String>,
    password_file: Option<PathBuf>,
    from: Option<String>,
    folder: Option<String>,
    ca: Option<PathBuf>,
    /// Messages fetched per IMAP command.
    batch: Option<usize>,
    /// A mailbox provider whose servers and login advice to use
    /// (`templates/mail_providers.toml`).
    provider: Option<String>,
    /// Whether the SMTP server wants a login (default: yes).
    smtp_auth: Option<bool>,
}

pub(crate) const PROVIDERS: &str = include_str!("../../templates/mail_providers.toml");

/// `templates/mail_providers.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Providers {
    generic: Advice,
    providers: std::collections::BTreeMap<String, Preset>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Advice {
    login: String,
}

/// A provider's documented servers and what to check when a login fails.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Preset {
    name: String,
    imap: String,
    smtp: String,
    login: String,
}

fn providers() -> &'static Providers {
    static PARSED: std::sync::OnceLock<Providers> = std::sync::OnceLock::new();
    // Built into the binary and parsed by a unit test, so this cannot fail at run time.
    PARSED.get_or_init(|| toml::from_str(PROVIDERS).expect("templates/mail_providers.toml"))
}

/// Why `[mail]` cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("[mail] {key} = \"{value}\" 不是可用的地址：应写成 {schemes}://主机名[:端口]")]
    Address {
        key: &'static str,
        value: String,
        schemes: &'static str,
    },
    #[error("[mail] {key} = \"{value}\" 是不加密的连接，只允许连接本机（127.0.0.1、localhost）；请改用 {secure}")]
    PlainNotLoopback {
        key: &'static str,
        value: String,
        secure: &'static str,
    },
    #[error("[mail] 需要 password_env（存放密码的环境变量名）或 password_file（密码文件）之一")]
    NoPassword,
    #[error("[mail] password_env 和 password_file 只能写一个")]
    TwoPasswords,
    #[error("[mail] from = \"{0}\" 不是可用的发件人，应写成 \"单位名称 <地址@域名>\"")]
    From(String),
    #[error("[mail] batch 须在 1 到 1000 之间")]
    Batch,
    #[error("[mail] provider = \"{value}\" 不认识；可写 {known}，或者不写 provider、直接写 imap 和 smtp")]
    Provider { value: String, known: String },
}

/// How a connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (imaps://, smtps://).
    Tls,
    /// Plain, then STARTTLS before logging in.
    StartTls,
    /// No TLS at all: loopback only.
    Plain,
}

/// A server to connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub security: Security,
    pub host: String,
    pub port: u16,
}

impl Endpoint {
    /// `scheme://host[:port][/]` with the schemes of one protocol.
    fn parse(key: &'static str, value: &str, p: Protocol) -> Result<Endpoint, SettingsError> {
        let bad = || SettingsError::Address {
            key,
            value: value.to_string(),
            schemes: p.schemes,
        };
        let (scheme, rest) = value.trim().split_once("://").ok_or_else(bad)?;
        let (security, default_port) = match scheme.to_ascii_lowercase() {
            s if s == p.tls.0 => (Security::Tls, p.tls.1),
            s if s == p.starttls.0 => (Security::StartTls, p.starttls.1),
            s if s == p.plain.0 => (Security::Plain, p.plain.1),
            _ => return Err(bad()),
        };
        let rest = rest.trim_end_matches('/');
        let (host, port) = split_host_port(rest).ok_or_else(bad)?;
        let port = match port {
            Some(p) => p.parse().map_err(|_| bad())?,
            None => default_port,
        };
        let endpoint = Endpoint {
            security,
            host: host.to_string(),
            port,
        };
        if security == Security::Plain && !endpoint.is_loopback() {
            return Err(SettingsError::PlainNotLoopback {
                key,
                value: value.to_string(),
                secure: p.tls.0,
            });
        }
        Ok(endpoint)
    }

    /// Whether the host is this machine.
    pub fn is_loopback(&self) -> bool {
        self.host.eq_ignore_ascii_case("localhost")
            || self.host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }
}

/// `host`, `host:port`, `[v6]`, `[v6]:port`; no path, user or query.
fn split_host_port(s: &str) -> Option<(&str, Option<&str>)> {
    let (host, port) = if let Some(v6) = s.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        (host, after.strip_prefix(':'))
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    };
    let fine = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':');
    (!host.is_empty() && host.chars().all(fine)).then_some((host, port))
}

/// A protocol's schemes and their default ports.
struct Protocol {
    schemes: &'static str,
    tls: (&'static str, u16),
    starttls: (&'static str, u16),
    plain: (&'static str, u16),
}

const IMAP: Protocol = Protocol {
    schemes: "imaps、imap+starttls 或 imap",
    tls: ("imaps", 993),
    starttls: ("imap+starttls", 143),
    plain: ("imap", 143),
};

const SMTP: Protocol = Protocol {
    schemes: "smtps、smtp+starttls 或 smtp",
    tls: ("smtps", 465),
    starttls: ("smtp+starttls", 587),
    plain: ("smtp", 25),
};

/// Where the password is kept.
#[derive(Debug, Clone)]
pub enum PasswordSource {
    Env(String),
    File(PathBuf),
}

/// A password read for one connection. Neither `Debug` nor `Display` shows it.
pub struct Password(String);

impl Password {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

/// The sender of notices: a display name and an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    pub name: String,
    pub address: String,
}

impl Sender {
    fn parse(s: &str) -> Option<Sender> {
        let s = s.trim();
        let (name, address) = match s.rsplit_once('<') {
            Some((name, rest)) => (
                name.trim().trim_matches('"').trim(),
                rest.strip_suffix('>')?,
            ),
            None => ("", s),
        };
        let address = address.trim();
        address.parse::<lettre::Address>().ok().map(|_| Sender {
            name: name.to_string(),
            address: address.to_string(),
        })
    }

    /// The address's domain, for Message-IDs.
    pub fn domain(&self) -> &str {
        self.address.rsplit_once('@').map_or("", |(_, d)| d)
    }
}

/// `[mail]`, checked.
#[derive(Debug, Clone)]
pub struct Settings {
    pub imap: Option<Endpoint>,
    pub smtp: Option<Endpoint>,
    pub user: String,
    pub password: PasswordSource,
    pub from: Option<Sender>,
    pub folder: String,
    /// An extra certificate authority to trust (a server with its own certificate).
    pub ca: Option<PathBuf>,
    pub batch: usize,
    /// Log in to the SMTP server (the default); `smtp_auth = false` for a
    /// relay that takes mail from this machine without one.
    pub smtp_auth: bool,
    /// What to check when a login is refused: the provider's advice, or
    /// the general one.
    login_advice: String,
}

impl Settings {
    /// Check `[mail]`; relative paths are relative to `jucai.toml`'s folder.
    pub fn resolve(raw: MailFile, base: &Path) -> Result<Settings, SettingsError> {
        let password = match (raw.password_env, raw.password_file) {
            (Some(var), None) => PasswordSource::Env(var),
            (None, Some(file)) => PasswordSource::File(base.join(file)),
            (None, None) => return Err(SettingsError::NoPassword),
            (Some(_), Some(_)) => return Err(SettingsError::TwoPasswords),
        };
        let from = raw
            .from
            .map(|f| Sender::parse(&f).ok_or(SettingsError::From(f)))
            .transpose()?;
        let batch = raw.batch.unwrap_or(50);
        if !(1..=1000).contains(&batch) {
            return Err(SettingsError::Batch);
        }
        let preset = raw.provider.as_deref().map(preset).transpose()?;
        // What is written wins over the provider's servers.
        let imap = raw.imap.or_else(|| preset.map(|p| p.imap.clone()));
        let smtp = raw.smtp.or_else(|| preset.map(|p| p.smtp.clone()));
        Ok(Settings {
            imap: imap
                .map(|v| Endpoint::parse("imap", &v, IMAP))
                .transpose()?,
            smtp: smtp
                .map(|v| Endpoint::parse("smtp", &v, SMTP))
                .transpose()?,
            user: raw.user,
            password,
            from,
            folder: raw.folder.unwrap_or_else(|| "INBOX".to_string()),
            ca: raw.ca.map(|c| base.join(c)),
            batch,
            smtp_auth: raw.smtp_auth.unwrap_or(true),
            login_advice: preset
                .map_or(&providers().generic.login, |p| &p.login)
                .clone(),
        })
    }

    /// What to check when the server refuses the login.
    pub fn login_hint(&self) -> String {
        self.login_advice.clone()
    }

    /// Read the password now, for one connection.
    pub fn password(&self) -> Result<Password, super::error::MailError> {
        match &self.password {
            PasswordSource::Env(var) => match std::env::var(var) {
                Ok(p) if !p.is_empty() => Ok(Password(p)),
                _ => Err(super::error::MailError::PasswordEnv(var.clone())),
            },
            PasswordSource::File(path) => read_private(path).map(Password),
        }
    }

    /// How the mailbox is named in the store: `imap://user@host/folder`.
    /// Not the port: the same mailbox reached over IMAPS or STARTTLS is
    /// still the same mailbox, and its UIDs are still taken.
    pub fn mailbox_name(&self, imap: &Endpoint) -> String {
        format!("imap://{}@{}/{}", self.user, imap.host, self.folder)
    }
}

/// The preset of `provider = "…"`.
fn preset(name: &str) -> Result<&'static Preset, SettingsError> {
    let all = &providers().providers;
    all.get(name.trim()).ok_or_else(|| SettingsError::Provider {
        value: name.to_string(),
        known: all
            .iter()
            .map(|(key, p)| format!("\"{key}\"（{}）", p.name))
            .collect::<Vec<_>>()
            .join("、"),
    })
}

/// A password file's first line, refused when anyone but its owner may read it.
fn read_private(path: &Path) -> Result<String, super::error::MailError> {
    use std::os::unix::fs::PermissionsExt;
    let unreadable = |e: std::io::Error| super::error::MailError::PasswordFile {
        path: path.to_path_buf(),
        reason: e.kind().to_string(),
    };
    use std::io::Read;
    // Checked and read through one handle, so the file checked is the file read.
    let mut file = std::fs::File::open(path).map_err(unreadable)?;
    let mode = file.metadata().map_err(unreadable)?.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(super::error::MailError::PasswordFileOpen {
            path: path.to_path_buf(),
            mode: mode & 0o777,
        });
    }
    let mut text = String::new();
    file.read_to_string(&mut text).map_err(unreadable)?;
    let line = text.lines().next().unwrap_or("").trim_end_matches('\r');
    if line.is_empty() {
        return Err(super::error::MailError::PasswordFile {
            path: path.to_path_buf(),
            reason: "空文件".to_string(),
        });
    }
    Ok(line.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imap(v: &str) -> Result<Endpoint, SettingsError> {
        Endpoint::parse("imap", v, IMAP)
    }

    #[test]
    fn endpoints_take_their_scheme_and_default_port() {
        let e = imap("imaps://mail.example.gov.cn").unwrap();
        assert_eq!(
            (e.security, e.host.as_str(), e.port),
            (Security::Tls, "mail.example.gov.cn", 993)
        );
        let e = imap("imap+starttls://mail.example.gov.cn:1143/").unwrap();
        assert_eq!((e.security, e.port), (Security::StartTls, 1143));
        let e = imap("imap://[::1]:2000").unwrap();
        assert_eq!(
            (e.security, e.host.as_str(), e.port),
            (Security::Plain, "::1", 2000)
        );
    }

    #[test]
    fn plain_connections_are_refused_off_loopback() {
        assert!(matches!(
            imap("imap://mail.example.gov.cn"),
            Err(SettingsError::PlainNotLoopback { .. })
        ));
        assert!(imap("imap://127.0.0.1:143").is_ok());
        assert!(imap("imap://localhost").is_ok());
    }

    #[test]
    fn bad_addresses_are_refused() {
        for v in [
            "mail.example.gov.cn",
            "http://x",
            "imaps://user@host",
            "imaps://h:port",
            "imaps://",
        ] {
            assert!(matches!(imap(v), Err(SettingsError::Address { .. })), "{v}");
        }
    }

    fn mail_file(extra: &str) -> MailFile {
        toml::from_str(&format!(
            "user = \"a@163.com\"\npassword_env = \"P\"\n{extra}"
        ))
        .unwrap()
    }

    #[test]
    fn every_provider_preset_parses_with_tls_servers() {
        for (key, p) in &providers().providers {
            let imap = Endpoint::parse("imap", &p.imap, IMAP).unwrap();
            let smtp = Endpoint::parse("smtp", &p.smtp, SMTP).unwrap();
            assert_eq!((imap.security, imap.port), (Security::Tls, 993), "{key}");
            assert_eq!((smtp.security, smtp.port), (Security::Tls, 465), "{key}");
        }
    }

    #[test]
    fn a_provider_gives_its_servers_and_advice_and_what_is_written_wins() {
        let s = Settings::resolve(mail_file("provider = \"163\""), Path::new("/")).unwrap();
        assert_eq!(s.imap.as_ref().unwrap().host, "imap.163.com");
        assert_eq!(s.smtp.as_ref().unwrap().host, "smtp.163.com");
        assert!(s.login_hint().contains("授权码"));
        let s = Settings::resolve(
            mail_file("provider = \"qq\"\nimap = \"imap://127.0.0.1:1143\""),
            Path::new("/"),
        )
        .unwrap();
        assert_eq!(s.imap.as_ref().unwrap().port, 1143);
        assert_eq!(s.smtp.as_ref().unwrap().host, "smtp.qq.com");
        let err = Settings::resolve(mail_file("provider = \"sina\""), Path::new("/"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("sina") && err.contains("\"163\""), "{err}");
    }

    #[test]
    fn the_sender_has_a_name_and_an_address() {
        let s = Sender::parse("东胜区民政人才工作中心 <rczx@example.gov.cn>").unwrap();
        assert_eq!(s.name, "东胜区民政人才工作中心");
        assert_eq!(s.domain(), "example.gov.cn");
        assert!(Sender::parse("中心 <not an address>").is_none());
    }

    #[test]
    fn a_password_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pw");
        std::fs::write(&path, "secret\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = read_private(&path).unwrap_err().to_string();
        assert!(err.contains("644") && !err.contains("secret"), "{err}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(read_private(&path).unwrap(), "secret");
    }
}
