//! Exact summaries of the per-path metrics and the Spearman sensitivity of
//! every metric to every uncertain input.

use std::sync::Mutex;

use super::quantile::{mean_sd, percentile_sorted, PERCENTILES};
use super::rank::{centred_dots, spearman_from, Ranker};
use crate::model::{Metric, METRICS, N_METRICS};
use crate::scenario::InputId;

/// Summary of one metric over all paths.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricSummary {
    /// Which metric.
    pub metric: Metric,
    /// Mean over uncensored paths (NaN if none).
    pub mean: f64,
    /// Sample standard deviation over uncensored paths (NaN if < 2).
    pub sd: f64,
    /// P5 … P95 ([`PERCENTILES`]); NaN where the percentile falls on a
    /// censored path.
    pub percentiles: [f64; 7],
    /// Share of paths where the metric is censored.
    pub censored_share: f64,
}

impl MetricSummary {
    /// The percentile at level `p` if it is one of [`PERCENTILES`].
    pub fn at(&self, p: f64) -> Option<f64> {
        PERCENTILES
            .iter()
            .position(|&x| x == p)
            .map(|i| self.percentiles[i])
    }
}

/// Spearman rank correlation of one input with one metric.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityEntry {
    /// The metric.
    pub metric: Metric,
    /// The input.
    pub input: InputId,
    /// Spearman ρ (NaN if undefined, e.g. a constant metric).
    pub spearman: f64,
}

/// Everything computed from the per-path rows.
#[derive(Debug, Clone, PartialEq)]
pub struct PathStatistics {
    /// One summary per metric, in [`METRICS`] order.
    pub summaries: Vec<MetricSummary>,
    /// One entry per metric per uncertain input (metric-major).
    pub sensitivity: Vec<SensitivityEntry>,
    /// The uncensored values of the metrics asked for, ascending (for the
    /// histograms, which then need no pass over the paths).
    pub sorted: Vec<(Metric, Vec<f64>)>,
}

impl PathStatistics {
    /// The uncensored values of `metric` in ascending order, if they were
    /// kept.
    pub fn sorted(&self, metric: Metric) -> Option<&[f64]> {
        self.sorted
            .iter()
            .find(|(m, _)| *m == metric)
            .map(|(_, values)| values.as_slice())
    }
}

/// Summary of one metric from its sorted values (NaN last).
fn summarize(metric: Metric, sorted: &[f64]) -> MetricSummary {
    let censored = sorted.iter().rev().take_while(|x| x.is_nan()).count();
    let (mean, sd) = mean_sd(sorted);
    let mut percentiles = [f64::NAN; 7];
    for (slot, &p) in percentiles.iter_mut().zip(&PERCENTILES) {
        *slot = percentile_sorted(sorted, p);
    }
    MetricSummary {
        metric,
        mean,
        sd,
        percentiles,
        censored_share: censored as f64 / sorted.len().max(1) as f64,
    }
}

/// Summarises the metrics and computes sensitivities. `rows` is row-major:
/// the uncertain inputs' values (`inputs`, in that order), then the metrics.
/// Each column is sorted once; only its ranks (4 bytes a path) are kept.
/// With `strata` (Latin hypercube sampling, one column per input) an
/// input's ranks come from its strata instead of a sort, when they order
/// its values strictly (see [`Ranker::rank_by_strata`]); the strata become
/// those ranks, so they cost no memory beyond what the ranks need anyway.
pub fn analyze(
    rows: &[f64],
    inputs: &[InputId],
    strata: Option<Vec<Vec<u32>>>,
    keep_sorted: &[Metric],
) -> PathStatistics {
    let width = inputs.len() + N_METRICS;
    let mut strata = strata.unwrap_or_default().into_iter();
    let mut jobs: Vec<(usize, Option<Vec<u32>>)> = (0..width)
        .map(|j| (j, strata.next().filter(|_| j < inputs.len())))
        .collect();
    // Longest first: columns that need a sort (about 36 ms a million
    // rows), then those ranked by their strata (about 13 ms), each thread
    // taking the next job when it is free, so the threads finish within
    // one short job of each other.
    jobs.sort_by_key(|(j, strata)| (strata.is_some(), *j));
    let rank_column = |ranker: &mut Ranker, (j, strata): (usize, Option<Vec<u32>>)| {
        let ranks = strata
            .and_then(|column| ranker.rank_by_strata(rows, width, j, column))
            .unwrap_or_else(|| ranker.rank(rows, width, j));
        let metric = j.checked_sub(inputs.len()).map(|k| METRICS[k]);
        let summary = metric.map(|m| summarize(m, ranker.sorted()));
        let sorted = metric.filter(|m| keep_sorted.contains(m)).map(|m| {
            let all = ranker.sorted();
            let censored = all.iter().rev().take_while(|x| x.is_nan()).count();
            (m, all[..all.len() - censored].to_vec())
        });
        Column {
            summary,
            ranks,
            sorted,
        }
    };
    let queue = Mutex::new(jobs.into_iter());
    let done: Vec<Mutex<Option<Column>>> = (0..width).map(|_| Mutex::new(None)).collect();
    rayon::scope(|scope| {
        for _ in 0..rayon::current_num_threads() {
            scope.spawn(|_| {
                let mut ranker = Ranker::default();
                loop {
                    let job = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                    let Some(job) = job else { break };
                    let j = job.0;
                    let column = rank_column(&mut ranker, job);
                    *done[j].lock().unwrap_or_else(|e| e.into_inner()) = Some(column);
                }
            });
        }
    });
    let columns: Vec<Column> = done
        .into_iter()
        .map(|c| {
            c.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .expect("every column ranked")
        })
        .collect();
    let summaries = columns.iter().filter_map(|c| c.summary.clone()).collect();
    // Every column's centred square sum, then every (metric, input) pair's
    // cross sum, in one pass over the ranks.
    let ranks: Vec<&[u32]> = columns.iter().map(|c| c.ranks.as_slice()).collect();
    let sensitivities: Vec<(usize, usize)> = (0..N_METRICS)
        .flat_map(|k| (0..inputs.len()).map(move |i| (k, i)))
        .collect();
    let pairs: Vec<(usize, usize)> = (0..width)
        .map(|j| (j, j))
        .chain(sensitivities.iter().map(|&(k, i)| (i, inputs.len() + k)))
        .collect();
    let sums = centred_dots(&ranks, &pairs);
    let sensitivity = sensitivities
        .iter()
        .zip(&sums[width..])
        .map(|(&(k, i), &cross)| SensitivityEntry {
            metric: METRICS[k],
            input: inputs[i],
            spearman: spearman_from(cross, sums[i], sums[inputs.len() + k]),
        })
        .collect();
    PathStatistics {
        summaries,
        sensitivity,
        sorted: columns.into_iter().filter_map(|c| c.sorted).collect(),
    }
}

/// What the analysis keeps of one column.
struct Column {
    summary: Option<MetricSummary>,
    /// Doubled ranks, in path order.
    ranks: Vec<u32>,
    sorted: Option<(Metric, Vec<f64>)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_and_sensitivity_of_a_small_table() {
        // Two paths' worth of rows is too few to be interesting; build 5 with
        // one input that drives target_month and leaves the rest constant.
        let inputs = [InputId::RateGwPerWeek];
        let mut rows = Vec::new();
        for (rate, target) in [
            (0.5, 20.0),
            (1.0, 10.0),
            (0.25, f64::NAN),
            (2.0, 5.0),
            (0.75, 15.0),
        ] {
            let mut metrics = [1.0; N_METRICS];
            metrics[Metric::TargetMonth as usize] = target;
            rows.push(rate);
            rows.extend_from_slice(&metrics);
        }
        let stats = analyze(&rows, &inputs, None, &[Metric::TargetMonth]);
        let t = &stats.summaries[Metric::TargetMonth as usize];
        assert_eq!(t.censored_share, 0.2);
        assert_eq!(t.mean, 12.5);
        assert_eq!(t.percentiles[3], 15.0, "P50 of 5, 10, 15, 20, censored");
        assert!(t.percentiles[6].is_nan(), "P95 falls among censored paths");
        assert_eq!(
            stats.sorted(Metric::TargetMonth),
            Some(&[5.0, 10.0, 15.0, 20.0][..]),
            "the uncensored values, ascending"
        );
        assert_eq!(stats.sorted(Metric::NpvUsd), None, "not asked for");
        let s = stats
            .sensitivity
            .iter()
            .find(|e| e.metric == Metric::TargetMonth)
            .unwrap();
        assert_eq!(
            s.spearman, -1.0,
            "a censored path ranks above all, so still perfectly monotone"
        );
        assert!(stats
            .sensitivity
            .iter()
            .find(|e| e.metric == Metric::NpvUsd)
            .unwrap()
            .spearman
            .is_nan());
    }
}
