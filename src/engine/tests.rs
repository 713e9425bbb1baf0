//! The engine: determinism, bands against exact percentiles, cancelling.

use super::*;
use crate::model::{Metric, Series};

fn scenario(text: &str) -> Scenario {
    Scenario::from_str("t.toml", Some("t"), text, &[]).unwrap()
}

const REALISTIC: &str = "[scenario]\npaths = 9000\nseed = 5\nsampling = \"lhs\"\n[build]\nrate_gw_per_week = { dist = \"pert\", min = 0.1, mode = 0.3, max = 1.0 }\nlag_months = { dist = \"uniform\", min = 12, max = 24 }\n[cost]\nper_gw_usd = \"40B to 60B\"\n[revenue]\ngrowth = { dist = \"normal\", mean = \"100%\", sd = \"30%\", min = \"-50%\" }\nvolatility = \"25%\"\n[[correlations]]\na = \"build.rate_gw_per_week\"\nb = \"cost.per_gw_usd\"\nrank = 0.3\n";

#[test]
fn same_numbers_at_any_thread_count() {
    let s = scenario(REALISTIC);
    for sketch_bands in [false, true] {
        let options = RunOptions {
            sketch_bands,
            ..Default::default()
        };
        let one = thread_pool(1)
            .unwrap()
            .install(|| simulate(&s, &options))
            .unwrap();
        let three = thread_pool(3)
            .unwrap()
            .install(|| simulate(&s, &options))
            .unwrap();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(
            bits(&one.rows),
            bits(&three.rows),
            "censored metrics are NaN, so compare bits"
        );
        assert_eq!(one.bands, three.bands);
        assert_eq!(one.trajectories, three.trajectories);
        assert_eq!(one.bands.relative_error > 0.0, sketch_bands);
    }
}

#[test]
fn latin_hypercube_strata_rank_the_inputs_like_a_sort() {
    // A discrete input repeats values, so its strata cannot rank it.
    let text =
        format!("{REALISTIC}[cost.hardware_life_years]\ndist = \"discrete\"\nvalues = [4, 5, 6]\n");
    let s = scenario(&text);
    let sim = simulate(&s, &RunOptions::default()).unwrap();
    let strata = sim.strata.as_deref().expect("LHS keeps its strata");
    let width = sim.width();
    let mut ranker = crate::stats::rank::Ranker::default();
    for (j, input) in sim.inputs.iter().enumerate() {
        let by_strata = ranker.rank_by_strata(&sim.rows, width, j, strata[j].clone());
        let sorted = ranker.rank(&sim.rows, width, j);
        if *input == InputId::HardwareLifeYears {
            assert_eq!(by_strata, None, "ties need a sort");
        } else {
            assert_eq!(by_strata, Some(sorted), "{}", input.key());
        }
    }
    let mut mc = s.clone();
    mc.sampling = crate::scenario::Sampling::MonteCarlo;
    assert!(simulate(&mc, &RunOptions::default())
        .unwrap()
        .strata
        .is_none());
}

#[test]
fn small_runs_have_exact_bands_and_large_ones_sketch() {
    let mut s = scenario(REALISTIC);
    assert!(exact_bands(&s), "9,000 paths × 120 months fit");
    s.paths = 19_972;
    assert!(exact_bands(&s), "19,972 paths × 120 months fit");
    s.paths = 19_973;
    assert!(!exact_bands(&s), "19,973 paths × 120 months do not");
    s.months = 60;
    assert!(exact_bands(&s), "19,973 paths × 60 months do");
}

#[test]
fn deterministic_scenario_has_exact_zero_width_bands() {
    let s = scenario("[scenario]\npaths = 5000\n[cost]\nper_gw_usd = \"46B\"\n");
    for sketch_bands in [false, true] {
        deterministic_bands(&s, sketch_bands);
    }
}

fn deterministic_bands(s: &Scenario, sketch_bands: bool) {
    let options = RunOptions {
        sketch_bands,
        ..Default::default()
    };
    let sim = thread_pool(2)
        .unwrap()
        .install(|| simulate(s, &options))
        .unwrap();
    let row = &sim.rows[..N_METRICS];
    assert!(
        sim.rows.chunks(N_METRICS).all(|r| r == row),
        "every path identical"
    );
    let single = &sim.trajectories[0];
    for m in [0, 6, 60, 119] {
        let band = sim.bands.get(Series::CapexCumUsd, m);
        assert!(
            band.percentiles.iter().all(|&p| p == single[m][1]),
            "month {m}"
        );
        assert!((band.mean - single[m][1]).abs() <= 1e-12 * single[m][1].abs());
    }
    assert_eq!(row[Metric::TargetMonth as usize], 6.0);
    let spend = sim.bands.get(Series::SpendCumUsd, 60);
    assert_eq!(spend.percentiles[3], single[60][1] + single[60][2]);
}

#[test]
fn spend_band_is_the_band_of_capex_plus_opex_per_path() {
    let s = scenario(REALISTIC);
    let sim = thread_pool(2)
        .unwrap()
        .install(|| simulate(&s, &RunOptions::default()))
        .unwrap();
    for m in [0, 30, 119] {
        let (capex, opex, spend) = (
            sim.bands.get(Series::CapexCumUsd, m),
            sim.bands.get(Series::OpexCumUsd, m),
            sim.bands.get(Series::SpendCumUsd, m),
        );
        assert!(
            (spend.mean - (capex.mean + opex.mean)).abs() <= 1e-12 * spend.mean.abs(),
            "means add up"
        );
        // Percentiles of a sum lie between the sum of lower and upper extremes.
        assert!(spend.percentiles[3] >= capex.percentiles[0] + opex.percentiles[0]);
        assert!(spend.percentiles[3] <= capex.percentiles[6] + opex.percentiles[6]);
    }
}

#[test]
fn bands_agree_with_exact_percentiles_of_every_path() {
    use crate::stats::sketch::RELATIVE_ERROR;
    let text =
        REALISTIC.replace("paths = 9000", "paths = 3000") + "[output]\ntrajectories = 3000\n";
    let s = scenario(&text);
    for sketch_bands in [true, false] {
        let options = RunOptions {
            sketch_bands,
            ..Default::default()
        };
        let sim = thread_pool(2)
            .unwrap()
            .install(|| simulate(&s, &options))
            .unwrap();
        // The sketch is within its relative error; exact bands are exact.
        let tolerance = if sketch_bands { RELATIVE_ERROR } else { 0.0 };
        check_bands(&s, &sim, tolerance);
    }
}

/// Every band of `sim` (which kept every path's trajectory) against exact
/// percentiles, within `tolerance` relative error.
fn check_bands(s: &Scenario, sim: &Simulation, tolerance: f64) {
    use crate::model::BAND_SERIES;
    use crate::stats::quantile::{percentile_sorted, PERCENTILES};
    assert_eq!(sim.trajectories.len(), s.paths as usize);
    for series in BAND_SERIES {
        for m in (0..s.months).step_by(7) {
            let value = |t: &[f64; N_SERIES]| match series {
                Series::SpendCumUsd => t[1] + t[2],
                _ => t[series as usize],
            };
            let mut exact: Vec<f64> = sim
                .trajectories
                .iter()
                .map(|path| value(&path[m]))
                .collect();
            exact.sort_by(f64::total_cmp);
            let band = sim.bands.get(series, m);
            let mean = exact.iter().sum::<f64>() / exact.len() as f64;
            assert!(
                (band.mean - mean).abs() <= 1e-12 * mean.abs().max(1.0),
                "{} month {m}: mean",
                series.name()
            );
            for (&p, &got) in PERCENTILES.iter().zip(&band.percentiles) {
                let want = percentile_sorted(&exact, p);
                let (lo, _) = crate::stats::quantile::position(exact.len() as u64, p);
                let scale = exact[lo as usize]
                    .abs()
                    .max(exact[(lo as usize + 1).min(exact.len() - 1)].abs());
                assert!(
                    (got - want).abs() <= tolerance * scale,
                    "{} month {m} P{}: band {got} vs exact {want}",
                    series.name(),
                    p * 100.0
                );
            }
        }
    }
}

#[test]
fn metrics_only_runs_give_the_same_metrics() {
    let s = scenario(REALISTIC);
    let pool = thread_pool(2).unwrap();
    let full = pool
        .install(|| simulate(&s, &RunOptions::default()))
        .unwrap();
    let lean = pool
        .install(|| {
            simulate(
                &s,
                &RunOptions {
                    metrics_only: true,
                    ..Default::default()
                },
            )
        })
        .unwrap();
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&full.rows), bits(&lean.rows));
    assert!(lean.trajectories.is_empty());
    assert!(lean.bands.get(Series::CapacityGw, 0).percentiles[3].is_nan());
}

#[test]
fn cancelling_stops_the_run() {
    let s = scenario(REALISTIC);
    let flag = AtomicBool::new(true);
    let options = RunOptions {
        cancel: Some(&flag),
        ..Default::default()
    };
    assert!(matches!(run(&s, &options), Err(EngineError::Cancelled)));
}

#[test]
fn rows_done_hands_over_every_chunk_once_with_its_final_rows() {
    let s = scenario(REALISTIC);
    let seen = Mutex::new(Vec::new());
    let done = |first: u64, rows: &[f64]| {
        lock(&seen).push((first, rows.to_vec()));
        true
    };
    let options = RunOptions {
        rows_done: Some(&done),
        ..Default::default()
    };
    let sim = thread_pool(3)
        .unwrap()
        .install(|| simulate(&s, &options))
        .unwrap();
    let mut seen = seen.into_inner().unwrap();
    seen.sort_by_key(|(first, _)| *first);
    let firsts: Vec<u64> = seen.iter().map(|(f, _)| *f).collect();
    assert_eq!(firsts, vec![0, 4096, 8192], "9,000 paths are three chunks");
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    let joined: Vec<f64> = seen.into_iter().flat_map(|(_, rows)| rows).collect();
    assert_eq!(bits(&joined), bits(&sim.rows));
}

#[test]
fn workers_stay_within_the_window_of_a_slow_chunk() {
    let mut s = scenario(REALISTIC);
    s.paths = 20 * CHUNK_PATHS as u64;
    let order = Mutex::new(Vec::new());
    let done = |first: u64, _: &[f64]| {
        if first == 0 {
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
        lock(&order).push(first as usize / CHUNK_PATHS);
        true
    };
    let options = RunOptions {
        rows_done: Some(&done),
        metrics_only: true,
        ..Default::default()
    };
    thread_pool(2)
        .unwrap()
        .install(|| simulate(&s, &options))
        .unwrap();
    let order = order.into_inner().unwrap();
    let before: Vec<usize> = order.iter().copied().take_while(|&c| c != 0).collect();
    assert!(!before.is_empty(), "the other worker went on meanwhile");
    assert!(
        before.iter().all(|&c| c < WINDOW * 2),
        "no chunk {} or later before chunk 0 is done: {before:?}",
        WINDOW * 2
    );
    assert_eq!(order.len(), 20);
}

#[test]
fn rows_done_can_stop_the_run() {
    let s = scenario(REALISTIC);
    let calls = std::sync::atomic::AtomicUsize::new(0);
    let refuse = |_: u64, _: &[f64]| {
        calls.fetch_add(1, Ordering::Relaxed);
        false
    };
    let options = RunOptions {
        rows_done: Some(&refuse),
        ..Default::default()
    };
    let result = thread_pool(1).unwrap().install(|| run(&s, &options));
    assert!(matches!(result, Err(EngineError::Refused)));
    assert_eq!(
        calls.load(Ordering::Relaxed),
        1,
        "no chunk after the refusal"
    );
}

#[test]
fn progress_counts_every_path() {
    let s = scenario(REALISTIC);
    let done = std::sync::atomic::AtomicU64::new(0);
    let report = |n: u64| {
        done.fetch_add(n, Ordering::Relaxed);
    };
    let options = RunOptions {
        progress: Some(&report),
        ..Default::default()
    };
    thread_pool(2)
        .unwrap()
        .install(|| run(&s, &options))
        .unwrap();
    assert_eq!(done.load(Ordering::Relaxed), 9000);
}

#[test]
fn every_row_and_trajectory_is_its_path_run_alone() {
    // 45 paths: two groups of sixteen (each two groups of eight) and a
    // last group of thirteen (one of eight, five alone), with volatility,
    // so every lane of the worker's groups gets its own demand. Each
    // row's metrics and each kept trajectory must be what `run_path`
    // gives for the path's own inputs and shocks.
    let mut s = scenario(REALISTIC);
    s.paths = 45;
    s.output.trajectories = 45;
    let sim = thread_pool(2)
        .unwrap()
        .install(|| simulate(&s, &RunOptions::default()))
        .unwrap();
    let sampler = Sampler::new(&s).unwrap();
    let shape = ModelShape::of(&s);
    let width = sim.width();
    let mut x = [0.0; crate::scenario::N_INPUTS];
    let mut drawn = vec![0.0; sim.inputs.len()];
    let mut shocks = vec![0.0; s.months];
    let mut scratch = crate::model::Scratch::new(s.months);
    for p in 0..45 {
        sampler.draw(p as u64, &mut x, &mut drawn);
        sampler.shocks(p as u64, &mut shocks[..s.months - 1]);
        let mut kept = crate::model::KeepSeries::default();
        let metrics = crate::model::run_path(&x, &shape, &shocks, &mut scratch, &mut kept);
        let row = &sim.rows[p * width..(p + 1) * width];
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&row[..drawn.len()]), bits(&drawn), "path {p} inputs");
        assert_eq!(
            bits(&row[drawn.len()..]),
            bits(&metrics),
            "path {p} metrics"
        );
        assert_eq!(sim.trajectories[p], kept.0, "path {p} trajectory");
    }
}
