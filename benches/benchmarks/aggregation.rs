//! Feeding paths' 7 × 120 monthly values into the band sketches (what the
//! engine does after each batch of 64 paths; real paths of the default
//! scenario: eight columns at a time straight out of the batch, against
//! one column at a time copied out, with worker counters of `u8` and of
//! `u16`), and ranking one column of a million values for the exact
//! statistics (what the analysis does per input and metric), against the
//! standard library's stable sort, and ranking a Latin hypercube input by
//! its strata instead.

use std::hint::black_box;

use capsim::engine::LineAligned;
use capsim::model::{run_path, KeepSeries, ModelShape, Scratch, N_BAND_SERIES, N_SERIES};
use capsim::sampling::Sampler;
use capsim::scenario::{Scenario, N_INPUTS};
use capsim::stats::bands::MAX_PATHS_PER_FLUSH;
use capsim::stats::rank::{centred_dot, sort_key, Ranker};
use capsim::stats::sketch::Counter;
use capsim::stats::BandSketches;
use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, Criterion, Throughput};

pub fn bench(c: &mut Criterion) {
    let batches = model_batches(64);
    let mut group = c.benchmark_group("aggregation");
    group.throughput(Throughput::Elements(BATCH as u64));
    sketch_batches::<u8>(&mut group, "sketch_64_paths", &batches, |s, b, n, sums| {
        s.add_batch(b, n, sums)
    });
    sketch_batches::<u8>(
        &mut group,
        "sketch_64_paths_by_column_baseline",
        &batches,
        BandSketches::add_batch_by_column,
    );
    sketch_batches::<u16>(
        &mut group,
        "sketch_64_paths_u16_counters_baseline",
        &batches,
        BandSketches::add_batch_by_column,
    );
    group.finish();

    rank(c);
}

const MONTHS: usize = 120;
const BATCH: usize = 64;

/// `n` batches of 64 paths of the default scenario, laid out as the engine
/// feeds them (path-major: each path's 7 series × 120 months, from the
/// start of a cache line), so the sketches see the spread of real values.
fn model_batches(n: usize) -> Vec<LineAligned> {
    let scenario = Scenario::builtin(&[]).unwrap();
    let sampler = Sampler::new(&scenario).unwrap();
    let shape = ModelShape::of(&scenario);
    let mut x = [0.0; N_INPUTS];
    let mut drawn = vec![0.0; scenario.uncertain_inputs().len()];
    let mut shocks = vec![0.0; MONTHS];
    let mut scratch = Scratch::new(MONTHS);
    (0..n)
        .map(|b| {
            let mut values = Vec::with_capacity(BATCH * N_BAND_SERIES * MONTHS);
            for p in 0..BATCH {
                let path = (b * BATCH + p) as u64;
                sampler.draw(path, &mut x, &mut drawn);
                sampler.shocks(path, &mut shocks[..MONTHS - 1]);
                let mut kept = KeepSeries::default();
                run_path(&x, &shape, &shocks, &mut scratch, &mut kept);
                for series in 0..N_SERIES {
                    values.extend(kept.0.iter().map(|m| m[series]));
                }
                // Total spend, as the engine bands it.
                values.extend(kept.0.iter().map(|m| m[1] + m[2]));
            }
            let mut batch = LineAligned::new(values.len());
            batch.get_mut().copy_from_slice(&values);
            batch
        })
        .collect()
}

/// Feeds the batches in turn into one worker's sketches with counters
/// `C`, flushing them as the engine does.
fn sketch_batches<C: Counter>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    batches: &[LineAligned],
    feed: fn(&mut BandSketches<C>, &[f64], usize, &mut [f64]),
) {
    let mut sketches = BandSketches::<C>::new(MONTHS);
    let mut merged = BandSketches::<u32>::new(MONTHS);
    let mut sums = vec![0.0; N_BAND_SERIES * MONTHS];
    let (mut added, mut next) = (0, 0);
    group.bench_function(name, |b| {
        b.iter(|| {
            if added + BATCH > MAX_PATHS_PER_FLUSH {
                merged.absorb(&mut sketches);
                added = 0;
            }
            feed(
                &mut sketches,
                black_box(batches[next].get()),
                BATCH,
                &mut sums,
            );
            next = (next + 1) % batches.len();
            added += BATCH;
        })
    });
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
    // One sensitivity: the Spearman sum of two columns of doubled ranks.
    let ranks_a = ranker.rank(&column, 1, 0);
    let ranks_b: Vec<u32> = ranks_a.iter().rev().copied().collect();
    group.bench_function("spearman_sum_1m_ranks", |b| {
        b.iter(|| centred_dot(black_box(&ranks_a), black_box(&ranks_b)))
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
        b.iter_batched(
            || strata.clone(),
            |column| ranker.rank_by_strata(black_box(&rows), WIDTH, 0, column),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}
