//! Feeding paths' 7 × 120 monthly values into the band sketches (what the
//! engine does after each batch of 64 paths).

use std::hint::black_box;

use capsim::model::N_BAND_SERIES;
use capsim::stats::BandSketches;
use criterion::{Criterion, Throughput};

pub fn bench(c: &mut Criterion) {
    const MONTHS: usize = 120;
    const BATCH: usize = 64;
    let width = N_BAND_SERIES * MONTHS;
    // Path-major batch with a spread of plausible values per column.
    let batch: Vec<f64> = (0..width * BATCH)
        .map(|i| 1e9 * (1.0 + ((i / width) as f64 * 0.618).sin().abs() * 50.0 + (i % width) as f64))
        .collect();
    let mut sketches = BandSketches::<u16>::new(MONTHS);
    let mut sums = vec![0.0; width];
    sketches.add_batch(&batch, BATCH, &mut sums);
    let mut group = c.benchmark_group("aggregation");
    group.throughput(Throughput::Elements(BATCH as u64));
    let mut added = 0;
    group.bench_function("sketch_64_paths", |b| {
        b.iter(|| {
            // Stay below the u16 flush limit, as the engine does.
            if added > 60_000 {
                sketches = BandSketches::<u16>::new(MONTHS);
                added = 0;
            }
            sketches.add_batch(black_box(&batch), BATCH, &mut sums);
            added += BATCH;
        })
    });
    group.finish();
}
