//! One path of the model, one path's draws, and the demand recurrence of
//! several paths interleaved.

use std::hint::black_box;

use capsim::model::{
    demand, run_path, run_path_with_demand, run_paths_with_demand, ModelShape, NoSeries, Scratch,
    MONTH_LANES,
};
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
    // The rest of the model (build-out, costs, revenue, cash) given each
    // path's demand, over 64 different paths.
    let paths: Vec<([f64; N_INPUTS], Vec<f64>)> = (0..64u64)
        .map(|p| {
            let mut x = [0.0; N_INPUTS];
            sampler.draw(p, &mut x, &mut drawn);
            sampler.shocks(p, &mut shocks[..scenario.months - 1]);
            let mut rd = vec![[0.0]; scenario.months];
            demand::<1>([&x], &shape, [&shocks], &mut rd);
            (x, rd.into_flattened())
        })
        .collect();
    group.throughput(Throughput::Elements(64));
    group.bench_function("given_demand_64_paths", |b| {
        b.iter(|| {
            for (x, rd) in &paths {
                black_box(run_path_with_demand(
                    black_box(x),
                    &shape,
                    rd,
                    &mut scratch,
                    &mut NoSeries,
                ));
            }
        })
    });
    // The same 64 paths eight at a time, as the engine runs them (the
    // vector code where the processor has AVX-512F or AVX2).
    type Eight<'a> = ([&'a [f64; N_INPUTS]; MONTH_LANES], Vec<[f64; MONTH_LANES]>);
    let eights: Vec<Eight> = paths
        .chunks_exact(MONTH_LANES)
        .map(|eight| {
            let x = std::array::from_fn(|l| &eight[l].0);
            let rd = (0..scenario.months)
                .map(|m| std::array::from_fn(|l| eight[l].1[m]))
                .collect();
            (x, rd)
        })
        .collect();
    group.bench_function("given_demand_64_paths_in_lanes", |b| {
        b.iter(|| {
            for (x, rd) in &eights {
                black_box(run_paths_with_demand(
                    black_box(*x),
                    &shape,
                    rd,
                    0,
                    &mut scratch,
                    &mut NoSeries,
                ));
            }
        })
    });
    group.throughput(Throughput::Elements(1));
    group.bench_function("draw_inputs", |b| {
        // Latin hypercube strata exist for path indices below `paths` only.
        let mut p = 0;
        b.iter(|| {
            p = (p + 1) % scenario.paths;
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

    // Demand is a serial chain per path (division, log1p, exp, product);
    // interleaving L paths lets their chains overlap. Per path, so the
    // lane counts compare directly.
    let mut group = c.benchmark_group("demand_lanes");
    group.throughput(Throughput::Elements(1));
    bench_lanes::<1>(&mut group, &sampler, &shape);
    bench_lanes::<4>(&mut group, &sampler, &shape);
    bench_lanes::<8>(&mut group, &sampler, &shape);
    bench_lanes::<16>(&mut group, &sampler, &shape);
    bench_lanes::<32>(&mut group, &sampler, &shape);
    group.finish();
}

fn bench_lanes<const L: usize>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    sampler: &Sampler,
    shape: &ModelShape,
) {
    let mut x = [[0.0; N_INPUTS]; L];
    let mut drawn = vec![0.0; sampler.uncertain_ids().len()];
    let mut shocks: [Vec<f64>; L] = std::array::from_fn(|_| vec![0.0; shape.months]);
    let mut out = vec![[0.0; L]; shape.months];
    for l in 0..L {
        sampler.draw(l as u64, &mut x[l], &mut drawn);
        sampler.shocks(l as u64, &mut shocks[l][..shape.months - 1]);
    }
    group.throughput(Throughput::Elements(L as u64));
    group.bench_function(format!("{L}_paths"), |b| {
        b.iter(|| {
            demand::<L>(
                black_box(&x).each_ref(),
                shape,
                shocks.each_ref().map(Vec::as_slice),
                &mut out,
            )
        })
    });
}
