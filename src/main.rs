//! The `capsim` binary: parse arguments, run the command, print errors once
//! and map them to exit codes (0 ok, 1 runtime or I/O failure, 2 usage or
//! scenario error, 130 interrupted).

mod app;
mod cli;
mod studies;

use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    // A panic is a bug in capsim: say so plainly instead of a Rust backtrace.
    panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("error: internal error in capsim{place}: {what}\nhelp: this is a bug; please report it with the scenario file and the command line");
    }));
    match panic::catch_unwind(AssertUnwindSafe(|| app::run(cli))) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code())
        }
        Err(_) => ExitCode::from(1),
    }
}
