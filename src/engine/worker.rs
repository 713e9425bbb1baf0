//! One worker's share of a run: simulating a chunk of paths group by group
//! (demand for several paths together, then the rest of each path), and
//! feeding each batch's monthly series to the worker's band sketches.

use std::sync::Mutex;

use super::{BATCH, N_BAND_SERIES};
use crate::model::{
    self, run_path_with_demand, KeepSeries, ModelShape, NoSeries, Scratch, SeriesSink, LANES,
    N_SERIES,
};
use crate::sampling::Sampler;
use crate::scenario::{InputId, N_INPUTS};
use crate::stats::{BandSketches, ExactBlock};

/// What every worker reads.
pub(super) struct Context<'a> {
    pub(super) sampler: &'a Sampler,
    pub(super) shape: ModelShape,
    pub(super) months: usize,
    pub(super) n_inputs: usize,
    pub(super) width: usize,
    /// Paths whose full series are kept (the first ones).
    pub(super) keep: usize,
    /// Whether series are banded.
    pub(super) bands: bool,
    /// Whether the bands are exact (every value kept) rather than sketched;
    /// only when `bands`.
    pub(super) exact: bool,
}

/// Per-worker buffers, reused across the paths of a chunk.
pub(super) struct Worker {
    x: [[f64; N_INPUTS]; LANES],
    shocks: [Vec<f64>; LANES],
    demand: [Vec<f64>; LANES],
    scratch: Scratch,
    batch: Vec<f64>,
}

impl Worker {
    pub(super) fn new(months: usize) -> Self {
        Worker {
            x: [[0.0; N_INPUTS]; LANES],
            shocks: std::array::from_fn(|_| vec![0.0; months]),
            demand: std::array::from_fn(|_| vec![0.0; months]),
            scratch: Scratch::new(months),
            batch: vec![0.0; N_BAND_SERIES * months * BATCH],
        }
    }

    /// Simulates one chunk of paths starting at `first`, writing their rows
    /// in place and their series into `sketches` (or, for exact bands, into
    /// the partial's [`ExactBlock`]; `sketches` is `None` then and when
    /// nothing is banded).
    pub(super) fn chunk(
        &mut self,
        ctx: &Context<'_>,
        first: usize,
        rows: &mut [f64],
        mut sketches: Option<&mut BandSketches<u8>>,
    ) -> ChunkPartial {
        let count = rows.len() / ctx.width;
        let columns = N_BAND_SERIES * ctx.months;
        let mut partial = ChunkPartial {
            sums: vec![0.0; columns],
            trajectories: Vec::new(),
            exact: ctx.exact.then(|| ExactBlock::new(count, columns)),
        };
        for start in (0..count).step_by(BATCH) {
            let len = BATCH.min(count - start);
            for group in (0..len).step_by(LANES) {
                let lanes = LANES.min(len - group);
                let rows =
                    &mut rows[(start + group) * ctx.width..(start + group + lanes) * ctx.width];
                self.group(ctx, first + start + group, group, rows, &mut partial);
            }
            if let Some(block) = &mut partial.exact {
                block.add_batch(&self.batch, start, len, &mut partial.sums);
            } else if let Some(sketches) = sketches.as_deref_mut() {
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
            model::demand::<LANES>(
                self.x.each_ref(),
                &ctx.shape,
                self.shocks.each_ref().map(Vec::as_slice),
                self.demand.each_mut().map(Vec::as_mut_slice),
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

/// A worker's band sketches with `u8` counters, and the paths they hold.
pub(super) struct HotBands {
    pub(super) sketches: BandSketches<u8>,
    pub(super) paths: usize,
}

impl HotBands {
    /// Moves the counts into the shared sketches (every
    /// [`MAX_PATHS_PER_FLUSH`](crate::stats::bands::MAX_PATHS_PER_FLUSH)
    /// paths, and at the end).
    pub(super) fn flush_into(&mut self, master: &Mutex<BandSketches>) {
        super::lock(master).absorb(&mut self.sketches);
        self.paths = 0;
    }
}

/// What a chunk hands back besides the rows it wrote in place.
#[derive(Default)]
pub(super) struct ChunkPartial {
    pub(super) sums: Vec<f64>,
    pub(super) trajectories: Vec<Vec<[f64; N_SERIES]>>,
    /// The chunk's monthly values, for exact bands.
    pub(super) exact: Option<ExactBlock>,
}
