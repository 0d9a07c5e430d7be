//! Errors that stop a command (as opposed to diagnostics, which describe bad input
//! and let the batch go on). Each keeps the error it came from as its source;
//! its own message is complete on its own, so it reads well in a log line too.

use std::path::{Path, PathBuf};

use crate::diagnostic::CatalogueError;
use crate::period::Period;
use crate::wording::WordingError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("无法读写“{path}”：{source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("无法写出工作簿“{path}”：{source}")]
    Xlsx {
        path: PathBuf,
        source: rust_xlsxwriter::XlsxError,
    },
    #[error("无法写出 Word 文档“{path}”：{source}")]
    Docx {
        path: PathBuf,
        source: docx_rs::DocxError,
    },
    #[error(transparent)]
    Wording(#[from] WordingError),
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    /// The registry cannot be used; `message` is its worded diagnostic.
    #[error("平台名录“{path}”无法使用：{message}")]
    Registry { path: PathBuf, message: String },
    #[error("平台名录中没有单位编码“{0}”")]
    UnknownUnit(String),
    #[error("平台名录中没有中心")]
    NoCentre,
    #[error("汇总计算失败：{0}")]
    Aggregation(#[from] polars::prelude::PolarsError),
    /// A period's figures were asked for but never computed (a bug, not bad input).
    #[error("{} 的汇总没有计算", .0.code())]
    NotComputed(Period),
    #[error("报送档案的索引“{path}”无法读写：{source}")]
    Index {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("报送档案的索引“{path}”是更新版本的 jucai 写的（版本 {found}，本程序认识到 {known}），请升级 jucai")]
    IndexVersion {
        path: PathBuf,
        found: i32,
        known: i32,
    },
    #[error("报送档案的索引“{path}”是旧版本的（版本 {found}）：先运行一次 jucai reindex（或 jucai intake、jucai run）升级，再出报告")]
    IndexOutdated { path: PathBuf, found: i32 },
    #[error("报送档案中有 {count} 份台账还没有按现在的字段定义和平台名录校验过（改过字段定义或名录之后）：先运行 jucai reindex（jucai intake 和 jucai run 会顺带完成），再出报告")]
    NotReindexed { count: usize },
    #[error("报送档案是以只读方式打开的，不能写入")]
    ReadOnlyArchive,
    #[error("字段定义的人才信息台账没有“同意宣传”和“姓名”（roles 中的 consent、name），无法知道谁同意宣传，不能生成人才风采")]
    NoConsentField,
    #[error("报送档案记录“{path}”无法读取：{source}")]
    Record {
        path: PathBuf,
        source: serde_json::Error,
    },
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub fn index(path: &Path, source: rusqlite::Error) -> Error {
        Error::Index {
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

    pub fn docx(path: &Path, source: docx_rs::DocxError) -> Error {
        Error::Docx {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// An error and its causes as one line, in Chinese punctuation. A cause whose
/// words the message already contains is not repeated.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push('：');
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
