//! Triangular distribution on [min, max] with a mode.

use super::{finite, DistError};

/// Triangular on [min, max], min ≤ mode ≤ max, min < max.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Triangular {
    /// Lower end.
    pub min: f64,
    /// Most likely value.
    pub mode: f64,
    /// Upper end.
    pub max: f64,
}

impl Triangular {
    /// # Errors
    /// When a parameter is not finite, `min >= max` or the mode is outside.
    pub fn new(min: f64, mode: f64, max: f64) -> Result<Self, DistError> {
        let (min, mode, max) = (
            finite("min", min)?,
            finite("mode", mode)?,
            finite("max", max)?,
        );
        if min >= max {
            return Err(DistError::new(
                Some("max"),
                format!("triangular needs min < max, got min = {min} and max = {max}"),
                "swap the bounds, or use a fixed value if they are equal",
            ));
        }
        if !(min..=max).contains(&mode) {
            return Err(DistError::new(
                Some("mode"),
                format!(
                    "triangular needs min <= mode <= max, got mode = {mode} outside [{min}, {max}]"
                ),
                "put the mode between min and max",
            ));
        }
        Ok(Triangular { min, mode, max })
    }

    /// Value at cumulative probability `u`.
    #[inline]
    pub fn quantile(&self, u: f64) -> f64 {
        let (a, c, b) = (self.min, self.mode, self.max);
        let width = b - a;
        let split = (c - a) / width;
        let x = if u < split {
            a + libm::sqrt(u * width * (c - a))
        } else {
            b - libm::sqrt((1.0 - u) * width * (b - c))
        };
        x.clamp(a, b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::testing::assert_sample_matches;
    use statrs::distribution::{ContinuousCDF, Triangular as Reference};

    #[test]
    fn matches_closed_form() {
        for (a, c, b) in [
            (40.0, 70.0, 120.0),
            (1.5, 3.0, 5.0),
            (0.0, 0.0, 1.0),
            (0.0, 1.0, 1.0),
        ] {
            let d = Triangular::new(a, c, b).unwrap();
            let r = Reference::new(a, b, c).unwrap();
            for i in 1..100 {
                let p = f64::from(i) / 100.0;
                let (ours, theirs) = (d.quantile(p), r.inverse_cdf(p));
                assert!(
                    (ours - theirs).abs() < 1e-9 * (b - a),
                    "{a} {c} {b} p={p}: {ours} vs {theirs}"
                );
            }
            assert_sample_matches(|u| d.quantile(u), |p| r.inverse_cdf(p));
        }
        // Hand-computed: median of triangular(40, 70, 120) = 120 - sqrt(0.5*80*50).
        let d = Triangular::new(40.0, 70.0, 120.0).unwrap();
        assert!((d.quantile(0.5) - (120.0 - 2000f64.sqrt())).abs() < 1e-12);
    }

    #[test]
    fn bad_parameters() {
        assert!(Triangular::new(1.0, 1.0, 1.0).is_err());
        assert_eq!(
            Triangular::new(1.0, 5.0, 3.0).unwrap_err().param,
            Some("mode")
        );
        assert_eq!(
            Triangular::new(3.0, 2.0, 1.0).unwrap_err().param,
            Some("max")
        );
    }
}
