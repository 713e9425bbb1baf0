//! The calendar scale of month metrics in the study charts: month indices
//! of scenarios that may start in different months placed on one calendar
//! axis, and a "never" row beyond the last date for values that are
//! censored (the event does not happen within the horizon).

use super::axes::{DateAxis, TickedCoord};
use crate::time::YearMonth;

/// Position of month `m` (counted from `start`) on a calendar axis, the
/// same as [`DateAxis::x`] of an axis starting at `start`; NaN stays NaN.
pub fn calendar(start: YearMonth, m: f64) -> f64 {
    start.as_year_fraction() + m / 12.0
}

/// The month holding calendar position `x`.
pub fn month_of(x: f64) -> YearMonth {
    let index = (x * 12.0).floor() as i64;
    YearMonth {
        year: index.div_euclid(12) as i32,
        month: index.rem_euclid(12) as u32 + 1,
    }
}

/// A calendar scale for month metrics, with a "never" row beyond the last
/// date when some values are censored.
#[derive(Debug, Clone)]
pub struct MonthScale {
    /// The dates.
    pub axis: DateAxis,
    /// Where "never" is drawn, when it is needed.
    pub never: Option<f64>,
}

impl MonthScale {
    /// A scale over the calendar positions `values` (NaN = never), or over
    /// `fallback` months from its start when none is finite.
    pub fn new(values: &[f64], fallback: (YearMonth, usize)) -> Self {
        let finite = values.iter().copied().filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        let axis = if lo <= hi {
            // A little room beyond the first and last values.
            let pad = ((hi - lo) * 0.04).max(1.0 / 12.0);
            let (first, last) = (month_of(lo - pad), month_of(hi + pad));
            let months = (last.year - first.year) * 12 + last.month as i32 - first.month as i32;
            DateAxis::new(first, months.max(0) as usize + 1)
        } else {
            DateAxis::new(fallback.0, fallback.1)
        };
        let span = axis.range.end - axis.range.start;
        let never = values
            .iter()
            .any(|v| v.is_nan())
            .then(|| axis.range.end + (span * 0.12).max(1.0 / 12.0));
        MonthScale { axis, never }
    }

    /// `v`, or the "never" row for NaN.
    pub fn place(&self, v: f64) -> f64 {
        match self.never {
            Some(never) if v.is_nan() => never,
            _ => v,
        }
    }

    /// The coordinate, with a tick at "never".
    pub fn coord(&self) -> TickedCoord {
        let mut ticks = self.axis.ticks.clone();
        let mut end = self.axis.range.end;
        if let Some(never) = self.never {
            ticks.push(never);
            end = never + (never - self.axis.range.end) * 0.6;
        }
        TickedCoord::new(self.axis.range.start..end, ticks)
    }

    /// A tick label: a date or "never".
    pub fn label(&self, x: &f64) -> String {
        match self.never {
            Some(never) if (x - never).abs() < 1e-9 => "never".into(),
            _ => self.axis.label(x),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::coord::ranged1d::Ranged;

    #[test]
    fn month_scale_adds_never_only_when_needed() {
        let start = YearMonth {
            year: 2026,
            month: 3,
        };
        let xs = [calendar(start, 0.0), calendar(start, 40.0)];
        let plain = MonthScale::new(&xs, (start, 12));
        assert!(plain.never.is_none());
        assert!(plain.axis.range.start < xs[0] && xs[1] < plain.axis.range.end);
        let with = MonthScale::new(&[xs[0], f64::NAN], (start, 12));
        let never = with.never.unwrap();
        assert!(never > with.axis.range.end);
        assert_eq!(with.label(&never), "never");
        assert_eq!(with.place(f64::NAN), never);
        assert!(with.coord().range().end > never);
        let none = MonthScale::new(&[f64::NAN], (start, 24));
        assert!(none.never.is_some() && none.axis.range.end > none.axis.range.start);
    }
}
