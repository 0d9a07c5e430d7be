//! Why mail could not be fetched or sent.

use std::path::PathBuf;

/// Why mail could not be fetched or sent. No variant carries a password.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error(
        "jucai.toml 没有 [mail] 设置（imap、smtp、user、password_env、from），见 README“邮箱”一节"
    )]
    NotConfigured,
    #[error("[mail] 没有设置 imap（收件服务器），无法从邮箱收取")]
    NoImap,
    #[error("[mail] 没有设置 smtp（发件服务器），无法发送")]
    NoSmtp,
    #[error("[mail] 没有设置 from（发件人，如 \"某某中心 <地址@域名>\"）")]
    NoFrom,
    #[error("环境变量 {0} 没有设置邮箱密码（[mail] password_env）")]
    PasswordEnv(String),
    #[error("无法读取密码文件 {path}：{reason}")]
    PasswordFile { path: PathBuf, reason: String },
    #[error("密码文件 {path} 的权限是 {mode:o}，别人也能读取；请改为只有本人可读（chmod 600）")]
    PasswordFileOpen { path: PathBuf, mode: u32 },
    #[error("无法连接邮件服务器 {server}：{source}")]
    Connect {
        server: String,
        source: std::io::Error,
    },
    #[error("连接邮件服务器 {0} 超时")]
    Timeout(String),
    #[error("与邮件服务器 {server} 建立加密连接失败：{reason}。如果服务器用的是自己签发的证书，请在 [mail] ca 中给出它的证书文件")]
    Tls { server: String, reason: String },
    #[error("证书文件 {path} 无法使用：{reason}")]
    Ca { path: PathBuf, reason: String },
    #[error("邮件服务器 {server} 拒绝了用户 {user} 的登录，服务器答复：{reason}。{hint}")]
    Login {
        server: String,
        user: String,
        reason: String,
        /// What to check, for the provider when one is set (授权码).
        hint: String,
    },
    #[error("无法打开邮件文件夹“{folder}”，服务器答复：{reason}。{hint}")]
    Folder {
        folder: String,
        reason: String,
        hint: &'static str,
    },
    #[error("与邮件服务器 {server} 的连接中断：{reason}")]
    Imap { server: String, reason: String },
    #[error("发件服务器 {server} 不提供登录（AUTH），而 [mail] 要登录后发信：如果这台服务器不用登录就收本机的信（如单位内网的转发服务器），请在 [mail] 中写 smtp_auth = false；否则请检查 smtp 的地址和端口（很多服务器只在加密连接上提供登录）")]
    SmtpNoAuth { server: String },
    #[error("发件服务器 {server} 拒绝了用户 {user} 的登录，服务器答复：{reason}。{hint}")]
    SmtpLogin {
        server: String,
        user: String,
        reason: String,
        hint: String,
    },
    #[error("无法连接发件服务器 {server}：{reason}。这次没有发出任何通知，稍后再运行会全部重发")]
    SmtpConnect { server: String, reason: String },
    #[error("无法启动网络运行环境：{0}")]
    Runtime(std::io::Error),
    #[error(transparent)]
    Store(#[from] crate::error::Error),
    #[error(transparent)]
    Wording(#[from] crate::wording::WordingError),
}

impl MailError {
    pub(super) fn imap(server: &str, e: async_imap::error::Error) -> MailError {
        MailError::Imap {
            server: server.to_string(),
            reason: server_said(&e),
        }
    }

    /// A folder that could not be opened, with what to do about the answers
    /// users meet.
    pub(super) fn folder(folder: &str, e: &async_imap::error::Error) -> MailError {
        let reason = server_said(e);
        let hint = if reason.contains("Unsafe Login") {
            UNSAFE_LOGIN
        } else if ["exist", "NONEXISTENT", "not found", "Unknown"]
            .iter()
            .any(|w| reason.contains(w))
        {
            NO_SUCH_FOLDER
        } else {
            ""
        };
        MailError::Folder {
            folder: folder.to_string(),
            reason,
            hint,
        }
    }
}

const UNSAFE_LOGIN: &str =
    "网易（163、126、188）和 Coremail 邮箱这样拒绝没有开启客户端收信的邮箱：\
    请在邮箱网页版的“设置 → POP3/SMTP/IMAP”中开启 IMAP/SMTP 服务，\
    jucai 的密码用开启时生成的授权码";
const NO_SUCH_FOLDER: &str = "请检查 [mail] folder：文件夹名区分大小写，收件箱写 INBOX";

/// What the server answered, as its own words: async-imap carries a NO or
/// BAD answer's text only inside a debug dump of its parsed outcome
/// (`outcome: Outcome { code: None, information: Some("…") }`), which is
/// no message for a clerk.
pub(crate) fn server_said(e: &async_imap::error::Error) -> String {
    use async_imap::error::Error;
    match e {
        Error::No(dump) | Error::Bad(dump) => information(dump).unwrap_or_else(|| dump.clone()),
        Error::ConnectionLost => "连接被服务器关闭".to_string(),
        Error::Io(io) => format!("连接中断（{}）", io.kind()),
        other => other.to_string(),
    }
}

/// The quoted text after `information: Some(` or `info: Some(` in a debug dump.
fn information(dump: &str) -> Option<String> {
    let start = ["information: Some(\"", "info: Some(\""]
        .iter()
        .find_map(|key| dump.find(key).map(|at| at + key.len()))?;
    let mut out = String::new();
    let mut chars = dump[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out.trim().to_string()),
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_imap::error::Error;

    #[test]
    fn the_servers_words_come_out_of_async_imaps_debug_dump() {
        let dump = r#"outcome: Outcome { code: None, information: Some("SELECT Unsafe Login. Please contact kefu@188.com for help") }"#;
        assert_eq!(
            server_said(&Error::No(dump.to_string())),
            "SELECT Unsafe Login. Please contact kefu@188.com for help"
        );
        let login = r#"code: Some(AuthenticationFailed), info: Some("[AUTHENTICATIONFAILED] Authentication \"failed\".")"#;
        assert_eq!(
            server_said(&Error::No(login.to_string())),
            r#"[AUTHENTICATIONFAILED] Authentication "failed"."#
        );
        assert_eq!(server_said(&Error::Bad("odd".to_string())), "odd");
    }

    #[test]
    fn unsafe_login_says_to_switch_imap_on_and_use_the_code() {
        let dump = r#"outcome: Outcome { code: None, information: Some("SELECT Unsafe Login. Please contact kefu@188.com for help") }"#;
        let text = MailError::folder("INBOX", &Error::No(dump.to_string())).to_string();
        assert!(
            text.contains("开启 IMAP/SMTP 服务") && text.contains("授权码"),
            "{text}"
        );
        assert!(!text.contains("Outcome"), "{text}");
    }
}
