//! Monthly percentile bands of the banded series (`BAND_SERIES`), accumulated in bounded
//! memory: one [`Sketch`] per (series, month), merged across workers.

use super::quantile::PERCENTILES;
use super::sketch::Sketch;
use crate::model::{Series, N_BAND_SERIES};

/// Sketches for every (series, month), indexed `series * months + month`.
#[derive(Debug, Clone)]
pub struct BandSketches {
    months: usize,
    sketches: Vec<Sketch>,
}

impl BandSketches {
    /// Empty sketches for a horizon.
    pub fn new(months: usize) -> Self {
        BandSketches {
            months,
            sketches: vec![Sketch::default(); N_BAND_SERIES * months],
        }
    }

    /// Adds a batch laid out `[series][month][path]`: the `n` values of
    /// (series s, month m) start at `(s * months + m) * stride`.
    pub fn add_batch(&mut self, batch: &[f64], stride: usize, n: usize) {
        for (i, sketch) in self.sketches.iter_mut().enumerate() {
            sketch.add_all(&batch[i * stride..i * stride + n]);
        }
    }

    /// Merges another worker's sketches (exact, order-independent).
    pub fn merge(&mut self, other: &BandSketches) {
        for (a, b) in self.sketches.iter_mut().zip(&other.sketches) {
            a.merge(b);
        }
    }

    /// Bytes held by the sketches.
    pub fn heap_bytes(&self) -> usize {
        self.sketches.iter().map(Sketch::heap_bytes).sum()
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
