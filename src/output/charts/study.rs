//! The charts of studies (SPEC §7): [`sweep_charts`] draws
//! `sweep_<metric>.png` (a line with a band over one swept key, a heatmap
//! over two) and [`compare_charts`] draws `compare_fan.png` and
//! `compare_cdf_<metric>.png`; each draws its charts in parallel (rayon).
//! This file also holds what those charts share: the words for each
//! metric and the widths of coinciding lines; captions are in
//! [`mod@super::caption`], titles in [`super::titles`], the calendar scale of
//! month metrics in [`super::months`].

use rayon::prelude::*;

use super::caption::study_caption;
use super::{compare_cdf, compare_fan, heatmap, sweep_line, ChartError, LINE_PX};
use crate::model::Metric;
use crate::scenario::Scenario;
use crate::study::compare::{CompareEntry, CDF_METRICS};
use crate::study::grid::GridKey;
use crate::study::sweep::SweepResult;
use crate::time::YearMonth;

/// The metrics a sweep draws, one chart each.
pub const SWEEP_METRICS: [Metric; 3] = [
    Metric::PeakFundingNeedUsd,
    Metric::NpvUsd,
    Metric::TargetMonth,
];

/// Charts of a sweep: `sweep_<metric>.png` for each of [`SWEEP_METRICS`].
/// One swept key: a P50 line with P25–P75 and P5–P95 bands over the key's
/// values (a numeric axis when every value is a number, else evenly
/// spaced categories). Two keys: a heatmap of P50. Three or more keys (or
/// none): no charts, an empty `Vec`.
///
/// # Errors
/// When a chart cannot be drawn or encoded.
pub fn sweep_charts(
    result: &SweepResult,
    base: &Scenario,
) -> Result<Vec<(String, Vec<u8>)>, ChartError> {
    let keys = result.keys.len();
    if keys == 0 || keys > 2 {
        return Ok(Vec::new());
    }
    SWEEP_METRICS
        .par_iter()
        .map(|&metric| {
            let file = format!("sweep_{}.png", metric.name());
            let png = if keys == 1 {
                sweep_line::draw(result, base, metric, &file)
            } else {
                heatmap::draw(result, base, metric, &file)
            };
            png.map(|bytes| (file, bytes))
        })
        .collect()
}

/// Charts of a comparison: `compare_fan.png` (cumulative spend and revenue
/// of every scenario) and `compare_cdf_<metric>.png` for each of
/// [`CDF_METRICS`]. `paths` and `seed` are the ones every scenario ran
/// with (for the captions). No entries: no charts, an empty `Vec`.
///
/// The captions name no `--set` overrides: a caller that applied some
/// calls [`compare_charts_with_overrides`].
///
/// # Errors
/// When a chart cannot be drawn or encoded.
pub fn compare_charts(
    entries: &[CompareEntry],
    paths: u64,
    seed: u64,
) -> Result<Vec<(String, Vec<u8>)>, ChartError> {
    compare_charts_with_overrides(entries, paths, seed, &[])
}

/// [`compare_charts`] for scenarios that all had the `--set` arguments
/// `overrides` applied (e.g. `Scenario::applied_overrides` of the first):
/// each caption names them.
///
/// # Errors
/// When a chart cannot be drawn or encoded.
pub fn compare_charts_with_overrides(
    entries: &[CompareEntry],
    paths: u64,
    seed: u64,
    overrides: &[String],
) -> Result<Vec<(String, Vec<u8>)>, ChartError> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let jobs: Vec<Option<Metric>> = std::iter::once(None)
        .chain(CDF_METRICS.iter().map(|&m| Some(m)))
        .collect();
    jobs.par_iter()
        .map(|job| {
            let file = match job {
                None => "compare_fan.png".to_string(),
                Some(metric) => format!("compare_cdf_{}.png", metric.name()),
            };
            let caption = study_caption("compare", paths, seed, overrides, &file)?;
            let png = match job {
                None => compare_fan::draw(entries, &caption),
                Some(metric) => compare_cdf::draw(entries, *metric, &caption),
            };
            png.map(|png| (file, png))
        })
        .collect()
}

/// The first month of a sweep point's scenario (a sweep may move
/// `scenario.start`).
pub fn point_start(base: &Scenario, keys: &[GridKey], coords: &[usize]) -> YearMonth {
    keys.iter()
        .zip(coords)
        .filter(|(k, _)| k.key == "scenario.start")
        .find_map(|(k, &i)| {
            let text = k.values.get(i)?.text.trim().trim_matches('"');
            YearMonth::parse(text).ok()
        })
        .unwrap_or(base.start)
}

/// How a study chart speaks of a metric.
#[derive(Debug, Clone, Copy)]
pub struct Words {
    /// What the metric is, e.g. "peak funding need".
    pub what: &'static str,
    /// The same, short, for titles, e.g. "target date".
    pub short: &'static str,
    /// The value axis, with units.
    pub axis: &'static str,
    /// What a CDF shows, e.g. "Share of paths that have reached the target
    /// by each month".
    pub cdf: &'static str,
    /// What a censored path does, e.g. "never reach the target within the
    /// horizon".
    pub never: &'static str,
    /// When every path is censored, e.g. "No path reaches the target within
    /// the horizon".
    pub none: &'static str,
}

/// The words for `metric`.
pub fn words(metric: Metric) -> Words {
    let money = |what, axis, cdf| Words {
        what,
        short: what,
        axis,
        cdf,
        never: "have no value",
        none: "No path has a value",
    };
    match metric {
        Metric::PeakFundingNeedUsd => money(
            "peak funding need",
            "Peak funding need (US dollars)",
            "Share of paths whose peak funding need is at or below each value",
        ),
        Metric::NpvUsd => money(
            "NPV",
            "Net present value (US dollars)",
            "Share of paths whose NPV is at or below each value",
        ),
        Metric::TargetMonth => Words {
            what: "month the target is reached",
            short: "target date",
            axis: "Month the target is reached",
            cdf: "Share of paths that have reached the target by each month",
            never: "never reach the target within the horizon",
            none: "No path reaches the target within the horizon",
        },
        Metric::BreakevenMonth => Words {
            what: "month cash breaks even",
            short: "break-even date",
            axis: "Month cash breaks even",
            cdf: "Share of paths whose cash has broken even by each month",
            never: "never break even within the horizon",
            none: "No path breaks even within the horizon",
        },
        other => money(
            other.name(),
            other.name(),
            "Share of paths at or below each value",
        ),
    }
}

/// Curves drawn on one chart that coincide: for each curve, how many later
/// curves lie exactly on it (it is drawn that much wider, so it shows
/// around them) and the first earlier curve it lies on.
pub fn coincident(curves: &[Vec<f64>]) -> Vec<(usize, Option<usize>)> {
    let same = |a: &[f64], b: &[f64]| {
        a.len() == b.len()
            && a.iter().zip(b).all(|(x, y)| {
                (x.is_nan() && y.is_nan()) || (x - y).abs() <= 1e-9 * x.abs().max(1.0)
            })
    };
    (0..curves.len())
        .map(|i| {
            let later = (i + 1..curves.len())
                .filter(|&j| same(&curves[i], &curves[j]))
                .count();
            let earlier = (0..i).find(|&j| same(&curves[i], &curves[j]));
            (later, earlier)
        })
        .collect()
}

/// Width of a line drawn over `later` lines that coincide with it.
pub fn halo_width(later: usize) -> u32 {
    LINE_PX + 3 * later.min(4) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coinciding_curves_are_found() {
        let a = vec![1.0, 2.0, f64::NAN];
        let b = vec![1.0, 2.5, f64::NAN];
        let found = coincident(&[a.clone(), b, a]);
        assert_eq!(found, vec![(1, None), (0, None), (0, Some(0))]);
        assert!(halo_width(1) > halo_width(0));
    }
}
