//! Property tests (proptest) over everything that reads user input: the
//! scenario loader on random and mutated scenario texts, on generated
//! distribution tables and `--set` arguments, and the value parser. None
//! may panic or hang; every rejection must be a located diagnostic with a
//! key, a message and a fix; every scenario the loader accepts must draw
//! finite values inside each input's domain and simulate without a panic.
//!
//! CI runs a bounded number of cases (a few seconds). For a long run set
//! `CAPSIM_FUZZ_CASES` (cases per property), e.g.
//! `CAPSIM_FUZZ_CASES=200000 cargo test --release --test fuzz`
//! (see docs/testing.md).

use std::sync::mpsc;
use std::time::Duration;

use capsim::engine;
use capsim::output::format::plain_number;
use capsim::sampling::Sampler;
use capsim::scenario::keys::{settable_keys, Bound, INPUTS};
use capsim::scenario::value::{parse_number, parse_scalar_text, split_interval};
use capsim::scenario::{Override, Scenario, ScenarioError, DEFAULT_SCENARIO, N_INPUTS};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};

/// Cases per property: `CAPSIM_FUZZ_CASES` when set, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("CAPSIM_FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// The random seed: `CAPSIM_FUZZ_SEED` when set; otherwise fixed, so CI
/// runs the same cases every time, unless `CAPSIM_FUZZ_CASES` asks for a
/// long run, which then explores new cases each time.
fn rng_seed() -> RngSeed {
    let var = |name: &str| std::env::var(name).ok();
    match (
        var("CAPSIM_FUZZ_SEED").and_then(|s| s.trim().parse().ok()),
        var("CAPSIM_FUZZ_CASES"),
    ) {
        (Some(seed), _) => RngSeed::Fixed(seed),
        (None, Some(_)) => RngSeed::Random,
        (None, None) => RngSeed::Fixed(20_251_103),
    }
}

fn config(default: u32) -> Config {
    Config {
        cases: cases(default),
        rng_seed: rng_seed(),
        // Failures print the shrunk input; nothing is written to the tree.
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..Config::default()
    }
}

/// Longest a single load (or a tiny simulation) may take before it counts
/// as a hang.
const HANG: Duration = Duration::from_secs(20);

/// Runs `f` on a thread and fails if it panics or does not finish within
/// `limit`.
fn in_time<T: Send + 'static>(
    limit: Duration,
    what: String,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(limit) {
        Ok(v) => v,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("hangs (> {limit:?}) on:\n{what}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("panicked on:\n{what}"),
    }
}

/// Every diagnostic is located, names a key, says what is wrong and how to
/// fix it, and prints in the documented format.
fn assert_well_formed(e: &ScenarioError, input: &str) {
    assert!(!e.diagnostics.is_empty(), "empty error for:\n{input}");
    for d in &e.diagnostics {
        let shown = d.to_string();
        assert!(
            !d.key.trim().is_empty() && !d.message.trim().is_empty(),
            "diagnostic without key or message: {shown:?}\nfor:\n{input}"
        );
        assert!(
            d.help.as_deref().is_some_and(|h| !h.trim().is_empty()),
            "diagnostic without a fix: {shown:?}\nfor:\n{input}"
        );
        assert!(
            shown.starts_with(&format!("error: {}: {}: ", d.loc, d.key)),
            "badly formatted: {shown:?}"
        );
    }
}

/// Whether `x` lies in the closure of the input's domain (a continuous
/// distribution may touch an open end, SPEC's "add min = 0").
fn in_closed_domain(lower: Bound, upper: Bound, x: f64) -> bool {
    let above = match lower {
        Bound::Unbounded => true,
        Bound::Inclusive(b) | Bound::Exclusive(b) => x >= b,
    };
    let below = match upper {
        Bound::Unbounded => true,
        Bound::Inclusive(b) | Bound::Exclusive(b) => x <= b,
    };
    above && below
}

/// What an accepted scenario must guarantee: every value the sampler can
/// draw is finite and inside its input's domain, and a short run works.
fn assert_usable(s: &Scenario, input: &str) {
    for (def, inp) in INPUTS.iter().zip(&s.inputs) {
        if !inp.is_present() {
            continue;
        }
        // The probabilities the loader guarantees (see scenario::domain).
        for u in [1e-15, 1e-9, 0.01, 0.5, 0.99, 1.0 - 1e-9, 1.0 - 1e-15] {
            let x = inp.dist.quantile(u);
            assert!(
                x.is_finite() && in_closed_domain(def.domain.lower, def.domain.upper, x),
                "{} draws {x} at u = {u}, outside {}\nfor:\n{input}",
                def.key,
                def.domain.describe()
            );
        }
    }
    let small = s
        .with_overrides(&[
            set("scenario.paths=64"),
            set("scenario.horizon_years=2"),
            set("output.trajectories=2"),
        ])
        .unwrap_or_else(|e| panic!("a valid scenario became invalid when shrunk: {e}\n{input}"));
    let sampler = Sampler::new(&small).unwrap_or_else(|e| panic!("{e}\nfor:\n{input}"));
    let (mut x, mut drawn) = ([0.0; N_INPUTS], vec![0.0; sampler.uncertain_ids().len()]);
    for path in 0..64 {
        sampler.draw(path, &mut x, &mut drawn);
        assert!(
            x.iter()
                .zip(&small.inputs)
                .all(|(v, i)| v.is_finite() || !i.is_present()),
            "path {path} drew a non-finite input: {x:?}\nfor:\n{input}"
        );
    }
    engine::run(&small, &Default::default())
        .unwrap_or_else(|e| panic!("the engine failed: {e}\nfor:\n{input}"));
}

fn set(arg: &str) -> Override {
    Override::parse(arg).unwrap_or_else(|d| panic!("{d}"))
}

/// Loads `text` (with `overrides`) within the time limit and checks the
/// result either way; returns whether the scenario was accepted.
fn load_and_check(text: String, overrides: Vec<String>) -> bool {
    let shown = format!("{text}\n--set {overrides:?}");
    let shown_inner = shown.clone();
    in_time(HANG, shown, move || {
        let parsed: Result<Vec<Override>, _> =
            overrides.iter().map(|a| Override::parse(a)).collect();
        let overrides = match parsed {
            Ok(o) => o,
            Err(d) => {
                assert_well_formed(&ScenarioError::one(d), &shown_inner);
                return false;
            }
        };
        match Scenario::from_str("fuzz.toml", Some("fuzz"), &text, &overrides) {
            Ok(s) => {
                assert_usable(&s, &shown_inner);
                true
            }
            Err(e) => {
                assert_well_formed(&e, &shown_inner);
                false
            }
        }
    })
}

/// Runs `check` on `cases` values of `strategy` and requires that at least
/// `min_share` of them were accepted scenarios, so the checks on accepted
/// scenarios are really exercised.
fn run_counting<S: Strategy>(
    default_cases: u32,
    strategy: S,
    min_share: f64,
    check: impl Fn(S::Value) -> bool,
) where
    S::Value: std::fmt::Debug,
{
    let accepted = std::cell::Cell::new(0u32);
    let total = std::cell::Cell::new(0u32);
    let mut runner = TestRunner::new(config(default_cases));
    let result = runner.run(&strategy, |value| {
        total.set(total.get() + 1);
        if check(value) {
            accepted.set(accepted.get() + 1);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let share = f64::from(accepted.get()) / f64::from(total.get().max(1));
    assert!(
        share >= min_share,
        "only {} of {} generated scenarios were valid",
        accepted.get(),
        total.get()
    );
}

/// Scenarios to mutate: the built-in default, the test fixtures and one
/// that uses every family, a correlation and a variant.
const SEEDS: [&str; 4] = [
    DEFAULT_SCENARIO,
    include_str!("fixtures/small.toml"),
    include_str!("fixtures/deterministic.toml"),
    r#"[scenario]
name = "every-family"
horizon_years = 3
paths = 500
[plan]
target_gw = { dist = "lognormal", mean = 30, sd = 5, min = 10, max = 60 }
initial_gw = { dist = "fixed", value = 2 }
[build]
rate_gw_per_week = { dist = "pert", min = 0.1, mode = 0.3, max = 1.0, lambda = 6 }
lag_months = { dist = "discrete", values = [12, 18, 24], weights = [1, 2, 1] }
[cost]
per_gw_usd = "40B to 60B"
annual_decline = { dist = "beta", alpha = 2, beta = 5, min = 0, max = 0.2 }
power_price_usd_per_mwh = { dist = "triangular", min = 40, mode = 70, max = 120 }
utilization = { dist = "uniform", min = "60%", max = "90%" }
[revenue]
growth = { dist = "normal", mean = "100%", sd = "30%", min = "-50%" }
volatility = "10% to 40%"
margin = { dist = "lognormal", p10 = 0.5, p90 = 0.8, max = 1 }
[finance]
initial_cash_usd = { dist = "normal", mean = "50B", sd = "20B" }
[[correlations]]
a = "build.rate_gw_per_week"
b = "cost.per_gw_usd"
rank = 0.3
[[variants]]
name = "bull"
set = { "revenue.growth" = "150%" }
"#,
];

/// Text fragments that tend to reach the loader's corners.
const TOKENS: [&str; 48] = [
    "nan",
    "inf",
    "-inf",
    "+inf",
    "1e308",
    "-1e308",
    "5e-324",
    "0",
    "-0",
    "0.0",
    "1e999",
    "99999999999999999999999",
    "0x7fffffffffffffff",
    "-9223372036854775808",
    "\"1e308T\"",
    "\"40B to 40B\"",
    "\"60B to 40B\"",
    "\"-5%\"",
    "\"150%\"",
    "\"1,000\"",
    "\"\u{130}\u{130} to 5\"",
    "\"40B-60B\"",
    "\"NaN\"",
    "\"\"",
    "{",
    "}",
    "[",
    "]",
    "[[",
    "]]",
    "\"",
    "=",
    "\n",
    ",",
    ".",
    "dist = \"normal\"",
    "dist = \"lognormal\"",
    "dist = \"discrete\"",
    "min = ",
    "max = 1e300",
    "values = []",
    "weights = [0, 0]",
    "sd = 0",
    "sigma = 1e3",
    "lambda = 1e308",
    "\u{0}",
    "[scenario]\nstart = \"9999-12\"\n",
    "true",
];

/// One edit of a scenario text, as indices and a token.
#[derive(Debug, Clone)]
enum Mutation {
    Insert(usize, usize),
    Replace(usize, usize, usize),
    Delete(usize, usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let i = any::<usize>();
    prop_oneof![
        (i, 0..TOKENS.len()).prop_map(|(a, t)| Mutation::Insert(a, t)),
        (i, 1usize..12, 0..TOKENS.len()).prop_map(|(a, n, t)| Mutation::Replace(a, n, t)),
        (i, 1usize..40).prop_map(|(a, n)| Mutation::Delete(a, n)),
        i.prop_map(Mutation::DuplicateLine),
        (i, i).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
}

fn mutate(text: &str, edits: &[Mutation]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for m in edits {
        let at = |i: usize, len: usize| if len == 0 { 0 } else { i % (len + 1) };
        match *m {
            Mutation::Insert(i, t) => {
                let p = at(i, chars.len());
                chars.splice(p..p, TOKENS[t].chars());
            }
            Mutation::Replace(i, n, t) => {
                let p = at(i, chars.len());
                let end = (p + n).min(chars.len());
                chars.splice(p..end, TOKENS[t].chars());
            }
            Mutation::Delete(i, n) => {
                let p = at(i, chars.len());
                let end = (p + n).min(chars.len());
                chars.drain(p..end);
            }
            Mutation::DuplicateLine(i) | Mutation::SwapLines(i, _) => {
                let text: String = chars.iter().collect();
                let mut lines: Vec<&str> = text.lines().collect();
                if lines.is_empty() {
                    continue;
                }
                let a = i % lines.len();
                match *m {
                    Mutation::SwapLines(_, j) => {
                        let b = j % lines.len();
                        lines.swap(a, b);
                    }
                    _ => lines.insert(a, lines[a]),
                }
                chars = lines.join("\n").chars().collect();
            }
        }
    }
    chars.into_iter().collect()
}

/// Numbers that stress validation: special values, extremes, ordinary
/// ranges.
fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => -2.0f64..2.0,
        3 => -1e3f64..1e3,
        2 => any::<f64>(),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(0.0),
        1 => Just(-0.0),
        1 => Just(1.0),
        1 => Just(-1.0),
        1 => Just(f64::MAX),
        1 => Just(f64::MIN_POSITIVE),
        1 => Just(5e-324),
        1 => (0i64..100).prop_map(|i| i as f64),
    ]
}

/// A number written the ways a scenario file may write it.
fn written(x: f64) -> impl Strategy<Value = String> {
    let toml = if x.is_nan() {
        "nan".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.to_string()
    } else {
        format!("{x:?}")
    };
    let plain = plain_number(x);
    prop_oneof![
        4 => Just(toml),
        1 => Just(format!("\"{plain}\"")),
        1 => Just(format!("\"{plain}%\"")),
        1 => Just(format!("\"{plain}B\"")),
        1 => Just(format!("\"${plain}T\"")),
    ]
}

const FAMILIES: [&str; 10] = [
    "fixed",
    "uniform",
    "triangular",
    "pert",
    "normal",
    "lognormal",
    "beta",
    "discrete",
    "Normal",
    "gamma",
];

const PARAMS: [&str; 20] = [
    "value", "min", "max", "mode", "lambda", "mean", "sd", "mu", "sigma", "median", "p5", "p95",
    "p10", "p90", "p25", "p75", "alpha", "beta", "values", "weights",
];

/// `{ dist = "...", key = value, ... }` with random keys and values.
fn dist_table() -> impl Strategy<Value = String> {
    let param = (0..PARAMS.len(), number().prop_flat_map(written));
    let list = || prop::collection::vec(number().prop_flat_map(written), 0..5);
    (
        0..FAMILIES.len(),
        prop::collection::vec(param, 0..5),
        prop::option::of(list()),
        prop::option::of(list()),
    )
        .prop_map(|(f, params, values, weights)| {
            let mut seen = std::collections::HashSet::new();
            let mut parts = vec![format!("dist = \"{}\"", FAMILIES[f])];
            for (k, v) in params {
                if PARAMS[k].ends_with('s') && PARAMS[k] != "alpha" {
                    continue;
                }
                if seen.insert(k) {
                    parts.push(format!("{} = {v}", PARAMS[k]));
                }
            }
            for (key, list) in [("values", values), ("weights", weights)] {
                if let Some(list) = list {
                    parts.push(format!("{key} = [{}]", list.join(", ")));
                }
            }
            format!("{{ {} }}", parts.join(", "))
        })
}

/// A well-formed table of a random family with values in (0, 1), most of
/// which every domain accepts: these reach the domain checks and, when
/// accepted, the sampler and the engine.
fn sensible_table() -> impl Strategy<Value = String> {
    let unit = || 0.01f64..0.99;
    (0usize..8, unit(), unit(), unit(), 0.01f64..0.3, 0.5f64..6.0, any::<bool>()).prop_map(
        |(family, a, b, c, spread, shape, truncate)| {
            let mut xs = [a, b, c];
            xs.sort_by(f64::total_cmp);
            let [lo, mid, hi] = xs.map(|x| format!("{x:?}"));
            let cut = if truncate { ", min = 0, max = 1" } else { "" };
            match family {
                0 => format!("{{ dist = \"uniform\", min = {lo}, max = {hi} }}"),
                1 => format!("{{ dist = \"triangular\", min = {lo}, mode = {mid}, max = {hi} }}"),
                2 => format!("{{ dist = \"pert\", min = {lo}, mode = {mid}, max = {hi}, lambda = {shape:?} }}"),
                3 => format!("{{ dist = \"normal\", mean = {mid}, sd = {spread:?}{cut} }}"),
                4 => format!("{{ dist = \"lognormal\", median = {mid}, sigma = {spread:?}{cut} }}"),
                5 => format!("{{ dist = \"beta\", alpha = {shape:?}, beta = {:?} }}", 7.0 - shape),
                6 => format!("{{ dist = \"discrete\", values = [{lo}, {mid}, {hi}], weights = [1, {shape:?}, 2] }}"),
                _ => format!("\"{lo} to {hi}\""),
            }
        },
    )
}

/// Any input's value: a bare number, an interval or a table.
fn input_value() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => number().prop_flat_map(written),
        2 => (number(), number()).prop_map(|(a, b)| format!("\"{} to {}\"", plain_number(a), plain_number(b))),
        4 => dist_table(),
        6 => sensible_table(),
    ]
}

/// A scenario setting one to three inputs, maybe with a correlation.
fn generated_scenario() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((0..N_INPUTS, input_value()), 1..4),
        prop::option::weighted(0.25, (0..N_INPUTS, 0..N_INPUTS, number())),
    )
        .prop_map(|(inputs, corr)| {
            let mut text = String::from("[scenario]\npaths = 200\nhorizon_years = 2\n");
            let mut done = std::collections::HashSet::new();
            for (i, value) in inputs {
                if done.insert(i) {
                    let d = &INPUTS[i];
                    text.push_str(&format!("[{}]\n{} = {value}\n", d.section, d.name));
                }
            }
            if let Some((a, b, rank)) = corr {
                text.push_str(&format!(
                    "[[correlations]]\na = \"{}\"\nb = \"{}\"\nrank = {}\n",
                    INPUTS[a].key,
                    INPUTS[b].key,
                    if rank.is_nan() {
                        "nan".to_string()
                    } else {
                        format!("{rank:?}")
                    }
                ));
            }
            text
        })
}

proptest! {
    #![proptest_config(config(400))]

    #[test]
    fn random_text_never_panics(text in "(?s).{0,300}") {
        let _ = load_and_check(text, Vec::new());
    }

    #[test]
    fn toml_like_text_never_panics(text in "[\\[\\]{}=\",.a-z0-9_ \n%$+-]{0,300}") {
        let _ = load_and_check(text, Vec::new());
    }
}

#[test]
fn mutated_scenarios_never_panic() {
    let edits = (0..SEEDS.len(), prop::collection::vec(mutation(), 1..6));
    run_counting(600, edits, 0.05, |(seed, edits)| {
        load_and_check(mutate(SEEDS[seed], &edits), Vec::new())
    });
}

#[test]
fn generated_distributions_are_rejected_cleanly_or_safe_to_draw() {
    run_counting(600, generated_scenario(), 0.1, |text| {
        load_and_check(text, Vec::new())
    });
}

proptest! {
    #![proptest_config(config(600))]

    #[test]
    fn set_arguments_never_panic(
        key in prop_oneof![
            3 => prop::sample::select(settable_keys()),
            1 => "[a-z._]{0,20}",
        ],
        value in prop_oneof![input_value(), "(?s).{0,40}"],
        seed in 0..SEEDS.len(),
    ) {
        let _ = load_and_check(SEEDS[seed].to_string(), vec![format!("{key}={value}")]);
    }
}

proptest! {
    #![proptest_config(config(3000))]

    #[test]
    fn the_value_parser_never_panics(text in "(?s).{0,40}") {
        let _ = parse_number(&text);
        let _ = parse_scalar_text(&text);
        let _ = split_interval(&text);
        let _ = Override::parse(&text);
    }

    #[test]
    fn number_like_text_parses_to_finite_numbers_or_errors(
        text in "[-+$ ]{0,3}[0-9_.,]{0,8}([eE][-+]?[0-9]{1,4})?[ ]?(k|K|M|m|mn|B|b|bn|T|t|%|x|GW|billion)?( to [-+$]?[0-9.]{1,6}[BT%]?)?",
    ) {
        match parse_scalar_text(&text) {
            Ok(capsim::scenario::value::Scalar::Number(x)) => prop_assert!(x.is_finite(), "{text} -> {x}"),
            Ok(capsim::scenario::value::Scalar::Interval(a, b)) => {
                prop_assert!(a.is_finite() && b.is_finite(), "{text} -> {a} to {b}")
            }
            Err(e) => prop_assert!(!e.is_empty()),
        }
    }

    #[test]
    fn plain_numbers_read_back_exactly(x in any::<f64>().prop_filter("finite", |x| x.is_finite())) {
        prop_assert_eq!(parse_number(&plain_number(x)), Ok(x));
        let pct = parse_number(&format!("{}%", plain_number(x))).map(|p| p * 100.0);
        // Subnormal percentages lose digits when divided by 100.
        if let (Ok(p), true) = (pct, (x / 100.0).is_normal()) {
            prop_assert!((p - x).abs() <= 1e-12 * x.abs(), "{x}% read as {p}");
        }
    }
}

#[test]
fn the_mutation_seeds_are_valid_scenarios() {
    // Mutations start from valid text, so the loader's deeper stages are
    // reached; and the checks above hold for the unmutated seeds.
    for seed in SEEDS {
        let s = Scenario::from_str("seed.toml", Some("seed"), seed, &[])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_usable(&s, seed);
    }
}

#[test]
fn the_checks_catch_what_they_look_for() {
    // A diagnostic without a fix fails the format check...
    let mut e = Scenario::from_str("t.toml", None, "[plan]\ntarget_gw = 0\n", &[]).unwrap_err();
    e.diagnostics[0].help = None;
    let caught = std::panic::catch_unwind(|| assert_well_formed(&e, "x"));
    assert!(caught.is_err());
    // ...and a draw outside the domain fails the usability check.
    assert!(!in_closed_domain(
        Bound::Exclusive(0.0),
        Bound::Unbounded,
        -1e-300
    ));
    assert!(in_closed_domain(
        Bound::Exclusive(0.0),
        Bound::Unbounded,
        0.0
    ));
    // A hang is reported, not waited for forever.
    let hang = std::panic::catch_unwind(|| {
        in_time(Duration::from_millis(50), "sleeper".into(), || {
            std::thread::sleep(Duration::from_millis(500));
        })
    });
    assert!(hang.is_err());
}
