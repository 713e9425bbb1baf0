//! `compare_cdf_<metric>.png`: the distribution of one metric in every
//! compared scenario as overlaid cumulative curves (share of paths at or
//! below each value). Paths where a month metric never happens within the
//! horizon are censored: their curve stops below 100%, and the share that
//! never gets there is written at the curve's end and in the legend.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axes::{money_label, share_label, value_coord, value_range, DateAxis};
use super::frame::{render_png, Frame, LegendEntry, Swatch};
use super::months::{calendar, month_of};
use super::plot::{build, draw_line, label_near, note, vline, AxisText, Plot};
use super::study::{coincident, halo_width, words};
use super::text::Font;
use super::titles::compare_title;
use super::{scenario_colour, ChartError, REFERENCE, TICK_PX};
use crate::model::Metric;
use crate::output::format::{money, percent};
use crate::study::compare::{CompareEntry, CDF_POINTS};

/// One scenario's curve: (x, share) points where the metric has a value.
struct Curve {
    points: Vec<(f64, f64)>,
    censored: f64,
}

fn curve(entry: &CompareEntry, metric: Metric) -> Curve {
    let quantiles = entry
        .cdfs
        .iter()
        .find(|(m, _)| *m == metric)
        .map_or(&[][..], |(_, q)| q.as_slice());
    let last = (CDF_POINTS - 1).max(1) as f64;
    let x = |q: f64| {
        if metric.is_month() {
            calendar(entry.start, q)
        } else {
            q
        }
    };
    let points = quantiles
        .iter()
        .enumerate()
        .filter(|(_, q)| q.is_finite())
        .map(|(k, &q)| (x(q), k as f64 / last))
        .collect();
    let censored = entry
        .statistics
        .summaries
        .get(metric as usize)
        .map_or(0.0, |s| s.censored_share);
    Curve { points, censored }
}

/// The quantile at share `p` of a curve (its points are sorted by share).
fn at_share(c: &Curve, p: f64) -> Option<f64> {
    c.points.iter().find(|(_, s)| *s >= p).map(|(x, _)| *x)
}

/// The x range: every curve in full, or P0.5–P99.5 when a few extreme
/// paths lie more than twice as far out (as the histograms do).
fn money_range(curves: &[Curve]) -> (std::ops::Range<f64>, bool) {
    // A curve that stops short (censored paths) ends at its last point.
    let at = |c: &Curve, p: f64| at_share(c, p).or(c.points.last().map(|q| q.0));
    let ends = |p: f64| curves.iter().filter_map(move |c| at(c, p));
    let full = [
        ends(0.0).fold(f64::INFINITY, f64::min),
        ends(1.0).fold(f64::NEG_INFINITY, f64::max),
    ];
    let core = [
        ends(0.005).fold(f64::INFINITY, f64::min),
        ends(0.995).fold(f64::NEG_INFINITY, f64::max),
    ];
    if full[1] - full[0] > 2.0 * (core[1] - core[0]) && core[1] > core[0] {
        (value_range(core, false, 1e9), true)
    } else {
        (value_range(full, false, 1e9), false)
    }
}

fn date_axis(entries: &[CompareEntry]) -> Option<DateAxis> {
    let index = |e: &CompareEntry| i64::from(e.start.year) * 12 + i64::from(e.start.month);
    let first = entries.iter().min_by_key(|e| index(e))?;
    let end = entries
        .iter()
        .map(|e| index(e) + e.months.max(1) as i64)
        .max()?;
    Some(DateAxis::new(first.start, (end - index(first)) as usize))
}

/// Draws the CDFs of `metric`.
///
/// # Errors
/// When there is no scenario, or drawing or encoding fails.
pub fn draw(
    entries: &[CompareEntry],
    metric: Metric,
    caption: &str,
) -> Result<Vec<u8>, ChartError> {
    let dates = date_axis(entries)
        .ok_or_else(|| ChartError("a comparison needs at least one scenario".into()))?;
    let curves: Vec<Curve> = entries.iter().map(|e| curve(e, metric)).collect();
    let (range, clipped) = if metric.is_month() {
        (dates.range.clone(), false)
    } else {
        money_range(&curves)
    };
    let w = words(metric);
    let colour = scenario_colour;
    let xs: Vec<Vec<f64>> = curves
        .iter()
        .map(|c| c.points.iter().map(|p| p.0).collect())
        .collect();
    let overlaps = coincident(&xs);
    let mut legend: Vec<LegendEntry> = Vec::new();
    for (i, (e, c)) in entries.iter().zip(&curves).enumerate() {
        let mut label = legend_label(e, c, metric);
        if let Some(j) = overlaps[i].1.filter(|_| !c.points.is_empty()) {
            label.push_str(&format!(" (same curve as {})", entries[j].name));
        }
        legend.push(LegendEntry::new(Swatch::Line(colour(i)), label));
    }
    let zero = metric == Metric::NpvUsd && range.start < 0.0 && range.end > 0.0;
    if zero {
        legend.push(LegendEntry::new(Swatch::Dashed(REFERENCE), "NPV = 0"));
    }
    let mut subtitle = format!("{}, per scenario (same seed and paths).", w.cdf);
    if curves.iter().any(|c| c.censored > 0.0) {
        subtitle.push_str(&format!(
            " A curve that stops below 100% leaves out the paths that {}.",
            w.never
        ));
    }
    if clipped {
        subtitle.push_str(" The axis spans P0.5–P99.5 of all scenarios; the tails run beyond it.");
    }
    let frame = Frame {
        title: compare_title(entries, &format!("distribution of the {}", w.what))?,
        subtitle,
        legend,
        caption: caption.to_string(),
    };
    render_png(&frame, |area| {
        let date_label = |x: &f64| dates.label(x);
        let axes = AxisText {
            x_desc: if metric.is_month() {
                dates.desc()
            } else {
                w.axis
            },
            y_desc: "Share of paths",
            x_label: if metric.is_month() {
                &date_label
            } else {
                &money_label
            },
            y_label: &share_label,
        };
        let x = if metric.is_month() {
            dates.coord()
        } else {
            value_coord(range.clone(), 10)
        };
        let chart = build(area, x, value_coord(0.0..1.04, 6), &axes)?;
        let plot = chart.plotting_area();
        if zero {
            vline(plot, 0.0, REFERENCE)?;
        }
        let style = |i: usize| colour(i).stroke_width(halo_width(overlaps[i].0));
        for (i, c) in curves.iter().enumerate() {
            let inside: Vec<(f64, f64)> = c
                .points
                .iter()
                .copied()
                .filter(|(x, _)| range.contains(x))
                .collect();
            let (xs, ps): (Vec<f64>, Vec<f64>) = inside.into_iter().unzip();
            draw_line(plot, &xs, &ps, style(i))?;
        }
        mark_censored(plot, &curves, colour)?;
        if curves.iter().all(|c| c.points.is_empty()) {
            note(plot, &format!("{} in any scenario.", w.none))?;
        }
        Ok(())
    })
}

/// `base: P50 $1.2T`, `bear: P50 never · never by 2035-10: 62%`.
fn legend_label(e: &CompareEntry, c: &Curve, metric: Metric) -> String {
    let p50 = at_share(c, 0.5).filter(|_| c.censored < 0.5);
    let value = match p50 {
        None if metric.is_month() => "never".to_string(),
        None => "n/a".to_string(),
        Some(x) if metric.is_month() => month_of(x).to_string(),
        Some(x) => money(x),
    };
    let last = e.start.plus(e.months.saturating_sub(1));
    match c.censored {
        share if c.points.is_empty() && share > 0.0 => {
            format!("{}: never by {last} ({})", e.name, percent(share))
        }
        share if share > 0.0 => format!(
            "{}: P50 {value} · never by {last}: {}",
            e.name,
            percent(share)
        ),
        _ => format!("{}: P50 {value}", e.name),
    }
}

/// A ring at the end of each censored curve and "never: 38%" beside it,
/// labels pushed apart so they do not overlap.
fn mark_censored(
    plot: &Plot<'_>,
    curves: &[Curve],
    colour: impl Fn(usize) -> RGBColor,
) -> Result<(), ChartError> {
    let mut ends: Vec<(usize, (f64, f64), i32)> = curves
        .iter()
        .enumerate()
        .filter(|(_, c)| c.censored > 0.0)
        .filter_map(|(i, c)| {
            c.points
                .last()
                .map(|&end| (i, end, plot.map_coordinate(&end).1))
        })
        .collect();
    ends.sort_by_key(|e| e.2);
    let gap = (TICK_PX * 1.3) as i32;
    let right_edge = plot.get_pixel_range().0.end;
    let mut last_y = i32::MIN;
    for (i, end, y) in ends {
        let shown = y.max(last_y.saturating_add(gap));
        last_y = shown;
        let ring = ShapeStyle {
            color: colour(i).to_rgba(),
            filled: false,
            stroke_width: 3,
        };
        plot.draw(&Circle::new(end, 7, ring))?;
        let text = format!("never: {}", percent(curves[i].censored));
        let font = Font::new(TICK_PX, colour(i)).bold();
        // Right of the ring when there is room, else left of it (above
        // the curve, which rises towards its end).
        let x = plot.map_coordinate(&end).0;
        let (offset, anchor) = if right_edge - x > 150 {
            ((14, shown - y), (HPos::Left, VPos::Center))
        } else {
            ((-14, shown - y), (HPos::Right, VPos::Center))
        };
        label_near(plot, end, offset, &text, font, anchor)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(xs: impl Iterator<Item = f64>, n: usize) -> Curve {
        let points = xs
            .enumerate()
            .map(|(k, x)| (x, k as f64 / n as f64))
            .collect();
        Curve {
            points,
            censored: 0.0,
        }
    }

    #[test]
    fn money_axes_leave_out_far_tails_and_keep_short_curves() {
        let mut tail = line((0..=1000).map(f64::from), 1000);
        tail.points.last_mut().unwrap().0 = 1e6;
        let (range, clipped) = money_range(&[tail]);
        assert!(clipped && range.end < 2000.0, "{range:?}");
        let even = line((0..=1000).map(f64::from), 1000);
        let short = line((0..=600).map(|k| f64::from(k) * 2.0), 1000);
        let (range, clipped) = money_range(&[even, short]);
        assert!(
            !clipped && range.start < 0.0 && range.end > 1200.0,
            "{range:?}"
        );
    }
}
