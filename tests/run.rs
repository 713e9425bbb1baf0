//! `capsim run`, `check` and `new` as a user runs them: real files, the
//! release-style binary, exit codes and output bytes.

use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn header(dir: &Path, file: &str) -> String {
    read(dir, file)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn run_writes_every_file_with_the_spec_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    cargo_bin_cmd!("capsim")
        .args(["run", &fixture("small.toml"), "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("P(target reached within the horizon)")
                .and(predicate::str::contains("paths/s")),
        );
    assert_eq!(
        header(&out, "bands.csv"),
        "month,date,series,mean,p5,p10,p25,p50,p75,p90,p95"
    );
    assert_eq!(
        header(&out, "metrics_summary.csv"),
        "metric,mean,sd,p5,p10,p25,p50,p75,p90,p95,censored_share"
    );
    assert_eq!(header(&out, "sensitivity.csv"), "metric,input,spearman");
    assert_eq!(header(&out, "trajectories.csv"), "path,month,date,capacity_gw,capex_cum_usd,opex_cum_usd,revenue_run_rate_usd,revenue_cum_usd,net_cash_cum_usd");
    assert_eq!(
        header(&out, "metrics.csv"),
        "path,build.rate_gw_per_week,build.ramp_months,build.lag_months,cost.per_gw_usd,cost.annual_decline,cost.hardware_life_years,cost.power_price_usd_per_mwh,revenue.initial_run_rate_usd,revenue.growth,revenue.per_gw_year_usd,\
target_month,capacity_end_gw,capex_total_usd,capex_at_target_usd,opex_total_usd,revenue_total_usd,revenue_run_rate_end_usd,peak_funding_need_usd,breakeven_month,commitment_coverage,npv_usd"
    );
    assert_eq!(read(&out, "metrics.csv").lines().count(), 3001);
    assert_eq!(read(&out, "bands.csv").lines().count(), 1 + 6 * 96);
    assert_eq!(read(&out, "trajectories.csv").lines().count(), 1 + 5 * 96);
    assert_eq!(read(&out, "sensitivity.csv").lines().count(), 1 + 11 * 10);
    let bands = read(&out, "bands.csv");
    assert!(bands
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("0,2025-11,capacity_gw,"));
    assert!(bands
        .lines()
        .any(|l| l.starts_with("95,2033-10,net_cash_cum_usd,")));
    let json: serde_json::Value = serde_json::from_str(&read(&out, "run.json")).unwrap();
    assert_eq!(json["seed"], 42);
    assert_eq!(json["paths"], 3000);
    assert_eq!(
        json["bands"]["max_relative_error"], 0.0,
        "3,000 paths × 120 months fit: exact bands"
    );
    assert_eq!(json["scenario"]["name"], "small");
    assert_eq!(json["scenario"]["sha256"].as_str().unwrap().len(), 64);
    assert!(json["files"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "metrics.csv"));
    assert!(json["resolved_scenario"]
        .as_str()
        .unwrap()
        .contains("[revenue]"));
    // No temporary folder is left beside the output.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn same_bytes_at_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    // 20,000 paths are five chunks, so metrics.csv is streamed from
    // chunks that finish out of order.
    for threads in ["1", "2", "4"] {
        cargo_bin_cmd!("capsim")
            .args([
                "run",
                &fixture("small.toml"),
                "--paths",
                "20000",
                "--quiet",
                "--threads",
                threads,
                "--out",
            ])
            .arg(tmp.path().join(threads))
            .assert()
            .success();
    }
    for file in [
        "bands.csv",
        "metrics_summary.csv",
        "metrics.csv",
        "sensitivity.csv",
        "trajectories.csv",
    ] {
        let one = std::fs::read(tmp.path().join("1").join(file)).unwrap();
        if file == "metrics.csv" {
            let text = String::from_utf8(one.clone()).unwrap();
            let paths: Vec<&str> = text
                .lines()
                .skip(1)
                .map(|l| l.split(',').next().unwrap())
                .collect();
            let expected: Vec<String> = (0..20_000).map(|p| p.to_string()).collect();
            assert_eq!(paths, expected, "one row per path, in path order");
        }
        for threads in ["2", "4"] {
            assert!(
                one == std::fs::read(tmp.path().join(threads).join(file)).unwrap(),
                "{file} differs with {threads} threads"
            );
        }
    }
}

#[test]
fn the_default_scenario_runs_without_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("capsim")
        .current_dir(tmp.path())
        .args(["run", "--paths", "2000", "--no-charts"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "openai-30gw: OpenAI 30 GW / $1.4T plan vs revenue",
        ))
        .stdout(predicate::str::contains("wrote outputs/openai-30gw/"));
    let out = tmp.path().join("outputs/openai-30gw");
    assert_eq!(read(&out, "metrics.csv").lines().count(), 2001);
    let json: serde_json::Value = serde_json::from_str(&read(&out, "run.json")).unwrap();
    assert_eq!(json["seed"], 20251103);
    assert_eq!(json["scenario"]["overrides"][0], "scenario.paths=2000");
}

#[test]
fn set_and_seed_change_the_numbers_and_are_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |dir: &str, extra: &[&str]| {
        cargo_bin_cmd!("capsim")
            .args(["run", &fixture("small.toml"), "--quiet", "--out"])
            .arg(tmp.path().join(dir))
            .args(extra)
            .assert()
            .success();
        read(&tmp.path().join(dir), "metrics_summary.csv")
    };
    let base = run("base", &[]);
    assert_eq!(
        base,
        run("again", &[]),
        "same scenario and seed, same numbers"
    );
    assert_ne!(base, run("seed", &["--seed", "7"]));
    let slow = run("slow", &["--set", "build.rate_gw_per_week=0.05"]);
    assert_ne!(base, slow);
    let json = read(&tmp.path().join("slow"), "run.json");
    assert!(json.contains("build.rate_gw_per_week=0.05"));
    let interval = run("interval", &["--set", "cost.per_gw_usd=30B to 50B"]);
    assert_ne!(base, interval);
}

#[test]
fn deterministic_scenario_matches_hand_computation() {
    let tmp = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("capsim")
        .args(["run", &fixture("deterministic.toml"), "--quiet", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
    let summary = read(tmp.path(), "metrics_summary.csv");
    // 30 GW at 1 GW/week: 6 full months of 365.25/84 GW, target in month 6.
    assert!(
        summary.contains("\ntarget_month,6,0,6,6,6,6,6,6,6,0\n"),
        "{summary}"
    );
    // Capex to the target: 30 GW × $46B, exactly (hardware refresh comes later).
    let line = summary
        .lines()
        .find(|l| l.starts_with("capex_at_target_usd,"))
        .unwrap();
    let p50: f64 = line.split(',').nth(6).unwrap().parse().unwrap();
    assert!((p50 / 1.38e12 - 1.0).abs() < 1e-12, "{line}");
    // Zero-width bands: every percentile equals the mean.
    for line in read(tmp.path(), "bands.csv").lines().skip(1) {
        let cells: Vec<f64> = line
            .split(',')
            .skip(3)
            .map(|c| c.parse().unwrap())
            .collect();
        assert!(
            cells
                .iter()
                .all(|&c| (c - cells[0]).abs() <= 1e-9 * cells[0].abs()),
            "{line}"
        );
    }
}

#[test]
fn check_lists_every_input_with_percentiles() {
    cargo_bin_cmd!("capsim")
        .args(["check", &fixture("small.toml")])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("build.rate_gw_per_week").and(
                predicate::str::contains(
                    "pert(min 0.1 GW/wk, mode 0.3 GW/wk, max 1 GW/wk, lambda 4)",
                )
                .or(predicate::str::contains("pert(")),
            ),
        )
        .stdout(
            predicate::str::contains("cost.per_gw_usd")
                .and(predicate::str::contains("$40B"))
                .and(predicate::str::contains("$60B")),
        )
        .stdout(predicate::str::contains("rank correlations"))
        .stdout(predicate::str::contains("ok: 10 uncertain inputs"));
    cargo_bin_cmd!("capsim")
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::contains("openai-30gw"));
}

#[test]
fn new_writes_a_starter_that_checks_and_runs() {
    let tmp = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("capsim")
        .current_dir(tmp.path())
        .args(["new", "my-plan"])
        .assert()
        .success()
        .stdout(predicate::str::contains("wrote my-plan.toml"));
    cargo_bin_cmd!("capsim")
        .current_dir(tmp.path())
        .args(["check", "my-plan.toml"])
        .assert()
        .success();
    cargo_bin_cmd!("capsim")
        .current_dir(tmp.path())
        .args([
            "run",
            "my-plan.toml",
            "--paths",
            "500",
            "--quiet",
            "--no-charts",
        ])
        .assert()
        .success();
    assert!(tmp.path().join("outputs/my-plan/metrics.csv").exists());
    cargo_bin_cmd!("capsim")
        .current_dir(tmp.path())
        .args(["new", "my-plan"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    cargo_bin_cmd!("capsim")
        .current_dir(tmp.path())
        .args(["new", "My Plan"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a valid scenario name"));
}

#[test]
fn scenario_errors_exit_2_name_file_line_and_key_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[scenario]\nname = \"bad\"\n[build]\nrate_gw_per_wek = 1\n",
    )
    .unwrap();
    cargo_bin_cmd!("capsim")
        .current_dir(tmp.path())
        .args(["run", "bad.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: bad.toml:4:1: build.rate_gw_per_wek: unknown key",
        ))
        .stderr(predicate::str::contains(
            "help: did you mean `rate_gw_per_week`?",
        ));
    assert!(!tmp.path().join("outputs").exists(), "nothing written");
    cargo_bin_cmd!("capsim")
        .args(["run", &fixture("small.toml"), "--set", "build.rate=1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--set build.rate=1: build.rate: unknown key",
        ));
    cargo_bin_cmd!("capsim")
        .args(["run", "no-such-file.toml"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("no-such-file.toml")
                .and(predicate::str::contains("cannot read")),
        );
    cargo_bin_cmd!("capsim")
        .args(["run", "--paths", "0"])
        .assert()
        .code(2);
}

#[test]
fn an_output_path_that_is_a_file_is_a_runtime_error() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("taken");
    std::fs::write(&file, "x").unwrap();
    cargo_bin_cmd!("capsim")
        .args(["run", &fixture("deterministic.toml"), "--quiet", "--out"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("exists and is not a folder"));
}
