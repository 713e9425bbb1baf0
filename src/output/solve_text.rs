//! Text of `capsim solve` for the terminal: the answer with its Monte
//! Carlo uncertainty, or why there is none. Values of the varied input
//! read in its unit and the statistic as its metric reads (`$41.08B`,
//! `2029-04`, `38%`), with enough significant digits that different values
//! never read the same (`$1.003T`, not `$1T`, beside a `<= 1T` condition).
//! Ranges are written as `--range` takes them (`20B..60B`). `solve.json`
//! holds the exact numbers.

use std::fmt::Write as _;

use super::format::{digits_to_tell_apart, money_digits, percent, percent_digits, significant};
use super::terminal::{metric_value, value_in_unit_digits};
use crate::model::Metric;
use crate::scenario::keys::{input_by_key, Unit};
use crate::scenario::Scenario;
use crate::study::condition::{Condition, Evaluation, Statistic};
use crate::study::solve::{Passes, Seek, Solution, TOLERANCE};

/// Fewest significant digits shown.
const MIN_DIGITS: usize = 3;
/// Most significant digits shown.
const MAX_DIGITS: usize = 10;

/// How one solve writes its input's values and its statistic.
pub struct SolveText<'a> {
    base: &'a Scenario,
    key: &'a str,
    unit: Option<Unit>,
    condition: &'a Condition,
}

impl<'a> SolveText<'a> {
    /// For solving `key` in `base` for `condition`.
    pub fn new(base: &'a Scenario, key: &'a str, condition: &'a Condition) -> Self {
        SolveText {
            base,
            key,
            unit: input_by_key(key).map(|d| d.unit),
            condition,
        }
    }

    fn input(&self, x: f64, sig: usize) -> String {
        match self.unit {
            Some(u) => value_in_unit_digits(u, x, sig),
            None => significant(x, sig),
        }
    }

    /// Values of the input shown together, with at least `min` digits and
    /// as many as tell them apart.
    fn inputs<const N: usize>(&self, xs: [f64; N], min: usize) -> [String; N] {
        let min = min.clamp(MIN_DIGITS, MAX_DIGITS);
        let sig = digits_to_tell_apart(&xs, min, MAX_DIGITS, |x, s| self.input(x, s));
        xs.map(|x| self.input(x, sig))
    }

    /// A range as `--range` takes it: `20B..60B`, `0.1..2`.
    fn range(&self, (lo, hi): (f64, f64)) -> String {
        let plain = |x: f64, sig: usize| match self.unit {
            Some(Unit::Usd) => money_digits(x, sig).replacen('$', "", 1),
            _ => significant(x, sig),
        };
        let sig = digits_to_tell_apart(&[lo, hi], MIN_DIGITS, MAX_DIGITS, plain);
        format!("{}..{}", plain(lo, sig), plain(hi, sig))
    }

    /// One value of the statistic.
    fn statistic(&self, x: f64, sig: usize) -> String {
        let metric = self.condition.metric;
        if x.is_nan() {
            return metric_value(self.base, metric, x);
        }
        match (self.condition.statistic, metric) {
            (Statistic::Probability(..), _) => percent_digits(x, sig),
            (_, Metric::TargetMonth | Metric::BreakevenMonth) => {
                let date = metric_value(self.base, metric, x);
                if x.fract() == 0.0 {
                    date
                } else {
                    format!("month {} ({date})", significant(x, sig))
                }
            }
            (_, Metric::CapacityEndGw) => format!("{} GW", significant(x, sig)),
            (_, Metric::CommitmentCoverage) => format!("{}x", significant(x, sig)),
            _ => money_digits(x, sig),
        }
    }

    /// Values of the statistic shown together, each with the digits that
    /// tell it apart from the others and from the condition's threshold:
    /// `10.001% (95% interval 9.82% to 10.2%)` beside `>= 10%`. (A value
    /// that reads differently from another at its own digits also does at
    /// the other's, so no two different values read the same.)
    fn statistics<const N: usize>(&self, xs: [f64; N]) -> [String; N] {
        let show = |x: f64, s: usize| self.statistic(x, s);
        let threshold = self.condition.threshold;
        xs.map(|x| {
            let sig = xs
                .iter()
                .chain([&threshold])
                .map(|&other| digits_to_tell_apart(&[x, other], MIN_DIGITS, MAX_DIGITS, show))
                .max()
                .unwrap_or(MIN_DIGITS);
            self.statistic(x, sig)
        })
    }

    /// Why the statistic is "never", when it is because of censored paths.
    fn never(&self, e: &Evaluation) -> String {
        if !e.value.is_nan() || e.censored == 0.0 {
            return String::new();
        }
        let why = match self.condition.statistic {
            Statistic::Mean => "they count as +∞, so the mean is +∞",
            _ => "they count as +∞",
        };
        format!(
            " ({} of paths have no {} within the horizon; {why})",
            percent(e.censored),
            self.condition.metric.name()
        )
    }

    /// The lines printed under `KEY = VALUE`.
    pub fn solution(&self, s: &Solution, paths: u64, seed: u64) -> String {
        // Digits down to the second of the uncertainty's width
        // ($41.41B for $41.08B to $41.74B), or to the first of the
        // bisection's precision when the uncertainty is narrower.
        let precision = TOLERANCE * (s.range.1 - s.range.0);
        let (width, extra) = if s.high - s.low > precision {
            (s.high - s.low, 2)
        } else {
            (precision, 1)
        };
        let digits =
            (s.value.abs().max(width).log10().floor() - width.log10().floor()) as usize + extra;
        let [value, low, high, lo, hi] =
            self.inputs([s.value, s.low, s.high, s.range.0, s.range.1], digits);
        let condition = &self.condition.text;
        let mut out = String::new();
        let _ = match (s.seek, s.passes) {
            (Seek::Smallest, _) | (Seek::Largest, _) => {
                let (which, end, edge) = if s.seek == Seek::Smallest {
                    ("smallest", "low", s.range.0)
                } else {
                    ("largest", "high", s.range.1)
                };
                let at_end = if s.value == edge {
                    format!(" (the {end} end of the range: widen --range to look further)")
                } else {
                    String::new()
                };
                writeln!(
                    out,
                    "  {value} is the {which} value from {lo} to {hi} meeting \"{condition}\"{at_end}"
                )
            }
            (Seek::Switch, passes) => {
                let side = if passes == Passes::Above {
                    "at and above"
                } else {
                    "at and below"
                };
                writeln!(
                    out,
                    "  \"{condition}\" is met {side} {value} (searched {lo} to {hi})"
                )
            }
        };
        let cut = (s.low == s.range.0 && s.value != s.range.0)
            || (s.high == s.range.1 && s.value != s.range.1);
        let cut = if cut {
            " (cut at the end of the range; widen --range to see further)"
        } else {
            ""
        };
        if s.low == s.high {
            let _ = writeln!(
                out,
                "  Monte Carlo uncertainty (95%): less than the search's precision"
            );
        } else {
            let _ = writeln!(out, "  Monte Carlo uncertainty (95%): {low} to {high}{cut}");
        }
        let a = &s.achieved;
        let [at, lower, upper] = self.statistics([a.value, a.lower, a.upper]);
        let _ = writeln!(
            out,
            "  at the value: {at}{} (95% interval {lower} to {upper})",
            self.never(a)
        );
        let _ = write!(
            out,
            "  {} runs of {} paths, seed {seed}",
            s.runs,
            super::format::thousands(paths)
        );
        out
    }

    /// The statistic at both ends of the range.
    fn at_ends(&self, range: (f64, f64), at_low: &Evaluation, at_high: &Evaluation) -> String {
        let [lo, hi] = self.inputs([range.0, range.1], MIN_DIGITS);
        let [a, b] = self.statistics([at_low.value, at_high.value]);
        format!(
            "the statistic is {a}{} at {lo} and {b}{} at {hi}",
            self.never(at_low),
            self.never(at_high)
        )
    }

    /// The error (message, help) when the condition fails at both ends.
    pub fn not_found(
        &self,
        range: (f64, f64),
        at_low: &Evaluation,
        at_high: &Evaluation,
    ) -> (String, String) {
        let message = format!(
            "no value of {} in {} meets \"{}\": {}",
            self.key,
            self.range(range),
            self.condition.text,
            self.at_ends(range, at_low, at_high)
        );
        let name = self.condition.metric.name();
        let help = if self.condition.statistic == Statistic::Mean
            && at_low.value.is_nan()
            && at_high.value.is_nan()
        {
            format!("a mean is never met while some paths have no {name} within the horizon; ask for a percentile or a probability instead, e.g. \"P50 {name} <= ...\" or \"P({name} <= ...) >= 0.5\"")
        } else {
            "widen the search with --range LOW..HIGH, or check the condition (see docs/sweeps.md)"
                .into()
        };
        (message, help)
    }

    /// The error (message, help) when the condition holds at both ends.
    pub fn everywhere(
        &self,
        range: (f64, f64),
        at_low: &Evaluation,
        at_high: &Evaluation,
    ) -> (String, String) {
        let message = format!(
            "\"{}\" is met everywhere in the searched range {} of {} ({}), so there is no value in it where the condition switches",
            self.condition.text,
            self.range(range),
            self.key,
            self.at_ends(range, at_low, at_high)
        );
        let help = "widen the search with --range LOW..HIGH to find where the condition stops being met, or use --smallest or --largest for the smallest or largest value in this range".into();
        (message, help)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::solve::Passes;

    fn scenario() -> Scenario {
        Scenario::builtin(&[]).unwrap()
    }

    fn evaluation(value: f64, lower: f64, upper: f64) -> Evaluation {
        Evaluation {
            value,
            lower,
            upper,
            censored: 0.0,
        }
    }

    #[test]
    fn money_reads_as_money_with_digits_that_tell_values_apart() {
        let base = scenario();
        let c = Condition::parse("P50 peak_funding_need_usd <= 1T", base.start).unwrap();
        let text = SolveText::new(&base, "cost.per_gw_usd", &c);
        let s = Solution {
            key: "cost.per_gw_usd".into(),
            value: 41_413_574_218.75,
            low: 41_079_101_562.5,
            high: 41_738_281_250.0,
            achieved: evaluation(0.99961e12, 0.997e12, 1.0033e12),
            passes: Passes::Below,
            seek: Seek::Switch,
            range: (20e9, 60e9),
            runs: 32,
        };
        let lines = text.solution(&s, 5000, 7);
        assert!(
            lines.contains("is met at and below $41.41B (searched $20B to $60B)"),
            "{lines}"
        );
        assert!(lines.contains("(95%): $41.08B to $41.74B\n"), "{lines}");
        assert!(
            lines.contains("at the value: $999.6B (95% interval $997B to $1.003T)"),
            "the upper end is not the threshold $1T: {lines}"
        );
        assert!(lines.contains("32 runs of 5,000 paths, seed 7"), "{lines}");
        let cut = Solution {
            high: 60e9,
            ..s.clone()
        };
        assert!(text
            .solution(&cut, 5000, 7)
            .contains("cut at the end of the range"));
        let (message, _) = text.not_found(
            (35_663_731_321.0, 67_295_257_986.0),
            &s.achieved,
            &s.achieved,
        );
        assert!(message.contains("in 35.7B..67.3B meets"), "{message}");
    }

    #[test]
    fn censored_statistics_say_why_they_are_never() {
        let base = scenario();
        let c = Condition::parse("mean breakeven_month <= 100", base.start).unwrap();
        let text = SolveText::new(&base, "revenue.growth", &c);
        let never = Evaluation {
            censored: 0.72,
            ..evaluation(f64::NAN, f64::NAN, f64::NAN)
        };
        let (message, help) = text.not_found((0.0, 5.0), &never, &never);
        assert!(message.contains("in 0..5 meets"), "{message}");
        assert!(
            message.contains("never (72% of paths have no breakeven_month within the horizon; they count as +∞, so the mean is +∞) at 0%"),
            "{message}"
        );
        assert!(help.contains("P50 breakeven_month"), "{help}");
    }
}
