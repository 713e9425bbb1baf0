//! Normal distribution, optionally truncated to [min, max].

use super::special::{norm_cdf, norm_ppf, norm_sf};
use super::{finite, DistError};

/// A standard normal truncated to [alpha, beta] (in z units), sampled by
/// inverse CDF on the truncated range. Both tails keep full precision:
/// when the range lies above the mean the reflected range is used, and
/// probabilities above one half are taken from the upper tail (1 − p),
/// so no quantile is ever asked of a probability that rounded to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StdTruncation {
    /// Whether the range is reflected (alpha > 0).
    reflected: bool,
    /// CDF at the lower end of the (possibly reflected) range.
    cdf_lo: f64,
    /// Upper tail beyond the upper end of the (possibly reflected) range.
    sf_hi: f64,
    /// Probability mass inside the range.
    mass: f64,
    /// Whether there is any truncation at all.
    active: bool,
}

impl StdTruncation {
    /// # Errors
    /// When the range holds no probability that a double can represent.
    pub fn new(alpha: f64, beta: f64) -> Result<Self, DistError> {
        if alpha == f64::NEG_INFINITY && beta == f64::INFINITY {
            return Ok(StdTruncation {
                reflected: false,
                cdf_lo: 0.0,
                sf_hi: 0.0,
                mass: 1.0,
                active: false,
            });
        }
        let reflected = alpha > 0.0;
        let (lo, hi) = if reflected {
            (-beta, -alpha)
        } else {
            (alpha, beta)
        };
        let cdf_lo = norm_cdf(lo);
        let mass = norm_cdf(hi) - cdf_lo;
        if mass.is_nan() || mass <= 1e-300 {
            return Err(DistError::new(
                Some("min"),
                format!("the range [min, max] holds no probability of this distribution (it lies {:.1} standard deviations from the centre)", alpha.abs().min(beta.abs())),
                "widen min/max so they take in some of the distribution, or move its centre",
            ));
        }
        Ok(StdTruncation {
            reflected,
            cdf_lo,
            sf_hi: norm_sf(hi),
            mass,
            active: true,
        })
    }

    /// z-value at cumulative probability `u` of the truncated standard normal.
    #[inline]
    pub fn z(&self, u: f64) -> f64 {
        if !self.active {
            return norm_ppf(u);
        }
        let v = if self.reflected { 1.0 - u } else { u };
        let p = self.cdf_lo + v * self.mass;
        let z = if p <= 0.5 {
            norm_ppf(p)
        } else {
            -norm_ppf(self.sf_hi + (1.0 - v) * self.mass)
        };
        if self.reflected {
            -z
        } else {
            z
        }
    }
}

/// Normal(mean, sd) restricted to [lo, hi] (±∞ when not truncated).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TruncNormal {
    /// Mean of the untruncated normal.
    pub mean: f64,
    /// Standard deviation of the untruncated normal.
    pub sd: f64,
    /// Lower truncation (−∞ if none).
    pub lo: f64,
    /// Upper truncation (+∞ if none).
    pub hi: f64,
    trunc: StdTruncation,
}

impl TruncNormal {
    /// # Errors
    /// When `sd <= 0`, a parameter is not finite, `min >= max`, or the
    /// truncated range holds no probability.
    pub fn new(mean: f64, sd: f64, min: Option<f64>, max: Option<f64>) -> Result<Self, DistError> {
        let mean = finite("mean", mean)?;
        let sd = finite("sd", sd)?;
        if sd <= 0.0 {
            return Err(DistError::new(
                Some("sd"),
                format!("normal needs sd > 0, got sd = {sd}"),
                "give a positive standard deviation, or use a fixed value",
            ));
        }
        let (lo, hi) = truncation_bounds(min, max)?;
        let trunc = StdTruncation::new((lo - mean) / sd, (hi - mean) / sd)?;
        Ok(TruncNormal {
            mean,
            sd,
            lo,
            hi,
            trunc,
        })
    }

    /// Value at cumulative probability `u`.
    #[inline]
    pub fn quantile(&self, u: f64) -> f64 {
        (self.mean + self.sd * self.trunc.z(u)).clamp(self.lo, self.hi)
    }
}

/// Validates optional `min`/`max` truncation bounds and returns them with
/// ±∞ for the absent ones.
pub(crate) fn truncation_bounds(
    min: Option<f64>,
    max: Option<f64>,
) -> Result<(f64, f64), DistError> {
    let lo = match min {
        Some(v) => finite("min", v)?,
        None => f64::NEG_INFINITY,
    };
    let hi = match max {
        Some(v) => finite("max", v)?,
        None => f64::INFINITY,
    };
    if lo >= hi {
        return Err(DistError::new(
            Some("max"),
            format!("truncation needs min < max, got min = {lo} and max = {hi}"),
            "swap min and max, or drop one of them",
        ));
    }
    Ok((lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::testing::assert_sample_matches;

    /// Closed-form quantile of a truncated normal, computed the textbook way.
    fn reference(mean: f64, sd: f64, lo: f64, hi: f64, p: f64) -> f64 {
        use statrs::distribution::{ContinuousCDF, Normal};
        let n = Normal::new(mean, sd).unwrap();
        let (a, b) = (n.cdf(lo), n.cdf(hi));
        n.inverse_cdf(a + p * (b - a))
    }

    #[test]
    fn untruncated_matches_closed_form() {
        let d = TruncNormal::new(1.0, 0.3, None, None).unwrap();
        assert_eq!(d.quantile(0.5), 1.0);
        assert!((d.quantile(0.95) - (1.0 + 0.3 * 1.6448536269514722)).abs() < 1e-15);
        assert_sample_matches(
            |u| d.quantile(u),
            |p| reference(1.0, 0.3, f64::NEG_INFINITY, f64::INFINITY, p),
        );
    }

    #[test]
    fn truncation_keeps_the_shape_inside() {
        // growth = normal(100%, 30%) with min = -50% (SPEC example).
        let d = TruncNormal::new(1.0, 0.3, Some(-0.5), None).unwrap();
        for i in 1..100 {
            let p = f64::from(i) / 100.0;
            let want = reference(1.0, 0.3, -0.5, f64::INFINITY, p);
            assert!((d.quantile(p) - want).abs() < 1e-9, "p={p}");
        }
        // Exact values (40-digit mpmath).
        for (p, exact) in [
            (0.05, 0.506_544_704_031_815_5),
            (0.5, 1.000_000_107_779_340_3),
            (0.95, 1.493_456_129_775_919),
        ] {
            assert!((d.quantile(p) - exact).abs() < 4e-16, "p={p}");
        }
        // A window far in the upper tail keeps full precision.
        let d = TruncNormal::new(0.0, 1.0, Some(8.0), Some(9.0)).unwrap();
        let x = d.quantile(0.5);
        assert!(x > 8.0 && x < 8.2, "{x}");
        assert!(d.quantile(1e-9) >= 8.0 && d.quantile(1.0 - 1e-9) <= 9.0);
        // Two-sided, both tails.
        let d = TruncNormal::new(50.0, 10.0, Some(45.0), Some(70.0)).unwrap();
        assert_sample_matches(|u| d.quantile(u), |p| reference(50.0, 10.0, 45.0, 70.0, p));
    }

    #[test]
    fn bad_parameters() {
        assert_eq!(
            TruncNormal::new(0.0, 0.0, None, None).unwrap_err().param,
            Some("sd")
        );
        assert_eq!(
            TruncNormal::new(0.0, -1.0, None, None).unwrap_err().param,
            Some("sd")
        );
        assert_eq!(
            TruncNormal::new(0.0, 1.0, Some(2.0), Some(1.0))
                .unwrap_err()
                .param,
            Some("max")
        );
        assert!(TruncNormal::new(0.0, 1.0, Some(60.0), None).is_err());
        assert!(TruncNormal::new(f64::NAN, 1.0, None, None).is_err());
    }
}
