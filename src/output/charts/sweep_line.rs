//! `sweep_<metric>.png` for a sweep over one key: the metric's P50 as a
//! line with P25–P75 and P5–P95 bands over the key's values, a dot at each
//! value. The x axis is numeric when every value is a number, else the
//! values are evenly spaced categories. Month metrics are drawn as dates,
//! with a "never" row above them for percentiles that fall on paths that
//! never get there within the horizon.

use plotters::prelude::*;

use super::axes::{money_label, value_coord, value_range, TickedCoord};
use super::caption::sweep_caption;
use super::frame::{render_png, Area, Frame, LegendEntry, Swatch};
use super::labels::{category_ticks, is_numeric, value_label, value_labels};
use super::months::{calendar, MonthScale};
use super::plot::{band_legend, build, draw_band, draw_line, hline, note, AxisText, Band, Plot};
use super::study::{point_start, words, Words};
use super::text::Font;
use super::titles::sweep_title;
use super::{ChartError, CAPACITY, CASH, GRID, INK, LINE_PX, PAD, REFERENCE, TICK_PX, WIDTH};
use crate::model::Metric;
use crate::output::format::{percent, thousands};
use crate::scenario::Scenario;
use crate::study::grid::{GridKey, GridValue};
use crate::study::sweep::SweepResult;

/// Widest category label, pixels.
const MAX_CATEGORY_PX: f64 = 260.0;

/// One swept value: its x and P5, P25, P50, P75, P95 (calendar positions
/// for month metrics; NaN where censored) and its censored share.
struct Point {
    x: f64,
    p: [f64; 5],
    censored: f64,
}

/// How the y axis shows the metric.
enum Scale {
    Money(std::ops::Range<f64>),
    Month(MonthScale),
}

impl Scale {
    fn place(&self, v: f64) -> f64 {
        match self {
            Scale::Money(_) => v,
            Scale::Month(m) => m.place(v),
        }
    }
}

/// Draws the chart of `metric` over the sweep's only key.
///
/// # Errors
/// When the sweep has no key, or drawing or encoding fails.
pub fn draw(
    result: &SweepResult,
    base: &Scenario,
    metric: Metric,
    file: &str,
) -> Result<Vec<u8>, ChartError> {
    let key = result
        .keys
        .first()
        .ok_or_else(|| ChartError("a sweep chart needs a swept key".into()))?;
    let numeric = is_numeric(key);
    let points = points(result, base, key, metric, numeric);
    let all: Vec<f64> = points.iter().flat_map(|p| p.p).collect();
    let scale = if metric.is_month() {
        Scale::Month(MonthScale::new(&all, (base.start, base.months)))
    } else {
        Scale::Money(value_range(all, metric == Metric::NpvUsd, 1e9))
    };
    let colour = if metric.is_month() { CAPACITY } else { CASH };
    let frame = Frame {
        title: sweep_title(&base.title, metric, &result.keys)?,
        subtitle: subtitle(base, key, metric, &points),
        legend: legend(&scale, metric, colour, &placed(&points, &scale)),
        caption: sweep_caption(base, file)?,
    };
    render_png(&frame, |area| {
        plot(area, words(metric), key, numeric, &points, &scale, colour)
    })
}

/// The points in x order.
fn points(
    result: &SweepResult,
    base: &Scenario,
    key: &GridKey,
    metric: Metric,
    numeric: bool,
) -> Vec<Point> {
    let mut points: Vec<Point> = result
        .points
        .iter()
        .filter_map(|point| {
            let i = *point.coords.first()?;
            let summary = point.summaries.get(metric as usize)?;
            let start = point_start(base, &result.keys, &point.coords);
            let y = |v: f64| {
                if metric.is_month() {
                    calendar(start, v)
                } else {
                    v
                }
            };
            let x = if numeric {
                key.values.get(i)?.number?
            } else {
                i as f64
            };
            Some(Point {
                x,
                p: [0, 2, 3, 4, 6].map(|k| y(summary.percentiles[k])),
                censored: summary.censored_share,
            })
        })
        .collect();
    points.sort_by(|a, b| a.x.total_cmp(&b.x));
    points
}

fn subtitle(base: &Scenario, key: &GridKey, metric: Metric, points: &[Point]) -> String {
    let w = words(metric);
    let mut s = format!(
        "P50 {} with P25–P75 and P5–P95 bands at {} of {}, every other input as in the \
         scenario; {} paths per value, the same random numbers at every value.",
        w.what,
        match key.values.len() {
            1 => "one value".to_string(),
            n => format!("{n} values"),
        },
        key.key,
        thousands(base.paths)
    );
    let shares = points.iter().map(|p| p.censored);
    let (lo, hi) = shares.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    if points
        .iter()
        .all(|p| p.p[0] == p.p[4] || p.p.iter().all(|v| v.is_nan()))
    {
        s.push_str(" Every path is the same at each value: the bands have no width.");
    }
    if metric.is_month() && hi > 0.0 {
        let range = if hi - lo < 5e-4 {
            percent(hi)
        } else {
            format!("{} to {}", percent(lo), percent(hi))
        };
        s.push_str(&format!(" Paths that {}: {range}.", w.never));
    }
    s
}

fn legend(scale: &Scale, metric: Metric, colour: RGBColor, band: &Band) -> Vec<LegendEntry> {
    let mut legend = vec![LegendEntry::new(Swatch::Line(colour), "P50")];
    legend.extend(band_legend(colour, band));
    match scale {
        Scale::Month(m) if m.never.is_some() => legend.push(LegendEntry::new(
            Swatch::Fill(GRID.to_rgba()),
            "never: not within the horizon",
        )),
        Scale::Money(r) if metric == Metric::NpvUsd && r.start < 0.0 => {
            legend.push(LegendEntry::new(Swatch::Dashed(REFERENCE), "NPV = 0"));
        }
        _ => {}
    }
    legend
}

/// Formats the ticks of an axis.
type TickLabel<'a> = Box<dyn Fn(&f64) -> String + 'a>;

/// The x coordinate and its tick labels.
fn x_axis<'k>(
    key: &'k GridKey,
    numeric: bool,
    points: &[Point],
) -> Result<(TickedCoord, TickLabel<'k>), ChartError> {
    if numeric {
        let range = value_range(points.iter().map(|p| p.x), false, 0.1);
        let label = move |x: &f64| {
            let v = GridValue {
                text: String::new(),
                number: Some(*x),
            };
            value_label(&key.key, &v)
        };
        return Ok((value_coord(range, 10), Box::new(label)));
    }
    let font = Font::new(TICK_PX, INK);
    let span = f64::from(WIDTH as i32 - 2 * PAD) - 200.0;
    let n = key.values.len().max(1) as f64;
    // The last label is centred half a slot from the right edge.
    let widest = MAX_CATEGORY_PX.min(span / n + 100.0);
    let (cut, ticks) = category_ticks(&value_labels(key), font, widest, None, span)?;
    let label = move |x: &f64| cut.get(x.round() as usize).cloned().unwrap_or_default();
    Ok((TickedCoord::new(-0.5..n - 0.5, ticks), Box::new(label)))
}

fn plot(
    area: &Area<'_>,
    words: Words,
    key: &GridKey,
    numeric: bool,
    points: &[Point],
    scale: &Scale,
    colour: RGBColor,
) -> Result<(), ChartError> {
    let (x, x_label) = x_axis(key, numeric, points)?;
    let (y, y_label): (TickedCoord, TickLabel<'_>) = match scale {
        Scale::Money(r) => (value_coord(r.clone(), 8), Box::new(money_label)),
        Scale::Month(m) => (m.coord(), Box::new(|v: &f64| m.label(v))),
    };
    let axes = AxisText {
        x_desc: &key.key,
        y_desc: words.axis,
        x_label: &*x_label,
        y_label: &*y_label,
    };
    let chart = build(area, x, y, &axes)?;
    let plot = chart.plotting_area();
    match scale {
        Scale::Month(m) => shade_never(plot, m)?,
        Scale::Money(r) if r.start < 0.0 && r.end > 0.0 => hline(plot, 0.0, REFERENCE)?,
        Scale::Money(_) => {}
    }
    draw_points(plot, points, scale, colour)?;
    if points.iter().all(|p| p.p.iter().all(|v| v.is_nan())) {
        note(plot, &format!("{} at any value of the sweep.", words.none))?;
    }
    Ok(())
}

/// A light strip for the "never" row.
fn shade_never(plot: &Plot<'_>, m: &MonthScale) -> Result<(), ChartError> {
    if m.never.is_some() {
        let (x, y) = (
            plot.as_coord_spec().get_x_range(),
            plot.as_coord_spec().get_y_range(),
        );
        let corners = [(x.start, m.axis.range.end), (x.end, y.end)];
        plot.draw(&Rectangle::new(corners, GRID.filled()))?;
    }
    Ok(())
}

/// The points' percentiles where the chart draws them ("never" on its row).
fn placed(points: &[Point], scale: &Scale) -> Band {
    let at = |k: usize| -> Vec<f64> { points.iter().map(|p| scale.place(p.p[k])).collect() };
    Band {
        x: points.iter().map(|p| p.x).collect(),
        p: [at(0), at(1), at(2), at(3), at(4)],
    }
}

/// Bands, the P50 line (broken where P50 is never), and a dot per value;
/// a single value gets whiskers, since its bands have no width.
fn draw_points(
    plot: &Plot<'_>,
    points: &[Point],
    scale: &Scale,
    colour: RGBColor,
) -> Result<(), ChartError> {
    // The P50 slot is left empty: the line is drawn below, broken at gaps.
    let mut band = placed(points, scale);
    band.p[2].fill(f64::NAN);
    draw_band(plot, &band, colour)?;
    if let [only] = points {
        let whisker = |lo: usize, hi: usize, px: u32| {
            let ends = vec![
                (only.x, scale.place(only.p[lo])),
                (only.x, scale.place(only.p[hi])),
            ];
            plot.draw(&PathElement::new(ends, colour.mix(0.6).stroke_width(px)))
        };
        whisker(0, 4, 3)?;
        whisker(1, 3, 12)?;
    }
    let style = colour.stroke_width(LINE_PX);
    for run in points.split(|p| p.p[2].is_nan()) {
        let (x, y): (Vec<f64>, Vec<f64>) = run.iter().map(|p| (p.x, p.p[2])).unzip();
        draw_line(plot, &x, &y, style)?;
    }
    for p in points {
        let y = scale.place(p.p[2]);
        if y.is_finite() {
            let filled = p.p[2].is_finite();
            let dot = Circle::new(
                (p.x, y),
                6,
                ShapeStyle {
                    color: colour.to_rgba(),
                    filled,
                    stroke_width: 2,
                },
            );
            plot.draw(&dot)?;
        }
    }
    Ok(())
}
