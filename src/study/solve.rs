//! `capsim solve`: the smallest (or largest) value of one input that meets
//! a condition on a metric, by bisection on common random numbers.
//!
//! With the same seed and path streams at every trial value, the metric's
//! statistic is a deterministic function of the value, so bisection finds
//! where the condition switches, assuming it switches once in the range.
//! The Monte Carlo uncertainty comes from bisecting twice more, judging the
//! condition by each end of the statistic's 95% interval: `low` and `high`
//! bound the values that the simulation cannot tell apart from the answer.

use std::collections::HashMap;

use super::condition::{Condition, Evaluation, Judge};
use super::StudyError;
use crate::engine::{self, RunOptions};
use crate::output::format::plain_number;
use crate::scenario::keys::{input_by_key, Bound};
use crate::scenario::raw::Override;
use crate::scenario::Scenario;

/// Which value meeting the condition is wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seek {
    /// Where the condition switches (the default): the smallest passing
    /// value if larger values pass, the largest if smaller ones do.
    Switch,
    /// The smallest value meeting the condition.
    Smallest,
    /// The largest value meeting it.
    Largest,
}

/// What solve found.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// The input's dotted key.
    pub key: String,
    /// The value.
    pub value: f64,
    /// Lower end of its Monte Carlo uncertainty.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// The statistic at `value`.
    pub achieved: Evaluation,
    /// Whether values above `value` (true) or below it (false) meet the
    /// condition within the range.
    pub passes_above: bool,
    /// The searched range.
    pub range: (f64, f64),
    /// Runs made.
    pub runs: usize,
}

/// The outcome of a search.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A value meets the condition.
    Found(Solution),
    /// No value in the range does; the statistic at both ends says why.
    NotFound {
        /// The statistic at the low end.
        at_low: Evaluation,
        /// The statistic at the high end.
        at_high: Evaluation,
    },
}

/// Bisection stops when the bracket is this share of the range.
const TOLERANCE: f64 = 1e-4;

/// The default range: the input's distribution (its support, or P0.5–P99.5
/// when unbounded), else its domain when bounded on both sides.
///
/// # Errors
/// When the key is not an input, or no range can be inferred.
pub fn default_range(base: &Scenario, key: &str) -> Result<(f64, f64), StudyError> {
    let def = input_by_key(key).ok_or_else(|| StudyError::Usage {
        message: format!("`{key}` is not a model input"),
        help:
            "solve varies a model input such as build.rate_gw_per_week; `capsim check` lists them"
                .into(),
    })?;
    let input = base.input(def.id);
    if input.is_uncertain() {
        let s = input.dist.support();
        let lo = if s.lo.is_finite() {
            s.lo
        } else {
            input.dist.quantile(0.005)
        };
        let hi = if s.hi.is_finite() {
            s.hi
        } else {
            input.dist.quantile(0.995)
        };
        return Ok((lo, hi));
    }
    let inside = |b: Bound, towards: f64| match b {
        Bound::Inclusive(x) => Some(x),
        Bound::Exclusive(x) => Some(x + 1e-9 * (towards - x)),
        Bound::Unbounded => None,
    };
    match (def.domain.lower, def.domain.upper) {
        (Bound::Unbounded, _) | (_, Bound::Unbounded) => Err(StudyError::Usage {
            message: format!(
                "`{key}` is fixed and its domain ({}) has no upper and lower end to search between",
                def.domain.describe()
            ),
            help: "give the range to search, e.g. --range 0.1..2".into(),
        }),
        (lo, hi) => {
            let (a, b) = match (lo, hi) {
                (
                    Bound::Inclusive(a) | Bound::Exclusive(a),
                    Bound::Inclusive(b) | Bound::Exclusive(b),
                ) => (a, b),
                _ => (0.0, 1.0),
            };
            Ok((inside(lo, b).unwrap_or(a), inside(hi, a).unwrap_or(b)))
        }
    }
}

/// Evaluates the condition's statistic at trial values, remembering them.
struct Trials<'a> {
    base: &'a Scenario,
    key: &'a str,
    condition: &'a Condition,
    options: RunOptions<'a>,
    seen: HashMap<u64, Evaluation>,
}

impl Trials<'_> {
    fn at(&mut self, x: f64) -> Result<Evaluation, StudyError> {
        if let Some(e) = self.seen.get(&x.to_bits()) {
            return Ok(*e);
        }
        let set = Override::parse(&format!("{}={}", self.key, plain_number(x)))
            .map_err(crate::scenario::ScenarioError::from)?;
        let scenario = self.base.with_overrides(&[set])?;
        let results = engine::run(&scenario, &self.options)?;
        let sim = &results.simulation;
        let mut column: Vec<f64> = sim
            .rows
            .iter()
            .skip(sim.inputs.len() + self.condition.metric as usize)
            .step_by(sim.width())
            .copied()
            .collect();
        column.sort_by(f64::total_cmp);
        let e = self.condition.evaluate(&column);
        self.seen.insert(x.to_bits(), e);
        Ok(e)
    }

    fn holds(&mut self, x: f64, judge: Judge) -> Result<bool, StudyError> {
        let e = self.at(x)?;
        Ok(self.condition.holds(&e, judge))
    }

    /// The value meeting the condition that `seek` asks for, and whether
    /// values above it pass; `None` when no value in the range passes.
    fn bisect(
        &mut self,
        (lo, hi): (f64, f64),
        seek: Seek,
        judge: Judge,
    ) -> Result<Option<(f64, bool)>, StudyError> {
        let (at_lo, at_hi) = (self.holds(lo, judge)?, self.holds(hi, judge)?);
        match (at_lo, at_hi, seek) {
            (false, false, _) => return Ok(None),
            (true, true, Seek::Largest) => return Ok(Some((hi, false))),
            (true, true, _) => return Ok(Some((lo, true))),
            (true, false, Seek::Smallest) => return Ok(Some((lo, false))),
            (false, true, Seek::Largest) => return Ok(Some((hi, true))),
            _ => {}
        }
        // Exactly one end passes: find where the condition switches.
        let (mut pass, mut fail) = if at_hi { (hi, lo) } else { (lo, hi) };
        while (pass - fail).abs() > TOLERANCE * (hi - lo) {
            let mid = 0.5 * (pass + fail);
            if self.holds(mid, judge)? {
                pass = mid;
            } else {
                fail = mid;
            }
        }
        Ok(Some((pass, at_hi)))
    }
}

/// Solves for the value of `key` in `range` meeting `condition`.
///
/// # Errors
/// When a trial value is invalid or a run fails.
pub fn solve(
    base: &Scenario,
    key: &str,
    condition: &Condition,
    range: (f64, f64),
    seek: Seek,
    options: &RunOptions<'_>,
) -> Result<Outcome, StudyError> {
    if range.0.is_nan() || range.1.is_nan() || range.0 >= range.1 {
        return Err(StudyError::Usage {
            message: format!(
                "the range {}..{} is empty",
                plain_number(range.0),
                plain_number(range.1)
            ),
            help: "write --range LOW..HIGH with LOW < HIGH".into(),
        });
    }
    let options = RunOptions {
        metrics_only: true,
        ..*options
    };
    let mut trials = Trials {
        base,
        key,
        condition,
        options,
        seen: HashMap::new(),
    };
    let Some((value, passes_above)) = trials.bisect(range, seek, Judge::Central)? else {
        return Ok(Outcome::NotFound {
            at_low: trials.at(range.0)?,
            at_high: trials.at(range.1)?,
        });
    };
    // Judged by the interval's favourable end the answer can only move
    // towards the failing side, and by its unfavourable end towards the
    // passing side (or out of the range).
    let far_end = if passes_above { range.1 } else { range.0 };
    let optimistic = trials
        .bisect(range, seek, Judge::Optimistic)?
        .map_or(value, |(x, _)| x);
    let pessimistic = trials
        .bisect(range, seek, Judge::Pessimistic)?
        .map_or(far_end, |(x, _)| x);
    let achieved = trials.at(value)?;
    Ok(Outcome::Found(Solution {
        key: key.to_string(),
        value,
        low: optimistic.min(pessimistic).min(value),
        high: optimistic.max(pessimistic).max(value),
        achieved,
        passes_above,
        range,
        runs: trials.seen.len(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::WEEKS_PER_MONTH;

    fn deterministic() -> Scenario {
        Scenario::from_str("t.toml", Some("t"), "[scenario]\npaths = 50\n", &[]).unwrap()
    }

    fn solve_rate(condition: &str, range: (f64, f64)) -> Outcome {
        let s = deterministic();
        let c = Condition::parse(condition, s.start).unwrap();
        solve(
            &s,
            "build.rate_gw_per_week",
            &c,
            range,
            Seek::Switch,
            &RunOptions::default(),
        )
        .unwrap()
    }

    #[test]
    fn finds_the_build_rate_that_reaches_30_gw_in_13_months() {
        // Deterministic: 13 months at rate·W GW a month must reach 30 GW, so
        // the smallest rate is 30 / (13 W).
        let Outcome::Found(sol) = solve_rate("P50 target_month <= 12", (0.1, 2.0)) else {
            panic!("a rate in 0.1..2 reaches 30 GW by month 12")
        };
        let exact = 30.0 / (13.0 * WEEKS_PER_MONTH);
        assert!(sol.passes_above, "faster builds pass");
        assert!(
            sol.value >= exact && sol.value - exact <= TOLERANCE * 1.9 + 1e-12,
            "{} vs {exact}",
            sol.value
        );
        assert_eq!(sol.achieved.value, 12.0);
        assert!(sol.low <= sol.value && sol.high >= sol.value);
        // The same switch, approached from the other side.
        let Outcome::Found(late) = solve_rate("P50 target_month > 12", (0.1, 2.0)) else {
            panic!("the switch is in range")
        };
        assert!(!late.passes_above);
        assert!((late.value - exact).abs() <= TOLERANCE * 1.9 + 1e-12);
    }

    #[test]
    fn says_when_nothing_in_the_range_works() {
        let Outcome::NotFound { at_low, at_high } = solve_rate("P50 target_month <= 3", (0.1, 0.5))
        else {
            panic!("no rate up to 0.5 GW/week reaches 30 GW by month 3")
        };
        assert!(at_high.value < at_low.value && at_high.value > 3.0);
    }

    #[test]
    fn default_ranges() {
        let s = Scenario::builtin(&[]).unwrap();
        assert_eq!(
            default_range(&s, "build.rate_gw_per_week").unwrap(),
            (0.1, 1.0)
        );
        assert_eq!(default_range(&s, "cost.utilization").unwrap(), (0.0, 1.0));
        assert!(default_range(&s, "plan.target_gw").is_err());
        assert!(default_range(&s, "scenario.paths").is_err());
    }
}
