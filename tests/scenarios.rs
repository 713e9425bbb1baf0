//! The scenario library in `scenarios/`: every file passes `capsim check`,
//! runs briefly, and says what question it answers; the base case is the
//! built-in default; the bull/base/bear variants load and differ.

use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use capsim::engine;
use capsim::model::Metric;
use capsim::scenario::{Override, Scenario, DEFAULT_SCENARIO};
use predicates::prelude::*;

/// Scenarios the library promises (README, issue "A scenario library").
const REQUIRED: [&str; 6] = [
    "openai-30gw",
    "altman-1gw-per-week",
    "slow-build-hsbc",
    "cheap-compute",
    "short-hardware-life",
    "bull-base-bear",
];

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// Every `scenarios/*.toml`, sorted.
fn scenario_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(scenarios_dir())
        .expect("scenarios/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .expect("UTF-8 file name")
        .to_string()
}

#[test]
fn the_library_holds_the_promised_scenarios() {
    let stems: Vec<String> = scenario_files().iter().map(|p| stem(p)).collect();
    for name in REQUIRED {
        assert!(
            stems.iter().any(|s| s == name),
            "scenarios/{name}.toml is missing"
        );
    }
}

#[test]
fn the_base_case_file_is_the_builtin_default() {
    let file = std::fs::read(scenarios_dir().join("openai-30gw.toml")).unwrap();
    assert!(
        file == DEFAULT_SCENARIO.as_bytes(),
        "scenarios/openai-30gw.toml differs from the embedded default"
    );
}

#[test]
fn every_scenario_says_what_question_it_answers() {
    for path in scenario_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let header: Vec<&str> = text.lines().take_while(|l| l.starts_with('#')).collect();
        assert!(
            header.iter().any(|l| l.starts_with("# Question:")),
            "{}: the header comment needs a \"# Question:\" line",
            path.display()
        );
    }
}

#[test]
fn every_scenario_passes_check() {
    for path in scenario_files() {
        cargo_bin_cmd!("capsim")
            .arg("check")
            .arg(&path)
            .assert()
            .success()
            .stdout(predicate::str::contains("ok: "));
    }
}

#[test]
fn every_scenario_runs_briefly() {
    let tmp = tempfile::tempdir().unwrap();
    for path in scenario_files() {
        let out = tmp.path().join(stem(&path));
        cargo_bin_cmd!("capsim")
            .arg("run")
            .arg(&path)
            .args(["--paths", "500", "--no-charts", "--quiet", "--out"])
            .arg(&out)
            .assert()
            .success();
        assert!(
            out.join("metrics.csv").is_file(),
            "{}: no metrics.csv",
            path.display()
        );
    }
}

/// P50 peak funding need of a short run.
fn p50_peak_funding_need(s: &Scenario) -> f64 {
    let results = engine::run(s, &Default::default()).expect("run finishes");
    results.statistics.summaries[Metric::PeakFundingNeedUsd as usize]
        .at(0.5)
        .expect("P50 is a reported percentile")
}

#[test]
fn bull_base_and_bear_load_and_differ_in_funding_need() {
    let path = scenarios_dir().join("bull-base-bear.toml");
    let paths = Override::parse("scenario.paths=2000").unwrap();
    let file = Scenario::from_file(&path, &[paths]).unwrap();
    assert_eq!(file.variant_names, ["bull", "base", "bear"]);

    let need: Vec<f64> = ["bull", "base", "bear"]
        .iter()
        .map(|name| {
            let v = file
                .variant(name)
                .unwrap_or_else(|e| panic!("variant {name}: {e}"));
            assert_eq!(v.name, format!("bull-base-bear-{name}"));
            assert_eq!(v.paths, 2000);
            p50_peak_funding_need(&v)
        })
        .collect();
    let (bull, base, bear) = (need[0], need[1], need[2]);
    assert!(
        bull < base && base < bear,
        "P50 peak funding need should rise from bull to bear: {bull:e} {base:e} {bear:e}"
    );

    // The base variant is the file as written.
    assert_eq!(base, p50_peak_funding_need(&file));
}
