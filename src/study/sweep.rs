//! `capsim sweep`: one run per point of a grid of input values.

use rayon::prelude::*;

use super::grid::{point_count, point_overrides, points, GridKey, MAX_POINTS};
use super::StudyError;
use crate::engine::{self, RunOptions};
use crate::scenario::{Scenario, ScenarioError};
use crate::stats::MetricSummary;
use crate::time::YearMonth;

/// Settings every point of a sweep shares, so that all points run the same
/// paths on the same random numbers: they cannot take several values.
pub const SHARED_SETTINGS: [(&str, &str); 3] = [
    ("scenario.paths", "--paths N"),
    ("scenario.seed", "--seed S"),
    (
        "scenario.sampling",
        "a single value, e.g. --set scenario.sampling=mc",
    ),
];

/// The result at one grid point.
#[derive(Debug, Clone)]
pub struct SweepPoint {
    /// Index of the point's value in each key.
    pub coords: Vec<usize>,
    /// Summary of every metric.
    pub summaries: Vec<MetricSummary>,
    /// The point's first month (month 0 of its month metrics), which a
    /// sweep of `scenario.start` moves.
    pub start: YearMonth,
}

/// A finished sweep.
#[derive(Debug, Clone)]
pub struct SweepResult {
    /// The swept keys and their values.
    pub keys: Vec<GridKey>,
    /// One result per point, in grid order (last key fastest).
    pub points: Vec<SweepPoint>,
    /// Warnings from the points' scenarios (e.g. dropped correlations).
    pub warnings: Vec<String>,
}

/// Checks that every key is swept once and that no setting the points
/// must share ([`SHARED_SETTINGS`]) takes several values.
///
/// # Errors
/// A key given twice, or a shared setting with several values.
pub fn check_keys(keys: &[GridKey]) -> Result<(), StudyError> {
    for (i, k) in keys.iter().enumerate() {
        if let Some(again) = keys[i + 1..].iter().find(|o| o.key == k.key) {
            let texts =
                |g: &GridKey| -> Vec<String> { g.values.iter().map(|v| v.text.clone()).collect() };
            let (first, second) = (texts(k).join(","), texts(again).join(","));
            return Err(StudyError::Usage {
                message: format!(
                    "--set {0} is given twice ({0}={first} and {0}={second}); a sweep takes each key once",
                    k.key
                ),
                help: format!(
                    "give all its values in one --set, e.g. --set {}={first},{second}",
                    k.key
                ),
            });
        }
        if let Some((_, instead)) = SHARED_SETTINGS.iter().find(|(s, _)| *s == k.key) {
            if k.values.len() > 1 {
                return Err(StudyError::Usage {
                    message: format!(
                        "{} cannot be swept: every point of a sweep runs the same paths with the same seed and sampling (common random numbers), so that differences between points come from the swept inputs",
                        k.key
                    ),
                    help: format!(
                        "set it for the whole sweep with {instead}; to see how the answer depends on it, run `capsim run` once per value"
                    ),
                });
            }
        }
    }
    Ok(())
}

/// Separates the single values of shared settings (`--set
/// scenario.paths=N`), which apply to the base scenario as plain
/// overrides, from the keys to sweep.
///
/// # Errors
/// As [`check_keys`].
pub fn split_shared(keys: Vec<GridKey>) -> Result<(Vec<GridKey>, Vec<String>), StudyError> {
    check_keys(&keys)?;
    let (shared, swept): (Vec<GridKey>, Vec<GridKey>) = keys
        .into_iter()
        .partition(|k| SHARED_SETTINGS.iter().any(|(s, _)| *s == k.key));
    let overrides = shared
        .iter()
        .flat_map(|k| k.values.iter().map(|v| format!("{}={}", k.key, v.text)))
        .collect();
    Ok((swept, overrides))
}

/// Validates every point's scenario before anything runs.
///
/// # Errors
/// A key given twice, a shared setting swept, too many points, or the
/// problems of every invalid point.
pub fn prepare(
    base: &Scenario,
    keys: &[GridKey],
) -> Result<Vec<(Vec<usize>, Scenario)>, StudyError> {
    check_keys(keys)?;
    let count = point_count(keys);
    if count > MAX_POINTS {
        return Err(StudyError::Usage {
            message: format!("the grid has {count} points; a sweep may have at most {MAX_POINTS}"),
            help: "use fewer values per key (the range form KEY=LOW..HIGH:N sets how many)".into(),
        });
    }
    let mut diagnostics = Vec::new();
    let mut prepared = Vec::with_capacity(count);
    for coords in points(keys) {
        let scenario = point_overrides(keys, &coords)
            .map_err(ScenarioError::from)
            .and_then(|o| base.with_overrides(&o));
        match scenario {
            Ok(s) => prepared.push((coords, s)),
            Err(e) => diagnostics.extend(e.diagnostics),
        }
    }
    diagnostics.dedup_by(|a, b| a.to_string() == b.to_string());
    if !diagnostics.is_empty() {
        return Err(ScenarioError { diagnostics }.into());
    }
    Ok(prepared)
}

/// Runs every point (in parallel; each run is parallel too) and keeps the
/// metric summaries.
///
/// # Errors
/// When a run fails or is interrupted.
pub fn run(
    keys: &[GridKey],
    prepared: &[(Vec<usize>, Scenario)],
    options: &RunOptions<'_>,
) -> Result<SweepResult, StudyError> {
    let options = RunOptions {
        metrics_only: true,
        ..*options
    };
    let points = prepared
        .par_iter()
        .map(|(coords, scenario)| {
            engine::run(scenario, &options).map(|r| SweepPoint {
                coords: coords.clone(),
                summaries: r.statistics.summaries,
                start: scenario.start,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut warnings: Vec<String> = prepared
        .iter()
        .flat_map(|(_, s)| s.warnings.iter().cloned())
        .collect();
    warnings.sort();
    warnings.dedup();
    Ok(SweepResult {
        keys: keys.to_vec(),
        points,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::super::grid::parse_grid_key;
    use super::*;
    use crate::model::Metric;

    fn base() -> Scenario {
        let text = "[scenario]\npaths = 2000\nseed = 3\n[build]\nlag_months = { dist = \"uniform\", min = 6, max = 30 }\nramp_months = { dist = \"uniform\", min = 0, max = 12 }\n[revenue]\ngrowth = { dist = \"uniform\", min = 0.5, max = 1.5 }\n";
        Scenario::from_str("t.toml", Some("t"), text, &[]).unwrap()
    }

    #[test]
    fn common_random_numbers_make_target_month_strictly_monotone_in_build_rate() {
        let keys = vec![parse_grid_key("build.rate_gw_per_week=0.2,0.3,0.45,0.7,1.0").unwrap()];
        let prepared = prepare(&base(), &keys).unwrap();
        let result = run(&keys, &prepared, &RunOptions::default()).unwrap();
        let p50: Vec<f64> = result
            .points
            .iter()
            .map(|p| p.summaries[Metric::TargetMonth as usize].percentiles[3])
            .collect();
        assert!(
            p50.windows(2).all(|w| w[1] < w[0]),
            "P50 target month falls as the rate rises: {p50:?}"
        );
    }

    #[test]
    fn grid_order_and_validation() {
        let keys = vec![
            parse_grid_key("build.rate_gw_per_week=0.5,1").unwrap(),
            parse_grid_key("revenue.margin=50%,60%,70%").unwrap(),
        ];
        let prepared = prepare(&base(), &keys).unwrap();
        assert_eq!(prepared.len(), 6);
        assert_eq!(
            prepared[1]
                .1
                .input(crate::scenario::InputId::Margin)
                .dist
                .fixed_value(),
            Some(0.6)
        );
        let bad = vec![parse_grid_key("revenue.margin=50%,150%").unwrap()];
        let e = prepare(&base(), &bad).unwrap_err();
        assert!(e.to_string().contains("revenue.margin"), "{e}");
        let huge = vec![
            parse_grid_key("revenue.margin=0..1:200").unwrap(),
            parse_grid_key("cost.utilization=0..1:60").unwrap(),
        ];
        assert!(matches!(
            prepare(&base(), &huge),
            Err(StudyError::Usage { .. })
        ));
    }

    #[test]
    fn keys_are_swept_once_and_shared_settings_not_at_all() {
        let keys = |args: &[&str]| -> Vec<GridKey> {
            args.iter().map(|a| parse_grid_key(a).unwrap()).collect()
        };
        let twice = keys(&["build.rate_gw_per_week=0.5,1", "build.rate_gw_per_week=2,3"]);
        let e = prepare(&base(), &twice).unwrap_err();
        assert!(
            e.to_string().contains("given twice"),
            "the second would silently win: {e}"
        );
        for shared in [
            "scenario.paths=100,1000",
            "scenario.seed=1,2",
            "scenario.sampling=mc,lhs",
        ] {
            let e = prepare(&base(), &keys(&[shared])).unwrap_err();
            assert!(e.to_string().contains("cannot be swept"), "{shared}: {e}");
        }
        let (swept, overrides) =
            split_shared(keys(&["scenario.sampling=mc", "revenue.margin=50%,60%"])).unwrap();
        assert_eq!(swept.len(), 1);
        assert_eq!(overrides, vec!["scenario.sampling=mc".to_string()]);
    }

    #[test]
    fn each_point_keeps_its_own_start() {
        let keys = vec![parse_grid_key("scenario.start=2025-11,2027-01").unwrap()];
        let prepared = prepare(&base(), &keys).unwrap();
        let result = run(&keys, &prepared, &RunOptions::default()).unwrap();
        let starts: Vec<String> = result.points.iter().map(|p| p.start.to_string()).collect();
        assert_eq!(starts, ["2025-11", "2027-01"]);
    }
}
