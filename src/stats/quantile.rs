//! Exact percentiles by linear interpolation between order statistics (the
//! default of NumPy and of Excel's PERCENTILE.INC), with censored values
//! (NaN) ranked above everything else.

/// The percentile levels reported everywhere: P5, P10, P25, P50, P75, P90, P95.
pub const PERCENTILES: [f64; 7] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95];

/// Column names of the percentile levels.
pub const PERCENTILE_NAMES: [&str; 7] = ["p5", "p10", "p25", "p50", "p75", "p90", "p95"];

/// Where percentile `p` falls among `n` sorted values: the lower order
/// statistic's index and the weight of the next one.
#[inline]
pub fn position(n: u64, p: f64) -> (u64, f64) {
    let h = (n - 1) as f64 * p;
    let lo = h.floor();
    (lo as u64, h - lo)
}

/// Interpolates between two order statistics; a censored (NaN) one that
/// carries weight makes the percentile empty (NaN).
#[inline]
pub fn interpolate(lo: f64, hi: f64, weight: f64) -> f64 {
    if weight == 0.0 {
        lo
    } else {
        lo + weight * (hi - lo)
    }
}

/// Percentile `p` of values sorted ascending with NaNs (censored) last.
/// Empty (NaN) when it falls on a censored value.
pub fn percentile_sorted(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let (lo, w) = position(sorted.len() as u64, p);
    let lo = lo as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    interpolate(sorted[lo], sorted[hi], w)
}

/// Percentile `p` of values in any order (no NaN), equal to
/// [`percentile_sorted`] of them sorted, found by selection in linear time
/// instead of a sort; reorders `values`.
pub fn percentile_unsorted(values: &mut [f64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let (lo, w) = position(values.len() as u64, p);
    let (_, &mut low, above) = values.select_nth_unstable_by(lo as usize, f64::total_cmp);
    // The next order statistic is the smallest value above the selected one.
    let high = above.iter().copied().min_by(f64::total_cmp).unwrap_or(low);
    interpolate(low, high, w)
}

/// Mean and sample standard deviation of the non-NaN values (two passes for
/// accuracy, compensated sums); NaN where undefined. Sums are taken about
/// the first value, so equal values give exactly that value and sd 0.
pub fn mean_sd(values: &[f64]) -> (f64, f64) {
    let mut finite = values.iter().copied().filter(|x| !x.is_nan());
    let Some(first) = finite.next() else {
        return (f64::NAN, f64::NAN);
    };
    let mut shifted = Neumaier::default();
    let mut n = 1u64;
    for x in finite {
        shifted.add(x - first);
        n += 1;
    }
    let mean = first + shifted.total() / n as f64;
    if n < 2 {
        return (mean, f64::NAN);
    }
    let mut ss = Neumaier::default();
    for &x in values.iter().filter(|x| !x.is_nan()) {
        ss.add((x - mean) * (x - mean));
    }
    (mean, (ss.total() / (n - 1) as f64).sqrt())
}

/// Neumaier's compensated summation: the error does not grow with the
/// number of terms.
#[derive(Debug, Default, Clone, Copy)]
pub struct Neumaier {
    sum: f64,
    compensation: f64,
}

impl Neumaier {
    /// Adds a term.
    #[inline]
    pub fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.compensation += (self.sum - t) + x;
        } else {
            self.compensation += (x - t) + self.sum;
        }
        self.sum = t;
    }

    /// The sum.
    pub fn total(&self) -> f64 {
        self.sum + self.compensation
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_gives_the_sorted_percentiles() {
        let mut rng = crate::test_rng::XorShift(0x2545_f491_4f6c_dd1d);
        for n in [1usize, 2, 3, 10, 201, 1000] {
            let values: Vec<f64> = (0..n)
                .map(|_| {
                    let x = rng.next_u64();
                    // Ties, signed zeros and negatives.
                    [((x % 50) as f64 - 20.0) * 1e9, 0.0, -0.0][(x % 3) as usize]
                })
                .collect();
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            for p in [0.0, 0.005, 0.05, 0.25, 0.5, 0.9, 0.995, 1.0] {
                let mut scratch = values.clone();
                let got = percentile_unsorted(&mut scratch, p);
                let want = percentile_sorted(&sorted, p);
                assert_eq!(got.to_bits(), want.to_bits(), "n {n}, p {p}");
            }
        }
        assert!(percentile_unsorted(&mut [], 0.5).is_nan());
    }

    #[test]
    fn matches_numpy_linear_interpolation() {
        // numpy.percentile([1, 2, 3, 4], [5, 50, 95]) = [1.15, 2.5, 3.85]
        let xs = [1.0, 2.0, 3.0, 4.0];
        assert!((percentile_sorted(&xs, 0.05) - 1.15).abs() < 1e-15);
        assert_eq!(percentile_sorted(&xs, 0.5), 2.5);
        assert!((percentile_sorted(&xs, 0.95) - 3.85).abs() < 1e-15);
        assert_eq!(percentile_sorted(&[7.0], 0.9), 7.0);
        // 11 values: P10 is exactly the 2nd.
        let xs: Vec<f64> = (0..11).map(f64::from).collect();
        assert_eq!(percentile_sorted(&xs, 0.10), 1.0);
    }

    #[test]
    fn censored_values_rank_last_and_empty_the_percentiles_they_touch() {
        let xs = [1.0, 2.0, 3.0, f64::NAN, f64::NAN];
        assert_eq!(
            percentile_sorted(&xs, 0.5),
            3.0,
            "h = 2 exactly: the 3rd value"
        );
        assert!(
            percentile_sorted(&xs, 0.55).is_nan(),
            "interpolates into a censored value"
        );
        assert!(percentile_sorted(&xs, 0.95).is_nan());
        let (mean, sd) = mean_sd(&xs);
        assert_eq!(mean, 2.0);
        assert_eq!(sd, 1.0);
        assert!(mean_sd(&[f64::NAN]).0.is_nan());
        assert!(mean_sd(&[5.0]).1.is_nan());
    }

    #[test]
    fn compensated_sum_is_exact_on_hard_cases() {
        let mut s = Neumaier::default();
        for x in [1.0, 1e100, 1.0, -1e100] {
            s.add(x);
        }
        assert_eq!(s.total(), 2.0);
        let (mean, _) = mean_sd(&vec![0.1; 100_000]);
        assert_eq!(mean, 0.1);
    }

    #[test]
    fn equal_values_have_exactly_their_mean_and_no_spread() {
        // Summed plainly, ten copies of this capex total average to
        // 1919999999999.9995 (and sd 2.6e-4): every path of a fixed
        // scenario must report the path's own value and sd 0.
        for x in [1_919_999_999_999.999_8, 2.87e13 / 3.0, -0.1, 7.0] {
            let (mean, sd) = mean_sd(&[x; 10]);
            assert_eq!(mean, x);
            assert_eq!(sd, 0.0);
        }
    }
}
