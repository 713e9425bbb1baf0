//! Input values as written (`DistSpec`) and their conversion to validated
//! distributions. A spec remembers the user's parametrisation so `check`,
//! `run.json` and the resolved scenario text can show it back.

use std::fmt::Write as _;

use super::error::{closest, Diagnostic, Loc};
use super::node::{Node, Value};
use super::value::{number, number_list, parse_scalar_text, split_interval, Scalar};
use crate::dist::lognormal::LogNormalParams;
use crate::dist::special::Z95;
use crate::dist::{
    Discrete, Dist, DistError, LogNormal, ScaledBeta, Triangular, TruncNormal, Uniform,
};

/// Distribution families of the `dist` key, plus the two shorthand forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// A bare number, or `dist = "fixed"`.
    Fixed,
    /// `"A to B"`: 90% interval (lognormal when A > 0, else normal).
    Interval,
    /// `uniform`.
    Uniform,
    /// `triangular`.
    Triangular,
    /// `pert`.
    Pert,
    /// `normal`.
    Normal,
    /// `lognormal`.
    Lognormal,
    /// `beta`.
    Beta,
    /// `discrete`.
    Discrete,
}

/// Names accepted for `dist`.
pub const FAMILY_NAMES: [&str; 8] = [
    "fixed",
    "uniform",
    "triangular",
    "pert",
    "normal",
    "lognormal",
    "beta",
    "discrete",
];

impl Family {
    fn from_name(name: &str) -> Option<Family> {
        Some(match name {
            "fixed" => Family::Fixed,
            "uniform" => Family::Uniform,
            "triangular" => Family::Triangular,
            "pert" => Family::Pert,
            "normal" => Family::Normal,
            "lognormal" => Family::Lognormal,
            "beta" => Family::Beta,
            "discrete" => Family::Discrete,
            _ => return None,
        })
    }

    /// The `dist` name (or `interval`).
    pub fn name(self) -> &'static str {
        match self {
            Family::Fixed => "fixed",
            Family::Interval => "interval",
            Family::Uniform => "uniform",
            Family::Triangular => "triangular",
            Family::Pert => "pert",
            Family::Normal => "normal",
            Family::Lognormal => "lognormal",
            Family::Beta => "beta",
            Family::Discrete => "discrete",
        }
    }

    /// Keys the family's table accepts (besides `dist`).
    fn keys(self) -> &'static [&'static str] {
        match self {
            Family::Fixed => &["value"],
            Family::Interval => &[],
            Family::Uniform => &["min", "max"],
            Family::Triangular => &["min", "mode", "max"],
            Family::Pert => &["min", "mode", "max", "lambda"],
            Family::Normal => &["mean", "sd", "min", "max"],
            Family::Lognormal => &[
                "mu", "median", "sigma", "mean", "sd", "p5", "p95", "p10", "p90", "p25", "p75",
                "min", "max",
            ],
            Family::Beta => &["alpha", "beta", "min", "max"],
            Family::Discrete => &["values", "weights"],
        }
    }
}

/// A parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    /// A number.
    Num(f64),
    /// A list of numbers (`discrete`).
    List(Vec<f64>),
}

/// An input's value as the user wrote it, normalised to plain numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct DistSpec {
    /// The family.
    pub family: Family,
    /// Parameters in the family's key order.
    pub params: Vec<(&'static str, Param)>,
}

impl DistSpec {
    /// A fixed value.
    pub fn fixed(v: f64) -> Self {
        DistSpec {
            family: Family::Fixed,
            params: vec![("value", Param::Num(v))],
        }
    }

    fn num(&self, key: &str) -> Option<f64> {
        self.params
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, p)| match p {
                Param::Num(x) => Some(*x),
                Param::List(_) => None,
            })
    }

    fn list(&self, key: &str) -> Option<&[f64]> {
        self.params
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, p)| match p {
                Param::List(x) => Some(x.as_slice()),
                Param::Num(_) => None,
            })
    }

    /// For `"A to B"` with A ≤ 0: the equivalent normal's mean and sd.
    pub fn interval_normal(&self) -> Option<(f64, f64)> {
        let (a, b) = (self.num("p5")?, self.num("p95")?);
        (self.family == Family::Interval && a <= 0.0)
            .then(|| (0.5 * (a + b), (b - a) / (2.0 * Z95)))
    }

    /// The spec as a TOML value, e.g. `{ dist = "pert", min = 0.1, ... }`.
    pub fn to_toml(&self) -> String {
        use crate::output::format::plain_number as n;
        match self.family {
            Family::Fixed => n(self.num("value").unwrap_or(f64::NAN)),
            Family::Interval => format!(
                "\"{} to {}\"",
                n(self.num("p5").unwrap_or(f64::NAN)),
                n(self.num("p95").unwrap_or(f64::NAN))
            ),
            family => {
                let mut s = format!("{{ dist = \"{}\"", family.name());
                for (k, p) in &self.params {
                    let v = match p {
                        Param::Num(x) => n(*x),
                        Param::List(xs) => format!(
                            "[{}]",
                            xs.iter().map(|&x| n(x)).collect::<Vec<_>>().join(", ")
                        ),
                    };
                    let _ = write!(s, ", {k} = {v}");
                }
                s.push_str(" }");
                s
            }
        }
    }

    /// Builds the validated distribution.
    ///
    /// # Errors
    /// The parameter problem, naming the parameter when there is one.
    pub fn build(&self) -> Result<Dist, DistError> {
        let req = |k: &'static str| {
            self.num(k).ok_or_else(|| {
                DistError::new(
                    Some(k),
                    format!("{} needs `{k}`", self.family.name()),
                    format!("add {k} = ..."),
                )
            })
        };
        let opt = |k: &str| self.num(k);
        Ok(match self.family {
            Family::Fixed => {
                let v = crate::dist::finite("value", req("value")?)?;
                Dist::Fixed(v)
            }
            Family::Interval => {
                let (a, b) = (req("p5")?, req("p95")?);
                if a >= b {
                    return Err(DistError::new(
                        None,
                        format!("an interval \"A to B\" needs A < B, got {a} and {b}"),
                        "write the smaller number first, e.g. \"40B to 60B\"",
                    ));
                }
                if a > 0.0 {
                    Dist::LogNormal(LogNormal::new(LogNormalParams::P5P95(a, b), None, None)?)
                } else {
                    let (mean, sd) = self.interval_normal().unwrap_or((0.0, 0.0));
                    Dist::Normal(TruncNormal::new(mean, sd, None, None)?)
                }
            }
            Family::Uniform => Dist::Uniform(Uniform::new(req("min")?, req("max")?)?),
            Family::Triangular => {
                Dist::Triangular(Triangular::new(req("min")?, req("mode")?, req("max")?)?)
            }
            Family::Pert => Dist::Beta(ScaledBeta::pert(
                req("min")?,
                req("mode")?,
                req("max")?,
                opt("lambda").unwrap_or(4.0),
            )?),
            Family::Normal => Dist::Normal(TruncNormal::new(
                req("mean")?,
                req("sd")?,
                opt("min"),
                opt("max"),
            )?),
            Family::Lognormal => Dist::LogNormal(LogNormal::new(
                self.lognormal_params()?,
                opt("min"),
                opt("max"),
            )?),
            Family::Beta => Dist::Beta(ScaledBeta::new(
                req("alpha")?,
                req("beta")?,
                opt("min").unwrap_or(0.0),
                opt("max").unwrap_or(1.0),
            )?),
            Family::Discrete => {
                let values = self.list("values").ok_or_else(|| {
                    DistError::new(
                        Some("values"),
                        "discrete needs `values`",
                        "add values = [1, 2, 3]",
                    )
                })?;
                let d = Discrete::new(values, self.list("weights"))?;
                if d.values().len() == 1 {
                    Dist::Fixed(d.values()[0])
                } else {
                    Dist::Discrete(d)
                }
            }
        })
    }

    fn lognormal_params(&self) -> Result<LogNormalParams, DistError> {
        const FORMS: [(&str, &str); 6] = [
            ("mu", "sigma"),
            ("median", "sigma"),
            ("mean", "sd"),
            ("p5", "p95"),
            ("p10", "p90"),
            ("p25", "p75"),
        ];
        let has = |k: &str| self.num(k).is_some();
        let complete: Vec<(&str, &str)> = FORMS
            .iter()
            .copied()
            .filter(|(a, b)| has(a) && has(b))
            .collect();
        let help = "give exactly one of: mu + sigma, median + sigma, mean + sd, p5 + p95, p10 + p90, p25 + p75";
        match complete.as_slice() {
            [(a, b)] => {
                let stray: Vec<&str> = FORMS
                    .iter()
                    .flat_map(|(x, y)| [*x, *y])
                    .filter(|k| has(k) && k != a && k != b)
                    .collect();
                if let Some(k) = stray.first() {
                    let k: &'static str = FORMS
                        .iter()
                        .flat_map(|(x, y)| [*x, *y])
                        .find(|x| x == k)
                        .unwrap_or("mu");
                    return Err(DistError::new(
                        Some(k),
                        format!("lognormal given both {a} + {b} and `{k}`"),
                        help,
                    ));
                }
                let (x, y) = (
                    self.num(a).unwrap_or(f64::NAN),
                    self.num(b).unwrap_or(f64::NAN),
                );
                Ok(match *a {
                    "mu" => LogNormalParams::MuSigma(x, y),
                    "median" => LogNormalParams::MedianSigma(x, y),
                    "mean" => LogNormalParams::MeanSd(x, y),
                    "p5" => LogNormalParams::P5P95(x, y),
                    "p10" => LogNormalParams::P10P90(x, y),
                    _ => LogNormalParams::P25P75(x, y),
                })
            }
            [] => Err(DistError::new(
                None,
                "lognormal needs one complete parametrisation",
                help,
            )),
            _ => Err(DistError::new(
                None,
                "lognormal given more than one parametrisation",
                help,
            )),
        }
    }

    /// A short human description, e.g. `pert(min 0.1, mode 0.3, max 1)`.
    pub fn describe(&self, fmt: impl Fn(f64) -> String) -> String {
        match self.family {
            Family::Fixed => fmt(self.num("value").unwrap_or(f64::NAN)),
            Family::Interval => {
                let kind = if self.num("p5").unwrap_or(0.0) > 0.0 {
                    "lognormal"
                } else {
                    "normal"
                };
                format!(
                    "{} to {} (90%, {kind})",
                    fmt(self.num("p5").unwrap_or(f64::NAN)),
                    fmt(self.num("p95").unwrap_or(f64::NAN))
                )
            }
            family => {
                let parts: Vec<String> = self
                    .params
                    .iter()
                    .map(|(k, p)| match p {
                        Param::Num(x)
                            if matches!(*k, "lambda" | "alpha" | "beta" | "mu" | "sigma") =>
                        {
                            format!("{k} {}", crate::output::format::plain_number(*x))
                        }
                        Param::Num(x) => format!("{k} {}", fmt(*x)),
                        Param::List(xs) if *k == "weights" => format!(
                            "weights [{}]",
                            xs.iter()
                                .map(|&x| crate::output::format::plain_number(x))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        Param::List(xs) => format!(
                            "{k} [{}]",
                            xs.iter().map(|&x| fmt(x)).collect::<Vec<_>>().join(", ")
                        ),
                    })
                    .collect();
                format!("{}({})", family.name(), parts.join(", "))
            }
        }
    }
}

/// Reads an input's value node into a spec.
///
/// # Errors
/// A diagnostic at the offending value or key.
pub fn parse_spec(node: &Node, key: &str) -> Result<DistSpec, Diagnostic> {
    let expected = "write a number (30, \"40B\", \"5%\"), a 90% interval (\"40B to 60B\") or a table such as { dist = \"uniform\", min = 12, max = 24 }";
    match &node.value {
        Value::Integer(_) | Value::Float(_) => Ok(DistSpec::fixed(number(node, key)?)),
        Value::Str(s) => {
            match parse_scalar_text(s) {
                Ok(Scalar::Number(x)) => Ok(DistSpec::fixed(x)),
                Ok(Scalar::Interval(a, b)) => {
                    if a >= b {
                        let (what, help) = if a == b {
                            (
                                "both ends are equal".to_string(),
                                format!(
                                    "for a single value write just the number, e.g. \"{}\"",
                                    split_interval(s).map_or(s.as_str(), |(a, _)| a).trim()
                                ),
                            )
                        } else {
                            (
                                "the first number is the larger".to_string(),
                                "write the smaller number first, e.g. \"40B to 60B\"".to_string(),
                            )
                        };
                        return Err(Diagnostic::new(
                        &node.loc,
                        key,
                        format!("the interval \"{s}\" needs A < B (a 90% interval from A to B): {what}"),
                        help,
                    ));
                    }
                    Ok(DistSpec {
                        family: Family::Interval,
                        params: vec![("p5", Param::Num(a)), ("p95", Param::Num(b))],
                    })
                }
                Err(e) => Err(Diagnostic::new(&node.loc, key, e, expected)),
            }
        }
        Value::Table(entries) => parse_table(node, entries, key),
        other => Err(Diagnostic::new(
            &node.loc,
            key,
            format!(
                "expected a number, an interval or a distribution table, got {}",
                other.kind()
            ),
            expected,
        )),
    }
}

fn parse_table(
    node: &Node,
    entries: &[super::node::Entry],
    key: &str,
) -> Result<DistSpec, Diagnostic> {
    let Some(dist_entry) = entries.iter().find(|e| e.key == "dist") else {
        let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
        let guess = match keys.as_slice() {
            k if k.contains(&"mode") && k.contains(&"lambda") => "pert",
            k if k.contains(&"mode") => "triangular",
            k if k.contains(&"mean") && k.contains(&"sd") => "normal",
            k if k.contains(&"values") => "discrete",
            k if k.contains(&"value") => "fixed",
            _ => "uniform",
        };
        return Err(Diagnostic::new(
            &node.loc,
            key,
            "a distribution table needs a `dist` key",
            format!(
                "add dist = \"{guess}\" (one of {})",
                FAMILY_NAMES.join(", ")
            ),
        ));
    };
    let name = match &dist_entry.node.value {
        Value::Str(s) => s.as_str(),
        other => {
            return Err(Diagnostic::new(
                &dist_entry.node.loc,
                format!("{key}.dist"),
                format!("expected a string, got {}", other.kind()),
                format!(
                    "write dist = \"uniform\" (one of {})",
                    FAMILY_NAMES.join(", ")
                ),
            ))
        }
    };
    let Some(family) = Family::from_name(name) else {
        let help = match closest(name, FAMILY_NAMES) {
            Some(c) => format!(
                "did you mean \"{c}\"? capsim knows {}",
                FAMILY_NAMES.join(", ")
            ),
            None => format!("use one of {}", FAMILY_NAMES.join(", ")),
        };
        return Err(Diagnostic::new(
            &dist_entry.node.loc,
            format!("{key}.dist"),
            format!("unknown distribution \"{name}\""),
            help,
        ));
    };
    let mut params = Vec::new();
    for entry in entries.iter().filter(|e| e.key != "dist") {
        let Some(&k) = family.keys().iter().find(|&&k| k == entry.key) else {
            return Err(unknown_param(family, &entry.key, &entry.key_loc, key));
        };
        let full = format!("{key}.{k}");
        let p = if matches!(k, "values" | "weights") {
            Param::List(number_list(&entry.node, &full)?)
        } else {
            Param::Num(number(&entry.node, &full)?)
        };
        params.push((k, p));
    }
    // Keep the family's key order so the resolved text is canonical.
    params.sort_by_key(|(k, _)| family.keys().iter().position(|x| x == k));
    Ok(DistSpec { family, params })
}

fn unknown_param(family: Family, param: &str, loc: &Loc, key: &str) -> Diagnostic {
    let keys = family.keys();
    let mut help = match closest(param, keys.iter().copied()) {
        Some(c) => format!("did you mean `{c}`? "),
        None => String::new(),
    };
    let owner = FAMILY_NAMES
        .iter()
        .filter_map(|n| Family::from_name(n))
        .find(|f| f.keys().contains(&param));
    if let (Some(owner), Family::Normal) = (owner, family) {
        if owner == Family::Lognormal && param.starts_with('p') {
            help.push_str("a normal takes mean and sd; for a 90% interval write \"A to B\" (normal when A <= 0). ");
        }
    } else if let Some(owner) = owner {
        help.push_str(&format!("`{param}` belongs to {}. ", owner.name()));
    }
    help.push_str(&format!("{} takes {}", family.name(), keys.join(", ")));
    Diagnostic::new(
        loc,
        format!("{key}.{}", super::raw::toml_key(param)),
        format!(
            "unknown key `{}` for a {} distribution",
            super::raw::toml_key(param),
            family.name()
        ),
        help,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::node::parse_value;
    use std::sync::Arc;

    fn spec(text: &str) -> Result<DistSpec, Diagnostic> {
        let node = parse_value(&Arc::from("t"), text).unwrap();
        parse_spec(&node, "k")
    }

    #[test]
    fn every_form_parses_and_builds() {
        let cases = [
            ("30", Family::Fixed),
            ("\"40B\"", Family::Fixed),
            ("\"40B to 60B\"", Family::Interval),
            ("{ dist = \"fixed\", value = \"5%\" }", Family::Fixed),
            (
                "{ dist = \"uniform\", min = 12, max = 24 }",
                Family::Uniform,
            ),
            (
                "{ dist = \"triangular\", min = 40, mode = 70, max = 120 }",
                Family::Triangular,
            ),
            (
                "{ dist = \"pert\", min = 0.1, mode = 0.3, max = 1.0 }",
                Family::Pert,
            ),
            (
                "{ dist = \"pert\", min = 0.1, mode = 0.3, max = 1.0, lambda = 6 }",
                Family::Pert,
            ),
            (
                "{ dist = \"normal\", mean = \"100%\", sd = \"30%\", min = \"-50%\" }",
                Family::Normal,
            ),
            (
                "{ dist = \"lognormal\", mu = 0, sigma = 1 }",
                Family::Lognormal,
            ),
            (
                "{ dist = \"lognormal\", median = \"40B\", sigma = 0.2 }",
                Family::Lognormal,
            ),
            (
                "{ dist = \"lognormal\", mean = 10, sd = 2, max = 30 }",
                Family::Lognormal,
            ),
            (
                "{ dist = \"lognormal\", p5 = 1, p95 = 3 }",
                Family::Lognormal,
            ),
            (
                "{ dist = \"lognormal\", p10 = 1, p90 = 3, min = 0.5 }",
                Family::Lognormal,
            ),
            (
                "{ dist = \"lognormal\", p25 = 1, p75 = 3 }",
                Family::Lognormal,
            ),
            ("{ dist = \"beta\", alpha = 2, beta = 5 }", Family::Beta),
            (
                "{ dist = \"beta\", alpha = 2, beta = 5, min = 2, max = 3 }",
                Family::Beta,
            ),
            (
                "{ dist = \"discrete\", values = [4, 5, 6], weights = [1, 2, 1] }",
                Family::Discrete,
            ),
            (
                "{ dist = \"discrete\", values = [\"2T\", \"3T\"] }",
                Family::Discrete,
            ),
        ];
        for (text, family) in cases {
            let s = spec(text).unwrap_or_else(|d| panic!("{text}: {d}"));
            assert_eq!(s.family, family, "{text}");
            s.build().unwrap_or_else(|e| panic!("{text}: {e}"));
        }
        let s = spec("\"-10% to 30%\"").unwrap();
        assert!(matches!(s.build().unwrap(), Dist::Normal(_)));
        assert!((s.interval_normal().unwrap().0 - 0.1).abs() < 1e-16);
    }

    #[test]
    fn problems_are_named() {
        let d = spec("{ min = 1, max = 2 }").unwrap_err();
        assert!(d.help.unwrap().contains("dist = \"uniform\""));
        let d = spec("{ dist = \"unifrom\", min = 1, max = 2 }").unwrap_err();
        assert_eq!(d.key, "k.dist");
        assert!(d.help.unwrap().contains("did you mean \"uniform\""));
        let d = spec("{ dist = \"normal\", mean = 1, sd = 1, p5 = 3 }").unwrap_err();
        assert_eq!(d.key, "k.p5");
        let d = spec("{ dist = \"uniform\", min = 1, maxx = 2 }").unwrap_err();
        assert!(d.help.unwrap().contains("did you mean `max`"));
        assert!(spec("\"60B to 40B\"").is_err());
        assert!(spec("true").is_err());
        assert!(spec("\"abc\"").is_err());
        assert!(spec("{ dist = \"lognormal\", p5 = 1 }")
            .unwrap()
            .build()
            .is_err());
        assert!(
            spec("{ dist = \"lognormal\", p5 = 1, p95 = 2, mu = 0, sigma = 1 }")
                .unwrap()
                .build()
                .is_err()
        );
        assert_eq!(
            spec("{ dist = \"pert\", min = 1, max = 2 }")
                .unwrap()
                .build()
                .unwrap_err()
                .param,
            Some("mode")
        );
    }

    #[test]
    fn round_trips_through_toml_text() {
        for text in [
            "30",
            "\"40000000000 to 60000000000\"",
            "{ dist = \"pert\", min = 0.1, mode = 0.3, max = 1 }",
            "{ dist = \"discrete\", values = [1, 2], weights = [3, 1] }",
        ] {
            let s = spec(text).unwrap();
            assert_eq!(s.to_toml(), text);
            assert_eq!(spec(&s.to_toml()).unwrap(), s);
        }
    }
}
