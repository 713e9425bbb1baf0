//! `capacity.png`: GW online each month (P50 with P25–P75 and P5–P95
//! bands) against the plan's target.

use super::axes::{gw_label, value_range, DateAxis};
use super::frame::{render_png, Frame, LegendEntry, Swatch};
use super::plot::{band_legend, build_dated, draw_band, hline, no_bands_note, Band};
use super::titles::run_title;
use super::{caption, plan_value, ChartError, ChartKind, CAPACITY, REFERENCE};
use crate::model::{Metric, Series};
use crate::output::format::{percent, significant, thousands};
use crate::output::RunReport;
use crate::scenario::InputId;

/// File name.
pub const FILE: &str = "capacity.png";

/// Draws the chart.
///
/// # Errors
/// When drawing or encoding fails.
pub fn draw(report: &RunReport<'_>) -> Result<Vec<u8>, ChartError> {
    let s = report.scenario;
    let results = report.results;
    let bands = &results.simulation.bands;
    let axis = DateAxis::new(s.start, bands.months);
    let capacity = Band::of_series(bands, Series::CapacityGw, &axis);
    let (target, suffix) = plan_value(s, InputId::TargetGw);
    let y = value_range(capacity.values().chain([target]), true, 1.0);
    let reached = 1.0 - results.statistics.summaries[Metric::TargetMonth as usize].censored_share;
    let mut legend = vec![LegendEntry::new(
        Swatch::Line(CAPACITY),
        "Capacity online (P50)",
    )];
    legend.extend(band_legend(CAPACITY, &capacity));
    legend.push(LegendEntry::new(
        Swatch::Dashed(REFERENCE),
        format!("Target{suffix} {} GW", significant(target, 3)),
    ));
    let frame = Frame {
        title: run_title(s, ChartKind::Capacity)?,
        subtitle: format!(
            "GW online each month across {} paths; {} of paths reach the target within the \
             horizon.{}",
            thousands(results.simulation.paths),
            percent(reached),
            no_bands_note(&[&capacity]),
        ),
        legend,
        caption: caption(report, FILE)?,
    };
    render_png(&frame, |area| {
        let chart = build_dated(area, &axis, y, "Capacity online (GW)", &gw_label)?;
        let plot = chart.plotting_area();
        hline(plot, target, REFERENCE)?;
        draw_band(plot, &capacity, CAPACITY)
    })
}
