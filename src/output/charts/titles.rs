//! Chart titles: `<scenario title>: <what the chart shows>` for runs and
//! sweeps, `<names> · <what>` for comparisons. When a title line is too
//! narrow, the scenario title (or the list of names) is cut by one rule
//! for the whole set of charts: to fit beside the widest ending any chart
//! of the set has. So the charts of one run, one sweep or one comparison
//! all show the same cut, and the same title always gives the same cut.

use super::labels::{fit, measure};
use super::study::{words, SWEEP_METRICS};
use super::text::Font;
use super::{ChartError, ChartKind, CHARTS, INK, PAD, TITLE_PX, WIDTH};
use crate::model::Metric;
use crate::scenario::Scenario;
use crate::study::compare::{CompareEntry, CDF_METRICS};
use crate::study::grid::GridKey;

/// The cut head of a title keeps at least this many pixels, however long
/// the endings are (then the whole line is cut at its end).
const MIN_HEAD_PX: f64 = 160.0;

fn title_font() -> Font {
    Font::new(TITLE_PX, INK).bold()
}

fn line_px() -> f64 {
    f64::from(WIDTH as i32 - 2 * PAD)
}

/// `head` as it shows beside the widest of `endings`: whole when it fits,
/// else cut at a word with `…`.
///
/// # Errors
/// When the font cannot lay the text out.
pub fn fit_beside<'e>(
    head: &str,
    endings: impl IntoIterator<Item = &'e str>,
) -> Result<String, ChartError> {
    let font = title_font();
    let mut widest: f64 = 0.0;
    for ending in endings {
        widest = widest.max(measure(ending, font)?);
    }
    fit(head, font, (line_px() - widest).max(MIN_HEAD_PX))
}

/// `head` (already cut by [`fit_beside`]) and `ending` on one title line,
/// cut at the end only when the ending alone is too long.
///
/// # Errors
/// When the font cannot lay the text out.
fn join(head: &str, ending: &str) -> Result<String, ChartError> {
    fit(&format!("{head}{ending}"), title_font(), line_px())
}

/// What a run chart shows, after the scenario title.
pub fn subject(kind: ChartKind) -> &'static str {
    match kind {
        ChartKind::FanCumulative => "cumulative spend vs revenue",
        ChartKind::Capacity => "capacity online",
        ChartKind::Cash => "cumulative net cash",
        ChartKind::Tornado => "what drives peak funding need",
        ChartKind::Histogram(metric) => super::histogram::subject(metric),
    }
}

/// The title of a run chart: `<scenario title>: <subject>`.
///
/// # Errors
/// When the font cannot lay the text out.
pub fn run_title(scenario: &Scenario, kind: ChartKind) -> Result<String, ChartError> {
    let endings: Vec<String> = CHARTS
        .iter()
        .map(|&k| format!(": {}", subject(k)))
        .collect();
    let head = fit_beside(&scenario.title, endings.iter().map(String::as_str))?;
    join(&head, &format!(": {}", subject(kind)))
}

/// The title of a sweep chart: `<scenario title>: <metric> by <keys>`.
/// The metric's long name ("month the target is reached") when the whole
/// scenario title fits beside every chart's, else its short one ("target
/// date") with the scenario title cut; the same choice on every chart.
///
/// # Errors
/// When the font cannot lay the text out.
pub fn sweep_title(title: &str, metric: Metric, keys: &[GridKey]) -> Result<String, ChartError> {
    let names: Vec<&str> = keys.iter().map(|k| k.key.as_str()).collect();
    let ending = |what: &str| format!(": {what} by {}", names.join(" × "));
    let metrics = || SWEEP_METRICS.iter().copied().chain([metric]);
    let long: Vec<String> = metrics().map(|m| ending(words(m).what)).collect();
    if fit_beside(title, long.iter().map(String::as_str))? == title {
        return join(title, &ending(words(metric).what));
    }
    let short: Vec<String> = metrics().map(|m| ending(words(m).short)).collect();
    let head = fit_beside(title, short.iter().map(String::as_str))?;
    join(&head, &ending(words(metric).short))
}

/// The title of a comparison chart: `<name> vs <name> … · <what>`, the
/// names cut to fit beside the widest `what` of the comparison's charts.
///
/// # Errors
/// When the font cannot lay the text out.
pub fn compare_title(entries: &[CompareEntry], what: &str) -> Result<String, ChartError> {
    let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    // Variants of one file share its name: `file: bull vs base vs bear`.
    let shared = match names.split_first() {
        Some((first, rest)) if !rest.is_empty() => first
            .match_indices('-')
            .map(|(i, _)| &first[..=i])
            .rfind(|p| names.iter().all(|n| n.len() > p.len() && n.starts_with(p))),
        _ => None,
    };
    let listed = match shared {
        Some(prefix) => {
            let rest: Vec<&str> = names.iter().map(|n| &n[prefix.len()..]).collect();
            format!("{}: {}", prefix.trim_end_matches('-'), rest.join(" vs "))
        }
        None => names.join(" vs "),
    };
    let cdf = CDF_METRICS
        .iter()
        .map(|&m| format!(" · distribution of the {}", words(m).what));
    let endings: Vec<String> = [format!(" · {}", COMPARE_FAN_WHAT), format!(" · {what}")]
        .into_iter()
        .chain(cdf)
        .collect();
    let head = fit_beside(&listed, endings.iter().map(String::as_str))?;
    join(&head, &format!(" · {what}"))
}

/// What `compare_fan.png` shows, after the names.
pub const COMPARE_FAN_WHAT: &str = "cumulative spend and revenue";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::charts::fonts;
    use crate::study::grid::parse_grid_key;

    /// The part of a title before its ending.
    fn head<'a>(title: &'a str, sep: &str) -> &'a str {
        title.split_once(sep).map_or(title, |(h, _)| h)
    }

    #[test]
    fn every_chart_of_a_sweep_cuts_the_title_the_same_way() {
        fonts().unwrap();
        let keys = [
            parse_grid_key("build.rate_gw_per_week=0.25,0.5").unwrap(),
            parse_grid_key("revenue.growth=50%,150%").unwrap(),
        ];
        let title = "OpenAI 30 GW / $1.4T plan vs revenue";
        let titles: Vec<String> = SWEEP_METRICS
            .iter()
            .map(|&m| sweep_title(title, m, &keys).unwrap())
            .collect();
        let heads: Vec<&str> = titles.iter().map(|t| head(t, ": ")).collect();
        assert!(heads.iter().all(|h| *h == heads[0]), "{titles:?}");
        assert!(heads[0].ends_with('…'), "{titles:?}");
        for t in &titles {
            assert!(measure(t, title_font()).unwrap() <= line_px(), "{t}");
        }
        // A short title is never cut, and keeps the long metric names.
        let one = [parse_grid_key("revenue.growth=50%,150%").unwrap()];
        let whole = sweep_title("Plan", Metric::TargetMonth, &one).unwrap();
        assert_eq!(whole, "Plan: month the target is reached by revenue.growth");
    }

    #[test]
    fn every_chart_of_a_run_cuts_the_title_the_same_way() {
        fonts().unwrap();
        let long = "A scenario title long enough to need cutting on every chart of the run";
        let set =
            [crate::scenario::Override::parse(&format!("scenario.title=\"{long}\"")).unwrap()];
        let s = Scenario::builtin(&set).unwrap();
        let titles: Vec<String> = CHARTS.iter().map(|&k| run_title(&s, k).unwrap()).collect();
        let heads: Vec<&str> = titles.iter().map(|t| head(t, ": ")).collect();
        assert!(heads.iter().all(|h| *h == heads[0]), "{titles:?}");
        assert!(heads[0].ends_with('…') && heads[0].len() < long.len());
        for (t, k) in titles.iter().zip(CHARTS) {
            assert!(t.ends_with(subject(k)), "{t}");
            assert!(measure(t, title_font()).unwrap() <= line_px(), "{t}");
        }
        let plain = Scenario::builtin(&[]).unwrap();
        assert_eq!(
            run_title(&plain, ChartKind::Capacity).unwrap(),
            format!("{}: capacity online", plain.title)
        );
    }
}
