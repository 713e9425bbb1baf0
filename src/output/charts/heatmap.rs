//! `sweep_<metric>.png` for a sweep over two keys: a heatmap of the
//! metric's P50, the first key across and the second up, with a colour bar
//! beside it and the values printed in the cells when they fit. NPV that
//! changes sign uses a diverging scale (vermilion below zero, blue above);
//! everything else uses viridis. Cells whose P50 month is never reached
//! within the horizon are grey and say "never".

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axes::{money_label, nice_ticks, TickedCoord};
use super::caption::sweep_caption;
use super::colour_bar::{draw_bar, ink_on, ColourScale};
use super::frame::{render_png, Area, Frame, LegendEntry, Swatch};
use super::labels::{category_ticks, measure, value_labels};
use super::months::{calendar, month_of, MonthScale};
use super::plot::{build, label_at, label_near, AxisText, Plot};
use super::study::{point_start, words};
use super::text::Font;
use super::titles::sweep_title;
use super::{ChartError, HEIGHT, INK, PAD, TICK_PX, WIDTH};
use crate::model::Metric;
use crate::output::format::{money, percent, thousands};
use crate::scenario::Scenario;
use crate::study::sweep::SweepResult;

/// Width kept right of the heatmap for the colour bar and its labels.
const BAR_AREA_PX: u32 = 150;
/// Colour of cells with no value ("never").
pub const NEVER: RGBColor = RGBColor(205, 207, 212);
/// Everything one heatmap shows.
struct Heatmap<'a> {
    result: &'a SweepResult,
    metric: Metric,
    /// P50 per cell, `[x * rows + y]` (calendar positions for months).
    cells: Vec<f64>,
    /// Censored share per cell, in the same order.
    censored: Vec<f64>,
    scale: ColourScale,
    /// Tick positions and labels of the colour bar.
    bar_ticks: Vec<(f64, String)>,
}

/// Draws the heatmap of `metric` over the sweep's two keys.
///
/// # Errors
/// When the sweep does not have two keys, or drawing or encoding fails.
pub fn draw(
    result: &SweepResult,
    base: &Scenario,
    metric: Metric,
    file: &str,
) -> Result<Vec<u8>, ChartError> {
    let h = Heatmap::new(result, base, metric)?;
    let frame = Frame {
        title: sweep_title(&base.title, metric, &result.keys)?,
        subtitle: h.subtitle(base),
        legend: if h.cells.iter().any(|v| v.is_nan()) {
            let never = match metric.is_month() {
                true => format!("never: half the paths or more {}", words(metric).never),
                false => "n/a: no value".to_string(),
            };
            vec![LegendEntry::new(Swatch::Fill(NEVER.to_rgba()), never)]
        } else {
            Vec::new()
        },
        caption: sweep_caption(base, file)?,
    };
    render_png(&frame, |area| h.plot(area))
}

impl<'a> Heatmap<'a> {
    fn new(result: &'a SweepResult, base: &Scenario, metric: Metric) -> Result<Self, ChartError> {
        let [kx, ky] = result.keys.as_slice() else {
            return Err(ChartError("a heatmap needs exactly two swept keys".into()));
        };
        let rows = ky.values.len();
        let mut cells = vec![f64::NAN; kx.values.len() * rows];
        let mut censored = vec![0.0; cells.len()];
        for point in &result.points {
            let (Some(s), &[i, j]) = (point.summaries.get(metric as usize), &point.coords[..])
            else {
                continue;
            };
            let p50 = s.percentiles[3];
            if let Some(cell) = cells.get_mut(i * rows + j).filter(|_| j < rows) {
                let start = point_start(base, &result.keys, &point.coords);
                *cell = if metric.is_month() {
                    calendar(start, p50)
                } else {
                    p50
                };
                censored[i * rows + j] = s.censored_share;
            }
        }
        let finite = cells.iter().copied().filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        let scale = ColourScale {
            lo,
            hi,
            diverging: metric == Metric::NpvUsd && lo < 0.0 && hi > 0.0,
        };
        let mut h = Heatmap {
            result,
            metric,
            cells,
            censored,
            scale,
            bar_ticks: Vec::new(),
        };
        h.bar_ticks = h.ticks(base);
        Ok(h)
    }

    fn ticks(&self, base: &Scenario) -> Vec<(f64, String)> {
        let (lo, hi) = (self.scale.lo, self.scale.hi);
        if lo > hi {
            return Vec::new();
        }
        if hi - lo <= hi.abs() * 1e-12 {
            return vec![(lo, self.value_text(lo))];
        }
        let ticks = if self.metric.is_month() {
            MonthScale::new(&[lo, hi], (base.start, base.months))
                .axis
                .ticks
        } else {
            nice_ticks(&(lo..hi), 8)
        };
        let inside = ticks.into_iter().filter(|t| (lo..=hi).contains(t));
        let label = |t: f64| {
            if self.metric.is_month() {
                self.value_text(t)
            } else {
                money_label(&t)
            }
        };
        inside.map(|t| (t, label(t))).collect()
    }

    fn value_text(&self, v: f64) -> String {
        match (v.is_nan(), self.metric.is_month()) {
            (true, true) => "never".into(),
            (true, false) => "n/a".into(),
            (false, true) => month_of(v).to_string(),
            (false, false) => money(v),
        }
    }

    fn subtitle(&self, base: &Scenario) -> String {
        let [kx, ky] = self.result.keys.as_slice() else {
            return String::new();
        };
        let mut s = format!(
            "P50 {} at each of the {} × {} combinations of {} (across) and {} (up), every other \
             input as in the scenario; {} paths per cell, the same random numbers in every cell.",
            words(self.metric).what,
            kx.values.len(),
            ky.values.len(),
            kx.key,
            ky.key,
            thousands(base.paths),
        );
        let partly = self.cells.iter().zip(&self.censored);
        if self.metric.is_month() && partly.into_iter().any(|(v, &c)| v.is_finite() && c > 0.0) {
            s.push_str(&format!(
                " Under a date, when there is room: the share of paths that {}.",
                words(self.metric).never
            ));
        }
        if self.scale.diverging {
            s.push_str(" Vermilion: NPV below zero; blue: above.");
        }
        s
    }

    fn plot(&self, area: &Area<'_>) -> Result<(), ChartError> {
        let [kx, ky] = self.result.keys.as_slice() else {
            return Ok(());
        };
        let (cols, rows) = (kx.values.len(), ky.values.len());
        let (map_area, bar_area) = area.split_horizontally(area.dim_in_pixel().0 - BAR_AREA_PX);
        let font = Font::new(TICK_PX, INK);
        let span_x = f64::from(WIDTH - BAR_AREA_PX) - f64::from(2 * PAD) - 280.0;
        let span_y = f64::from(HEIGHT) * 0.6;
        let widest = (span_x / cols.max(1) as f64 + 100.0).min(220.0);
        let (x_cut, x_ticks) = category_ticks(&value_labels(kx), font, widest, None, span_x)?;
        let (y_cut, y_ticks) =
            category_ticks(&value_labels(ky), font, 240.0, Some(TICK_PX * 1.5), span_y)?;
        let centres = |ticks: Vec<f64>| ticks.into_iter().map(|t| t + 0.5).collect();
        let pick =
            |cut: &[String], v: f64| cut.get(v.floor() as usize).cloned().unwrap_or_default();
        let axes = AxisText {
            x_desc: &kx.key,
            y_desc: &ky.key,
            x_label: &|v| pick(&x_cut, *v),
            y_label: &|v| pick(&y_cut, *v),
        };
        let x = TickedCoord::new(0.0..cols.max(1) as f64, centres(x_ticks));
        let y = TickedCoord::new(0.0..rows.max(1) as f64, centres(y_ticks));
        let chart = build(&map_area, x, y, &axes)?;
        let plot = chart.plotting_area();
        self.draw_cells(plot, cols, rows)?;
        draw_bar(&bar_area, plot, &self.scale, &self.bar_ticks)
    }

    fn draw_cells(&self, plot: &Plot<'_>, cols: usize, rows: usize) -> Result<(), ChartError> {
        let (xs, ys) = plot.get_pixel_range();
        let cell_w = f64::from(xs.end - xs.start) / cols.max(1) as f64;
        let cell_h = f64::from(ys.end - ys.start) / rows.max(1) as f64;
        let mut widest: f64 = 0.0;
        for v in &self.cells {
            widest = widest.max(measure(&self.value_text(*v), Font::new(TICK_PX, INK))?);
        }
        // Values in the cells at the tick size, or smaller, or not at all.
        let size = [TICK_PX, TICK_PX * 0.78]
            .into_iter()
            .find(|px| widest * px / TICK_PX + 10.0 <= cell_w && px * 1.4 <= cell_h);
        // A second, smaller line for the censored share when it fits.
        let second = size.filter(|px| px * 3.0 <= cell_h).map(|px| px * 0.8);
        for (index, &v) in self.cells.iter().enumerate() {
            let (i, j) = ((index / rows.max(1)) as f64, (index % rows.max(1)) as f64);
            let fill = if v.is_nan() {
                NEVER
            } else {
                self.scale.colour(v)
            };
            plot.draw(&Rectangle::new([(i, j), (i + 1.0, j + 1.0)], fill.filled()))?;
            if cell_w >= 40.0 && cell_h >= 40.0 {
                let edge = [(i, j), (i + 1.0, j + 1.0)];
                plot.draw(&Rectangle::new(edge, WHITE.stroke_width(1)))?;
            }
            let Some(px) = size else { continue };
            let centre = (HPos::Center, VPos::Center);
            let share = self.censored.get(index).copied().unwrap_or(0.0);
            match second {
                Some(small) if v.is_finite() && share > 0.0 && self.metric.is_month() => {
                    let at = (i + 0.5, j + 0.5);
                    let lift = (0, -(px * 0.7) as i32);
                    let text = self.value_text(v);
                    label_near(plot, at, lift, &text, Font::new(px, ink_on(fill)), centre)?;
                    let text = format!("{} never", percent(share));
                    let drop = (0, (small * 0.9) as i32);
                    label_near(
                        plot,
                        at,
                        drop,
                        &text,
                        Font::new(small, ink_on(fill)),
                        centre,
                    )?;
                }
                _ => {
                    let font = Font::new(px, ink_on(fill));
                    label_at(plot, (i + 0.5, j + 0.5), &self.value_text(v), font, centre)?;
                }
            }
        }
        Ok(())
    }
}
