//! Text for the terminal: the summary table after a run and the input
//! listing of `capsim check`. Returns strings; the binary prints them.

use std::fmt::Write as _;

use super::format::{
    digits_needed, digits_to_tell_apart, money, money_digits, money_exact, percent, percent_digits,
    percent_exact, significant, significant_exact, thousands,
};
use crate::engine::RunResults;
use crate::model::Metric;
use crate::scenario::keys::{input_by_key, Unit};
use crate::scenario::{Input, Origin, Scenario};
use crate::study::compare::CompareEntry;
use crate::study::grid::GridKey;
use crate::study::sweep::SweepResult;
use crate::time::YearMonth;

/// A value in an input's unit, for people.
pub fn value_in_unit(unit: Unit, x: f64) -> String {
    value_in_unit_digits(unit, x, 3)
}

/// A value in an input's unit with up to `sig` significant digits.
pub fn value_in_unit_digits(unit: Unit, x: f64, sig: usize) -> String {
    match unit {
        Unit::Usd => money_digits(x, sig),
        Unit::Fraction => percent_digits(x, sig),
        Unit::Gw => format!("{} GW", significant(x, sig)),
        Unit::GwPerWeek => format!("{} GW/wk", significant(x, sig)),
        Unit::UsdPerMwh => format!("${}/MWh", significant(x, sig)),
        Unit::Months => format!("{} mo", significant(x, sig)),
        Unit::Years => format!("{} yr", significant(x, sig)),
    }
}

/// A swept key's values for the table: numbers in the key's unit with
/// just enough digits to tell them apart (`1.06 GW/wk`, not
/// `1.05050505051`); other values as written.
fn grid_labels(key: &GridKey) -> Vec<String> {
    let unit = input_by_key(&key.key).map(|d| d.unit);
    let show = |x: f64, sig: usize| match unit {
        Some(u) => value_in_unit_digits(u, x, sig),
        None => significant(x, sig),
    };
    let numbers: Vec<f64> = key.values.iter().filter_map(|v| v.number).collect();
    let sig = digits_to_tell_apart(&numbers, 3, 12, show);
    key.values
        .iter()
        .map(|v| v.number.map_or_else(|| v.text.clone(), |x| show(x, sig)))
        .collect()
}

/// Two values in an input's unit shown side by side (a P5 – P95 range),
/// both with the same number of significant digits: the fewest, up to 3,
/// that show each as [`value_in_unit`] would (`0.160 GW/wk`, `0.674 GW/wk`).
pub fn value_pair_in_unit(unit: Unit, a: f64, b: f64) -> (String, String) {
    let sig = digits_needed(a, 3).max(digits_needed(b, 3));
    let show = |x: f64| match unit {
        Unit::Usd => money_exact(x, sig),
        Unit::Fraction => percent_exact(x, sig),
        Unit::Gw => format!("{} GW", significant_exact(x, sig)),
        Unit::GwPerWeek => format!("{} GW/wk", significant_exact(x, sig)),
        Unit::UsdPerMwh => format!("${}/MWh", significant_exact(x, sig)),
        Unit::Months => format!("{} mo", significant_exact(x, sig)),
        Unit::Years => format!("{} yr", significant_exact(x, sig)),
    };
    (show(a), show(b))
}

/// A metric value for people (`never` for censored month metrics).
pub fn metric_value(scenario: &Scenario, metric: Metric, x: f64) -> String {
    metric_value_from(scenario.start, metric, x)
}

/// A metric value for people, month metrics as dates counted from `start`.
pub fn metric_value_from(start: YearMonth, metric: Metric, x: f64) -> String {
    if x.is_nan() {
        return if metric.is_month() {
            "never".into()
        } else {
            "n/a".into()
        };
    }
    match metric {
        Metric::TargetMonth | Metric::BreakevenMonth => {
            start.plus((x + 0.5).floor() as usize).to_string()
        }
        Metric::CapacityEndGw => format!("{} GW", significant(x, 3)),
        Metric::CommitmentCoverage => format!("{}x", significant(x, 3)),
        _ => money(x),
    }
}

/// Label of a metric in the summary table.
fn label(metric: Metric) -> &'static str {
    match metric {
        Metric::TargetMonth => "target reached",
        Metric::CapacityEndGw => "capacity at end",
        Metric::CapexTotalUsd => "capex, total",
        Metric::CapexAtTargetUsd => "capex to reach target",
        Metric::OpexTotalUsd => "opex, total",
        Metric::RevenueTotalUsd => "revenue, total",
        Metric::RevenueRunRateEndUsd => "revenue run-rate at end",
        Metric::PeakFundingNeedUsd => "peak funding need",
        Metric::BreakevenMonth => "cash breaks even",
        Metric::CommitmentCoverage => "margin / commitment",
        Metric::NpvUsd => "NPV",
    }
}

/// The table printed after a run.
pub fn run_summary(
    scenario: &Scenario,
    results: &RunResults,
    dir: &str,
    files: &[String],
) -> String {
    let mut out = String::new();
    let sim = &results.simulation;
    let end = scenario.start.plus(scenario.months - 1);
    let _ = writeln!(out, "{}: {}", scenario.name, scenario.title);
    let _ = writeln!(
        out,
        "{} paths, seed {}, {} sampling, {} to {} ({} months), {} threads: {:.2} s ({} paths/s)",
        thousands(sim.paths),
        scenario.seed,
        scenario.sampling.name(),
        scenario.start,
        end,
        scenario.months,
        sim.threads,
        results.seconds,
        thousands((sim.paths as f64 / results.seconds.max(1e-9)) as u64)
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "  {:<26}{:>12}{:>12}{:>12}", "", "P5", "P50", "P95");
    for s in &results.statistics.summaries {
        let v = |p: f64| metric_value(scenario, s.metric, s.at(p).unwrap_or(f64::NAN));
        let _ = writeln!(
            out,
            "  {:<26}{:>12}{:>12}{:>12}",
            label(s.metric),
            v(0.05),
            v(0.5),
            v(0.95)
        );
    }
    let share = |m: Metric| 1.0 - results.statistics.summaries[m as usize].censored_share;
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "  P(target reached within the horizon)    {}",
        percent(share(Metric::TargetMonth))
    );
    let _ = writeln!(
        out,
        "  P(cash breaks even within the horizon)  {}",
        percent(share(Metric::BreakevenMonth))
    );
    let _ = writeln!(out);
    let _ = write!(out, "wrote {dir}/: {}", files.join(", "));
    out
}

/// An input as written (with "(default)" or "(--set)" when it did not come
/// from the file) and its P5, P50 and P95 in its unit; no percentiles for
/// an absent optional input.
pub fn input_summary(input: &Input) -> (String, Option<[String; 3]>) {
    let unit = input.id.def().unit;
    let fmt = |x: f64| value_in_unit(unit, x);
    let Some(spec) = &input.spec else {
        return ("absent (off)".to_string(), None);
    };
    let origin = match input.origin {
        Origin::Default => " (default)",
        Origin::Override(_) => " (--set)",
        Origin::File(_) => "",
    };
    (
        format!("{}{origin}", spec.describe(fmt)),
        Some([0.05, 0.5, 0.95].map(|p| fmt(input.dist.quantile(p)))),
    )
}

/// The listing printed by `capsim check`.
pub fn check_listing(scenario: &Scenario) -> String {
    let mut out = String::new();
    let end = scenario.start.plus(scenario.months - 1);
    let _ = writeln!(
        out,
        "{}: {} ({})",
        scenario.name,
        scenario.title,
        scenario.source()
    );
    let _ = writeln!(
        out,
        "  {} to {} ({} months), {} paths, seed {}, {} sampling",
        scenario.start,
        end,
        scenario.months,
        thousands(scenario.paths),
        scenario.seed,
        scenario.sampling.name()
    );
    let _ = writeln!(out);
    let rows: Vec<(&str, String, String)> = scenario
        .inputs
        .iter()
        .map(|input| {
            let (written, q) = input_summary(input);
            let quantiles = q.map_or(String::new(), |q| {
                format!("{:>12}{:>12}{:>12}", q[0], q[1], q[2])
            });
            (input.id.key(), written, quantiles)
        })
        .collect();
    let width = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0) + 2;
    let _ = writeln!(
        out,
        "  {:<34}{:<width$}{:>12}{:>12}{:>12}",
        "input", "value", "P5", "P50", "P95"
    );
    for (key, written, quantiles) in rows {
        let _ = writeln!(out, "  {key:<34}{written:<width$}{quantiles}");
    }
    if !scenario.correlations.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "  rank correlations");
        for c in &scenario.correlations {
            let _ = writeln!(
                out,
                "    {} ~ {}: {}",
                c.a.key(),
                c.b.key(),
                significant(c.rank, 3)
            );
        }
    }
    if !scenario.variant_names.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "  variants: {}", scenario.variant_names.join(", "));
    }
    let _ = writeln!(out);
    let _ = write!(
        out,
        "ok: {} uncertain inputs; outputs go to {}",
        scenario.uncertain_inputs().len(),
        scenario.output.dir.display()
    );
    out
}

/// `text` cut to `width` characters with an ellipsis.
fn short(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(width - 1).collect::<String>())
    }
}

/// The table printed after a sweep: each point's key values and the P50 of
/// the headline metrics.
pub fn sweep_summary(result: &SweepResult, base: &Scenario, seconds: f64) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: sweep of {} points, {} paths each, seed {} ({:.1} s)\n",
        base.name,
        result.points.len(),
        thousands(base.paths),
        base.seed,
        seconds
    );
    let labels: Vec<Vec<String>> = result.keys.iter().map(grid_labels).collect();
    let widths: Vec<usize> = result
        .keys
        .iter()
        .zip(&labels)
        .map(|(k, l)| {
            let widest = l.iter().map(|t| t.chars().count()).max().unwrap_or(0);
            k.key.chars().count().max(widest).clamp(8, 28)
        })
        .collect();
    let mut header = String::new();
    for (k, &w) in result.keys.iter().zip(&widths) {
        let _ = write!(header, "{:>w$}  ", short(&k.key, w));
    }
    let _ = writeln!(
        out,
        "  {header}{:>14}{:>14}{:>12}{:>14}",
        "P50 funding", "P50 NPV", "P50 target", "P(breakeven)"
    );
    const SHOWN: usize = 40;
    for point in result.points.iter().take(SHOWN) {
        let mut row = String::new();
        for ((l, &i), &w) in labels.iter().zip(&point.coords).zip(&widths) {
            let _ = write!(row, "{:>w$}  ", short(&l[i], w));
        }
        let s = |m: Metric| &point.summaries[m as usize];
        let p50 = |m: Metric| metric_value_from(point.start, m, s(m).percentiles[3]);
        let _ = writeln!(
            out,
            "  {row}{:>14}{:>14}{:>12}{:>14}",
            p50(Metric::PeakFundingNeedUsd),
            p50(Metric::NpvUsd),
            p50(Metric::TargetMonth),
            percent(1.0 - s(Metric::BreakevenMonth).censored_share)
        );
    }
    if result.points.len() > SHOWN {
        let _ = writeln!(
            out,
            "  … {} more points in sweep.csv",
            result.points.len() - SHOWN
        );
    }
    out
}

/// The table printed after a comparison: one row per scenario.
pub fn compare_summary(
    entries: &[CompareEntry],
    scenarios: &[Scenario],
    paths: u64,
    seed: u64,
    seconds: f64,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "comparison of {} scenarios, {} paths each, seed {} ({:.1} s)\n",
        entries.len(),
        thousands(paths),
        seed,
        seconds
    );
    let width = entries
        .iter()
        .map(|e| e.name.chars().count())
        .max()
        .unwrap_or(8)
        .max(8)
        + 2;
    let _ = writeln!(
        out,
        "  {:<width$}{:>14}{:>14}{:>12}{:>12}{:>14}",
        "scenario", "P50 funding", "P50 NPV", "P50 target", "P(target)", "P(breakeven)"
    );
    for (e, s) in entries.iter().zip(scenarios) {
        let m = |metric: Metric| &e.statistics.summaries[metric as usize];
        let p50 = |metric: Metric| metric_value(s, metric, m(metric).percentiles[3]);
        let _ = writeln!(
            out,
            "  {:<width$}{:>14}{:>14}{:>12}{:>12}{:>14}",
            e.name,
            p50(Metric::PeakFundingNeedUsd),
            p50(Metric::NpvUsd),
            p50(Metric::TargetMonth),
            percent(1.0 - m(Metric::TargetMonth).censored_share),
            percent(1.0 - m(Metric::BreakevenMonth).censored_share)
        );
    }
    out
}
