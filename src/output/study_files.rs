//! The files of sweeps, comparisons and solves (SPEC §7): `sweep.csv`,
//! `sweep.json`, `compare.csv`, `solve.json`. Same CSV conventions as a
//! run's files; the JSON files carry what is needed to cite and repeat the
//! study.

use std::io::{self, Write};

use serde::Serialize;

use super::csv_files::CsvOut;
use super::run_json::sha256_hex;
use crate::model::METRICS;
use crate::scenario::Scenario;
use crate::stats::MetricSummary;
use crate::study::compare::CompareEntry;
use crate::study::condition::Condition;
use crate::study::solve::{Passes, Solution};
use crate::study::sweep::SweepResult;

/// Writes mean, P5, P50, P95 and censored share of one metric summary.
fn summary_cells<W: Write>(csv: &mut CsvOut<W>, s: &MetricSummary) -> io::Result<()> {
    csv.num(s.mean)?;
    for p in [0.05, 0.5, 0.95] {
        csv.num(s.at(p).unwrap_or(f64::NAN))?;
    }
    csv.num(s.censored_share)?;
    csv.end()
}

/// `sweep.csv`: one column per swept key, then
/// `metric,mean,p5,p50,p95,censored_share`; one row per point per metric.
///
/// # Errors
/// When writing fails.
pub fn sweep_csv(result: &SweepResult, out: &mut dyn Write) -> io::Result<()> {
    let mut csv = CsvOut::new(out);
    let keys = result.keys.iter().map(|k| k.key.as_str());
    csv.header(keys.chain(["metric", "mean", "p5", "p50", "p95", "censored_share"]))?;
    for point in &result.points {
        for (summary, metric) in point.summaries.iter().zip(METRICS) {
            for (key, &i) in result.keys.iter().zip(&point.coords) {
                match key.values[i].number {
                    Some(x) => csv.num(x)?,
                    None => csv.text(&key.values[i].text)?,
                }
            }
            csv.text(metric.name())?;
            summary_cells(&mut csv, summary)?;
        }
    }
    csv.finish().map(|_| ())
}

/// `compare.csv`: `scenario,metric,mean,p5,p50,p95,censored_share`.
///
/// # Errors
/// When writing fails.
pub fn compare_csv(entries: &[CompareEntry], out: &mut dyn Write) -> io::Result<()> {
    let mut csv = CsvOut::new(out);
    csv.header([
        "scenario",
        "metric",
        "mean",
        "p5",
        "p50",
        "p95",
        "censored_share",
    ])?;
    for e in entries {
        for s in &e.statistics.summaries {
            csv.text(&e.name)?;
            csv.text(s.metric.name())?;
            summary_cells(&mut csv, s)?;
        }
    }
    csv.finish().map(|_| ())
}

/// What identifies the scenario a study started from.
#[derive(Serialize)]
struct Base<'a> {
    name: &'a str,
    source: &'a str,
    overrides: &'a [String],
    sha256: String,
    resolved_scenario: String,
}

impl<'a> Base<'a> {
    fn of(s: &'a Scenario) -> Self {
        let resolved = s.resolved_text();
        Base {
            name: &s.name,
            source: s.source(),
            overrides: s.applied_overrides(),
            sha256: sha256_hex(&resolved),
            resolved_scenario: resolved,
        }
    }
}

#[derive(Serialize)]
struct SweepKeyInfo<'a> {
    key: &'a str,
    values: Vec<&'a str>,
}

#[derive(Serialize)]
struct SweepInfo<'a> {
    capsim_version: &'static str,
    scenario: Base<'a>,
    seed: u64,
    paths: u64,
    points: usize,
    keys: Vec<SweepKeyInfo<'a>>,
    warnings: &'a [String],
    seconds: f64,
}

/// `sweep.json`: the base scenario, seed, paths and the grid.
///
/// # Errors
/// When writing fails.
pub fn sweep_json(
    result: &SweepResult,
    base: &Scenario,
    seconds: f64,
    out: &mut dyn Write,
) -> io::Result<()> {
    let info = SweepInfo {
        capsim_version: env!("CARGO_PKG_VERSION"),
        scenario: Base::of(base),
        seed: base.seed,
        paths: base.paths,
        points: result.points.len(),
        keys: result
            .keys
            .iter()
            .map(|k| SweepKeyInfo {
                key: &k.key,
                values: k.values.iter().map(|v| v.text.as_str()).collect(),
            })
            .collect(),
        warnings: &result.warnings,
        seconds,
    };
    serde_json::to_writer_pretty(&mut *out, &info).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

#[derive(Serialize)]
struct SolveInfo<'a> {
    key: &'a str,
    value: f64,
    low: f64,
    high: f64,
    condition: String,
    achieved: Option<f64>,
    achieved_interval: [Option<f64>; 2],
    passes: &'static str,
    range: [f64; 2],
    runs: usize,
    paths: u64,
    seed: u64,
    warnings: &'a [String],
    capsim_version: &'static str,
    scenario: Base<'a>,
}

/// `solve.json`: `key`, `value`, `low`, `high`, `condition`, `achieved`,
/// `paths`, `seed`, the warnings, and how the answer was found.
///
/// # Errors
/// When writing fails.
pub fn solve_json(
    solution: &Solution,
    condition: &Condition,
    base: &Scenario,
    warnings: &[String],
    out: &mut dyn Write,
) -> io::Result<()> {
    let finite = |x: f64| x.is_finite().then_some(x);
    let info = SolveInfo {
        key: &solution.key,
        value: solution.value,
        low: solution.low,
        high: solution.high,
        condition: condition.text.clone(),
        achieved: finite(solution.achieved.value),
        achieved_interval: [
            finite(solution.achieved.lower),
            finite(solution.achieved.upper),
        ],
        passes: match solution.passes {
            Passes::Above => "at and above value",
            Passes::Below => "at and below value",
            Passes::Everywhere => "everywhere in range",
        },
        range: [solution.range.0, solution.range.1],
        runs: solution.runs,
        paths: base.paths,
        seed: base.seed,
        warnings,
        capsim_version: env!("CARGO_PKG_VERSION"),
        scenario: Base::of(base),
    };
    serde_json::to_writer_pretty(&mut *out, &info).map_err(io::Error::other)?;
    out.write_all(b"\n")
}
