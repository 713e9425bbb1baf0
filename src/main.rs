//! The `capsim` binary: parse arguments, run the command, print errors once
//! and map them to exit codes (0 ok, 1 runtime or I/O failure, 2 usage or
//! scenario error, 130 interrupted).

mod app;
mod cli;
mod studies;

use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
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

/// Prints a command-line error as capsim prints every error: clap's
/// `error:` line (it names the option and the value), then a `help:` line
/// pointing at the command's options; exit code 2. `--help`, `--version`
/// and a bare `capsim` print as clap does.
fn usage_error(e: &clap::Error) -> ExitCode {
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit();
    }
    let text = e.render().to_string();
    let mut lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("For more information, try"))
        .collect();
    // clap lists missing arguments on the lines after its `error:` line;
    // name them on the `error:` line itself.
    let missing = missing_arguments(e);
    if let Some(missing) = &missing {
        lines.retain(|l| !l.starts_with("error:") && !l.starts_with("  "));
        lines.insert(0, missing);
    }
    let text = lines.join("\n");
    let command = std::env::args()
        .nth(1)
        .filter(|a| cli::Cli::command().find_subcommand(a).is_some())
        .map_or("capsim".to_string(), |c| format!("capsim {c}"));
    eprintln!(
        "{}\nhelp: `{command} --help` lists the options and the values they take",
        text.trim_end()
    );
    ExitCode::from(2)
}

/// `error: missing --set <KEY=VALUES>` when required arguments were not
/// given.
fn missing_arguments(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue};
    if e.kind() != ErrorKind::MissingRequiredArgument {
        return None;
    }
    match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::Strings(names)) if !names.is_empty() => {
            Some(format!("error: missing {}", names.join(", ")))
        }
        _ => None,
    }
}
