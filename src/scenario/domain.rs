//! SPEC §3.2 for one input: the values a distribution can draw must lie in
//! the input's domain, be finite, and stay within a plausibility limit per
//! unit (so a slip of the suffix such as `"40T"` for `"40B"` per GW, or a
//! `1e300`, is caught at load time instead of producing infinities in the
//! results). Messages name the key and suggest the `min`/`max` or value
//! that fixes the problem.

use super::error::{Diagnostic, Loc};
use super::keys::{Bound, InputDef, InputId, Unit};
use super::node::{Node, Value};
use super::spec::{DistSpec, Family};
use crate::dist::Dist;
use crate::output::format::plain_number;

/// Probabilities at which draws must be finite: one in 10^15 in each tail
/// (a few in a billion runs of a billion paths) and the median. Closer to 0
/// and 1 the quantile functions are limited by rounding, not by the
/// distribution, so a probe there would reject valid truncations.
const PROBE: [f64; 3] = [1e-15, 0.5, 1.0 - 1e-15];

/// Probabilities whose quantiles must be plausible: the median and a
/// one-in-a-million tail on each side.
const BODY: [f64; 3] = [1e-6, 0.5, 1.0 - 1e-6];

/// Values beyond the unit's plausibility limit, or draws that overflow,
/// are impossible numbers: almost always a wrong suffix or exponent.
fn check_magnitude(
    def: &InputDef,
    spec: &DistSpec,
    dist: &Dist,
    loc: &Loc,
) -> Result<(), Diagnostic> {
    let limit = def.unit.limit();
    let family = family_label(spec);
    let s = dist.support();
    let extremes: Vec<f64> = PROBE.iter().map(|&u| dist.quantile(u)).collect();
    if let Some(&bad) = extremes.iter().find(|x| !x.is_finite()) {
        let side = if bad > 0.0 { "upper" } else { "lower" };
        return Err(Diagnostic::new(
            loc,
            def.key,
            format!(
                "{family} draws overflow: its {side} tail reaches {} in double precision",
                plain_number(bad)
            ),
            "use a narrower distribution (smaller sigma or sd), or truncate it with min/max",
        ));
    }
    // What the user wrote (finite ends, the median) and the body of an
    // unbounded tail, not its last 1e-16, must be plausible.
    let mut written: Vec<f64> = BODY.iter().map(|&u| dist.quantile(u)).collect();
    written.extend([s.lo, s.hi].into_iter().filter(|x| x.is_finite()));
    let Some(&worst) = written
        .iter()
        .filter(|x| x.abs() > limit)
        .max_by(|a, b| a.abs().total_cmp(&b.abs()))
    else {
        return Ok(());
    };
    let what = match spec.family {
        Family::Fixed => format!("{} is not a plausible value", plain_number(worst)),
        _ => format!(
            "{family} reaches {}, which is not a plausible value",
            plain_number(worst)
        ),
    };
    Err(Diagnostic::new(
        loc,
        def.key,
        format!("{what}: {} accepts {} up to {}", def.key, def.unit.describe(), plain_number(limit)),
        "check the suffix (k, M, B, T, %) and the number of zeros; for a wide distribution, truncate it with min/max",
    ))
}

/// SPEC §3.2: the distribution's support must stay inside the domain, and
/// every value it can draw must be a plausible, finite number.
///
/// # Errors
/// A diagnostic at `node` naming the key, the value that is out of bounds
/// and the fix.
pub(super) fn check_domain(
    def: &InputDef,
    spec: &DistSpec,
    dist: &Dist,
    node: &Node,
) -> Result<(), Diagnostic> {
    check_support(def, spec, dist, node)?;
    check_magnitude(def, spec, dist, &node.loc)?;
    check_floor(def, spec, dist, &node.loc)
}

/// The discount factor (1 + r)^(−m/12) overflows over a long horizon when
/// r is within a hair of −100%; below −99% a discount rate is not a
/// plausible number anyway.
const DISCOUNT_RATE_FLOOR: f64 = -0.99;

fn check_floor(def: &InputDef, spec: &DistSpec, dist: &Dist, loc: &Loc) -> Result<(), Diagnostic> {
    if def.id != InputId::DiscountRate {
        return Ok(());
    }
    let lowest = dist.support().lo.max(dist.quantile(PROBE[0]));
    if lowest >= DISCOUNT_RATE_FLOOR {
        return Ok(());
    }
    let what = match spec.family {
        Family::Fixed => format!("{} is not a plausible value", plain_number(lowest)),
        _ => format!(
            "{} reaches {}, which is not a plausible value",
            family_label(spec),
            plain_number(lowest)
        ),
    };
    Err(Diagnostic::new(
        loc,
        def.key,
        format!("{what}: a discount rate below -99% makes the NPV overflow"),
        "use a rate of -99% or more (\"-99%\"); for a distribution, add min = -0.99",
    ))
}

fn check_support(
    def: &InputDef,
    spec: &DistSpec,
    dist: &Dist,
    node: &Node,
) -> Result<(), Diagnostic> {
    let loc = &node.loc;
    let domain = def.domain;
    let allowed = domain.describe();
    if let Some(atoms) = dist.atoms() {
        for x in atoms {
            if !domain.contains(x) {
                let what = if atoms_len(dist) > 1 {
                    format!(
                        "the value {} is outside the allowed range: {} must be {allowed}",
                        plain_number(x),
                        def.key
                    )
                } else {
                    format!("must be {allowed}, got {}", plain_number(x))
                };
                let help = fixed_help(def, x, mentions_percent(node));
                return Err(Diagnostic::new(loc, def.key, what, help));
            }
        }
        return Ok(());
    }
    let s = dist.support();
    let family = family_label(spec);
    // Each side: the domain's bound, the support's end, and whether the
    // support passes it.
    let sides = [(domain.lower, s.lo, true), (domain.upper, s.hi, false)];
    for (bound, end, lower) in sides {
        let (Bound::Inclusive(b) | Bound::Exclusive(b)) = bound else {
            continue;
        };
        if (lower && end >= b) || (!lower && end <= b) {
            continue;
        }
        let message = if end.is_finite() {
            format!(
                "{family} reaches {}, but {} must be {allowed}",
                plain_number(end),
                def.key
            )
        } else {
            let side = if lower { "below" } else { "above" };
            format!(
                "{family} can go {side} {}; {} must be {allowed}",
                plain_number(b),
                def.key
            )
        };
        return Err(Diagnostic::new(
            loc,
            def.key,
            message,
            bound_help(spec, b, lower, def.unit),
        ));
    }
    Ok(())
}

fn atoms_len(dist: &Dist) -> usize {
    dist.atoms().map_or(0, |a| a.len())
}

fn family_label(spec: &DistSpec) -> String {
    match spec.family {
        Family::Interval => match spec.interval_normal() {
            Some(_) => "the interval (a normal, since it starts at or below 0)".to_string(),
            None => "the interval (a lognormal)".to_string(),
        },
        f => f.name().to_string(),
    }
}

/// Whether the user wrote a percentage anywhere in the value.
fn mentions_percent(node: &Node) -> bool {
    match &node.value {
        Value::Str(s) => s.contains('%'),
        Value::Array(items) => items.iter().any(mentions_percent),
        Value::Table(entries) => entries.iter().any(|e| mentions_percent(&e.node)),
        _ => false,
    }
}

fn fixed_help(def: &InputDef, x: f64, percent: bool) -> String {
    // A whole number such as 70 for a share was most likely meant as 70%.
    let looks_like_percent = x.abs() >= 2.0 && x.fract() == 0.0;
    if !percent
        && def.unit == Unit::Fraction
        && looks_like_percent
        && def.domain.contains(x / 100.0)
    {
        let (as_written, percent) = (plain_number(x), plain_number(x * 100.0));
        return format!("{as_written} means {percent}%; shares and rates are written as 0.05 or \"5%\" — did you mean \"{as_written}%\"?");
    }
    format!("give a value {}", def.domain.describe())
}

fn bound_help(spec: &DistSpec, b: f64, lower: bool, unit: Unit) -> String {
    let bound = plain_number(b);
    let (key, verb) = if lower {
        ("min", "below")
    } else {
        ("max", "above")
    };
    match spec.family {
        Family::Normal => {
            let alt = if lower && b == 0.0 { " or use a lognormal" } else if !lower && unit == Unit::Fraction { " or use a beta" } else { "" };
            format!("add {key} = {bound} to truncate it{alt}")
        }
        Family::Lognormal => format!("add {key} = {bound} to truncate it{}", if unit == Unit::Fraction { " or use a beta" } else { "" }),
        Family::Interval => match spec.interval_normal() {
            Some((mean, sd)) => format!(
                "write {{ dist = \"normal\", mean = {}, sd = {}, {key} = {bound} }} (the same interval, truncated), or give an interval that stays {}",
                crate::output::format::significant(mean, 6),
                crate::output::format::significant(sd, 6),
                if lower { "above" } else { "below" }
            ),
            None => format!("the interval's lognormal has no upper limit; use {{ dist = \"lognormal\", p5 = ..., p95 = ..., max = {bound} }}"),
        },
        _ => format!("{} {key} so the range does not go {verb} {bound}", if lower { "raise" } else { "lower" }),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Override, Scenario};
    use super::*;

    fn first_error(text: &str) -> Diagnostic {
        Scenario::from_str("t.toml", Some("t"), text, &[])
            .unwrap_err()
            .diagnostics
            .remove(0)
    }

    #[test]
    fn impossible_magnitudes_are_caught() {
        let d = first_error("[cost]\nper_gw_usd = \"40e9B\"\n");
        assert_eq!(d.key, "cost.per_gw_usd");
        assert!(d.message.contains("not a plausible value"), "{}", d.message);
        assert!(d.message.contains("up to 1e18"), "{}", d.message);
        let d = first_error(
            "[finance]\ninitial_cash_usd = { dist = \"uniform\", min = -1e308, max = 1e308 }\n",
        );
        assert!(d.message.starts_with("uniform reaches"), "{}", d.message);
        let d = first_error("[plan]\ntarget_gw = 1e7\n");
        assert!(
            d.message.contains("capacities in GW up to 1000000"),
            "{}",
            d.message
        );
    }

    #[test]
    fn a_discount_rate_near_minus_100_percent_is_caught() {
        let d = first_error("[finance]\ndiscount_rate = \"-99.9999999%\"\n");
        assert_eq!(d.key, "finance.discount_rate");
        assert!(d.message.contains("NPV overflow"), "{}", d.message);
        let d =
            first_error("[finance]\ndiscount_rate = { dist = \"uniform\", min = -1, max = 0.1 }\n");
        assert!(d.help.unwrap().contains("min = -0.99"));
        Scenario::from_str(
            "t.toml",
            Some("t"),
            "[finance]\ndiscount_rate = \"-99%\"\n",
            &[],
        )
        .unwrap();
    }

    #[test]
    fn draws_that_overflow_are_caught() {
        let d = first_error(
            "[revenue]\ninitial_run_rate_usd = { dist = \"lognormal\", mu = 0, sigma = 100 }\n",
        );
        assert!(d.message.contains("overflow"), "{}", d.message);
        assert!(d.help.unwrap().contains("truncate"));
    }

    #[test]
    fn wide_but_real_distributions_pass() {
        for text in [
            "[revenue]\ninitial_run_rate_usd = \"1M to 1T\"\n",
            "[revenue]\ngrowth = \"50% to 300%\"\n",
            "[finance]\ninitial_cash_usd = { dist = \"normal\", mean = \"50B\", sd = \"100B\" }\n",
            "[cost]\nper_gw_usd = { dist = \"normal\", mean = \"50B\", sd = \"10B\", min = 0 }\n",
        ] {
            Scenario::from_str("t.toml", Some("t"), text, &[])
                .unwrap_or_else(|e| panic!("{text}: {e}"));
        }
    }

    #[test]
    fn the_percent_hint_only_for_bare_numbers() {
        let d = first_error("[revenue]\nmargin = 70\n");
        assert!(d.help.unwrap().contains("did you mean \"70%\""));
        let d = first_error("[revenue]\nmargin = \"170%\"\n");
        assert_eq!(d.help.as_deref(), Some("give a value in [0, 1]"));
        let set = Override::parse("revenue.growth=-150%").unwrap();
        let d = Scenario::from_str("t.toml", Some("t"), "", &[set])
            .unwrap_err()
            .diagnostics
            .remove(0);
        assert_eq!(d.help.as_deref(), Some("give a value > -1"));
        assert_eq!(
            d.loc.to_string(),
            "--set revenue.growth=-150% (applied to t.toml)"
        );
    }
}
