//! Feeding paths' 7 × 120 monthly values into the band sketches (what the
//! engine does after each batch of 64 paths), and ranking one column of a
//! million values for the exact statistics (what the analysis does per
//! input and metric), against the standard library's stable sort, and
//! ranking a Latin hypercube input by its strata instead.

use std::hint::black_box;

use capsim::model::N_BAND_SERIES;
use capsim::stats::rank::{sort_key, Ranker};
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

    rank(c);
}

fn rank(c: &mut Criterion) {
    const N: usize = 1_000_000;
    // Money-like values over two orders of magnitude, a few ties.
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let column: Vec<f64> = (0..N)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let u = (x >> 11) as f64 / (1u64 << 53) as f64;
            (1e9 * 100f64.powf(u)).round()
        })
        .collect();
    let mut group = c.benchmark_group("rank");
    group.throughput(Throughput::Elements(N as u64));
    group.sample_size(20);
    let mut ranker = Ranker::default();
    group.bench_function("radix_1m_values", |b| {
        b.iter(|| ranker.rank(black_box(&column), 1, 0))
    });
    group.bench_function("std_stable_sort_1m_keys_baseline", |b| {
        b.iter(|| {
            let mut keyed: Vec<(u64, u32)> = column
                .iter()
                .enumerate()
                .map(|(i, &v)| (sort_key(v), i as u32))
                .collect();
            keyed.sort_by_key(|&(k, _)| k);
            black_box(keyed)
        })
    });
    // An input column of a real run's table (21 columns) under Latin
    // hypercube sampling: its values increase with a random stratum
    // permutation; ranked by sorting and by the strata.
    const WIDTH: usize = 21;
    let mut strata: Vec<u32> = (0..N as u32).collect();
    for i in (1..N).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        strata.swap(i, (x % (i as u64 + 1)) as usize);
    }
    let mut rows = vec![0.0; N * WIDTH];
    for (p, &s) in strata.iter().enumerate() {
        rows[p * WIDTH] = 4e10 + 2e4 * f64::from(s);
    }
    group.bench_function("radix_1m_values_of_21_columns", |b| {
        b.iter(|| ranker.rank(black_box(&rows), WIDTH, 0))
    });
    group.bench_function("strata_1m_values_of_21_columns", |b| {
        b.iter(|| ranker.rank_by_strata(black_box(&rows), WIDTH, 0, &strata))
    });
    group.finish();
}
