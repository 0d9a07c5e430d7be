use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = jucai::cli::Cli::parse();
    match jucai::commands::dispatch(cli) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(2)
        }
    }
}
