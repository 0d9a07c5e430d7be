use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Like other Unix tools, stop quietly when the reader of our output goes
    // away (`jucai status | head`) instead of failing to print.
    #[cfg(unix)]
    // SAFETY: restoring the default SIGPIPE action before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // A panic inside the spreadsheet parser is reported as that file's
    // diagnostic; don't also print it as a crash.
    jucai::read::guard::quiet_hook();
    let cli = jucai::cli::Cli::parse();
    match jucai::commands::dispatch(cli) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(e) => {
            eprintln!("错误：{}", jucai::error::chain(e.as_ref()));
            ExitCode::from(2)
        }
    }
}
