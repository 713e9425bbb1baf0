//! The study commands: `capsim sweep`, `capsim compare`, `capsim solve`.
//! Argument handling, progress and printing; the work is in
//! `capsim::study` and the files in `capsim::output::study_files`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use capsim::engine::{self, RunOptions};
use capsim::output::format::plain_number;
use capsim::output::solve_text::SolveText;
use capsim::output::{self, study_files, terminal, Staging};
use capsim::scenario::value::parse_number;
use capsim::scenario::{Override, Scenario, DEFAULT_SOURCE};
use capsim::study::compare;
use capsim::study::condition::Condition;
use capsim::study::grid::{parse_grid_key, GridKey};
use capsim::study::solve::{self, Outcome, Seek};
use capsim::study::sweep;
use capsim::study::StudyError;

use crate::app::{
    guard_rails, load_all, overrides, say, watch_for_ctrl_c, with_progress, AppError,
};
use crate::cli::{CompareArgs, SolveArgs, SweepArgs};

impl From<StudyError> for AppError {
    fn from(e: StudyError) -> Self {
        match e {
            StudyError::Scenario(e) => AppError::Scenario(e),
            StudyError::Engine(e) => AppError::Engine(e),
            StudyError::Usage { message, help } => AppError::Usage { message, help },
        }
    }
}

/// Writes one file of a study.
type Fill<'a> = Box<dyn FnOnce(&mut dyn Write) -> io::Result<()> + 'a>;

/// One scenario file, or the built-in default.
fn load_one(file: &Option<PathBuf>, overrides: &[Override]) -> Result<Scenario, AppError> {
    let files: Vec<PathBuf> = file.iter().cloned().collect();
    Ok(load_all(&files, overrides)?.remove(0))
}

/// Writes the study's files and moves them into `dir`.
fn write_files(
    dir: &Path,
    cancel: &AtomicBool,
    files: Vec<(String, Fill<'_>)>,
) -> Result<(PathBuf, Vec<String>), AppError> {
    let mut staging = Staging::new(dir)?;
    for (name, fill) in files {
        staging.write_with(&name, Some(cancel), fill)?;
    }
    let names = staging.files().to_vec();
    Ok((staging.commit()?, names))
}

fn chart_files<'a>(charts: Vec<(String, Vec<u8>)>) -> Vec<(String, Fill<'a>)> {
    charts
        .into_iter()
        .map(|(name, bytes)| {
            (
                name,
                Box::new(move |out: &mut dyn Write| out.write_all(&bytes)) as Fill<'a>,
            )
        })
        .collect()
}

/// The name a scenario's errors go by: its file, or the built-in default.
fn source_of(file: &Option<PathBuf>) -> String {
    file.as_ref()
        .map_or(DEFAULT_SOURCE.to_string(), |p| p.display().to_string())
}

/// Turns an error in a study option into one that names the scenario it
/// applies to (see [`AppError::in_scenario`]), for `map_err`.
fn in_scenario<E: Into<AppError>>(source: &str) -> impl Fn(E) -> AppError + '_ {
    move |e| e.into().in_scenario(source)
}

/// `capsim sweep`.
pub fn sweep_command(args: &SweepArgs) -> Result<(), AppError> {
    let cancel = watch_for_ctrl_c();
    let source = source_of(&args.scenario);
    // A bad --set names the scenario it was for, as `run` does.
    let keys: Vec<GridKey> = args
        .set
        .iter()
        .map(|a| {
            parse_grid_key(a).map_err(|mut d| {
                d.loc.source = format!("{} (applied to {source})", d.loc.source).into();
                d
            })
        })
        .collect::<Result<_, _>>()
        .map_err(capsim::scenario::ScenarioError::from)?;
    // Paths, seed and sampling are the same at every point: a single value
    // applies to the base scenario (and --paths/--seed win over it).
    let (keys, shared) = sweep::split_shared(keys).map_err(in_scenario(&source))?;
    let base = load_one(&args.scenario, &overrides(&shared, &args.sim)?)?;
    let prepared = sweep::prepare(&base, &keys).map_err(in_scenario(&source))?;
    let dir = args
        .sim
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("outputs").join(format!("{}-sweep", base.name)));
    output::preflight(&dir)?;
    let pool = engine::thread_pool(args.sim.threads.unwrap_or(0) as usize)?;
    guard_rails(&base, pool.current_num_threads())?;
    let (result, seconds) = with_progress(
        prepared.len() as u64 * base.paths,
        format!("sweep {} points", prepared.len()),
        args.sim.quiet,
        cancel,
        true,
        |options| pool.install(|| sweep::run(&keys, &prepared, options)),
    );
    let result = result?;
    for w in &result.warnings {
        eprintln!("warning: {w}");
    }
    let charts = if args.no_charts || !base.output.charts {
        Vec::new()
    } else {
        pool.install(|| output::charts::sweep_charts(&result, &base))
            .map_err(|e| AppError::Failed {
                message: format!("cannot draw the sweep charts: {e}"),
                help: "rerun with --no-charts to get the CSV".into(),
            })?
    };
    let mut files: Vec<(String, Fill<'_>)> = vec![
        (
            "sweep.csv".into(),
            Box::new(|out: &mut dyn Write| study_files::sweep_csv(&result, out)),
        ),
        (
            "sweep.json".into(),
            Box::new(|out: &mut dyn Write| study_files::sweep_json(&result, &base, seconds, out)),
        ),
    ];
    let chart_count = charts.len();
    files.extend(chart_files(charts));
    let (dir, names) = write_files(&dir, cancel, files)?;
    if !args.sim.quiet {
        say(&terminal::sweep_summary(&result, &base, seconds));
        if chart_count == 0 && !args.no_charts && base.output.charts && result.keys.len() > 2 {
            say("charts are drawn for sweeps over one or two keys; see sweep.csv");
        }
        say(&format!("\nwrote {}/: {}", dir.display(), names.join(", ")));
    }
    Ok(())
}

/// `capsim compare`.
pub fn compare_command(args: &CompareArgs) -> Result<(), AppError> {
    let cancel = watch_for_ctrl_c();
    let files = load_all(&args.scenarios, &overrides(&args.set, &args.sim)?)?;
    let first_file = files[0].name.clone();
    let scenarios = compare::expand(files)?;
    if scenarios.len() < 2 {
        let message = match scenarios.first() {
            Some(s) if s.name != first_file => format!(
                "compare needs at least two scenarios, but {} has only one variant ({})",
                args.scenarios[0].display(),
                s.name
            ),
            _ => "compare needs at least two scenarios".into(),
        };
        return Err(AppError::Usage {
            message,
            help: "name two or more files, or one file with two or more [[variants]] \
                   (a file with variants counts as its variants; add one with \
                   `name = \"base\"` and `set = {}` to include the file as written)"
                .into(),
        });
    }
    let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
    let default_dir = if names.len() <= 4 {
        format!("compare-{}", names.join("-"))
    } else {
        format!(
            "compare-{}-and-{}-more",
            names[..3].join("-"),
            names.len() - 3
        )
    };
    let dir = args
        .sim
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("outputs").join(default_dir));
    output::preflight(&dir)?;
    let pool = engine::thread_pool(args.sim.threads.unwrap_or(0) as usize)?;
    for s in &scenarios {
        for w in &s.warnings {
            eprintln!("warning: {w}");
        }
        guard_rails(s, pool.current_num_threads())?;
    }
    let (paths, seed) = (scenarios[0].paths, scenarios[0].seed);
    let (entries, seconds) = with_progress(
        scenarios.len() as u64 * paths,
        format!("compare {} scenarios", scenarios.len()),
        args.sim.quiet,
        cancel,
        false,
        |options| pool.install(|| compare::run(&scenarios, options)),
    );
    let entries = entries?;
    let charts = if args.no_charts {
        Vec::new()
    } else {
        // Every compared scenario had the same --set arguments.
        let overrides = scenarios[0].applied_overrides();
        pool.install(|| {
            output::charts::compare_charts_with_overrides(&entries, paths, seed, overrides)
        })
        .map_err(|e| AppError::Failed {
            message: format!("cannot draw the comparison charts: {e}"),
            help: "rerun with --no-charts to get the CSV".into(),
        })?
    };
    let mut files: Vec<(String, Fill<'_>)> = vec![(
        "compare.csv".into(),
        Box::new(|out: &mut dyn Write| study_files::compare_csv(&entries, out)),
    )];
    files.extend(chart_files(charts));
    let (dir, names) = write_files(&dir, cancel, files)?;
    if !args.sim.quiet {
        say(&terminal::compare_summary(
            &entries, &scenarios, paths, seed, seconds,
        ));
        say(&format!("\nwrote {}/: {}", dir.display(), names.join(", ")));
    }
    Ok(())
}

/// Parses `--range LOW..HIGH`.
fn parse_range(text: &str) -> Result<(f64, f64), AppError> {
    let bad = |detail: String| AppError::Usage {
        message: format!("--range {text}: {detail}"),
        help: "write --range LOW..HIGH, e.g. --range 0.1..2 or --range 30B..60B".into(),
    };
    let (a, b) = text
        .split_once("..")
        .ok_or_else(|| bad("expected LOW..HIGH".into()))?;
    let (a, b) = (parse_number(a).map_err(bad)?, parse_number(b).map_err(bad)?);
    if a >= b {
        return Err(bad("LOW must be below HIGH".into()));
    }
    Ok((a, b))
}

/// `capsim solve`.
pub fn solve_command(args: &SolveArgs) -> Result<(), AppError> {
    let cancel = watch_for_ctrl_c();
    let source = source_of(&args.scenario);
    let base = load_one(&args.scenario, &overrides(&args.set, &args.sim)?)?;
    let condition = Condition::parse(&args.target, base.start).map_err(|e| {
        AppError::Usage {
            message: format!("--target \"{}\": {e}", args.target),
            help: "see docs/sweeps.md for the condition grammar".into(),
        }
        .in_scenario(&source)
    })?;
    let range = match &args.range {
        Some(r) => parse_range(r).map_err(in_scenario(&source))?,
        None => solve::default_range(&base, &args.vary).map_err(in_scenario(&source))?,
    };
    // E.g. the varied input's correlations, dropped once it is fixed.
    let warnings = solve::warnings(&base, &args.vary, range).map_err(in_scenario(&source))?;
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    let seek = if args.smallest {
        Seek::Smallest
    } else if args.largest {
        Seek::Largest
    } else {
        Seek::Switch
    };
    let dir = args
        .sim
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("outputs").join(format!("{}-solve", base.name)));
    output::preflight(&dir)?;
    let pool = engine::thread_pool(args.sim.threads.unwrap_or(0) as usize)?;
    guard_rails(&base, pool.current_num_threads())?;
    let bar = if args.sim.quiet || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new_spinner()
    };
    bar.set_message(format!("solving for {}", args.vary));
    let advance = |n: u64| bar.inc(n);
    let options = RunOptions {
        progress: Some(&advance),
        cancel: Some(cancel),
        metrics_only: true,
        ..Default::default()
    };
    let outcome =
        pool.install(|| solve::solve(&base, &args.vary, &condition, range, seek, &options));
    bar.finish_and_clear();
    let text = SolveText::new(&base, &args.vary, &condition);
    match outcome? {
        Outcome::NotFound { at_low, at_high } => {
            let (message, help) = text.not_found(range, &at_low, &at_high);
            Err(AppError::Failed { message, help })
        }
        Outcome::Everywhere { at_low, at_high } => {
            let (message, help) = text.everywhere(range, &at_low, &at_high);
            Err(AppError::Failed { message, help })
        }
        Outcome::Found(solution) => {
            let files: Vec<(String, Fill<'_>)> = vec![(
                "solve.json".into(),
                Box::new(|out: &mut dyn Write| {
                    study_files::solve_json(&solution, &condition, &base, &warnings, out)
                }),
            )];
            let (dir, names) = write_files(&dir, cancel, files)?;
            // Machine-readable: the exact value, as in solve.json.
            say(&format!(
                "{} = {}",
                solution.key,
                plain_number(solution.value)
            ));
            if !args.sim.quiet {
                say(&text.solution(&solution, base.paths, base.seed));
                say(&format!("\nwrote {}/: {}", dir.display(), names.join(", ")));
            }
            Ok(())
        }
    }
}
