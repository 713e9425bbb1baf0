//! The charts of sweeps and comparisons (SPEC §7): every chart is a PNG of
//! the stated size with its data drawn in the data's colours, for a sweep
//! over one key (numeric and categorical), over two keys (heatmap) and
//! over three (no charts), and for a comparison of scenarios with
//! different starts and horizons; degenerate inputs (every path the same,
//! every point censored, one value, no points, no scenarios) still draw;
//! captions name the `--set` overrides.

mod common;

use capsim::engine::RunOptions;
use capsim::model::Metric;
use capsim::output::charts::colour_bar::ColourScale;
use capsim::output::charts::heatmap::NEVER;
use capsim::output::charts::{
    compare_charts, compare_charts_with_overrides, sweep_charts, CAPACITY, CASH, GRID, HEIGHT, INK,
    REFERENCE, SCENARIO_COLOURS, WIDTH,
};
use capsim::scenario::{Override, Scenario};
use capsim::study::compare::{self, CompareEntry};
use capsim::study::grid::parse_grid_key;
use capsim::study::sweep::{self, SweepResult};
use plotters::style::RGBColor;

fn builtin(set: &[&str]) -> Scenario {
    let mut overrides = vec![Override::parse("scenario.paths=400").unwrap()];
    overrides.extend(set.iter().map(|s| Override::parse(s).unwrap()));
    Scenario::builtin(&overrides).unwrap()
}

/// Every input fixed: all paths are the same. `extra` follows the
/// `[scenario]` table's `paths` line.
fn deterministic(extra: &str) -> Scenario {
    let text = format!("[scenario]\npaths = 200\n{extra}");
    Scenario::from_str("d.toml", Some("fixed"), &text, &[]).unwrap()
}

fn run_sweep(base: &Scenario, keys: &[&str]) -> SweepResult {
    let keys: Vec<_> = keys.iter().map(|k| parse_grid_key(k).unwrap()).collect();
    let prepared = sweep::prepare(base, &keys).unwrap();
    sweep::run(&keys, &prepared, &RunOptions::default()).unwrap()
}

fn run_compare(scenarios: Vec<Scenario>) -> (Vec<CompareEntry>, u64, u64) {
    let all = compare::expand(scenarios).unwrap();
    let entries = compare::run(&all, &RunOptions::default()).unwrap();
    (entries, all[0].paths, all[0].seed)
}

/// Decodes a PNG; returns its RGB pixels after checking the size.
fn pixels(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut reader = png::Decoder::new(bytes).read_info().expect("a PNG header");
    let mut out = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut out).expect("PNG data");
    assert_eq!((info.width, info.height), (WIDTH, HEIGHT), "{name}");
    assert_eq!(info.color_type, png::ColorType::Rgb, "{name}");
    out.truncate(info.buffer_size());
    out
}

/// Pixels of exactly `colour`.
fn count(pixels: &[u8], colour: RGBColor) -> usize {
    let want = [colour.0, colour.1, colour.2];
    pixels.chunks_exact(3).filter(|p| *p == want).count()
}

/// Share of pixels that are not white.
fn inked(pixels: &[u8]) -> f64 {
    let ink = pixels
        .chunks_exact(3)
        .filter(|p| p != &[255, 255, 255])
        .count();
    ink as f64 / (pixels.len() / 3) as f64
}

fn names(charts: &[(String, Vec<u8>)]) -> Vec<&str> {
    charts.iter().map(|(n, _)| n.as_str()).collect()
}

const SWEEP_FILES: [&str; 3] = [
    "sweep_peak_funding_need_usd.png",
    "sweep_npv_usd.png",
    "sweep_target_month.png",
];

#[test]
fn one_key_sweeps_draw_lines_in_the_metric_colours() {
    let base = builtin(&[]);
    for keys in [
        "build.rate_gw_per_week=0.2..1.2:5",
        "cost.per_gw_usd=35B,\"40B to 60B\",{ dist = \"uniform\", min = \"30B\", max = \"50B\" }",
    ] {
        let charts = sweep_charts(&run_sweep(&base, &[keys]), &base).unwrap();
        assert_eq!(names(&charts), SWEEP_FILES, "{keys}");
        for (name, png) in &charts {
            let px = pixels(name, png);
            let colour = if name.contains("target") {
                CAPACITY
            } else {
                CASH
            };
            // The P50 line and its dots: thousands of pixels of the colour.
            assert!(count(&px, colour) > 2000, "{keys}: {name} has no P50 line");
            assert!(inked(&px) > 0.08, "{keys}: {name} has no bands");
        }
    }
}

#[test]
fn two_key_sweeps_draw_heatmaps_and_three_keys_draw_nothing() {
    let base = builtin(&[]);
    let two = [
        "build.rate_gw_per_week=0.25,0.5,1",
        "revenue.growth=50%,150%",
    ];
    let charts = sweep_charts(&run_sweep(&base, &two), &base).unwrap();
    assert_eq!(names(&charts), SWEEP_FILES);
    let viridis = ColourScale {
        lo: 0.0,
        hi: 1.0,
        diverging: false,
    };
    for (name, png) in &charts {
        let px = pixels(name, png);
        // The lowest and highest cells take the ends of the scale.
        for end in [viridis.colour(0.0), viridis.colour(1.0)] {
            assert!(count(&px, end) > 10_000, "{name}: no cell of {end:?}");
        }
    }
    let mut three = two.to_vec();
    three.push("revenue.margin=50%,60%");
    assert!(sweep_charts(&run_sweep(&base, &three), &base)
        .unwrap()
        .is_empty());
}

#[test]
fn degenerate_sweeps_still_draw() {
    let same = deterministic("");
    let never = deterministic("[plan]\ntarget_gw = 5000\n");
    let cases: Vec<(&Scenario, Vec<&str>)> = vec![
        (&same, vec!["build.rate_gw_per_week=0.05,0.5,1"]),
        (&same, vec!["build.rate_gw_per_week=0.05,0.5", "revenue.margin=0%,80%"]),
        (&never, vec!["build.rate_gw_per_week=0.5,1"]),
        (&never, vec!["build.rate_gw_per_week=0.5,1", "revenue.margin=40%,80%"]),
        (&same, vec!["build.rate_gw_per_week=0.5"]),
        (&same, vec!["build.rate_gw_per_week=0.5", "revenue.margin=50%"]),
        (&same, vec!["cost.per_gw_usd={ dist = \"lognormal\", p5 = \"30B\", p95 = \"90B\" },{ dist = \"uniform\", min = \"30000000000\", max = \"50000000000\" },{ dist = \"triangular\", min = \"30B\", mode = \"31B\", max = \"35B\" }"]),
    ];
    for (base, keys) in cases {
        let charts =
            sweep_charts(&run_sweep(base, &keys), base).unwrap_or_else(|e| panic!("{keys:?}: {e}"));
        assert_eq!(names(&charts), SWEEP_FILES, "{keys:?}");
        for (name, png) in &charts {
            let px = pixels(name, png);
            assert!(inked(&px) > 0.03, "{keys:?}: {name}");
            if std::ptr::eq(base, &never) && name.contains("target") {
                // The "never" row of a line chart, the grey cells of a heatmap.
                let shade = if keys.len() == 1 { GRID } else { NEVER };
                assert!(
                    count(&px, shade) > 20_000,
                    "{keys:?}: {name} shows no never"
                );
            }
        }
    }
    // A sweep whose points are all missing draws its frame and a note.
    let mut empty = run_sweep(&same, &["build.rate_gw_per_week=0.5,1"]);
    empty.points.clear();
    assert_eq!(sweep_charts(&empty, &same).unwrap().len(), 3);
    empty.keys.clear();
    assert!(sweep_charts(&empty, &same).unwrap().is_empty());
}

#[test]
fn comparisons_of_different_horizons_draw_every_scenario() {
    let long = builtin(&[]);
    let late_short = builtin(&[
        "scenario.name=late-short",
        "scenario.start=2027-06",
        "scenario.horizon_years=5",
        "plan.target_gw=60",
    ]);
    let (entries, paths, seed) = run_compare(vec![long, late_short]);
    assert_ne!(entries[0].months, entries[1].months);
    let charts = compare_charts(&entries, paths, seed).unwrap();
    assert_eq!(
        names(&charts),
        [
            "compare_fan.png",
            "compare_cdf_peak_funding_need_usd.png",
            "compare_cdf_npv_usd.png",
            "compare_cdf_target_month.png",
        ]
    );
    for (name, png) in &charts {
        let px = pixels(name, png);
        for colour in &SCENARIO_COLOURS[..2] {
            assert!(count(&px, *colour) > 1000, "{name}: no line in {colour:?}");
        }
    }
    let target = &entries[1].statistics.summaries[Metric::TargetMonth as usize];
    assert!(
        target.censored_share > 0.0,
        "60 GW in five years is sometimes out of reach, so one CDF stops short"
    );
}

#[test]
fn degenerate_comparisons_still_draw() {
    let cases = vec![
        vec![deterministic(""), deterministic("")],
        vec![deterministic("[plan]\ntarget_gw = 5000\n")],
        vec![builtin(&[]), deterministic("horizon_years = 12\n")],
    ];
    for scenarios in cases {
        let (entries, paths, seed) = run_compare(scenarios);
        let charts = compare_charts(&entries, paths, seed).unwrap();
        assert_eq!(charts.len(), 4);
        for (name, png) in &charts {
            assert!(inked(&pixels(name, png)) > 0.03, "{name}");
        }
    }
    assert!(compare_charts(&[], 1, 1).unwrap().is_empty());
}

/// Asserts that two PNG charts differ in their caption and nowhere else.
fn differ_only_in_caption(name: &str, a: &[u8], b: &[u8]) {
    common::differ_only_in_caption(name, &pixels(name, a), &pixels(name, b));
}

#[test]
fn study_captions_name_the_set_overrides() {
    // The override sets what the file says: same results, other caption.
    let text = "[scenario]\npaths = 200\n[revenue]\nmargin = \"60%\"\n";
    let margin = [Override::parse("revenue.margin=60%").unwrap()];
    let plain = Scenario::from_str("d.toml", Some("fixed"), text, &[]).unwrap();
    let set = Scenario::from_str("d.toml", Some("fixed"), text, &margin).unwrap();
    for keys in [
        vec!["build.rate_gw_per_week=0.5,1"],
        vec!["build.rate_gw_per_week=0.5,1", "revenue.growth=50%,150%"],
    ] {
        let a = sweep_charts(&run_sweep(&plain, &keys), &plain).unwrap();
        let b = sweep_charts(&run_sweep(&set, &keys), &set).unwrap();
        assert_eq!(a.len(), 3);
        for ((name, a), (_, b)) in a.iter().zip(&b) {
            differ_only_in_caption(name, a, b);
        }
    }
    let (entries, paths, seed) = run_compare(vec![plain.clone(), deterministic("")]);
    let overrides = set.applied_overrides();
    assert_eq!(overrides, ["revenue.margin=60%"]);
    let a = compare_charts(&entries, paths, seed).unwrap();
    let b = compare_charts_with_overrides(&entries, paths, seed, overrides).unwrap();
    assert_eq!(names(&a), names(&b));
    for ((name, a), (_, b)) in a.iter().zip(&b) {
        differ_only_in_caption(name, a, b);
    }
}

#[test]
fn every_scenario_colour_stands_apart_from_the_others_and_from_the_reference_lines() {
    // Euclidean distance in RGB: 100 is clearly different at line width.
    let distance = |a: &plotters::style::RGBColor, b: &plotters::style::RGBColor| {
        let d = |x: u8, y: u8| (f64::from(x) - f64::from(y)).powi(2);
        (d(a.0, b.0) + d(a.1, b.1) + d(a.2, b.2)).sqrt()
    };
    for (i, c) in SCENARIO_COLOURS.iter().enumerate() {
        for other in [&REFERENCE, &INK, &GRID] {
            assert!(
                distance(c, other) > 100.0,
                "scenario colour {i} {c:?} is close to {other:?}"
            );
        }
        for (j, d) in SCENARIO_COLOURS.iter().enumerate().skip(i + 1) {
            assert!(
                distance(c, d) > 60.0,
                "scenario colours {i} and {j} are alike"
            );
        }
    }
}
