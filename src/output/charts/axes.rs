//! Axes in the charts' style: a calendar x axis whose ticks fall on whole
//! years (or months for short horizons), value ranges that stay sensible
//! when every path is the same, and tick labels in people's units
//! (`$400B`, `$1.2T`, `30 GW`).

use std::ops::Range;

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;

use crate::output::format::{money, significant};
use crate::time::YearMonth;

/// Tick spacings tried, in months.
const STEPS_MONTHS: [usize; 11] = [1, 2, 3, 6, 12, 24, 36, 60, 120, 240, 600];
/// At most this many date ticks.
const MAX_DATE_TICKS: usize = 11;

/// A linear f64 coordinate that ticks exactly at the positions given (the
/// charts always pass their own tick label formatter).
#[derive(Clone)]
pub struct TickedCoord {
    inner: RangedCoordf64,
    ticks: Vec<f64>,
}

impl TickedCoord {
    /// A coordinate over `range` with ticks at `ticks`.
    pub fn new(range: Range<f64>, ticks: Vec<f64>) -> Self {
        TickedCoord {
            inner: range.into(),
            ticks,
        }
    }
}

impl TickedCoord {
    /// The tick positions.
    pub fn ticks(&self) -> &[f64] {
        &self.ticks
    }
}

impl Ranged for TickedCoord {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.inner.range()
    }
}

impl ValueFormatter<f64> for TickedCoord {
    fn format(value: &f64) -> String {
        crate::output::format::significant(*value, 3)
    }
}

/// A calendar x axis measured in years: month `m` of the horizon sits at
/// `start.plus(m).as_year_fraction()` (mid-month); ticks sit at the start
/// of a calendar month, every year (or every few months or years).
#[derive(Debug, Clone)]
pub struct DateAxis {
    start: YearMonth,
    /// Visible range, from the start of the first month to the end of the
    /// last.
    pub range: Range<f64>,
    /// Tick positions.
    pub ticks: Vec<f64>,
    step_months: usize,
}

fn month_index(ym: YearMonth) -> i64 {
    i64::from(ym.year) * 12 + i64::from(ym.month) - 1
}

impl DateAxis {
    /// The axis of a horizon of `months` months from `start`.
    pub fn new(start: YearMonth, months: usize) -> Self {
        let months = months.max(1);
        let first = month_index(start);
        let last = first + months as i64;
        let step = STEPS_MONTHS
            .iter()
            .copied()
            .find(|&s| months / s < MAX_DATE_TICKS)
            .unwrap_or(600);
        let step_i = step as i64;
        let mut tick = first + (step_i - first.rem_euclid(step_i)) % step_i;
        let mut ticks = Vec::new();
        while tick <= last {
            ticks.push(tick as f64 / 12.0);
            tick += step_i;
        }
        DateAxis {
            start,
            range: first as f64 / 12.0..last as f64 / 12.0,
            ticks,
            step_months: step,
        }
    }

    /// Position of (the middle of) month `m` of the horizon.
    pub fn x(&self, m: f64) -> f64 {
        (month_index(self.start) as f64 + m + 0.5) / 12.0
    }

    /// The coordinate for `build_cartesian_2d`, ticking at [`Self::ticks`].
    pub fn coord(&self) -> TickedCoord {
        TickedCoord::new(self.range.clone(), self.ticks.clone())
    }

    /// The axis description.
    pub fn desc(&self) -> &'static str {
        if self.step_months >= 12 {
            "Year (ticks at January)"
        } else {
            "Month (YYYY-MM)"
        }
    }

    /// Tick label: `2027` when ticks are whole years, else `2027-03`.
    pub fn label(&self, x: &f64) -> String {
        let index = (x * 12.0).round() as i64;
        let year = index.div_euclid(12);
        if self.step_months >= 12 {
            year.to_string()
        } else {
            format!("{year:04}-{:02}", index.rem_euclid(12) + 1)
        }
    }
}

/// A value range covering `values` (non-finite ones ignored), optionally
/// including zero, with 5% headroom. When every value is the same, the
/// range is widened by 10% of the value or by `unit`, whichever is larger,
/// so zero-width bands and single-valued histograms still draw.
pub fn value_range(
    values: impl IntoIterator<Item = f64>,
    include_zero: bool,
    unit: f64,
) -> Range<f64> {
    let (mut lo, mut hi) = values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo > hi {
        (lo, hi) = (0.0, unit);
    }
    if include_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if hi - lo <= 0.0 {
        let half = (lo.abs() * 0.1).max(unit);
        (lo, hi) = if include_zero && lo == 0.0 {
            (0.0, 2.0 * half)
        } else {
            (lo - half, hi + half)
        };
    }
    let pad = (hi - lo) * 0.05;
    let lo = if include_zero && lo == 0.0 {
        0.0
    } else {
        lo - pad
    };
    lo..hi + pad
}

/// Round tick positions (1, 2 or 5 × 10^k apart) inside `range`, at most
/// `max` of them, for value axes whose ticks must be known in advance.
pub fn nice_ticks(range: &Range<f64>, max: usize) -> Vec<f64> {
    let span = range.end - range.start;
    if !span.is_finite() || span <= 0.0 || max == 0 {
        return Vec::new();
    }
    let raw = span / max as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|f| f * magnitude)
        .find(|&step| span / step <= max as f64)
        .unwrap_or(10.0 * magnitude);
    let first = (range.start / step).ceil() as i64;
    let last = (range.end / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// A plain coordinate over `range` ticking at [`nice_ticks`].
pub fn value_coord(range: Range<f64>, max_ticks: usize) -> TickedCoord {
    let ticks = nice_ticks(&range, max_ticks);
    TickedCoord::new(range, ticks)
}

/// A money tick label: `$400B`, `$1.2T`, `-$50B`, `$0`.
pub fn money_label(x: &f64) -> String {
    if x.abs() < 1e-6 {
        return "$0".into();
    }
    money(*x)
}

/// A capacity tick label: `30 GW`.
pub fn gw_label(x: &f64) -> String {
    if x.abs() < 1e-9 {
        return "0 GW".into();
    }
    format!("{} GW", significant(*x, 3))
}

/// A share tick label: `12%`.
pub fn share_label(x: &f64) -> String {
    if x.abs() < 1e-9 {
        return "0%".into();
    }
    format!("{}%", significant(x * 100.0, 3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_ticks_fall_on_years_or_months() {
        let start = YearMonth {
            year: 2025,
            month: 11,
        };
        let ten = DateAxis::new(start, 120);
        assert_eq!(ten.ticks.first().map(|x| ten.label(x)), Some("2026".into()));
        assert_eq!(ten.ticks.len(), 10);
        assert!(ten.range.start < ten.x(0.0) && ten.x(119.0) < ten.range.end);
        let one = DateAxis::new(start, 12);
        let labels: Vec<String> = one.ticks.iter().map(|x| one.label(x)).collect();
        assert_eq!(labels.first().map(String::as_str), Some("2025-11"));
        assert!(labels.len() <= MAX_DATE_TICKS, "{labels:?}");
        let long = DateAxis::new(start, 600);
        assert!(long.ticks.len() <= MAX_DATE_TICKS && long.ticks.len() >= 4);
        assert_eq!(DateAxis::new(start, 1).ticks.len(), 2);
    }

    #[test]
    fn ranges_stay_open_when_values_are_equal() {
        let r = value_range([5e11, 5e11], false, 1e9);
        assert!(r.start < 5e11 && r.end > 5e11);
        let r = value_range([0.0, 0.0], true, 1e9);
        assert!(r.start == 0.0 && r.end > 0.0);
        let r = value_range([f64::NAN], true, 1.0);
        assert!(r.end > r.start);
        let r = value_range([-2.0, 3.0], true, 1.0);
        assert!(r.start < -2.0 && r.end > 3.0);
    }

    #[test]
    fn nice_ticks_are_round() {
        assert_eq!(
            nice_ticks(&(0.0..10.0), 5),
            vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
        );
        assert_eq!(nice_ticks(&(-3e11..1.4e12), 10).first(), Some(&-2e11));
        assert!(nice_ticks(&(1.0..1.0), 5).is_empty());
        let t = nice_ticks(&(0.0..0.37), 8);
        assert!(t.len() <= 9 && t.len() >= 4, "{t:?}");
    }

    #[test]
    fn labels_in_units() {
        assert_eq!(money_label(&4e11), "$400B");
        assert_eq!(money_label(&1.2e12), "$1.2T");
        assert_eq!(money_label(&-5e10), "-$50B");
        assert_eq!(money_label(&1e-9), "$0");
        assert_eq!(gw_label(&30.0), "30 GW");
        assert_eq!(share_label(&0.125), "12.5%");
    }
}
