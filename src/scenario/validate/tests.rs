//! Settings, defaults, domains and correlations, each with its message.

use super::super::{InputId, Override, Scenario};
use super::*;

fn load(text: &str) -> Result<Scenario, super::super::ScenarioError> {
    Scenario::from_str("t.toml", Some("t"), text, &[])
}

fn first_error(text: &str) -> Diagnostic {
    load(text).unwrap_err().diagnostics.remove(0)
}

#[test]
fn defaults_fill_an_empty_file() {
    let s = load("").unwrap();
    assert_eq!(s.name, "t");
    assert_eq!(
        (s.months, s.paths, s.seed),
        (120, DEFAULT_PATHS, DEFAULT_SEED)
    );
    assert_eq!(s.input(InputId::PerGwUsd).dist, Dist::Fixed(40e9));
    assert_eq!(s.input(InputId::Growth).dist, Dist::Fixed(1.0));
    assert!(!s.input(InputId::CapUsd).is_present());
    assert!(s.uncertain_inputs().is_empty());
    assert_eq!(s.output.dir, PathBuf::from("outputs/t"));
}

#[test]
fn domain_violations_name_key_and_fix() {
    let d =
        first_error("[cost]\nper_gw_usd = { dist = \"normal\", mean = \"50B\", sd = \"10B\" }\n");
    assert_eq!(d.key, "cost.per_gw_usd");
    assert!(d.message.contains("normal can go below 0"), "{}", d.message);
    assert_eq!(
        d.help.as_deref(),
        Some("add min = 0 to truncate it or use a lognormal")
    );
    load("[cost]\nper_gw_usd = { dist = \"normal\", mean = \"50B\", sd = \"10B\", min = 0 }\n")
        .unwrap();
    let d = first_error("[cost]\nutilization = 1.2\n");
    assert!(d.message.contains("must be in [0, 1]"));
    let d = first_error("[revenue]\nmargin = 70\n");
    assert!(d.help.unwrap().contains("\"70%\""));
    let d = first_error("[revenue]\ngrowth = \"-120% to 50%\"\n");
    assert!(d.help.unwrap().contains("dist = \"normal\""));
    let d = first_error("[cost]\nhardware_share = { dist = \"uniform\", min = 0.5, max = 1.5 }\n");
    assert!(d.message.contains("reaches 1.5"), "{}", d.message);
    let d = first_error("[plan]\ntarget_gw = 0\n");
    assert_eq!(d.message, "must be > 0, got 0");
    let d = first_error("[build]\nlag_months = { dist = \"discrete\", values = [3, -1] }\n");
    assert!(d.message.contains("-1"));
}

#[test]
fn settings_are_checked() {
    assert!(first_error("[scenario]\nstart = \"2025-13\"\n")
        .message
        .contains("month 13"));
    assert!(first_error("[scenario]\nhorizon_years = 60\n")
        .message
        .contains("720 months"));
    assert_eq!(first_error("[scenario]\npaths = 0\n").key, "scenario.paths");
    assert_eq!(
        first_error("[scenario]\npaths = 2.5\n").key,
        "scenario.paths"
    );
    assert_eq!(first_error("[scenario]\nseed = -1\n").key, "scenario.seed");
    assert!(first_error("[scenario]\nsampling = \"lsh\"\n")
        .help
        .unwrap()
        .contains("\"lhs\""));
    assert!(first_error("[scenario]\nname = \"My Run\"\n")
        .help
        .unwrap()
        .contains("my-run"));
    assert_eq!(
        first_error("[output]\ncharts = \"yes\"\n").key,
        "output.charts"
    );
    let s = load("[scenario]\nseed = \"18446744073709551615\"\npaths = \"100k\"\n").unwrap();
    assert_eq!((s.seed, s.paths), (u64::MAX, 100_000));
}

#[test]
fn correlation_rules() {
    let base = "[build]\nrate_gw_per_week = { dist = \"uniform\", min = 0.1, max = 1 }\n[cost]\nper_gw_usd = \"40B to 60B\"\n[revenue]\ngrowth = { dist = \"uniform\", min = 0, max = 2 }\n";
    let corr = |a: &str, b: &str, r: &str| {
        format!("[[correlations]]\na = \"{a}\"\nb = \"{b}\"\nrank = {r}\n")
    };
    let s = load(&format!(
        "{base}{}",
        corr("build.rate_gw_per_week", "cost.per_gw_usd", "0.3")
    ))
    .unwrap();
    assert_eq!(s.correlations.len(), 1);
    let d = first_error(&format!(
        "{base}{}",
        corr("build.rate_gw_per_wk", "cost.per_gw_usd", "0.3")
    ));
    assert_eq!(
        (d.key.as_str(), d.help.as_deref()),
        (
            "correlations.a",
            Some("did you mean \"build.rate_gw_per_week\"?")
        )
    );
    assert!(first_error(&format!(
        "{base}{}",
        corr("build.rate_gw_per_week", "cost.per_gw_usd", "1.5")
    ))
    .message
    .contains("outside [-1, 1]"));
    assert!(first_error(&format!(
        "{base}{}",
        corr("plan.target_gw", "cost.per_gw_usd", "0.3")
    ))
    .message
    .contains("fixed"));
    assert!(first_error(&format!(
        "{base}{}",
        corr("cost.per_gw_usd", "cost.per_gw_usd", "0.3")
    ))
    .message
    .contains("itself"));
    let twice = format!(
        "{base}{}{}",
        corr("build.rate_gw_per_week", "cost.per_gw_usd", "0.3"),
        corr("cost.per_gw_usd", "build.rate_gw_per_week", "0.2")
    );
    assert!(first_error(&twice).message.contains("twice"));
    let impossible = format!(
        "{base}{}{}{}",
        corr("build.rate_gw_per_week", "cost.per_gw_usd", "0.9"),
        corr("cost.per_gw_usd", "revenue.growth", "0.9"),
        corr("build.rate_gw_per_week", "revenue.growth", "-0.9")
    );
    let d = first_error(&impossible);
    assert!(
        d.message.contains("not positive definite") && d.message.contains("revenue.growth"),
        "{}",
        d.message
    );
    // Perfect correlation is allowed (semi-definite).
    load(&format!(
        "{base}{}",
        corr("build.rate_gw_per_week", "cost.per_gw_usd", "1")
    ))
    .unwrap();
    // An override that fixes a correlated input drops the correlation with a warning.
    let set = Override::parse("cost.per_gw_usd=45B").unwrap();
    let s = Scenario::from_str(
        "t.toml",
        Some("t"),
        &format!(
            "{base}{}",
            corr("build.rate_gw_per_week", "cost.per_gw_usd", "0.3")
        ),
        &[set],
    )
    .unwrap();
    assert!(s.correlations.is_empty());
    assert_eq!(s.warnings.len(), 1);
}

#[test]
fn output_folder_start_and_variants() {
    assert_eq!(first_error("[output]\ndir = \"\"\n").key, "output.dir");
    assert_eq!(
        first_error("[output]\ndir = \"a\\u0000b\"\n").key,
        "output.dir"
    );
    let d = first_error("[scenario]\nstart = \"9999-01\"\nhorizon_years = 2\n");
    assert!(d.message.contains("past the year 9999"), "{}", d.message);
    // Variants are checked when the file loads, at the variant's line.
    let d = first_error("[[variants]]\nname = \"bull\"\nset = { \"revenue.growth\" = -2 }\n");
    assert_eq!((d.key.as_str(), d.loc.line), ("revenue.growth", 3));
    assert!(
        d.message.ends_with("(in variant \"bull\")"),
        "{}",
        d.message
    );
    let d = first_error("[[variants]]\nname = \"bull\"\nset = { \"revenue.grwth\" = 1 }\n");
    assert!(d.help.unwrap().contains("revenue.growth"));
}

#[test]
fn an_absent_optional_input_cannot_be_correlated() {
    let d = first_error("[cost]\nper_gw_usd = \"40B to 60B\"\n[[correlations]]\na = \"revenue.cap_usd\"\nb = \"cost.per_gw_usd\"\nrank = 0.3\n");
    assert_eq!(d.key, "correlations.a");
    assert!(d.message.contains("is not set"), "{}", d.message);
}

#[test]
fn reports_every_problem_at_once() {
    let e = load("[plan]\ntarget_gw = -1\n[cost]\nutilization = 2\n[scenario]\npaths = 0\n")
        .unwrap_err();
    assert_eq!(e.diagnostics.len(), 3);
}
