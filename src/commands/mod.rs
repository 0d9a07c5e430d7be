//! One module per subcommand. Each takes its parsed arguments and returns an
//! [`Outcome`]; `main` turns that into the exit code.

mod directory;
mod intake;
pub mod packet;
mod platform;
pub mod report;
mod run;
mod sample;
mod schema;
mod status;
mod template;
mod validate;

use std::path::Path;

use crate::cli::{Cli, Command, Common};
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

pub fn dispatch(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Intake(args) => intake::run(args),
        Command::Status(args) => status::run(args),
        Command::Report(cmd) => report::run(cmd),
        Command::Validate(args) => validate::run(args),
        Command::Template(args) => template::run(args),
        Command::Directory(args) => directory::run(args),
        Command::Packet(args) => packet::run(args),
        Command::Sample(args) => sample::run(args),
        Command::Platform(args) => platform::run(args),
        Command::Schema(args) => schema::run(args),
    }
}

/// What the commands that read the archive load first.
struct Loaded {
    config: Config,
    registry: Registry,
    archive: crate::archive::Archive,
    cache: crate::aggregate::load::Cache,
}

impl Loaded {
    fn new(common: &Common, archive: &crate::cli::ArchiveArg) -> anyhow::Result<Loaded> {
        let config = config(common)?;
        let registry = registry(&config)?;
        let archive = crate::archive::Archive::open(&archive_dir(&config, archive))?;
        Ok(Loaded {
            config,
            registry,
            archive,
            cache: Default::default(),
        })
    }

    fn inputs(&self) -> crate::aggregate::report::Inputs<'_> {
        crate::aggregate::report::Inputs {
            registry: &self.registry,
            schema: &self.config.schema,
            archive: &self.archive,
            deadline_days: self.config.deadline_days,
            targets: &self.config.targets,
            cache: &self.cache,
            limits: &self.config.limits,
        }
    }
}

/// The archive folder: the flag, else the configuration.
fn archive_dir(config: &Config, arg: &crate::cli::ArchiveArg) -> std::path::PathBuf {
    arg.archive
        .clone()
        .unwrap_or_else(|| config.archive.clone())
}

/// A progress bar on a terminal; nothing when output is piped.
fn progress(len: usize, what: &str) -> indicatif::ProgressBar {
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
fn spinner(what: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(format!("{what}……"));
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// The configuration with command-line overrides applied.
fn config(common: &Common) -> Result<Config, Error> {
    let mut config = Config::load(common.config.as_deref())?;
    if let Some(p) = &common.platform {
        config.platform = p.clone();
    }
    Ok(config)
}

/// Load the registry. Its diagnostics are printed; errors in it stop the command,
/// since every figure depends on the tree being right.
fn registry(config: &Config) -> Result<Registry, Error> {
    let (registry, diags) = Registry::load(&config.platform, &config.schema)?;
    print_diagnostics(&diags);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(Error::Registry {
            path: config.platform.clone(),
            message: "请先更正上面列出的错误".to_string(),
        });
    }
    Ok(registry)
}

fn print_diagnostics(diags: &[Diagnostic]) {
    if !diags.is_empty() {
        eprint!("{}", console::diagnostics_table(diags));
    }
}

/// A path as shown in messages.
fn shown(path: &Path) -> String {
    path.display().to_string()
}
