//! Errors that stop a command (as opposed to diagnostics, which describe bad input
//! and let the batch go on).

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("无法读写“{path}”")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("字段定义（schema）{origin} 有误：{message}")]
    Schema { origin: String, message: String },
    #[error("配置文件 {path} 有误：{message}")]
    Config { path: PathBuf, message: String },
    #[error("无法写出工作簿“{path}”")]
    Xlsx {
        path: PathBuf,
        source: rust_xlsxwriter::XlsxError,
    },
    #[error("模板“{name}”有误：{message}")]
    Template { name: String, message: String },
    #[error("平台名录“{path}”无法使用：{message}")]
    Registry { path: PathBuf, message: String },
    #[error("平台名录中没有单位编码“{0}”")]
    UnknownUnit(String),
    #[error("汇总计算失败：{0}")]
    Aggregation(String),
    #[error("诊断措辞 templates/messages.toml 有误")]
    Catalogue(#[from] crate::diagnostic::CatalogueError),
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub fn xlsx(path: &Path, source: rust_xlsxwriter::XlsxError) -> Error {
        Error::Xlsx {
            path: path.to_path_buf(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
