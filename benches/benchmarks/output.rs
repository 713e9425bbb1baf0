//! Writing CSV rows: the cost per `metrics.csv` row, through the general
//! CSV writer and through the number formatting `metrics.csv` uses, with
//! full-precision values like a real run's (17 significant digits).

use std::hint::black_box;

use capsim::output::csv_files::CsvOut;
use capsim::output::format::{push_number, push_row};
use criterion::{Criterion, Throughput};

pub fn bench(c: &mut Criterion) {
    let row: Vec<f64> = (0..21)
        .map(|i| 1.234_567_89e9 * (i as f64 + 0.37))
        .collect();
    let mut group = c.benchmark_group("output");
    group.throughput(Throughput::Elements(1));
    group.bench_function("metrics_csv_row_21_columns", |b| {
        let mut csv = CsvOut::new(Vec::with_capacity(1 << 20));
        let mut n = 0u64;
        b.iter(|| {
            n += 1;
            csv.num(n as f64).unwrap();
            for &x in &row {
                csv.num(black_box(x)).unwrap();
            }
            csv.end().unwrap();
            if n.is_multiple_of(10_000) {
                csv = CsvOut::new(Vec::with_capacity(1 << 20));
            }
        })
    });
    // A drawn input or metric has ~17 significant digits: 0.7448616553852,
    // 48187665293.66346, -1047020991500.368, a month count such as 38.
    // 4,096 different rows in turn, as in a run (the same row every time
    // would let the branch predictor learn its digits).
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let mut unit = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    let rows: Vec<[f64; 21]> = (0..4096)
        .map(|_| {
            std::array::from_fn(|i| match i % 4 {
                0 => 0.2 + 2.0 * unit(),
                1 => 4e10 * (1.0 + unit()),
                2 => -1e12 * (0.5 + unit()),
                _ => (20.0 + 100.0 * unit()).floor(),
            })
        })
        .collect();
    group.bench_function("metrics_row_21_full_precision", |b| {
        let mut text = Vec::with_capacity(1 << 20);
        let mut n = 0u64;
        b.iter(|| {
            n += 1;
            push_number(&mut text, n as f64);
            for &x in &rows[n as usize % rows.len()] {
                text.push(b',');
                push_number(&mut text, black_box(x));
            }
            text.push(b'\n');
            if n.is_multiple_of(2_000) {
                text.clear();
            }
        })
    });
    group.bench_function("metrics_row_21_full_precision_by_row", |b| {
        // The same rows through `push_row`, as `metrics.csv` is written.
        let mut text = Vec::with_capacity(1 << 20);
        let mut n = 0u64;
        b.iter(|| {
            n += 1;
            push_row(
                &mut text,
                n as f64,
                black_box(&rows[n as usize % rows.len()]),
            );
            if n.is_multiple_of(2_000) {
                text.clear();
            }
        })
    });
    group.finish();
}
