//! capsim's benchmarks (criterion). Run all with `cargo bench`, or one
//! group with e.g. `cargo bench --bench bench_main -- model`.

use criterion::{criterion_group, criterion_main};

mod benchmarks;

criterion_group!(
    benches,
    benchmarks::distributions::bench,
    benchmarks::model::bench,
    benchmarks::aggregation::bench,
    benchmarks::output::bench,
    benchmarks::end_to_end::bench
);
criterion_main!(benches);
