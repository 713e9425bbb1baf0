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
    self, run_path_with_demand, KeepSeries, ModelShape, NoSeries, Scratch, SeriesSink, LANES,
    N_BAND_SERIES, N_METRICS, N_SERIES,
};
use crate::sampling::Sampler;
use crate::scenario::{InputId, Scenario, N_INPUTS};
use crate::stats::bands::MAX_PATHS_PER_FLUSH;
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
    /// Skip the monthly bands and trajectories (sweeps and solve need only
    /// the metrics); the bands are then empty (NaN).
    pub metrics_only: bool,
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

/// What every worker reads.
struct Context<'a> {
    sampler: &'a Sampler,
    shape: ModelShape,
    months: usize,
    n_inputs: usize,
    width: usize,
    /// Paths whose full series are kept (the first ones).
    keep: usize,
    /// Whether series are banded.
    bands: bool,
}

/// Per-worker buffers, reused across the paths of a chunk.
struct Worker {
    x: [[f64; N_INPUTS]; LANES],
    shocks: [Vec<f64>; LANES],
    demand: [Vec<f64>; LANES],
    scratch: Scratch,
    batch: Vec<f64>,
}

impl Worker {
    fn new(months: usize) -> Self {
        Worker {
            x: [[0.0; N_INPUTS]; LANES],
            shocks: std::array::from_fn(|_| vec![0.0; months]),
            demand: std::array::from_fn(|_| vec![0.0; months]),
            scratch: Scratch::new(months),
            batch: vec![0.0; N_BAND_SERIES * months * BATCH],
        }
    }

    /// Simulates one chunk of paths starting at `first`, writing their rows
    /// in place and their series into `sketches`.
    fn chunk(
        &mut self,
        ctx: &Context<'_>,
        first: usize,
        rows: &mut [f64],
        sketches: &mut BandSketches<u16>,
    ) -> ChunkPartial {
        let count = rows.len() / ctx.width;
        let mut partial = ChunkPartial {
            sums: vec![0.0; N_BAND_SERIES * ctx.months],
            trajectories: Vec::new(),
        };
        for start in (0..count).step_by(BATCH) {
            let len = BATCH.min(count - start);
            for group in (0..len).step_by(LANES) {
                let lanes = LANES.min(len - group);
                let rows =
                    &mut rows[(start + group) * ctx.width..(start + group + lanes) * ctx.width];
                self.group(ctx, first + start + group, group, rows, &mut partial);
            }
            if ctx.bands {
                sketches.add_batch(&self.batch, len, &mut partial.sums);
            }
        }
        partial
    }

    /// Simulates up to [`LANES`] consecutive paths: draws, demand for all
    /// lanes together, then the rest of each path.
    fn group(
        &mut self,
        ctx: &Context<'_>,
        first: usize,
        slot: usize,
        rows: &mut [f64],
        partial: &mut ChunkPartial,
    ) {
        let lanes = rows.len() / ctx.width;
        let shock_months = ctx.months.saturating_sub(1);
        for (l, row) in rows.chunks_mut(ctx.width).enumerate() {
            let path = (first + l) as u64;
            ctx.sampler
                .draw(path, &mut self.x[l], &mut row[..ctx.n_inputs]);
            if self.x[l][InputId::Volatility as usize] > 0.0 {
                ctx.sampler
                    .shocks(path, &mut self.shocks[l][..shock_months]);
            }
        }
        if lanes == LANES {
            let [d0, d1, d2, d3] = &mut self.demand;
            let x = &self.x;
            let z = &self.shocks;
            model::demand::<LANES>(
                [&x[0], &x[1], &x[2], &x[3]],
                &ctx.shape,
                [&z[0], &z[1], &z[2], &z[3]],
                [d0, d1, d2, d3],
            );
        } else {
            for l in 0..lanes {
                model::demand::<1>(
                    [&self.x[l]],
                    &ctx.shape,
                    [&self.shocks[l]],
                    [&mut self.demand[l]],
                );
            }
        }
        for (l, row) in rows.chunks_mut(ctx.width).enumerate() {
            let (x, demand) = (&self.x[l], &self.demand[l]);
            if !ctx.bands {
                let metrics =
                    run_path_with_demand(x, &ctx.shape, demand, &mut self.scratch, &mut NoSeries);
                row[ctx.n_inputs..].copy_from_slice(&metrics);
                continue;
            }
            let mut sink = BatchSink::new(&mut self.batch, ctx.months, slot + l);
            let metrics = if first + l < ctx.keep {
                let mut kept = KeepSeries(Vec::with_capacity(ctx.months));
                let m = run_path_with_demand(
                    x,
                    &ctx.shape,
                    demand,
                    &mut self.scratch,
                    &mut Tee(&mut sink, &mut kept),
                );
                partial.trajectories.push(kept.0);
                m
            } else {
                run_path_with_demand(x, &ctx.shape, demand, &mut self.scratch, &mut sink)
            };
            row[ctx.n_inputs..].copy_from_slice(&metrics);
        }
    }
}

/// Writes one path's series into its slot of a batch buffer laid out
/// path-major, `[path in batch][series][month]` (so a path's writes are
/// sequential), adding total spend as a seventh series.
struct BatchSink<'a> {
    series: [&'a mut [f64]; N_BAND_SERIES],
}

impl<'a> BatchSink<'a> {
    fn new(batch: &'a mut [f64], months: usize, slot: usize) -> Self {
        let width = N_BAND_SERIES * months;
        let mut rows = batch[slot * width..(slot + 1) * width].chunks_exact_mut(months);
        BatchSink {
            series: std::array::from_fn(|_| rows.next().unwrap_or_default()),
        }
    }
}

impl SeriesSink for BatchSink<'_> {
    #[inline]
    fn month(&mut self, m: usize, values: &[f64; N_SERIES]) {
        for (series, &v) in self.series.iter_mut().zip(values) {
            series[m] = v;
        }
        // Total spend, banded for the fan chart.
        self.series[N_SERIES][m] = values[1] + values[2];
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

/// A worker's band sketches with narrow counters, and the paths they hold.
struct HotBands {
    sketches: BandSketches<u16>,
    paths: usize,
}

impl HotBands {
    /// Moves the counts into the shared sketches (before a `u16` could
    /// overflow, and at the end).
    fn flush_into(&mut self, master: &Mutex<BandSketches>) {
        master
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .absorb(&mut self.sketches);
        self.paths = 0;
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
    let keep = if options.metrics_only {
        0
    } else {
        scenario.output.trajectories.min(paths)
    };
    let threads = rayon::current_num_threads();
    let workers: Vec<Mutex<Option<HotBands>>> = (0..threads).map(|_| Mutex::new(None)).collect();
    let master = Mutex::new(BandSketches::new(months));
    let cancelled = || options.cancel.is_some_and(|c| c.load(Ordering::Relaxed));

    let mut rows = vec![0.0; paths * width];
    let ctx = Context {
        bands: !options.metrics_only,
        sampler: &sampler,
        shape,
        months,
        n_inputs,
        width,
        keep,
    };
    let partials: Vec<ChunkPartial> = rows
        .par_chunks_mut(CHUNK_PATHS * width)
        .enumerate()
        .map_init(
            || Worker::new(months),
            |w, (chunk, rows)| {
                if cancelled() {
                    return ChunkPartial::default();
                }
                let slot = rayon::current_thread_index().unwrap_or(0) % threads;
                let mut guard = workers[slot].lock().unwrap_or_else(|e| e.into_inner());
                let hot = guard.get_or_insert_with(|| HotBands {
                    sketches: BandSketches::new(months),
                    paths: 0,
                });
                let partial = w.chunk(&ctx, chunk * CHUNK_PATHS, rows, &mut hot.sketches);
                hot.paths += rows.len() / width;
                if hot.paths + CHUNK_PATHS > MAX_PATHS_PER_FLUSH {
                    hot.flush_into(&master);
                }
                drop(guard);
                if let Some(progress) = options.progress {
                    progress((rows.len() / width) as u64);
                }
                partial
            },
        )
        .collect();
    if cancelled() {
        return Err(EngineError::Cancelled);
    }
    drop(sampler);

    for w in workers {
        if let Some(mut hot) = w.into_inner().unwrap_or_else(|e| e.into_inner()) {
            hot.flush_into(&master);
        }
    }
    let merged = master.into_inner().unwrap_or_else(|e| e.into_inner());
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
    fn bands_agree_with_exact_percentiles_of_every_path() {
        use crate::model::BAND_SERIES;
        use crate::stats::quantile::{percentile_sorted, PERCENTILES};
        use crate::stats::sketch::RELATIVE_ERROR;
        let text =
            REALISTIC.replace("paths = 9000", "paths = 3000") + "[output]\ntrajectories = 3000\n";
        let s = scenario(&text);
        let sim = thread_pool(2)
            .unwrap()
            .install(|| simulate(&s, &RunOptions::default()))
            .unwrap();
        assert_eq!(sim.trajectories.len(), 3000);
        for series in BAND_SERIES {
            for m in (0..s.months).step_by(7) {
                let value = |t: &[f64; N_SERIES]| match series {
                    Series::SpendCumUsd => t[1] + t[2],
                    _ => t[series as usize],
                };
                let mut exact: Vec<f64> = sim
                    .trajectories
                    .iter()
                    .map(|path| value(&path[m]))
                    .collect();
                exact.sort_by(f64::total_cmp);
                let band = sim.bands.get(series, m);
                let mean = exact.iter().sum::<f64>() / exact.len() as f64;
                assert!(
                    (band.mean - mean).abs() <= 1e-12 * mean.abs().max(1.0),
                    "{} month {m}: mean",
                    series.name()
                );
                for (&p, &got) in PERCENTILES.iter().zip(&band.percentiles) {
                    let want = percentile_sorted(&exact, p);
                    let (lo, _) = crate::stats::quantile::position(exact.len() as u64, p);
                    let scale = exact[lo as usize]
                        .abs()
                        .max(exact[(lo as usize + 1).min(exact.len() - 1)].abs());
                    assert!(
                        (got - want).abs() <= RELATIVE_ERROR * scale,
                        "{} month {m} P{}: sketch {got} vs exact {want}",
                        series.name(),
                        p * 100.0
                    );
                }
            }
        }
    }

    #[test]
    fn metrics_only_runs_give_the_same_metrics() {
        let s = scenario(REALISTIC);
        let pool = thread_pool(2).unwrap();
        let full = pool
            .install(|| simulate(&s, &RunOptions::default()))
            .unwrap();
        let lean = pool
            .install(|| {
                simulate(
                    &s,
                    &RunOptions {
                        metrics_only: true,
                        ..Default::default()
                    },
                )
            })
            .unwrap();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&full.rows), bits(&lean.rows));
        assert!(lean.trajectories.is_empty());
        assert!(lean.bands.get(Series::CapacityGw, 0).percentiles[3].is_nan());
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
