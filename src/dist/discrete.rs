//! Discrete distribution over a finite set of values with weights.

use super::{finite, DistError};

/// Values with probabilities, sorted ascending so the quantile function is
/// monotone (which Latin hypercube strata and the copula rely on).
#[derive(Debug, Clone, PartialEq)]
pub struct Discrete {
    values: Vec<f64>,
    /// Cumulative probability up to and including each value.
    cumulative: Vec<f64>,
}

impl Discrete {
    /// `weights` default to equal. Values with zero weight are dropped;
    /// repeated values have their weights added.
    ///
    /// # Errors
    /// When there are no values, the lengths differ, a weight is negative or
    /// not finite, or the weights sum to zero.
    pub fn new(values: &[f64], weights: Option<&[f64]>) -> Result<Self, DistError> {
        if values.is_empty() {
            return Err(DistError::new(
                Some("values"),
                "discrete needs at least one value",
                "write values = [1, 2, 3]",
            ));
        }
        for &v in values {
            finite("values", v)?;
        }
        let equal = vec![1.0; values.len()];
        let weights = weights.unwrap_or(&equal);
        if weights.len() != values.len() {
            return Err(DistError::new(
                Some("weights"),
                format!(
                    "discrete has {} values but {} weights",
                    values.len(),
                    weights.len()
                ),
                "give one weight per value, or leave weights out for equal weights",
            ));
        }
        for &w in weights {
            if !(w.is_finite() && w >= 0.0) {
                return Err(DistError::new(
                    Some("weights"),
                    format!("weights must be finite and >= 0, got {w}"),
                    "use non-negative weights; they need not sum to 1",
                ));
            }
        }
        let total: f64 = weights.iter().sum();
        if total <= 0.0 {
            return Err(DistError::new(
                Some("weights"),
                "the weights sum to 0",
                "give at least one value a positive weight",
            ));
        }
        let mut pairs: Vec<(f64, f64)> = values
            .iter()
            .zip(weights)
            .filter(|(_, &w)| w > 0.0)
            .map(|(&v, &w)| (v, w))
            .collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut merged: Vec<(f64, f64)> = Vec::with_capacity(pairs.len());
        for (v, w) in pairs {
            match merged.last_mut() {
                Some(last) if last.0 == v => last.1 += w,
                _ => merged.push((v, w)),
            }
        }
        let mut acc = 0.0;
        let cumulative = merged
            .iter()
            .map(|&(_, w)| {
                acc += w;
                acc / total
            })
            .collect();
        Ok(Discrete {
            values: merged.iter().map(|p| p.0).collect(),
            cumulative,
        })
    }

    /// The distinct values with positive weight, ascending.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Smallest value.
    pub fn lowest(&self) -> f64 {
        self.values[0]
    }

    /// Largest value.
    pub fn highest(&self) -> f64 {
        self.values[self.values.len() - 1]
    }

    /// Value at cumulative probability `u`: the first value whose cumulative
    /// probability exceeds `u`.
    #[inline]
    pub fn quantile(&self, u: f64) -> f64 {
        let i = self.cumulative.partition_point(|&c| c <= u);
        self.values[i.min(self.values.len() - 1)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::testing::sample_sorted;

    #[test]
    fn quantile_steps_at_cumulative_weights() {
        let d = Discrete::new(&[3.0, 1.0, 2.0], Some(&[1.0, 2.0, 1.0])).unwrap();
        assert_eq!(d.values(), &[1.0, 2.0, 3.0]);
        assert_eq!(d.quantile(0.1), 1.0);
        assert_eq!(d.quantile(0.49), 1.0);
        assert_eq!(d.quantile(0.5), 2.0);
        assert_eq!(d.quantile(0.74), 2.0);
        assert_eq!(d.quantile(0.76), 3.0);
        let xs = sample_sorted(100_000, |u| d.quantile(u));
        let share_of_ones = xs.iter().filter(|&&x| x == 1.0).count() as f64 / xs.len() as f64;
        assert!((share_of_ones - 0.5).abs() < 0.01, "{share_of_ones}");
    }

    #[test]
    fn zero_weights_and_duplicates() {
        let d = Discrete::new(&[5.0, 5.0, 9.0], Some(&[1.0, 1.0, 0.0])).unwrap();
        assert_eq!(d.values(), &[5.0]);
        let d = Discrete::new(&[4.0, 6.0], None).unwrap();
        assert_eq!((d.quantile(0.25), d.quantile(0.75)), (4.0, 6.0));
    }

    #[test]
    fn bad_parameters() {
        let e = |v: &[f64], w: Option<&[f64]>| Discrete::new(v, w).unwrap_err().param;
        assert_eq!(e(&[], None), Some("values"));
        assert_eq!(e(&[1.0, 2.0], Some(&[1.0])), Some("weights"));
        assert_eq!(e(&[1.0, 2.0], Some(&[1.0, -1.0])), Some("weights"));
        assert_eq!(e(&[1.0, 2.0], Some(&[0.0, 0.0])), Some("weights"));
        assert_eq!(e(&[1.0, f64::NAN], None), Some("values"));
    }
}
