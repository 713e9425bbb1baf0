//! The caption under every chart: what was run (a scenario or a study,
//! with the `--set` overrides that changed it), paths, seed, version and
//! file. A pasted chart must not pass for the scenario as written, so the
//! overrides are always there: all of them when they fit in
//! [`CAPTION_LINES`] lines, else the first few and how many more.

use super::labels::{fit, line_count};
use super::text::Font;
use super::{ChartError, CAPTION_PX, MUTED, PAD, WIDTH};
use crate::output::format::thousands;
use crate::output::RunReport;
use crate::scenario::Scenario;

/// Lines a caption may take at most.
pub const CAPTION_LINES: usize = 2;
/// Widest single override in a caption, pixels (a long distribution
/// table is cut with `…`).
const MAX_OVERRIDE_PX: f64 = 480.0;

/// The caption's font.
pub const fn caption_font() -> Font {
    Font::new(CAPTION_PX, MUTED)
}

/// Width a caption line may take, pixels.
pub fn caption_width() -> f64 {
    f64::from(WIDTH as i32 - 2 * PAD)
}

/// The caption of a run chart: scenario and overrides, paths, seed,
/// sampling, version and where the file is.
///
/// # Errors
/// When the font cannot lay the text out.
pub fn caption(report: &RunReport<'_>, file_name: &str) -> Result<String, ChartError> {
    let s = report.scenario;
    let tail = format!(
        " · {} paths · seed {} · {} sampling · capsim {} · {}",
        thousands(report.results.simulation.paths),
        s.seed,
        s.sampling.name(),
        env!("CARGO_PKG_VERSION"),
        s.output.dir.join(file_name).display()
    );
    with_overrides(&s.name, s.applied_overrides(), &tail)
}

/// The caption of a study chart: what (e.g. `compare`), the overrides
/// every run had, paths, seed, version and file.
///
/// # Errors
/// When the font cannot lay the text out.
pub fn study_caption(
    what: &str,
    paths: u64,
    seed: u64,
    overrides: &[String],
    file: &str,
) -> Result<String, ChartError> {
    let tail = format!(
        " · {} paths per run · seed {seed} · same random numbers in every run · capsim {} · {file}",
        thousands(paths),
        env!("CARGO_PKG_VERSION"),
    );
    with_overrides(what, overrides, &tail)
}

/// The caption of a sweep chart of `base`.
///
/// # Errors
/// When the caption cannot be laid out.
pub fn sweep_caption(base: &Scenario, file: &str) -> Result<String, ChartError> {
    study_caption(
        &format!("{} sweep", base.name),
        base.paths,
        base.seed,
        base.applied_overrides(),
        file,
    )
}

/// The `--set` arguments a caption names, in order: the last one of each
/// key, leaving out those whose value the caption states already
/// (`scenario.paths` and `scenario.seed`, which `--paths` and `--seed`
/// also set, `scenario.sampling`, `scenario.name`) and those that change
/// only the title or what is written where (`scenario.title`, `output.*`).
pub fn shown_overrides(applied: &[String]) -> Vec<&str> {
    const STATED: [&str; 4] = [
        "scenario.paths",
        "scenario.seed",
        "scenario.sampling",
        "scenario.name",
    ];
    let key = |o: &str| o.split_once('=').map_or(o, |(k, _)| k).trim().to_string();
    let mut shown: Vec<&str> = Vec::new();
    for o in applied {
        let k = key(o);
        if STATED.contains(&k.as_str()) || k == "scenario.title" || k.starts_with("output.") {
            continue;
        }
        shown.retain(|s| key(s) != k);
        shown.push(o.trim());
    }
    shown
}

/// `<head> with --set a, b<tail>`, naming as many overrides as fit in
/// [`CAPTION_LINES`] lines and how many more there are.
fn with_overrides(head: &str, applied: &[String], tail: &str) -> Result<String, ChartError> {
    let shown = shown_overrides(applied);
    let font = caption_font();
    let cut: Vec<String> = shown
        .iter()
        .map(|o| fit(o, font, MAX_OVERRIDE_PX))
        .collect::<Result<_, _>>()?;
    let n = cut.len();
    let text = |k: usize| {
        let set = match (k, n - k) {
            (0, 0) => String::new(),
            (0, more) => format!(" with {more} --set overrides"),
            (_, 0) => format!(" with --set {}", cut[..k].join(", ")),
            (_, more) => format!(" with --set {} and {more} more", cut[..k].join(", ")),
        };
        format!("{head}{set}{tail}")
    };
    for k in (1..=n).rev() {
        let candidate = text(k);
        if line_count(&candidate, font, caption_width())? <= CAPTION_LINES {
            return Ok(candidate);
        }
    }
    Ok(text(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::charts::fonts;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn overrides_already_stated_are_left_out() {
        let applied = strings(&[
            "scenario.paths=20000",
            "revenue.growth=1%",
            "scenario.seed=\"7\"",
            "output.dir=/tmp/x",
            "cost.per_gw_usd=40B",
            "revenue.growth=2%",
        ]);
        assert_eq!(
            shown_overrides(&applied),
            ["cost.per_gw_usd=40B", "revenue.growth=2%"]
        );
    }

    #[test]
    fn captions_name_the_overrides_and_fit_in_two_lines() {
        fonts().unwrap();
        let one = with_overrides("s", &strings(&["revenue.growth=1%"]), " · tail").unwrap();
        assert_eq!(one, "s with --set revenue.growth=1% · tail");
        let none = with_overrides("s", &strings(&["scenario.paths=5"]), " · tail").unwrap();
        assert_eq!(none, "s · tail");

        let many: Vec<String> = (0..60)
            .map(|i| format!("section{i}.per_gw_usd=\"{i}0B to {i}5B\""))
            .collect();
        let tail = " · 20,000 paths · seed 1 · lhs sampling · capsim 0.1.0 · outputs/x/cash.png";
        let text = with_overrides("openai-30gw", &many, tail).unwrap();
        assert!(
            text.starts_with("openai-30gw with --set section0.per_gw_usd="),
            "{text}"
        );
        assert!(text.contains(" more · 20,000 paths"), "{text}");
        assert!(text.ends_with(tail), "the tail is never cut: {text}");
        let lines = line_count(&text, caption_font(), caption_width()).unwrap();
        assert!((1..=CAPTION_LINES).contains(&lines), "{lines} lines");

        // A value too long for a line is cut, not clipped.
        let long = vec![format!("cost.per_gw_usd={}", "x".repeat(400))];
        let text = with_overrides("s", &long, " · tail").unwrap();
        assert!(text.contains('…'), "{text}");
        assert!(line_count(&text, caption_font(), caption_width()).unwrap() <= CAPTION_LINES);
    }
}
