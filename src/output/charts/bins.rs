//! Histogram bins for the charts: per-path values counted into bars of
//! equal width, as shares of all paths, with what falls outside counted
//! apart so a chart can say so.

use std::ops::Range;

use super::axes::{value_range, DateAxis};
use crate::stats::quantile::{percentile_sorted, percentile_unsorted};

/// Bars for money metrics.
pub const MONEY_BINS: usize = 60;
/// At most this many bars for month metrics (wider bins beyond).
pub const MAX_MONTH_BINS: usize = 120;

/// The bars of a histogram and what they leave out.
#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    /// (left edge, right edge, share of all paths), empty bins left out.
    pub bars: Vec<(f64, f64, f64)>,
    /// Share of all paths with a value outside the bars' range.
    pub outside: f64,
}

impl Bars {
    /// The tallest bar's share (0 if none).
    pub fn top(&self) -> f64 {
        self.bars.iter().map(|b| b.2).fold(0.0, f64::max)
    }
}

/// A metric's uncensored values: in any order, or ascending (kept by the
/// analysis, which sorted them anyway), when counting them into bins takes
/// two binary searches per bin instead of a pass over every path, and the
/// P0.5–P99.5 range no selection.
#[derive(Debug, Clone, Copy)]
pub enum Sample<'a> {
    /// In any order.
    Any(&'a [f64]),
    /// Ascending.
    Sorted(&'a [f64]),
}

impl Sample<'_> {
    fn values(&self) -> &[f64] {
        match self {
            Sample::Any(v) | Sample::Sorted(v) => v,
        }
    }

    /// Smallest and largest value (NaN when empty).
    fn extremes(&self) -> [f64; 2] {
        match self {
            Sample::Sorted(v) => [
                v.first().copied().unwrap_or(f64::NAN),
                v.last().copied().unwrap_or(f64::NAN),
            ],
            Sample::Any(v) => [
                v.iter().copied().min_by(f64::total_cmp).unwrap_or(f64::NAN),
                v.iter().copied().max_by(f64::total_cmp).unwrap_or(f64::NAN),
            ],
        }
    }

    /// Percentiles at the given levels.
    fn percentiles<const N: usize>(&self, levels: [f64; N]) -> [f64; N] {
        match self {
            Sample::Sorted(v) => levels.map(|p| percentile_sorted(v, p)),
            Sample::Any(v) => {
                let mut scratch = v.to_vec();
                levels.map(|p| percentile_unsorted(&mut scratch, p))
            }
        }
    }

    /// How many values are above `x`.
    pub fn count_above(&self, x: f64) -> usize {
        match self {
            Sample::Sorted(v) => v.len() - v.partition_point(|&y| y <= x),
            Sample::Any(v) => v.iter().filter(|&&y| y > x).count(),
        }
    }
}

/// Counts `values` into `n` equal bins over `range` (the last bin includes
/// its right edge), as shares of `total` paths; `x` maps a bin edge to the
/// axis.
pub fn count(
    values: Sample<'_>,
    range: Range<f64>,
    n: usize,
    total: u64,
    x: impl Fn(f64) -> f64,
) -> Bars {
    let n = n.max(1);
    let width = (range.end - range.start) / n as f64;
    let bin = |v: f64| ((v - range.start) / width).floor();
    let mut counts = vec![0u64; n];
    let mut outside = 0u64;
    match values {
        // The bin of a value never decreases with the value (a subtraction,
        // a division by a positive width and `floor` all keep the order),
        // so each bin is a run of the sorted values.
        Sample::Sorted(v) if width > 0.0 => {
            let below = |b: f64| v.partition_point(|&y| bin(y) < b);
            let mut start = below(0.0);
            outside += start as u64;
            for (k, slot) in counts.iter_mut().enumerate() {
                let end = below((k + 1) as f64);
                *slot = (end - start) as u64;
                start = end;
            }
            let at_end = v[start..].iter().take_while(|&&y| y == range.end).count();
            counts[n - 1] += at_end as u64;
            outside += (v.len() - start - at_end) as u64;
        }
        _ => {
            for &v in values.values() {
                let k = bin(v);
                if (0.0..n as f64).contains(&k) {
                    counts[k as usize] += 1;
                } else if v == range.end {
                    counts[n - 1] += 1;
                } else {
                    outside += 1;
                }
            }
        }
    }
    let share = |c: u64| c as f64 / total.max(1) as f64;
    let edge = |k: usize| x(range.start + k as f64 * width);
    Bars {
        bars: (0..n)
            .filter(|&k| counts[k] > 0)
            .map(|k| (edge(k), edge(k + 1), share(counts[k])))
            .collect(),
        outside: share(outside),
    }
}

/// Bars of a month metric (month indices): one per month, or per few
/// months on long horizons, each centred on its months.
pub fn month_bars(values: Sample<'_>, months: usize, total: u64, axis: &DateAxis) -> Bars {
    let step = [1usize, 2, 3, 6, 12, 24, 60]
        .into_iter()
        .find(|w| months / w <= MAX_MONTH_BINS)
        .unwrap_or(120);
    let n = months.div_ceil(step);
    count(values, 0.0..(n * step) as f64, n, total, |m| {
        axis.x(m - 0.5)
    })
}

/// Bars of a money metric (values in any order, no NaN) and the axis
/// range: the full range, or P0.5–P99.5 when the extremes lie more than
/// twice as far apart (a few extreme paths would squash the picture); one
/// bar centred on the value when every path has the same.
pub fn money_bars(values: Sample<'_>, total: u64) -> (Bars, Range<f64>) {
    let full = values.extremes();
    if full[0] == full[1] {
        let range = value_range(full, false, 1e9);
        let half = (range.end - range.start) / MONEY_BINS as f64 / 2.0;
        return (
            count(values, full[0] - half..full[0] + half, 1, total, |v| v),
            range,
        );
    }
    let core = values.percentiles([0.005, 0.995]);
    if full[1] - full[0] > 2.0 * (core[1] - core[0]) {
        let bars = count(values, core[0]..core[1], MONEY_BINS, total, |v| v);
        return (bars, value_range(core, false, 1e9));
    }
    let range = value_range(full, false, 1e9);
    (
        count(values, range.clone(), MONEY_BINS, total, |v| v),
        range,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::YearMonth;

    #[test]
    fn counts_shares_of_all_paths() {
        for values in [
            Sample::Any(&[9.0, 0.0, 0.5, 2.0, 1.0, 1.5]),
            Sample::Sorted(&[0.0, 0.5, 1.0, 1.5, 2.0, 9.0]),
        ] {
            let bars = count(values, 0.0..2.0, 2, 10, |v| v);
            assert_eq!(bars.bars, vec![(0.0, 1.0, 0.2), (1.0, 2.0, 0.3)]);
            assert!((bars.outside - 0.1).abs() < 1e-12);
            assert_eq!(bars.top(), 0.3);
        }
        assert!(count(Sample::Any(&[]), 0.0..1.0, 3, 0, |v| v)
            .bars
            .is_empty());
        assert!(count(Sample::Sorted(&[]), 0.0..1.0, 3, 0, |v| v)
            .bars
            .is_empty());
    }

    #[test]
    fn one_value_gets_one_centred_bar() {
        let (bars, range) = money_bars(Sample::Sorted(&[5e11; 4]), 4);
        assert_eq!(bars.bars.len(), 1);
        let (a, b, share) = bars.bars[0];
        assert!((a + b) / 2.0 - 5e11 < 1.0 && share == 1.0);
        assert!(range.start < a && b < range.end);
    }

    #[test]
    fn far_extremes_are_left_out_and_counted() {
        let mut values: Vec<f64> = (0..1000).map(f64::from).collect();
        values.push(1e9);
        let (bars, range) = money_bars(Sample::Any(&values), 1001);
        assert!(range.end < 2000.0, "{range:?}");
        assert!(bars.outside > 0.0 && bars.outside < 0.02);
    }

    #[test]
    fn months_are_binned_on_the_calendar() {
        let axis = DateAxis::new(
            YearMonth {
                year: 2025,
                month: 11,
            },
            120,
        );
        let bars = month_bars(Sample::Sorted(&[0.0, 0.0, 119.0]), 120, 4, &axis);
        assert_eq!(bars.bars.len(), 2);
        assert!((bars.bars[0].0 - axis.range.start).abs() < 1e-9);
        assert!((bars.bars[1].1 - axis.range.end).abs() < 1e-9);
        assert_eq!(bars.bars[0].2, 0.5);
        let long = month_bars(
            Sample::Any(&[0.0]),
            600,
            1,
            &DateAxis::new(
                YearMonth {
                    year: 2025,
                    month: 1,
                },
                600,
            ),
        );
        assert!(
            long.bars[0].1 - long.bars[0].0 > 0.4,
            "bins of several months"
        );
    }

    #[test]
    fn sorted_values_give_the_same_bars_and_range() {
        // Money-like values with a far tail, ties (on bin edges and at the
        // range's end), and month counts; each set counted in path order
        // and ascending.
        let mut rng = crate::test_rng::XorShift(17);
        let mut money: Vec<f64> = (0..20_000).map(|_| (rng.unit() - 0.3) * 4e11).collect();
        money.extend([9e13, -5e12, 0.0, 0.0, 1e11, 1e11]);
        let months: Vec<f64> = (0..5000).map(|_| (rng.unit() * 130.0).floor()).collect();
        let edges: Vec<f64> = (0..600).map(|i| f64::from(i % 7) * 0.25).collect();
        let axis = DateAxis::new(
            YearMonth {
                year: 2025,
                month: 11,
            },
            120,
        );
        for values in [&money, &months, &edges] {
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let (any, sorted) = (Sample::Any(values), Sample::Sorted(&sorted));
            assert_eq!(money_bars(any, 30_000), money_bars(sorted, 30_000));
            assert_eq!(
                month_bars(any, 120, 30_000, &axis),
                month_bars(sorted, 120, 30_000, &axis)
            );
            for range in [0.0..1.5, -1e11..1e11, 3.0..90.0] {
                assert_eq!(
                    count(any, range.clone(), 7, 30_000, |v| v),
                    count(sorted, range, 7, 30_000, |v| v)
                );
            }
            assert_eq!(any.count_above(0.0), sorted.count_above(0.0));
        }
    }
}
