//! The default scenario end to end (simulation and statistics, no files)
//! at 10k and 100k paths.

use capsim::engine::{self, RunOptions};
use capsim::scenario::{Override, Scenario};
use criterion::{BenchmarkId, Criterion, Throughput};

pub fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("end_to_end");
    group.sample_size(10);
    for paths in [10_000u64, 100_000] {
        let scenario =
            Scenario::builtin(&[Override::parse(&format!("scenario.paths={paths}")).unwrap()])
                .unwrap();
        group.throughput(Throughput::Elements(paths));
        group.bench_with_input(
            BenchmarkId::new("default_scenario", paths),
            &scenario,
            |b, s| b.iter(|| engine::run(s, &RunOptions::default()).unwrap()),
        );
    }
    group.finish();
}
