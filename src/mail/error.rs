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
    #[error("邮件服务器 {server} 拒绝了用户 {user} 的登录：{reason}（请检查用户名和密码，很多邮箱要用“客户端授权码”）")]
    Login {
        server: String,
        user: String,
        reason: String,
    },
    #[error("无法打开邮件文件夹“{folder}”：{reason}")]
    Folder { folder: String, reason: String },
    #[error("与邮件服务器 {server} 的连接中断：{reason}")]
    Imap { server: String, reason: String },
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
            reason: e.to_string(),
        }
    }
}
