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
//! exact metric statistics, plus 4 bytes per uncertain input with LHS. Bands:
//! every monthly value while they fit in `EXACT_BAND_VALUES` (exact bands);
//! above that, per thread, one set of band sketches (bounded by the spread
//! of values, not by the number of paths).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Instant;

mod worker;

use worker::{ChunkPartial, Context, HotBands, Worker};

use crate::model::{ModelShape, N_BAND_SERIES, N_METRICS, N_SERIES};
use crate::sampling::Sampler;
use crate::scenario::{InputId, Scenario};
use crate::stats::bands::{EXACT_BAND_VALUES, MAX_PATHS_PER_FLUSH};
use crate::stats::quantile::Neumaier;
use crate::stats::{analyze, BandSketches, Bands, PathStatistics};

/// Paths per chunk: the unit of parallel work and of ordered summation.
pub const CHUNK_PATHS: usize = 4096;
/// How many chunks per thread a worker may run ahead of the earliest
/// unfinished chunk.
pub const WINDOW: usize = 4;

/// Paths per batch inside a chunk: a batch's series are buffered path by
/// path, then fed to the sketches one (series, month) at a time.
const BATCH: usize = 64;

/// Doubles whose first one starts a cache line (64 bytes): a worker's
/// batch. With 8 × 120 months a row, every run of eight values that the
/// sink writes and the sketches read from a multiple of eight is then one
/// line, not two.
#[derive(Debug, Clone)]
pub struct LineAligned {
    /// `len` values and 7 to spare, the first `start` of them unused.
    values: Vec<f64>,
    start: usize,
}

impl LineAligned {
    /// `len` zeros.
    pub fn new(len: usize) -> Self {
        let values = vec![0.0; len + 7];
        // (`align_offset` may in principle give up; the values are then
        // used where they are, only slower.)
        let start = values.as_ptr().align_offset(64).min(7);
        LineAligned { values, start }
    }

    /// The values.
    pub fn get(&self) -> &[f64] {
        &self.values[self.start..self.start + self.values.len() - 7]
    }

    /// The values, to write.
    pub fn get_mut(&mut self) -> &mut [f64] {
        let len = self.values.len() - 7;
        &mut self.values[self.start..self.start + len]
    }
}

/// Why a run did not finish.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The user interrupted the run.
    #[error("interrupted")]
    Cancelled,
    /// `rows_done` asked the run to stop (its rows could not be written).
    #[error("stopped: the finished rows could not be taken")]
    Refused,
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

/// Receives a finished chunk: its first path and its rows; returns false to
/// stop the run.
pub type RowsDone<'a> = dyn Fn(u64, &[f64]) -> bool + Sync + 'a;

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
    /// Called with each chunk's first path and its finished rows (the
    /// uncertain inputs, then the metrics) as soon as the chunk is done, on
    /// the worker's thread. Workers take chunks in path order and never
    /// more than [`WINDOW`] per thread past the earliest unfinished one, so
    /// a receiver that puts chunks in order holds at most that many.
    /// Returning false stops the run ([`EngineError::Refused`]).
    /// `metrics.csv` is written from here while the run goes on.
    pub rows_done: Option<&'a RowsDone<'a>>,
    /// Sketch the bands even when exact ones would fit
    /// ([`EXACT_BAND_VALUES`]); for tests and benches of the sketch.
    pub sketch_bands: bool,
    /// Metrics whose sorted values the statistics keep
    /// ([`PathStatistics::sorted`]), for their histograms.
    pub keep_sorted: &'a [crate::model::Metric],
}

/// Hands out chunk indices in order, at most `window` past the earliest
/// unfinished chunk.
struct Claims {
    state: Mutex<ClaimState>,
    advanced: Condvar,
    window: usize,
}

struct ClaimState {
    next: usize,
    first_unfinished: usize,
    done: Vec<bool>,
}

impl Claims {
    fn new(chunks: usize, window: usize) -> Self {
        Claims {
            state: Mutex::new(ClaimState {
                next: 0,
                first_unfinished: 0,
                done: vec![false; chunks],
            }),
            advanced: Condvar::new(),
            window: window.max(1),
        }
    }

    /// The next chunk to run, waiting while it would be too far ahead;
    /// `None` when every chunk is taken or the run is stopping.
    fn next(&self, stopped: &impl Fn() -> bool) -> Option<usize> {
        let mut state = lock(&self.state);
        loop {
            if state.next >= state.done.len() || stopped() {
                return None;
            }
            if state.next < state.first_unfinished + self.window {
                state.next += 1;
                return Some(state.next - 1);
            }
            // The earliest unfinished chunk is being run; its end wakes us.
            state = self.advanced.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Marks a chunk finished.
    fn finish(&self, chunk: usize) {
        let mut state = lock(&self.state);
        state.done[chunk] = true;
        while state.done.get(state.first_unfinished) == Some(&true) {
            state.first_unfinished += 1;
        }
        drop(state);
        self.advanced.notify_all();
    }
}

/// Marks a claimed chunk finished when dropped.
struct Finish<'c>(&'c Claims, usize);

impl Drop for Finish<'_> {
    fn drop(&mut self) {
        self.0.finish(self.1);
    }
}

/// Locks a mutex, going on after a panic elsewhere (the panic itself is
/// reported by rayon).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
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
    /// With Latin hypercube sampling, each uncertain input's stratum per
    /// path (column order): the order of its values, ties aside. [`run`]
    /// hands them to the analysis, which turns them into ranks (so they
    /// are `None` in [`RunResults`]).
    pub strata: Option<Vec<Vec<u32>>>,
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
    let mut simulation = simulate(scenario, options)?;
    let strata = simulation.strata.take();
    let statistics = analyze(
        &simulation.rows,
        &simulation.inputs,
        strata,
        options.keep_sorted,
    );
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
    let sketches = if exact_bands(scenario) {
        // Every value kept, then one column gathered and sorted per thread.
        paths * (N_BAND_SERIES * scenario.months) as u64 * 8 + threads as u64 * paths * 20
    } else {
        (threads as u64 + 1) * (N_BAND_SERIES * scenario.months) as u64 * 8 * 1024
    };
    let trajectories =
        (scenario.output.trajectories.min(paths as usize) * scenario.months * N_SERIES * 8) as u64;
    paths * per_path + sketches + trajectories + (64 << 20)
}

/// Whether a run of this scenario keeps every monthly value for exact
/// bands (they fit in [`EXACT_BAND_VALUES`]) rather than sketching them.
pub fn exact_bands(scenario: &Scenario) -> bool {
    (scenario.paths as usize).saturating_mul(N_BAND_SERIES * scenario.months) <= EXACT_BAND_VALUES
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
    let master = Mutex::new(BandSketches::new(months));
    let cancelled = || options.cancel.is_some_and(|c| c.load(Ordering::Relaxed));

    let exact = !options.metrics_only && !options.sketch_bands && exact_bands(scenario);
    let mut rows = vec![0.0; paths * width];
    let ctx = Context {
        bands: !options.metrics_only,
        exact,
        sampler: &sampler,
        shape,
        months,
        n_inputs,
        width,
        keep,
    };
    // Workers claim chunks in path order, and none more than `WINDOW`
    // per thread ahead of the earliest unfinished one: chunks finish nearly
    // in order (for `rows_done`, which may hold the early ones) and every
    // thread stays busy.
    let chunks: Vec<Mutex<Option<&mut [f64]>>> = rows
        .chunks_mut(CHUNK_PATHS * width)
        .map(|c| Mutex::new(Some(c)))
        .collect();
    let finished: Vec<Mutex<Option<ChunkPartial>>> =
        chunks.iter().map(|_| Mutex::new(None)).collect();
    let claims = Claims::new(chunks.len(), WINDOW * threads);
    let refused = AtomicBool::new(false);
    let stopped = || cancelled() || refused.load(Ordering::Relaxed);
    let work = || {
        let mut worker = Worker::new(months);
        let mut hot: Option<HotBands> = None;
        while let Some(chunk) = claims.next(&stopped) {
            // Marks the chunk finished however this iteration ends (a panic
            // included, so no worker waits for it for ever).
            let _finish = Finish(&claims, chunk);
            let Some(rows) = lock(&chunks[chunk]).take() else {
                continue;
            };
            let (first, count) = (chunk * CHUNK_PATHS, rows.len() / width);
            let partial = if ctx.exact || !ctx.bands {
                worker.chunk(&ctx, first, rows, None)
            } else {
                let hot = hot.get_or_insert_with(|| HotBands {
                    sketches: BandSketches::new(months),
                    paths: 0,
                });
                let partial = worker.chunk(&ctx, first, rows, Some(&mut hot.sketches));
                hot.paths += count;
                if hot.paths + CHUNK_PATHS > MAX_PATHS_PER_FLUSH {
                    hot.flush_into(&master);
                }
                partial
            };
            if let Some(done) = options.rows_done {
                if !done(first as u64, rows) {
                    refused.store(true, Ordering::Relaxed);
                }
            }
            if let Some(progress) = options.progress {
                progress(count as u64);
            }
            *lock(&finished[chunk]) = Some(partial);
        }
        if let Some(mut hot) = hot {
            hot.flush_into(&master);
        }
    };
    rayon::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|_| work());
        }
    });
    drop(chunks);
    if cancelled() {
        return Err(EngineError::Cancelled);
    }
    if refused.load(Ordering::Relaxed) {
        return Err(EngineError::Refused);
    }
    let strata = sampler.into_strata();
    let partials = finished.into_iter().map(|p| {
        p.into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .unwrap_or_default()
    });

    let merged = master.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut totals = vec![Neumaier::default(); N_BAND_SERIES * months];
    let mut trajectories = Vec::with_capacity(keep);
    let mut blocks = Vec::new();
    for partial in partials {
        for (t, s) in totals.iter_mut().zip(&partial.sums) {
            t.add(*s);
        }
        trajectories.extend(partial.trajectories);
        blocks.extend(partial.exact);
    }
    let sums: Vec<f64> = totals.iter().map(Neumaier::total).collect();
    let bands = if exact {
        Bands::exact(&blocks, months, &sums, scenario.paths)
    } else {
        Bands::finish(&merged, &sums, scenario.paths)
    };
    Ok(Simulation {
        paths: scenario.paths,
        months,
        inputs,
        rows,
        bands,
        trajectories,
        threads,
        strata,
    })
}

#[cfg(test)]
mod tests;
