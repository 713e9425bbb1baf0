//! `capsim compare`: several scenarios run with the same seed and paths.

use crate::engine::{self, RunOptions};
use crate::model::Metric;
use crate::scenario::{InputId, Scenario};
use crate::stats::quantile::percentile_sorted;
use crate::stats::{Bands, PathStatistics};
use crate::time::YearMonth;

use super::StudyError;

/// Metrics whose distributions are drawn as CDFs.
pub const CDF_METRICS: [Metric; 3] = [
    Metric::PeakFundingNeedUsd,
    Metric::NpvUsd,
    Metric::TargetMonth,
];

/// Points of each stored CDF (quantiles at 0, 0.1%, …, 100%).
pub const CDF_POINTS: usize = 1001;

/// One compared scenario's results.
#[derive(Debug, Clone)]
pub struct CompareEntry {
    /// Scenario name (variants: `<name>-<variant>`).
    pub name: String,
    /// Title.
    pub title: String,
    /// First month.
    pub start: YearMonth,
    /// Months simulated.
    pub months: usize,
    /// The commitment, when it is fixed.
    pub commitment_usd: Option<f64>,
    /// Metric summaries and sensitivities.
    pub statistics: PathStatistics,
    /// Monthly bands.
    pub bands: Bands,
    /// For each of [`CDF_METRICS`], its quantiles at k / (CDF_POINTS − 1)
    /// (NaN where censored).
    pub cdfs: Vec<(Metric, Vec<f64>)>,
}

/// Runs every scenario (in turn; each run is parallel).
///
/// # Errors
/// When a run fails or is interrupted.
pub fn run(
    scenarios: &[Scenario],
    options: &RunOptions<'_>,
) -> Result<Vec<CompareEntry>, StudyError> {
    scenarios.iter().map(|s| entry(s, options)).collect()
}

fn entry(scenario: &Scenario, options: &RunOptions<'_>) -> Result<CompareEntry, StudyError> {
    let results = engine::run(scenario, options)?;
    let sim = &results.simulation;
    let width = sim.width();
    let cdfs = CDF_METRICS
        .iter()
        .map(|&m| {
            let mut column: Vec<f64> = sim
                .rows
                .iter()
                .skip(sim.inputs.len() + m as usize)
                .step_by(width)
                .copied()
                .collect();
            column.sort_by(f64::total_cmp);
            let quantiles = (0..CDF_POINTS)
                .map(|k| percentile_sorted(&column, k as f64 / (CDF_POINTS - 1) as f64))
                .collect();
            (m, quantiles)
        })
        .collect();
    Ok(CompareEntry {
        name: scenario.name.clone(),
        title: scenario.title.clone(),
        start: scenario.start,
        months: scenario.months,
        commitment_usd: scenario.input(InputId::CommitmentUsd).dist.fixed_value(),
        statistics: results.statistics,
        bands: results.simulation.bands,
        cdfs,
    })
}

/// Expands files with `[[variants]]` into their variants (a file without
/// variants is itself), gives every scenario the first one's seed and paths
/// (common random numbers) and makes names unique.
///
/// # Errors
/// When a variant is invalid.
pub fn expand(files: Vec<Scenario>) -> Result<Vec<Scenario>, StudyError> {
    let mut out = Vec::new();
    for s in files {
        if s.variant_names.is_empty() {
            out.push(s);
        } else {
            for v in s.variant_names.clone() {
                out.push(s.variant(&v)?);
            }
        }
    }
    if let Some(first) = out.first().map(|s| (s.seed, s.paths)) {
        for s in &mut out {
            (s.seed, s.paths) = first;
        }
    }
    let names: Vec<String> = out.iter().map(|s| s.name.clone()).collect();
    for (i, s) in out.iter_mut().enumerate() {
        if names.iter().filter(|n| **n == s.name).count() > 1 {
            s.name = format!("{}-{}", s.name, i + 1);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_become_scenarios_with_one_seed() {
        let text = "[scenario]\nname = \"v\"\npaths = 1500\nseed = 9\n[revenue]\ngrowth = { dist = \"uniform\", min = 0.5, max = 1.5 }\n[[variants]]\nname = \"bull\"\nset = { \"revenue.margin\" = \"90%\" }\n[[variants]]\nname = \"bear\"\nset = { \"revenue.margin\" = \"40%\" }\n";
        let file = Scenario::from_str("v.toml", Some("v"), text, &[]).unwrap();
        let other = Scenario::from_str(
            "w.toml",
            Some("w"),
            "[scenario]\nseed = 1\npaths = 700\n",
            &[],
        )
        .unwrap();
        let all = expand(vec![file, other]).unwrap();
        assert_eq!(
            all.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            vec!["v-bull", "v-bear", "w"]
        );
        assert!(all.iter().all(|s| s.seed == 9 && s.paths == 1500));
        let entries = run(&all[..2], &RunOptions::default()).unwrap();
        let p50 = |e: &CompareEntry| e.statistics.summaries[Metric::NpvUsd as usize].percentiles[3];
        assert!(
            p50(&entries[0]) > p50(&entries[1]),
            "a higher margin gives a higher NPV"
        );
        let (metric, cdf) = &entries[0].cdfs[1];
        assert_eq!(*metric, Metric::NpvUsd);
        assert_eq!(cdf.len(), CDF_POINTS);
        assert!(cdf.windows(2).all(|w| w[0] <= w[1]));
    }
}
