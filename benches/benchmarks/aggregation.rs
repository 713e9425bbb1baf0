//! Feeding one path's 6 × 120 monthly values into the band sketches.

use std::hint::black_box;

use capsim::stats::BandSketches;
use criterion::{Criterion, Throughput};

pub fn bench(c: &mut Criterion) {
    const MONTHS: usize = 120;
    const BATCH: usize = 64;
    let batch: Vec<f64> = (0..6 * MONTHS * BATCH)
        .map(|i| 1e9 * (1.0 + (i as f64 * 0.618).sin().abs() * 50.0))
        .collect();
    let mut sketches = BandSketches::new(MONTHS);
    sketches.add_batch(&batch, BATCH, BATCH);
    let mut group = c.benchmark_group("aggregation");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function("sketch_64_paths", |b| {
        b.iter(|| sketches.add_batch(black_box(&batch), BATCH, BATCH))
    });
    group.finish();
}
