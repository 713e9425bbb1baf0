//! Labels for the study charts: swept values in people's units, long
//! values (distribution tables) shortened, texts cut to a width with an
//! ellipsis, and the choice of which category labels an axis has room for.

use plotters::prelude::*;

use super::text::{self, Font};
use super::ChartError;
use crate::output::format::significant;
use crate::output::terminal::value_in_unit;
use crate::scenario::keys::input_by_key;
use crate::study::grid::{GridKey, GridValue};

/// Width of `s` in pixels, measured without a chart at hand.
///
/// # Errors
/// When the font cannot lay the text out.
pub fn measure(s: &str, font: Font) -> Result<f64, ChartError> {
    let mut pixel = [255u8; 3];
    let area = BitMapBackend::with_buffer(&mut pixel, (1, 1)).into_drawing_area();
    text::width(&area, s, font)
}

/// Lines `s` takes when wrapped at spaces to `max_px` pixels (as
/// [`text::wrap`] lays out subtitles and captions).
///
/// # Errors
/// When the font cannot lay the text out.
pub fn line_count(s: &str, font: Font, max_px: f64) -> Result<usize, ChartError> {
    let mut pixel = [255u8; 3];
    let area = BitMapBackend::with_buffer(&mut pixel, (1, 1)).into_drawing_area();
    Ok(text::wrap(&area, s, font, max_px)?.len())
}

/// `s` cut to at most `max_px` pixels, ending in `…` when cut.
///
/// # Errors
/// When the font cannot lay the text out.
pub fn fit(s: &str, font: Font, max_px: f64) -> Result<String, ChartError> {
    if measure(s, font)? <= max_px {
        return Ok(s.to_string());
    }
    let chars: Vec<char> = s.chars().collect();
    let (mut lo, mut hi) = (0, chars.len());
    // The longest prefix that fits with the ellipsis (binary search).
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid].iter().collect::<String>() + "…";
        if measure(&candidate, font)? <= max_px {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let prefix: String = chars[..lo].iter().collect();
    // Cut at a word when that keeps most of what fits.
    let word = match prefix.rfind(' ') {
        Some(space) if space * 3 >= prefix.len() * 2 => &prefix[..space],
        _ => prefix.as_str(),
    };
    let word = word.trim_end_matches(|c: char| c.is_whitespace() || "/-:,;·×".contains(c));
    Ok(format!("{word}…"))
}

/// A swept value as people read it: numbers in the key's unit (`$35B`,
/// `150%`, `0.5 GW/wk`), quoted text unquoted, and distribution tables
/// shortened: `{ dist = "uniform", min = "30B", max = "50B" }` becomes
/// `uniform(30B, 50B)`, `{ dist = "lognormal", p5 = 30, p95 = 90 }`
/// becomes `lognormal(p5 30, p95 90)` (min, mode and max go unnamed).
pub fn value_label(key: &str, value: &GridValue) -> String {
    if let Some(x) = value.number.filter(|x| x.is_finite()) {
        return match input_by_key(key) {
            Some(def) => value_in_unit(def.unit, x),
            None => significant(x, 4),
        };
    }
    let text = value.text.trim();
    let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) else {
        return unquote(text);
    };
    let (mut family, mut args) = (String::new(), Vec::new());
    for part in inner.split(',') {
        match part.split_once('=') {
            Some((k, v)) if k.trim() == "dist" => family = unquote(v),
            Some((k, v)) if ["min", "mode", "max"].contains(&k.trim()) => args.push(unquote(v)),
            Some((k, v)) => args.push(format!("{} {}", k.trim(), unquote(v))),
            None if !part.trim().is_empty() => args.push(unquote(part)),
            None => {}
        }
    }
    format!("{family}({})", args.join(", "))
}

fn unquote(s: &str) -> String {
    s.trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .trim()
        .to_string()
}

/// The labels of every value of `key`; the values as written when the
/// rounded labels would repeat (e.g. 1.001 and 1.002 GW/wk).
pub fn value_labels(key: &GridKey) -> Vec<String> {
    let labels: Vec<String> = key
        .values
        .iter()
        .map(|v| value_label(&key.key, v))
        .collect();
    let mut sorted = labels.clone();
    sorted.sort();
    sorted.dedup();
    if sorted.len() == labels.len() {
        return labels;
    }
    key.values.iter().map(|v| unquote(&v.text)).collect()
}

/// Whether every value of `key` is a finite number (a numeric axis).
pub fn is_numeric(key: &GridKey) -> bool {
    !key.values.is_empty()
        && key
            .values
            .iter()
            .all(|v| v.number.is_some_and(f64::is_finite))
}

/// Every `step`-th of `n` categories gets a label: the smallest step at
/// which labels `label_px` wide (plus a gap) fit in `span_px`.
pub fn label_step(n: usize, label_px: f64, span_px: f64) -> usize {
    let per = label_px + 16.0;
    let fits = (span_px / per).floor().max(1.0) as usize;
    n.div_ceil(fits).max(1)
}

/// Category labels cut to `max_px`, and the positions (category indices)
/// that have room for a label along `span_px` when each takes `slot_px`
/// of it (`slot_px` is the label width for x axes, the line height for y).
///
/// # Errors
/// When the font cannot lay the text out.
pub fn category_ticks(
    labels: &[String],
    font: Font,
    max_px: f64,
    slot_px: Option<f64>,
    span_px: f64,
) -> Result<(Vec<String>, Vec<f64>), ChartError> {
    let cut: Vec<String> = labels
        .iter()
        .map(|l| fit(l, font, max_px))
        .collect::<Result<_, _>>()?;
    let mut widest: f64 = 0.0;
    for l in &cut {
        widest = widest.max(measure(l, font)?);
    }
    let step = label_step(cut.len(), slot_px.unwrap_or(widest), span_px);
    let ticks = (0..cut.len()).step_by(step).map(|i| i as f64).collect();
    Ok((cut, ticks))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::charts::{fonts, INK, TICK_PX};
    use crate::study::grid::parse_grid_key;

    #[test]
    fn values_read_in_units_and_tables_shrink() {
        let k = parse_grid_key(
            "cost.per_gw_usd=35B,\"40B to 60B\",{ dist = \"uniform\", min = \"30B\", max = \"50B\" }",
        )
        .unwrap();
        assert_eq!(
            value_labels(&k),
            vec!["$35B", "40B to 60B", "uniform(30B, 50B)"]
        );
        assert!(!is_numeric(&k));
        let g = parse_grid_key("revenue.growth=50%,150%").unwrap();
        assert_eq!(value_labels(&g), vec!["50%", "150%"]);
        assert!(is_numeric(&g));
        let other = parse_grid_key("scenario.horizon_years=5,12.5").unwrap();
        assert_eq!(value_labels(&other), vec!["5", "12.5"]);
        let close = parse_grid_key("build.rate_gw_per_week=1.0001,1.0002").unwrap();
        assert_eq!(value_labels(&close), vec!["1.0001", "1.0002"]);
        let ln =
            parse_grid_key("cost.per_gw_usd={ dist = \"lognormal\", p5 = 30, p95 = 90 }").unwrap();
        assert_eq!(value_labels(&ln), vec!["lognormal(p5 30, p95 90)"]);
    }

    #[test]
    fn texts_are_cut_to_width() {
        fonts().unwrap();
        let font = Font::new(TICK_PX, INK);
        let long = "uniform(30B, 50B) with a long tail of words";
        let cut = fit(long, font, 120.0).unwrap();
        assert!(
            cut.ends_with('…') && measure(&cut, font).unwrap() <= 120.0,
            "{cut}"
        );
        assert_eq!(fit("$35B", font, 120.0).unwrap(), "$35B");
        assert_eq!(fit("abc", font, 1.0).unwrap(), "…");
        let title = "OpenAI 30 GW / $1.4T plan vs revenue";
        let words = fit(title, font, 150.0).unwrap();
        let kept = words.trim_end_matches('…');
        assert!(
            title[kept.len()..].starts_with(' '),
            "cut at a word: {words}"
        );
    }

    #[test]
    fn crowded_axes_label_every_few_categories() {
        assert_eq!(label_step(5, 60.0, 1000.0), 1);
        assert_eq!(label_step(100, 60.0, 1000.0), 8);
        assert_eq!(label_step(0, 60.0, 1000.0), 1);
        fonts().unwrap();
        let labels: Vec<String> = (0..40).map(|i| format!("value {i}")).collect();
        let (cut, ticks) =
            category_ticks(&labels, Font::new(TICK_PX, INK), 200.0, None, 800.0).unwrap();
        assert_eq!(cut.len(), 40);
        assert!(ticks.len() < 40 && ticks[0] == 0.0, "{ticks:?}");
    }
}
