//! Rank correlations between inputs.
//!
//! A target Spearman ρ becomes a Pearson correlation r = 2·sin(πρ/6) between
//! normal scores (for a Gaussian copula this gives Spearman ρ exactly in
//! expectation), with Cholesky factor L.
//!
//! - Plain Monte Carlo: a Gaussian copula per path. The path's uniforms go
//!   to normal scores z = Φ⁻¹(u), are mixed (z' = L z) and return to
//!   uniforms u' = Φ(z'). Marginals are untouched.
//! - Latin hypercube: Iman–Conover on the strata ([`Copula::rearrange_strata`]),
//!   which changes only which path gets which stratum, so every input stays
//!   stratified (one draw per stratum) as well as keeping its distribution.

use rayon::prelude::*;

use crate::dist::special::{norm_cdf, norm_ppf};
use crate::scenario::{Correlation, InputId};
use crate::stats::rank::sorting_order;

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

impl Copula {
    /// Iman–Conover for Latin hypercube strata: `strata[c][p]` is the
    /// stratum (0..n) path `p` draws input column `c` from, and the copula's
    /// positions are columns of `strata`. Each correlated column's strata
    /// are reassigned to paths in the rank order of correlated normal
    /// scores, so each column stays a permutation of 0..n.
    ///
    /// The scores are the van der Waerden scores Φ⁻¹((stratum + ½)/n) of
    /// the independent strata. Their sample correlation (Cholesky factor Q)
    /// is taken out before L is put in (t = L Q⁻¹ s), so the rank
    /// correlations come out close to their targets even at few paths. The
    /// first correlated input keeps its strata. Sums run in fixed blocks in
    /// order, so the result does not depend on the thread count.
    pub fn rearrange_strata(&self, strata: &mut [Vec<u32>]) {
        let k = self.positions.len();
        let n = strata.first().map_or(0, Vec::len);
        if k < 2 || n < 2 {
            return;
        }
        let scores: Vec<Vec<f64>> = self
            .positions
            .iter()
            .map(|&c| {
                strata[c]
                    .par_iter()
                    .map(|&s| norm_ppf((f64::from(s) + 0.5) / n as f64))
                    .collect()
            })
            .collect();
        // Every column holds the same scores, permuted: one variance.
        let variance = dot(&scores[0], &scores[0]);
        let mut sample = vec![0.0; k * k];
        for i in 0..k {
            sample[i * k + i] = 1.0;
            for j in 0..i {
                let r = dot(&scores[i], &scores[j]) / variance;
                sample[i * k + j] = r;
                sample[j * k + i] = r;
            }
        }
        let mix = match cholesky(&sample, k) {
            Ok(q) if (0..k).all(|i| q[i * k + i] > 1e-3) => {
                multiply_lower(&self.l, &invert_lower(&q, k), k)
            }
            // Too few paths for a usable sample correlation: L alone.
            _ => self.l.clone(),
        };
        for (i, &column) in self.positions.iter().enumerate().skip(1) {
            let row = &mix[i * k..i * k + i + 1];
            let t: Vec<f64> = (0..n)
                .into_par_iter()
                .map(|p| row.iter().zip(&scores).map(|(m, s)| m * s[p]).sum())
                .collect();
            for (rank, &p) in sorting_order(&t).iter().enumerate() {
                strata[column][p as usize] = rank as u32;
            }
        }
    }
}

/// Σ aᵢbᵢ, summed in fixed blocks added in order (the same at any thread
/// count).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    const BLOCK: usize = 1 << 16;
    let blocks: Vec<f64> = a
        .par_chunks(BLOCK)
        .zip(b.par_chunks(BLOCK))
        .map(|(x, y)| x.iter().zip(y).map(|(p, q)| p * q).sum())
        .collect();
    blocks.iter().sum()
}

/// Inverse of a lower-triangular matrix with a non-zero diagonal
/// (row-major, k × k), by forward substitution.
fn invert_lower(q: &[f64], k: usize) -> Vec<f64> {
    let mut inv = vec![0.0; k * k];
    for c in 0..k {
        for i in c..k {
            let known: f64 = (c..i).map(|j| q[i * k + j] * inv[j * k + c]).sum();
            let target = if i == c { 1.0 } else { 0.0 };
            inv[i * k + c] = (target - known) / q[i * k + i];
        }
    }
    inv
}

/// Product of two lower-triangular matrices (row-major, k × k).
fn multiply_lower(a: &[f64], b: &[f64], k: usize) -> Vec<f64> {
    let mut m = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..=i {
            m[i * k + j] = (j..=i).map(|x| a[i * k + x] * b[x * k + j]).sum();
        }
    }
    m
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

    #[test]
    fn lower_triangular_inverse_and_product() {
        let q = [2.0, 0.0, 0.0, 1.0, 3.0, 0.0, -1.0, 0.5, 4.0];
        let identity = multiply_lower(&q, &invert_lower(&q, 3), 3);
        for i in 0..3 {
            for j in 0..3 {
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((identity[i * 3 + j] - want).abs() < 1e-15, "{identity:?}");
            }
        }
    }

    #[test]
    fn rearranged_strata_stay_permutations_and_follow_the_ranks() {
        let c = [Correlation {
            a: InputId::RateGwPerWeek,
            b: InputId::PerGwUsd,
            rank: -1.0,
        }];
        // Columns: 0 = an uncorrelated input, 1 = rate, 2 = cost per GW.
        let copula = Copula::new(&c, |id| if id == InputId::RateGwPerWeek { 1 } else { 2 })
            .unwrap()
            .unwrap();
        let n = 1000u32;
        let shuffled = |step: u32| (0..n).map(|p| (p * step + 7) % n).collect::<Vec<u32>>();
        let mut strata = vec![shuffled(3), shuffled(7), shuffled(11)];
        let before = strata.clone();
        copula.rearrange_strata(&mut strata);
        assert_eq!(strata[0], before[0], "uncorrelated columns untouched");
        assert_eq!(
            strata[1], before[1],
            "the first correlated input keeps its strata"
        );
        for (cost, rate) in strata[2].iter().zip(&strata[1]) {
            assert_eq!(*cost, n - 1 - rate, "rank −1 reverses the order exactly");
        }
    }
}
