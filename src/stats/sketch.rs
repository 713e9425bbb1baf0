//! A streaming, mergeable quantile sketch with a relative-error guarantee,
//! used for the monthly percentile bands so memory does not grow with paths.
//!
//! Values are counted in logarithmic buckets taken straight from the bits
//! of the double: a bucket holds every value sharing the sign, the exponent
//! and the top [`MANTISSA_BITS`] mantissa bits, i.e. a range [lo, hi) with
//! hi/lo ≤ 1 + 2⁻⁸. Reporting a bucket by its midpoint is then within
//! [`RELATIVE_ERROR`] (2⁻⁹ ≈ 0.195%) of every value in it, so each order
//! statistic — and any interpolation between two of the same sign — is
//! within 0.195% of the exact one (SPEC §5 allows 0.5%). Zero (and
//! subnormals) are counted exactly; ties at the smallest and largest value
//! are counted exactly too (every path still at its initial capacity, or
//! at the target), and other representatives stay inside the observed
//! range, so a band whose values are all equal is exact.
//!
//! Counts are integers, so merging is exact and order-independent: bands
//! come out byte-identical whatever the thread count. Workers count in
//! `u8` (a quarter of the memory, so more of the counters of all 840
//! monthly sketches stay in cache), noting each key whose counter wraps
//! past 255, and flush into `u32` sketches.

/// Mantissa bits kept in a bucket key.
pub const MANTISSA_BITS: u32 = 8;
const SHIFT: u32 = 52 - MANTISSA_BITS;
/// Largest relative error of a reported order statistic: 2^-(bits+1).
pub const RELATIVE_ERROR: f64 = 1.0 / (1u64 << (MANTISSA_BITS + 1)) as f64;

/// A bucket counter: `u8` in workers (wrapping, with the wraps recorded
/// apart) and `u32` once merged; `u16` (the workers' counters before, kept
/// as the bench's baseline) never wraps, like `u32`.
pub trait Counter: Copy + Default + PartialEq + std::fmt::Debug + Into<u64> {
    /// The count one wrap of the counter stands for (0: it never wraps;
    /// callers keep it below its maximum).
    const WRAP: u64;
    /// Adds `n` and returns how many times the counter wrapped.
    fn add(&mut self, n: u64) -> u64;
}

impl Counter for u8 {
    const WRAP: u64 = 256;
    #[inline]
    fn add(&mut self, n: u64) -> u64 {
        let total = u64::from(*self) + n;
        *self = total as u8;
        total >> 8
    }
}

impl Counter for u16 {
    const WRAP: u64 = 0;
    #[inline]
    fn add(&mut self, n: u64) -> u64 {
        *self += n as u16;
        0
    }
}

impl Counter for u32 {
    const WRAP: u64 = 0;
    #[inline]
    fn add(&mut self, n: u64) -> u64 {
        *self += n as u32;
        0
    }
}

/// Dense counts over a contiguous range of bucket keys, grown on demand.
#[derive(Debug, Clone, Default, PartialEq)]
struct Store<C: Counter> {
    base: u32,
    counts: Vec<C>,
    /// Keys whose counter wrapped, once per wrap (each worth `C::WRAP`).
    wraps: Vec<u32>,
}

impl<C: Counter> Store<C> {
    /// Makes sure keys [lo, hi) have counters.
    #[inline]
    fn cover(&mut self, lo: u32, hi: u32) {
        if self.counts.is_empty() || lo < self.base || hi > self.base + self.counts.len() as u32 {
            self.grow(lo, hi);
        }
    }

    /// Extends the range to cover keys [lo, hi), by at least half the
    /// current size so that repeated growth costs linear time overall.
    fn grow(&mut self, lo: u32, hi: u32) {
        const SLACK: u32 = 32;
        if self.counts.is_empty() {
            self.base = lo.saturating_sub(SLACK);
            self.counts = vec![C::default(); (hi + SLACK - self.base) as usize];
            return;
        }
        let end = self.base + self.counts.len() as u32;
        let extra = SLACK.max(self.counts.len() as u32 / 2);
        let new_base = if lo < self.base {
            lo.saturating_sub(extra)
        } else {
            self.base
        };
        let new_end = if hi > end { hi + extra } else { end };
        let mut counts = vec![C::default(); (new_end - new_base) as usize];
        let offset = (self.base - new_base) as usize;
        counts[offset..offset + self.counts.len()].copy_from_slice(&self.counts);
        self.base = new_base;
        self.counts = counts;
    }

    /// Counts every key of `keys` (all inside [lo, hi)).
    #[inline]
    fn add_keys(&mut self, lo: u32, hi: u32, keys: impl Iterator<Item = u32>) {
        self.cover(lo, hi);
        let base = self.base;
        // A local slice keeps the pointer in a register: the compiler cannot
        // tell that a counter store leaves the Vec's own fields alone.
        let counts = &mut self.counts[..];
        for key in keys {
            if counts[(key - base) as usize].add(1) != 0 {
                self.wraps.push(key);
            }
        }
    }

    /// Counts `n` values with one key.
    fn add_many(&mut self, key: u32, n: u64) {
        self.cover(key, key + 1);
        let wraps = self.counts[(key - self.base) as usize].add(n);
        for _ in 0..wraps {
            self.wraps.push(key);
        }
    }

    /// Counts one key, growing the range if needed.
    #[inline]
    fn add_one(&mut self, key: u32) {
        self.add_many(key, 1);
    }

    /// Adds another store's counts, and clears it (keeping its memory).
    fn absorb<D: Counter>(&mut self, other: &mut Store<D>) {
        for key in other.wraps.drain(..) {
            self.add_many(key, D::WRAP);
        }
        let Some(first) = other.counts.iter().position(|c| (*c).into() > 0) else {
            return;
        };
        let last = other
            .counts
            .iter()
            .rposition(|c| (*c).into() > 0)
            .unwrap_or(first);
        self.cover(other.base + first as u32, other.base + last as u32 + 1);
        let offset = (other.base + first as u32 - self.base) as usize;
        for (a, b) in self.counts[offset..]
            .iter_mut()
            .zip(&mut other.counts[first..=last])
        {
            a.add((*b).into());
            *b = D::default();
        }
    }

    /// (key, count) of non-empty buckets, ascending keys.
    fn buckets(&self) -> impl DoubleEndedIterator<Item = (u32, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .map(|(i, &c)| (self.base + i as u32, c.into()))
            .filter(|&(_, c)| c > 0)
    }

    fn heap_bytes(&self) -> usize {
        std::mem::size_of::<C>() * self.counts.capacity() + 4 * self.wraps.capacity()
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

/// Smallest and largest value of a slice and its sum, with four
/// independent accumulators (so no comparison or addition waits on
/// another): lane k takes elements k, k + 4, …, the lanes are combined
/// pairwise and the tail (len mod 4 elements) is added last. A NaN
/// anywhere makes the sum NaN. On x86_64 the four lanes are two SSE2
/// registers (`minpd`/`maxpd`/`addpd`, which the compiler does not find
/// on its own); the result is bit for bit [`range_and_sum_scalar`].
#[inline]
pub fn range_and_sum(xs: &[f64]) -> (f64, f64, f64) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        let mut quads = xs.chunks_exact(4);
        // SAFETY: SSE2 is part of the x86_64 baseline; each load reads two
        // elements of a 4-element chunk, each store writes two of a
        // 4-element array.
        unsafe {
            let (mut lo01, mut lo23) = (_mm_set1_pd(f64::INFINITY), _mm_set1_pd(f64::INFINITY));
            let (mut hi01, mut hi23) = (
                _mm_set1_pd(f64::NEG_INFINITY),
                _mm_set1_pd(f64::NEG_INFINITY),
            );
            let (mut s01, mut s23) = (_mm_setzero_pd(), _mm_setzero_pd());
            for q in &mut quads {
                let a = _mm_loadu_pd(q.as_ptr());
                let b = _mm_loadu_pd(q.as_ptr().add(2));
                // minpd(x, lo) is `if x < lo { x } else { lo }` lane by
                // lane, NaN included, as in the scalar version.
                lo01 = _mm_min_pd(a, lo01);
                lo23 = _mm_min_pd(b, lo23);
                hi01 = _mm_max_pd(a, hi01);
                hi23 = _mm_max_pd(b, hi23);
                s01 = _mm_add_pd(s01, a);
                s23 = _mm_add_pd(s23, b);
            }
            let (mut lo, mut hi, mut sum) = ([0.0; 4], [0.0; 4], [0.0; 4]);
            _mm_storeu_pd(lo.as_mut_ptr(), lo01);
            _mm_storeu_pd(lo.as_mut_ptr().add(2), lo23);
            _mm_storeu_pd(hi.as_mut_ptr(), hi01);
            _mm_storeu_pd(hi.as_mut_ptr().add(2), hi23);
            _mm_storeu_pd(sum.as_mut_ptr(), s01);
            _mm_storeu_pd(sum.as_mut_ptr().add(2), s23);
            combine_lanes(lo, hi, sum, quads.remainder())
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    range_and_sum_scalar(xs)
}

/// [`range_and_sum`] in plain Rust: the reference the SSE2 version is
/// tested against, and the version on other processors.
pub fn range_and_sum_scalar(xs: &[f64]) -> (f64, f64, f64) {
    let (mut lo, mut hi, mut sum) = ([f64::INFINITY; 4], [f64::NEG_INFINITY; 4], [0.0; 4]);
    let mut quads = xs.chunks_exact(4);
    for q in &mut quads {
        for k in 0..4 {
            lo[k] = if q[k] < lo[k] { q[k] } else { lo[k] };
            hi[k] = if q[k] > hi[k] { q[k] } else { hi[k] };
            sum[k] += q[k];
        }
    }
    combine_lanes(lo, hi, sum, quads.remainder())
}

/// Folds the tail into lane 0's range and combines the four lanes.
#[inline]
fn combine_lanes(
    mut lo: [f64; 4],
    mut hi: [f64; 4],
    sum: [f64; 4],
    tail: &[f64],
) -> (f64, f64, f64) {
    let mut rest = 0.0;
    for &x in tail {
        lo[0] = if x < lo[0] { x } else { lo[0] };
        hi[0] = if x > hi[0] { x } else { hi[0] };
        rest += x;
    }
    let min = |a: f64, b: f64| if b < a { b } else { a };
    let max = |a: f64, b: f64| if b > a { b } else { a };
    (
        min(min(lo[0], lo[1]), min(lo[2], lo[3])),
        max(max(hi[0], hi[1]), max(hi[2], hi[3])),
        (sum[0] + sum[1]) + (sum[2] + sum[3]) + rest,
    )
}

/// The finite values of `xs` when a non-finite one made `sum` (their sum
/// from [`range_and_sum`]) non-finite; `None` otherwise (the usual case:
/// the model never produces NaN or ±∞ for valid inputs).
#[inline]
pub fn finite_only(xs: &[f64], sum: f64) -> Option<Vec<f64>> {
    (!sum.is_finite() && xs.iter().any(|x| !x.is_finite()))
        .then(|| xs.iter().copied().filter(|x| x.is_finite()).collect())
}

/// The smallest and largest values seen, with how many times each was seen
/// exactly, so that ties at the extremes are reported exactly.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Extremes {
    min: f64,
    at_min: u64,
    max: f64,
    at_max: u64,
}

impl Default for Extremes {
    fn default() -> Self {
        Extremes {
            min: f64::INFINITY,
            at_min: 0,
            max: f64::NEG_INFINITY,
            at_max: 0,
        }
    }
}

impl Extremes {
    /// Takes in `n_lo` values equal to `lo` and `n_hi` equal to `hi`.
    #[inline]
    fn observe(&mut self, lo: f64, n_lo: u64, hi: f64, n_hi: u64) {
        if lo < self.min {
            (self.min, self.at_min) = (lo, n_lo);
        } else if lo == self.min {
            self.at_min += n_lo;
        }
        if hi > self.max {
            (self.max, self.at_max) = (hi, n_hi);
        } else if hi == self.max {
            self.at_max += n_hi;
        }
    }
}

/// The sketch of one stream of values; `C` is the counter type.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sketch<C: Counter = u32> {
    positive: Store<C>,
    negative: Store<C>,
    zeros: u64,
    count: u64,
    extremes: Extremes,
}

impl<C: Counter> Sketch<C> {
    /// Adds one finite value (NaN and ±∞ are ignored; the model never
    /// produces them for valid inputs).
    pub fn add(&mut self, x: f64) {
        let _ = self.add_all(std::slice::from_ref(&x));
    }

    /// Adds every value of a slice and returns their sum (taken in a fixed
    /// order, so it is the same on every run): one pass for the range and
    /// sum, then a tight counting loop. Non-finite values are skipped.
    pub fn add_all(&mut self, xs: &[f64]) -> f64 {
        let (lo, hi, sum) = range_and_sum(xs);
        if let Some(finite) = finite_only(xs, sum) {
            return self.add_all(&finite);
        }
        if xs.is_empty() {
            return sum;
        }
        let n = xs.len() as u64;
        self.count += n;
        // Ties only matter when the slice reaches the extremes seen so far.
        let ties = |edge: f64, reached: bool| {
            if reached {
                xs.iter().filter(|&&x| x == edge).count() as u64
            } else {
                0
            }
        };
        let (n_lo, n_hi) = if lo == hi {
            (n, n)
        } else {
            (
                ties(lo, lo <= self.extremes.min),
                ties(hi, hi >= self.extremes.max),
            )
        };
        self.extremes.observe(lo, n_lo, hi, n_hi);
        let tiny = f64::MIN_POSITIVE;
        if lo == hi && (lo >= tiny || hi <= -tiny) {
            // Every value equal (e.g. capacity before anything comes online).
            let store = if lo > 0.0 {
                &mut self.positive
            } else {
                &mut self.negative
            };
            store.add_many(key_of(lo.abs()), n);
        } else if lo >= tiny || hi <= -tiny {
            // One sign: every key lies between those of the extremes.
            let store = if lo > 0.0 {
                &mut self.positive
            } else {
                &mut self.negative
            };
            let (a, b) = (key_of(lo.abs()), key_of(hi.abs()));
            store.add_keys(a.min(b), a.max(b) + 1, xs.iter().map(|x| key_of(x.abs())));
        } else {
            for &x in xs {
                if x >= tiny {
                    self.positive.add_one(key_of(x));
                } else if x <= -tiny {
                    self.negative.add_one(key_of(-x));
                } else {
                    self.zeros += 1;
                }
            }
        }
        sum
    }

    /// Number of values added.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Bytes held, for memory estimates.
    pub fn heap_bytes(&self) -> usize {
        self.positive.heap_bytes() + self.negative.heap_bytes()
    }
}

impl Sketch<u32> {
    /// Merges another sketch (exact, order-independent) and clears it, so a
    /// worker's narrow counters can be flushed and reused.
    pub fn absorb<D: Counter>(&mut self, other: &mut Sketch<D>) {
        self.positive.absorb(&mut other.positive);
        self.negative.absorb(&mut other.negative);
        self.zeros += std::mem::take(&mut other.zeros);
        self.count += std::mem::take(&mut other.count);
        let e = std::mem::take(&mut other.extremes);
        if e.at_min + e.at_max > 0 {
            self.extremes.observe(e.min, e.at_min, e.max, e.at_max);
        }
    }

    /// The order statistics at the given ascending 0-based ranks.
    pub fn values_at_ranks(&self, ranks: &[u64]) -> Vec<f64> {
        let e = self.extremes;
        let mut out = Vec::with_capacity(ranks.len());
        let mut next = ranks.iter().peekable();
        let mut seen = 0u64;
        let negatives = self
            .negative
            .buckets()
            .rev()
            .map(|(k, c)| (-midpoint(k), c));
        let zeros = std::iter::once((0.0, self.zeros)).filter(|(_, c)| *c > 0);
        let positives = self.positive.buckets().map(|(k, c)| (midpoint(k), c));
        for (value, count) in negatives.chain(zeros).chain(positives) {
            seen += count;
            while let Some(&&r) = next.peek() {
                if r >= seen {
                    break;
                }
                // Ties at the extremes are known exactly; elsewhere the
                // bucket midpoint, kept inside the observed range.
                let v = if r < e.at_min {
                    e.min
                } else if r >= self.count.saturating_sub(e.at_max) {
                    e.max
                } else {
                    value.clamp(e.min, e.max)
                };
                out.push(v);
                next.next();
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
        let next = |lo: u64| (lo + 1).min(self.count - 1);
        let mut ranks: Vec<u64> = positions
            .iter()
            .flat_map(|&(lo, _)| [lo, next(lo)])
            .collect();
        ranks.sort_unstable();
        let values = self.values_at_ranks(&ranks);
        let at = |r: u64| values[ranks.partition_point(|&x| x < r)];
        positions
            .iter()
            .map(|&(lo, w)| super::quantile::interpolate(at(lo), at(next(lo)), w))
            .collect()
    }
}

mod columns;
pub use columns::{GROUP, ROWS};

#[cfg(test)]
mod tests;
