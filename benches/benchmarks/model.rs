//! One path of the model, and one path's draws.

use std::hint::black_box;

use capsim::model::{run_path, ModelShape, NoSeries, Scratch};
use capsim::sampling::Sampler;
use capsim::scenario::{Scenario, N_INPUTS};
use criterion::{Criterion, Throughput};

pub fn bench(c: &mut Criterion) {
    let scenario = Scenario::builtin(&[]).unwrap();
    let sampler = Sampler::new(&scenario).unwrap();
    let shape = ModelShape::of(&scenario);
    let mut x = [0.0; N_INPUTS];
    let mut drawn = vec![0.0; scenario.uncertain_inputs().len()];
    let mut shocks = vec![0.0; scenario.months];
    let mut scratch = Scratch::new(scenario.months);
    let mut group = c.benchmark_group("model");
    group.throughput(Throughput::Elements(1));
    sampler.draw(7, &mut x, &mut drawn);
    sampler.shocks(7, &mut shocks[..scenario.months - 1]);
    group.bench_function("one_path_120_months", |b| {
        b.iter(|| run_path(black_box(&x), &shape, &shocks, &mut scratch, &mut NoSeries))
    });
    group.bench_function("draw_inputs", |b| {
        let mut p = 0;
        b.iter(|| {
            p += 1;
            sampler.draw(black_box(p), &mut x, &mut drawn);
        })
    });
    group.bench_function("draw_shocks_119", |b| {
        let mut p = 0;
        b.iter(|| {
            p += 1;
            sampler.shocks(black_box(p), &mut shocks[..scenario.months - 1]);
        })
    });
    group.finish();
}
