//! `cash.png`: cumulative net cash (initial cash plus margin on revenue
//! minus capex and opex) each month, with the zero line below which the
//! plan needs outside funding.

use super::axes::{money_label, value_range, DateAxis};
use super::frame::{render_png, Frame, LegendEntry, Swatch};
use super::plot::{band_legend, build_dated, draw_band, hline, no_bands_note, Band};
use super::titles::run_title;
use super::{caption, ChartError, ChartKind, CASH, REFERENCE};
use crate::model::{Metric, Series};
use crate::output::format::{money, percent};
use crate::output::RunReport;

/// File name.
pub const FILE: &str = "cash.png";

/// Draws the chart.
///
/// # Errors
/// When drawing or encoding fails.
pub fn draw(report: &RunReport<'_>) -> Result<Vec<u8>, ChartError> {
    let s = report.scenario;
    let results = report.results;
    let bands = &results.simulation.bands;
    let axis = DateAxis::new(s.start, bands.months);
    let cash = Band::of_series(bands, Series::NetCashCumUsd, &axis);
    let y = value_range(cash.values(), true, 1e9);
    let summaries = &results.statistics.summaries;
    let need = &summaries[Metric::PeakFundingNeedUsd as usize];
    let breakeven = 1.0 - summaries[Metric::BreakevenMonth as usize].censored_share;
    let mut legend = vec![LegendEntry::new(
        Swatch::Line(CASH),
        "Net cash, cumulative (P50)",
    )];
    legend.extend(band_legend(CASH, &cash));
    legend.push(LegendEntry::new(
        Swatch::Dashed(REFERENCE),
        "Zero: below it, outside funding is needed",
    ));
    let frame = Frame {
        title: run_title(s, ChartKind::Cash)?,
        subtitle: format!(
            "Initial cash + margin × revenue − capex − opex. Peak funding need P50 {} (P95 {}); \
             {} of paths break even (cash back to ≥ 0) within the horizon.{}",
            money(need.percentiles[3]),
            money(need.percentiles[6]),
            percent(breakeven),
            no_bands_note(&[&cash]),
        ),
        legend,
        caption: caption(report, FILE)?,
    };
    render_png(&frame, |area| {
        let chart = build_dated(
            area,
            &axis,
            y,
            "Cumulative net cash (US dollars)",
            &money_label,
        )?;
        let plot = chart.plotting_area();
        hline(plot, 0.0, REFERENCE)?;
        draw_band(plot, &cash, CASH)
    })
}
