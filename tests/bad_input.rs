//! Bad input as a user feeds it to the binary: typos, impossible numbers,
//! broken files and bad `--set` arguments. Every case must exit with the
//! expected code, print `error: <where>: <key>: <what>` naming the file (or
//! the `--set` argument and the file it was applied to) and the key, give a
//! `help:` line with the fix, never show a Rust panic, and write nothing:
//! the working folder holds only the scenario file afterwards.

use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;

/// A valid scenario that `--set` cases start from.
const BASE: &str = r#"[scenario]
name = "ok"
paths = 200
seed = 1

[build]
rate_gw_per_week = { dist = "uniform", min = 0.1, max = 1 }

[cost]
per_gw_usd = "40B to 60B"

[[correlations]]
a = "build.rate_gw_per_week"
b = "cost.per_gw_usd"
rank = 0.3

[output]
charts = false
"#;

/// What the user hands capsim.
enum Input {
    /// Scenario text, written to `bad.toml`.
    Text(&'static str),
    /// Raw bytes, written to `bad.toml`.
    Bytes(&'static [u8]),
    /// `--set` arguments applied to the valid `ok.toml`.
    Set(&'static [&'static str]),
    /// `bad.toml` is a folder.
    Folder,
    /// `bad.toml` does not exist.
    Missing,
    /// `bad.toml` is 5 MiB of comments (past the 4 MiB limit, as a device
    /// like /dev/zero would be).
    Huge,
}

/// One bad input and what capsim must say about it.
struct Case {
    name: &'static str,
    input: Input,
    /// Exit code.
    code: i32,
    /// Line the error must point at in `bad.toml` (0: no line, e.g. a
    /// `--set` argument or an unreadable file).
    line: u32,
    /// The key the error line must name (`: key: `).
    key: &'static str,
    /// Text the error line must contain (what is wrong).
    says: &'static str,
    /// Text the `help:` line must contain (the fix).
    help: &'static str,
}

const fn case(
    name: &'static str,
    input: Input,
    line: u32,
    key: &'static str,
    says: &'static str,
    help: &'static str,
) -> Case {
    Case {
        name,
        input,
        code: 2,
        line,
        key,
        says,
        help,
    }
}

use Input::{Bytes, Folder, Huge, Missing, Set, Text};

#[rustfmt::skip]
const CASES: &[Case] = &[
    // The file itself: encoding, syntax, shape.
    case("not UTF-8", Bytes(b"[plan]\ntarget_gw = \"\xff\"\n"), 2, "file", "not UTF-8", "save the scenario as UTF-8"),
    case("a file too large to be a scenario", Huge, 0, "file", "larger than 4 MiB", "not a data file or a device"),
    case("binary with NUL bytes", Bytes(b"[plan]\ntarget_gw = 1\x00\n"), 2, "file", "NUL bytes", "pass a .toml scenario file"),
    case("scenario is a folder", Folder, 0, "file", "cannot read the scenario", "readable file"),
    case("scenario is missing", Missing, 0, "file", "No such file", "check the path"),
    case("unquoted interval", Text("[cost]\nper_gw_usd = 40B to 60B\n"), 2, "cost.per_gw_usd", "not valid TOML", "strings need quotes"),
    case("unclosed section header", Text("[plan\ntarget_gw = 1\n"), 1, "plan", "not valid TOML", "SPEC §3"),
    case("lines ended by a bare carriage return", Text("[plan]\rtarget_gw = 1\r"), 1, "syntax", "carriage return", "LF (or CRLF) line endings"),
    case("a stray carriage return in a CRLF file", Text("[plan]\r\ntarget_gw = 1\r\r\n"), 2, "plan.target_gw", "carriage return", "SPEC §3"),
    case("junk after a section header", Text("[plan] x\ntarget_gw = 1\n"), 1, "plan", "not valid TOML", "SPEC §3"),
    case("duplicate key", Text("[plan]\ntarget_gw = 1\ntarget_gw = 2\n"), 3, "plan.target_gw", "set twice (first on line 2)", "keep one of the two lines"),
    case("duplicate section", Text("[plan]\ntarget_gw = 1\n[cost]\nutilization = 0.5\n[plan]\ninitial_gw = 1\n"), 5, "plan", "appears twice (first on line 1)", "one [plan] header"),
    case("misspelt section", Text("[bulid]\nrate_gw_per_week = 1\n"), 1, "bulid", "unknown section", "did you mean [build]?"),
    case("misspelt key", Text("[build]\nrate_gw_per_wek = 1\n"), 2, "build.rate_gw_per_wek", "unknown key", "did you mean `rate_gw_per_week`?"),
    case("key in the wrong section", Text("[cost]\nrate_gw_per_week = 1\n"), 2, "cost.rate_gw_per_week", "unknown key", "belongs in the [build] section"),
    case("key outside any section", Text("target_gw = 30\n"), 1, "target_gw", "unknown section or key", "[plan]"),
    case("empty quoted key", Text("\"\" = 5\n"), 1, "\"\"", "unknown section or key `\"\"`", "sections are"),
    case("section given a value", Text("plan = 5\n"), 1, "plan", "expected a section [plan]", "on its own line"),
    case("unknown distribution", Text("[build]\nlag_months = { dist = \"unifrom\", min = 1, max = 2 }\n"), 2, "build.lag_months.dist", "unknown distribution", "did you mean \"uniform\"?"),
    case("unknown distribution key", Text("[build]\nlag_months = { dist = \"uniform\", min = 1, maxx = 2 }\n"), 2, "build.lag_months.maxx", "unknown key `maxx`", "did you mean `max`?"),
    case("table without dist", Text("[build]\nlag_months = { min = 1, max = 2 }\n"), 2, "build.lag_months", "needs a `dist` key", "add dist = \"uniform\""),
    // Values: NaN, infinity, number syntax.
    case("NaN", Text("[cost]\nper_gw_usd = nan\n"), 2, "cost.per_gw_usd", "finite number, got NaN", "NaN and infinity are not allowed"),
    case("minus infinity", Text("[finance]\ninitial_cash_usd = -inf\n"), 2, "finance.initial_cash_usd", "got -inf", "NaN and infinity are not allowed"),
    case("NaN as text", Text("[cost]\nper_gw_usd = \"NaN\"\n"), 2, "cost.per_gw_usd", "NaN and infinity are not numbers", "write a number"),
    case("NaN inside a distribution", Text("[build]\nlag_months = { dist = \"uniform\", min = nan, max = 1 }\n"), 2, "build.lag_months.min", "got NaN", "NaN and infinity are not allowed"),
    case("infinity inside a distribution", Text("[revenue]\ngrowth = { dist = \"normal\", mean = 1, sd = inf }\n"), 2, "revenue.growth.sd", "got inf", "NaN and infinity are not allowed"),
    case("range with a dash", Text("[cost]\nper_gw_usd = \"40B-60B\"\n"), 2, "cost.per_gw_usd", "write \"40B to 60B\"", "write a number"),
    case("unit after the number", Text("[build]\nrate_gw_per_week = \"0.3 GW\"\n"), 2, "build.rate_gw_per_week", "units are part of the key's name", "write a number"),
    case("non-ASCII interval (once a panic)", Text("[cost]\nper_gw_usd = \"\u{130} to \u{20ac}\u{20ac}\"\n"), 2, "cost.per_gw_usd", "is not a number", "write a number"),
    case("thousands separator", Text("[cost]\nper_gw_usd = \"40,000,000,000\"\n"), 2, "cost.per_gw_usd", "has a comma", "write a number"),
    case("boolean as an input", Text("[build]\nlag_months = true\n"), 2, "build.lag_months", "got a boolean", "90% interval"),
    case("number too large", Text("[plan]\ntarget_gw = \"1e308T\"\n"), 2, "plan.target_gw", "too large", "write a number"),
    // Orderings.
    case("interval reversed", Text("[cost]\nper_gw_usd = \"60B to 40B\"\n"), 2, "cost.per_gw_usd", "needs A < B", "smaller number first"),
    case("interval of one value", Text("[cost]\nper_gw_usd = \"40B to 40B\"\n"), 2, "cost.per_gw_usd", "both ends are equal", "write just the number, e.g. \"40B\""),
    case("uniform min = max", Text("[build]\nlag_months = { dist = \"uniform\", min = 12, max = 12 }\n"), 2, "build.lag_months", "needs min < max", "use a fixed value"),
    case("triangular mode outside", Text("[cost]\npower_price_usd_per_mwh = { dist = \"triangular\", min = 40, mode = 130, max = 120 }\n"), 2, "cost.power_price_usd_per_mwh", "mode = 130 outside [40, 120]", "put the mode between min and max"),
    case("pert min above max", Text("[build]\nrate_gw_per_week = { dist = \"pert\", min = 1, mode = 0.3, max = 0.1 }\n"), 2, "build.rate_gw_per_week", "pert needs min < max", "swap the bounds"),
    case("lognormal p5 above p95", Text("[cost]\nper_gw_usd = { dist = \"lognormal\", p5 = \"60B\", p95 = \"40B\" }\n"), 2, "cost.per_gw_usd", "needs p5 < p95", "swap p5 and p95"),
    case("truncation min above max", Text("[cost]\nper_gw_usd = { dist = \"normal\", mean = \"40B\", sd = \"5B\", min = \"50B\", max = \"45B\" }\n"), 2, "cost.per_gw_usd", "truncation needs min < max", "swap min and max"),
    case("truncation holds no mass", Text("[cost]\nper_gw_usd = { dist = \"normal\", mean = \"40B\", sd = \"1B\", min = \"400B\" }\n"), 2, "cost.per_gw_usd", "holds no probability", "widen min/max"),
    // Parameters.
    case("normal sd = 0", Text("[finance]\ninitial_cash_usd = { dist = \"normal\", mean = 0, sd = 0 }\n"), 2, "finance.initial_cash_usd", "sd > 0", "positive standard deviation"),
    case("lognormal two ways at once", Text("[cost]\nper_gw_usd = { dist = \"lognormal\", p5 = \"40B\", p95 = \"60B\", median = \"50B\", sigma = 0.1 }\n"), 2, "cost.per_gw_usd", "more than one parametrisation", "give exactly one of"),
    case("lognormal without parameters", Text("[cost]\nper_gw_usd = { dist = \"lognormal\", min = 1 }\n"), 2, "cost.per_gw_usd", "one complete parametrisation", "give exactly one of"),
    case("beta shape 0", Text("[cost]\nutilization = { dist = \"beta\", alpha = 0, beta = 2 }\n"), 2, "cost.utilization", "alpha > 0", "shapes must be positive"),
    case("pert lambda negative", Text("[build]\nrate_gw_per_week = { dist = \"pert\", min = 0.1, mode = 0.3, max = 1, lambda = -1 }\n"), 2, "build.rate_gw_per_week", "lambda >= 0", "usual value is 4"),
    case("discrete weights mismatch", Text("[build]\nlag_months = { dist = \"discrete\", values = [1, 2, 3], weights = [1, 2] }\n"), 2, "build.lag_months", "3 values but 2 weights", "one weight per value"),
    case("discrete negative weight", Text("[build]\nlag_months = { dist = \"discrete\", values = [1, 2], weights = [1, -2] }\n"), 2, "build.lag_months", "weights must be finite and >= 0", "non-negative weights"),
    case("discrete without values", Text("[build]\nlag_months = { dist = \"discrete\", values = [] }\n"), 2, "build.lag_months", "at least one value", "values = [1, 2, 3]"),
    // Domains (SPEC §3.2).
    case("normal cost can go negative", Text("[cost]\nper_gw_usd = { dist = \"normal\", mean = \"50B\", sd = \"10B\" }\n"), 2, "cost.per_gw_usd", "normal can go below 0", "add min = 0"),
    case("utilization above 1", Text("[cost]\nutilization = 1.2\n"), 2, "cost.utilization", "must be in [0, 1], got 1.2", "give a value in [0, 1]"),
    case("margin written as 70", Text("[revenue]\nmargin = 70\n"), 2, "revenue.margin", "got 70", "did you mean \"70%\"?"),
    case("growth of -100%", Text("[revenue]\ngrowth = \"-100%\"\n"), 2, "revenue.growth", "must be > -1", "give a value > -1"),
    case("interval growth below -100%", Text("[revenue]\ngrowth = \"-120% to 50%\"\n"), 2, "revenue.growth", "the interval (a normal", "dist = \"normal\""),
    case("share range above 1", Text("[cost]\nhardware_share = { dist = \"uniform\", min = 0.5, max = 1.5 }\n"), 2, "cost.hardware_share", "reaches 1.5", "lower max"),
    case("negative build rate", Text("[build]\nrate_gw_per_week = { dist = \"pert\", min = -0.1, mode = 0.3, max = 1 }\n"), 2, "build.rate_gw_per_week", "reaches -0.1", "raise min"),
    case("negative lag among values", Text("[build]\nlag_months = { dist = \"discrete\", values = [3, -1] }\n"), 2, "build.lag_months", "the value -1 is outside", "give a value >= 0"),
    case("lognormal utilization", Text("[cost]\nutilization = { dist = \"lognormal\", median = 0.8, sigma = 0.1 }\n"), 2, "cost.utilization", "can go above 1", "add max = 1"),
    case("annual decline of 100%", Text("[cost]\nannual_decline = 1\n"), 2, "cost.annual_decline", "must be in (-1, 1)", "give a value in (-1, 1)"),
    case("target of 0 GW", Text("[plan]\ntarget_gw = 0\n"), 2, "plan.target_gw", "must be > 0, got 0", "give a value > 0"),
    case("revenue cap of 0", Text("[revenue]\ncap_usd = 0\n"), 2, "revenue.cap_usd", "must be > 0", "give a value > 0"),
    case("discount rate of -100%", Text("[finance]\ndiscount_rate = \"-100%\"\n"), 2, "finance.discount_rate", "must be > -1", "give a value > -1"),
    case("cost with a slipped suffix", Text("[cost]\nper_gw_usd = \"40e9B\"\n"), 2, "cost.per_gw_usd", "not a plausible value", "check the suffix"),
    case("discount rate of -99.9999%", Text("[finance]\ndiscount_rate = \"-99.9999%\"\n"), 2, "finance.discount_rate", "NPV overflow", "-99% or more"),
    case("lognormal that overflows", Text("[revenue]\ninitial_run_rate_usd = { dist = \"lognormal\", mu = 0, sigma = 100 }\n"), 2, "revenue.initial_run_rate_usd", "draws overflow", "smaller sigma"),
    // [scenario] and [output] settings.
    case("month 13", Text("[scenario]\nstart = \"2025-13\"\n"), 2, "scenario.start", "month 13 does not exist", "start = \"2025-11\""),
    case("month without zero", Text("[scenario]\nstart = \"2025-1\"\n"), 2, "scenario.start", "expected YYYY-MM", "start = \"2025-11\""),
    case("start as a TOML date", Text("[scenario]\nstart = 2025-11-01\n"), 2, "scenario.start", "got the date 2025-11-01", "start = \"2025-11\""),
    case("start in words", Text("[scenario]\nstart = \"Nov 2025\"\n"), 2, "scenario.start", "is not a month", "YYYY-MM"),
    case("horizon of 0", Text("[scenario]\nhorizon_years = 0\n"), 2, "scenario.horizon_years", "gives 0 months", "1/12 to 50 years"),
    case("horizon of 60 years", Text("[scenario]\nhorizon_years = 60\n"), 2, "scenario.horizon_years", "720 months", "1/12 to 50 years"),
    case("horizon past 9999", Text("[scenario]\nstart = \"9999-06\"\nhorizon_years = 1\n"), 2, "scenario.start", "past the year 9999", "start earlier"),
    case("0 paths", Text("[scenario]\npaths = 0\n"), 2, "scenario.paths", "out of range", "1 to 1000000000 paths"),
    case("fractional paths", Text("[scenario]\npaths = 2.5\n"), 2, "scenario.paths", "whole number", "whole number from 1"),
    case("too many paths", Text("[scenario]\npaths = 2e9\n"), 2, "scenario.paths", "out of range", "1 to 1000000000 paths"),
    case("negative seed", Text("[scenario]\nseed = -1\n"), 2, "scenario.seed", "out of range", "0 to 18446744073709551615"),
    case("misspelt sampling", Text("[scenario]\nsampling = \"lsh\"\n"), 2, "scenario.sampling", "unknown sampling", "did you mean \"lhs\"?"),
    case("name with spaces", Text("[scenario]\nname = \"My Run\"\n"), 2, "scenario.name", "not a valid name", "name = \"my-run\""),
    case("negative trajectories", Text("[output]\ntrajectories = -1\n"), 2, "output.trajectories", "out of range", "0 to 100000"),
    case("charts as text", Text("[output]\ncharts = \"yes\"\n"), 2, "output.charts", "expected true or false", "no quotes"),
    case("empty output folder", Text("[output]\ndir = \"\"\n"), 2, "output.dir", "not a usable folder name", "leave dir out"),
    // Correlations.
    case("correlation of an unknown input", Text("[cost]\nper_gw_usd = \"40B to 60B\"\n[build]\nrate_gw_per_week = \"0.1 to 1\"\n[[correlations]]\na = \"build.rate\"\nb = \"cost.per_gw_usd\"\nrank = 0.3\n"), 6, "correlations.a", "unknown input \"build.rate\"", "did you mean \"build.rate_gw_per_week\"?"),
    case("correlation of a fixed input", Text("[cost]\nper_gw_usd = \"40B to 60B\"\n[[correlations]]\na = \"plan.target_gw\"\nb = \"cost.per_gw_usd\"\nrank = 0.3\n"), 4, "correlations.a", "is fixed (30)", "give it a distribution"),
    case("correlation of an absent input", Text("[cost]\nper_gw_usd = \"40B to 60B\"\n[[correlations]]\na = \"revenue.cap_usd\"\nb = \"cost.per_gw_usd\"\nrank = 0.3\n"), 4, "correlations.a", "is not set", "remove this correlation"),
    case("rank above 1", Text("[cost]\nper_gw_usd = \"40B to 60B\"\n[build]\nrate_gw_per_week = \"0.1 to 1\"\n[[correlations]]\na = \"build.rate_gw_per_week\"\nb = \"cost.per_gw_usd\"\nrank = 1.5\n"), 8, "correlations.rank", "outside [-1, 1]", "between -1 and 1"),
    case("rank NaN", Text("[cost]\nper_gw_usd = \"40B to 60B\"\n[build]\nrate_gw_per_week = \"0.1 to 1\"\n[[correlations]]\na = \"build.rate_gw_per_week\"\nb = \"cost.per_gw_usd\"\nrank = nan\n"), 8, "correlations.rank", "got NaN", "NaN and infinity are not allowed"),
    case("correlated with itself", Text("[cost]\nper_gw_usd = \"40B to 60B\"\n[[correlations]]\na = \"cost.per_gw_usd\"\nb = \"cost.per_gw_usd\"\nrank = 0.5\n"), 5, "correlations.b", "correlated with itself", "two different inputs"),
    case("pair correlated twice", Text("[cost]\nper_gw_usd = \"40B to 60B\"\n[build]\nrate_gw_per_week = \"0.1 to 1\"\n[[correlations]]\na = \"build.rate_gw_per_week\"\nb = \"cost.per_gw_usd\"\nrank = 0.3\n[[correlations]]\na = \"cost.per_gw_usd\"\nb = \"build.rate_gw_per_week\"\nrank = 0.2\n"), 9, "correlations", "correlated twice (first at bad.toml:5:1)", "one correlation per pair"),
    case("correlations that cannot hold together", Text("[cost]\nper_gw_usd = \"40B to 60B\"\n[build]\nrate_gw_per_week = \"0.1 to 1\"\n[revenue]\ngrowth = \"10% to 200%\"\n[[correlations]]\na = \"build.rate_gw_per_week\"\nb = \"cost.per_gw_usd\"\nrank = 0.9\n[[correlations]]\na = \"cost.per_gw_usd\"\nb = \"revenue.growth\"\nrank = 0.9\n[[correlations]]\na = \"build.rate_gw_per_week\"\nb = \"revenue.growth\"\nrank = -0.9\n"), 7, "correlations", "not positive definite): build.rate_gw_per_week ~ cost.per_gw_usd (0.9), cost.per_gw_usd ~ revenue.growth (0.9), build.rate_gw_per_week ~ revenue.growth (-0.9)", "weaken one of them"),
    case("correlation without rank", Text("[cost]\nper_gw_usd = \"40B to 60B\"\n[build]\nrate_gw_per_week = \"0.1 to 1\"\n[[correlations]]\na = \"cost.per_gw_usd\"\nb = \"build.rate_gw_per_week\"\n"), 5, "correlations.rank", "needs `rank`", "rank = 0.3"),
    case("correlations as one table", Text("[correlations]\na = \"cost.per_gw_usd\"\n"), 1, "correlations", "expected [[correlations]] tables", "[[correlations]]"),
    // Variants are checked when the file loads.
    case("variant with a bad value", Text("[[variants]]\nname = \"bull\"\nset = { \"revenue.growth\" = \"-150%\" }\n"), 3, "revenue.growth", "(in variant \"bull\")", "give a value > -1"),
    case("variant with a misspelt key", Text("[[variants]]\nname = \"bull\"\nset = { \"revenue.grwth\" = \"50%\" }\n"), 3, "revenue.grwth", "unknown key", "did you mean `revenue.growth`?"),
    case("variant without a name", Text("[[variants]]\nset = { \"revenue.growth\" = \"50%\" }\n"), 1, "variants.name", "needs a name", "name = \"bull\""),
    // --set, applied to a valid file.
    case("--set a negative rate", Set(&["build.rate_gw_per_week=-1"]), 0, "build.rate_gw_per_week", "must be >= 0, got -1", "give a value >= 0"),
    case("--set a reversed interval", Set(&["cost.per_gw_usd=60B to 40B"]), 0, "cost.per_gw_usd", "needs A < B", "smaller number first"),
    case("--set NaN", Set(&["cost.per_gw_usd=nan"]), 0, "cost.per_gw_usd", "got NaN", "NaN and infinity are not allowed"),
    case("--set a normal without min", Set(&["cost.per_gw_usd={ dist = \"normal\", mean = \"40B\", sd = \"10B\" }"]), 0, "cost.per_gw_usd", "normal can go below 0", "add min = 0"),
    case("--set growth of -150%", Set(&["revenue.growth=-150%"]), 0, "revenue.growth", "must be > -1, got -1.5", "give a value > -1"),
    case("--set month 13", Set(&["scenario.start=2025-13"]), 0, "scenario.start", "month 13", "YYYY-MM"),
    case("--set 0 paths", Set(&["scenario.paths=0"]), 0, "scenario.paths", "out of range", "1 to 1000000000 paths"),
    case("--set a shortened key", Set(&["build.rate=1"]), 0, "build.rate", "unknown key", "did you mean `build.rate_gw_per_week`?"),
    case("--set a correlation", Set(&["correlations.rank=0.5"]), 0, "correlations.rank", "unknown key", "only be changed in the file"),
    case("--set without =", Set(&["build.rate_gw_per_week"]), 0, "build.rate_gw_per_week", "expected KEY=VALUE", "--set build.rate_gw_per_week=0.5"),
    case("--set a broken table", Set(&["cost.per_gw_usd={ dist = \"uniform\", min = 1"]), 0, "cost.per_gw_usd", "not valid TOML", "quote the whole argument"),
    case("--set a unit", Set(&["build.lag_months=12 months"]), 0, "build.lag_months", "units are part of the key's name", "write a number"),
];

/// Writes the case's files into `dir` and returns the scenario argument and
/// the `--set` arguments.
fn prepare(input: &Input, dir: &Path) -> (String, Vec<String>) {
    let write = |name: &str, bytes: &[u8]| {
        std::fs::write(dir.join(name), bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    match input {
        Text(text) => write("bad.toml", text.as_bytes()),
        Bytes(bytes) => write("bad.toml", bytes),
        Folder => std::fs::create_dir(dir.join("bad.toml")).unwrap_or_else(|e| panic!("{e}")),
        Missing => {}
        Huge => write("bad.toml", "# padding\n".repeat(5 << 20 >> 3).as_bytes()),
        Set(args) => {
            write("ok.toml", BASE.as_bytes());
            let set = args
                .iter()
                .flat_map(|a| ["--set".to_string(), a.to_string()]);
            return ("ok.toml".to_string(), set.collect());
        }
    }
    ("bad.toml".to_string(), Vec::new())
}

/// The names in a folder, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Runs one command of one case; returns what is wrong, if anything.
fn check_one(c: &Case, command: &str) -> Result<(), String> {
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let (file, set) = prepare(&c.input, tmp.path());
    let before = listing(tmp.path());
    let out = cargo_bin_cmd!("capsim")
        .current_dir(tmp.path())
        .arg(command)
        .arg(&file)
        .args(&set)
        .output()
        .map_err(|e| e.to_string())?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let fail = |what: String| Err(format!("{what}\n--- stderr:\n{stderr}"));
    if out.status.code() != Some(c.code) {
        return fail(format!(
            "exit code {:?}, want {}",
            out.status.code(),
            c.code
        ));
    }
    if ["panicked", "internal error", "RUST_BACKTRACE"]
        .iter()
        .any(|p| stderr.contains(p))
    {
        return fail("a panic reached the user".into());
    }
    let lines: Vec<&str> = stderr.lines().collect();
    let Some(i) = lines
        .iter()
        .position(|l| l.starts_with("error: ") && l.contains(&format!(": {}: ", c.key)))
    else {
        return fail(format!("no error line names the key `{}`", c.key));
    };
    let error = lines[i];
    let place = match (&c.input, c.line) {
        (Set(args), _) => format!("error: --set {}", args[0]),
        (_, 0) => format!("error: {file}: "),
        (_, line) => format!("error: {file}:{line}:"),
    };
    if !error.starts_with(&place) {
        return fail(format!("the error line does not start with `{place}`"));
    }
    // A `--set` that parses names the file it was applied to.
    let parsed =
        matches!(c.input, Set(args) if args.iter().all(|a| a.contains('=') && !a.contains('{')));
    if parsed && !error.contains("ok.toml") {
        return fail("a --set error does not name the scenario file".into());
    }
    if !error.contains(c.says) {
        return fail(format!("the error line does not say `{}`", c.says));
    }
    match lines.get(i + 1) {
        Some(help) if help.starts_with("help: ") && help.contains(c.help) => {}
        _ => return fail(format!("no `help:` line after it containing `{}`", c.help)),
    }
    if listing(tmp.path()) != before {
        return fail(format!("files were written: {:?}", listing(tmp.path())));
    }
    Ok(())
}

#[test]
fn every_bad_input_gets_a_located_error_with_a_fix_and_writes_nothing() {
    assert!(CASES.len() >= 40, "only {} cases", CASES.len());
    let mut failures = Vec::new();
    for c in CASES {
        for command in ["run", "check"] {
            if let Err(why) = check_one(c, command) {
                failures.push(format!("[{}] capsim {command}: {why}", c.name));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_set_cases_start_from_a_valid_scenario_that_writes_outputs() {
    // Without this, "writes nothing" above could pass for a scenario that
    // never writes anything.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("ok.toml"), BASE).unwrap();
    cargo_bin_cmd!("capsim")
        .current_dir(tmp.path())
        .args(["run", "ok.toml", "--quiet"])
        .assert()
        .success();
    assert!(tmp.path().join("outputs/ok/metrics.csv").is_file());
}

#[test]
fn several_problems_are_reported_together() {
    let tmp = tempfile::tempdir().unwrap();
    let text = "[plan]\ntarget_gw = -1\n[cost]\nutilization = 2\n[scenario]\npaths = 0\n";
    std::fs::write(tmp.path().join("bad.toml"), text).unwrap();
    let out = cargo_bin_cmd!("capsim")
        .current_dir(tmp.path())
        .args(["run", "bad.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for located in [
        "error: bad.toml:2:13: plan.target_gw:",
        "error: bad.toml:4:15: cost.utilization:",
        "error: bad.toml:6:9: scenario.paths:",
    ] {
        assert!(stderr.contains(located), "{located} missing:\n{stderr}");
    }
    assert_eq!(stderr.matches("\nhelp: ").count(), 3, "{stderr}");
    assert_eq!(listing(tmp.path()), ["bad.toml"]);
}

#[test]
fn one_bad_file_among_several_stops_the_run_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("ok.toml"), BASE).unwrap();
    std::fs::write(tmp.path().join("bad.toml"), "[plan]\ntarget_gw = 0\n").unwrap();
    cargo_bin_cmd!("capsim")
        .current_dir(tmp.path())
        .args(["run", "ok.toml", "bad.toml", "--quiet"])
        .assert()
        .code(2);
    assert_eq!(listing(tmp.path()), ["bad.toml", "ok.toml"]);
}

#[test]
fn command_line_errors_name_the_option_and_point_to_help() {
    for (args, names) in [
        (&["run", "--paths", "0"][..], "--paths"),
        (&["run", "--paths", "-1"][..], "--paths"),
        (&["run", "--seed", "abc"][..], "--seed"),
        (&["run", "--outt", "x"][..], "--outt"),
        (&["rn"][..], "rn"),
    ] {
        let out = cargo_bin_cmd!("capsim").args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        let first = stderr.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("error: ") && first.contains(names),
            "{args:?}: {stderr}"
        );
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with("help: ") && l.contains("--help")),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn missing_arguments_are_named_on_the_error_line() {
    for (args, first) in [
        (
            &["sweep", "tests/fixtures/small.toml"][..],
            "error: missing --set <KEY=VALUES>",
        ),
        (
            &["solve", "--vary", "revenue.growth"][..],
            "error: missing --target <CONDITION>",
        ),
        (&["compare"][..], "error: missing <SCENARIOS>..."),
    ] {
        let out = cargo_bin_cmd!("capsim").args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().next(), Some(first), "{args:?}: {stderr}");
        assert!(
            stderr.lines().any(|l| l.starts_with("Usage: capsim ")),
            "{stderr}"
        );
        assert!(stderr.lines().any(|l| l.starts_with("help: ")), "{stderr}");
    }
}

#[test]
fn study_option_errors_name_the_scenario_they_apply_to() {
    let file = "tests/fixtures/small.toml";
    let solve = |vary: &str, target: &str, extra: &[&str]| -> Vec<String> {
        ["solve", file, "--vary", vary, "--target", target]
            .iter()
            .chain(extra)
            .map(|a| a.to_string())
            .collect()
    };
    let sweep = |a: &str, b: &str| -> Vec<String> {
        ["sweep", file, "--set", a, "--set", b]
            .map(String::from)
            .to_vec()
    };
    for args in [
        solve("revenue.grwth", "P50 npv_usd >= 0", &[]),
        solve("revenue.growth", "P50 npv >= 0", &[]),
        solve("revenue.growth", "P50 npv_usd >= 0", &["--range", "2..1"]),
        sweep("cost.utilization=0.5,0.6", "cost.utilization=0.7"),
        sweep("revenue.margin=0.1..0.9:101", "revenue.growth=0.1..2:101"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = cargo_bin_cmd!("capsim")
            .args(&args)
            .arg("--out")
            .arg(dir.path().join("out"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        let first = stderr.lines().next().unwrap_or_default();
        assert!(
            first.starts_with(&format!("error: {file}: ")),
            "{args:?}: {stderr}"
        );
        assert!(!dir.path().join("out").exists(), "{args:?}");
    }
    // An error that already names the scenario keeps its one name.
    let out = cargo_bin_cmd!("capsim")
        .args(solve(
            "revenue.growth",
            "P50 npv_usd >= 0",
            &["--paths", "1000000000"],
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: small: 1,000,000,000 paths"),
        "{stderr}"
    );
}

#[test]
fn a_file_that_sets_no_input_runs_the_defaults_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.toml");
    std::fs::write(&empty, "").unwrap();
    let warns = |extra: &[&str]| {
        let out = cargo_bin_cmd!("capsim")
            .arg("check")
            .arg(&empty)
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        stderr.contains(&format!(
            "warning: {}: no model input is set",
            empty.display()
        ))
    };
    assert!(warns(&[]));
    assert!(!warns(&["--set", "plan.target_gw=10"]));
    // A file whose variants set the inputs is meant for `compare`.
    std::fs::write(
        &empty,
        "[[variants]]\nname = \"a\"\nset = { \"revenue.growth\" = 0.5 }\n",
    )
    .unwrap();
    assert!(!warns(&[]));
    // The library's scenarios set their inputs.
    let out = cargo_bin_cmd!("capsim").arg("check").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).is_empty());
}
