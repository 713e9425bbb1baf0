//! Conditions on a metric's distribution, for `capsim solve`:
//!
//! ```text
//! P50 breakeven_month <= 60          a percentile (P0.5 … P99.5) against a value
//! mean npv_usd >= 0                  the mean over all paths
//! P(breakeven_month <= 60) >= 0.5    a probability against a share
//! ```
//!
//! Operators are `<`, `<=`, `>`, `>=`; values use the file's number syntax
//! (`1.2T`, `50%`), and month metrics also take a date (`2030-01`).
//! Censored values (never within the horizon) count as +∞: a percentile
//! that falls on them is "never", a mean over paths some of which are
//! censored is "never", and they never satisfy `<`/`<=`.
//!
//! Each evaluation also gives a 95% Monte Carlo interval for the statistic
//! (order-statistic bounds for a percentile, normal approximations for a
//! mean or a probability); `solve` uses it to say how precisely the answer
//! is known.

use std::fmt;

use crate::model::Metric;
use crate::scenario::value::parse_number;
use crate::time::YearMonth;

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `<`
    Less,
    /// `<=`
    LessEq,
    /// `>`
    Greater,
    /// `>=`
    GreaterEq,
}

impl Op {
    fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "<" => Op::Less,
            "<=" => Op::LessEq,
            ">" => Op::Greater,
            ">=" => Op::GreaterEq,
            _ => return None,
        })
    }

    /// Whether `a op b` (NaN, i.e. censored, counts as +∞).
    pub fn holds(self, a: f64, b: f64) -> bool {
        let a = if a.is_nan() { f64::INFINITY } else { a };
        match self {
            Op::Less => a < b,
            Op::LessEq => a <= b,
            Op::Greater => a > b,
            Op::GreaterEq => a >= b,
        }
    }

    /// Whether larger statistics satisfy it.
    fn wants_large(self) -> bool {
        matches!(self, Op::Greater | Op::GreaterEq)
    }

    fn symbol(self) -> &'static str {
        match self {
            Op::Less => "<",
            Op::LessEq => "<=",
            Op::Greater => ">",
            Op::GreaterEq => ">=",
        }
    }
}

/// What is measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Statistic {
    /// A percentile, as a share (0.5 for P50).
    Percentile(f64),
    /// The mean over all paths; "never" (+∞) when any path is censored.
    Mean,
    /// The share of paths with `metric op value`.
    Probability(Op, f64),
}

/// A parsed condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The metric.
    pub metric: Metric,
    /// The statistic of it.
    pub statistic: Statistic,
    /// The comparison with the threshold.
    pub op: Op,
    /// The threshold.
    pub threshold: f64,
    /// The text as given.
    pub text: String,
}

/// A statistic with its 95% Monte Carlo interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    /// The estimate (NaN = never).
    pub value: f64,
    /// Lower end of the interval.
    pub lower: f64,
    /// Upper end of the interval.
    pub upper: f64,
    /// Share of paths whose value is censored (never within the horizon).
    pub censored: f64,
}

/// Which estimate to judge a condition by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judge {
    /// The estimate itself.
    Central,
    /// The end of the interval most favourable to the condition.
    Optimistic,
    /// The end least favourable.
    Pessimistic,
}

/// Φ⁻¹(0.975): the z-score of a 95% central interval's upper end (the
/// docs' ± 1.96).
const Z_95_CENTRAL: f64 = 1.959963984540054;

const GRAMMAR: &str = "write e.g. \"P50 breakeven_month <= 60\", \"mean npv_usd >= 0\" or \"P(breakeven_month <= 60) >= 0.5\"";

fn metric(name: &str) -> Result<Metric, String> {
    Metric::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = crate::model::METRICS.iter().map(|m| m.name()).collect();
        format!(
            "unknown metric \"{name}\"; metrics are {}",
            names.join(", ")
        )
    })
}

/// The year and month of text written like a date (`2030-01`, `2029-4`,
/// `2028-13`), valid or not.
fn date_like(text: &str) -> Option<(&str, &str)> {
    let (y, m) = text.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (y.len() == 4 && digits(y) && digits(m)).then_some((y, m))
}

fn value(text: &str, metric: Metric, start: YearMonth) -> Result<f64, String> {
    let Some((y, m)) = date_like(text) else {
        return parse_number(text);
    };
    if !metric.is_month() {
        return Err(format!(
            "\"{text}\" is a date, but {} is not counted in months; dates work only with target_month and breakeven_month",
            metric.name()
        ));
    }
    if m.len() == 1 {
        return Err(format!(
            "\"{text}\": write the month with two digits, {y}-0{m}"
        ));
    }
    let month = YearMonth::parse(text)?;
    let index = (i64::from(month.year) * 12 + i64::from(month.month))
        - (i64::from(start.year) * 12 + i64::from(start.month));
    Ok(index as f64)
}

/// Splits `a OP b` at its operator.
fn split_comparison(text: &str) -> Option<(&str, Op, &str)> {
    for sym in ["<=", ">=", "<", ">"] {
        if let Some(at) = text.find(sym) {
            return Some((
                text[..at].trim(),
                Op::parse(sym)?,
                text[at + sym.len()..].trim(),
            ));
        }
    }
    None
}

impl Condition {
    /// Parses a condition; `start` turns dates into month indices.
    ///
    /// # Errors
    /// A message saying what was expected.
    pub fn parse(text: &str, start: YearMonth) -> Result<Condition, String> {
        let t = text.trim();
        if let Some(rest) = t.strip_prefix("P(").or_else(|| t.strip_prefix("p(")) {
            let close = rest
                .find(')')
                .ok_or_else(|| format!("missing ')' in \"{t}\"; {GRAMMAR}"))?;
            let (inner, outer) = (&rest[..close], &rest[close + 1..]);
            let (m, inner_op, v) = split_comparison(inner)
                .ok_or_else(|| format!("no comparison inside P(...) in \"{t}\"; {GRAMMAR}"))?;
            let metric = metric(m)?;
            let inner_value = value(v, metric, start)?;
            let outer = format!("x {}", outer.trim());
            let (_, op, share) = split_comparison(&outer).ok_or_else(|| {
                format!("P(...) must be compared with a share in \"{t}\"; {GRAMMAR}")
            })?;
            let threshold = parse_number(share)?;
            if !(0.0..=1.0).contains(&threshold) {
                return Err(format!(
                    "a probability threshold must lie in [0, 1] (or 0% to 100%), got {share}"
                ));
            }
            return Ok(Condition {
                metric,
                statistic: Statistic::Probability(inner_op, inner_value),
                op,
                threshold,
                text: t.to_string(),
            });
        }
        let (left, op, right) = split_comparison(t)
            .ok_or_else(|| format!("no comparison (<, <=, >, >=) in \"{t}\"; {GRAMMAR}"))?;
        let mut words = left.split_whitespace();
        let (stat, name) = (
            words.next().unwrap_or_default(),
            words.next().unwrap_or_default(),
        );
        if words.next().is_some() || name.is_empty() {
            return Err(format!(
                "expected a statistic and a metric before the comparison in \"{t}\"; {GRAMMAR}"
            ));
        }
        let statistic = if stat.eq_ignore_ascii_case("mean") {
            Statistic::Mean
        } else {
            let q: f64 = stat
                .strip_prefix(['P', 'p'])
                .and_then(|q| q.parse().ok())
                .ok_or_else(|| {
                    format!("\"{stat}\" is not a statistic; use a percentile (P5, P50, P99.5: any number between 0 and 100 after the P) or mean; {GRAMMAR}")
                })?;
            if !(q > 0.0 && q < 100.0) {
                return Err(format!(
                    "percentile P{q} must lie strictly between P0 and P100, e.g. P0.5, P50 or P99.5"
                ));
            }
            Statistic::Percentile(q / 100.0)
        };
        let metric = metric(name)?;
        let threshold = value(right, metric, start)?;
        Ok(Condition {
            metric,
            statistic,
            op,
            threshold,
            text: t.to_string(),
        })
    }

    /// Evaluates the statistic on a metric's values sorted ascending with
    /// censored (NaN) values last.
    pub fn evaluate(&self, sorted: &[f64]) -> Evaluation {
        let n = sorted.len() as f64;
        let censored = sorted.iter().filter(|x| x.is_nan()).count() as f64 / n;
        match self.statistic {
            Statistic::Percentile(p) => {
                let value = crate::stats::quantile::percentile_sorted(sorted, p);
                let half = Z_95_CENTRAL * (n * p * (1.0 - p)).sqrt();
                let at = |rank: f64| sorted[(rank.max(0.0) as usize).min(sorted.len() - 1)];
                Evaluation {
                    value,
                    lower: at((n * p - half).floor()),
                    upper: at((n * p + half).ceil()),
                    censored,
                }
            }
            // Censored paths count as +∞, and so does a mean over them.
            Statistic::Mean if censored > 0.0 => Evaluation {
                value: f64::NAN,
                lower: f64::NAN,
                upper: f64::NAN,
                censored,
            },
            Statistic::Mean => {
                let (mean, sd) = crate::stats::quantile::mean_sd(sorted);
                let half = if n > 1.0 {
                    Z_95_CENTRAL * sd / n.sqrt()
                } else {
                    0.0
                };
                Evaluation {
                    value: mean,
                    lower: mean - half,
                    upper: mean + half,
                    censored,
                }
            }
            Statistic::Probability(op, v) => {
                let share = sorted.iter().filter(|&&x| op.holds(x, v)).count() as f64 / n;
                let half = Z_95_CENTRAL * (share * (1.0 - share) / n).sqrt();
                Evaluation {
                    value: share,
                    lower: (share - half).max(0.0),
                    upper: (share + half).min(1.0),
                    censored,
                }
            }
        }
    }

    /// Whether the condition holds, judged by the estimate or an end of
    /// its interval.
    pub fn holds(&self, e: &Evaluation, judge: Judge) -> bool {
        let (favourable, unfavourable) = if self.op.wants_large() {
            (e.upper, e.lower)
        } else {
            (e.lower, e.upper)
        };
        let x = match judge {
            Judge::Central => e.value,
            Judge::Optimistic => favourable,
            Judge::Pessimistic => unfavourable,
        };
        self.op.holds(x, self.threshold)
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = crate::output::format::plain_number(self.threshold);
        match self.statistic {
            Statistic::Percentile(p) => write!(
                f,
                "P{} {} {} {v}",
                crate::output::format::plain_number(p * 100.0),
                self.metric.name(),
                self.op.symbol()
            ),
            Statistic::Mean => write!(f, "mean {} {} {v}", self.metric.name(), self.op.symbol()),
            Statistic::Probability(op, x) => write!(
                f,
                "P({} {} {}) {} {v}",
                self.metric.name(),
                op.symbol(),
                crate::output::format::plain_number(x),
                self.op.symbol()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start() -> YearMonth {
        YearMonth::parse("2025-11").unwrap()
    }

    #[test]
    fn grammar() {
        let c = Condition::parse("P50 breakeven_month <= 60", start()).unwrap();
        assert_eq!(
            (c.metric, c.statistic, c.op, c.threshold),
            (
                Metric::BreakevenMonth,
                Statistic::Percentile(0.5),
                Op::LessEq,
                60.0
            )
        );
        let c = Condition::parse("P(breakeven_month <= 2030-11) >= 50%", start()).unwrap();
        assert_eq!(c.statistic, Statistic::Probability(Op::LessEq, 60.0));
        assert_eq!((c.op, c.threshold), (Op::GreaterEq, 0.5));
        let c = Condition::parse("mean npv_usd > -1.2T", start()).unwrap();
        assert_eq!((c.statistic, c.threshold), (Statistic::Mean, -1.2e12));
        assert_eq!(c.to_string(), "mean npv_usd > -1200000000000");
        let c = Condition::parse("P0.5 npv_usd > 0", start()).unwrap();
        assert_eq!(c.statistic, Statistic::Percentile(0.005));
        let c = Condition::parse("P99.5 target_month <= 2027-01", start()).unwrap();
        assert_eq!(
            (c.statistic, c.threshold),
            (Statistic::Percentile(0.995), 14.0)
        );
        for (bad, says) in [
            ("P0 npv_usd > 0", "strictly between P0 and P100"),
            ("P100 npv_usd > 0", "strictly between P0 and P100"),
            ("P50 target_month <= 2028-13", "month 13 does not exist"),
            ("P50 target_month <= 2029-4", "2029-04"),
            ("P(breakeven_month <= 2029-4) >= 0.5", "2029-04"),
            ("P50 npv_usd >= 2030-01", "not counted in months"),
        ] {
            let e = Condition::parse(bad, start()).unwrap_err();
            assert!(e.contains(says) && !e.contains("range"), "{bad}: {e}");
        }
        for bad in [
            "P50 breakeven <= 60",
            "P50 breakeven_month 60",
            "P101 npv_usd > 0",
            "P(npv_usd > 0) >= 2",
            "Q5 npv_usd > 0",
            "P(npv_usd > 0 >= 0.5",
        ] {
            assert!(Condition::parse(bad, start()).is_err(), "{bad}");
        }
    }

    #[test]
    fn intervals_are_95_percent() {
        assert!((crate::dist::special::norm_ppf(0.975) - Z_95_CENTRAL).abs() < 1e-12);
        // n = 500, P50: ranks 250 ± 1.96·√125 = 228.1 … 271.9, so the
        // 229th and 273rd values (0-based 228 and 272).
        let sorted: Vec<f64> = (0..500).map(f64::from).collect();
        let c = Condition::parse("P50 npv_usd >= 0", start()).unwrap();
        let e = c.evaluate(&sorted);
        assert_eq!((e.lower, e.upper), (228.0, 272.0));
        let mean = Condition::parse("mean npv_usd >= 0", start()).unwrap();
        let e = mean.evaluate(&sorted);
        let sd = (500.0 * 501.0 / 12.0_f64).sqrt();
        assert!((e.upper - e.value - 1.959963984540054 * sd / 500f64.sqrt()).abs() < 1e-9);
        let prob = Condition::parse("P(npv_usd < 100) >= 0.5", start()).unwrap();
        let e = prob.evaluate(&sorted);
        assert!((e.upper - 0.2 - 1.959963984540054 * (0.2f64 * 0.8 / 500.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn evaluation_and_censoring() {
        let mut sorted: Vec<f64> = (0..100).map(f64::from).collect();
        sorted.extend([f64::NAN; 100]);
        let p25 = Condition::parse("P25 target_month <= 60", start()).unwrap();
        let e = p25.evaluate(&sorted);
        assert_eq!(e.value, 49.75);
        assert!(e.lower < e.value && e.upper > e.value);
        assert!(p25.holds(&e, Judge::Central));
        let p75 = Condition::parse("P75 target_month <= 60", start()).unwrap();
        assert!(
            !p75.holds(&p75.evaluate(&sorted), Judge::Central),
            "P75 is never: censored"
        );
        let mean = Condition::parse("mean target_month <= 1000", start()).unwrap();
        let e = mean.evaluate(&sorted);
        assert!(e.value.is_nan() && e.censored == 0.5, "{e:?}");
        assert!(
            !mean.holds(&e, Judge::Central) && !mean.holds(&e, Judge::Optimistic),
            "half the paths never reach the target: the mean is never"
        );
        let late = Condition::parse("mean target_month > 1000", start()).unwrap();
        assert!(late.holds(&late.evaluate(&sorted), Judge::Pessimistic));
        let uncensored = mean.evaluate(&sorted[..100]);
        assert_eq!((uncensored.value, uncensored.censored), (49.5, 0.0));
        let prob = Condition::parse("P(target_month <= 49) >= 0.25", start()).unwrap();
        let e = prob.evaluate(&sorted);
        assert_eq!(e.value, 0.25);
        assert!(
            prob.holds(&e, Judge::Central)
                && prob.holds(&e, Judge::Optimistic)
                && !prob.holds(&e, Judge::Pessimistic)
        );
    }
}
