//! Special functions the distributions need: the standard normal CDF and
//! quantile, and the regularised incomplete beta function with its inverse.
//!
//! All transcendental calls go through the pure-Rust `libm`, so results do
//! not depend on the platform's C library.

/// Φ⁻¹(0.95): the z-score of a 90% central interval's upper end.
pub const Z95: f64 = 1.6448536269514722;
/// Φ⁻¹(0.90).
pub const Z90: f64 = 1.2815515655446004;
/// Φ⁻¹(0.75).
pub const Z75: f64 = 0.6744897501960817;

/// Standard normal CDF Φ(x), accurate in both tails.
pub fn norm_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x * std::f64::consts::FRAC_1_SQRT_2)
}

/// Standard normal upper tail 1 − Φ(x), accurate for large x.
pub fn norm_sf(x: f64) -> f64 {
    0.5 * libm::erfc(x * std::f64::consts::FRAC_1_SQRT_2)
}

/// Standard normal density φ(x).
pub fn norm_pdf(x: f64) -> f64 {
    const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;
    INV_SQRT_2PI * libm::exp(-0.5 * x * x)
}

// AS 241 coefficients, lowest degree first (shortest f64 forms of Wichura's).
const PPF_A: [f64; 8] = [
    3.3871328727963665,
    133.14166789178438,
    1971.5909503065513,
    13731.69376550946,
    45921.95393154987,
    67265.7709270087,
    33430.57558358813,
    2509.0809287301227,
];
const PPF_B: [f64; 8] = [
    1.0,
    42.31333070160091,
    687.1870074920579,
    5394.196021424751,
    21213.794301586597,
    39307.89580009271,
    28729.085735721943,
    5226.495278852854,
];
const PPF_C: [f64; 8] = [
    1.4234371107496835,
    4.630337846156546,
    5.769497221460691,
    3.6478483247632045,
    1.2704582524523684,
    0.2417807251774506,
    0.022723844989269184,
    0.0007745450142783414,
];
const PPF_D: [f64; 8] = [
    1.0,
    2.053191626637759,
    1.6763848301838038,
    0.6897673349851,
    0.14810397642748008,
    0.015198666563616457,
    0.0005475938084995345,
    1.0507500716444169e-09,
];
const PPF_E: [f64; 8] = [
    6.657904643501103,
    5.463784911164114,
    1.7848265399172913,
    0.29656057182850487,
    0.026532189526576124,
    0.0012426609473880784,
    2.7115555687434876e-05,
    2.0103343992922881e-07,
];
const PPF_F: [f64; 8] = [
    1.0,
    0.599832206555888,
    0.1369298809227358,
    0.014875361290850615,
    0.0007868691311456133,
    1.8463183175100548e-05,
    1.421511758316446e-07,
    2.0442631033899397e-15,
];

/// Evaluates a polynomial with coefficients lowest degree first (Horner).
fn horner(coefficients: &[f64; 8], x: f64) -> f64 {
    coefficients.iter().rev().fold(0.0, |acc, &c| acc * x + c)
}

/// Standard normal quantile Φ⁻¹(p) for p in (0, 1); ±∞ at 0 and 1.
///
/// Wichura's algorithm AS 241 (PPND16), relative accuracy about 1e-16.
pub fn norm_ppf(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q * horner(&PPF_A, r) / horner(&PPF_B, r);
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let r = libm::sqrt(-libm::log(tail));
    let val = if r <= 5.0 {
        horner(&PPF_C, r - 1.6) / horner(&PPF_D, r - 1.6)
    } else {
        horner(&PPF_E, r - 5.0) / horner(&PPF_F, r - 5.0)
    };
    if q < 0.0 {
        -val
    } else {
        val
    }
}

/// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).
pub fn ln_beta(a: f64, b: f64) -> f64 {
    libm::lgamma(a) + libm::lgamma(b) - libm::lgamma(a + b)
}

/// Continued fraction for the incomplete beta (modified Lentz).
fn beta_continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let qab = a + b;
    let qap = a + 1.0;
    let qam = a - 1.0;
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=300 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-16 {
            break;
        }
    }
    h
}

/// Regularised incomplete beta I_x(a, b) for a, b > 0 and x in [0, 1].
/// `ln_b` is ln B(a, b), passed in so callers can precompute it.
pub fn beta_inc(a: f64, b: f64, ln_b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = a * libm::log(x) + b * libm::log1p(-x) - ln_b;
    let front = libm::exp(ln_front);
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_continued_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_continued_fraction(b, a, 1.0 - x) / b
    }
}

/// Beta density on [0, 1].
pub fn beta_pdf(a: f64, b: f64, ln_b: f64, x: f64) -> f64 {
    if x <= 0.0 || x >= 1.0 {
        return 0.0;
    }
    libm::exp((a - 1.0) * libm::log(x) + (b - 1.0) * libm::log1p(-x) - ln_b)
}

/// Solves I_x(a, b) = p for x inside the bracket [lo, hi] (which must hold
/// the answer), by Newton steps that fall back to bisection whenever a step
/// would leave the bracket. Converges to about 1e-15 relative.
pub fn beta_inc_inv_bracketed(
    a: f64,
    b: f64,
    ln_b: f64,
    p: f64,
    lo: f64,
    hi: f64,
    guess: f64,
) -> f64 {
    let (mut lo, mut hi) = (lo, hi);
    let mut x = guess.clamp(lo, hi);
    if lo == 0.0 || x <= lo {
        // Lower tail: I_x(a, b) ≈ x^a / (a B(a, b)).
        let tail = libm::exp((libm::log(p) + libm::log(a) + ln_b) / a);
        if tail > lo && tail < hi {
            x = tail;
        }
    }
    for _ in 0..400 {
        let f = beta_inc(a, b, ln_b, x) - p;
        if f == 0.0 {
            return x;
        }
        if f < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let pdf = beta_pdf(a, b, ln_b, x);
        let mut next = if pdf > 0.0 { x - f / pdf } else { f64::NAN };
        if !(next > lo && next < hi) {
            // Bisect, geometrically while the bracket spans magnitudes.
            next = if lo > 0.0 && hi > 4.0 * lo {
                libm::sqrt(lo * hi)
            } else if lo == 0.0 {
                hi * 1e-3
            } else {
                0.5 * (lo + hi)
            };
        }
        let step = (next - x).abs();
        x = next;
        if step <= 2.0 * f64::EPSILON * x.abs() || hi - lo <= 2.0 * f64::EPSILON * hi.abs() {
            break;
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::distribution::{Beta, ContinuousCDF, Normal};

    #[test]
    fn norm_ppf_inverts_cdf_across_the_range() {
        for &p in &[
            1e-300,
            1e-20,
            1e-10,
            1e-4,
            0.01,
            0.05,
            0.075,
            0.2,
            0.5,
            0.7,
            0.925,
            0.95,
            0.99,
            1.0 - 1e-10,
        ] {
            let x = norm_ppf(p);
            let back = norm_cdf(x);
            // d ln Φ / dx ≈ |x| in the tail, so one ulp of x moves p by ~x² ε.
            assert!(
                ((back - p) / p).abs() < 1e-13 * x.abs().powi(2).max(1.0),
                "p={p} x={x} back={back}"
            );
        }
        assert_eq!(norm_ppf(0.5), 0.0);
        assert!((norm_ppf(0.95) - Z95).abs() < 1e-15);
        assert!((norm_ppf(0.90) - Z90).abs() < 1e-15);
        assert!((norm_ppf(0.75) - Z75).abs() < 1e-15);
    }

    #[test]
    fn norm_ppf_agrees_with_statrs() {
        let n = Normal::new(0.0, 1.0).unwrap();
        for i in 1..1000 {
            let p = f64::from(i) / 1000.0;
            let ours = norm_ppf(p);
            let theirs = n.inverse_cdf(p);
            assert!(
                (ours - theirs).abs() < 1e-12 * (1.0 + theirs.abs()),
                "p={p}"
            );
        }
    }

    #[test]
    fn known_normal_values() {
        assert!((norm_cdf(1.959963984540054) - 0.975).abs() < 1e-15);
        assert!((norm_sf(10.0) - 7.619853024160527e-24).abs() < 1e-36);
        assert!((norm_pdf(0.0) - 0.3989422804014327).abs() < 1e-16);
    }

    #[test]
    fn incomplete_beta_matches_statrs_and_closed_forms() {
        for &(a, b) in &[
            (1.0, 1.0),
            (2.0, 3.0),
            (1.888, 4.111),
            (0.5, 0.5),
            (5.0, 1.0),
            (30.0, 7.0),
        ] {
            let lb = ln_beta(a, b);
            let d = Beta::new(a, b).unwrap();
            for i in 1..100 {
                let x = f64::from(i) / 100.0;
                let ours = beta_inc(a, b, lb, x);
                let theirs = d.cdf(x);
                assert!(
                    (ours - theirs).abs() < 1e-12,
                    "a={a} b={b} x={x}: {ours} vs {theirs}"
                );
            }
        }
        // I_x(1, b) = 1 - (1-x)^b, I_x(a, 1) = x^a.
        let lb = ln_beta(1.0, 3.5);
        assert!((beta_inc(1.0, 3.5, lb, 0.3) - (1.0 - 0.7f64.powf(3.5))).abs() < 1e-15);
        let lb = ln_beta(2.5, 1.0);
        assert!((beta_inc(2.5, 1.0, lb, 0.3) - 0.3f64.powf(2.5)).abs() < 1e-15);
    }

    #[test]
    fn incomplete_beta_inverse_round_trips() {
        for &(a, b) in &[
            (2.0, 3.0),
            (1.888, 4.111),
            (0.5, 0.5),
            (30.0, 7.0),
            (0.2, 3.0),
        ] {
            let lb = ln_beta(a, b);
            for &p in &[1e-12, 1e-6, 0.01, 0.05, 0.3, 0.5, 0.9, 0.95, 0.999_999] {
                let x = beta_inc_inv_bracketed(a, b, lb, p, 0.0, 1.0, 0.5);
                let back = beta_inc(a, b, lb, x);
                // Best possible: within a few ulps of x times the density.
                let resolution = 4.0 * beta_pdf(a, b, lb, x) * f64::EPSILON * x;
                assert!(
                    (back - p).abs() <= (1e-13 * p).max(resolution),
                    "a={a} b={b} p={p} x={x} back={back}"
                );
            }
        }
    }
}
