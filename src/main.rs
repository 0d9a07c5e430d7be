use std::process::ExitCode;

use clap::Parser;

/// mimalloc: polars allocates and frees in many threads, and glibc's
/// allocator kept about a third more memory resident than was in use.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    jucai::memory::purge_soon();
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
    let cli = match jucai::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => match jucai::cli::explain(&e) {
            Some(text) => {
                eprintln!("{}", error_line(&text));
                return ExitCode::from(2);
            }
            None => e.exit(),
        },
    };
    match jucai::commands::dispatch(cli) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(e) => {
            eprintln!("{}", error_line(&jucai::error::chain(e.as_ref())));
            ExitCode::from(2)
        }
    }
}

/// “错误：…”, worded in templates/cli.toml.
fn error_line(text: &str) -> String {
    jucai::render::console::say("error", &serde_json::json!({ "text": text }))
        .unwrap_or_else(|_| text.to_string())
}
