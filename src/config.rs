//! `jucai.toml`: where things are, and the settings a district may change.
//! Without it, jucai uses the sample layout (sample-input/ → output/).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::period::Period;
use crate::schema::Schema;
use crate::schema::SchemaError;

pub const CONFIG_FILE: &str = "jucai.toml";

/// The installed package's configuration, read by the installed binary when
/// the working folder has none: an operator's `jucai status` works from any
/// folder.
pub const SYSTEM_CONFIG: &str = "/etc/jucai/jucai.toml";

/// Where the package installs the binary.
const INSTALLED_BINARY: &str = "/usr/bin/jucai";

/// Whether this is the packaged binary. A jucai built from source never
/// reads /etc/jucai (its tests must not find the real archive there).
fn installed() -> bool {
    std::env::current_exe().is_ok_and(|p| p == Path::new(INSTALLED_BINARY))
}

/// Where the export's province secret may come from instead of `jucai.toml`.
pub const SECRET_ENV: &str = "JUCAI_TALENT_KEY_SECRET";

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("无法读取配置文件 {path}：{source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("配置文件 {path} 有误：{problem}")]
    File {
        path: PathBuf,
        problem: ConfigProblem,
    },
    #[error(transparent)]
    Schema(#[from] SchemaError),
}

/// What is wrong in `jucai.toml`.
#[derive(Debug, thiserror::Error)]
pub enum ConfigProblem {
    #[error("{0}")]
    Toml(#[from] toml::de::Error),
    #[error("[rubric] {0}")]
    Rubric(#[from] crate::reports::packet::RubricError),
    #[error("[targets] {0}")]
    Targets(#[from] crate::targets::TargetsError),
    #[error("{0}")]
    Mail(#[from] crate::mail::SettingsError),
    #[error("[web] 的 cert（证书）和 key（私钥）要一起设置")]
    WebTls,
    #[error("[documents] 的 page_numbers 要含 {{page}}（页码），例如 \"— {{page}} —\" 或 \"第 {{page}} 页 共 {{pages}} 页\"，现在是 \"{0}\"")]
    PageNumbers(String),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    platform: Option<PathBuf>,
    input: Option<PathBuf>,
    archive: Option<PathBuf>,
    output: Option<PathBuf>,
    schema: Option<PathBuf>,
    deadline_days: Option<u32>,
    template_period: Option<Period>,
    /// Replaces the built-in assessment rubric (templates/rubric.toml).
    rubric: Option<crate::reports::packet::Rubric>,
    /// Replaces the built-in annual targets (templates/targets.toml).
    targets: Option<crate::targets::Targets>,
    /// Resource limits for received files (sizes in MB).
    limits: Option<crate::limits::LimitsFile>,
    /// The province export.
    export: Option<ExportFile>,
    /// The centre's mailbox and outgoing server.
    mail: Option<crate::mail::MailFile>,
    /// The web desk.
    web: Option<WebFile>,
    /// How documents are set.
    documents: Option<DocumentsFile>,
}

/// `[documents]` in `jucai.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentsFile {
    /// The page number at the foot of a document (quarterly report,
    /// summaries, packets), with `{page}` and `{pages}`.
    page_numbers: Option<String>,
}

/// `[web]` in `jucai.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WebFile {
    /// The desk's certificate chain (PEM): with `key`, it serves HTTPS.
    cert: Option<PathBuf>,
    key: Option<PathBuf>,
    /// The name browsers reach the desk by (e.g. rencai.example.gov.cn):
    /// a request for any other host is refused.
    host: Option<String>,
    /// The address and port the desk listens on (`--listen` overrides it):
    /// the packaged service is configured here, not in its unit file.
    listen: Option<std::net::SocketAddr>,
    /// A reverse proxy in front gives HTTPS (as `--behind-https`).
    #[serde(default)]
    behind_https: bool,
}

/// `[export]` in `jucai.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportFile {
    /// The province's key for `talent_key` (HMAC-SHA256 of ID numbers).
    talent_key_secret: Option<String>,
}

/// Settings in force for one command.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file these settings were read from (`None`: the sample layout).
    pub source: Option<PathBuf>,
    /// The registry workbook (平台名录).
    pub platform: PathBuf,
    /// Where `jucai run` takes received mail and files from.
    pub input: PathBuf,
    /// The submission archive. Not under `output`: clearing the outputs to
    /// regenerate them must never delete what was received.
    pub archive: PathBuf,
    /// Where the archive was by default before (`output/archive`), when no
    /// archive is configured: moved to `archive` on first use.
    pub legacy_archive: Option<PathBuf>,
    /// Where outputs go.
    pub output: PathBuf,
    pub schema: Schema,
    /// Submissions are due this many days after the quarter ends.
    pub deadline_days: u32,
    /// The period `jucai run` writes blank templates for, until the archive says otherwise.
    pub template_period: Period,
    /// The annual assessment rubric.
    pub rubric: crate::reports::packet::Rubric,
    /// Annual targets and the 有阵地 area floor.
    pub targets: crate::targets::Targets,
    /// How big a received file may be and what it may unpack to.
    pub limits: crate::limits::Limits,
    /// The province's key for `talent_key` in the export: `[export]
    /// talent_key_secret`, else the environment's `JUCAI_TALENT_KEY_SECRET`.
    pub talent_key_secret: Option<String>,
    /// `[mail]`: the centre's mailbox and outgoing server, when set.
    pub mail: Option<crate::mail::Settings>,
    /// `[web] cert` and `key`: the desk serves HTTPS with them.
    pub web_tls: Option<(PathBuf, PathBuf)>,
    /// `[web] host`: the only host name the desk answers to, when set.
    pub web_host: Option<String>,
    /// `[web] listen`: where the desk listens unless `--listen` says.
    pub web_listen: Option<std::net::SocketAddr>,
    /// `[web] behind_https`: as `--behind-https`.
    pub web_behind_https: bool,
    /// `[documents] page_numbers`: the documents' page number, when the
    /// district keeps its own (e.g. 第 {page} 页 共 {pages} 页) instead of
    /// GB/T 9704's “— {page} —” the templates give.
    pub page_numbers: Option<String>,
}

impl Config {
    /// Read `path` if given, else `jucai.toml` in the working folder if present,
    /// else the installed package's `/etc/jucai/jucai.toml`, else the sample
    /// layout. Relative paths in the file are relative to it.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let default = Path::new(CONFIG_FILE);
        let (file, base) = match path {
            Some(p) => (Some(p), p.parent().unwrap_or(Path::new("")).to_path_buf()),
            None if default.exists() => (Some(default), PathBuf::new()),
            None if installed() && Path::new(SYSTEM_CONFIG).exists() => {
                (Some(Path::new(SYSTEM_CONFIG)), PathBuf::from("/etc/jucai"))
            }
            None => (None, PathBuf::new()),
        };
        let raw = match file {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|source| ConfigError::Io {
                    path: p.to_path_buf(),
                    source,
                })?;
                let fail = |problem: ConfigProblem| ConfigError::File {
                    path: p.to_path_buf(),
                    problem,
                };
                let raw: ConfigFile =
                    toml::from_str(&text).map_err(|e| fail(ConfigProblem::Toml(e)))?;
                // Read in place, so a mistake is reported at its line of jucai.toml.
                if let Some(r) = &raw.rubric {
                    r.check().map_err(|e| fail(e.into()))?;
                }
                if let Some(t) = &raw.targets {
                    t.check().map_err(|e| fail(e.into()))?;
                }
                raw
            }
            None => ConfigFile::default(),
        };
        let mut raw = raw;
        let web = raw.web.take().unwrap_or_default();
        let web_host = web.host.map(|h| h.to_ascii_lowercase());
        let (web_listen, web_behind_https) = (web.listen, web.behind_https);
        let web_tls = match Some((web.cert, web.key)) {
            None | Some((None, None)) => None,
            Some((Some(cert), Some(key))) => Some((base.join(cert), base.join(key))),
            Some(_) => {
                return Err(ConfigError::File {
                    path: file.map(Path::to_path_buf).unwrap_or_default(),
                    problem: ConfigProblem::WebTls,
                })
            }
        };
        let page_numbers = raw.documents.take().and_then(|d| d.page_numbers);
        if let Some(bad) = page_numbers.as_ref().filter(|p| !p.contains("{page}")) {
            return Err(ConfigError::File {
                path: file.map(Path::to_path_buf).unwrap_or_default(),
                problem: ConfigProblem::PageNumbers(bad.clone()),
            });
        }
        let mail = match (raw.mail.take(), file) {
            (Some(m), Some(p)) => {
                Some(
                    crate::mail::Settings::resolve(m, &base).map_err(|e| ConfigError::File {
                        path: p.to_path_buf(),
                        problem: e.into(),
                    })?,
                )
            }
            _ => None,
        };
        let at = |p: Option<PathBuf>, default: &str| base.join(p.unwrap_or_else(|| default.into()));
        let schema = match &raw.schema {
            Some(p) => Schema::load(&base.join(p))?,
            None => Schema::builtin(),
        };
        let rubric = raw
            .rubric
            .unwrap_or_else(crate::reports::packet::Rubric::builtin);
        let targets = raw.targets.unwrap_or_else(crate::targets::Targets::builtin);
        Ok(Config {
            source: file.map(Path::to_path_buf),
            rubric,
            targets,
            limits: raw.limits.unwrap_or_default().resolve(),
            mail,
            web_tls,
            web_host,
            web_listen,
            web_behind_https,
            page_numbers,
            talent_key_secret: raw
                .export
                .and_then(|e| e.talent_key_secret)
                .or_else(|| std::env::var(SECRET_ENV).ok())
                .filter(|s| !s.is_empty()),
            platform: at(raw.platform, "sample-input/platform.xlsx"),
            input: at(raw.input, "sample-input/inbox"),
            legacy_archive: raw
                .archive
                .is_none()
                .then(|| at(raw.output.clone(), "output").join("archive")),
            archive: at(raw.archive, "archive"),
            output: at(raw.output, "output"),
            schema,
            deadline_days: raw.deadline_days.unwrap_or(10),
            template_period: raw.template_period.unwrap_or(Period {
                year: 2023,
                quarter: 3,
            }),
        })
    }
}
