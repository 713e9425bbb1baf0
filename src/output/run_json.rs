//! `run.json`: everything needed to cite and reproduce a run — capsim's
//! version, the scenario's resolved text and its SHA-256, seed, paths,
//! threads, timings, the inputs as resolved, and the files written.

use std::io::{self, Write};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Exporter, RunReport};
use crate::time::rfc3339;

/// File name.
pub const FILE_NAME: &str = "run.json";

/// Hex SHA-256 of a text.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Serialize)]
struct ScenarioInfo<'a> {
    name: &'a str,
    title: &'a str,
    source: &'a str,
    overrides: &'a [String],
    sha256: String,
}

#[derive(Serialize)]
struct InputInfo {
    key: &'static str,
    value: Option<String>,
    uncertain: bool,
    p5: Option<f64>,
    p50: Option<f64>,
    p95: Option<f64>,
}

#[derive(Serialize)]
struct CorrelationInfo {
    a: &'static str,
    b: &'static str,
    rank: f64,
}

#[derive(Serialize)]
struct BandMethod {
    method: &'static str,
    max_relative_error: f64,
}

#[derive(Serialize)]
struct RunInfo<'a> {
    capsim_version: &'static str,
    scenario: ScenarioInfo<'a>,
    seed: u64,
    paths: u64,
    threads: usize,
    sampling: &'static str,
    start_month: String,
    horizon_months: usize,
    started_at: String,
    finished_at: String,
    seconds: f64,
    paths_per_second: f64,
    inputs: Vec<InputInfo>,
    correlations: Vec<CorrelationInfo>,
    bands: BandMethod,
    files: &'a [String],
    resolved_scenario: String,
}

/// The `run.json` exporter.
pub struct RunJson;

impl Exporter for RunJson {
    fn file_name(&self) -> String {
        FILE_NAME.into()
    }

    fn write(&self, report: &RunReport<'_>, out: &mut dyn Write) -> io::Result<()> {
        let s = report.scenario;
        let resolved = s.resolved_text();
        let seconds = report.results.seconds;
        let inputs = s
            .inputs
            .iter()
            .map(|i| {
                let q = |p: f64| i.is_present().then(|| i.dist.quantile(p));
                InputInfo {
                    key: i.id.key(),
                    value: i.spec.as_ref().map(|sp| sp.to_toml()),
                    uncertain: i.is_uncertain(),
                    p5: q(0.05),
                    p50: q(0.5),
                    p95: q(0.95),
                }
            })
            .collect();
        let info = RunInfo {
            capsim_version: env!("CARGO_PKG_VERSION"),
            scenario: ScenarioInfo {
                name: &s.name,
                title: &s.title,
                source: s.source(),
                overrides: s.applied_overrides(),
                sha256: sha256_hex(&resolved),
            },
            seed: s.seed,
            paths: s.paths,
            threads: report.results.simulation.threads,
            sampling: s.sampling.name(),
            start_month: s.start.to_string(),
            horizon_months: s.months,
            started_at: rfc3339(report.started_at),
            finished_at: rfc3339(report.finished_at),
            seconds,
            paths_per_second: s.paths as f64 / seconds.max(1e-9),
            inputs,
            correlations: s
                .correlations
                .iter()
                .map(|c| CorrelationInfo {
                    a: c.a.key(),
                    b: c.b.key(),
                    rank: c.rank,
                })
                .collect(),
            bands: if report.results.simulation.bands.relative_error == 0.0 {
                BandMethod {
                    method: "exact (every path's monthly values sorted)",
                    max_relative_error: 0.0,
                }
            } else {
                BandMethod {
                    method: "relative-error sketch (means exact)",
                    max_relative_error: report.results.simulation.bands.relative_error,
                }
            },
            files: &report.files,
            resolved_scenario: resolved,
        };
        serde_json::to_writer_pretty(&mut *out, &info).map_err(io::Error::other)?;
        out.write_all(b"\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_text() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
