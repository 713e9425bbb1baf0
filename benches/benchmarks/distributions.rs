//! Sampling each distribution family through its quantile function.

use std::hint::black_box;

use capsim::dist::{
    Discrete, Dist, LogNormal, LogNormalParams, ScaledBeta, Triangular, TruncNormal, Uniform,
};
use criterion::{Criterion, Throughput};

pub fn bench(c: &mut Criterion) {
    let families: Vec<(&str, Dist)> = vec![
        ("uniform", Dist::Uniform(Uniform::new(12.0, 24.0).unwrap())),
        (
            "triangular",
            Dist::Triangular(Triangular::new(40.0, 70.0, 120.0).unwrap()),
        ),
        (
            "pert",
            Dist::Beta(ScaledBeta::pert(0.1, 0.3, 1.0, 4.0).unwrap()),
        ),
        (
            "beta",
            Dist::Beta(ScaledBeta::new(2.0, 5.0, 0.0, 1.0).unwrap()),
        ),
        (
            "normal",
            Dist::Normal(TruncNormal::new(1.0, 0.3, None, None).unwrap()),
        ),
        (
            "normal_truncated",
            Dist::Normal(TruncNormal::new(1.0, 0.3, Some(-0.5), None).unwrap()),
        ),
        (
            "lognormal_p5_p95",
            Dist::LogNormal(
                LogNormal::new(LogNormalParams::P5P95(40e9, 60e9), None, None).unwrap(),
            ),
        ),
        (
            "discrete",
            Dist::Discrete(
                Discrete::new(&[1.0, 2.0, 3.0, 4.0], Some(&[1.0, 2.0, 3.0, 4.0])).unwrap(),
            ),
        ),
    ];
    let mut group = c.benchmark_group("distributions");
    const N: usize = 1000;
    group.throughput(Throughput::Elements(N as u64));
    let us: Vec<f64> = (0..N).map(|i| (i as f64 + 0.5) / N as f64).collect();
    for (name, dist) in &families {
        group.bench_function(*name, |b| {
            b.iter(|| us.iter().map(|&u| dist.quantile(black_box(u))).sum::<f64>())
        });
    }
    group.finish();
}
