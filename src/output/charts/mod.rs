//! PNG charts of a run (SPEC §6), drawn with plotters on an in-memory
//! bitmap and encoded with the `png` crate, so no system library (fontconfig,
//! freetype) is needed. The bundled DejaVu Sans is registered once as
//! plotters' `sans-serif` family.
//!
//! This file holds the shared style (sizes, fonts, colours), the error type
//! and the list of charts; [`frame`] lays out title, legend and caption,
//! [`axes`] builds calendar and value axes, [`plot`] draws the mesh, bands,
//! lines and notes, [`text`] places every text glyph by glyph (with
//! [`glyphs`]), [`bins`] counts histogram bars; each chart has its own
//! file. [`ChartSet`] draws every chart of a run once, in parallel, and
//! hands the bytes to the PNG files and to `report.html`. [`study`] draws
//! the charts of sweeps and comparisons (SPEC §7).
//! `docs/charts.md` explains how to read each chart.

pub mod axes;
pub mod bins;
pub mod capacity;
pub mod caption;
pub mod cash;
pub mod colour_bar;
pub mod compare_cdf;
pub mod compare_fan;
pub mod fan_cumulative;
pub mod frame;
pub mod glyphs;
pub mod heatmap;
pub mod histogram;
pub mod labels;
pub mod months;
pub mod plot;
pub mod set;
pub mod study;
pub mod sweep_line;
pub mod text;
pub mod titles;
pub mod tornado;

use std::sync::{Arc, OnceLock};

use plotters::style::{FontStyle, RGBColor};

use super::report_html::ReportHtml;
use super::{Exporter, RunReport};
use crate::model::Metric;
use crate::scenario::{InputId, Scenario};
pub use caption::{caption, study_caption};
pub use set::{ChartFile, ChartSet};
pub use study::{compare_charts, compare_charts_with_overrides, sweep_charts};

/// Width of every chart, pixels.
pub const WIDTH: u32 = 1400;
/// Height of every chart, pixels.
pub const HEIGHT: u32 = 860;
/// Outer padding around the chart, pixels.
pub const PAD: i32 = 28;
/// The font family every text uses (registered from the bundled files).
pub const FONT: &str = "sans-serif";
/// Title size, pixels.
pub const TITLE_PX: f64 = 32.0;
/// Subtitle size, pixels.
pub const SUBTITLE_PX: f64 = 20.0;
/// Axis description size, pixels.
pub const AXIS_DESC_PX: f64 = 20.0;
/// Tick label size, pixels.
pub const TICK_PX: f64 = 18.0;
/// Legend text size, pixels.
pub const LEGEND_PX: f64 = 18.0;
/// Caption size, pixels.
pub const CAPTION_PX: f64 = 15.0;
/// Size of notes drawn inside a plot, pixels.
pub const NOTE_PX: f64 = 22.0;

/// Text colour.
pub const INK: RGBColor = RGBColor(33, 37, 41);
/// Secondary text colour (subtitle, caption).
pub const MUTED: RGBColor = RGBColor(96, 100, 108);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(228, 230, 234);
/// Spending (capex, opex) and "raises the metric" bars (Okabe–Ito vermilion).
pub const SPEND: RGBColor = RGBColor(213, 94, 0);
/// Revenue and "lowers the metric" bars (Okabe–Ito blue).
pub const REVENUE: RGBColor = RGBColor(0, 114, 178);
/// Capacity (Okabe–Ito bluish green).
pub const CAPACITY: RGBColor = RGBColor(0, 158, 115);
/// Cash (a deep purple).
pub const CASH: RGBColor = RGBColor(126, 72, 158);
/// Reference lines: target, commitment, zero, percentile markers.
pub const REFERENCE: RGBColor = RGBColor(20, 20, 20);
/// One colour per compared scenario, then repeated: Okabe–Ito's six
/// colours that read on white, and a brown (not Okabe–Ito's black, which
/// a seventh scenario's line would share with the reference lines).
pub const SCENARIO_COLOURS: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(140, 86, 75),
];

/// The colour of the `i`-th compared scenario.
pub fn scenario_colour(i: usize) -> RGBColor {
    SCENARIO_COLOURS[i % SCENARIO_COLOURS.len()]
}
/// Opacity of the P5–P95 band.
pub const OUTER_BAND_ALPHA: f64 = 0.16;
/// Opacity of the P25–P75 band.
pub const INNER_BAND_ALPHA: f64 = 0.34;
/// Width of P50 and other data lines, pixels.
pub const LINE_PX: u32 = 3;

pub(crate) static DEJAVU_SANS: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
pub(crate) static DEJAVU_SANS_BOLD: &[u8] =
    include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Why a chart could not be drawn.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct ChartError(pub String);

impl<E: std::error::Error + Send + Sync> From<plotters::drawing::DrawingAreaErrorKind<E>>
    for ChartError
{
    fn from(e: plotters::drawing::DrawingAreaErrorKind<E>) -> Self {
        ChartError(format!("drawing failed: {e}"))
    }
}

impl From<png::EncodingError> for ChartError {
    fn from(e: png::EncodingError) -> Self {
        ChartError(format!("PNG encoding failed: {e}"))
    }
}

/// Registers the bundled fonts with plotters (once per process).
///
/// # Errors
/// When a bundled font file cannot be parsed (a broken build).
pub fn fonts() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<Result<(), ChartError>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            let bad = |_| ChartError("the bundled DejaVu Sans font cannot be read".into());
            plotters::style::register_font(FONT, FontStyle::Normal, DEJAVU_SANS).map_err(bad)?;
            plotters::style::register_font(FONT, FontStyle::Bold, DEJAVU_SANS_BOLD).map_err(bad)
        })
        .clone()
}

/// One chart of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// Cumulative spend against cumulative revenue, with the commitment.
    FanCumulative,
    /// Capacity online with the target.
    Capacity,
    /// Cumulative net cash with the zero line.
    Cash,
    /// Inputs ranked by |Spearman ρ| with peak funding need.
    Tornado,
    /// Distribution of one metric across paths.
    Histogram(Metric),
}

/// Every chart a run writes, in report order.
pub const CHARTS: [ChartKind; 8] = [
    ChartKind::FanCumulative,
    ChartKind::Cash,
    ChartKind::Capacity,
    ChartKind::Tornado,
    ChartKind::Histogram(Metric::PeakFundingNeedUsd),
    ChartKind::Histogram(Metric::NpvUsd),
    ChartKind::Histogram(Metric::TargetMonth),
    ChartKind::Histogram(Metric::BreakevenMonth),
];

/// The metrics [`CHARTS`] draws histograms of.
pub fn histogram_metrics() -> Vec<Metric> {
    CHARTS
        .iter()
        .filter_map(|kind| match kind {
            ChartKind::Histogram(metric) => Some(*metric),
            _ => None,
        })
        .collect()
}

impl ChartKind {
    /// File name in the output folder, e.g. `hist_npv_usd.png`.
    pub fn file_name(self) -> String {
        match self {
            ChartKind::FanCumulative => "fan_cumulative.png".into(),
            ChartKind::Capacity => "capacity.png".into(),
            ChartKind::Cash => "cash.png".into(),
            ChartKind::Tornado => "tornado.png".into(),
            ChartKind::Histogram(metric) => format!("hist_{}.png", metric.name()),
        }
    }

    /// Draws the chart as PNG bytes.
    ///
    /// # Errors
    /// When drawing or encoding fails.
    pub fn draw(self, report: &RunReport<'_>) -> Result<Vec<u8>, ChartError> {
        match self {
            ChartKind::FanCumulative => fan_cumulative::draw(report),
            ChartKind::Capacity => capacity::draw(report),
            ChartKind::Cash => cash::draw(report),
            ChartKind::Tornado => tornado::draw(report),
            ChartKind::Histogram(metric) => histogram::draw(report, metric),
        }
    }
}

/// A plan input drawn as a reference line (target, commitment): its value,
/// or its P50 when it is uncertain, with a label suffix saying which.
pub fn plan_value(scenario: &Scenario, id: InputId) -> (f64, &'static str) {
    let input = scenario.input(id);
    let suffix = if input.is_uncertain() { " (P50)" } else { "" };
    (input.dist.quantile(0.5), suffix)
}

/// The chart files and `report.html`, sharing one [`ChartSet`] so every
/// chart is drawn once. Pass them to [`super::write_run`] as `extra`.
pub fn exporters() -> Vec<Box<dyn Exporter>> {
    let set = Arc::new(ChartSet::default());
    let mut out: Vec<Box<dyn Exporter>> = CHARTS
        .iter()
        .map(|&kind| Box::new(ChartFile::new(kind, Arc::clone(&set))) as Box<dyn Exporter>)
        .collect();
    out.push(Box::new(ReportHtml::new(set)));
    out
}
