//! The `capsim` binary: parse arguments, run the command, print errors once
//! and map them to exit codes (0 ok, 1 runtime or I/O failure, 2 usage or
//! scenario error, 130 interrupted).

mod app;
mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match app::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code())
        }
    }
}
