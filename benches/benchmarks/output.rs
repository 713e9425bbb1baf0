//! Writing CSV rows: the cost per `metrics.csv` row.

use std::hint::black_box;

use capsim::output::csv_files::CsvOut;
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
            if n % 10_000 == 0 {
                csv = CsvOut::new(Vec::with_capacity(1 << 20));
            }
        })
    });
    group.finish();
}
