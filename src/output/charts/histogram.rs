//! `hist_<metric>.png`: how one metric is spread across paths, as shares
//! of all paths, with P5, P50 and P95 marked. Month metrics use a calendar
//! axis over the horizon; the paths where the event never happens within
//! the horizon have no bar, and their share is stated in the subtitle and
//! the legend (e.g. "38% of paths never break even within the horizon").

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axes::{money_label, share_label, value_coord, value_range, DateAxis};
use super::bins::{money_bars, month_bars, Bars, Sample};
use super::frame::{render_png, Area, Frame, LegendEntry, Swatch};
use super::plot::{build, label_near, note, vline, AxisText, Plot};
use super::text::Font;
use super::titles::run_title;
use super::{caption, ChartError, ChartKind, GRID, INK, REFERENCE, REVENUE, TICK_PX};
use crate::model::Metric;
use crate::output::format::{percent, thousands};
use crate::output::terminal::metric_value;
use crate::output::RunReport;

/// Opacity of the bars.
const BAR_ALPHA: f64 = 0.8;

/// How a histogram speaks of its metric.
struct Words {
    /// What the metric is, after "Distribution of the".
    what: &'static str,
    /// The x axis description (month metrics use the date axis's).
    x_desc: &'static str,
    /// What censored paths do, after "N% of paths".
    never: &'static str,
    /// When no path is censored ("" to say nothing).
    all: &'static str,
    /// When every path is censored.
    none: &'static str,
}

fn words(metric: Metric) -> Words {
    let money = |what, x_desc| Words {
        what,
        x_desc,
        never: "have no value",
        all: "",
        none: "No path has a value.",
    };
    match metric {
        Metric::PeakFundingNeedUsd => money("peak funding need", "Peak funding need (US dollars)"),
        Metric::NpvUsd => money("NPV", "Net present value of net cash flows (US dollars)"),
        Metric::TargetMonth => Words {
            what: "month the target is reached",
            x_desc: "",
            never: "never reach the target within the horizon",
            all: "Every path reaches the target within the horizon.",
            none: "No path reaches the target within the horizon.",
        },
        Metric::BreakevenMonth => Words {
            what: "month cash breaks even",
            x_desc: "",
            never: "never break even within the horizon",
            all: "Every path breaks even within the horizon.",
            none: "No path breaks even within the horizon.",
        },
        _ => money(metric.name(), metric.name()),
    }
}

/// What the histogram of `metric` shows, after the scenario title.
pub fn subject(metric: Metric) -> &'static str {
    words(metric).what
}

/// Everything one histogram shows.
struct Histogram<'r> {
    report: &'r RunReport<'r>,
    metric: Metric,
    words: Words,
    /// The uncensored values: ascending if the analysis kept them, else in
    /// path order.
    values: Values<'r>,
    bars: Bars,
    x_range: std::ops::Range<f64>,
    axis: DateAxis,
    /// P5, P50, P95 where defined, equal ones merged.
    marks: Vec<(f64, String)>,
}

/// A histogram's values, borrowed from the analysis or collected.
enum Values<'r> {
    Sorted(&'r [f64]),
    Any(Vec<f64>),
}

impl Values<'_> {
    fn sample(&self) -> Sample<'_> {
        match self {
            Values::Sorted(v) => Sample::Sorted(v),
            Values::Any(v) => Sample::Any(v),
        }
    }
}

/// Draws the histogram of `metric`.
///
/// # Errors
/// When drawing or encoding fails.
pub fn draw(report: &RunReport<'_>, metric: Metric) -> Result<Vec<u8>, ChartError> {
    let h = Histogram::new(report, metric);
    render_png(&h.frame()?, |area| h.plot(area))
}

impl<'r> Histogram<'r> {
    fn new(report: &'r RunReport<'r>, metric: Metric) -> Self {
        let (s, sim) = (report.scenario, &report.results.simulation);
        let values = match report.results.statistics.sorted(metric) {
            Some(sorted) => Values::Sorted(sorted),
            None => {
                let column = sim.inputs.len() + metric as usize;
                let mut values = Vec::with_capacity(sim.paths as usize);
                values.extend(
                    sim.rows
                        .iter()
                        .skip(column)
                        .step_by(sim.width())
                        .filter(|v| !v.is_nan()),
                );
                Values::Any(values)
            }
        };
        let axis = DateAxis::new(s.start, s.months);
        let (bars, x_range) = if metric.is_month() {
            (
                month_bars(values.sample(), s.months, sim.paths, &axis),
                axis.range.clone(),
            )
        } else {
            money_bars(values.sample(), sim.paths)
        };
        let summary = &report.results.statistics.summaries[metric as usize];
        Histogram {
            report,
            metric,
            words: words(metric),
            values,
            bars,
            x_range,
            axis,
            marks: percentile_marks(&summary.percentiles),
        }
    }

    fn censored(&self) -> f64 {
        self.report.results.statistics.summaries[self.metric as usize].censored_share
    }

    fn frame(&self) -> Result<Frame, ChartError> {
        let s = self.report.scenario;
        let bar_swatch = Swatch::Fill(REVENUE.mix(BAR_ALPHA));
        let mut legend = vec![LegendEntry::new(bar_swatch, "Share of all paths")];
        if self.censored() > 0.0 {
            let stated = format!("{}: no bar", self.censored_text());
            legend.push(LegendEntry::new(Swatch::Fill(GRID.to_rgba()), stated));
        }
        if !self.marks.is_empty() {
            let value = |v: f64| metric_value(s, self.metric, v);
            let text: Vec<String> = self
                .marks
                .iter()
                .map(|(v, name)| format!("{name} {}", value(*v)))
                .collect();
            legend.push(LegendEntry::new(
                Swatch::Dashed(REFERENCE),
                text.join(" · "),
            ));
        }
        Ok(Frame {
            title: run_title(s, ChartKind::Histogram(self.metric))?,
            subtitle: self.subtitle(),
            legend,
            caption: caption(self.report, &format!("hist_{}.png", self.metric.name()))?,
        })
    }

    /// "38% of paths never break even within the horizon".
    fn censored_text(&self) -> String {
        format!("{} of paths {}", percent(self.censored()), self.words.never)
    }

    fn subtitle(&self) -> String {
        let paths = self.report.results.simulation.paths;
        let mut subtitle = format!(
            "Distribution of the {} across {} paths.",
            self.words.what,
            thousands(paths)
        );
        if self.censored() > 0.0 {
            subtitle.push_str(&format!(" {} (no bar).", self.censored_text()));
        } else if !self.words.all.is_empty() {
            subtitle.push_str(&format!(" {}", self.words.all));
        }
        if self.bars.outside > 0.0 {
            let beyond = percent(self.bars.outside);
            subtitle.push_str(&format!(
                " The axis spans P0.5–P99.5; {beyond} of paths lie beyond it."
            ));
        }
        if self.metric == Metric::NpvUsd {
            let positive = self.values.sample().count_above(0.0) as f64 / paths.max(1) as f64;
            subtitle.push_str(&format!(
                " NPV is positive on {} of paths.",
                percent(positive)
            ));
        }
        subtitle
    }

    fn plot(&self, area: &Area<'_>) -> Result<(), ChartError> {
        let month = self.metric.is_month();
        let date_label = |x: &f64| self.axis.label(x);
        let axes = AxisText {
            x_desc: if month {
                self.axis.desc()
            } else {
                self.words.x_desc
            },
            y_desc: "Share of all paths",
            x_label: if month { &date_label } else { &money_label },
            y_label: &share_label,
        };
        let x = if month {
            self.axis.coord()
        } else {
            value_coord(self.x_range.clone(), 10)
        };
        let y = value_coord(value_range([self.bars.top() * 1.06], true, 0.01), 8);
        let chart = build(area, x, y, &axes)?;
        let plot = chart.plotting_area();
        let style = REVENUE.mix(BAR_ALPHA).filled();
        for &(a, b, share) in &self.bars.bars {
            plot.draw(&Rectangle::new([(a, 0.0), (b, share)], style))?;
        }
        if self.bars.bars.is_empty() {
            return note(plot, self.words.none);
        }
        let at = |v: f64| if month { self.axis.x(v) } else { v };
        mark_percentiles(plot, &self.marks, at)
    }
}

/// P5, P50 and P95 where defined, equal ones merged (`P5 = P50`).
fn percentile_marks(percentiles: &[f64; 7]) -> Vec<(f64, String)> {
    let mut marks: Vec<(f64, String)> = Vec::new();
    for (i, name) in [(0, "P5"), (3, "P50"), (6, "P95")] {
        let v = percentiles[i];
        match marks.last_mut() {
            _ if !v.is_finite() => {}
            Some((last, names)) if (*last - v).abs() <= 1e-9 * v.abs().max(1.0) => {
                names.push_str(" = ");
                names.push_str(name);
            }
            _ => marks.push((v, name.to_string())),
        }
    }
    marks
}

/// Dashed lines at the percentiles, named at the top of the plot; names
/// that would overlap go one row lower.
fn mark_percentiles(
    plot: &Plot<'_>,
    marks: &[(f64, String)],
    at: impl Fn(f64) -> f64,
) -> Result<(), ChartError> {
    let y_top = plot.as_coord_spec().get_y_range().end;
    let font = Font::new(TICK_PX, INK);
    let row_px = (TICK_PX * 1.3) as i32;
    let mut row_ends: Vec<i32> = Vec::new();
    for (v, name) in marks {
        let x = at(*v);
        vline(plot, x, REFERENCE)?;
        let px = plot.map_coordinate(&(x, y_top)).0;
        let row = row_ends
            .iter()
            .position(|&end| px > end)
            .unwrap_or(row_ends.len());
        let end = px + 12 + (TICK_PX * 0.7 * name.len() as f64) as i32;
        match row_ends.get_mut(row) {
            Some(slot) => *slot = end,
            None => row_ends.push(end),
        }
        let offset = (6, 6 + row as i32 * row_px);
        label_near(
            plot,
            (x, y_top),
            offset,
            name,
            font,
            (HPos::Left, VPos::Top),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::percentile_marks;

    #[test]
    fn equal_percentiles_share_one_mark() {
        let nan = f64::NAN;
        let marks = percentile_marks(&[1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 2.0]);
        assert_eq!(
            marks,
            vec![(1.0, "P5 = P50".to_string()), (2.0, "P95".to_string())]
        );
        let censored = percentile_marks(&[3.0, 0.0, 0.0, nan, 0.0, 0.0, nan]);
        assert_eq!(censored, vec![(3.0, "P5".to_string())]);
    }
}
