//! A streaming, mergeable quantile sketch with a relative-error guarantee,
//! used for the monthly percentile bands so memory does not grow with paths.
//!
//! Values are counted in logarithmic buckets taken straight from the bits
//! of the double: a bucket holds every value sharing the sign, the exponent
//! and the top [`MANTISSA_BITS`] mantissa bits, i.e. a range [lo, hi) with
//! hi/lo ≤ 1 + 2⁻⁹. Reporting a bucket by its midpoint is then within
//! [`RELATIVE_ERROR`] (2⁻¹⁰ ≈ 0.098%) of every value in it, so each order
//! statistic — and any interpolation between two of the same sign — is
//! within 0.098% of the exact one. Zero (and subnormals) are counted
//! exactly. Representatives are clamped into the observed [min, max], so a
//! band whose values are all equal is exact.
//!
//! Counts are integers, so merging is exact and order-independent: bands
//! come out byte-identical whatever the thread count.

/// Mantissa bits kept in a bucket key.
pub const MANTISSA_BITS: u32 = 9;
const SHIFT: u32 = 52 - MANTISSA_BITS;
/// Largest relative error of a reported order statistic: 2^-(bits+1).
pub const RELATIVE_ERROR: f64 = 1.0 / (1u64 << (MANTISSA_BITS + 1)) as f64;

/// Dense counts over a contiguous range of bucket keys, grown on demand.
#[derive(Debug, Clone, Default, PartialEq)]
struct Store {
    base: u32,
    counts: Vec<u32>,
}

impl Store {
    #[inline]
    fn add(&mut self, key: u32) {
        let i = key.wrapping_sub(self.base) as usize;
        if let Some(c) = self.counts.get_mut(i) {
            *c += 1;
        } else {
            self.grow(key, key + 1);
            let i = (key - self.base) as usize;
            self.counts[i] += 1;
        }
    }

    /// Extends the range to cover keys [lo, hi), with slack either side so
    /// growing is rare.
    fn grow(&mut self, lo: u32, hi: u32) {
        const SLACK: u32 = 256;
        if self.counts.is_empty() {
            self.base = lo.saturating_sub(SLACK);
            self.counts = vec![0; (hi + SLACK - self.base) as usize];
            return;
        }
        let end = self.base + self.counts.len() as u32;
        let new_base = if lo < self.base {
            lo.saturating_sub(SLACK)
        } else {
            self.base
        };
        let new_end = if hi > end { hi + SLACK } else { end };
        let mut counts = vec![0; (new_end - new_base) as usize];
        let offset = (self.base - new_base) as usize;
        counts[offset..offset + self.counts.len()].copy_from_slice(&self.counts);
        self.base = new_base;
        self.counts = counts;
    }

    fn merge(&mut self, other: &Store) {
        if other.counts.is_empty() {
            return;
        }
        let (lo, hi) = (other.base, other.base + other.counts.len() as u32);
        if self.counts.is_empty() || lo < self.base || hi > self.base + self.counts.len() as u32 {
            self.grow(lo, hi);
        }
        let offset = (other.base - self.base) as usize;
        for (a, b) in self.counts[offset..].iter_mut().zip(&other.counts) {
            *a += b;
        }
    }

    /// (key, count) of non-empty buckets, ascending keys.
    fn buckets(&self) -> impl DoubleEndedIterator<Item = (u32, u32)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, &c)| c > 0)
            .map(|(i, &c)| (self.base + i as u32, c))
    }
}

#[inline]
fn key_of(magnitude: f64) -> u32 {
    (magnitude.to_bits() >> SHIFT) as u32
}

/// Midpoint of bucket `key` (a positive magnitude).
fn midpoint(key: u32) -> f64 {
    let lo = f64::from_bits(u64::from(key) << SHIFT);
    let hi = f64::from_bits(u64::from(key + 1) << SHIFT);
    if hi.is_finite() {
        lo + 0.5 * (hi - lo)
    } else {
        lo
    }
}

/// The sketch of one stream of values.
#[derive(Debug, Clone, PartialEq)]
pub struct Sketch {
    positive: Store,
    negative: Store,
    zeros: u64,
    count: u64,
    min: f64,
    max: f64,
}

impl Default for Sketch {
    fn default() -> Self {
        Sketch {
            positive: Store::default(),
            negative: Store::default(),
            zeros: 0,
            count: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}

impl Sketch {
    /// Adds one finite value (NaN and ±∞ are ignored; the model never
    /// produces them for valid inputs).
    #[inline]
    pub fn add(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        self.count += 1;
        self.min = self.min.min(x);
        self.max = self.max.max(x);
        let magnitude = x.abs();
        if magnitude < f64::MIN_POSITIVE {
            self.zeros += 1;
        } else if x > 0.0 {
            self.positive.add(key_of(magnitude));
        } else {
            self.negative.add(key_of(magnitude));
        }
    }

    /// Adds every value of a slice.
    #[inline]
    pub fn add_all(&mut self, xs: &[f64]) {
        for &x in xs {
            self.add(x);
        }
    }

    /// Merges another sketch into this one (exact, order-independent).
    pub fn merge(&mut self, other: &Sketch) {
        self.positive.merge(&other.positive);
        self.negative.merge(&other.negative);
        self.zeros += other.zeros;
        self.count += other.count;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// Number of values added.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The order statistics at the given ascending 0-based ranks.
    pub fn values_at_ranks(&self, ranks: &[u64]) -> Vec<f64> {
        let mut out = Vec::with_capacity(ranks.len());
        let mut next = ranks.iter().peekable();
        let mut seen = 0u64;
        let clamp = |v: f64| v.clamp(self.min, self.max);
        let negatives = self
            .negative
            .buckets()
            .rev()
            .map(|(k, c)| (-midpoint(k), u64::from(c)));
        let zeros = std::iter::once((0.0, self.zeros)).filter(|(_, c)| *c > 0);
        let positives = self
            .positive
            .buckets()
            .map(|(k, c)| (midpoint(k), u64::from(c)));
        for (value, count) in negatives.chain(zeros).chain(positives) {
            seen += count;
            while let Some(&&r) = next.peek() {
                if r < seen {
                    out.push(clamp(value));
                    next.next();
                } else {
                    break;
                }
            }
        }
        out.resize(ranks.len(), f64::NAN);
        out
    }

    /// Percentiles at the given levels (ascending), interpolated between
    /// order statistics like [`super::quantile::percentile_sorted`].
    pub fn percentiles(&self, levels: &[f64]) -> Vec<f64> {
        if self.count == 0 {
            return vec![f64::NAN; levels.len()];
        }
        let positions: Vec<(u64, f64)> = levels
            .iter()
            .map(|&p| super::quantile::position(self.count, p))
            .collect();
        let mut ranks: Vec<u64> = positions
            .iter()
            .flat_map(|&(lo, _)| [lo, (lo + 1).min(self.count - 1)])
            .collect();
        ranks.sort_unstable();
        let values = self.values_at_ranks(&ranks);
        let at = |r: u64| values[ranks.partition_point(|&x| x < r)];
        positions
            .iter()
            .map(|&(lo, w)| {
                super::quantile::interpolate(at(lo), at((lo + 1).min(self.count - 1)), w)
            })
            .collect()
    }

    /// Bytes held, for memory estimates.
    pub fn heap_bytes(&self) -> usize {
        4 * (self.positive.counts.capacity() + self.negative.counts.capacity())
    }
}

#[cfg(test)]
mod tests {
    use super::super::quantile::{percentile_sorted, PERCENTILES};
    use super::*;
    use rand::{RngExt, SeedableRng};

    /// Each sketch percentile is within RELATIVE_ERROR of the two exact
    /// order statistics it interpolates between.
    fn check_against_exact(xs: &[f64]) {
        let mut sketch = Sketch::default();
        sketch.add_all(xs);
        let mut sorted = xs.to_vec();
        sorted.sort_by(f64::total_cmp);
        let got = sketch.percentiles(&PERCENTILES);
        for (&p, &g) in PERCENTILES.iter().zip(&got) {
            let want = percentile_sorted(&sorted, p);
            let (lo, _) = super::super::quantile::position(sorted.len() as u64, p);
            let scale = sorted[lo as usize]
                .abs()
                .max(sorted[(lo as usize + 1).min(sorted.len() - 1)].abs());
            assert!(
                (g - want).abs() <= RELATIVE_ERROR * scale,
                "P{}: sketch {g} vs exact {want}",
                p * 100.0
            );
        }
    }

    #[test]
    fn within_relative_error_of_exact_percentiles() {
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(3);
        let lognormal: Vec<f64> = (0..20_000)
            .map(|_| (rng.random::<f64>() * 8.0).exp() * 1e9)
            .collect();
        check_against_exact(&lognormal);
        let mixed: Vec<f64> = (0..20_000)
            .map(|_| (rng.random::<f64>() - 0.4) * 3e11)
            .collect();
        check_against_exact(&mixed);
        let small: Vec<f64> = (0..7).map(|i| f64::from(i) * 0.37 + 0.01).collect();
        check_against_exact(&small);
    }

    #[test]
    fn equal_values_and_zeros_are_exact() {
        let mut s = Sketch::default();
        s.add_all(&[1.234_567e12; 1000]);
        assert!(s
            .percentiles(&PERCENTILES)
            .iter()
            .all(|&v| v == 1.234_567e12));
        let mut z = Sketch::default();
        z.add_all(&[0.0, 0.0, 0.0, 5.0]);
        assert_eq!(z.percentiles(&[0.5])[0], 0.0);
        assert_eq!(
            z.percentiles(&[1.0])[0],
            5.0,
            "max is clamped to the observed max"
        );
    }

    #[test]
    fn merging_is_exact_and_order_free() {
        let xs: Vec<f64> = (0..5000).map(|i| f64::from(i).sin() * 1e10).collect();
        let mut whole = Sketch::default();
        whole.add_all(&xs);
        let mut a = Sketch::default();
        let mut b = Sketch::default();
        a.add_all(&xs[..1234]);
        b.add_all(&xs[1234..]);
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        assert_eq!(
            ab.percentiles(&PERCENTILES),
            whole.percentiles(&PERCENTILES)
        );
        assert_eq!(
            ba.percentiles(&PERCENTILES),
            whole.percentiles(&PERCENTILES)
        );
    }

    #[test]
    fn bucket_width_gives_the_stated_error() {
        assert!((RELATIVE_ERROR - 0.0009765625).abs() < 1e-18);
        for x in [1.0, 1.999_999, 3.7e9, 123.456] {
            let m = midpoint(key_of(x));
            assert!(((m - x) / x).abs() <= RELATIVE_ERROR, "{x} -> {m}");
        }
    }
}
