//! What every command does first (configuration, registry, archive), how it
//! ends ([`Outcome`]), and how it shows progress.

use std::path::Path;

use crate::cli::Common;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::registry::Registry;
use crate::render::console;

/// How a command ended, when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything checked out (exit 0).
    Clean,
    /// Input had errors; they were reported (exit 1).
    FoundErrors,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::FoundErrors => 1,
        }
    }
}

/// What the commands that read the archive load first.
pub(super) struct Loaded {
    pub(super) config: Config,
    pub(super) registry: Registry,
    pub(super) archive: crate::archive::Archive,
}

impl Loaded {
    /// For a command that only reads the archive (reports, status,
    /// export): it is opened read-only and nothing is written into it.
    pub(super) fn new(common: &Common, archive: &crate::cli::ArchiveArg) -> anyhow::Result<Loaded> {
        let config = config(common)?;
        let registry = registry(&config)?;
        let dir = archive_dir(&config, archive);
        let archive = crate::archive::Archive::open_read(&reading_dir(&config, &dir))?;
        Ok(Loaded {
            config,
            registry,
            archive,
        })
    }

    /// For a command that records in the archive (notices sent).
    pub(super) fn writing(
        common: &Common,
        archive: &crate::cli::ArchiveArg,
    ) -> anyhow::Result<Loaded> {
        let config = config(common)?;
        let registry = registry(&config)?;
        let archive = open_archive(&config, &archive_dir(&config, archive))?;
        Ok(Loaded {
            config,
            registry,
            archive,
        })
    }

    pub(super) fn inputs(&self) -> crate::aggregate::inputs::Inputs<'_> {
        crate::pipeline::inputs(&self.config, &self.registry, &self.archive)
    }
}

/// The archive folder: the flag, else the configuration.
pub(super) fn archive_dir(config: &Config, arg: &crate::cli::ArchiveArg) -> std::path::PathBuf {
    arg.archive
        .clone()
        .unwrap_or_else(|| config.archive.clone())
}

/// Where a reader finds the archive configured at `dir`: an archive still
/// at the old default place is read there (moving it is for a writer).
fn reading_dir(config: &Config, dir: &Path) -> std::path::PathBuf {
    match config.legacy_archive.as_deref() {
        Some(old) if dir == config.archive && !dir.exists() && old.join("objects").is_dir() => {
            old.to_path_buf()
        }
        _ => dir.to_path_buf(),
    }
}

/// Open the archive in `dir`. An archive left at the old default place
/// (`output/archive`, where clearing the outputs would delete it) is moved to
/// the configured one first, when that does not exist yet.
pub(super) fn open_archive(config: &Config, dir: &Path) -> anyhow::Result<crate::archive::Archive> {
    if let Some(old) = config.legacy_archive.as_deref() {
        let moved = dir == config.archive && !dir.exists() && old.join("objects").is_dir();
        if moved {
            std::fs::rename(old, dir).map_err(|e| Error::io(old, e))?;
            let vars = serde_json::json!({ "from": shown(old), "to": shown(dir) });
            eprintln!("{}", console::say("archive_moved", &vars)?);
        }
    }
    Ok(crate::archive::Archive::open(dir)?)
}

/// Validate what the archive's reports count and is not validated under
/// the rules in force (see [`crate::archive::Archive::reindex`]); how many.
pub(super) fn reindex(
    config: &Config,
    registry: &Registry,
    archive: &crate::archive::Archive,
) -> anyhow::Result<usize> {
    let fingerprint = crate::validate::fingerprint(&config.schema, registry, &config.limits);
    Ok(archive.reindex(&config.schema, registry, &config.limits, &fingerprint)?)
}

/// A progress bar on a terminal; nothing when output is piped.
pub(super) fn progress(len: usize, what: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_string());
    bar
}

/// A spinner for a stage with no countable steps; nothing when output is piped.
pub(super) fn spinner(what: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(
        console::say("spinner", &serde_json::json!({ "what": what })).unwrap_or_default(),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// The configuration with command-line overrides applied.
pub(super) fn config(common: &Common) -> Result<Config, crate::config::ConfigError> {
    let mut config = Config::load(common.config.as_deref())?;
    if let Some(p) = &common.platform {
        config.platform = p.clone();
    }
    Ok(config)
}

/// Load the registry. Its diagnostics are printed; errors in it stop the command,
/// since every figure depends on the tree being right.
pub(super) fn registry(config: &Config) -> Result<Registry, Error> {
    let (registry, diags) = Registry::load(&config.platform, &config.schema)?;
    print_diagnostics(&diags)?;
    if diags.iter().any(Diagnostic::is_error) {
        return Err(Error::Registry {
            path: config.platform.clone(),
            message: console::word("registry_has_errors")?,
        });
    }
    Ok(registry)
}

pub(super) fn print_diagnostics(diags: &[Diagnostic]) -> Result<(), Error> {
    if !diags.is_empty() {
        eprint!("{}", console::diagnostics_table(diags)?);
    }
    Ok(())
}

/// A path as shown in messages.
pub(super) fn shown(path: &Path) -> String {
    path.display().to_string()
}
