//! Lognormal distribution in any of its common parametrisations, optionally
//! truncated to [min, max].

use super::normal::{truncation_bounds, StdTruncation};
use super::special::{Z75, Z90, Z95};
use super::{finite, DistError};

/// How the user described a lognormal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LogNormalParams {
    /// μ and σ of ln X.
    MuSigma(f64, f64),
    /// Median of X and σ of ln X.
    MedianSigma(f64, f64),
    /// Mean and standard deviation of X.
    MeanSd(f64, f64),
    /// 5th and 95th percentiles.
    P5P95(f64, f64),
    /// 10th and 90th percentiles.
    P10P90(f64, f64),
    /// 25th and 75th percentiles.
    P25P75(f64, f64),
}

/// X with ln X ~ Normal(mu, sigma), restricted to [lo, hi].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogNormal {
    /// Mean of ln X.
    pub mu: f64,
    /// Standard deviation of ln X.
    pub sigma: f64,
    /// Lower truncation in X (0 if none).
    pub lo: f64,
    /// Upper truncation in X (+∞ if none).
    pub hi: f64,
    trunc: StdTruncation,
}

fn positive(param: &'static str, x: f64) -> Result<f64, DistError> {
    let x = finite(param, x)?;
    if x <= 0.0 {
        return Err(DistError::new(
            Some(param),
            format!("lognormal needs `{param}` > 0, got {x}"),
            "a lognormal only takes positive values; use a normal for quantities that can be zero or negative",
        ));
    }
    Ok(x)
}

fn from_percentiles(
    lo_key: &'static str,
    hi_key: &'static str,
    lo: f64,
    hi: f64,
    z: f64,
) -> Result<(f64, f64), DistError> {
    let (lo, hi) = (positive(lo_key, lo)?, positive(hi_key, hi)?);
    if lo >= hi {
        return Err(DistError::new(
            Some(hi_key),
            format!("lognormal needs {lo_key} < {hi_key}, got {lo} and {hi}"),
            format!("swap {lo_key} and {hi_key}"),
        ));
    }
    let (l, h) = (libm::log(lo), libm::log(hi));
    Ok((0.5 * (l + h), (h - l) / (2.0 * z)))
}

impl LogNormalParams {
    /// Converts to (μ, σ) of ln X.
    ///
    /// # Errors
    /// When a parameter is out of range.
    pub fn mu_sigma(self) -> Result<(f64, f64), DistError> {
        let sigma_ok = |s: f64| -> Result<f64, DistError> {
            let s = finite("sigma", s)?;
            if s <= 0.0 {
                return Err(DistError::new(
                    Some("sigma"),
                    format!("lognormal needs sigma > 0, got {s}"),
                    "give a positive sigma (the standard deviation of ln X)",
                ));
            }
            Ok(s)
        };
        match self {
            LogNormalParams::MuSigma(mu, s) => Ok((finite("mu", mu)?, sigma_ok(s)?)),
            LogNormalParams::MedianSigma(m, s) => {
                Ok((libm::log(positive("median", m)?), sigma_ok(s)?))
            }
            LogNormalParams::MeanSd(mean, sd) => {
                let (mean, sd) = (positive("mean", mean)?, positive("sd", sd)?);
                let var = libm::log1p((sd / mean) * (sd / mean));
                Ok((libm::log(mean) - 0.5 * var, libm::sqrt(var)))
            }
            LogNormalParams::P5P95(a, b) => from_percentiles("p5", "p95", a, b, Z95),
            LogNormalParams::P10P90(a, b) => from_percentiles("p10", "p90", a, b, Z90),
            LogNormalParams::P25P75(a, b) => from_percentiles("p25", "p75", a, b, Z75),
        }
    }
}

impl LogNormal {
    /// # Errors
    /// When a parameter is out of range or the truncation holds no mass.
    pub fn new(
        params: LogNormalParams,
        min: Option<f64>,
        max: Option<f64>,
    ) -> Result<Self, DistError> {
        let (mu, sigma) = params.mu_sigma()?;
        let (lo, hi) = truncation_bounds(min, max)?;
        if hi <= 0.0 {
            return Err(DistError::new(Some("max"), format!("lognormal truncated at max = {hi} holds no probability: its values are all > 0"), "use a positive max"));
        }
        let lo = lo.max(0.0);
        let log_lo = if lo > 0.0 {
            libm::log(lo)
        } else {
            f64::NEG_INFINITY
        };
        let log_hi = if hi.is_finite() {
            libm::log(hi)
        } else {
            f64::INFINITY
        };
        let trunc = StdTruncation::new((log_lo - mu) / sigma, (log_hi - mu) / sigma)?;
        Ok(LogNormal {
            mu,
            sigma,
            lo,
            hi,
            trunc,
        })
    }

    /// Value at cumulative probability `u`.
    #[inline]
    pub fn quantile(&self, u: f64) -> f64 {
        libm::exp(self.mu + self.sigma * self.trunc.z(u)).clamp(self.lo, self.hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::testing::assert_sample_matches;
    use statrs::distribution::{ContinuousCDF, LogNormal as Reference};

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    #[test]
    fn percentile_forms_hit_their_percentiles() {
        let d = LogNormal::new(LogNormalParams::P5P95(40e9, 60e9), None, None).unwrap();
        assert!(rel(d.quantile(0.05), 40e9) < 1e-14);
        assert!(rel(d.quantile(0.95), 60e9) < 1e-14);
        assert!(rel(d.quantile(0.5), (40e9f64 * 60e9).sqrt()) < 1e-14);
        let d = LogNormal::new(LogNormalParams::P10P90(2.0, 8.0), None, None).unwrap();
        assert!(rel(d.quantile(0.10), 2.0) < 1e-14 && rel(d.quantile(0.90), 8.0) < 1e-14);
        let d = LogNormal::new(LogNormalParams::P25P75(2.0, 8.0), None, None).unwrap();
        assert!(rel(d.quantile(0.25), 2.0) < 1e-14 && rel(d.quantile(0.75), 8.0) < 1e-14);
    }

    #[test]
    fn moment_and_median_forms() {
        let (mu, s) = LogNormalParams::MeanSd(10.0, 5.0).mu_sigma().unwrap();
        // E[X] = exp(mu + s²/2), Var = (exp(s²)-1) exp(2mu+s²)
        assert!(rel((mu + s * s / 2.0).exp(), 10.0) < 1e-14);
        assert!(
            rel(
                (((s * s).exp() - 1.0) * (2.0 * mu + s * s).exp()).sqrt(),
                5.0
            ) < 1e-14
        );
        let d = LogNormal::new(LogNormalParams::MedianSigma(3.0, 0.5), None, None).unwrap();
        assert!(rel(d.quantile(0.5), 3.0) < 1e-15);
        let d = LogNormal::new(LogNormalParams::MuSigma(0.2, 0.7), None, None).unwrap();
        let r = Reference::new(0.2, 0.7).unwrap();
        // Exact values (40-digit mpmath) and a looser cross-check against
        // statrs, whose erfc is good to ~1e-10 relative.
        for (p, exact) in [
            (0.01, 0.239_681_693_782_527_4),
            (0.5, 1.221_402_758_160_169_8),
            (0.99, 6.224_191_235_042_178),
        ] {
            assert!(rel(d.quantile(p), exact) < 2e-15, "p={p}");
        }
        for i in 1..100 {
            let p = f64::from(i) / 100.0;
            assert!(rel(d.quantile(p), r.inverse_cdf(p)) < 1e-9, "p={p}");
        }
        assert_sample_matches(|u| d.quantile(u), |p| r.inverse_cdf(p));
    }

    #[test]
    fn truncation_is_inverse_cdf_on_the_range() {
        let d = LogNormal::new(LogNormalParams::MuSigma(0.0, 1.0), Some(0.5), Some(3.0)).unwrap();
        let r = Reference::new(0.0, 1.0).unwrap();
        let (a, b) = (r.cdf(0.5), r.cdf(3.0));
        // Checked through the reference CDF (statrs' own inverse is only
        // good to ~1e-11; ours agrees with a 40-digit mpmath value:
        // quantile(0.58) = 1.3006212005350455949...).
        for i in 1..100 {
            let p = f64::from(i) / 100.0;
            assert!(
                (r.cdf(d.quantile(p)) - (a + p * (b - a))).abs() < 1e-10,
                "p={p}"
            );
        }
        assert!(rel(d.quantile(0.58), 1.300_621_200_535_045_6) < 1e-15);
        assert_sample_matches(|u| d.quantile(u), |p| r.inverse_cdf(a + p * (b - a)));
    }

    #[test]
    fn bad_parameters() {
        let e = |p, min, max| LogNormal::new(p, min, max).unwrap_err().param;
        assert_eq!(
            e(LogNormalParams::P5P95(60.0, 40.0), None, None),
            Some("p95")
        );
        assert_eq!(e(LogNormalParams::P5P95(0.0, 40.0), None, None), Some("p5"));
        assert_eq!(
            e(LogNormalParams::MuSigma(0.0, 0.0), None, None),
            Some("sigma")
        );
        assert_eq!(
            e(LogNormalParams::MeanSd(-1.0, 1.0), None, None),
            Some("mean")
        );
        assert_eq!(
            e(LogNormalParams::MedianSigma(1.0, 1.0), None, Some(-1.0)),
            Some("max")
        );
        assert!(LogNormal::new(LogNormalParams::MuSigma(0.0, 0.1), Some(1e6), None).is_err());
    }
}
