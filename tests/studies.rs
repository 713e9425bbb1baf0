//! `capsim sweep`, `compare` and `solve` as a user runs them.

use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn scenario(name: &str) -> String {
    format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// P50 of `metric` at every point of a sweep.csv, in file order.
fn p50s(csv: &str, metric: &str, keys: usize) -> Vec<f64> {
    csv.lines()
        .skip(1)
        .filter(|l| l.split(',').nth(keys) == Some(metric))
        .map(|l| l.split(',').nth(keys + 3).unwrap().parse().unwrap())
        .collect()
}

#[test]
fn sweep_writes_the_grid_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("capsim")
        .args([
            "sweep",
            &fixture("small.toml"),
            "--set",
            "build.rate_gw_per_week=0.2,0.5,1",
            "--set",
            "revenue.margin=60%,70%",
            "--paths",
            "1500",
            "--no-charts",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("sweep of 6 points"));
    let csv = read(tmp.path(), "sweep.csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "build.rate_gw_per_week,revenue.margin,metric,mean,p5,p50,p95,censored_share"
    );
    assert_eq!(lines.len(), 1 + 6 * 11);
    assert!(lines[1].starts_with("0.2,0.6,target_month,"));
    assert!(
        lines[12].starts_with("0.2,0.7,target_month,"),
        "the last key varies fastest"
    );
    assert!(lines[23].starts_with("0.5,0.6,"));
    let json: serde_json::Value = serde_json::from_str(&read(tmp.path(), "sweep.json")).unwrap();
    assert_eq!(json["points"], 6);
    assert_eq!(json["paths"], 1500);
    assert_eq!(json["keys"][1]["values"][1], "70%");
}

#[test]
fn common_random_numbers_make_target_month_strictly_monotone_in_build_rate() {
    let tmp = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("capsim")
        .args([
            "sweep",
            &fixture("small.toml"),
            "--set",
            "build.rate_gw_per_week=0.15..0.9:6",
            "--paths",
            "3000",
            "--quiet",
            "--no-charts",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success();
    let p50 = p50s(&read(tmp.path(), "sweep.csv"), "target_month", 1);
    assert_eq!(p50.len(), 6);
    assert!(p50.windows(2).all(|w| w[1] < w[0]), "{p50:?}");
}

#[test]
fn sweep_rejects_bad_grids_before_running() {
    let tmp = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("capsim")
        .args([
            "sweep",
            &fixture("small.toml"),
            "--set",
            "revenue.margin=50%,150%",
            "--out",
        ])
        .arg(tmp.path().join("a"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("revenue.margin"));
    cargo_bin_cmd!("capsim")
        .args([
            "sweep",
            &fixture("small.toml"),
            "--set",
            "revenue.margin=0..1:200",
            "--set",
            "cost.utilization=0..1:60",
            "--out",
        ])
        .arg(tmp.path().join("b"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("12000 points"));
    cargo_bin_cmd!("capsim")
        .args([
            "sweep",
            &fixture("small.toml"),
            "--set",
            "build.rate_gw_per_wk=1,2",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean"));
    assert!(!tmp.path().join("a").exists() && !tmp.path().join("b").exists());
}

#[test]
fn compare_runs_variants_as_scenarios_with_one_seed() {
    let tmp = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("capsim")
        .args([
            "compare",
            &scenario("bull-base-bear.toml"),
            "--paths",
            "2000",
            "--no-charts",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("comparison of 3 scenarios"));
    let csv = read(tmp.path(), "compare.csv");
    assert_eq!(
        csv.lines().next().unwrap(),
        "scenario,metric,mean,p5,p50,p95,censored_share"
    );
    assert_eq!(csv.lines().count(), 1 + 3 * 11);
    let names: Vec<&str> = csv
        .lines()
        .skip(1)
        .step_by(11)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(names.len(), 3);
    assert!(
        names[0].ends_with("-bull") && names[1].ends_with("-base") && names[2].ends_with("-bear"),
        "{names:?}"
    );
    cargo_bin_cmd!("capsim")
        .args(["compare", &fixture("small.toml")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at least two scenarios"));
}

#[test]
fn solve_finds_the_known_build_rate() {
    let tmp = tempfile::tempdir().unwrap();
    let out = cargo_bin_cmd!("capsim")
        .args([
            "solve",
            &fixture("deterministic.toml"),
            "--vary",
            "build.rate_gw_per_week",
            "--target",
            "P50 target_month <= 12",
            "--range",
            "0.1..2",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let first = String::from_utf8(out).unwrap();
    let value: f64 = first
        .lines()
        .next()
        .unwrap()
        .strip_prefix("build.rate_gw_per_week = ")
        .unwrap()
        .parse()
        .unwrap();
    // 13 months at rate × 365.25/84 GW a month must reach 30 GW.
    let exact = 30.0 / (13.0 * 365.25 / 84.0);
    assert!(value >= exact && value - exact < 4e-4, "{value} vs {exact}");
    let json: serde_json::Value = serde_json::from_str(&read(tmp.path(), "solve.json")).unwrap();
    for key in [
        "key",
        "value",
        "low",
        "high",
        "condition",
        "achieved",
        "paths",
        "seed",
    ] {
        assert!(json.get(key).is_some(), "solve.json lacks {key}");
    }
    assert_eq!(json["achieved"], 12.0);
    assert_eq!(json["condition"], "P50 target_month <= 12");
}

#[test]
fn solve_says_when_nothing_works_and_rejects_bad_conditions() {
    cargo_bin_cmd!("capsim")
        .args([
            "solve",
            &fixture("deterministic.toml"),
            "--vary",
            "build.rate_gw_per_week",
            "--target",
            "P50 target_month <= 3",
            "--range",
            "0.1..0.5",
            "--quiet",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "no value of build.rate_gw_per_week in 0.1..0.5 meets",
        ));
    cargo_bin_cmd!("capsim")
        .args([
            "solve",
            &fixture("deterministic.toml"),
            "--vary",
            "build.rate_gw_per_week",
            "--target",
            "P50 breakeven <= 60",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown metric"));
    cargo_bin_cmd!("capsim")
        .args([
            "solve",
            &fixture("deterministic.toml"),
            "--vary",
            "plan.target_gw",
            "--target",
            "P50 breakeven_month <= 60",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--range"));
}

#[test]
fn run_takes_a_variant() {
    let tmp = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("capsim")
        .args([
            "run",
            &scenario("bull-base-bear.toml"),
            "--variant",
            "bear",
            "--paths",
            "800",
            "--no-charts",
            "--quiet",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success();
    assert!(read(tmp.path(), "run.json").contains("-bear"));
    cargo_bin_cmd!("capsim")
        .args(["run", &scenario("bull-base-bear.toml"), "--variant", "moon"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no variant named \"moon\""));
}

#[test]
fn starter_variants_compare_and_a_lone_variant_is_explained() {
    let tmp = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("capsim")
        .current_dir(tmp.path())
        .args(["new", "plan"])
        .assert()
        .success();
    let starter = read(tmp.path(), "plan.toml");
    let at = starter
        .find("# [[variants]]")
        .expect("starter shows variants");
    let uncommented = starter[at..]
        .lines()
        .map(|l| l.strip_prefix("# ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    let file = tmp.path().join("plan.toml");
    std::fs::write(&file, format!("{}{uncommented}\n", &starter[..at])).unwrap();
    cargo_bin_cmd!("capsim")
        .args(["compare", "--paths", "500", "--no-charts", "--out"])
        .arg(tmp.path().join("cmp"))
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("plan-base").and(predicate::str::contains("plan-bull")));

    let lone = starter[..at].to_string()
        + "[[variants]]\nname = \"bull\"\nset = { \"revenue.growth\" = \"150%\" }\n";
    std::fs::write(&file, lone).unwrap();
    cargo_bin_cmd!("capsim")
        .args(["compare", "--paths", "500", "--no-charts", "--out"])
        .arg(tmp.path().join("lone"))
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("only one variant (plan-bull)"))
        .stderr(predicate::str::contains("name = \"base\""));
    assert!(!tmp.path().join("lone").exists());
}

/// solve.json of a successful solve on the default scenario.
fn solve_json(dir: &Path, args: &[&str]) -> serde_json::Value {
    cargo_bin_cmd!("capsim")
        .arg("solve")
        .args(args)
        .args(["--quiet", "--out"])
        .arg(dir)
        .assert()
        .success();
    serde_json::from_str(&read(dir, "solve.json")).unwrap()
}

fn num(json: &serde_json::Value, key: &str) -> f64 {
    json[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key}: {json}"))
}

#[test]
fn solve_default_ranges_stay_inside_lognormal_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    // "40B to 60B" is a lognormal: P0.5 to P99.5 is about 35.7B to 67.3B.
    let json = solve_json(
        &tmp.path().join("a"),
        &[
            "--vary",
            "cost.per_gw_usd",
            "--target",
            "P50 peak_funding_need_usd <= 1.2T",
            "--paths",
            "1000",
        ],
    );
    let (lo, hi) = (
        json["range"][0].as_f64().unwrap(),
        json["range"][1].as_f64().unwrap(),
    );
    assert!(
        (35e9..36e9).contains(&lo) && (67e9..68e9).contains(&hi),
        "{lo}..{hi}"
    );
    // The same lognormal written as a table.
    let json = solve_json(
        &tmp.path().join("b"),
        &[
            "--vary",
            "cost.per_gw_usd",
            "--set",
            "cost.per_gw_usd={dist=\"lognormal\", p5=\"40B\", p95=\"60B\"}",
            "--target",
            "P50 peak_funding_need_usd <= 1.2T",
            "--paths",
            "1000",
        ],
    );
    assert_eq!(json["range"][0].as_f64().unwrap(), lo);
    // A lognormal ("8B to 15B") on an input whose domain allows 0: still
    // its P0.5 to P99.5 (about 6.7B to 17.9B), not 0 to P99.5.
    let json = solve_json(
        &tmp.path().join("c"),
        &[
            "--vary",
            "revenue.per_gw_year_usd",
            "--target",
            "P50 npv_usd >= -900B",
            "--paths",
            "1000",
        ],
    );
    let lo = json["range"][0].as_f64().unwrap();
    assert!((6.5e9..7e9).contains(&lo), "{lo}");
    // A range that leaves the domain is refused, naming --range.
    cargo_bin_cmd!("capsim")
        .args([
            "solve",
            "--vary",
            "cost.per_gw_usd",
            "--target",
            "P50 peak_funding_need_usd <= 1T",
            "--range",
            "0..60B",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("> 0").and(predicate::str::contains("--set").not()));
}

#[test]
fn solve_uncertainty_is_cut_by_the_range_on_the_side_it_leaves() {
    let tmp = tempfile::tempdir().unwrap();
    let args = |range: &'static str| {
        [
            "--vary",
            "cost.per_gw_usd",
            "--target",
            "P50 peak_funding_need_usd <= 1T",
            "--paths",
            "2000",
            "--range",
            range,
        ]
    };
    let wide = solve_json(&tmp.path().join("wide"), &args("20B..60B"));
    let (value, low, high) = (num(&wide, "value"), num(&wide, "low"), num(&wide, "high"));
    assert_eq!(wide["passes"], "at and below value");
    assert!(low < value && value < high, "{wide}");
    // Cut the range between the value and the top of its uncertainty.
    let top = 0.5 * (value + high);
    let cut_range = format!("20B..{top}");
    let cut_range: &'static str = Box::leak(cut_range.into_boxed_str());
    let cut = solve_json(&tmp.path().join("cut"), &args(cut_range));
    let tol = 4e-4 * 40e9;
    assert!((num(&cut, "value") - value).abs() < tol, "{cut}");
    assert!((num(&cut, "low") - low).abs() < tol, "low {cut} vs {low}");
    assert_eq!(num(&cut, "high"), top, "{cut}");
}

#[test]
fn solve_says_when_the_condition_holds_across_the_range() {
    let tmp = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("capsim")
        .args([
            "solve",
            "--vary",
            "cost.per_gw_usd",
            "--target",
            "P50 peak_funding_need_usd <= 1T",
            "--paths",
            "1000",
            "--range",
            "20B..39B",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(
            "met everywhere in the searched range",
        ))
        .stderr(predicate::str::contains("--range"));
    assert!(!tmp.path().join("solve.json").exists());
}

#[test]
fn solve_counts_censored_paths_in_a_mean_as_never() {
    // Most paths of the default scenario never break even within ten
    // years (still 72% at 500% growth): the mean breakeven month is +∞
    // ("never") at every growth, not the mean of the paths that do.
    let tmp = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("capsim")
        .args([
            "solve",
            "--vary",
            "revenue.growth",
            "--target",
            "mean breakeven_month <= 100",
            "--range",
            "0..5",
            "--paths",
            "1000",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no value of revenue.growth"))
        .stderr(predicate::str::contains("so the mean is +∞"))
        .stderr(predicate::str::contains("P50 breakeven_month"));
    assert!(!tmp.path().join("solve.json").exists());
}

#[test]
fn sweep_refuses_a_key_twice_and_shared_settings() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = |sets: &[&str], out: &str| {
        let mut cmd = cargo_bin_cmd!("capsim");
        cmd.args([
            "sweep",
            &fixture("small.toml"),
            "--paths",
            "300",
            "--no-charts",
        ]);
        for s in sets {
            cmd.args(["--set", s]);
        }
        cmd.arg("--out").arg(tmp.path().join(out));
        cmd.assert()
    };
    sweep(
        &["build.rate_gw_per_week=0.5,1", "build.rate_gw_per_week=2,3"],
        "twice",
    )
    .code(2)
    .stderr(predicate::str::contains("given twice"))
    .stderr(predicate::str::contains("build.rate_gw_per_week=0.5,1,2,3"));
    for (set, instead) in [
        ("scenario.paths=100,1000", "--paths"),
        ("scenario.seed=1,2", "--seed"),
        ("scenario.sampling=mc,lhs", "single value"),
    ] {
        sweep(&[set], "shared")
            .code(2)
            .stderr(predicate::str::contains("cannot be swept"))
            .stderr(predicate::str::contains(instead));
    }
    assert!(!tmp.path().join("twice").exists() && !tmp.path().join("shared").exists());
    // A single value is a plain override of the whole sweep (--paths wins
    // over it, as for run): not a column of sweep.csv.
    sweep(
        &[
            "scenario.paths=200",
            "scenario.sampling=mc",
            "build.rate_gw_per_week=0.5,1",
        ],
        "single",
    )
    .success()
    .stdout(predicate::str::contains("300 paths each"));
    let csv = read(&tmp.path().join("single"), "sweep.csv");
    assert!(csv.starts_with("build.rate_gw_per_week,metric,"), "{csv}");
    let json = read(&tmp.path().join("single"), "sweep.json");
    assert!(json.contains("scenario.sampling=mc"), "{json}");
}

#[test]
fn sweep_of_the_start_dates_each_point_from_its_own_start() {
    let tmp = tempfile::tempdir().unwrap();
    let out = cargo_bin_cmd!("capsim")
        .args([
            "sweep",
            &fixture("deterministic.toml"),
            "--set",
            "scenario.start=2025-11,2027-01",
            "--no-charts",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8(out).unwrap();
    // The same plan reaches its target the same number of months after
    // each start: 14 months later in the calendar.
    let p50 = p50s(&read(tmp.path(), "sweep.csv"), "target_month", 1);
    assert_eq!(p50[0], p50[1]);
    let start = |y: i32, m: i32| y * 12 + m - 1;
    let date = |i: i32| format!("{}-{:02}", i / 12, i % 12 + 1);
    let months = p50[0] as i32;
    for (y, m) in [(2025, 11), (2027, 1)] {
        let row = table
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{y}-{m:02}")))
            .unwrap_or_else(|| panic!("no row for {y}-{m:02}:\n{table}"));
        assert!(
            row.contains(&date(start(y, m) + months)),
            "{row}: target {months} months after {y}-{m:02}"
        );
    }
}

#[test]
fn solve_conditions_explain_bad_dates_and_ranges_may_be_negative() {
    for (target, says) in [
        ("P50 target_month <= 2028-13", "month 13 does not exist"),
        ("P50 target_month <= 2029-4", "2029-04"),
        ("P50 npv_usd >= 2030-01", "not counted in months"),
        ("P0 npv_usd >= 0", "strictly between P0 and P100"),
    ] {
        cargo_bin_cmd!("capsim")
            .args([
                "solve",
                &fixture("deterministic.toml"),
                "--vary",
                "build.rate_gw_per_week",
                "--target",
                target,
                "--range",
                "0.1..2",
            ])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says))
            .stderr(predicate::str::contains("looks like a range").not());
    }
    // P0.5 and a range written with a leading minus, as the docs show.
    let tmp = tempfile::tempdir().unwrap();
    let json = solve_json(
        tmp.path(),
        &[
            &fixture("deterministic.toml"),
            "--vary",
            "revenue.growth",
            "--target",
            "P0.5 npv_usd >= -1T",
            "--range",
            "-0.5..2",
        ],
    );
    assert_eq!(json["range"][0], -0.5);
}

#[test]
fn sweep_table_shows_values_in_their_unit_and_the_csv_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("capsim")
        .args([
            "sweep",
            &fixture("deterministic.toml"),
            "--set",
            "build.rate_gw_per_week=1..2:4",
            "--set",
            "cost.per_gw_usd=35B,45.5B",
            "--no-charts",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("1.33 GW/wk"))
        .stdout(predicate::str::contains("$45.5B"))
        .stdout(predicate::str::contains("1.3333").not())
        .stdout(predicate::str::contains("45500000000").not());
    let csv = read(tmp.path(), "sweep.csv");
    assert!(csv.contains("\n1.33333333333,45500000000,"), "{csv}");
}

#[test]
fn solve_prints_the_exact_value_then_money_as_money() {
    let tmp = tempfile::tempdir().unwrap();
    let out = cargo_bin_cmd!("capsim")
        .args([
            "solve",
            "--vary",
            "cost.per_gw_usd",
            "--target",
            "P50 peak_funding_need_usd <= 1T",
            "--paths",
            "2000",
            "--range",
            "20B..60B",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let stdout = String::from_utf8(out).unwrap();
    let json: serde_json::Value = serde_json::from_str(&read(tmp.path(), "solve.json")).unwrap();
    let mut lines = stdout.lines();
    // The first line stays machine-readable and exact.
    let value: f64 = lines
        .next()
        .unwrap()
        .strip_prefix("cost.per_gw_usd = ")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(value, num(&json, "value"));
    let human: Vec<&str> = lines.take_while(|l| !l.is_empty()).collect();
    assert!(human[0].contains("(searched $20B to $60B)"), "{stdout}");
    for line in human.iter().filter(|l| !l.contains("seed")) {
        let longest = line
            .split(|c: char| !c.is_ascii_digit())
            .map(str::len)
            .max()
            .unwrap_or(0);
        assert!(longest < 7, "raw number in {line:?}");
    }
    // The statistic and its interval read differently from each other and
    // from the threshold ($1T) unless they are equal to it.
    let at = human
        .iter()
        .find(|l| l.contains("at the value:"))
        .unwrap_or_else(|| panic!("{stdout}"));
    let money: Vec<&str> = at
        .split([' ', '(', ')'])
        .filter(|w| w.starts_with('$') || w.starts_with("-$"))
        .collect();
    assert_eq!(money.len(), 3, "{at}");
    let achieved = [
        num(&json, "achieved"),
        json["achieved_interval"][0].as_f64().unwrap(),
        json["achieved_interval"][1].as_f64().unwrap(),
    ];
    for (shown, x) in money.iter().zip(achieved) {
        assert!(
            *shown != "$1T" || x == 1e12,
            "{shown} is not 1T: {x} in {at}"
        );
    }
    assert!(money[1] != money[2], "{at}");
}

#[test]
fn solve_warns_that_the_varied_input_loses_its_correlation() {
    let tmp = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("capsim")
        .args([
            "solve",
            "--vary",
            "cost.per_gw_usd",
            "--target",
            "P50 peak_funding_need_usd <= 1.2T",
            "--paths",
            "500",
            "--quiet",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: <built-in default: scenarios/openai-30gw.toml>:82:1: the correlation build.rate_gw_per_week ~ cost.per_gw_usd was dropped",
        ));
    let json: serde_json::Value = serde_json::from_str(&read(tmp.path(), "solve.json")).unwrap();
    let warnings = json["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{json}");
    assert!(warnings[0]
        .as_str()
        .unwrap()
        .contains("cost.per_gw_usd fixed"));
}

/// The `capsim solve` commands in a Markdown file's sh blocks, as words
/// (continuation lines joined, double quotes removed).
fn documented_solves(markdown: &str) -> Vec<Vec<String>> {
    let mut commands = Vec::new();
    let mut in_sh = false;
    let mut pending = String::new();
    for line in markdown.lines() {
        if line.starts_with("```") {
            in_sh = line == "```sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        pending.push_str(line.trim().trim_end_matches('\\'));
        pending.push(' ');
        if line.ends_with('\\') {
            continue;
        }
        let command = std::mem::take(&mut pending);
        if command.starts_with("capsim solve") {
            let mut words = Vec::new();
            for (i, part) in command.split('"').enumerate() {
                if i % 2 == 1 {
                    words.push(part.to_string());
                } else {
                    words.extend(part.split_whitespace().map(String::from));
                }
            }
            commands.push(words);
        }
    }
    commands
}

#[test]
fn the_documented_solve_examples_work_on_the_default_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let mut run = 0;
    for doc in ["docs/sweeps.md", "README.md"] {
        let text =
            std::fs::read_to_string(format!("{}/{doc}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let examples = documented_solves(&text);
        assert!(!examples.is_empty(), "{doc} shows solve");
        for words in examples {
            let args: Vec<String> = words[1..]
                .iter()
                .map(|w| match w.strip_prefix("scenarios/") {
                    Some(name) => scenario(name),
                    None => w.clone(),
                })
                .collect();
            run += 1;
            cargo_bin_cmd!("capsim")
                .args(&args)
                .args(["--paths", "2000", "--quiet", "--out"])
                .arg(tmp.path().join(run.to_string()))
                .assert()
                .success();
        }
    }
    assert!(run >= 3);
}

#[test]
fn study_argument_errors_name_the_scenario_and_suggest_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let small = fixture("small.toml");
    // A malformed list names the --set and the scenario it applies to, as
    // `run --set` errors do.
    cargo_bin_cmd!("capsim")
        .args(["sweep", &small, "--set", "cost.per_gw_usd=40B,,50B", "--out"])
        .arg(tmp.path().join("a"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "error: --set cost.per_gw_usd=40B,,50B (applied to {small}): cost.per_gw_usd: an empty value"
        )));
    // A misspelt --vary gets a suggestion.
    cargo_bin_cmd!("capsim")
        .args([
            "solve",
            &small,
            "--vary",
            "revenue.grwth",
            "--target",
            "P50 npv_usd >= 0",
            "--out",
        ])
        .arg(tmp.path().join("b"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `revenue.growth`?"));
    assert!(!tmp.path().join("a").exists() && !tmp.path().join("b").exists());
}
