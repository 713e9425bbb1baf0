//! Charts and `report.html`: every chart is a valid PNG of the stated size
//! with something drawn on it, for a realistic run, a deterministic one
//! (zero-width bands, no colour key on the tornado) and one where cash
//! never breaks even; every caption names the `--set` overrides; the report
//! embeds every chart and needs no network; `--no-charts` and
//! `output.charts = false` write none; the build needs no system font
//! libraries.

mod common;

use std::time::SystemTime;

use assert_cmd::cargo::cargo_bin_cmd;
use base64::Engine as _;
use capsim::engine::{self, RunResults};
use capsim::output::charts::{self, ChartKind, CHARTS, HEIGHT, WIDTH};
use capsim::output::{write_run, RunReport};
use capsim::scenario::{Override, Scenario};

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn scenario(file: &str, set: &[&str]) -> Scenario {
    let overrides: Vec<Override> = set.iter().map(|s| Override::parse(s).unwrap()).collect();
    Scenario::from_file(std::path::Path::new(&fixture(file)), &overrides).unwrap()
}

fn report<'a>(scenario: &'a Scenario, results: &'a RunResults) -> RunReport<'a> {
    RunReport {
        scenario,
        results,
        started_at: SystemTime::now(),
        finished_at: SystemTime::now(),
        files: Vec::new(),
        cancel: None,
    }
}

/// Decodes a PNG; returns (width, height, RGB pixels).
fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(bytes);
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).expect("PNG data");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    pixels.truncate(info.buffer_size());
    (info.width, info.height, pixels)
}

/// Share of pixels that are not white.
fn inked(pixels: &[u8]) -> f64 {
    let ink = pixels
        .chunks_exact(3)
        .filter(|p| p != &[255, 255, 255])
        .count();
    ink as f64 / (pixels.len() / 3) as f64
}

fn check_all_charts(scenario: &Scenario, min_ink: f64) {
    let results = engine::run(scenario, &Default::default()).unwrap();
    let report = report(scenario, &results);
    for kind in CHARTS {
        let png = kind
            .draw(&report)
            .unwrap_or_else(|e| panic!("{}: {e}", kind.file_name()));
        let (w, h, pixels) = decode(&png);
        assert_eq!((w, h), (WIDTH, HEIGHT), "{}", kind.file_name());
        assert!(w >= 1200 && h >= 750);
        let ink = inked(&pixels);
        assert!(
            ink > min_ink,
            "{}: only {ink} of pixels drawn",
            kind.file_name()
        );
    }
}

#[test]
fn every_chart_is_a_png_of_the_stated_size_with_data_on_it() {
    // Bands, bars and text: well over 5% of the canvas is not white.
    check_all_charts(&scenario("small.toml", &["scenario.paths=600"]), 0.05);
}

#[test]
fn a_deterministic_scenario_still_draws() {
    // Zero-width bands, single-bar histograms, a tornado with no inputs.
    check_all_charts(&scenario("deterministic.toml", &[]), 0.02);
}

#[test]
fn a_scenario_that_never_breaks_even_still_draws() {
    let s = scenario(
        "small.toml",
        &[
            "scenario.paths=400",
            "revenue.growth=0",
            "revenue.initial_run_rate_usd=1B",
        ],
    );
    let results = engine::run(&s, &Default::default()).unwrap();
    let breakeven = &results.statistics.summaries[capsim::model::Metric::BreakevenMonth as usize];
    assert_eq!(
        breakeven.censored_share, 1.0,
        "the premise: nothing breaks even"
    );
    check_all_charts(&s, 0.02);
}

#[test]
fn every_chart_names_the_set_overrides_in_its_caption() {
    // `revenue.margin=70%` is what small.toml says already: the results are
    // the same, so only the caption may differ.
    let plain = scenario("small.toml", &["scenario.paths=300"]);
    let set = scenario("small.toml", &["scenario.paths=300", "revenue.margin=70%"]);
    let plain_results = engine::run(&plain, &Default::default()).unwrap();
    let set_results = engine::run(&set, &Default::default()).unwrap();
    let (plain_report, set_report) = (report(&plain, &plain_results), report(&set, &set_results));
    let text = charts::caption(&set_report, "cash.png").unwrap();
    assert!(
        text.contains("small with --set revenue.margin=70% · 300 paths"),
        "{text}"
    );
    assert!(
        !text.contains("scenario.paths"),
        "--paths is stated once: {text}"
    );
    let plain_text = charts::caption(&plain_report, "cash.png").unwrap();
    assert!(!plain_text.contains("--set"), "{plain_text}");
    for kind in CHARTS {
        let (_, _, a) = decode(&kind.draw(&plain_report).unwrap());
        let (_, _, b) = decode(&kind.draw(&set_report).unwrap());
        common::differ_only_in_caption(&kind.file_name(), &a, &b);
    }
}

#[test]
fn a_deterministic_tornado_shows_no_colour_key() {
    // No bars, so the two colours of the key would explain nothing.
    let s = scenario("deterministic.toml", &[]);
    let results = engine::run(&s, &Default::default()).unwrap();
    let (_, _, pixels) = decode(&ChartKind::Tornado.draw(&report(&s, &results)).unwrap());
    for colour in [charts::SPEND, charts::REVENUE] {
        let want = [colour.0, colour.1, colour.2];
        let found = pixels.chunks_exact(3).filter(|p| *p == want).count();
        assert_eq!(found, 0, "{colour:?} drawn on a tornado with no bars");
    }
}

#[test]
fn chart_file_names_follow_the_spec() {
    let names: Vec<String> = CHARTS.iter().map(|k| k.file_name()).collect();
    for name in [
        "fan_cumulative.png",
        "capacity.png",
        "cash.png",
        "tornado.png",
        "hist_peak_funding_need_usd.png",
        "hist_npv_usd.png",
        "hist_target_month.png",
        "hist_breakeven_month.png",
    ] {
        assert!(
            names.iter().any(|n| n == name),
            "{name} missing from {names:?}"
        );
    }
    assert_eq!(ChartKind::Tornado.file_name(), "tornado.png");
}

#[test]
fn the_report_embeds_every_chart_and_needs_no_network() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = scenario("small.toml", &["scenario.paths=500"]);
    s.output.dir = tmp.path().join("out");
    let results = engine::run(&s, &Default::default()).unwrap();
    let mut report = report(&s, &results);
    let (dir, files) = write_run(&mut report, &charts::exporters()).unwrap();
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains(&s.title), "the scenario's title");
    assert!(html.contains("peak_funding_need_usd") && html.contains("build.rate_gw_per_week"));
    assert_eq!(html.matches("data:image/png;base64,").count(), CHARTS.len());
    for kind in CHARTS {
        let name = kind.file_name();
        assert!(files.contains(&name), "{name} written");
        let png = std::fs::read(dir.join(&name)).unwrap();
        let encoded = base64::engine::general_purpose::STANDARD.encode(&png);
        assert!(html.contains(&encoded), "{name} embedded byte for byte");
    }
    for remote in ["http://", "https://", "<script", "<link"] {
        assert!(!html.contains(remote), "self-contained: found {remote}");
    }
    let run_json = std::fs::read_to_string(dir.join("run.json")).unwrap();
    assert!(run_json.contains("report.html") && run_json.contains("tornado.png"));
}

fn pngs_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            let name = name.to_string_lossy();
            name.ends_with(".png") || name == "report.html"
        })
        .count()
}

#[test]
fn charts_are_written_unless_switched_off() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |out: &str, extra: &[&str]| {
        let dir = tmp.path().join(out);
        cargo_bin_cmd!("capsim")
            .args([
                "run",
                &fixture("small.toml"),
                "--quiet",
                "--set",
                "scenario.paths=300",
            ])
            .args(extra)
            .arg("--out")
            .arg(&dir)
            .assert()
            .success();
        pngs_in(&dir)
    };
    // small.toml says `charts = false`.
    assert_eq!(run("off-in-file", &[]), 0);
    assert_eq!(
        run("on", &["--set", "output.charts=true"]),
        CHARTS.len() + 1
    );
    assert_eq!(
        run("flag", &["--set", "output.charts=true", "--no-charts"]),
        0
    );
}

#[test]
fn building_needs_no_system_font_libraries() {
    let lock =
        std::fs::read_to_string(format!("{}/Cargo.lock", env!("CARGO_MANIFEST_DIR"))).unwrap();
    for crate_name in [
        "font-kit",
        "servo-fontconfig",
        "servo-fontconfig-sys",
        "yeslogic-fontconfig-sys",
        "freetype",
        "freetype-sys",
        "expat-sys",
        "core-text",
        "dwrote",
        "pkg-config",
    ] {
        let entry = format!("name = \"{crate_name}\"");
        assert!(!lock.contains(&entry), "{crate_name} is in Cargo.lock: a system font library or plotters' `ttf` feature crept in");
    }
    let manifest =
        std::fs::read_to_string(format!("{}/Cargo.toml", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let plotters = manifest
        .lines()
        .find(|l| l.starts_with("plotters"))
        .unwrap();
    assert!(plotters.contains("default-features = false") && plotters.contains("ab_glyph"));
    assert!(
        !plotters.contains("\"ttf\""),
        "the ttf feature ignores registered fonts"
    );
}
