//! `fan_cumulative.png`, the headline chart: cumulative spend (capex +
//! opex) against cumulative revenue over the horizon, each as a P50 line
//! with P25–P75 and P5–P95 bands, and the plan's commitment as a line.
//!
//! The spend band is the engine's `spend_cum_usd` series, banded from
//! capex + opex per path (percentiles of a sum are not sums of
//! percentiles, so it cannot be built from the capex and opex bands).

use super::axes::{money_label, value_range, DateAxis};
use super::frame::{render_png, Frame, LegendEntry, Swatch};
use super::plot::{band_legend_pair, build_dated, draw_band, hline, no_bands_note, Band};
use super::titles::run_title;
use super::{caption, plan_value, ChartError, ChartKind, REFERENCE, REVENUE, SPEND};
use crate::model::Series;
use crate::output::format::{money, thousands};
use crate::output::RunReport;
use crate::scenario::InputId;

/// File name.
pub const FILE: &str = "fan_cumulative.png";

/// Draws the chart.
///
/// # Errors
/// When drawing or encoding fails.
pub fn draw(report: &RunReport<'_>) -> Result<Vec<u8>, ChartError> {
    let s = report.scenario;
    let bands = &report.results.simulation.bands;
    let axis = DateAxis::new(s.start, bands.months);
    let spend = Band::of_series(bands, Series::SpendCumUsd, &axis);
    let revenue = Band::of_series(bands, Series::RevenueCumUsd, &axis);
    let (commitment, suffix) = plan_value(s, InputId::CommitmentUsd);
    let values = spend.values().chain(revenue.values());
    let y = value_range(values.chain([commitment]), true, 1e9);
    let mut legend = vec![
        LegendEntry::new(Swatch::Line(SPEND), "Spend (capex + opex), cumulative: P50"),
        LegendEntry::new(Swatch::Line(REVENUE), "Revenue, cumulative: P50"),
    ];
    legend.extend(band_legend_pair((SPEND, &spend), (REVENUE, &revenue)));
    legend.push(LegendEntry::new(
        Swatch::Dashed(REFERENCE),
        format!("Commitment{suffix} {}", money(commitment)),
    ));
    let frame = Frame {
        title: run_title(s, ChartKind::FanCumulative)?,
        subtitle: format!(
            "Money spent on capex and opex and revenue earned since {}, month by month to {}, \
             across {} paths.{}",
            s.start,
            s.start.plus(bands.months.saturating_sub(1)),
            thousands(report.results.simulation.paths),
            no_bands_note(&[&spend, &revenue]),
        ),
        legend,
        caption: caption(report, FILE)?,
    };
    render_png(&frame, |area| {
        let chart = build_dated(area, &axis, y, "Cumulative US dollars", &money_label)?;
        let plot = chart.plotting_area();
        hline(plot, commitment, REFERENCE)?;
        draw_band(plot, &spend, SPEND)?;
        draw_band(plot, &revenue, REVENUE)
    })
}
