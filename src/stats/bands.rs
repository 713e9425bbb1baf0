//! Monthly percentile bands of the banded series (`BAND_SERIES`),
//! accumulated in bounded memory: one [`Sketch`] per (series, month). Each
//! worker counts in `u16` and flushes into one shared `u32` set.

use super::quantile::PERCENTILES;
use super::sketch::{Counter, Sketch};
use crate::model::{Series, N_BAND_SERIES};

/// Most paths a `u16` set may take between flushes: one value per path
/// lands in each sketch, so no counter can pass this.
pub const MAX_PATHS_PER_FLUSH: usize = u16::MAX as usize;

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
    pub fn add_batch(&mut self, batch: &[f64], paths: usize, sums: &mut [f64]) {
        const MAX: usize = 256;
        let width = self.sketches.len();
        let mut column = [0.0f64; MAX];
        for start in (0..paths).step_by(MAX) {
            let n = MAX.min(paths - start);
            let rows = &batch[start * width..(start + n) * width];
            for (i, (sketch, sum)) in self.sketches.iter_mut().zip(sums.iter_mut()).enumerate() {
                for (j, slot) in column[..n].iter_mut().enumerate() {
                    *slot = rows[j * width + i];
                }
                *sum += sketch.add_all(&column[..n]);
            }
        }
    }

    /// Bytes held by the sketches.
    pub fn heap_bytes(&self) -> usize {
        self.sketches.iter().map(Sketch::heap_bytes).sum()
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
        }
    }

    /// The band of one series in one month.
    pub fn get(&self, series: Series, month: usize) -> &BandRow {
        &self.rows[series as usize * self.months + month]
    }
}
