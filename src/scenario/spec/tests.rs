//! Every value form parses and builds; problems are named; specs round-trip.

use super::*;
use crate::scenario::error::Diagnostic;
use crate::scenario::node::parse_value;
use std::sync::Arc;

fn spec(text: &str) -> Result<DistSpec, Diagnostic> {
    let node = parse_value(&Arc::from("t"), text).unwrap();
    parse_spec(&node, "k")
}

#[test]
fn every_form_parses_and_builds() {
    let cases = [
        ("30", Family::Fixed),
        ("\"40B\"", Family::Fixed),
        ("\"40B to 60B\"", Family::Interval),
        ("{ dist = \"fixed\", value = \"5%\" }", Family::Fixed),
        (
            "{ dist = \"uniform\", min = 12, max = 24 }",
            Family::Uniform,
        ),
        (
            "{ dist = \"triangular\", min = 40, mode = 70, max = 120 }",
            Family::Triangular,
        ),
        (
            "{ dist = \"pert\", min = 0.1, mode = 0.3, max = 1.0 }",
            Family::Pert,
        ),
        (
            "{ dist = \"pert\", min = 0.1, mode = 0.3, max = 1.0, lambda = 6 }",
            Family::Pert,
        ),
        (
            "{ dist = \"normal\", mean = \"100%\", sd = \"30%\", min = \"-50%\" }",
            Family::Normal,
        ),
        (
            "{ dist = \"lognormal\", mu = 0, sigma = 1 }",
            Family::Lognormal,
        ),
        (
            "{ dist = \"lognormal\", median = \"40B\", sigma = 0.2 }",
            Family::Lognormal,
        ),
        (
            "{ dist = \"lognormal\", mean = 10, sd = 2, max = 30 }",
            Family::Lognormal,
        ),
        (
            "{ dist = \"lognormal\", p5 = 1, p95 = 3 }",
            Family::Lognormal,
        ),
        (
            "{ dist = \"lognormal\", p10 = 1, p90 = 3, min = 0.5 }",
            Family::Lognormal,
        ),
        (
            "{ dist = \"lognormal\", p25 = 1, p75 = 3 }",
            Family::Lognormal,
        ),
        ("{ dist = \"beta\", alpha = 2, beta = 5 }", Family::Beta),
        (
            "{ dist = \"beta\", alpha = 2, beta = 5, min = 2, max = 3 }",
            Family::Beta,
        ),
        (
            "{ dist = \"discrete\", values = [4, 5, 6], weights = [1, 2, 1] }",
            Family::Discrete,
        ),
        (
            "{ dist = \"discrete\", values = [\"2T\", \"3T\"] }",
            Family::Discrete,
        ),
    ];
    for (text, family) in cases {
        let s = spec(text).unwrap_or_else(|d| panic!("{text}: {d}"));
        assert_eq!(s.family, family, "{text}");
        s.build().unwrap_or_else(|e| panic!("{text}: {e}"));
    }
    let s = spec("\"-10% to 30%\"").unwrap();
    assert!(matches!(s.build().unwrap(), Dist::Normal(_)));
    assert!((s.interval_normal().unwrap().0 - 0.1).abs() < 1e-16);
}

#[test]
fn problems_are_named() {
    let d = spec("{ min = 1, max = 2 }").unwrap_err();
    assert!(d.help.unwrap().contains("dist = \"uniform\""));
    let d = spec("{ dist = \"unifrom\", min = 1, max = 2 }").unwrap_err();
    assert_eq!(d.key, "k.dist");
    assert!(d.help.unwrap().contains("did you mean \"uniform\""));
    let d = spec("{ dist = \"normal\", mean = 1, sd = 1, p5 = 3 }").unwrap_err();
    assert_eq!(d.key, "k.p5");
    let d = spec("{ dist = \"uniform\", min = 1, maxx = 2 }").unwrap_err();
    assert!(d.help.unwrap().contains("did you mean `max`"));
    assert!(spec("\"60B to 40B\"").is_err());
    assert!(spec("true").is_err());
    assert!(spec("\"abc\"").is_err());
    assert!(spec("{ dist = \"lognormal\", p5 = 1 }")
        .unwrap()
        .build()
        .is_err());
    assert!(
        spec("{ dist = \"lognormal\", p5 = 1, p95 = 2, mu = 0, sigma = 1 }")
            .unwrap()
            .build()
            .is_err()
    );
    assert_eq!(
        spec("{ dist = \"pert\", min = 1, max = 2 }")
            .unwrap()
            .build()
            .unwrap_err()
            .param,
        Some("mode")
    );
}

#[test]
fn round_trips_through_toml_text() {
    for text in [
        "30",
        "\"40000000000 to 60000000000\"",
        "{ dist = \"pert\", min = 0.1, mode = 0.3, max = 1 }",
        "{ dist = \"discrete\", values = [1, 2], weights = [3, 1] }",
    ] {
        let s = spec(text).unwrap();
        assert_eq!(s.to_toml(), text);
        assert_eq!(spec(&s.to_toml()).unwrap(), s);
    }
}
