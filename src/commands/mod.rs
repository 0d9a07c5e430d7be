//! One module per subcommand. Each takes its parsed arguments and returns an
//! [`Outcome`]; `main` turns that into the exit code.

mod backup;
mod check;
mod common;
mod directory;
mod doctor;
mod export;
mod intake;
mod notify;
mod packet;
mod platform;
mod reindex;
mod report;
mod run;
mod sample;
mod schema;
mod serve;
mod showcase;
mod status;
mod template;
mod user;
mod validate;

use crate::cli::{Cli, Command};

pub use common::Outcome;

pub fn dispatch(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Intake(args) => intake::run(args),
        Command::Notify(args) => notify::run(args),
        Command::Serve(args) => serve::run(args),
        Command::User(cmd) => user::run(cmd),
        Command::Status(args) => status::run(args),
        Command::Reindex(args) => reindex::run(args),
        Command::Report(cmd) => report::run(cmd),
        Command::Validate(args) => validate::run(args),
        Command::Template(args) => template::run(args),
        Command::Backup(args) => backup::run(args),
        Command::Check(args) => check::run(args),
        Command::Doctor(args) => doctor::run(args),
        Command::Showcase(args) => showcase::run(args),
        Command::Directory(args) => directory::run(args),
        Command::Packet(args) => packet::run(args),
        Command::Sample(args) => sample::run(args),
        Command::Platform(args) => platform::run(args),
        Command::Export(args) => export::run(args),
        Command::Schema(args) => schema::run(args),
    }
}
