//! One worker's share of a run: simulating a chunk of paths group by group
//! (demand for sixteen paths together, then the rest of the model for eight
//! at a time), and feeding each batch's monthly series to the worker's
//! band sketches.

use std::sync::Mutex;

use super::{LineAligned, BATCH, N_BAND_SERIES};
use crate::model::{
    self, run_paths_with_demand, KeepLanes, LaneSink, ModelShape, NoSeries, PathMetrics, Scratch,
    LANES, MONTH_LANES, N_SERIES,
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
    /// Rd(m) of the group's paths, `[month][lane]`.
    demand: Vec<[f64; LANES]>,
    scratch: Scratch,
    batch: LineAligned,
}

impl Worker {
    pub(super) fn new(months: usize) -> Self {
        Worker {
            x: [[0.0; N_INPUTS]; LANES],
            shocks: std::array::from_fn(|_| vec![0.0; months]),
            demand: vec![[0.0; LANES]; months],
            scratch: Scratch::new(months),
            batch: LineAligned::new(N_BAND_SERIES * months * BATCH),
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
                block.add_batch(self.batch.get(), start, len, &mut partial.sums);
            } else if let Some(sketches) = sketches.as_deref_mut() {
                sketches.add_batch(self.batch.get(), len, &mut partial.sums);
            }
        }
        partial
    }

    /// Simulates up to [`LANES`] consecutive paths: draws, demand for all
    /// lanes together, then the rest of the model [`MONTH_LANES`] paths at
    /// a time (one at a time for a last few).
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
        // Demand for all LANES lanes (those past the group's paths hold an
        // earlier path's inputs, or zeros, and their results are not read).
        model::demand::<LANES>(
            self.x.each_ref(),
            &ctx.shape,
            self.shocks.each_ref().map(Vec::as_slice),
            &mut self.demand,
        );
        // The rest of the model, MONTH_LANES paths at a time (the same
        // numbers as one at a time).
        let mut l = 0;
        while l < lanes {
            let rows = &mut rows[l * ctx.width..];
            if l + MONTH_LANES <= lanes {
                self.month_loop::<MONTH_LANES>(ctx, first, slot, l, rows, partial);
                l += MONTH_LANES;
            } else {
                self.month_loop::<1>(ctx, first, slot, l, rows, partial);
                l += 1;
            }
        }
    }

    /// Runs the month loop of the `L` paths from lane `lane` of the group
    /// (path `first + lane`, batch slot `slot + lane`), writing their
    /// metrics into the first `L` rows of `rows` and their series into the
    /// batch.
    fn month_loop<const L: usize>(
        &mut self,
        ctx: &Context<'_>,
        first: usize,
        slot: usize,
        lane: usize,
        rows: &mut [f64],
        partial: &mut ChunkPartial,
    ) {
        let x: [&[f64; N_INPUTS]; L] = std::array::from_fn(|l| &self.x[lane + l]);
        let demand = self.demand.as_slice();
        let scratch = &mut self.scratch;
        let metrics: [PathMetrics; L] = if ctx.bands {
            let mut sink = BatchSink::<L>::new(self.batch.get_mut(), ctx.months, slot + lane);
            // The first `keep` paths also keep their full series.
            let kept = ctx.keep.saturating_sub(first + lane).min(L);
            if kept > 0 {
                let mut keep =
                    KeepLanes((0..kept).map(|_| Vec::with_capacity(ctx.months)).collect());
                let metrics = run_paths_with_demand(
                    x,
                    &ctx.shape,
                    demand,
                    lane,
                    scratch,
                    &mut Tee(&mut sink, &mut keep),
                );
                partial.trajectories.extend(keep.0);
                metrics
            } else {
                run_paths_with_demand(x, &ctx.shape, demand, lane, scratch, &mut sink)
            }
        } else {
            run_paths_with_demand(x, &ctx.shape, demand, lane, scratch, &mut NoSeries)
        };
        for (row, metrics) in rows.chunks_mut(ctx.width).zip(&metrics) {
            row[ctx.n_inputs..].copy_from_slice(metrics);
        }
    }
}

/// Months a [`BatchSink`] holds before writing them to the batch.
const STAGED: usize = 8;

/// Writes `L` paths' series into their slots of a batch buffer laid out
/// path-major, `[path in batch][series][month]` (the layout the sketches
/// read), adding total spend as a seventh series. The month loop hands
/// over each month's values lane by lane; they are held for [`STAGED`]
/// months and then written path by path, a run of months at a time.
struct BatchSink<'a, const L: usize> {
    /// The rows of the `L` paths' slots.
    rows: &'a mut [f64],
    months: usize,
    /// The held months: `[series][month − first held][lane]`.
    staged: [[[f64; L]; STAGED]; N_BAND_SERIES],
}

impl<'a, const L: usize> BatchSink<'a, L> {
    fn new(batch: &'a mut [f64], months: usize, slot: usize) -> Self {
        let width = N_BAND_SERIES * months;
        BatchSink {
            rows: &mut batch[slot * width..(slot + L) * width],
            months,
            staged: [[[0.0; L]; STAGED]; N_BAND_SERIES],
        }
    }

    /// Writes the `count` held months from month `start` on.
    #[inline(always)]
    fn write(&mut self, start: usize, count: usize) {
        #[cfg(target_arch = "x86_64")]
        if count == STAGED && std::arch::is_x86_feature_detected!("avx512f") {
            // The transpose is for eight lanes: the downcast succeeds only
            // when `L` is 8 (and is decided when compiling).
            if let Some(staged) = (&self.staged as &dyn std::any::Any).downcast_ref() {
                // SAFETY: the processor has AVX-512F (checked just above).
                unsafe { write_eight_avx512(staged, self.rows, self.months, start) };
                return;
            }
        }
        write_staged(&self.staged, self.rows, self.months, start, count);
    }
}

/// [`BatchSink::write`] one value at a time: the `count` held months of
/// `staged` from month `start` on, into `rows` (the `L` paths' slots).
#[inline(always)]
fn write_staged<const L: usize>(
    staged: &[[[f64; L]; STAGED]; N_BAND_SERIES],
    rows: &mut [f64],
    months: usize,
    start: usize,
    count: usize,
) {
    for (l, row) in rows.chunks_exact_mut(N_BAND_SERIES * months).enumerate() {
        for (series, staged) in row.chunks_exact_mut(months).zip(staged) {
            for (to, held) in series[start..start + count].iter_mut().zip(staged) {
                *to = held[l];
            }
        }
    }
}

/// [`BatchSink::write`] of eight held months of eight lanes with AVX-512F:
/// each series' 8 × 8 block transposed in registers (24 shuffles), then
/// eight stores of a lane's eight months.
///
/// # Safety
/// The processor must have AVX-512F.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn write_eight_avx512(
    staged: &[[[f64; 8]; STAGED]; N_BAND_SERIES],
    rows: &mut [f64],
    months: usize,
    start: usize,
) {
    use std::arch::x86_64::*;
    let width = N_BAND_SERIES * months;
    assert!(rows.len() == 8 * width && start + STAGED <= months);
    // Elements 0, 1 of each 128-bit lane of `a` then of `b` (low) and
    // elements 2, 3 (high), for `_mm512_permutex2var_pd`.
    let low = _mm512_set_epi64(13, 12, 5, 4, 9, 8, 1, 0);
    let high = _mm512_set_epi64(15, 14, 7, 6, 11, 10, 3, 2);
    for (s, block) in staged.iter().enumerate() {
        // SAFETY: each row of `block` is eight doubles.
        let r: [__m512d; 8] =
            std::array::from_fn(|k| unsafe { _mm512_loadu_pd(block[k].as_ptr()) });
        // t: pairs of months side by side; u: four months; out: eight.
        let t = [
            _mm512_unpacklo_pd(r[0], r[1]),
            _mm512_unpackhi_pd(r[0], r[1]),
            _mm512_unpacklo_pd(r[2], r[3]),
            _mm512_unpackhi_pd(r[2], r[3]),
            _mm512_unpacklo_pd(r[4], r[5]),
            _mm512_unpackhi_pd(r[4], r[5]),
            _mm512_unpacklo_pd(r[6], r[7]),
            _mm512_unpackhi_pd(r[6], r[7]),
        ];
        let u = [
            _mm512_permutex2var_pd(t[0], low, t[2]),
            _mm512_permutex2var_pd(t[0], high, t[2]),
            _mm512_permutex2var_pd(t[1], low, t[3]),
            _mm512_permutex2var_pd(t[1], high, t[3]),
            _mm512_permutex2var_pd(t[4], low, t[6]),
            _mm512_permutex2var_pd(t[4], high, t[6]),
            _mm512_permutex2var_pd(t[5], low, t[7]),
            _mm512_permutex2var_pd(t[5], high, t[7]),
        ];
        // Lane l's months: lanes 0, 2, 1, 3 from the low halves of u,
        // lanes 4, 6, 5, 7 from the high halves.
        let lanes = [
            (0, _mm512_shuffle_f64x2::<0x44>(u[0], u[4])),
            (4, _mm512_shuffle_f64x2::<0xee>(u[0], u[4])),
            (2, _mm512_shuffle_f64x2::<0x44>(u[1], u[5])),
            (6, _mm512_shuffle_f64x2::<0xee>(u[1], u[5])),
            (1, _mm512_shuffle_f64x2::<0x44>(u[2], u[6])),
            (5, _mm512_shuffle_f64x2::<0xee>(u[2], u[6])),
            (3, _mm512_shuffle_f64x2::<0x44>(u[3], u[7])),
            (7, _mm512_shuffle_f64x2::<0xee>(u[3], u[7])),
        ];
        for (l, months_of_lane) in lanes {
            let at = l * width + s * months + start;
            let to = &mut rows[at..at + STAGED];
            // SAFETY: `to` is eight doubles.
            unsafe { _mm512_storeu_pd(to.as_mut_ptr(), months_of_lane) };
        }
    }
}

impl<const L: usize> LaneSink<L> for BatchSink<'_, L> {
    #[inline(always)]
    fn month(&mut self, m: usize, values: &[[f64; L]; N_SERIES]) {
        let k = m % STAGED;
        for (staged, lanes) in self.staged.iter_mut().zip(values) {
            staged[k] = *lanes;
        }
        // Total spend, banded for the fan chart.
        for (l, spend) in self.staged[N_SERIES][k].iter_mut().enumerate() {
            *spend = values[1][l] + values[2][l];
        }
        if k + 1 == STAGED || m + 1 == self.months {
            self.write(m - k, k + 1);
        }
    }
}

/// Sends each month to two sinks (batch and trajectories).
struct Tee<'a, A, B>(&'a mut A, &'a mut B);

impl<const L: usize, A: LaneSink<L>, B: LaneSink<L>> LaneSink<L> for Tee<'_, A, B> {
    #[inline(always)]
    fn month(&mut self, m: usize, values: &[[f64; L]; N_SERIES]) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_batch_sink_puts_every_value_in_its_path_series_and_month() {
        // Eight lanes from slot 3 and one lane at slot 12 of a 16-slot
        // batch, at horizons with and without a partial last block of
        // STAGED months (whole blocks take the AVX-512 transpose where the
        // processor has it).
        for months in [5, 8, 13, 120] {
            let width = N_BAND_SERIES * months;
            let mut batch = LineAligned::new(16 * width);
            let value = |slot: usize, s: usize, m: usize| (slot * 10_000 + s * 1000 + m) as f64;
            let mut eight = BatchSink::<8>::new(batch.get_mut(), months, 3);
            for m in 0..months {
                eight.month(
                    m,
                    &std::array::from_fn(|s| std::array::from_fn(|l| value(3 + l, s, m))),
                );
            }
            let mut one = BatchSink::<1>::new(batch.get_mut(), months, 12);
            for m in 0..months {
                one.month(m, &std::array::from_fn(|s| [value(12, s, m)]));
            }
            let batch = batch.get();
            for slot in 0..16 {
                for s in 0..N_BAND_SERIES {
                    for m in 0..months {
                        let want = match slot {
                            3..=10 | 12 if s < N_SERIES => value(slot, s, m),
                            // Total spend: capex plus opex.
                            3..=10 | 12 => value(slot, 1, m) + value(slot, 2, m),
                            _ => 0.0,
                        };
                        let got = batch[slot * width + s * months + m];
                        assert_eq!(
                            got, want,
                            "{months} months: slot {slot}, series {s}, month {m}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn both_ways_of_writing_eight_held_months_put_every_value_in_place() {
        // The one-value-at-a-time write and (where the processor has
        // AVX-512F) the transpose, each on its own: the sink takes only
        // one of them for whole blocks on a given processor.
        let months = 24;
        let width = N_BAND_SERIES * months;
        let value = |l: usize, s: usize, k: usize| (l * 10_000 + s * 1000 + 8 + k) as f64;
        let staged: [[[f64; 8]; STAGED]; N_BAND_SERIES] = std::array::from_fn(|s| {
            std::array::from_fn(|k| std::array::from_fn(|l| value(l, s, k)))
        });
        let check = |rows: &[f64], how: &str| {
            for l in 0..8 {
                for s in 0..N_BAND_SERIES {
                    for m in 0..months {
                        let want = if (8..16).contains(&m) {
                            value(l, s, m - 8)
                        } else {
                            0.0
                        };
                        let got = rows[l * width + s * months + m];
                        assert_eq!(got, want, "{how}: lane {l}, series {s}, month {m}");
                    }
                }
            }
        };
        let mut rows = vec![0.0; 8 * width];
        write_staged(&staged, &mut rows, months, 8, STAGED);
        check(&rows, "one at a time");
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512f") {
            let mut rows = vec![0.0; 8 * width];
            // SAFETY: the processor has AVX-512F (checked just above).
            unsafe { write_eight_avx512(&staged, &mut rows, months, 8) };
            check(&rows, "transposed");
        } else {
            eprintln!("no AVX-512F here: only the one-at-a-time write is checked");
        }
    }
}
