//! Turning (seed, path index) into one path's input values and demand
//! shocks (SPEC §5).
//!
//! Every path has its own random streams of the portable ChaCha8 generator,
//! keyed by the seed: stream 2p gives path p's input uniforms, stream 2p+1
//! its monthly shocks. A path's numbers therefore never depend on which
//! thread draws it or on how many paths run before it, so results are
//! byte-identical at any thread count, and every sweep point sees the same
//! randomness (common random numbers).
//!
//! Each input has a fixed slot (its [`InputId`]): the path draws a uniform
//! for all 23 slots in order, whether or not the input is uncertain, so
//! making one input fixed does not shift the others' draws.

pub mod copula;
mod lhs;

use rand::rngs::ChaCha8Rng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, StandardNormal};

use crate::dist::Dist;
use crate::scenario::{InputId, Sampling, Scenario, N_INPUTS};
use copula::Copula;

/// Stream ids at and above this are reserved for per-input streams (LHS).
const INPUT_STREAM_BASE: u64 = 1 << 62;

/// The largest uniform capsim draws, 1 − 2⁻⁵³.
pub const U_MAX: f64 = 1.0 - 1.0 / (1u64 << 53) as f64;

/// Converts 64 random bits to a uniform in the open interval (0, 1): the
/// midpoint of one of 2⁵² equal cells, so never 0 or 1.
#[inline]
pub fn open_uniform(bits: u64) -> f64 {
    ((bits >> 12) as f64 + 0.5) * (1.0 / (1u64 << 52) as f64)
}

/// The ChaCha8 stream `id` under `key`.
#[inline]
pub fn stream(key: [u8; 32], id: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::from_seed(key);
    rng.set_stream(id);
    rng
}

/// Draws inputs and shocks for any path of one scenario.
#[derive(Debug, Clone)]
pub struct Sampler {
    /// ChaCha8 key derived from the seed (`seed_from_u64`).
    key: [u8; 32],
    paths: u64,
    /// Uncertain inputs with their distributions, in column order.
    uncertain: Vec<(InputId, Dist)>,
    /// Values of the fixed inputs (uncertain slots are overwritten).
    fixed: [f64; N_INPUTS],
    /// For LHS: each uncertain input's stratum per path (correlations
    /// already induced by rearranging them).
    strata: Option<Vec<Vec<u32>>>,
    /// For plain Monte Carlo with correlations: the per-path copula.
    copula: Option<Copula>,
}

impl Sampler {
    /// Prepares sampling for a scenario (builds LHS strata in parallel).
    ///
    /// # Errors
    /// When the correlation matrix is not positive semi-definite (the
    /// scenario validation rejects that earlier, with the pairs named).
    pub fn new(scenario: &Scenario) -> Result<Sampler, String> {
        let key = ChaCha8Rng::seed_from_u64(scenario.seed).get_seed();
        let uncertain: Vec<(InputId, Dist)> = scenario
            .inputs
            .iter()
            .filter(|i| i.is_uncertain())
            .map(|i| (i.id, i.dist.clone()))
            .collect();
        let mut fixed = [0.0; N_INPUTS];
        for input in &scenario.inputs {
            fixed[input.id as usize] = input.dist.fixed_value().unwrap_or(f64::NAN);
        }
        let not_definite = |row| format!("correlation matrix is not positive definite (row {row})");
        let ids: Vec<InputId> = uncertain.iter().map(|(id, _)| *id).collect();
        if let Some(c) = scenario
            .correlations
            .iter()
            .find(|c| !ids.contains(&c.a) || !ids.contains(&c.b))
        {
            return Err(format!(
                "correlation between {} and {}: both must be uncertain",
                c.a.key(),
                c.b.key()
            ));
        }
        let lhs = scenario.sampling == Sampling::LatinHypercube && !uncertain.is_empty();
        let (strata, copula) = if lhs {
            let mut strata = lhs::strata(key, INPUT_STREAM_BASE, &ids, scenario.paths);
            // Correlations by rearranging strata (Iman–Conover): positions
            // are columns of `strata`, i.e. places among the uncertain inputs.
            let column = |id| ids.iter().position(|&x| x == id).unwrap_or_default();
            if let Some(c) = Copula::new(&scenario.correlations, column).map_err(not_definite)? {
                c.rearrange_strata(&mut strata);
            }
            (Some(strata), None)
        } else {
            let copula =
                Copula::new(&scenario.correlations, |id| id as usize).map_err(not_definite)?;
            (None, copula)
        };
        Ok(Sampler {
            key,
            paths: scenario.paths,
            uncertain,
            fixed,
            strata,
            copula,
        })
    }

    /// The uncertain inputs, in the order [`Sampler::draw`] reports them.
    pub fn uncertain_ids(&self) -> Vec<InputId> {
        self.uncertain.iter().map(|(id, _)| *id).collect()
    }

    /// Path `path`'s input values into `x` (all inputs, by id) and the
    /// uncertain ones, in column order, into `drawn`.
    #[inline]
    pub fn draw(&self, path: u64, x: &mut [f64; N_INPUTS], drawn: &mut [f64]) {
        let mut rng = stream(self.key, 2 * path);
        let mut u = [0.0f64; N_INPUTS];
        for slot in u.iter_mut() {
            *slot = open_uniform(rng.next_u64());
        }
        if let Some(strata) = &self.strata {
            for ((id, _), column) in self.uncertain.iter().zip(strata) {
                let i = *id as usize;
                // The top stratum's (n − 1 + v)/n can round up to 1.
                u[i] = ((f64::from(column[path as usize]) + u[i]) / self.paths as f64).min(U_MAX);
            }
        }
        if let Some(c) = &self.copula {
            c.apply(&mut u);
        }
        *x = self.fixed;
        for ((id, dist), out) in self.uncertain.iter().zip(drawn.iter_mut()) {
            let v = dist.quantile(u[*id as usize]);
            x[*id as usize] = v;
            *out = v;
        }
    }

    /// Path `path`'s standard normal demand shocks Z(0), Z(1), … into `out`.
    #[inline]
    pub fn shocks(&self, path: u64, out: &mut [f64]) {
        let mut rng = stream(self.key, 2 * path + 1);
        for z in out.iter_mut() {
            *z = StandardNormal.sample(&mut rng);
        }
    }

    /// The LHS strata, one column per uncertain input in column order
    /// (`None` for plain Monte Carlo): each path's stratum orders the input's
    /// values, so the analysis can rank inputs without sorting them.
    pub fn into_strata(self) -> Option<Vec<Vec<u32>>> {
        self.strata
    }

    /// Bytes held by the LHS strata.
    pub fn heap_bytes(&self) -> usize {
        self.strata
            .as_ref()
            .map_or(0, |s| s.iter().map(|c| 4 * c.len()).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(extra: &str) -> Scenario {
        Scenario::from_str("t.toml", Some("t"), &format!("[scenario]\npaths = 1000\nseed = 9\n{extra}\n[build]\nrate_gw_per_week = {{ dist = \"uniform\", min = 0, max = 1 }}\n[cost]\nper_gw_usd = \"40B to 60B\"\n"), &[]).unwrap()
    }

    #[test]
    fn a_path_draws_the_same_whatever_else_is_drawn() {
        let s = Sampler::new(&scenario("")).unwrap();
        let (mut x1, mut x2) = ([0.0; N_INPUTS], [0.0; N_INPUTS]);
        let (mut d1, mut d2) = ([0.0; 2], [0.0; 2]);
        s.draw(17, &mut x1, &mut d1);
        s.draw(3, &mut x2, &mut d2);
        s.draw(17, &mut x2, &mut d2);
        assert_eq!(x1, x2);
        assert_eq!(d1, d2);
        assert_eq!(
            x1[InputId::TargetGw as usize],
            30.0,
            "fixed inputs keep their value"
        );
        let mut z1 = [0.0; 5];
        let mut z2 = [0.0; 5];
        s.shocks(17, &mut z1);
        s.shocks(17, &mut z2);
        assert_eq!(z1, z2);
        assert_ne!(z1[0], z1[1]);
    }

    #[test]
    fn latin_hypercube_puts_one_draw_in_each_stratum() {
        let s = Sampler::new(&scenario("sampling = \"lhs\"")).unwrap();
        let mut seen = vec![false; 1000];
        let (mut x, mut d) = ([0.0; N_INPUTS], [0.0; 2]);
        for p in 0..1000 {
            s.draw(p, &mut x, &mut d);
            let stratum = (d[0] * 1000.0) as usize; // uniform(0, 1): value = u
            assert!(!seen[stratum], "stratum {stratum} drawn twice");
            seen[stratum] = true;
        }
    }

    #[test]
    fn correlated_inputs_stay_stratified_under_latin_hypercube() {
        let s = Sampler::new(
            &Scenario::from_str(
                "t.toml",
                Some("t"),
                "[scenario]\npaths = 2000\nseed = 4\nsampling = \"lhs\"\n\
                 [build]\nrate_gw_per_week = { dist = \"uniform\", min = 0, max = 1 }\n\
                 [cost]\nutilization = { dist = \"uniform\", min = 0, max = 1 }\n\
                 [[correlations]]\na = \"build.rate_gw_per_week\"\nb = \"cost.utilization\"\nrank = -0.6\n",
                &[],
            )
            .unwrap(),
        )
        .unwrap();
        let n = 2000;
        let mut seen = vec![[false; 2]; n];
        let (mut x, mut d) = ([0.0; N_INPUTS], [0.0; 2]);
        let mut draws = Vec::new();
        for p in 0..n as u64 {
            s.draw(p, &mut x, &mut d);
            for (k, v) in d.iter().enumerate() {
                let stratum = (v * n as f64) as usize;
                assert!(
                    !seen[stratum][k],
                    "input {k}: stratum {stratum} drawn twice"
                );
                seen[stratum][k] = true;
            }
            draws.push(d);
        }
        // Both are uniform(0, 1), so ranks follow values: Spearman from the
        // strata directly.
        let rank = |v: f64| (v * n as f64).floor();
        let centre = (n as f64 - 1.0) / 2.0;
        let cov: f64 = draws
            .iter()
            .map(|d| (rank(d[0]) - centre) * (rank(d[1]) - centre))
            .sum();
        let var: f64 = (0..n).map(|r| (r as f64 - centre).powi(2)).sum();
        let spearman = cov / var;
        assert!(
            (spearman + 0.6).abs() < 0.01,
            "achieved {spearman}, target -0.6"
        );
    }

    #[test]
    fn the_top_stratum_stays_below_one() {
        let s = Sampler::new(&scenario("sampling = \"lhs\"")).unwrap();
        let (mut x, mut d) = ([0.0; N_INPUTS], [0.0; 2]);
        for p in 0..1000 {
            s.draw(p, &mut x, &mut d);
            assert!(d.iter().all(|v| v.is_finite()));
        }
        assert!(((999.0 + U_MAX) / 1000.0f64).min(U_MAX) < 1.0);
    }

    #[test]
    fn uniforms_are_open() {
        assert_eq!(open_uniform(0), 2f64.powi(-53));
        assert_eq!(open_uniform(u64::MAX), 1.0 - 2f64.powi(-53));
        assert_eq!(open_uniform(1 << 63), 0.5 + 2f64.powi(-53));
    }
}
