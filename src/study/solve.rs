//! `capsim solve`: the value of one input where a condition on a metric
//! switches between failing and passing (or the smallest or largest value
//! meeting it), by bisection on common random numbers.
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
use crate::dist::Dist;
use crate::engine::{self, RunOptions};
use crate::output::format::plain_number;
use crate::output::terminal::value_in_unit;
use crate::scenario::error::closest;
use crate::scenario::keys::{input_by_key, Bound, Domain, InputDef, INPUTS};
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

/// Where in the range the condition holds, judged by the two ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passes {
    /// At the high end, not at the low end: at and above the switch.
    Above,
    /// At the low end, not at the high end: at and below the switch.
    Below,
    /// At both ends (only reported for `--smallest` and `--largest`).
    Everywhere,
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
    /// Where the condition holds in the range.
    pub passes: Passes,
    /// Which value was asked for.
    pub seek: Seek,
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
    /// The condition holds at both ends, so (assuming one switch) it holds
    /// everywhere in the range and there is no switching value in it.
    /// Only for [`Seek::Switch`].
    Everywhere {
        /// The statistic at the low end.
        at_low: Evaluation,
        /// The statistic at the high end.
        at_high: Evaluation,
    },
}

/// Bisection stops when the bracket is this share of the range.
pub const TOLERANCE: f64 = 1e-4;

/// Share of the range by which an end on an open domain bound (`> 0`)
/// moves inside the domain.
const INSIDE: f64 = 1e-9;

/// The catalogue entry of the input `key`.
fn input_def(key: &str) -> Result<&'static InputDef, StudyError> {
    input_by_key(key).ok_or_else(|| {
        let close = closest(key, INPUTS.iter().map(|d| d.key))
            .or_else(|| INPUTS.iter().find(|d| d.name == key).map(|d| d.key));
        StudyError::Usage {
            message: format!("--vary {key}: `{key}` is not a model input"),
            help: match close {
                Some(k) => format!("did you mean `{k}`?"),
                None => "solve varies a model input such as build.rate_gw_per_week; \
                         `capsim check` lists them"
                    .into(),
            },
        }
    })
}

/// The support of a bounded distribution; `None` for one with a tail on
/// either side (normal and lognormal unless truncated on both sides; a
/// lognormal's 0 is the end of a tail, not a bound).
fn bounded_support(dist: &Dist) -> Option<(f64, f64)> {
    let bounded = match dist {
        Dist::Normal(d) => d.lo.is_finite() && d.hi.is_finite(),
        Dist::LogNormal(d) => d.lo > 0.0 && d.hi.is_finite(),
        _ => true,
    };
    let s = dist.support();
    bounded.then_some((s.lo, s.hi))
}

/// The range with its ends moved inside `domain`: onto a closed bound, or
/// just inside an open one.
fn inside_domain(domain: Domain, (lo, hi): (f64, f64)) -> (f64, f64) {
    let step = INSIDE * (hi - lo);
    let lo = match domain.lower {
        Bound::Unbounded => lo,
        Bound::Inclusive(a) => lo.max(a),
        Bound::Exclusive(a) if lo <= a => a + step,
        Bound::Exclusive(_) => lo,
    };
    let hi = match domain.upper {
        Bound::Unbounded => hi,
        Bound::Inclusive(b) => hi.min(b),
        Bound::Exclusive(b) if hi >= b => b - step,
        Bound::Exclusive(_) => hi,
    };
    (lo, hi)
}

/// The default range (docs/sweeps.md): a bounded distribution's support;
/// an unbounded one's P0.5–P99.5; a fixed input's domain when it is
/// bounded on both sides. The ends always lie inside the input's domain.
///
/// # Errors
/// When the key is not an input, or no range can be inferred.
pub fn default_range(base: &Scenario, key: &str) -> Result<(f64, f64), StudyError> {
    let def = input_def(key)?;
    let input = base.input(def.id);
    let range = if input.is_uncertain() {
        bounded_support(&input.dist)
            .unwrap_or_else(|| (input.dist.quantile(0.005), input.dist.quantile(0.995)))
    } else {
        let end = |b: Bound| match b {
            Bound::Inclusive(x) | Bound::Exclusive(x) => Some(x),
            Bound::Unbounded => None,
        };
        match (end(def.domain.lower), end(def.domain.upper)) {
            (Some(a), Some(b)) => (a, b),
            _ => {
                return Err(StudyError::Usage {
                    message: format!(
                        "`{key}` is fixed and its domain ({}) has no upper and lower end to search between",
                        def.domain.describe()
                    ),
                    help: "give the range to search, e.g. --range 0.1..2".into(),
                })
            }
        }
    };
    Ok(inside_domain(def.domain, range))
}

/// Checks that a range is not empty and lies inside the input's domain, so
/// that every trial value is a valid value of the input.
fn check_range(def: &InputDef, (lo, hi): (f64, f64)) -> Result<(), StudyError> {
    let show = |x: f64| value_in_unit(def.unit, x);
    if lo.is_nan() || hi.is_nan() || lo >= hi {
        return Err(StudyError::Usage {
            message: format!(
                "the range {}..{} is empty",
                plain_number(lo),
                plain_number(hi)
            ),
            help: "write --range LOW..HIGH with LOW < HIGH".into(),
        });
    }
    if let Some(x) = [lo, hi].into_iter().find(|&x| !def.domain.contains(x)) {
        return Err(StudyError::Usage {
            message: format!(
                "the range {}..{} reaches outside the values {} may take ({}): {} is not allowed",
                plain_number(lo),
                plain_number(hi),
                def.key,
                def.domain.describe(),
                show(x)
            ),
            help: format!(
                "give a --range inside {} {}, or leave --range out for the default",
                def.key,
                def.domain.describe()
            ),
        });
    }
    Ok(())
}

/// The base scenario with `key` fixed at `x`: one trial of the search.
///
/// # Errors
/// When `x` is not a valid value of `key`.
pub fn trial_scenario(base: &Scenario, key: &str, x: f64) -> Result<Scenario, StudyError> {
    let set = Override::parse(&format!("{key}={}", plain_number(x)))
        .map_err(crate::scenario::ScenarioError::from)?;
    Ok(base.with_overrides(&[set])?)
}

/// What the user should know about the trial scenarios, as `run` and
/// `sweep` say it: above all, that fixing the varied input drops its
/// correlations. The same at every value in the range.
///
/// # Errors
/// When `key` is not a model input or the range is empty or leaves the
/// input's domain.
pub fn warnings(base: &Scenario, key: &str, range: (f64, f64)) -> Result<Vec<String>, StudyError> {
    check_range(input_def(key)?, range)?;
    Ok(trial_scenario(base, key, 0.5 * (range.0 + range.1))?.warnings)
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
        let scenario = trial_scenario(self.base, self.key, x)?;
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

    /// Where the passing values begin (`lower`) or end, assuming the
    /// condition switches at most once in the range: the range's end on
    /// that side when it passes there, the switch found by bisection when
    /// only the other end passes, and `None` when neither end passes.
    fn edge(
        &mut self,
        (lo, hi): (f64, f64),
        lower: bool,
        judge: Judge,
    ) -> Result<Option<f64>, StudyError> {
        let (near, far) = if lower { (lo, hi) } else { (hi, lo) };
        if self.holds(near, judge)? {
            return Ok(Some(near));
        }
        if !self.holds(far, judge)? {
            return Ok(None);
        }
        let (mut pass, mut fail) = (far, near);
        while (pass - fail).abs() > TOLERANCE * (hi - lo) {
            let mid = 0.5 * (pass + fail);
            if self.holds(mid, judge)? {
                pass = mid;
            } else {
                fail = mid;
            }
        }
        Ok(Some(pass))
    }
}

/// Solves for the value of `key` in `range` meeting `condition`.
///
/// # Errors
/// When `key` is not a model input, the range is empty or leaves the
/// input's domain, or a run fails.
pub fn solve(
    base: &Scenario,
    key: &str,
    condition: &Condition,
    range: (f64, f64),
    seek: Seek,
    options: &RunOptions<'_>,
) -> Result<Outcome, StudyError> {
    check_range(input_def(key)?, range)?;
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
    let at_ends = (
        trials.holds(range.0, Judge::Central)?,
        trials.holds(range.1, Judge::Central)?,
    );
    let ends = |trials: &mut Trials| -> Result<(Evaluation, Evaluation), StudyError> {
        Ok((trials.at(range.0)?, trials.at(range.1)?))
    };
    let passes = match at_ends {
        (false, false) => {
            let (at_low, at_high) = ends(&mut trials)?;
            return Ok(Outcome::NotFound { at_low, at_high });
        }
        (true, true) if seek == Seek::Switch => {
            let (at_low, at_high) = ends(&mut trials)?;
            return Ok(Outcome::Everywhere { at_low, at_high });
        }
        (true, true) => Passes::Everywhere,
        (true, false) => Passes::Below,
        (false, true) => Passes::Above,
    };
    // The value is where the passing values begin (`lower`) or end.
    let lower = match seek {
        Seek::Smallest => true,
        Seek::Largest => false,
        Seek::Switch => passes == Passes::Above,
    };
    let Some(value) = trials.edge(range, lower, Judge::Central)? else {
        let (at_low, at_high) = ends(&mut trials)?;
        return Ok(Outcome::NotFound { at_low, at_high });
    };
    // Judged by the favourable end of the statistic's interval, more
    // values pass and the edge can only move outwards, onto the range's
    // end at most; judged by the unfavourable end, fewer pass and it moves
    // inwards, past the range's other end when none do.
    let optimistic = trials
        .edge(range, lower, Judge::Optimistic)?
        .unwrap_or(value);
    let far_end = if lower { range.1 } else { range.0 };
    let pessimistic = trials
        .edge(range, lower, Judge::Pessimistic)?
        .unwrap_or(far_end);
    let achieved = trials.at(value)?;
    Ok(Outcome::Found(Solution {
        key: key.to_string(),
        value,
        low: optimistic.min(pessimistic).min(value),
        high: optimistic.max(pessimistic).max(value),
        achieved,
        passes,
        seek,
        range,
        runs: trials.seen.len(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::WEEKS_PER_MONTH;
    use crate::scenario::InputId;

    fn deterministic() -> Scenario {
        Scenario::from_str("t.toml", Some("t"), "[scenario]\npaths = 50\n", &[]).unwrap()
    }

    /// Build lags vary, so percentiles have Monte Carlo intervals.
    fn noisy() -> Scenario {
        let text = "[scenario]\npaths = 400\nseed = 5\n[build]\nlag_months = { dist = \"uniform\", min = 0, max = 12 }\n";
        Scenario::from_str("t.toml", Some("t"), text, &[]).unwrap()
    }

    fn solve_in(s: &Scenario, condition: &str, range: (f64, f64), seek: Seek) -> Outcome {
        let c = Condition::parse(condition, s.start).unwrap();
        solve(
            s,
            "build.rate_gw_per_week",
            &c,
            range,
            seek,
            &RunOptions::default(),
        )
        .unwrap()
    }

    fn solve_rate(condition: &str, range: (f64, f64)) -> Outcome {
        solve_in(&deterministic(), condition, range, Seek::Switch)
    }

    fn found(o: Outcome) -> Solution {
        match o {
            Outcome::Found(s) => s,
            other => panic!("expected a value, got {other:?}"),
        }
    }

    #[test]
    fn finds_the_build_rate_that_reaches_30_gw_in_13_months() {
        // Deterministic: 13 months at rate·W GW a month must reach 30 GW, so
        // the smallest rate is 30 / (13 W).
        let Outcome::Found(sol) = solve_rate("P50 target_month <= 12", (0.1, 2.0)) else {
            panic!("a rate in 0.1..2 reaches 30 GW by month 12")
        };
        let exact = 30.0 / (13.0 * WEEKS_PER_MONTH);
        assert_eq!(sol.passes, Passes::Above, "faster builds pass");
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
        assert_eq!(late.passes, Passes::Below);
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
    fn a_condition_met_across_the_range_has_no_switch_in_it() {
        // Every rate from 1 to 2 GW/week reaches 30 GW within 12 months.
        let Outcome::Everywhere { at_low, at_high } =
            solve_rate("P50 target_month <= 12", (1.0, 2.0))
        else {
            panic!("met at both ends: no switching value")
        };
        assert!(at_low.value <= 12.0 && at_high.value <= 12.0);
        // Asked for the smallest or largest passing value, the ends answer.
        let s = deterministic();
        let smallest = found(solve_in(
            &s,
            "P50 target_month <= 12",
            (1.0, 2.0),
            Seek::Smallest,
        ));
        assert_eq!((smallest.value, smallest.passes), (1.0, Passes::Everywhere));
        let largest = found(solve_in(
            &s,
            "P50 target_month <= 12",
            (1.0, 2.0),
            Seek::Largest,
        ));
        assert_eq!(largest.value, 2.0);
    }

    #[test]
    fn uncertainty_cut_by_the_range_keeps_the_side_that_is_inside() {
        let s = noisy();
        let wide_range = (0.1, 2.0);
        let tol = 2.0 * TOLERANCE * (wide_range.1 - wide_range.0);
        for (condition, passes) in [
            ("P50 target_month > 12", Passes::Below),
            ("P50 target_month <= 12", Passes::Above),
        ] {
            let wide = found(solve_in(&s, condition, wide_range, Seek::Switch));
            assert_eq!(wide.passes, passes, "{condition}");
            assert!(
                wide.low < wide.value && wide.value < wide.high,
                "{condition}: 400 noisy paths leave some uncertainty: {wide:?}"
            );
            // Cut the range between the value and one end of its
            // uncertainty: that end becomes the range's end, the other
            // end stays where it was.
            let (range, expect_low, expect_high) = match passes {
                Passes::Below => {
                    let cut = 0.5 * (wide.value + wide.high);
                    ((wide_range.0, cut), wide.low, cut)
                }
                _ => {
                    let cut = 0.5 * (wide.low + wide.value);
                    ((cut, wide_range.1), cut, wide.high)
                }
            };
            let cut = found(solve_in(&s, condition, range, Seek::Switch));
            assert_eq!(cut.passes, passes, "{condition}");
            assert!(
                (cut.value - wide.value).abs() <= tol,
                "{condition}: {cut:?}"
            );
            assert!(
                (cut.low - expect_low).abs() <= tol,
                "{condition}: low {cut:?} vs {expect_low}"
            );
            assert!(
                (cut.high - expect_high).abs() <= tol,
                "{condition}: high {cut:?} vs {expect_high}"
            );
        }
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

    #[test]
    fn default_ranges_of_unbounded_inputs_are_their_middle_99_percent_inside_the_domain() {
        let text = "[scenario]\npaths = 50\n[cost]\nper_gw_usd = \"40B to 60B\"\npower_price_usd_per_mwh = { dist = \"lognormal\", median = 70, sigma = 0.3 }\nhardware_life_years = { dist = \"uniform\", min = 0, max = 6 }\n[revenue]\ngrowth = { dist = \"normal\", mean = 1, sd = 0.3, min = -0.5 }\nper_gw_year_usd = { dist = \"lognormal\", p5 = \"8B\", p95 = \"15B\", max = \"20B\" }\n";
        let s = Scenario::from_str("t.toml", Some("t"), text, &[]).unwrap();
        for key in [
            "cost.per_gw_usd",
            "cost.power_price_usd_per_mwh",
            "revenue.growth",
            "revenue.per_gw_year_usd",
        ] {
            let dist = &s.input(input_by_key(key).unwrap().id).dist;
            let (lo, hi) = default_range(&s, key).unwrap();
            assert_eq!(
                (lo, hi),
                (dist.quantile(0.005), dist.quantile(0.995)),
                "{key}"
            );
            assert!(lo > 0.0, "{key} starts inside its tail, not at 0: {lo}");
        }
        // Uniform on [0, 6] years: its bounds, moved just inside `> 0`.
        let (lo, hi) = default_range(&s, "cost.hardware_life_years").unwrap();
        assert!(lo > 0.0 && lo < 1e-6 && hi == 6.0, "{lo}..{hi}");
        assert!(InputId::HardwareLifeYears.def().domain.contains(lo));
    }

    #[test]
    fn fixing_a_correlated_input_is_a_warning() {
        let s = Scenario::builtin(&[]).unwrap();
        let w = warnings(&s, "cost.per_gw_usd", (30e9, 60e9)).unwrap();
        assert!(
            w.iter()
                .any(|w| w.contains("build.rate_gw_per_week ~ cost.per_gw_usd")),
            "{w:?}"
        );
        assert!(warnings(&s, "revenue.margin", (0.5, 0.9))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn ranges_outside_the_domain_are_refused_before_any_run() {
        let s = deterministic();
        let c = Condition::parse("P50 peak_funding_need_usd <= 1T", s.start).unwrap();
        for range in [(0.0, 60e9), (50e9, 40e9)] {
            let e = solve(
                &s,
                "cost.per_gw_usd",
                &c,
                range,
                Seek::Switch,
                &RunOptions::default(),
            )
            .unwrap_err();
            assert!(matches!(e, StudyError::Usage { .. }), "{e}");
        }
        let e = solve(
            &s,
            "scenario.paths",
            &c,
            (1.0, 2.0),
            Seek::Switch,
            &RunOptions::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("not a model input"), "{e}");
    }
}
