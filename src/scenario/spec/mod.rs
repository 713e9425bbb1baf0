//! Input values as written (`DistSpec`) and their conversion to validated
//! distributions. A spec remembers the user's parametrisation so `check`,
//! `run.json` and the resolved scenario text can show it back.

use std::fmt::Write as _;

mod parse;

pub use parse::parse_spec;

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

#[cfg(test)]
mod tests;
