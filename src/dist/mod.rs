//! Probability distributions for scenario inputs.
//!
//! Every family is sampled by its quantile function (inverse CDF), so the
//! same code serves plain Monte Carlo, Latin hypercube strata and the
//! Gaussian copula: a uniform `u` in (0, 1) goes in, a value comes out.
//! Constructors validate their parameters and return `Result`; sampling
//! cannot fail. Truncation (`min`/`max` on normal and lognormal) maps `u`
//! onto the truncated range of the CDF, it never clamps.

mod beta;
pub mod beta_table;
mod discrete;
pub mod lognormal;
mod normal;
pub mod special;
mod triangular;
mod uniform;

pub use beta::ScaledBeta;
pub use discrete::Discrete;
pub use lognormal::{LogNormal, LogNormalParams};
pub use normal::TruncNormal;
pub use triangular::Triangular;
pub use uniform::Uniform;

/// A parameter problem found while building a distribution.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct DistError {
    /// The parameter key at fault (e.g. `mode`), when one is.
    pub param: Option<&'static str>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl DistError {
    /// A problem with parameter `param`.
    pub fn new(
        param: Option<&'static str>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        DistError {
            param,
            message: message.into(),
            help: help.into(),
        }
    }
}

/// Checks that a parameter is a finite number.
pub(crate) fn finite(param: &'static str, x: f64) -> Result<f64, DistError> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(DistError::new(
            Some(param),
            format!("`{param}` must be a finite number, got {x}"),
            "write an ordinary number",
        ))
    }
}

/// The closed range [lo, hi] holding all of a distribution's mass.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Support {
    /// Lowest possible value (may be −∞).
    pub lo: f64,
    /// Highest possible value (may be +∞).
    pub hi: f64,
    /// True when single values carry no probability (every family but
    /// `fixed` and `discrete`), so a bound at an open domain edge is fine.
    pub continuous: bool,
}

/// A validated distribution, ready to sample.
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    /// A single value.
    Fixed(f64),
    /// Uniform on [min, max].
    Uniform(Uniform),
    /// Triangular on [min, max] with a mode.
    Triangular(Triangular),
    /// Beta on [min, max] (also PERT).
    Beta(ScaledBeta),
    /// Normal, optionally truncated.
    Normal(TruncNormal),
    /// Lognormal, optionally truncated.
    LogNormal(LogNormal),
    /// Finite set of values with weights.
    Discrete(Discrete),
}

impl Dist {
    /// The value at cumulative probability `u` in (0, 1).
    #[inline]
    pub fn quantile(&self, u: f64) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Uniform(d) => d.quantile(u),
            Dist::Triangular(d) => d.quantile(u),
            Dist::Beta(d) => d.quantile(u),
            Dist::Normal(d) => d.quantile(u),
            Dist::LogNormal(d) => d.quantile(u),
            Dist::Discrete(d) => d.quantile(u),
        }
    }

    /// Whether every draw gives the same value.
    pub fn is_fixed(&self) -> bool {
        matches!(self, Dist::Fixed(_))
    }

    /// The fixed value, if the distribution is fixed.
    pub fn fixed_value(&self) -> Option<f64> {
        match self {
            Dist::Fixed(v) => Some(*v),
            _ => None,
        }
    }

    /// The range that holds all of the distribution's mass.
    pub fn support(&self) -> Support {
        let continuous = |lo, hi| Support {
            lo,
            hi,
            continuous: true,
        };
        match self {
            Dist::Fixed(v) => Support {
                lo: *v,
                hi: *v,
                continuous: false,
            },
            Dist::Uniform(d) => continuous(d.min, d.max),
            Dist::Triangular(d) => continuous(d.min, d.max),
            Dist::Beta(d) => continuous(d.min, d.max),
            Dist::Normal(d) => continuous(d.lo, d.hi),
            Dist::LogNormal(d) => continuous(d.lo, d.hi),
            Dist::Discrete(d) => Support {
                lo: d.lowest(),
                hi: d.highest(),
                continuous: false,
            },
        }
    }

    /// The points that carry probability, for `fixed` and `discrete`.
    pub fn atoms(&self) -> Option<Vec<f64>> {
        match self {
            Dist::Fixed(v) => Some(vec![*v]),
            Dist::Discrete(d) => Some(d.values().to_vec()),
            _ => None,
        }
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers shared by the families' tests.

    /// Sorted quantile of a sample (linear interpolation).
    pub fn empirical_quantile(sorted: &[f64], p: f64) -> f64 {
        let h = (sorted.len() - 1) as f64 * p;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(sorted.len() - 1);
        sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
    }

    /// Draws `n` values by feeding pseudo-random uniforms to `quantile`,
    /// sorted.
    pub fn sample_sorted(n: usize, quantile: impl Fn(f64) -> f64) -> Vec<f64> {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(7);
        let mut xs: Vec<f64> = (0..n)
            .map(|_| quantile(rng.random::<f64>().max(1e-300)))
            .collect();
        xs.sort_by(f64::total_cmp);
        xs
    }

    /// Asserts that sampled quantiles at the usual levels sit within `tol`
    /// (relative to the distribution's P5–P95 spread) of the closed form.
    pub fn assert_sample_matches(quantile: impl Fn(f64) -> f64, closed_form: impl Fn(f64) -> f64) {
        let xs = sample_sorted(200_000, &quantile);
        let spread = closed_form(0.95) - closed_form(0.05);
        for &p in &[0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99] {
            let got = empirical_quantile(&xs, p);
            let want = closed_form(p);
            assert!(
                (got - want).abs() <= 0.01 * spread,
                "P{}: sampled {got} vs closed form {want}",
                p * 100.0
            );
        }
    }
}
