//! Statistical tests of sampling (SPEC §3.1, §5): every distribution family,
//! parametrisation and truncation, drawn through the real sampler from a
//! scenario file, is compared with its closed-form CDF (computed here from
//! the parameters with statrs, independently of capsim's own code) by a
//! Kolmogorov–Smirnov test, with plain Monte Carlo and with Latin
//! hypercube sampling; and the rank correlations achieved (Gaussian copula
//! with `mc`, Iman–Conover with `lhs`) are compared with their targets.
//!
//! Every test uses fixed seeds, so it passes or fails the same way every
//! time; each has the statistical power to fail if a family, a truncation,
//! LHS stratification or the copula broke (`power_*` tests show that the
//! same checks reject a slightly wrong reference).
//!
//! Quick (default, seconds): 20,000 paths per family, correlations at
//! 10,000 and 20,000 paths. Thorough (`#[ignore]`, about a minute):
//! `cargo test --release --test statistics -- --ignored` runs 1,000,000
//! paths per family and 200 seeds of correlations (docs/testing.md).

use capsim::sampling::Sampler;
use capsim::scenario::keys::input_by_key;
use capsim::scenario::{Scenario, N_INPUTS};
use statrs::distribution::{Beta, ContinuousCDF, LogNormal, Normal, Triangular};

/// Kolmogorov critical value for α = 1e-4: D·√n above this rejects.
const KS_CRITICAL: f64 = 2.23;

/// The reference distribution of one input.
enum Reference {
    /// A closed-form CDF.
    Continuous(Box<dyn Fn(f64) -> f64>),
    /// Values and their probabilities.
    Discrete(Vec<(f64, f64)>),
}

/// One input of a test scenario: its key, its value in the file, and what
/// its draws must follow.
struct Marginal {
    key: &'static str,
    value: &'static str,
    reference: Reference,
}

fn z(p: f64) -> f64 {
    std_normal().inverse_cdf(p)
}

fn std_normal() -> Normal {
    Normal::new(0.0, 1.0).unwrap_or_else(|e| panic!("{e}"))
}

fn normal_cdf(mean: f64, sd: f64, lo: f64, hi: f64) -> Reference {
    let n = Normal::new(mean, sd).unwrap_or_else(|e| panic!("{e}"));
    let (a, b) = (n.cdf(lo), n.cdf(hi));
    Reference::Continuous(Box::new(move |x| {
        ((n.cdf(x.clamp(lo, hi)) - a) / (b - a)).clamp(0.0, 1.0)
    }))
}

fn lognormal_cdf(mu: f64, sigma: f64, lo: f64, hi: f64) -> Reference {
    let d = LogNormal::new(mu, sigma).unwrap_or_else(|e| panic!("{e}"));
    let cdf = move |x: f64| if x <= 0.0 { 0.0 } else { d.cdf(x) };
    let (a, b) = (cdf(lo), if hi.is_finite() { cdf(hi) } else { 1.0 });
    Reference::Continuous(Box::new(move |x| {
        ((cdf(x.clamp(lo, hi)) - a) / (b - a)).clamp(0.0, 1.0)
    }))
}

/// Lognormal (μ, σ) with percentiles `lo` and `hi` at probabilities p, 1 − p.
fn from_percentiles(lo: f64, hi: f64, p: f64) -> (f64, f64) {
    let zp = z(1.0 - p);
    (0.5 * (lo.ln() + hi.ln()), (hi.ln() - lo.ln()) / (2.0 * zp))
}

fn beta_cdf(alpha: f64, beta: f64, min: f64, max: f64) -> Reference {
    let d = Beta::new(alpha, beta).unwrap_or_else(|e| panic!("{e}"));
    Reference::Continuous(Box::new(move |x| {
        d.cdf(((x - min) / (max - min)).clamp(0.0, 1.0))
    }))
}

fn pert_cdf(min: f64, mode: f64, max: f64, lambda: f64) -> Reference {
    let w = max - min;
    beta_cdf(
        1.0 + lambda * (mode - min) / w,
        1.0 + lambda * (max - mode) / w,
        min,
        max,
    )
}

fn triangular_cdf(min: f64, mode: f64, max: f64) -> Reference {
    let d = Triangular::new(min, max, mode).unwrap_or_else(|e| panic!("{e}"));
    Reference::Continuous(Box::new(move |x| d.cdf(x.clamp(min, max))))
}

fn uniform_cdf(min: f64, max: f64) -> Reference {
    Reference::Continuous(Box::new(move |x| ((x - min) / (max - min)).clamp(0.0, 1.0)))
}

/// Two scenarios that between them put every family, every lognormal
/// parametrisation, truncation below, above and on both sides, both
/// `"A to B"` forms and the beta's closed-form shapes on some input.
fn marginal_sets() -> Vec<Vec<Marginal>> {
    let inf = f64::INFINITY;
    let m = |key, value, reference| Marginal {
        key,
        value,
        reference,
    };
    let (mu_p5, s_p5) = from_percentiles(40e9, 60e9, 0.05);
    let (mu_p10, s_p10) = from_percentiles(8e9, 15e9, 0.10);
    let (mu_p25, s_p25) = from_percentiles(0.4e9, 0.6e9, 0.25);
    let (mu_rr, s_rr) = from_percentiles(13e9, 20e9, 0.05);
    let (mu_c, s_c) = from_percentiles(1e12, 2e12, 0.05);
    let s2_ms = (1.0f64 + (5.0f64 / 30.0).powi(2)).ln();
    let z95 = z(0.95);
    vec![
        vec![
            m(
                "build.lag_months",
                r#"{ dist = "uniform", min = 12, max = 24 }"#,
                uniform_cdf(12.0, 24.0),
            ),
            m(
                "build.start_delay_months",
                r#"{ dist = "uniform", min = 0, max = 6 }"#,
                uniform_cdf(0.0, 6.0),
            ),
            m(
                "cost.power_price_usd_per_mwh",
                r#"{ dist = "triangular", min = 40, mode = 70, max = 120 }"#,
                triangular_cdf(40.0, 70.0, 120.0),
            ),
            m(
                "build.ramp_months",
                r#"{ dist = "triangular", min = 0, mode = 0, max = 18 }"#,
                triangular_cdf(0.0, 0.0, 18.0),
            ),
            m(
                "build.rate_gw_per_week",
                r#"{ dist = "pert", min = 0.1, mode = 0.3, max = 1.0 }"#,
                pert_cdf(0.1, 0.3, 1.0, 4.0),
            ),
            m(
                "plan.initial_gw",
                r#"{ dist = "pert", min = 0, mode = 1, max = 5, lambda = 6 }"#,
                pert_cdf(0.0, 1.0, 5.0, 6.0),
            ),
            m(
                "finance.initial_cash_usd",
                r#"{ dist = "normal", mean = "50B", sd = "20B" }"#,
                normal_cdf(50e9, 20e9, -inf, inf),
            ),
            m(
                "revenue.growth",
                r#"{ dist = "normal", mean = "100%", sd = "30%", min = "-50%" }"#,
                normal_cdf(1.0, 0.3, -0.5, inf),
            ),
            m(
                "cost.utilization",
                r#"{ dist = "normal", mean = 0.8, sd = 0.15, min = 0.5, max = 1 }"#,
                normal_cdf(0.8, 0.15, 0.5, 1.0),
            ),
            m(
                "finance.discount_rate",
                r#"{ dist = "normal", mean = 0.02, sd = 0.05, min = 0 }"#,
                normal_cdf(0.02, 0.05, 0.0, inf),
            ),
            m(
                "cost.hardware_life_years",
                r#"{ dist = "lognormal", mu = 1.6, sigma = 0.2 }"#,
                lognormal_cdf(1.6, 0.2, 0.0, inf),
            ),
            m(
                "plan.target_gw",
                r#"{ dist = "lognormal", mean = 30, sd = 5 }"#,
                lognormal_cdf(30f64.ln() - s2_ms / 2.0, s2_ms.sqrt(), 0.0, inf),
            ),
            m(
                "revenue.cap_usd",
                r#"{ dist = "lognormal", median = "2T", sigma = 0.3 }"#,
                lognormal_cdf(2e12f64.ln(), 0.3, 0.0, inf),
            ),
            m(
                "revenue.per_gw_year_usd",
                r#"{ dist = "lognormal", p10 = "8B", p90 = "15B" }"#,
                lognormal_cdf(mu_p10, s_p10, 0.0, inf),
            ),
            m(
                "cost.fixed_opex_per_gw_year_usd",
                r#"{ dist = "lognormal", p25 = "0.4B", p75 = "0.6B" }"#,
                lognormal_cdf(mu_p25, s_p25, 0.0, inf),
            ),
            m(
                "revenue.initial_run_rate_usd",
                r#"{ dist = "lognormal", p5 = "13B", p95 = "20B", min = "14B", max = "19B" }"#,
                lognormal_cdf(mu_rr, s_rr, 14e9, 19e9),
            ),
            m(
                "revenue.volatility",
                r#"{ dist = "lognormal", median = 0.25, sigma = 0.3, max = 0.3 }"#,
                lognormal_cdf(0.25f64.ln(), 0.3, 0.0, 0.3),
            ),
            m(
                "cost.per_gw_usd",
                r#""40B to 60B""#,
                lognormal_cdf(mu_p5, s_p5, 0.0, inf),
            ),
            m(
                "plan.commitment_usd",
                r#""1T to 2T""#,
                lognormal_cdf(mu_c, s_c, 0.0, inf),
            ),
            m(
                "cost.annual_decline",
                r#"{ dist = "beta", alpha = 2, beta = 5, min = 0, max = 0.15 }"#,
                beta_cdf(2.0, 5.0, 0.0, 0.15),
            ),
            m(
                "cost.hardware_share",
                r#"{ dist = "beta", alpha = 0.7, beta = 1.5 }"#,
                beta_cdf(0.7, 1.5, 0.0, 1.0),
            ),
            m(
                "revenue.growth_half_life_years",
                r#"{ dist = "triangular", min = 1.5, mode = 3, max = 5 }"#,
                triangular_cdf(1.5, 3.0, 5.0),
            ),
            m(
                "revenue.margin",
                r#"{ dist = "discrete", values = [0.5, 0.7, 0.9], weights = [1, 2, 1] }"#,
                Reference::Discrete(vec![(0.5, 0.25), (0.7, 0.5), (0.9, 0.25)]),
            ),
        ],
        vec![
            m(
                "finance.initial_cash_usd",
                r#""-20B to 80B""#,
                normal_cdf(30e9, 100e9 / (2.0 * z95), -inf, inf),
            ),
            m(
                "cost.per_gw_usd",
                r#"{ dist = "lognormal", median = "50B", sigma = 0.2, min = "45B" }"#,
                lognormal_cdf(50e9f64.ln(), 0.2, 45e9, inf),
            ),
            m(
                "build.rate_gw_per_week",
                r#"{ dist = "pert", min = 0, mode = 0, max = 1 }"#,
                pert_cdf(0.0, 0.0, 1.0, 4.0),
            ),
            m(
                "cost.hardware_share",
                r#"{ dist = "beta", alpha = 2, beta = 1 }"#,
                beta_cdf(2.0, 1.0, 0.0, 1.0),
            ),
            m(
                "cost.utilization",
                r#"{ dist = "beta", alpha = 1, beta = 1, min = 0.5, max = 0.9 }"#,
                uniform_cdf(0.5, 0.9),
            ),
            m(
                "revenue.growth",
                r#"{ dist = "normal", mean = 2, sd = 1, min = 0.5, max = 1.5 }"#,
                normal_cdf(2.0, 1.0, 0.5, 1.5),
            ),
            m(
                "build.lag_months",
                r#"{ dist = "discrete", values = [24, 12, 12], weights = [2, 1, 1] }"#,
                Reference::Discrete(vec![(12.0, 0.5), (24.0, 0.5)]),
            ),
            m(
                "revenue.margin",
                r#"{ dist = "discrete", values = [0.6, 0.8] }"#,
                Reference::Discrete(vec![(0.6, 0.5), (0.8, 0.5)]),
            ),
        ],
    ]
}

fn scenario_text(marginals: &[Marginal], paths: u64, seed: u64, sampling: &str) -> String {
    let mut text = format!(
        "[scenario]\nname = \"stats\"\npaths = {paths}\nseed = {seed}\nsampling = \"{sampling}\"\n"
    );
    let mut sections: Vec<&str> = marginals
        .iter()
        .map(|m| m.key.split('.').next().unwrap_or(""))
        .collect();
    sections.dedup();
    sections.sort();
    sections.dedup();
    for section in sections {
        text.push_str(&format!("[{section}]\n"));
        for m in marginals
            .iter()
            .filter(|m| m.key.starts_with(&format!("{section}.")))
        {
            text.push_str(&format!("{} = {}\n", &m.key[section.len() + 1..], m.value));
        }
    }
    text
}

fn load(text: &str) -> Scenario {
    Scenario::from_str("stats.toml", Some("stats"), text, &[])
        .unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// Every path's values of all inputs (by input id), drawn by the sampler.
fn draw_all(s: &Scenario) -> Vec<[f64; N_INPUTS]> {
    let sampler = Sampler::new(s).unwrap_or_else(|e| panic!("{e}"));
    let mut drawn = vec![0.0; sampler.uncertain_ids().len()];
    (0..s.paths)
        .map(|p| {
            let mut x = [0.0; N_INPUTS];
            sampler.draw(p, &mut x, &mut drawn);
            x
        })
        .collect()
}

fn column(draws: &[[f64; N_INPUTS]], key: &str) -> Vec<f64> {
    let id = input_by_key(key)
        .unwrap_or_else(|| panic!("no input {key}"))
        .id as usize;
    draws.iter().map(|x| x[id]).collect()
}

/// The Kolmogorov–Smirnov statistic D of a sample against a CDF.
fn ks_statistic(mut xs: Vec<f64>, cdf: &dyn Fn(f64) -> f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len() as f64;
    xs.iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = cdf(x);
            (f - i as f64 / n).max((i + 1) as f64 / n - f)
        })
        .fold(0.0, f64::max)
}

/// Checks one marginal; returns a description of the failure, if any.
fn check_marginal(m: &Marginal, xs: Vec<f64>, lhs: bool) -> Option<String> {
    let n = xs.len() as f64;
    match &m.reference {
        Reference::Continuous(cdf) => {
            let d = ks_statistic(xs, cdf.as_ref());
            // LHS puts exactly one draw in each 1/n of probability, so the
            // empirical CDF is within 1/n of the true one everywhere.
            let limit = if lhs {
                1.0 / n + 1e-7
            } else {
                KS_CRITICAL / n.sqrt()
            };
            (d > limit).then(|| format!("{} = {}: KS D = {d:.3e} > {limit:.3e}", m.key, m.value))
        }
        Reference::Discrete(points) => {
            let mut problems = Vec::new();
            for &(v, p) in points {
                let count = xs.iter().filter(|&&x| x == v).count() as f64;
                let sd = (n * p * (1.0 - p)).sqrt();
                let limit = if lhs { 1.0 } else { 4.5 * sd };
                if (count - n * p).abs() > limit {
                    problems.push(format!(
                        "{v}: {count} draws, expected {} ± {limit:.1}",
                        n * p
                    ));
                }
            }
            let stray = xs
                .iter()
                .filter(|&&x| !points.iter().any(|&(v, _)| v == x))
                .count();
            if stray > 0 {
                problems.push(format!("{stray} draws are not among the values"));
            }
            (!problems.is_empty())
                .then(|| format!("{} = {}: {}", m.key, m.value, problems.join("; ")))
        }
    }
}

/// Draws every marginal set with `paths` paths and checks each input.
fn check_every_family(paths: u64, seeds: &[u64]) {
    let mut failures = Vec::new();
    for set in marginal_sets() {
        for &seed in seeds {
            for sampling in ["mc", "lhs"] {
                let s = load(&scenario_text(&set, paths, seed, sampling));
                let draws = draw_all(&s);
                for m in &set {
                    if let Some(f) = check_marginal(m, column(&draws, m.key), sampling == "lhs") {
                        failures.push(format!("[{sampling}, seed {seed}] {f}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_family_matches_its_closed_form_cdf() {
    check_every_family(20_000, &[20_251_103]);
}

#[test]
#[ignore = "thorough: run with `cargo test --release --test statistics -- --ignored`"]
fn every_family_matches_its_closed_form_cdf_thoroughly() {
    check_every_family(1_000_000, &[1, 2, 3]);
}

#[test]
fn power_ks_rejects_a_slightly_wrong_reference() {
    // The same check, against a normal whose mean is off by 5% of its sd,
    // or whose sd is 10% too large, must fail at the quick sample size.
    let set = &marginal_sets()[0];
    let s = load(&scenario_text(set, 20_000, 20_251_103, "mc"));
    let xs = column(&draw_all(&s), "finance.initial_cash_usd");
    for (mean, sd) in [(51e9, 20e9), (50e9, 22e9)] {
        let wrong = Marginal {
            key: "finance.initial_cash_usd",
            value: "(wrong reference)",
            reference: normal_cdf(mean, sd, f64::NEG_INFINITY, f64::INFINITY),
        };
        assert!(
            check_marginal(&wrong, xs.clone(), false).is_some(),
            "KS did not notice mean {mean} sd {sd}"
        );
    }
    // And the LHS bound notices a truncation that is 1% off.
    let s = load(&scenario_text(set, 20_000, 20_251_103, "lhs"));
    let xs = column(&draw_all(&s), "cost.utilization");
    let wrong = Marginal {
        key: "cost.utilization",
        value: "(wrong reference)",
        reference: normal_cdf(0.8, 0.15, 0.505, 1.0),
    };
    assert!(check_marginal(&wrong, xs, true).is_some());
}

/// Spearman rank correlation (no ties: continuous draws).
fn spearman(a: &[f64], b: &[f64]) -> f64 {
    fn ranks(v: &[f64]) -> Vec<f64> {
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by(|&i, &j| v[i].total_cmp(&v[j]));
        let mut r = vec![0.0; v.len()];
        for (rank, &i) in idx.iter().enumerate() {
            r[i] = rank as f64;
        }
        r
    }
    let (ra, rb) = (ranks(a), ranks(b));
    let n = a.len() as f64;
    let mean = (n - 1.0) / 2.0;
    let cov: f64 = ra
        .iter()
        .zip(&rb)
        .map(|(x, y)| (x - mean) * (y - mean))
        .sum();
    let var: f64 = ra.iter().map(|x| (x - mean) * (x - mean)).sum();
    cov / var
}

/// Four correlated inputs of different families, with positive, negative,
/// strong and weak targets, and an uncorrelated pair.
const TARGETS: [(&str, &str, f64); 4] = [
    ("build.rate_gw_per_week", "cost.per_gw_usd", 0.3),
    ("cost.per_gw_usd", "revenue.growth", -0.4),
    (
        "build.rate_gw_per_week",
        "cost.power_price_usd_per_mwh",
        0.7,
    ),
    ("revenue.growth", "cost.power_price_usd_per_mwh", 0.1),
];

fn correlated_scenario(paths: u64, seed: u64, sampling: &str) -> Scenario {
    let mut text = format!(
        "[scenario]\nname = \"corr\"\npaths = {paths}\nseed = {seed}\nsampling = \"{sampling}\"\n\
[build]\nrate_gw_per_week = {{ dist = \"pert\", min = 0.1, mode = 0.3, max = 1.0 }}\n\
lag_months = {{ dist = \"uniform\", min = 12, max = 24 }}\n\
[cost]\nper_gw_usd = \"40B to 60B\"\n\
power_price_usd_per_mwh = {{ dist = \"triangular\", min = 40, mode = 70, max = 120 }}\n\
[revenue]\ngrowth = {{ dist = \"normal\", mean = 1, sd = 0.3, min = -0.5 }}\n"
    );
    for (a, b, rank) in TARGETS {
        text.push_str(&format!(
            "[[correlations]]\na = \"{a}\"\nb = \"{b}\"\nrank = {rank}\n"
        ));
    }
    load(&text)
}

/// Achieved minus target for each pair (and the uncorrelated lag with the
/// rate, whose target is 0).
fn correlation_errors(paths: u64, seed: u64, sampling: &str) -> Vec<(String, f64)> {
    let draws = draw_all(&correlated_scenario(paths, seed, sampling));
    let mut pairs: Vec<(&str, &str, f64)> = TARGETS.to_vec();
    pairs.push(("build.lag_months", "build.rate_gw_per_week", 0.0));
    pairs
        .into_iter()
        .map(|(a, b, target)| {
            let got = spearman(&column(&draws, a), &column(&draws, b));
            (format!("{a} ~ {b} (target {target})"), got - target)
        })
        .collect()
}

#[test]
fn rank_correlations_are_achieved_within_the_spec_tolerance() {
    // The sampling error of a Spearman coefficient at 10,000 paths is about
    // 0.01, so SPEC's ±0.03 is a three-sigma band: it holds for nearly
    // every seed, not all (the thorough test measures how nearly).
    let mut failures = Vec::new();
    for (paths, tolerance) in [(10_000, 0.03), (20_000, 0.025)] {
        for sampling in ["mc", "lhs"] {
            for seed in [1, 2] {
                for (pair, error) in correlation_errors(paths, seed, sampling) {
                    if error.abs() > tolerance {
                        failures.push(format!(
                            "{paths} paths, {sampling}, seed {seed}: {pair} off by {error:+.4}"
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn rank_correlations_are_unbiased() {
    // With 100,000 paths the sampling error of a Spearman coefficient is
    // about 0.003; using the Pearson target directly (no 2·sin(πρ/6)
    // conversion) would be off by 0.017 at ρ = 0.7.
    for sampling in ["mc", "lhs"] {
        for (pair, error) in correlation_errors(100_000, 3, sampling) {
            assert!(error.abs() < 0.01, "{sampling}: {pair} off by {error:+.4}");
        }
    }
}

#[test]
#[ignore = "thorough: run with `cargo test --release --test statistics -- --ignored`"]
fn rank_correlations_thoroughly() {
    // 200 seeds: SPEC's tolerance holds for at least 99% of seeds and
    // pairs, and no pair is biased (mean error within four standard errors
    // of zero).
    const SEEDS: u64 = 200;
    for (paths, tolerance) in [(10_000, 0.03), (20_000, 0.025)] {
        for sampling in ["mc", "lhs"] {
            let runs: Vec<Vec<(String, f64)>> = (1..=SEEDS)
                .map(|seed| correlation_errors(paths, seed, sampling))
                .collect();
            let checks = runs.iter().flatten().count();
            let outside = runs
                .iter()
                .flatten()
                .filter(|(_, e)| e.abs() > tolerance)
                .count();
            println!("{paths} paths, {sampling}: {outside} of {checks} outside ±{tolerance}");
            assert!(
                outside * 100 <= checks,
                "{paths} paths, {sampling}: {outside} of {checks} outside ±{tolerance}"
            );
            for (i, (pair, _)) in runs[0].iter().enumerate() {
                let errors: Vec<f64> = runs.iter().map(|r| r[i].1).collect();
                let k = errors.len() as f64;
                let mean = errors.iter().sum::<f64>() / k;
                let sd =
                    (errors.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / (k - 1.0)).sqrt();
                println!("  {pair}: mean error {mean:+.5}, sd {sd:.5}");
                assert!(
                    mean.abs() <= 4.0 * sd / k.sqrt(),
                    "{paths} paths, {sampling}: {pair} biased by {mean:+.5} (sd {sd:.5})"
                );
            }
        }
    }
}

#[test]
fn perfect_rank_correlations_are_achieved_exactly() {
    // rank = ±1 is allowed: the two inputs move in lockstep (or in
    // opposition), each with its own distribution.
    for sampling in ["mc", "lhs"] {
        for rank in [1.0, -1.0] {
            let text = format!(
                "[scenario]\nname = \"lockstep\"\npaths = 5000\nseed = 7\nsampling = \"{sampling}\"\n\
[build]\nrate_gw_per_week = {{ dist = \"pert\", min = 0.1, mode = 0.3, max = 1.0 }}\n\
[cost]\nper_gw_usd = \"40B to 60B\"\n\
[[correlations]]\na = \"build.rate_gw_per_week\"\nb = \"cost.per_gw_usd\"\nrank = {rank}\n"
            );
            let draws = draw_all(&load(&text));
            let got = spearman(
                &column(&draws, "build.rate_gw_per_week"),
                &column(&draws, "cost.per_gw_usd"),
            );
            assert!(
                (got - rank).abs() < 1e-12,
                "{sampling}, rank {rank}: got {got}"
            );
        }
    }
}
