//! Command-line definitions (clap). Parsing only: no computation here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Monte Carlo capacity-and-cost scenarios for AI compute build-outs.
///
/// `capsim run` with no file runs the built-in default scenario (OpenAI's
/// 30 GW / $1.4T plan) and writes outputs/openai-30gw/.
#[derive(Debug, Parser)]
#[command(name = "capsim", version, about, long_about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run scenarios: simulate, write CSV, charts and run.json, print a summary.
    Run(RunArgs),
    /// Validate scenarios and print every input with its P5/P50/P95.
    Check(CheckArgs),
    /// Write a commented starter scenario NAME.toml.
    New(NewArgs),
    /// Sweep inputs over a grid: one run per combination of values (same
    /// seed and paths at every point), sweep.csv and charts.
    Sweep(SweepArgs),
    /// Compare scenarios (a file with [[variants]] counts as its variants),
    /// all run with the first one's seed and paths: compare.csv and charts.
    Compare(CompareArgs),
    /// Find the value of one input that meets a condition on a metric, e.g.
    /// --vary cost.per_gw_usd --target "P50 peak_funding_need_usd <= 1T".
    Solve(SolveArgs),
}

/// Options shared by the commands that simulate.
#[derive(Debug, Args)]
pub struct SimulationArgs {
    /// Number of paths (overrides the file).
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    pub paths: Option<u64>,
    /// Seed of the random streams (overrides the file).
    #[arg(long, allow_negative_numbers = true)]
    pub seed: Option<u64>,
    /// Worker threads (default: one per core).
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
    /// Output folder (default: run, the file's output.dir or outputs/<name>,
    /// one subfolder each with several scenarios; sweep, outputs/<name>-sweep;
    /// compare, outputs/compare-<a>-<b>...; solve, outputs/<name>-solve).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print only warnings and errors (no progress bar, no summary).
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `capsim sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario file (none: the built-in default scenario).
    pub scenario: Option<PathBuf>,
    /// A swept key with its values: KEY=V1,V2,... (file syntax, e.g.
    /// "cost.per_gw_usd=35B,45B") or KEY=LOW..HIGH:N for N evenly spaced
    /// values. Repeat for a grid of all combinations; a single value fixes
    /// the key at every point.
    #[arg(long = "set", value_name = "KEY=VALUES", required = true)]
    pub set: Vec<String>,
    /// Do not draw charts.
    #[arg(long)]
    pub no_charts: bool,
    #[command(flatten)]
    pub sim: SimulationArgs,
}

/// Arguments of `capsim compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario files (a file with [[variants]] counts as its variants).
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Override an input or setting in every scenario, as for `run`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Do not draw charts.
    #[arg(long)]
    pub no_charts: bool,
    #[command(flatten)]
    pub sim: SimulationArgs,
}

/// Arguments of `capsim solve`.
#[derive(Debug, Args)]
pub struct SolveArgs {
    /// Scenario file (none: the built-in default scenario).
    pub scenario: Option<PathBuf>,
    /// The input to vary, e.g. build.rate_gw_per_week.
    #[arg(long, value_name = "KEY")]
    pub vary: String,
    /// The condition to meet: "P50 breakeven_month <= 60",
    /// "mean npv_usd >= 0" or "P(breakeven_month <= 60) >= 0.5".
    #[arg(long, value_name = "CONDITION", allow_hyphen_values = true)]
    pub target: String,
    /// Range to search, LOW..HIGH, e.g. 20B..60B or -0.5..2 (default: the
    /// input's distribution, or its domain when bounded).
    #[arg(long, value_name = "LOW..HIGH", allow_hyphen_values = true)]
    pub range: Option<String>,
    /// Report the smallest value meeting the condition (default: where it
    /// switches).
    #[arg(long, conflicts_with = "largest")]
    pub smallest: bool,
    /// Report the largest value meeting the condition.
    #[arg(long)]
    pub largest: bool,
    /// Override an input or setting, as for `run`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    #[command(flatten)]
    pub sim: SimulationArgs,
}

/// Arguments of `capsim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files (none: the built-in default scenario).
    pub scenarios: Vec<PathBuf>,
    /// Override an input or setting, in the file's syntax, e.g.
    /// --set build.rate_gw_per_week=0.5 or --set "cost.per_gw_usd=40B to 60B".
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Run a named [[variants]] entry of the file instead of the file as
    /// written.
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
    /// Do not draw charts or the HTML report.
    #[arg(long)]
    pub no_charts: bool,
    #[command(flatten)]
    pub sim: SimulationArgs,
}

/// Arguments of `capsim check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario files (none: the built-in default scenario).
    pub scenarios: Vec<PathBuf>,
    /// Override an input or setting, as for `run`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

/// Arguments of `capsim new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// Scenario name (lower-case letters, digits, - and _); writes NAME.toml.
    /// A path such as scenarios/my-plan writes scenarios/my-plan.toml.
    pub name: PathBuf,
}
