//! Beta distribution scaled to [min, max]; PERT is a beta with shapes set
//! from (min, mode, max, λ).
//!
//! The quantile inverts the regularised incomplete beta. Shapes 1 on either
//! side have closed forms; otherwise a verified interpolation table
//! ([`QuantileTable`]) gives the quantile within 1e-12 of the width, using
//! exact inversion near the ends where interpolation would not be that
//! accurate.

use std::sync::Arc;

use super::beta_table::QuantileTable;
use super::special::ln_beta;
use super::{finite, DistError};

/// Beta(alpha, beta) on [min, max].
#[derive(Debug, Clone, PartialEq)]
pub struct ScaledBeta {
    /// First shape.
    pub alpha: f64,
    /// Second shape.
    pub beta: f64,
    /// Lower end.
    pub min: f64,
    /// Upper end.
    pub max: f64,
    /// Interpolation table (absent when a closed form applies).
    table: Option<Arc<QuantileTable>>,
}

impl ScaledBeta {
    /// # Errors
    /// When a shape is not positive or `min >= max`.
    pub fn new(alpha: f64, beta: f64, min: f64, max: f64) -> Result<Self, DistError> {
        for (key, v) in [("alpha", alpha), ("beta", beta)] {
            let v = finite(key, v)?;
            if v <= 0.0 {
                return Err(DistError::new(
                    Some(key),
                    format!("beta needs {key} > 0, got {v}"),
                    "both shapes must be positive numbers",
                ));
            }
        }
        let (min, max) = (finite("min", min)?, finite("max", max)?);
        if min >= max {
            return Err(DistError::new(
                Some("max"),
                format!("beta needs min < max, got min = {min} and max = {max}"),
                "swap the bounds (the default range is [0, 1])",
            ));
        }
        let ln_b = ln_beta(alpha, beta);
        let table = (alpha != 1.0 && beta != 1.0).then(|| QuantileTable::shared(alpha, beta, ln_b));
        Ok(ScaledBeta {
            alpha,
            beta,
            min,
            max,
            table,
        })
    }

    /// PERT on [min, max] with the given mode and λ (4 by default).
    ///
    /// # Errors
    /// When `min >= max`, the mode is outside, or `λ < 0`.
    pub fn pert(min: f64, mode: f64, max: f64, lambda: f64) -> Result<Self, DistError> {
        let (min, mode, max, lambda) = (
            finite("min", min)?,
            finite("mode", mode)?,
            finite("max", max)?,
            finite("lambda", lambda)?,
        );
        if min >= max {
            return Err(DistError::new(
                Some("max"),
                format!("pert needs min < max, got min = {min} and max = {max}"),
                "swap the bounds, or use a fixed value if they are equal",
            ));
        }
        if !(min..=max).contains(&mode) {
            return Err(DistError::new(
                Some("mode"),
                format!("pert needs min <= mode <= max, got mode = {mode} outside [{min}, {max}]"),
                "put the mode between min and max",
            ));
        }
        if lambda < 0.0 {
            return Err(DistError::new(
                Some("lambda"),
                format!("pert needs lambda >= 0, got {lambda}"),
                "the usual value is 4 (leave lambda out)",
            ));
        }
        let width = max - min;
        Self::new(
            1.0 + lambda * (mode - min) / width,
            1.0 + lambda * (max - mode) / width,
            min,
            max,
        )
    }

    /// Quantile of the unscaled Beta(alpha, beta) on [0, 1].
    #[inline]
    pub fn unit_quantile(&self, u: f64) -> f64 {
        let (a, b) = (self.alpha, self.beta);
        if a == 1.0 && b == 1.0 {
            return u;
        }
        if a == 1.0 {
            return -libm::expm1(libm::log1p(-u) / b);
        }
        if b == 1.0 {
            return libm::pow(u, 1.0 / a);
        }
        match &self.table {
            Some(table) => table.quantile(u),
            None => u,
        }
    }

    /// Value at cumulative probability `u`.
    #[inline]
    pub fn quantile(&self, u: f64) -> f64 {
        (self.min + (self.max - self.min) * self.unit_quantile(u)).clamp(self.min, self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::beta_table::TOLERANCE;
    use crate::dist::testing::assert_sample_matches;
    use statrs::distribution::{Beta, ContinuousCDF};

    #[test]
    fn matches_the_incomplete_beta_everywhere() {
        for (a, b) in [
            (2.0, 3.0),
            (1.888_888, 4.111_111),
            (0.5, 0.5),
            (5.0, 1.0),
            (1.0, 5.0),
            (1.0, 1.0),
            (40.0, 3.0),
            (0.3, 0.9),
        ] {
            let d = ScaledBeta::new(a, b, 0.0, 1.0).unwrap();
            let r = Beta::new(a, b).unwrap();
            for &p in &[
                1e-9, 1e-4, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.9999,
            ] {
                let x = d.quantile(p);
                // Check through the CDF: x is within the table's tolerance
                // of the exact quantile, so F(x) is within pdf(x) times it.
                use statrs::distribution::Continuous;
                let allowed =
                    1e-11 * p.max(0.01) + r.pdf(x) * 2.0 * crate::dist::beta_table::TOLERANCE;
                assert!(
                    (r.cdf(x) - p).abs() < allowed,
                    "a={a} b={b} p={p} x={x} cdf={}",
                    r.cdf(x)
                );
            }
            assert_sample_matches(|u| d.quantile(u), |p| r.inverse_cdf(p));
        }
    }

    #[test]
    fn pert_shapes_and_scaling() {
        // SPEC: Beta(1+λ(mode−min)/(max−min), 1+λ(max−mode)/(max−min)).
        let d = ScaledBeta::pert(0.1, 0.3, 1.0, 4.0).unwrap();
        assert!((d.alpha - (1.0 + 4.0 * 0.2 / 0.9)).abs() < 1e-15);
        assert!((d.beta - (1.0 + 4.0 * 0.7 / 0.9)).abs() < 1e-15);
        let r = Beta::new(d.alpha, d.beta).unwrap();
        for &p in &[0.05, 0.5, 0.95] {
            assert!((d.quantile(p) - (0.1 + 0.9 * r.inverse_cdf(p))).abs() < 1e-9);
        }
        // Exact values (40-digit mpmath).
        for (p, exact) in [
            (0.05, 0.159_858_134_823_789_6),
            (0.5, 0.363_853_277_660_869_7),
            (0.95, 0.673_833_800_212_594_8),
        ] {
            assert!((d.quantile(p) - exact).abs() <= 0.9 * TOLERANCE, "p={p}");
        }
        let b25 = ScaledBeta::new(2.0, 5.0, 0.0, 1.0).unwrap();
        for (p, exact) in [
            (0.05, 0.062_849_891_708_354_38),
            (0.5, 0.264_449_983_295_659_96),
            (0.95, 0.581_803_409_252_025_9),
        ] {
            assert!((b25.quantile(p) - exact).abs() <= TOLERANCE, "p={p}");
        }
        let far = ScaledBeta::new(0.2, 3.0, 0.0, 1.0).unwrap();
        assert!(
            (far.quantile(1e-12) / 2.495_343_537_242_618e-61 - 1.0).abs() < 1e-13,
            "far lower tail"
        );
        // λ = 0 is uniform; a symmetric PERT has its median at the mode.
        let u = ScaledBeta::pert(2.0, 3.0, 4.0, 0.0).unwrap();
        assert!((u.quantile(0.25) - 2.5).abs() < 1e-15);
        let s = ScaledBeta::pert(2.0, 3.0, 4.0, 4.0).unwrap();
        assert!((s.quantile(0.5) - 3.0).abs() < 1e-12);
        // Mode at an end: closed form.
        let e = ScaledBeta::pert(0.0, 0.0, 1.0, 4.0).unwrap();
        assert!((e.quantile(0.5) - (1.0 - 0.5f64.powf(0.2))).abs() < 1e-15);
    }

    #[test]
    fn bad_parameters() {
        assert_eq!(
            ScaledBeta::new(0.0, 1.0, 0.0, 1.0).unwrap_err().param,
            Some("alpha")
        );
        assert_eq!(
            ScaledBeta::new(1.0, -2.0, 0.0, 1.0).unwrap_err().param,
            Some("beta")
        );
        assert_eq!(
            ScaledBeta::new(1.0, 2.0, 1.0, 1.0).unwrap_err().param,
            Some("max")
        );
        assert_eq!(
            ScaledBeta::pert(0.0, 2.0, 1.0, 4.0).unwrap_err().param,
            Some("mode")
        );
        assert_eq!(
            ScaledBeta::pert(0.0, 0.5, 1.0, -1.0).unwrap_err().param,
            Some("lambda")
        );
    }
}
