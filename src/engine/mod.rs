//! Runs a scenario: draws every path in parallel, feeds the monthly series
//! into streaming band sketches, keeps each path's inputs and metrics for
//! the exact statistics, and returns everything in memory (no I/O).
//!
//! Determinism: paths are processed in fixed chunks of [`CHUNK_PATHS`]
//! whatever the thread count. Each chunk sums its series in path order and
//! the chunk sums are added in chunk order; sketches hold integer counts,
//! so merging the per-thread sketches is exact. Every number is therefore
//! the same for `--threads 1` and `--threads N`.
//!
//! Memory: per path, 8 bytes × (uncertain inputs + 11 metrics) for the
//! exact metric statistics, plus 4 bytes per uncertain input with LHS; per
//! thread, one set of band sketches (bounded by the spread of values, not
//! by the number of paths).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use rayon::prelude::*;

use crate::model::{
    run_path, KeepSeries, ModelShape, Scratch, SeriesSink, N_BAND_SERIES, N_METRICS, N_SERIES,
};
use crate::sampling::Sampler;
use crate::scenario::{InputId, Scenario, N_INPUTS};
use crate::stats::quantile::Neumaier;
use crate::stats::{analyze, BandSketches, Bands, PathStatistics};

/// Paths per chunk: the unit of parallel work and of ordered summation.
pub const CHUNK_PATHS: usize = 4096;
/// Paths per batch inside a chunk: series are buffered `[series][month][path]`
/// for a batch, then fed to the sketches one (series, month) at a time.
const BATCH: usize = 64;

/// Why a run did not finish.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The user interrupted the run.
    #[error("interrupted")]
    Cancelled,
    /// The thread pool could not start.
    #[error("cannot start {threads} worker threads: {message}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// The system's reason.
        message: String,
    },
    /// The sampler could not be set up.
    #[error("{0}")]
    Sampler(String),
}

/// How to run. The run uses the current rayon pool: install one from
/// [`thread_pool`] to choose the number of threads.
#[derive(Clone, Copy, Default)]
pub struct RunOptions<'a> {
    /// Called with the number of paths just finished.
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
    /// Set to stop the run early.
    pub cancel: Option<&'a AtomicBool>,
}

/// The raw outcome of simulating every path.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// Number of paths.
    pub paths: u64,
    /// Months per path.
    pub months: usize,
    /// Uncertain inputs: the first columns of [`Simulation::rows`].
    pub inputs: Vec<InputId>,
    /// Row-major per-path values: the uncertain inputs as drawn, then the
    /// metrics (NaN = censored).
    pub rows: Vec<f64>,
    /// Monthly bands of the six series and of total spend (`BAND_SERIES`).
    pub bands: Bands,
    /// Full monthly series of the first paths, `[path][month]`.
    pub trajectories: Vec<Vec<[f64; N_SERIES]>>,
    /// Threads used.
    pub threads: usize,
}

impl Simulation {
    /// Columns per row.
    pub fn width(&self) -> usize {
        self.inputs.len() + N_METRICS
    }
}

/// A finished run: the simulation and its statistics.
#[derive(Debug, Clone)]
pub struct RunResults {
    /// Per-path data and bands.
    pub simulation: Simulation,
    /// Metric summaries and sensitivities.
    pub statistics: PathStatistics,
    /// Wall-clock seconds for simulation and statistics.
    pub seconds: f64,
}

/// Per-worker buffers, reused across the paths of a chunk.
struct Worker {
    x: [f64; N_INPUTS],
    shocks: Vec<f64>,
    scratch: Scratch,
    batch: Vec<f64>,
}

impl Worker {
    fn new(months: usize) -> Self {
        Worker {
            x: [0.0; N_INPUTS],
            shocks: vec![0.0; months],
            scratch: Scratch::new(months),
            batch: vec![0.0; N_BAND_SERIES * months * BATCH],
        }
    }
}

/// Writes one path's series into a batch buffer laid out
/// `[series][month][path in batch]`.
struct BatchSink<'a> {
    batch: &'a mut [f64],
    months: usize,
    slot: usize,
}

impl SeriesSink for BatchSink<'_> {
    #[inline]
    fn month(&mut self, m: usize, values: &[f64; N_SERIES]) {
        for (s, &v) in values.iter().enumerate() {
            self.batch[(s * self.months + m) * BATCH + self.slot] = v;
        }
        // Total spend, banded for the fan chart.
        self.batch[(N_SERIES * self.months + m) * BATCH + self.slot] = values[1] + values[2];
    }
}

/// Sends each month to two sinks (batch and trajectory).
struct Tee<'a, A, B>(&'a mut A, &'a mut B);

impl<A: SeriesSink, B: SeriesSink> SeriesSink for Tee<'_, A, B> {
    #[inline]
    fn month(&mut self, m: usize, values: &[f64; N_SERIES]) {
        self.0.month(m, values);
        self.1.month(m, values);
    }
}

/// What a chunk hands back besides the rows it wrote in place.
#[derive(Default)]
struct ChunkPartial {
    sums: Vec<f64>,
    trajectories: Vec<Vec<[f64; N_SERIES]>>,
}

/// Builds the worker pool for `threads` (0 = one per core).
///
/// # Errors
/// When the threads cannot be started.
pub fn thread_pool(threads: usize) -> Result<rayon::ThreadPool, EngineError> {
    let n = if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    };
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .map_err(|e| EngineError::Threads {
            threads: n,
            message: e.to_string(),
        })
}

/// Simulates every path and computes the statistics, on the current rayon
/// pool.
///
/// # Errors
/// When interrupted.
pub fn run(scenario: &Scenario, options: &RunOptions<'_>) -> Result<RunResults, EngineError> {
    let started = Instant::now();
    let simulation = simulate(scenario, options)?;
    let statistics = analyze(&simulation.rows, &simulation.inputs);
    Ok(RunResults {
        simulation,
        statistics,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Rough peak memory of a run in bytes: per-path rows and ranks, sort
/// buffers, LHS strata, band sketches per thread and trajectories.
pub fn memory_estimate(scenario: &Scenario, threads: usize) -> u64 {
    let paths = scenario.paths;
    let uncertain = scenario.uncertain_inputs().len() as u64;
    let width = uncertain + N_METRICS as u64;
    let per_path = width * 8
        + width * 4
        + 2 * 32
        + if scenario.sampling == crate::scenario::Sampling::LatinHypercube {
            4 * uncertain
        } else {
            0
        };
    let sketches = (threads as u64 + 1) * (N_BAND_SERIES * scenario.months) as u64 * 8 * 1024;
    let trajectories =
        (scenario.output.trajectories.min(paths as usize) * scenario.months * N_SERIES * 8) as u64;
    paths * per_path + sketches + trajectories + (64 << 20)
}

/// Simulates every path on the current rayon pool.
///
/// # Errors
/// When interrupted.
pub fn simulate(scenario: &Scenario, options: &RunOptions<'_>) -> Result<Simulation, EngineError> {
    let sampler = Sampler::new(scenario).map_err(EngineError::Sampler)?;
    let shape = ModelShape::of(scenario);
    let months = scenario.months;
    let inputs = sampler.uncertain_ids();
    let n_inputs = inputs.len();
    let width = n_inputs + N_METRICS;
    let paths = scenario.paths as usize;
    let keep = scenario.output.trajectories.min(paths);
    let threads = rayon::current_num_threads();
    let workers: Vec<Mutex<Option<BandSketches>>> =
        (0..threads).map(|_| Mutex::new(None)).collect();
    let cancelled = || options.cancel.is_some_and(|c| c.load(Ordering::Relaxed));

    let mut rows = vec![0.0; paths * width];
    let partials: Vec<ChunkPartial> = rows
        .par_chunks_mut(CHUNK_PATHS * width)
        .enumerate()
        .map_init(
            || Worker::new(months),
            |w, (chunk, rows)| {
                if cancelled() {
                    return ChunkPartial::default();
                }
                let first = chunk * CHUNK_PATHS;
                let count = rows.len() / width;
                let slot = rayon::current_thread_index().unwrap_or(0) % threads;
                let mut guard = workers[slot].lock().unwrap_or_else(|e| e.into_inner());
                let sketches = guard.get_or_insert_with(|| BandSketches::new(months));
                let mut partial = ChunkPartial {
                    sums: vec![0.0; N_BAND_SERIES * months],
                    trajectories: Vec::new(),
                };
                for batch_start in (0..count).step_by(BATCH) {
                    let batch_len = BATCH.min(count - batch_start);
                    for j in 0..batch_len {
                        let path = first + batch_start + j;
                        let row =
                            &mut rows[(batch_start + j) * width..(batch_start + j + 1) * width];
                        sampler.draw(path as u64, &mut w.x, &mut row[..n_inputs]);
                        if w.x[InputId::Volatility as usize] > 0.0 {
                            sampler.shocks(path as u64, &mut w.shocks[..months.saturating_sub(1)]);
                        }
                        let mut sink = BatchSink {
                            batch: &mut w.batch,
                            months,
                            slot: j,
                        };
                        let metrics = if path < keep {
                            let mut kept = KeepSeries(Vec::with_capacity(months));
                            let m = run_path(
                                &w.x,
                                &shape,
                                &w.shocks,
                                &mut w.scratch,
                                &mut Tee(&mut sink, &mut kept),
                            );
                            partial.trajectories.push(kept.0);
                            m
                        } else {
                            run_path(&w.x, &shape, &w.shocks, &mut w.scratch, &mut sink)
                        };
                        row[n_inputs..].copy_from_slice(&metrics);
                    }
                    sketches.add_batch(&w.batch, BATCH, batch_len);
                    for (i, sum) in partial.sums.iter_mut().enumerate() {
                        *sum += w.batch[i * BATCH..i * BATCH + batch_len]
                            .iter()
                            .sum::<f64>();
                    }
                }
                drop(guard);
                if let Some(progress) = options.progress {
                    progress(count as u64);
                }
                partial
            },
        )
        .collect();
    if cancelled() {
        return Err(EngineError::Cancelled);
    }
    drop(sampler);

    let mut merged = BandSketches::new(months);
    for w in workers {
        if let Some(s) = w.into_inner().unwrap_or_else(|e| e.into_inner()) {
            merged.merge(&s);
        }
    }
    let mut totals = vec![Neumaier::default(); N_BAND_SERIES * months];
    let mut trajectories = Vec::with_capacity(keep);
    for partial in partials {
        for (t, s) in totals.iter_mut().zip(&partial.sums) {
            t.add(*s);
        }
        trajectories.extend(partial.trajectories);
    }
    let sums: Vec<f64> = totals.iter().map(Neumaier::total).collect();
    let bands = Bands::finish(&merged, &sums, scenario.paths);
    Ok(Simulation {
        paths: scenario.paths,
        months,
        inputs,
        rows,
        bands,
        trajectories,
        threads,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Metric, Series};

    fn scenario(text: &str) -> Scenario {
        Scenario::from_str("t.toml", Some("t"), text, &[]).unwrap()
    }

    const REALISTIC: &str = "[scenario]\npaths = 9000\nseed = 5\nsampling = \"lhs\"\n[build]\nrate_gw_per_week = { dist = \"pert\", min = 0.1, mode = 0.3, max = 1.0 }\nlag_months = { dist = \"uniform\", min = 12, max = 24 }\n[cost]\nper_gw_usd = \"40B to 60B\"\n[revenue]\ngrowth = { dist = \"normal\", mean = \"100%\", sd = \"30%\", min = \"-50%\" }\nvolatility = \"25%\"\n[[correlations]]\na = \"build.rate_gw_per_week\"\nb = \"cost.per_gw_usd\"\nrank = 0.3\n";

    #[test]
    fn same_numbers_at_any_thread_count() {
        let s = scenario(REALISTIC);
        let one = thread_pool(1)
            .unwrap()
            .install(|| simulate(&s, &RunOptions::default()))
            .unwrap();
        let three = thread_pool(3)
            .unwrap()
            .install(|| simulate(&s, &RunOptions::default()))
            .unwrap();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(
            bits(&one.rows),
            bits(&three.rows),
            "censored metrics are NaN, so compare bits"
        );
        assert_eq!(one.bands, three.bands);
        assert_eq!(one.trajectories, three.trajectories);
    }

    #[test]
    fn deterministic_scenario_has_exact_zero_width_bands() {
        let s = scenario("[scenario]\npaths = 5000\n[cost]\nper_gw_usd = \"46B\"\n");
        let sim = thread_pool(2)
            .unwrap()
            .install(|| simulate(&s, &RunOptions::default()))
            .unwrap();
        let row = &sim.rows[..N_METRICS];
        assert!(
            sim.rows.chunks(N_METRICS).all(|r| r == row),
            "every path identical"
        );
        let single = &sim.trajectories[0];
        for m in [0, 6, 60, 119] {
            let band = sim.bands.get(Series::CapexCumUsd, m);
            assert!(
                band.percentiles.iter().all(|&p| p == single[m][1]),
                "month {m}"
            );
            assert!((band.mean - single[m][1]).abs() <= 1e-12 * single[m][1].abs());
        }
        assert_eq!(row[Metric::TargetMonth as usize], 6.0);
        let spend = sim.bands.get(Series::SpendCumUsd, 60);
        assert_eq!(spend.percentiles[3], single[60][1] + single[60][2]);
    }

    #[test]
    fn spend_band_is_the_band_of_capex_plus_opex_per_path() {
        let s = scenario(REALISTIC);
        let sim = thread_pool(2)
            .unwrap()
            .install(|| simulate(&s, &RunOptions::default()))
            .unwrap();
        for m in [0, 30, 119] {
            let (capex, opex, spend) = (
                sim.bands.get(Series::CapexCumUsd, m),
                sim.bands.get(Series::OpexCumUsd, m),
                sim.bands.get(Series::SpendCumUsd, m),
            );
            assert!(
                (spend.mean - (capex.mean + opex.mean)).abs() <= 1e-12 * spend.mean.abs(),
                "means add up"
            );
            // Percentiles of a sum lie between the sum of lower and upper extremes.
            assert!(spend.percentiles[3] >= capex.percentiles[0] + opex.percentiles[0]);
            assert!(spend.percentiles[3] <= capex.percentiles[6] + opex.percentiles[6]);
        }
    }

    #[test]
    fn cancelling_stops_the_run() {
        let s = scenario(REALISTIC);
        let flag = AtomicBool::new(true);
        let options = RunOptions {
            cancel: Some(&flag),
            ..Default::default()
        };
        assert!(matches!(run(&s, &options), Err(EngineError::Cancelled)));
    }

    #[test]
    fn progress_counts_every_path() {
        let s = scenario(REALISTIC);
        let done = std::sync::atomic::AtomicU64::new(0);
        let report = |n: u64| {
            done.fetch_add(n, Ordering::Relaxed);
        };
        let options = RunOptions {
            progress: Some(&report),
            ..Default::default()
        };
        thread_pool(2)
            .unwrap()
            .install(|| run(&s, &options))
            .unwrap();
        assert_eq!(done.load(Ordering::Relaxed), 9000);
    }
}
