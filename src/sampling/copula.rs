//! Gaussian copula for rank correlations between inputs.
//!
//! A target Spearman ρ becomes a Pearson correlation r = 2·sin(πρ/6) between
//! normal scores (for a Gaussian copula this gives Spearman ρ exactly in
//! expectation). Each path's uniforms go to normal scores z = Φ⁻¹(u), are
//! mixed by the Cholesky factor L (z' = L z) and return to uniforms
//! u' = Φ(z'). Marginals are untouched: every input keeps its distribution.

use crate::dist::special::{norm_cdf, norm_ppf};
use crate::scenario::{Correlation, InputId};

/// The copula's Pearson matrix (row-major, n × n) over `ids`.
pub fn pearson_matrix(ids: &[InputId], correlations: &[Correlation]) -> Vec<f64> {
    let n = ids.len();
    let mut m = vec![0.0; n * n];
    for i in 0..n {
        m[i * n + i] = 1.0;
    }
    let index = |id: InputId| ids.iter().position(|&x| x == id);
    for c in correlations {
        if let (Some(i), Some(j)) = (index(c.a), index(c.b)) {
            // ±1 stays exact (sin(π/6) rounds to 0.49999999999999994).
            let r = if c.rank.abs() == 1.0 {
                c.rank
            } else {
                2.0 * libm::sin(std::f64::consts::PI * c.rank / 6.0)
            };
            m[i * n + j] = r;
            m[j * n + i] = r;
        }
    }
    m
}

/// Lower-triangular Cholesky factor of a symmetric positive semi-definite
/// matrix (row-major, n × n). A zero pivot (perfect correlation) is allowed
/// when the rest of its column is zero too.
///
/// # Errors
/// The first row at which the matrix proves not positive semi-definite.
pub fn cholesky(m: &[f64], n: usize) -> Result<Vec<f64>, usize> {
    const TOL: f64 = 1e-10;
    let mut l = vec![0.0; n * n];
    for j in 0..n {
        let mut d = m[j * n + j];
        for k in 0..j {
            d -= l[j * n + k] * l[j * n + k];
        }
        if d < -TOL {
            return Err(j);
        }
        let pivot = d.max(0.0).sqrt();
        l[j * n + j] = pivot;
        for i in j + 1..n {
            let mut s = m[i * n + j];
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k];
            }
            if pivot > TOL.sqrt() {
                l[i * n + j] = s / pivot;
            } else if s.abs() > 1e-8 {
                return Err(i.max(j));
            }
        }
    }
    Ok(l)
}

/// The copula over some of a path's uniforms.
#[derive(Debug, Clone)]
pub struct Copula {
    /// Positions (in the caller's array of uniforms) of the correlated inputs.
    positions: Vec<usize>,
    /// Cholesky factor, row-major.
    l: Vec<f64>,
}

impl Copula {
    /// Builds the copula for correlations between inputs; `position` maps an
    /// input to its place in the uniforms array. `None` when there are no
    /// correlations.
    ///
    /// # Errors
    /// When the matrix is not positive semi-definite (the scenario
    /// validation reports this earlier, with the pairs named).
    pub fn new(
        correlations: &[Correlation],
        position: impl Fn(InputId) -> usize,
    ) -> Result<Option<Copula>, usize> {
        if correlations.is_empty() {
            return Ok(None);
        }
        let mut ids: Vec<InputId> = correlations.iter().flat_map(|c| [c.a, c.b]).collect();
        ids.sort();
        ids.dedup();
        let l = cholesky(&pearson_matrix(&ids, correlations), ids.len())?;
        Ok(Some(Copula {
            positions: ids.into_iter().map(position).collect(),
            l,
        }))
    }

    /// Replaces the correlated uniforms in `u` by their correlated versions.
    #[inline]
    pub fn apply(&self, u: &mut [f64]) {
        let n = self.positions.len();
        let mut z = [0.0f64; crate::scenario::N_INPUTS];
        for (i, &p) in self.positions.iter().enumerate() {
            z[i] = norm_ppf(u[p]);
        }
        for (i, &p) in self.positions.iter().enumerate().rev() {
            let row = &self.l[i * n..i * n + i + 1];
            let mixed: f64 = row.iter().zip(&z[..=i]).map(|(a, b)| a * b).sum();
            u[p] = norm_cdf(mixed).clamp(f64::MIN_POSITIVE, 1.0 - f64::EPSILON / 2.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_reproduces_the_matrix() {
        let m = [1.0, 0.5, 0.2, 0.5, 1.0, 0.3, 0.2, 0.3, 1.0];
        let l = cholesky(&m, 3).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|k| l[i * 3 + k] * l[j * 3 + k]).sum();
                assert!((v - m[i * 3 + j]).abs() < 1e-15);
            }
        }
    }

    #[test]
    fn rejects_indefinite_and_accepts_perfect() {
        let bad = [1.0, 0.9, 0.9, 0.9, 1.0, -0.9, 0.9, -0.9, 1.0];
        assert_eq!(cholesky(&bad, 3), Err(2));
        let perfect = [1.0, 1.0, 1.0, 1.0];
        let l = cholesky(&perfect, 2).unwrap();
        assert_eq!(l, vec![1.0, 0.0, 1.0, 0.0]);
    }

    #[test]
    fn spearman_conversion() {
        let c = [Correlation {
            a: InputId::PerGwUsd,
            b: InputId::RateGwPerWeek,
            rank: 0.3,
        }];
        let m = pearson_matrix(&[InputId::RateGwPerWeek, InputId::PerGwUsd], &c);
        assert!((m[1] - 2.0 * (std::f64::consts::PI * 0.3 / 6.0).sin()).abs() < 1e-16);
        assert_eq!(
            pearson_matrix(
                &[InputId::RateGwPerWeek, InputId::PerGwUsd],
                &[Correlation { rank: 1.0, ..c[0] }]
            )[1],
            1.0
        );
    }

    #[test]
    fn apply_keeps_the_first_input_and_mixes_the_second() {
        let c = [Correlation {
            a: InputId::RateGwPerWeek,
            b: InputId::PerGwUsd,
            rank: 1.0,
        }];
        let copula = Copula::new(&c, |id| id as usize).unwrap().unwrap();
        let mut u = [0.5f64; crate::scenario::N_INPUTS];
        u[InputId::RateGwPerWeek as usize] = 0.2;
        u[InputId::PerGwUsd as usize] = 0.9;
        copula.apply(&mut u);
        assert!((u[InputId::RateGwPerWeek as usize] - 0.2).abs() < 1e-15);
        assert!(
            (u[InputId::PerGwUsd as usize] - 0.2).abs() < 1e-12,
            "perfect correlation copies the rank"
        );
    }
}
