//! `tornado.png`: the uncertain inputs ranked by the strength of their
//! Spearman rank correlation with peak funding need, as signed bars (an
//! input that raises the need when it is higher points right).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axes::{value_coord, TickedCoord};
use super::frame::{render_png, Area, Frame, LegendEntry, Swatch};
use super::plot::{build, label_near, note, AxisText};
use super::text::Font;
use super::titles::run_title;
use super::{caption, ChartError, ChartKind, INK, REFERENCE, REVENUE, SPEND, TICK_PX};
use crate::model::Metric;
use crate::output::format::{money, significant, thousands};
use crate::output::terminal::value_pair_in_unit;
use crate::output::RunReport;
use crate::scenario::{InputId, Scenario};

/// File name.
pub const FILE: &str = "tornado.png";
/// The metric the inputs are ranked against.
pub const METRIC: Metric = Metric::PeakFundingNeedUsd;

/// Rows the plot has room for at least.
const MIN_ROWS: usize = 6;

/// A ρ tick label: `-0.4`, `0`, `+0.25`.
fn rho_label(x: &f64) -> String {
    if x.abs() < 1e-9 {
        return "0".into();
    }
    let s = significant(*x, 2);
    if *x > 0.0 {
        format!("+{s}")
    } else {
        s
    }
}

/// One bar: an input, its label and its ρ.
struct Bar {
    label: String,
    rho: f64,
}

/// Inputs with a defined ρ, strongest first.
fn bars(report: &RunReport<'_>) -> Vec<Bar> {
    let mut found: Vec<(InputId, f64)> = report
        .results
        .statistics
        .sensitivity
        .iter()
        .filter(|e| e.metric == METRIC && e.spearman.is_finite())
        .map(|e| (e.input, e.spearman))
        .collect();
    found.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    found
        .into_iter()
        .map(|(id, rho)| Bar {
            label: input_label(report.scenario, id),
            rho,
        })
        .collect()
}

/// `cost.per_gw_usd  ($40B – $60B)`: the key and its P5 – P95, both ends
/// with the same number of significant digits.
fn input_label(scenario: &Scenario, id: InputId) -> String {
    let dist = &scenario.input(id).dist;
    let (lo, hi) = (dist.quantile(0.05), dist.quantile(0.95));
    let (lo, hi) = value_pair_in_unit(id.def().unit, lo, hi);
    format!("{}  ({lo} – {hi})", id.key())
}

/// Draws the chart.
///
/// # Errors
/// When drawing or encoding fails.
pub fn draw(report: &RunReport<'_>) -> Result<Vec<u8>, ChartError> {
    let s = report.scenario;
    let bars = bars(report);
    let need = &report.results.statistics.summaries[METRIC as usize];
    let paths = thousands(report.results.simulation.paths);
    let p50 = money(need.percentiles[3]);
    // With nothing to rank, no colours and no brackets to explain.
    let (subtitle, legend) = if bars.is_empty() {
        let subtitle = format!("Peak funding need across {paths} paths: P50 {p50}.");
        (subtitle, Vec::new())
    } else {
        let subtitle = format!(
            "Uncertain inputs ranked by |Spearman ρ| with peak funding need across {paths} paths \
             (P50 {p50}); brackets show each input's P5 – P95."
        );
        let legend = vec![
            LegendEntry::new(
                Swatch::Fill(SPEND.to_rgba()),
                "Higher input → higher funding need",
            ),
            LegendEntry::new(
                Swatch::Fill(REVENUE.to_rgba()),
                "Higher input → lower funding need",
            ),
        ];
        (subtitle, legend)
    };
    let frame = Frame {
        title: run_title(s, ChartKind::Tornado)?,
        subtitle,
        legend,
        caption: caption(report, FILE)?,
    };
    render_png(&frame, |area| plot_bars(area, &bars, s))
}

fn plot_bars(area: &Area<'_>, bars: &[Bar], s: &Scenario) -> Result<(), ChartError> {
    let n = bars.len();
    let reach = bars.iter().map(|b| b.rho.abs()).fold(0.0, f64::max);
    let half = if n == 0 {
        1.0
    } else {
        ((reach * 10.0).ceil() / 10.0 + 0.1).clamp(0.2, 1.1)
    };
    // At least MIN_ROWS rows, so a few inputs give bars of a sensible height.
    let rows = n.max(MIN_ROWS);
    let top = |i: usize| (rows - 1 - i) as f64;
    let centres: Vec<f64> = (0..n).map(|i| top(i) + 0.5).collect();
    let y_label = |y: &f64| {
        let i = rows.saturating_sub(y.floor() as usize + 1);
        bars.get(i).map_or(String::new(), |b| b.label.clone())
    };
    let axes = AxisText {
        x_desc: "Spearman rank correlation with peak funding need (ρ)",
        y_desc: "",
        x_label: &rho_label,
        y_label: &y_label,
    };
    let y = TickedCoord::new(0.0..rows as f64, centres);
    let chart = build(area, value_coord(-half..half, 12), y, &axes)?;
    let plot = chart.plotting_area();
    if n == 0 {
        let why = if s.uncertain_inputs().is_empty() {
            "Every input is fixed: all paths are identical, so no input can be ranked."
        } else {
            "Peak funding need is the same on every path: no input moves it."
        };
        return note(plot, why);
    }
    for (i, bar) in bars.iter().enumerate() {
        let y0 = top(i);
        let colour = if bar.rho >= 0.0 { SPEND } else { REVENUE };
        plot.draw(&Rectangle::new(
            [(0.0, y0 + 0.2), (bar.rho, y0 + 0.8)],
            colour.filled(),
        ))?;
        let (h, dx) = if bar.rho >= 0.0 {
            (HPos::Left, 8)
        } else {
            (HPos::Right, -8)
        };
        let value = if bar.rho.abs() < 0.005 {
            "0.00".to_string()
        } else {
            format!("{:+.2}", bar.rho)
        };
        label_near(
            plot,
            (bar.rho, y0 + 0.5),
            (dx, 0),
            &value,
            Font::new(TICK_PX, INK),
            (h, VPos::Center),
        )?;
    }
    plot.draw(&PathElement::new(
        vec![(0.0, 0.0), (0.0, rows as f64)],
        REFERENCE.stroke_width(2),
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(dist: &str) -> String {
        let text = format!("[build]\nrate_gw_per_week = {dist}\n");
        let s = Scenario::from_str("t", Some("t"), &text, &[]).unwrap();
        input_label(&s, InputId::RateGwPerWeek)
    }

    #[test]
    fn brackets_show_both_ends_to_the_same_digits() {
        // P5 0.15 and P95 1.05: three digits each, not "0.15 – 1.05".
        let uniform = "{ dist = \"uniform\", min = 0.1, max = 1.1 }";
        assert_eq!(
            rate(uniform),
            "build.rate_gw_per_week  (0.150 GW/wk – 1.05 GW/wk)"
        );
        // P5 0.13 and P95 0.67: two digits are enough for both.
        let uniform = "{ dist = \"uniform\", min = 0.1, max = 0.7 }";
        assert_eq!(
            rate(uniform),
            "build.rate_gw_per_week  (0.13 GW/wk – 0.67 GW/wk)"
        );
    }
}
