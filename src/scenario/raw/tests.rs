//! The document walk: values, correlations, variants, unknown keys, overrides.

use super::*;

fn parse(text: &str) -> Result<RawScenario, Vec<Diagnostic>> {
    RawScenario::parse("t.toml", None, text)
}

#[test]
fn collects_values_correlations_and_variants() {
    let raw = parse("[plan]\ntarget_gw = 30\n[[correlations]]\na = \"x\"\nb = \"y\"\nrank = 0.3\n[[variants]]\nname = \"bull\"\nset = { \"revenue.growth\" = \"150%\" }\n").unwrap();
    assert!(raw.values.contains_key("plan.target_gw"));
    assert_eq!(raw.correlations.len(), 1);
    assert_eq!(raw.variants[0].sets[0].key, "revenue.growth");
}

#[test]
fn unknown_keys_get_hints() {
    let e = parse("[build]\nrate_gw_per_wek = 1\n").unwrap_err();
    assert_eq!(e[0].key, "build.rate_gw_per_wek");
    assert_eq!(
        e[0].help.as_deref(),
        Some("did you mean `rate_gw_per_week`?")
    );
    let e = parse("[cost]\nrate_gw_per_week = 1\n").unwrap_err();
    assert_eq!(
        e[0].help.as_deref(),
        Some("`rate_gw_per_week` belongs in the [build] section")
    );
    let e = parse("[bulid]\nx = 1\n").unwrap_err();
    assert!(e[0]
        .help
        .as_deref()
        .unwrap()
        .starts_with("did you mean [build]?"));
    let e = parse("target_gw = 3\n").unwrap_err();
    assert!(e[0].help.as_deref().unwrap().contains("[plan]"));
    let e = parse("\"\" = 5\n[plan]\n\"a b\" = 1\n").unwrap_err();
    assert_eq!(
        (e[0].key.as_str(), e[1].key.as_str()),
        ("\"\"", "plan.\"a b\"")
    );
    let e = parse("[plan]\ntarget = 1\n[cost]\nfoo = 2\n").unwrap_err();
    assert_eq!(e.len(), 2, "reports every problem");
}

#[test]
fn overrides_replace_and_check_keys() {
    let mut raw = parse("[build]\nrate_gw_per_week = 1\n").unwrap();
    raw.apply(&[Override::parse("build.rate_gw_per_week=0.5").unwrap()])
        .unwrap();
    assert_eq!(
        raw.values["build.rate_gw_per_week"].node.value,
        Value::Float(0.5)
    );
    assert!(raw.values["build.rate_gw_per_week"].overridden);
    raw.apply(&[Override::parse("cost.per_gw_usd=40B to 60B").unwrap()])
        .unwrap();
    assert_eq!(
        raw.values["cost.per_gw_usd"].node.value,
        Value::Str("40B to 60B".into())
    );
    let e = raw
        .apply(&[Override::parse("build.rate=1").unwrap()])
        .unwrap_err();
    assert!(
        e[0].help.as_deref().unwrap().contains("build.ramp_months")
            || e[0].help.as_deref().unwrap().contains("keys are written")
    );
    assert!(Override::parse("no-equals").is_err());
    let d = Override::parse("cost.per_gw_usd={ dist = \"uniform\", min = 1").unwrap_err();
    assert_eq!(d.key, "cost.per_gw_usd");
    assert!(d.message.contains("not valid TOML"), "{}", d.message);
    assert_eq!(
        d.loc.to_string(),
        "--set cost.per_gw_usd={ dist = \"uniform\", min = 1"
    );
    assert_eq!(
        raw.applied,
        vec!["build.rate_gw_per_week=0.5", "cost.per_gw_usd=40B to 60B"]
    );
}
