//! A verified interpolation table for the beta quantile, so drawing from a
//! beta or PERT costs a table lookup and a cubic, not a root-finder.
//!
//! Knots sit at u = k / [`KNOTS`] with their exact quantiles x_k and slopes
//! dx/du = 1 / pdf(x_k). Between knots the quantile is interpolated by the
//! cubic Hermite polynomial through both ends with both slopes. Each
//! interval is checked when the table is built: the cubic is compared with
//! the exact quantile at its midpoint, where the cubic's error
//! t²(1−t)²·x''''/24 peaks, and an interval that misses by more than a
//! quarter of [`TOLERANCE`] (near an end, where the quantile's derivatives
//! grow without bound) is marked to use exact inversion instead. Tables are
//! shared between distributions with the same shapes (sweep points rebuild
//! their scenarios but rarely change a shape).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use super::special::{beta_inc_inv_bracketed, beta_pdf};

/// Tables built so far, by the bits of their shapes.
type TableCache = HashMap<(u64, u64), Arc<QuantileTable>>;

/// Intervals in the table.
pub const KNOTS: usize = 4096;
/// Largest accepted interpolation error on [0, 1] (times the distribution's
/// width once scaled).
pub const TOLERANCE: f64 = 1e-12;

/// Beta(a, b) quantile by verified interpolation.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantileTable {
    a: f64,
    b: f64,
    ln_b: f64,
    x: Vec<f64>,
    slope: Vec<f64>,
    exact: Vec<bool>,
}

impl QuantileTable {
    /// Builds and verifies the table for shapes (a, b) with ln B(a, b).
    pub fn new(a: f64, b: f64, ln_b: f64) -> Self {
        let mut x = vec![0.0; KNOTS + 1];
        x[KNOTS] = 1.0;
        for (k, slot) in x.iter_mut().enumerate().take(KNOTS).skip(1) {
            *slot = beta_inc_inv_bracketed(a, b, ln_b, k as f64 / KNOTS as f64, 0.0, 1.0, 0.5);
        }
        let slope = x.iter().map(|&xk| 1.0 / beta_pdf(a, b, ln_b, xk)).collect();
        let mut table = QuantileTable {
            a,
            b,
            ln_b,
            x,
            slope,
            exact: vec![false; KNOTS],
        };
        for k in 0..KNOTS {
            table.exact[k] = !table.slope[k].is_finite()
                || !table.slope[k + 1].is_finite()
                || !table.interval_is_accurate(k);
        }
        table
    }

    fn exact_in(&self, k: usize, u: f64, guess: f64) -> f64 {
        beta_inc_inv_bracketed(
            self.a,
            self.b,
            self.ln_b,
            u,
            self.x[k],
            self.x[k + 1],
            guess,
        )
    }

    fn interval_is_accurate(&self, k: usize) -> bool {
        let u = (k as f64 + 0.5) / KNOTS as f64;
        let cubic = self.hermite(k, 0.5);
        (cubic - self.exact_in(k, u, cubic)).abs() <= 0.25 * TOLERANCE
    }

    /// The table for shapes (a, b), built once per process and shared.
    pub fn shared(a: f64, b: f64, ln_b: f64) -> Arc<QuantileTable> {
        static CACHE: OnceLock<Mutex<TableCache>> = OnceLock::new();
        let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
        let key = (a.to_bits(), b.to_bits());
        if let Some(t) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return t.clone();
        }
        let table = Arc::new(QuantileTable::new(a, b, ln_b));
        cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, table.clone());
        table
    }

    /// The cubic through knots k and k+1 at fraction t of the interval.
    #[inline]
    fn hermite(&self, k: usize, t: f64) -> f64 {
        let h = 1.0 / KNOTS as f64;
        let (t2, t3) = (t * t, t * t * t);
        (2.0 * t3 - 3.0 * t2 + 1.0) * self.x[k]
            + (t3 - 2.0 * t2 + t) * h * self.slope[k]
            + (3.0 * t2 - 2.0 * t3) * self.x[k + 1]
            + (t3 - t2) * h * self.slope[k + 1]
    }

    /// The quantile at `u` in (0, 1).
    #[inline]
    pub fn quantile(&self, u: f64) -> f64 {
        let pos = u * KNOTS as f64;
        let k = (pos as usize).min(KNOTS - 1);
        let t = pos - k as f64;
        let cubic = self.hermite(k, t).clamp(self.x[k], self.x[k + 1]);
        if self.exact[k] {
            self.exact_in(k, u, cubic)
        } else {
            cubic
        }
    }

    /// Share of intervals that need exact inversion (for tests and notes).
    pub fn exact_share(&self) -> f64 {
        self.exact.iter().filter(|&&e| e).count() as f64 / KNOTS as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::special::ln_beta;

    #[test]
    fn interpolation_stays_within_tolerance_of_exact_inversion() {
        for (a, b) in [
            (1.888_888_888_888_889, 4.111_111_111_111_111),
            (2.0, 5.0),
            (0.5, 0.5),
            (5.0, 1.5),
            (30.0, 7.0),
            (0.3, 0.9),
        ] {
            let ln_b = ln_beta(a, b);
            let table = QuantileTable::new(a, b, ln_b);
            assert!(
                table.exact_share() < 0.2,
                "a={a} b={b}: {} of intervals exact",
                table.exact_share()
            );
            for i in 0..4000 {
                let u = (f64::from(i) + 0.37) / 4000.0;
                let exact = beta_inc_inv_bracketed(a, b, ln_b, u, 0.0, 1.0, 0.5);
                let got = table.quantile(u);
                assert!(
                    (got - exact).abs() <= 2.0 * TOLERANCE,
                    "a={a} b={b} u={u}: {got} vs {exact}"
                );
            }
        }
    }
}
