//! Uniform distribution on [min, max].

use super::{finite, DistError};

/// Uniform on [min, max], min < max.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Uniform {
    /// Lower end.
    pub min: f64,
    /// Upper end.
    pub max: f64,
}

impl Uniform {
    /// # Errors
    /// When a bound is not finite or `min >= max`.
    pub fn new(min: f64, max: f64) -> Result<Self, DistError> {
        let (min, max) = (finite("min", min)?, finite("max", max)?);
        if min >= max {
            return Err(DistError::new(
                Some("max"),
                format!("uniform needs min < max, got min = {min} and max = {max}"),
                "swap the bounds, or use a fixed value if they are equal",
            ));
        }
        Ok(Uniform { min, max })
    }

    /// Value at cumulative probability `u`.
    #[inline]
    pub fn quantile(&self, u: f64) -> f64 {
        (self.min + u * (self.max - self.min)).clamp(self.min, self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::testing::assert_sample_matches;

    #[test]
    fn quantiles_are_linear() {
        let d = Uniform::new(12.0, 24.0).unwrap();
        assert_eq!(d.quantile(0.5), 18.0);
        assert_eq!(d.quantile(0.05), 12.6);
        assert_sample_matches(|u| d.quantile(u), |p| 12.0 + 12.0 * p);
    }

    #[test]
    fn bad_parameters() {
        for (min, max) in [
            (1.0, 1.0),
            (2.0, 1.0),
            (f64::NAN, 1.0),
            (0.0, f64::INFINITY),
        ] {
            assert!(Uniform::new(min, max).is_err(), "{min} {max}");
        }
    }
}
