//! The binary's commands: load scenarios, call the library, show progress,
//! print results. All printing happens here or in `main`.

use std::fmt;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Instant, SystemTime};

use capsim::engine::{self, EngineError, RunOptions};
use capsim::output::format::thousands;
use capsim::output::{self, terminal, OutputError, RunReport};
use capsim::scenario::raw::is_valid_name;
use capsim::scenario::starter::starter;
use capsim::scenario::{Override, Scenario, ScenarioError};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::cli::{CheckArgs, Cli, Command, NewArgs, RunArgs, SimulationArgs};

/// Everything that can stop a command, with its exit code.
#[derive(Debug)]
pub enum AppError {
    /// A scenario (file or `--set`) is invalid: exit 2.
    Scenario(ScenarioError),
    /// The command line asks for something impossible: exit 2.
    Usage {
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: String,
    },
    /// Writing outputs failed: exit 1 (130 when interrupted).
    Output(OutputError),
    /// The simulation failed: exit 1 (130 when interrupted).
    Engine(EngineError),
    /// The command ran but could not give an answer (e.g. solve found no
    /// value meeting the condition): exit 1.
    Failed {
        /// What happened.
        message: String,
        /// What to try.
        help: String,
    },
    /// Several scenarios failed to load: exit 2.
    Many(Vec<AppError>),
}

impl AppError {
    /// A command-line error about a study of the scenario `source` names
    /// the scenario first, as scenario errors do (`plan.toml: --vary …`);
    /// other errors are left as they are.
    pub(crate) fn in_scenario(self, source: &str) -> Self {
        match self {
            AppError::Usage { message, help } => AppError::Usage {
                message: format!("{source}: {message}"),
                help,
            },
            e => e,
        }
    }

    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            AppError::Scenario(_) | AppError::Usage { .. } | AppError::Many(_) => 2,
            AppError::Output(OutputError::Cancelled) | AppError::Engine(EngineError::Cancelled) => {
                130
            }
            AppError::Output(_) | AppError::Engine(_) | AppError::Failed { .. } => 1,
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::Scenario(e) => write!(f, "{e}"),
            AppError::Usage { message, help } | AppError::Failed { message, help } => {
                write!(f, "error: {message}\nhelp: {help}")
            }
            AppError::Output(OutputError::Cancelled) | AppError::Engine(EngineError::Cancelled) => {
                write!(f, "error: interrupted; nothing was written and earlier results are unchanged")
            }
            AppError::Output(e) => write!(f, "error: {e}\nhelp: check that the output folder (--out or output.dir) is writable and the disk has space"),
            AppError::Engine(e) => write!(f, "error: {e}"),
            AppError::Many(all) => {
                for (i, e) in all.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{e}")?;
                }
                Ok(())
            }
        }
    }
}

impl From<ScenarioError> for AppError {
    fn from(e: ScenarioError) -> Self {
        AppError::Scenario(e)
    }
}

impl From<OutputError> for AppError {
    fn from(e: OutputError) -> Self {
        AppError::Output(e)
    }
}

impl From<EngineError> for AppError {
    fn from(e: EngineError) -> Self {
        AppError::Engine(e)
    }
}

/// Runs a parsed command line.
///
/// # Errors
/// Whatever stops the command.
pub fn run(cli: Cli) -> Result<(), AppError> {
    match cli.command {
        Command::Run(args) => run_command(&args),
        Command::Check(args) => check_command(&args),
        Command::New(args) => new_command(&args),
        Command::Sweep(args) => crate::studies::sweep_command(&args),
        Command::Compare(args) => crate::studies::compare_command(&args),
        Command::Solve(args) => crate::studies::solve_command(&args),
    }
}

/// Set by Ctrl-C (and by SIGTERM or SIGHUP, as from `timeout` or a closed
/// terminal); a second signal exits at once.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

pub(crate) fn watch_for_ctrl_c() -> &'static AtomicBool {
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            output::remove_unfinished();
            std::process::exit(130);
        }
    });
    &INTERRUPTED
}

/// Prints a line to stdout. When stdout is a pipe that was closed
/// (`capsim check s.toml | head -1`) there is no one left to read: stop
/// quietly instead of panicking in `println!`.
pub(crate) fn say(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = writeln!(stdout, "{text}").and_then(|()| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("warning: cannot write to standard output: {e}");
    }
}

pub(crate) fn parse_overrides(set: &[String]) -> Result<Vec<Override>, AppError> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for arg in set {
        match Override::parse(arg) {
            Ok(o) => out.push(o),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(AppError::Scenario(ScenarioError {
            diagnostics: errors,
        }))
    }
}

/// Loads every scenario named (or the built-in default), reporting every
/// file's problems before giving up.
pub(crate) fn load_all(
    files: &[PathBuf],
    overrides: &[Override],
) -> Result<Vec<Scenario>, AppError> {
    if files.is_empty() {
        return Ok(vec![Scenario::builtin(overrides)?]);
    }
    let mut scenarios = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        match Scenario::from_file(file, overrides) {
            Ok(s) => scenarios.push(s),
            Err(e) => errors.push(AppError::Scenario(e)),
        }
    }
    match errors.len() {
        0 => Ok(scenarios),
        1 => Err(errors.remove(0)),
        _ => Err(AppError::Many(errors)),
    }
}

/// Memory the system can give us, from /proc/meminfo (None if unknown).
fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn gib(bytes: u64) -> String {
    format!("{:.1} GB", bytes as f64 / 1e9)
}

/// Refuses runs that cannot fit in memory; warns about too few paths.
pub(crate) fn guard_rails(scenario: &Scenario, threads: usize) -> Result<(), AppError> {
    let need = engine::memory_estimate(scenario, threads);
    if let Some(available) = available_memory() {
        if need > available {
            let per_path = (need as f64 / scenario.paths as f64).max(1.0);
            let fit = (available as f64 * 0.8 / per_path) as u64;
            return Err(AppError::Usage {
                message: format!("{}: {} paths need about {} of memory, but only {} is available", scenario.name, thousands(scenario.paths), gib(need), gib(available)),
                help: format!("use fewer paths, e.g. --paths {} (metric percentiles and ranks are exact, so memory grows with paths)", thousands(fit).replace(',', "")),
            });
        }
    }
    let tail = scenario.paths as f64 * 0.05;
    if tail < 10.0 {
        eprintln!(
            "warning: {}: with {} paths only {} paths lie below P5, so P5 and P95 are noisy; use at least 2000 paths for stable percentiles",
            scenario.name,
            scenario.paths,
            tail.floor()
        );
    }
    Ok(())
}

fn progress_bar(paths: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(paths), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} {msg} [{bar:30}] {human_pos}/{human_len} paths  {rate}  eta {eta}",
    ) {
        let rate = |state: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = w.write_str(&rate_text(state.per_sec()));
        };
        bar.set_style(style.with_key("rate", rate).progress_chars("=> "));
    }
    bar
}

/// Runs `work` with run options that stop on `cancel` and report progress
/// to a bar over `paths` paths labelled `message` (hidden when quiet or
/// not on a terminal); returns its result and the seconds it took.
pub(crate) fn with_progress<T>(
    paths: u64,
    message: String,
    quiet: bool,
    cancel: &AtomicBool,
    metrics_only: bool,
    work: impl FnOnce(&RunOptions<'_>) -> T,
) -> (T, f64) {
    let bar = progress_bar(paths, quiet);
    bar.set_message(message);
    let advance = |n: u64| bar.inc(n);
    let options = RunOptions {
        progress: Some(&advance),
        cancel: Some(cancel),
        metrics_only,
        ..Default::default()
    };
    let started = Instant::now();
    let result = work(&options);
    bar.finish_and_clear();
    (result, started.elapsed().as_secs_f64())
}

/// Paths per second as whole paths: `78,651/s` (indicatif's `{per_sec}`
/// shows four decimals).
fn rate_text(per_sec: f64) -> String {
    let whole = if per_sec.is_finite() {
        per_sec.round().max(0.0)
    } else {
        0.0
    };
    format!("{}/s", thousands(whole as u64))
}

/// The `--set` overrides plus `--paths` and `--seed`, which are shorthands
/// for `scenario.paths` and `scenario.seed` and win over `--set`.
pub(crate) fn overrides(set: &[String], sim: &SimulationArgs) -> Result<Vec<Override>, AppError> {
    let mut set = set.to_vec();
    if let Some(p) = sim.paths {
        set.push(format!("scenario.paths={p}"));
    }
    if let Some(s) = sim.seed {
        set.push(format!("scenario.seed=\"{s}\""));
    }
    parse_overrides(&set)
}

fn run_command(args: &RunArgs) -> Result<(), AppError> {
    let cancel = watch_for_ctrl_c();
    let overrides = overrides(&args.set, &args.sim)?;
    let mut scenarios = load_all(&args.scenarios, &overrides)?;
    if let Some(name) = &args.variant {
        scenarios = scenarios
            .iter()
            .map(|s| s.variant(name))
            .collect::<Result<_, _>>()?;
    }
    if let Some(out) = &args.sim.out {
        let several = scenarios.len() > 1;
        for s in &mut scenarios {
            s.output.dir = if several {
                out.join(&s.name)
            } else {
                out.clone()
            };
        }
    }
    let pool = engine::thread_pool(args.sim.threads.unwrap_or(0) as usize)?;
    for s in &scenarios {
        for w in &s.warnings {
            eprintln!("warning: {w}");
        }
        guard_rails(s, pool.current_num_threads())?;
        output::preflight(&s.output.dir)?;
    }
    for s in &scenarios {
        pool.install(|| run_one(s, args, cancel))?;
    }
    Ok(())
}

fn run_one(scenario: &Scenario, args: &RunArgs, cancel: &AtomicBool) -> Result<(), AppError> {
    let started_at = SystemTime::now();
    // metrics.csv is written while the paths are simulated.
    let staging = output::Staging::new(&scenario.output.dir)?;
    let metrics = output::stream_metrics(&staging, scenario)?;
    let rows_done = |first: u64, rows: &[f64]| metrics.rows(first, rows);
    let charts = scenario.output.charts && !args.no_charts;
    // The histograms read their metrics' sorted values from the analysis.
    let keep_sorted = if charts {
        output::charts::histogram_metrics()
    } else {
        Vec::new()
    };
    let (results, _) = with_progress(
        scenario.paths,
        scenario.name.clone(),
        args.sim.quiet,
        cancel,
        false,
        |options| {
            let options = RunOptions {
                rows_done: Some(&rows_done),
                keep_sorted: &keep_sorted,
                ..*options
            };
            engine::run(scenario, &options)
        },
    );
    let streamed = metrics.finish();
    let results = match results {
        // The metrics.csv writer failed: say why, not that the run stopped.
        Err(EngineError::Refused) => {
            let why = streamed
                .err()
                .unwrap_or_else(|| std::io::Error::other("the run was stopped"));
            return Err(staging
                .write_failed(output::csv_files::METRICS_FILE, why)
                .into());
        }
        other => other?,
    };
    let mut report = RunReport {
        scenario,
        results: &results,
        started_at,
        finished_at: SystemTime::now(),
        files: Vec::new(),
        cancel: Some(cancel),
    };
    let extra = if charts {
        output::charts::exporters()
    } else {
        Vec::new()
    };
    let (dir, files) = output::write_run_into(staging, &mut report, &extra, Some(streamed))?;
    if !args.sim.quiet {
        say(&format!(
            "{}\n",
            terminal::run_summary(scenario, &results, &dir.display().to_string(), &files)
        ));
    }
    Ok(())
}

fn check_command(args: &CheckArgs) -> Result<(), AppError> {
    let overrides = parse_overrides(&args.set)?;
    let files: Vec<Option<&PathBuf>> = if args.scenarios.is_empty() {
        vec![None]
    } else {
        args.scenarios.iter().map(Some).collect()
    };
    let mut errors = Vec::new();
    for file in files {
        let loaded = match file {
            Some(f) => Scenario::from_file(f, &overrides),
            None => Scenario::builtin(&overrides),
        };
        match loaded {
            Ok(s) => {
                for w in &s.warnings {
                    eprintln!("warning: {w}");
                }
                say(&format!("{}\n", terminal::check_listing(&s)));
            }
            Err(e) => errors.push(AppError::Scenario(e)),
        }
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(AppError::Many(errors)),
    }
}

fn new_command(args: &NewArgs) -> Result<(), AppError> {
    let given = &args.name;
    let stem = given
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    if !is_valid_name(&stem) {
        return Err(AppError::Usage {
            message: format!("\"{}\" is not a valid scenario name", given.display()),
            help: "use lower-case letters, digits, - and _, e.g. capsim new my-plan".into(),
        });
    }
    let path = given.with_extension("toml");
    if path.exists() {
        return Err(AppError::Usage {
            message: format!("{} already exists", path.display()),
            help: "choose another name, or delete the file first".into(),
        });
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if !parent.is_dir() {
            return Err(AppError::Usage {
                message: format!("folder {} does not exist", parent.display()),
                help: "create it first, or give a name without a folder".into(),
            });
        }
    }
    std::fs::write(&path, starter(&stem)).map_err(|source| {
        AppError::Output(OutputError::Io {
            path: path.clone(),
            action: "cannot write",
            source,
        })
    })?;
    say(&format!(
        "wrote {}\nnext: edit it, then `capsim check {}` and `capsim run {}`",
        path.display(),
        path.display(),
        path.display()
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::rate_text;

    #[test]
    fn rates_are_whole_paths_per_second() {
        assert_eq!(rate_text(78_650.525_5), "78,651/s");
        assert_eq!(rate_text(0.4), "0/s");
        assert_eq!(rate_text(f64::NAN), "0/s");
        assert_eq!(rate_text(f64::INFINITY), "0/s");
    }
}
