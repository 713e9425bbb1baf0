//! Monthly percentile bands of the banded series (`BAND_SERIES`).
//!
//! Exact when every path's monthly values fit in [`EXACT_BAND_VALUES`]
//! (the values are kept and sorted, as for the metrics); otherwise
//! accumulated in bounded memory: one [`Sketch`] per (series, month), each
//! worker counting in `u8` and flushing into one shared `u32` set.

use rayon::prelude::*;

use super::quantile::{percentile_sorted, PERCENTILES};
use super::rank::sorting_order;
use super::sketch::{finite_only, range_and_sum, Counter, Sketch, GROUP, RELATIVE_ERROR, ROWS};
use crate::model::{Series, N_BAND_SERIES};

/// Most monthly values (paths × months × banded series) kept for exact
/// bands: 2²⁴ values, 128 MiB (19,972 paths over 120 months). Above this
/// the bands come from sketches, so memory does not grow with paths ×
/// months.
pub const EXACT_BAND_VALUES: usize = 1 << 24;

/// Most paths a worker's set takes between flushes into the shared one.
/// One value per path lands in each sketch, so this bounds the wraps a
/// worker's `u8` counters note (at most 256 of its values per note).
pub const MAX_PATHS_PER_FLUSH: usize = u16::MAX as usize;

/// Most rows of a batch summed before the sum is added to the running
/// (series, month) total: as many as [`Sketch::add_columns`] takes.
const ROWS_PER_SUM: usize = ROWS;

/// Sketches for every (series, month), indexed `series * months + month`.
#[derive(Debug, Clone)]
pub struct BandSketches<C: Counter = u32> {
    months: usize,
    sketches: Vec<Sketch<C>>,
}

impl<C: Counter> BandSketches<C> {
    /// Empty sketches for a horizon.
    pub fn new(months: usize) -> Self {
        BandSketches {
            months,
            sketches: vec![Sketch::default(); N_BAND_SERIES * months],
        }
    }

    /// Adds a batch of `paths` paths laid out path-major,
    /// `[path][series][month]` (each path's values contiguous, as the model
    /// writes them), and adds each (series, month)'s batch sum to `sums`
    /// (in path order, so the sums do not depend on the thread count).
    /// One column at a time, copied out of the batch: the reference for
    /// [`BandSketches::add_batch`] (the workers' `u8` counters).
    pub fn add_batch_by_column(&mut self, batch: &[f64], paths: usize, sums: &mut [f64]) {
        let width = self.sketches.len();
        for start in (0..paths).step_by(ROWS_PER_SUM) {
            let n = ROWS_PER_SUM.min(paths - start);
            let rows = &batch[start * width..(start + n) * width];
            for (i, (sketch, sum)) in self.sketches.iter_mut().zip(sums.iter_mut()).enumerate() {
                *sum += add_column(sketch, rows, width, i);
            }
        }
    }

    /// Bytes held by the sketches.
    pub fn heap_bytes(&self) -> usize {
        self.sketches.iter().map(Sketch::heap_bytes).sum()
    }
}

/// Adds column `i` of `rows` (at most [`ROWS_PER_SUM`] rows of `width`) to
/// `sketch`, copied out of the rows; returns its sum.
fn add_column<C: Counter>(sketch: &mut Sketch<C>, rows: &[f64], width: usize, i: usize) -> f64 {
    let mut column = [0.0f64; ROWS_PER_SUM];
    let n = rows.len() / width;
    for (slot, row) in column[..n].iter_mut().zip(rows.chunks_exact(width)) {
        *slot = row[i];
    }
    sketch.add_all(&column[..n])
}

impl BandSketches<u8> {
    /// [`BandSketches::add_batch_by_column`], eight neighbouring columns at
    /// a time straight out of the batch ([`Sketch::add_columns`]): the same
    /// counts and the same sums, bit for bit.
    pub fn add_batch(&mut self, batch: &[f64], paths: usize, sums: &mut [f64]) {
        let width = self.sketches.len();
        let grouped = width - width % GROUP;
        for start in (0..paths).step_by(ROWS_PER_SUM) {
            let n = ROWS_PER_SUM.min(paths - start);
            let rows = &batch[start * width..(start + n) * width];
            for first in (0..grouped).step_by(GROUP) {
                let sketches: &mut [Sketch<u8>; GROUP] = (&mut self.sketches[first..first + GROUP])
                    .try_into()
                    .expect("GROUP sketches");
                let added = Sketch::add_columns(sketches, &rows[first..], width, n);
                for (sum, add) in sums[first..first + GROUP].iter_mut().zip(added) {
                    *sum += add;
                }
            }
            let rest = self.sketches[grouped..]
                .iter_mut()
                .zip(&mut sums[grouped..]);
            for (i, (sketch, sum)) in rest.enumerate() {
                *sum += add_column(sketch, rows, width, grouped + i);
            }
        }
    }
}

impl BandSketches<u32> {
    /// Adds a worker's sketches (exact, order-independent) and clears them
    /// for reuse.
    pub fn absorb<D: Counter>(&mut self, other: &mut BandSketches<D>) {
        for (a, b) in self.sketches.iter_mut().zip(other.sketches.iter_mut()) {
            a.absorb(b);
        }
    }
}

/// Mean and percentiles of one series in one month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandRow {
    /// Mean over paths (exact).
    pub mean: f64,
    /// P5 … P95 (within the sketch's relative error).
    pub percentiles: [f64; 7],
}

/// The finished bands.
#[derive(Debug, Clone, PartialEq)]
pub struct Bands {
    /// Months M.
    pub months: usize,
    rows: Vec<BandRow>,
    /// Largest relative error of a percentile (0 when exact).
    pub relative_error: f64,
}

impl Bands {
    /// Finishes the bands from merged sketches and the exact per-(series,
    /// month) sums over `paths` paths.
    pub fn finish(sketches: &BandSketches, sums: &[f64], paths: u64) -> Bands {
        let rows = sketches
            .sketches
            .iter()
            .zip(sums)
            .map(|(sketch, &sum)| {
                let mut percentiles = [f64::NAN; 7];
                percentiles.copy_from_slice(&sketch.percentiles(&PERCENTILES));
                BandRow {
                    mean: sum / paths as f64,
                    percentiles,
                }
            })
            .collect();
        Bands {
            months: sketches.months,
            rows,
            relative_error: RELATIVE_ERROR,
        }
    }

    /// Exact bands from every path's values: `blocks` in path order, each
    /// holding its paths' values column by column (`[series][month][path]`,
    /// see [`ExactBlock`]), and the per-(series, month) sums.
    pub fn exact(blocks: &[ExactBlock], months: usize, sums: &[f64], paths: u64) -> Bands {
        let rows = (0..sums.len())
            .into_par_iter()
            .map(|i| {
                let column: Vec<f64> = blocks.iter().flat_map(|b| b.column(i)).copied().collect();
                let sorted: Vec<f64> = sorting_order(&column)
                    .iter()
                    .map(|&p| column[p as usize])
                    .collect();
                BandRow {
                    mean: sums[i] / paths as f64,
                    percentiles: PERCENTILES.map(|p| percentile_sorted(&sorted, p)),
                }
            })
            .collect();
        Bands {
            months,
            rows,
            relative_error: 0.0,
        }
    }

    /// The band of one series in one month.
    pub fn get(&self, series: Series, month: usize) -> &BandRow {
        &self.rows[series as usize * self.months + month]
    }
}

/// One chunk's monthly values, kept for exact bands: column by column,
/// `[series][month][path in chunk]`.
#[derive(Debug, Clone, Default)]
pub struct ExactBlock {
    paths: usize,
    values: Vec<f64>,
}

impl ExactBlock {
    /// Room for `paths` paths of `columns` (series × months) values.
    pub fn new(paths: usize, columns: usize) -> Self {
        ExactBlock {
            paths,
            values: vec![0.0; paths * columns],
        }
    }

    /// Stores a batch laid out path-major (`[path][series][month]`, `width`
    /// values a path) as paths `first..first + n` of this block, and adds
    /// each column's sum over the batch to `sums` exactly as
    /// [`BandSketches::add_batch`] does (same values, same order), so the
    /// means do not depend on how the bands are made.
    pub fn add_batch(&mut self, batch: &[f64], first: usize, n: usize, sums: &mut [f64]) {
        let width = sums.len();
        for (i, sum) in sums.iter_mut().enumerate() {
            let column = &mut self.values[i * self.paths + first..i * self.paths + first + n];
            for (j, slot) in column.iter_mut().enumerate() {
                *slot = batch[j * width + i];
            }
            // As Sketch::add_all: non-finite values are left out of the sum.
            let (_, _, total) = range_and_sum(column);
            *sum += finite_only(column, total).map_or(total, |f| range_and_sum(&f).2);
        }
    }

    fn column(&self, i: usize) -> &[f64] {
        &self.values[i * self.paths..(i + 1) * self.paths]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_columns_at_a_time_give_the_bands_of_one_at_a_time() {
        // 13 months: 91 columns, so eleven groups of eight and three
        // columns counted one at a time; batches of 64 and of 5 paths,
        // values of both signs, ties and zeros.
        let months = 13;
        let width = N_BAND_SERIES * months;
        let mut rng = crate::test_rng::XorShift(41);
        let (mut grouped, mut single) = (
            BandSketches::<u8>::new(months),
            BandSketches::<u8>::new(months),
        );
        let (mut sums_grouped, mut sums_single) = (vec![0.0; width], vec![0.0; width]);
        let mut paths = 0;
        for batch in [64, 5, 64, 64] {
            let values: Vec<f64> = (0..batch * width)
                .map(|i| match i % 5 {
                    0 => 0.0,
                    1 => 3.0,
                    _ => (rng.unit() - 0.3) * 1e10 * (1 + i % width) as f64,
                })
                .collect();
            grouped.add_batch(&values, batch, &mut sums_grouped);
            single.add_batch_by_column(&values, batch, &mut sums_single);
            paths += batch as u64;
        }
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&sums_grouped), bits(&sums_single));
        let (mut a, mut b) = (
            BandSketches::<u32>::new(months),
            BandSketches::<u32>::new(months),
        );
        a.absorb(&mut grouped);
        b.absorb(&mut single);
        assert_eq!(
            Bands::finish(&a, &sums_grouped, paths),
            Bands::finish(&b, &sums_single, paths)
        );
    }
}
