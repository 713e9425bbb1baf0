//! Second stage of loading: turn the raw values into a typed [`Scenario`],
//! building every distribution and enforcing SPEC §3.2 (domains, orderings,
//! correlations) with a located, fixable message for each problem.

use std::path::PathBuf;

use super::error::{closest, Diagnostic, Diagnostics, Loc};
use super::keys::{Bound, InputDef, InputId, Unit, INPUTS};
use super::node::{Node, Value};
use super::raw::{is_valid_name, RawScenario, RawValue};
use super::spec::{parse_spec, DistSpec, Family};
use super::value::number;
use super::{Correlation, Input, Origin, OutputSettings, Sampling, Scenario};
use crate::dist::{Dist, DistError};
use crate::output::format::plain_number;
use crate::sampling::copula::cholesky;
use crate::time::YearMonth;

/// Most months a run may simulate (50 years).
pub const MAX_MONTHS: usize = 600;
/// Most paths a run may draw.
pub const MAX_PATHS: u64 = 1_000_000_000;
/// Most trajectories `trajectories.csv` may hold.
pub const MAX_TRAJECTORIES: usize = 100_000;
/// Start month when the file gives none: the month of the announcements
/// the default scenario models (FACTS.md).
pub const DEFAULT_START: &str = "2025-11";
/// Paths when the file gives none.
pub const DEFAULT_PATHS: u64 = 10_000;
/// Seed when the file gives none.
pub const DEFAULT_SEED: u64 = 1;

pub(super) fn validate(raw: RawScenario) -> Result<Scenario, super::ScenarioError> {
    let mut diags = Diagnostics::default();
    let get = |key: &str| raw.values.get(key);

    let name = match get("scenario.name") {
        Some(v) => diags.take(text(v, "scenario.name")).and_then(|n| {
            if is_valid_name(&n) {
                Some(n)
            } else {
                diags.push(Diagnostic::new(
                    &v.node.loc,
                    "scenario.name",
                    format!("\"{n}\" is not a valid name: it names the output folder"),
                    format!(
                        "use lower-case letters, digits, - and _, e.g. name = \"{}\"",
                        slug(&n)
                    ),
                ));
                None
            }
        }),
        None => match raw.stem.as_deref().map(slug) {
            Some(s) if is_valid_name(&s) => Some(s),
            _ => {
                diags.push(Diagnostic::new(
                    &raw.top,
                    "scenario.name",
                    "the scenario has no name and the file name cannot serve as one",
                    "add name = \"my-scenario\" under [scenario]",
                ));
                None
            }
        },
    };
    let title = match get("scenario.title") {
        Some(v) => diags.take(text(v, "scenario.title")),
        None => name.clone(),
    };
    let start = match get("scenario.start") {
        Some(v) => diags.take(start_month(v)),
        None => YearMonth::parse(DEFAULT_START).ok(),
    };
    let (horizon_years, months) = match get("scenario.horizon_years") {
        Some(v) => diags.take(horizon(v)).unzip(),
        None => (Some(10.0), Some(120)),
    };
    let paths = match get("scenario.paths") {
        Some(v) => diags
            .take(integer(v, "scenario.paths", 1, MAX_PATHS as i128, "paths"))
            .map(|p| p as u64),
        None => Some(DEFAULT_PATHS),
    };
    let seed = match get("scenario.seed") {
        Some(v) => diags.take(seed_value(v)),
        None => Some(DEFAULT_SEED),
    };
    let sampling = match get("scenario.sampling") {
        Some(v) => diags.take(sampling_value(v)),
        None => Some(Sampling::MonteCarlo),
    };

    let inputs: Vec<Option<Input>> = INPUTS
        .iter()
        .map(|def| diags.take(input(def, get(def.key))))
        .collect();
    let correlations = if inputs.iter().all(Option::is_some) {
        let inputs: Vec<&Input> = inputs.iter().flatten().collect();
        correlations(&raw, &inputs, &mut diags)
    } else {
        Vec::new()
    };
    let (correlations, warnings) = correlations.into_iter().unzip::<_, _, Vec<_>, Vec<_>>();
    let warnings: Vec<String> = warnings.into_iter().flatten().collect();
    let correlations: Vec<Correlation> = correlations.into_iter().flatten().collect();

    let output_dir = match get("output.dir") {
        Some(v) => diags.take(text(v, "output.dir")).map(PathBuf::from),
        None => name.as_ref().map(|n| PathBuf::from("outputs").join(n)),
    };
    let trajectories = match get("output.trajectories") {
        Some(v) => diags
            .take(integer(
                v,
                "output.trajectories",
                0,
                MAX_TRAJECTORIES as i128,
                "trajectories",
            ))
            .map(|t| t as usize),
        None => Some(100),
    };
    let charts = match get("output.charts") {
        Some(v) => diags.take(boolean(v, "output.charts")),
        None => Some(true),
    };

    diags.finish(|| ())?;
    let missing = || unreachable_error(&raw.top);
    let variant_names = raw.variants.iter().map(|v| v.name.clone()).collect();
    Ok(Scenario {
        name: name.ok_or_else(missing)?,
        title: title.ok_or_else(missing)?,
        start: start.ok_or_else(missing)?,
        horizon_years: horizon_years.ok_or_else(missing)?,
        months: months.ok_or_else(missing)?,
        paths: paths.ok_or_else(missing)?,
        seed: seed.ok_or_else(missing)?,
        sampling: sampling.ok_or_else(missing)?,
        inputs: inputs
            .into_iter()
            .map(|i| i.ok_or_else(missing))
            .collect::<Result<_, _>>()?,
        correlations,
        output: OutputSettings {
            dir: output_dir.ok_or_else(missing)?,
            trajectories: trajectories.ok_or_else(missing)?,
            charts: charts.ok_or_else(missing)?,
        },
        variant_names,
        warnings,
        raw,
    })
}

/// Every value is either valid or reported; reaching a missing one after
/// `finish` would be a bug in this file, reported rather than panicking.
fn unreachable_error(top: &Loc) -> super::ScenarioError {
    Diagnostic::new(
        top,
        "scenario",
        "internal error: a value was neither valid nor reported",
        "please report this with the scenario file",
    )
    .into()
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

fn text(v: &RawValue, key: &str) -> Result<String, Diagnostic> {
    match &v.node.value {
        Value::Str(s) => Ok(s.clone()),
        other => Err(Diagnostic::new(
            &v.node.loc,
            key,
            format!("expected a string, got {}", other.kind()),
            "put the value in double quotes",
        )),
    }
}

fn boolean(v: &RawValue, key: &str) -> Result<bool, Diagnostic> {
    match &v.node.value {
        Value::Bool(b) => Ok(*b),
        other => Err(Diagnostic::new(
            &v.node.loc,
            key,
            format!("expected true or false, got {}", other.kind()),
            format!(
                "write {} = true or false (no quotes)",
                key.rsplit('.').next().unwrap_or(key)
            ),
        )),
    }
}

fn integer(v: &RawValue, key: &str, lo: i128, hi: i128, what: &str) -> Result<i128, Diagnostic> {
    let x = number(&v.node, key)?;
    if x.fract() != 0.0 {
        return Err(Diagnostic::new(
            &v.node.loc,
            key,
            format!("expected a whole number of {what}, got {}", plain_number(x)),
            format!(
                "write a whole number from {lo} to {}",
                plain_number(hi as f64)
            ),
        ));
    }
    let n = x as i128;
    if n < lo || n > hi {
        return Err(Diagnostic::new(
            &v.node.loc,
            key,
            format!("{} {what} is out of range", plain_number(x)),
            format!("use {lo} to {} {what}", plain_number(hi as f64)),
        ));
    }
    Ok(n)
}

fn seed_value(v: &RawValue) -> Result<u64, Diagnostic> {
    let bad = |msg: String| {
        Diagnostic::new(
            &v.node.loc,
            "scenario.seed",
            msg,
            "write a whole number from 0 to 18446744073709551615",
        )
    };
    match &v.node.value {
        Value::Integer(i) => {
            u64::try_from(*i).map_err(|_| bad(format!("seed {i} is out of range")))
        }
        Value::Str(s) => s
            .trim()
            .replace('_', "")
            .parse::<u64>()
            .map_err(|_| bad(format!("\"{s}\" is not a seed"))),
        other => Err(bad(format!(
            "expected a whole number, got {}",
            other.kind()
        ))),
    }
}

fn sampling_value(v: &RawValue) -> Result<Sampling, Diagnostic> {
    match &v.node.value {
        Value::Str(s) if s == "mc" => Ok(Sampling::MonteCarlo),
        Value::Str(s) if s == "lhs" => Ok(Sampling::LatinHypercube),
        Value::Str(s) => {
            let hint = closest(s, ["mc", "lhs"])
                .map_or(String::new(), |c| format!("did you mean \"{c}\"? "));
            Err(Diagnostic::new(
                &v.node.loc,
                "scenario.sampling",
                format!("unknown sampling \"{s}\""),
                format!("{hint}use \"mc\" (Monte Carlo) or \"lhs\" (Latin hypercube)"),
            ))
        }
        other => Err(Diagnostic::new(
            &v.node.loc,
            "scenario.sampling",
            format!("expected a string, got {}", other.kind()),
            "write sampling = \"mc\" or \"lhs\"",
        )),
    }
}

fn start_month(v: &RawValue) -> Result<YearMonth, Diagnostic> {
    match &v.node.value {
        Value::Str(s) => YearMonth::parse(s).map_err(|e| {
            Diagnostic::new(
                &v.node.loc,
                "scenario.start",
                e,
                "write start = \"2025-11\" (YYYY-MM, in quotes)",
            )
        }),
        Value::Datetime(d) => Err(Diagnostic::new(
            &v.node.loc,
            "scenario.start",
            format!("expected a month \"YYYY-MM\", got the date {d}"),
            format!(
                "write start = \"{}\" (in quotes)",
                d.get(..7).unwrap_or("2025-11")
            ),
        )),
        other => Err(Diagnostic::new(
            &v.node.loc,
            "scenario.start",
            format!("expected a month \"YYYY-MM\", got {}", other.kind()),
            "write start = \"2025-11\"",
        )),
    }
}

fn horizon(v: &RawValue) -> Result<(f64, usize), Diagnostic> {
    let h = number(&v.node, "scenario.horizon_years")?;
    let months = (12.0 * h + 0.5).floor();
    if !(1.0..=MAX_MONTHS as f64).contains(&months) {
        return Err(Diagnostic::new(
            &v.node.loc,
            "scenario.horizon_years",
            format!(
                "horizon_years = {} gives {} months; capsim simulates 1 to {MAX_MONTHS} months",
                plain_number(h),
                plain_number(months)
            ),
            "use a horizon from 1/12 to 50 years",
        ));
    }
    Ok((h, months as usize))
}

fn input(def: &InputDef, value: Option<&RawValue>) -> Result<Input, Diagnostic> {
    let Some(v) = value else {
        return Ok(match def.default {
            Some(x) => Input {
                id: def.id,
                spec: Some(DistSpec::fixed(x)),
                dist: Dist::Fixed(x),
                origin: Origin::Default,
            },
            None => Input {
                id: def.id,
                spec: None,
                dist: Dist::Fixed(f64::INFINITY),
                origin: Origin::Default,
            },
        });
    };
    let spec = parse_spec(&v.node, def.key)?;
    let dist = spec.build().map_err(|e| dist_error(def, &v.node, &e))?;
    check_domain(def, &spec, &dist, &v.node.loc)?;
    let origin = if v.overridden {
        Origin::Override(v.node.loc.clone())
    } else {
        Origin::File(v.node.loc.clone())
    };
    Ok(Input {
        id: def.id,
        spec: Some(spec),
        dist,
        origin,
    })
}

fn dist_error(def: &InputDef, node: &Node, e: &DistError) -> Diagnostic {
    let loc = match (&node.value, e.param) {
        (Value::Table(entries), Some(p)) => entries
            .iter()
            .find(|x| x.key == p)
            .map_or(&node.loc, |x| &x.node.loc),
        _ => &node.loc,
    };
    Diagnostic::new(loc, def.key, e.message.clone(), e.help.clone())
}

/// SPEC §3.2: the distribution's support must stay inside the domain.
fn check_domain(def: &InputDef, spec: &DistSpec, dist: &Dist, loc: &Loc) -> Result<(), Diagnostic> {
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
                return Err(Diagnostic::new(loc, def.key, what, fixed_help(def, x)));
            }
        }
        return Ok(());
    }
    let s = dist.support();
    let family = family_label(spec);
    let low = match domain.lower {
        Bound::Inclusive(b) | Bound::Exclusive(b) => (s.lo < b).then_some(b),
        Bound::Unbounded => None,
    };
    if let Some(b) = low {
        let message = if s.lo.is_finite() {
            format!(
                "{family} reaches {}, but {} must be {allowed}",
                plain_number(s.lo),
                def.key
            )
        } else {
            format!(
                "{family} can go below {}; {} must be {allowed}",
                plain_number(b),
                def.key
            )
        };
        return Err(Diagnostic::new(
            loc,
            def.key,
            message,
            bound_help(spec, b, true, def.unit),
        ));
    }
    let high = match domain.upper {
        Bound::Inclusive(b) | Bound::Exclusive(b) => (s.hi > b).then_some(b),
        Bound::Unbounded => None,
    };
    if let Some(b) = high {
        let message = if s.hi.is_finite() {
            format!(
                "{family} reaches {}, but {} must be {allowed}",
                plain_number(s.hi),
                def.key
            )
        } else {
            format!(
                "{family} can go above {}; {} must be {allowed}",
                plain_number(b),
                def.key
            )
        };
        return Err(Diagnostic::new(
            loc,
            def.key,
            message,
            bound_help(spec, b, false, def.unit),
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

fn fixed_help(def: &InputDef, x: f64) -> String {
    if def.unit == Unit::Fraction && x.abs() > 1.0 && def.domain.contains(x / 100.0) {
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

/// Reads `[[correlations]]`: each entry is either a correlation, a warning
/// (dropped because an override fixed one of its inputs) or an error.
fn correlations(
    raw: &RawScenario,
    inputs: &[&Input],
    diags: &mut Diagnostics,
) -> Vec<(Option<Correlation>, Option<String>)> {
    let mut out = Vec::new();
    let mut pairs: Vec<(InputId, InputId, Loc)> = Vec::new();
    for c in &raw.correlations {
        let Some(result) = diags.take(one_correlation(c, inputs)) else {
            continue;
        };
        let Some(corr) = result else {
            out.push((None, Some(format!("{}: a correlation was dropped because an override made one of its inputs fixed", c.loc))));
            continue;
        };
        let (lo, hi) = if corr.a < corr.b {
            (corr.a, corr.b)
        } else {
            (corr.b, corr.a)
        };
        if let Some((_, _, first)) = pairs.iter().find(|(a, b, _)| *a == lo && *b == hi) {
            diags.push(Diagnostic::new(
                &c.loc,
                "correlations",
                format!(
                    "{} and {} are correlated twice (first at {first})",
                    lo.key(),
                    hi.key()
                ),
                "keep one correlation per pair",
            ));
            continue;
        }
        pairs.push((lo, hi, c.loc.clone()));
        out.push((Some(corr), None));
    }
    let valid: Vec<Correlation> = out.iter().filter_map(|(c, _)| *c).collect();
    if let Err(d) = check_positive_definite(&valid, raw) {
        diags.push(d);
    }
    out
}

/// One correlation table: `Ok(None)` when an override fixed an input.
fn one_correlation(
    c: &super::raw::RawCorrelation,
    inputs: &[&Input],
) -> Result<Option<Correlation>, Diagnostic> {
    let help = "write a = \"build.rate_gw_per_week\", b = \"cost.per_gw_usd\", rank = 0.3";
    let name = |node: &Option<Node>, which: &str| -> Result<(InputId, Loc), Diagnostic> {
        let Some(node) = node else {
            return Err(Diagnostic::new(
                &c.loc,
                format!("correlations.{which}"),
                format!("a correlation needs `{which}`"),
                help,
            ));
        };
        let Value::Str(s) = &node.value else {
            return Err(Diagnostic::new(
                &node.loc,
                format!("correlations.{which}"),
                format!(
                    "expected an input name in quotes, got {}",
                    node.value.kind()
                ),
                help,
            ));
        };
        match INPUTS.iter().find(|d| d.key == s) {
            Some(d) => Ok((d.id, node.loc.clone())),
            None => {
                let hint = closest(s, INPUTS.iter().map(|d| d.key))
                    .or_else(|| INPUTS.iter().find(|d| d.name == s).map(|d| d.key));
                let help = hint.map_or_else(
                    || "name an input as section.key, e.g. \"cost.per_gw_usd\"".to_string(),
                    |h| format!("did you mean \"{h}\"?"),
                );
                Err(Diagnostic::new(
                    &node.loc,
                    format!("correlations.{which}"),
                    format!("unknown input \"{s}\""),
                    help,
                ))
            }
        }
    };
    let (a, a_loc) = name(&c.a, "a")?;
    let (b, b_loc) = name(&c.b, "b")?;
    let Some(rank_node) = &c.rank else {
        return Err(Diagnostic::new(
            &c.loc,
            "correlations.rank",
            "a correlation needs `rank`",
            help,
        ));
    };
    let rank = number(rank_node, "correlations.rank")?;
    if !(-1.0..=1.0).contains(&rank) {
        return Err(Diagnostic::new(
            &rank_node.loc,
            "correlations.rank",
            format!("rank = {} is outside [-1, 1]", plain_number(rank)),
            "a Spearman rank correlation lies between -1 and 1",
        ));
    }
    if a == b {
        return Err(Diagnostic::new(
            &b_loc,
            "correlations.b",
            format!("\"{}\" is correlated with itself", a.key()),
            "name two different inputs",
        ));
    }
    for (id, loc, which) in [(a, &a_loc, "a"), (b, &b_loc, "b")] {
        let input = inputs[id as usize];
        if input.is_uncertain() {
            continue;
        }
        if matches!(input.origin, Origin::Override(_)) {
            return Ok(None);
        }
        let value = input
            .dist
            .fixed_value()
            .map_or_else(|| "absent".to_string(), plain_number);
        return Err(Diagnostic::new(
            loc,
            format!("correlations.{which}"),
            format!(
                "\"{}\" is fixed ({value}); only uncertain inputs can be correlated",
                id.key()
            ),
            "give it a distribution, or remove this correlation",
        ));
    }
    Ok(Some(Correlation { a, b, rank }))
}

/// The copula's Pearson matrix (r = 2 sin(πρ/6)) must be positive
/// (semi-)definite; otherwise name the correlations that cannot hold
/// together.
fn check_positive_definite(
    correlations: &[Correlation],
    raw: &RawScenario,
) -> Result<(), Diagnostic> {
    let mut ids: Vec<InputId> = correlations.iter().flat_map(|c| [c.a, c.b]).collect();
    ids.sort();
    ids.dedup();
    let matrix = crate::sampling::copula::pearson_matrix(&ids, correlations);
    let Err(row) = cholesky(&matrix, ids.len()) else {
        return Ok(());
    };
    let involved = &ids[..=row];
    let named: Vec<String> = correlations
        .iter()
        .filter(|c| involved.contains(&c.a) && involved.contains(&c.b))
        .map(|c| format!("{} ~ {} ({})", c.a.key(), c.b.key(), plain_number(c.rank)))
        .collect();
    let loc = raw.correlations.first().map_or(&raw.top, |c| &c.loc);
    Err(Diagnostic::new(
        loc,
        "correlations",
        format!("these correlations cannot hold together (the matrix is not positive definite): {}", named.join(", ")),
        "weaken one of them; e.g. if A~B and B~C are strongly positive, A~C cannot be strongly negative",
    ))
}

#[cfg(test)]
mod tests {
    use super::super::{Override, Scenario};
    use super::*;

    fn load(text: &str) -> Result<Scenario, super::super::ScenarioError> {
        Scenario::from_str("t.toml", Some("t"), text, &[])
    }

    fn first_error(text: &str) -> Diagnostic {
        load(text).unwrap_err().diagnostics.remove(0)
    }

    #[test]
    fn defaults_fill_an_empty_file() {
        let s = load("").unwrap();
        assert_eq!(s.name, "t");
        assert_eq!(
            (s.months, s.paths, s.seed),
            (120, DEFAULT_PATHS, DEFAULT_SEED)
        );
        assert_eq!(s.input(InputId::PerGwUsd).dist, Dist::Fixed(40e9));
        assert_eq!(s.input(InputId::Growth).dist, Dist::Fixed(1.0));
        assert!(!s.input(InputId::CapUsd).is_present());
        assert!(s.uncertain_inputs().is_empty());
        assert_eq!(s.output.dir, PathBuf::from("outputs/t"));
    }

    #[test]
    fn domain_violations_name_key_and_fix() {
        let d = first_error(
            "[cost]\nper_gw_usd = { dist = \"normal\", mean = \"50B\", sd = \"10B\" }\n",
        );
        assert_eq!(d.key, "cost.per_gw_usd");
        assert!(d.message.contains("normal can go below 0"), "{}", d.message);
        assert_eq!(
            d.help.as_deref(),
            Some("add min = 0 to truncate it or use a lognormal")
        );
        load("[cost]\nper_gw_usd = { dist = \"normal\", mean = \"50B\", sd = \"10B\", min = 0 }\n")
            .unwrap();
        let d = first_error("[cost]\nutilization = 1.2\n");
        assert!(d.message.contains("must be in [0, 1]"));
        let d = first_error("[revenue]\nmargin = 70\n");
        assert!(d.help.unwrap().contains("\"70%\""));
        let d = first_error("[revenue]\ngrowth = \"-120% to 50%\"\n");
        assert!(d.help.unwrap().contains("dist = \"normal\""));
        let d =
            first_error("[cost]\nhardware_share = { dist = \"uniform\", min = 0.5, max = 1.5 }\n");
        assert!(d.message.contains("reaches 1.5"), "{}", d.message);
        let d = first_error("[plan]\ntarget_gw = 0\n");
        assert_eq!(d.message, "must be > 0, got 0");
        let d = first_error("[build]\nlag_months = { dist = \"discrete\", values = [3, -1] }\n");
        assert!(d.message.contains("-1"));
    }

    #[test]
    fn settings_are_checked() {
        assert!(first_error("[scenario]\nstart = \"2025-13\"\n")
            .message
            .contains("month 13"));
        assert!(first_error("[scenario]\nhorizon_years = 60\n")
            .message
            .contains("720 months"));
        assert_eq!(first_error("[scenario]\npaths = 0\n").key, "scenario.paths");
        assert_eq!(
            first_error("[scenario]\npaths = 2.5\n").key,
            "scenario.paths"
        );
        assert_eq!(first_error("[scenario]\nseed = -1\n").key, "scenario.seed");
        assert!(first_error("[scenario]\nsampling = \"lsh\"\n")
            .help
            .unwrap()
            .contains("\"lhs\""));
        assert!(first_error("[scenario]\nname = \"My Run\"\n")
            .help
            .unwrap()
            .contains("my-run"));
        assert_eq!(
            first_error("[output]\ncharts = \"yes\"\n").key,
            "output.charts"
        );
        let s = load("[scenario]\nseed = \"18446744073709551615\"\npaths = \"100k\"\n").unwrap();
        assert_eq!((s.seed, s.paths), (u64::MAX, 100_000));
    }

    #[test]
    fn correlation_rules() {
        let base = "[build]\nrate_gw_per_week = { dist = \"uniform\", min = 0.1, max = 1 }\n[cost]\nper_gw_usd = \"40B to 60B\"\n[revenue]\ngrowth = { dist = \"uniform\", min = 0, max = 2 }\n";
        let corr = |a: &str, b: &str, r: &str| {
            format!("[[correlations]]\na = \"{a}\"\nb = \"{b}\"\nrank = {r}\n")
        };
        let s = load(&format!(
            "{base}{}",
            corr("build.rate_gw_per_week", "cost.per_gw_usd", "0.3")
        ))
        .unwrap();
        assert_eq!(s.correlations.len(), 1);
        let d = first_error(&format!(
            "{base}{}",
            corr("build.rate_gw_per_wk", "cost.per_gw_usd", "0.3")
        ));
        assert_eq!(
            (d.key.as_str(), d.help.as_deref()),
            (
                "correlations.a",
                Some("did you mean \"build.rate_gw_per_week\"?")
            )
        );
        assert!(first_error(&format!(
            "{base}{}",
            corr("build.rate_gw_per_week", "cost.per_gw_usd", "1.5")
        ))
        .message
        .contains("outside [-1, 1]"));
        assert!(first_error(&format!(
            "{base}{}",
            corr("plan.target_gw", "cost.per_gw_usd", "0.3")
        ))
        .message
        .contains("fixed"));
        assert!(first_error(&format!(
            "{base}{}",
            corr("cost.per_gw_usd", "cost.per_gw_usd", "0.3")
        ))
        .message
        .contains("itself"));
        let twice = format!(
            "{base}{}{}",
            corr("build.rate_gw_per_week", "cost.per_gw_usd", "0.3"),
            corr("cost.per_gw_usd", "build.rate_gw_per_week", "0.2")
        );
        assert!(first_error(&twice).message.contains("twice"));
        let impossible = format!(
            "{base}{}{}{}",
            corr("build.rate_gw_per_week", "cost.per_gw_usd", "0.9"),
            corr("cost.per_gw_usd", "revenue.growth", "0.9"),
            corr("build.rate_gw_per_week", "revenue.growth", "-0.9")
        );
        let d = first_error(&impossible);
        assert!(
            d.message.contains("not positive definite") && d.message.contains("revenue.growth"),
            "{}",
            d.message
        );
        // Perfect correlation is allowed (semi-definite).
        load(&format!(
            "{base}{}",
            corr("build.rate_gw_per_week", "cost.per_gw_usd", "1")
        ))
        .unwrap();
        // An override that fixes a correlated input drops the correlation with a warning.
        let set = Override::parse("cost.per_gw_usd=45B").unwrap();
        let s = Scenario::from_str(
            "t.toml",
            Some("t"),
            &format!(
                "{base}{}",
                corr("build.rate_gw_per_week", "cost.per_gw_usd", "0.3")
            ),
            &[set],
        )
        .unwrap();
        assert!(s.correlations.is_empty());
        assert_eq!(s.warnings.len(), 1);
    }

    #[test]
    fn reports_every_problem_at_once() {
        let e = load("[plan]\ntarget_gw = -1\n[cost]\nutilization = 2\n[scenario]\npaths = 0\n")
            .unwrap_err();
        assert_eq!(e.diagnostics.len(), 3);
    }
}
