//! Second stage of loading: turn the raw values into a typed [`Scenario`],
//! building every distribution and enforcing SPEC §3.2 (domains, orderings,
//! correlations) with a located, fixable message for each problem.

use std::path::PathBuf;

use super::correlations::correlations;
use super::domain::check_domain;
use super::error::{closest, Diagnostic, Diagnostics, Loc};
use super::keys::{InputDef, INPUTS};
use super::node::{Node, Value};
use super::raw::{is_valid_name, RawScenario, RawValue};
use super::spec::{parse_spec, DistSpec};
use super::value::number;
use super::{Correlation, Input, Origin, OutputSettings, Sampling, Scenario};
use crate::dist::{Dist, DistError};
use crate::output::format::plain_number;
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
                        Some(slug(&n))
                            .filter(|s| is_valid_name(s))
                            .unwrap_or_else(|| "my-scenario".to_string())
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
    let mut warnings: Vec<String> = warnings.into_iter().flatten().collect();
    // E.g. an empty file: legal (every key is optional), rarely meant. A
    // file whose [[variants]] set the inputs is meant for `compare`.
    if raw.variants.is_empty() && INPUTS.iter().all(|def| get(def.key).is_none()) {
        warnings.insert(
            0,
            format!(
                "{}: no model input is set, so every input takes its default \
                 (docs/model.md#inputs lists them)",
                raw.top.source
            ),
        );
    }
    let correlations: Vec<Correlation> = correlations.into_iter().flatten().collect();

    if let (Some(start), Some(months)) = (start, months) {
        if start.plus(months - 1).year > 9999 {
            diags.push(Diagnostic::new(
                get("scenario.start").map_or(&raw.top, |v| &v.node.loc),
                "scenario.start",
                format!("the horizon runs past the year 9999 (start {start}, {months} months)"),
                "start earlier or shorten horizon_years",
            ));
        }
    }
    let output_dir = match get("output.dir") {
        Some(v) => diags.take(output_dir(v)),
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

fn output_dir(v: &RawValue) -> Result<PathBuf, Diagnostic> {
    let dir = text(v, "output.dir")?;
    if dir.trim().is_empty() || dir.chars().any(char::is_control) {
        return Err(Diagnostic::new(
            &v.node.loc,
            "output.dir",
            format!("{dir:?} is not a usable folder name"),
            "write a folder path such as dir = \"outputs/my-plan\", or leave dir out for outputs/<name>",
        ));
    }
    Ok(PathBuf::from(dir))
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
    check_domain(def, &spec, &dist, &v.node)?;
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

#[cfg(test)]
mod tests;
