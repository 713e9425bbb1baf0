//! Drawing inside a chart's plot, in the shared style: the cartesian chart
//! with its grid, ticks and axis descriptions, percentile bands with a P50
//! line, plain and dashed lines, reference lines and notes. Both axes are
//! [`TickedCoord`]s, so a chart says exactly where its ticks go (dates,
//! round money, the rows of a tornado or a heatmap).

use plotters::chart::ChartContext;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axes::{value_coord, DateAxis, TickedCoord};
use super::frame::{Area, LegendEntry, Swatch};
use super::text::{self, Direction, Font};
use super::{
    ChartError, AXIS_DESC_PX, GRID, INK, INNER_BAND_ALPHA, LINE_PX, MUTED, NOTE_PX,
    OUTER_BAND_ALPHA, TICK_PX,
};
use crate::model::Series;
use crate::stats::Bands;

/// A cartesian chart on the bitmap.
pub type Chart<'a, 'b> = ChartContext<'a, BitMapBackend<'b>, Cartesian2d<TickedCoord, TickedCoord>>;
/// The plotting area of a [`Chart`], in data coordinates.
pub type Plot<'b> = DrawingArea<BitMapBackend<'b>, Cartesian2d<TickedCoord, TickedCoord>>;

/// Axis descriptions and tick label formats.
pub struct AxisText<'f> {
    /// Under the x axis, with units.
    pub x_desc: &'f str,
    /// Beside the y axis, with units ("" for none).
    pub y_desc: &'f str,
    /// Formats an x tick.
    pub x_label: &'f dyn Fn(&f64) -> String,
    /// Formats a y tick.
    pub y_label: &'f dyn Fn(&f64) -> String,
}

/// Gap between an axis and its tick labels, pixels.
const TICK_GAP: i32 = 14;

/// Tick labels of an axis: (position, text).
type Labels = Vec<(f64, String)>;

/// Builds the chart in `area`, leaving room for the tick labels, and draws
/// grid, ticks, tick labels and axis descriptions.
///
/// # Errors
/// When drawing fails.
pub fn build<'a, 'b>(
    area: &'a Area<'b>,
    x: TickedCoord,
    y: TickedCoord,
    axes: &AxisText<'_>,
) -> Result<Chart<'a, 'b>, ChartError> {
    let tick = Font::new(TICK_PX, INK);
    let x_labels: Labels = x.ticks().iter().map(|&v| (v, (axes.x_label)(&v))).collect();
    let y_labels: Labels = y.ticks().iter().map(|&v| (v, (axes.y_label)(&v))).collect();
    let mut label_px: f64 = 0.0;
    for (_, label) in &y_labels {
        label_px = label_px.max(text::width(area, label, tick)?);
    }
    let desc_px = if axes.y_desc.is_empty() {
        0.0
    } else {
        AXIS_DESC_PX * 1.8
    };
    let mut chart = ChartBuilder::on(area)
        .margin_top(12)
        .margin_right(30)
        .x_label_area_size((TICK_PX + AXIS_DESC_PX * 1.6) as i32 + 2 * TICK_GAP)
        .y_label_area_size((label_px + desc_px) as i32 + 2 * TICK_GAP)
        .build_cartesian_2d(x, y)?;
    // Grid and tick marks from plotters; every text is drawn by `text`.
    chart
        .configure_mesh()
        .x_label_formatter(&|_| String::new())
        .y_label_formatter(&|_| String::new())
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED.stroke_width(1))
        .set_all_tick_mark_size(6)
        .draw()?;
    axis_text(area, chart.plotting_area(), &x_labels, &y_labels, axes)?;
    Ok(chart)
}

/// [`build`] with the calendar along x (`axis`) and `y` with up to eight
/// ticks: the frame of every month-by-month chart.
///
/// # Errors
/// When drawing fails.
pub fn build_dated<'a, 'b>(
    area: &'a Area<'b>,
    axis: &DateAxis,
    y: std::ops::Range<f64>,
    y_desc: &str,
    y_label: &dyn Fn(&f64) -> String,
) -> Result<Chart<'a, 'b>, ChartError> {
    let axes = AxisText {
        x_desc: axis.desc(),
        y_desc,
        x_label: &|x| axis.label(x),
        y_label,
    };
    build(area, axis.coord(), value_coord(y, 8), &axes)
}

/// Draws tick labels beside the ticks and the axis descriptions at the
/// edges of `area`.
fn axis_text(
    area: &Area<'_>,
    plot: &Plot<'_>,
    x_labels: &Labels,
    y_labels: &Labels,
    axes: &AxisText<'_>,
) -> Result<(), ChartError> {
    let (tick, desc) = (Font::new(TICK_PX, INK), Font::new(AXIS_DESC_PX, INK));
    let (xs, ys) = plot.get_pixel_range();
    let (bx, by) = area.get_base_pixel();
    let (x0, y0) = (
        plot.as_coord_spec().get_x_range().start,
        plot.as_coord_spec().get_y_range().start,
    );
    let across = Direction::Across;
    for (v, label) in x_labels {
        let at = (
            plot.map_coordinate(&(*v, y0)).0 - bx,
            ys.end - by + TICK_GAP,
        );
        text::draw(area, label, tick, at, (HPos::Center, VPos::Top), across)?;
    }
    for (v, label) in y_labels {
        let at = (
            xs.start - bx - TICK_GAP,
            plot.map_coordinate(&(x0, *v)).1 - by,
        );
        text::draw(area, label, tick, at, (HPos::Right, VPos::Center), across)?;
    }
    let bottom = (area.dim_in_pixel().1 as i32) - TICK_GAP / 2;
    let x_mid = (xs.start + xs.end) / 2 - bx;
    text::draw(
        area,
        axes.x_desc,
        desc,
        (x_mid, bottom),
        (HPos::Center, VPos::Bottom),
        across,
    )?;
    let y_mid = (ys.start + ys.end) / 2 - by;
    text::draw(
        area,
        axes.y_desc,
        desc,
        (4, y_mid),
        (HPos::Center, VPos::Top),
        Direction::Up,
    )
}

/// The percentile band of one series over the horizon.
#[derive(Debug, Clone, Default)]
pub struct Band {
    /// x of each point.
    pub x: Vec<f64>,
    /// P5, P25, P50, P75, P95 at each point.
    pub p: [Vec<f64>; 5],
}

impl Band {
    /// The band of `series` from the run's monthly bands.
    pub fn of_series(bands: &Bands, series: Series, axis: &DateAxis) -> Band {
        let mut band = Band::default();
        for m in 0..bands.months {
            let row = bands.get(series, m);
            band.x.push(axis.x(m as f64));
            for (slot, i) in band.p.iter_mut().zip([0, 2, 3, 4, 6]) {
                slot.push(row.percentiles[i]);
            }
        }
        band
    }

    /// Whether the band between percentiles `lo` and `hi` (indices into
    /// [`Band::p`]: 0 is P5, 1 P25, 3 P75, 4 P95) has width anywhere.
    pub fn has_width(&self, lo: usize, hi: usize) -> bool {
        self.p[lo].iter().zip(&self.p[hi]).any(|(a, b)| {
            a.is_finite() && b.is_finite() && (b - a).abs() > 1e-9 * a.abs().max(b.abs()).max(1.0)
        })
    }

    /// Every value drawn (for the axis range).
    pub fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.p.iter().flatten().copied()
    }
}

fn finite_points(x: &[f64], y: &[f64]) -> Vec<(f64, f64)> {
    x.iter()
        .zip(y)
        .filter(|(_, y)| y.is_finite())
        .map(|(&x, &y)| (x, y))
        .collect()
}

/// Draws a band: P5–P95 light, P25–P75 darker, P50 as a line.
///
/// # Errors
/// When drawing fails.
pub fn draw_band(plot: &Plot<'_>, band: &Band, colour: RGBColor) -> Result<(), ChartError> {
    for (lo, hi, alpha) in [(0, 4, OUTER_BAND_ALPHA), (1, 3, INNER_BAND_ALPHA)] {
        let mut outline = finite_points(&band.x, &band.p[hi]);
        outline.extend(finite_points(&band.x, &band.p[lo]).into_iter().rev());
        plot.draw(&Polygon::new(outline, colour.mix(alpha).filled()))?;
    }
    draw_line(plot, &band.x, &band.p[2], colour.stroke_width(LINE_PX))
}

/// Draws a polyline through the finite points.
///
/// # Errors
/// When drawing fails.
pub fn draw_line(
    plot: &Plot<'_>,
    x: &[f64],
    y: &[f64],
    style: ShapeStyle,
) -> Result<(), ChartError> {
    // Segment by segment: plotters joins thick polylines with spikes at kinks.
    let points = finite_points(x, y);
    if let [only] = points.as_slice() {
        plot.draw(&PathElement::new(vec![*only, *only], style))?;
    }
    for pair in points.windows(2) {
        plot.draw(&PathElement::new(pair.to_vec(), style))?;
    }
    Ok(())
}

/// Draws a dashed polyline through the finite points.
///
/// # Errors
/// When drawing fails.
pub fn draw_dashed(
    plot: &Plot<'_>,
    x: &[f64],
    y: &[f64],
    colour: RGBColor,
) -> Result<(), ChartError> {
    let style = colour.stroke_width(LINE_PX);
    plot.draw(&DashedPathElement::new(finite_points(x, y), 12, 8, style))?;
    Ok(())
}

/// A dashed horizontal line across the plot at `y`.
///
/// # Errors
/// When drawing fails.
pub fn hline(plot: &Plot<'_>, y: f64, colour: RGBColor) -> Result<(), ChartError> {
    let x = plot.as_coord_spec().get_x_range();
    draw_dashed(plot, &[x.start, x.end], &[y, y], colour)
}

/// A dotted horizontal line across the plot at `y` (a reference line on a
/// chart whose series are dashed).
///
/// # Errors
/// When drawing fails.
pub fn dotted_hline(plot: &Plot<'_>, y: f64, colour: RGBColor) -> Result<(), ChartError> {
    let x = plot.as_coord_spec().get_x_range();
    let style = colour.stroke_width(LINE_PX);
    plot.draw(&DashedPathElement::new(
        vec![(x.start, y), (x.end, y)],
        4,
        6,
        style,
    ))?;
    Ok(())
}

/// A dashed vertical line across the plot at `x`.
///
/// # Errors
/// When drawing fails.
pub fn vline(plot: &Plot<'_>, x: f64, colour: RGBColor) -> Result<(), ChartError> {
    let y = plot.as_coord_spec().get_y_range();
    let style = colour.stroke_width(2);
    plot.draw(&DashedPathElement::new(
        vec![(x, y.start), (x, y.end)],
        8,
        6,
        style,
    ))?;
    Ok(())
}

/// Draws `s` with its `anchor` at the data point `at`.
///
/// # Errors
/// When drawing fails.
pub fn label_at(
    plot: &Plot<'_>,
    at: (f64, f64),
    s: &str,
    font: Font,
    anchor: (HPos, VPos),
) -> Result<(), ChartError> {
    label_near(plot, at, (0, 0), s, font, anchor)
}

/// Draws `s` with its `anchor` at `offset` pixels from the data point `at`.
///
/// # Errors
/// When drawing fails.
pub fn label_near(
    plot: &Plot<'_>,
    at: (f64, f64),
    offset: (i32, i32),
    s: &str,
    font: Font,
    anchor: (HPos, VPos),
) -> Result<(), ChartError> {
    let area = plot.strip_coord_spec();
    let (bx, by) = area.get_base_pixel();
    let (px, py) = plot.map_coordinate(&at);
    let pos = (px - bx + offset.0, py - by + offset.1);
    text::draw(&area, s, font, pos, anchor, Direction::Across)
}

/// A message centred in the plot (e.g. "no path breaks even").
///
/// # Errors
/// When drawing fails.
pub fn note(plot: &Plot<'_>, message: &str) -> Result<(), ChartError> {
    let (x, y) = (
        plot.as_coord_spec().get_x_range(),
        plot.as_coord_spec().get_y_range(),
    );
    let centre = ((x.start + x.end) / 2.0, (y.start + y.end) / 2.0);
    label_at(
        plot,
        centre,
        message,
        Font::new(NOTE_PX, MUTED),
        (HPos::Center, VPos::Center),
    )
}

/// The band shades a legend may list: (lower index, upper index, opacity,
/// label).
const SHADES: [(usize, usize, f64, &str); 2] = [
    (1, 3, INNER_BAND_ALPHA, "P25–P75"),
    (0, 4, OUTER_BAND_ALPHA, "P5–P95"),
];

/// Legend entries for the band shades of one series, leaving out a shade
/// with no width anywhere (every path the same).
pub fn band_legend(colour: RGBColor, band: &Band) -> Vec<LegendEntry> {
    SHADES
        .iter()
        .filter(|(lo, hi, _, _)| band.has_width(*lo, *hi))
        .map(|&(_, _, alpha, label)| LegendEntry::new(Swatch::Fill(colour.mix(alpha)), label))
        .collect()
}

/// Legend entries for the band shades of two series: a split swatch when
/// both have width, one colour when only one has, nothing when neither.
pub fn band_legend_pair(a: (RGBColor, &Band), b: (RGBColor, &Band)) -> Vec<LegendEntry> {
    let mut out = Vec::new();
    for &(lo, hi, alpha, label) in &SHADES {
        let swatch = match (a.1.has_width(lo, hi), b.1.has_width(lo, hi)) {
            (true, true) => Swatch::Split(a.0.mix(alpha), b.0.mix(alpha)),
            (true, false) => Swatch::Fill(a.0.mix(alpha)),
            (false, true) => Swatch::Fill(b.0.mix(alpha)),
            (false, false) => continue,
        };
        out.push(LegendEntry::new(swatch, label));
    }
    out
}

/// A sentence for the subtitle when none of `bands` has width: every path
/// is the same, so the chart has lines and no bands.
pub fn no_bands_note(bands: &[&Band]) -> &'static str {
    if bands.iter().any(|b| b.has_width(0, 4)) {
        ""
    } else {
        " Every path is the same, so there are no bands."
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::charts::{CASH, REVENUE, SPEND};

    fn band(p5: f64, p25: f64, p75: f64, p95: f64) -> Band {
        Band {
            x: vec![0.0, 1.0],
            p: [
                vec![1e12, p5],
                vec![1e12, p25],
                vec![1e12, 1e12],
                vec![1e12, p75],
                vec![f64::NAN, p95],
            ],
        }
    }

    fn labels(entries: &[LegendEntry]) -> Vec<&str> {
        entries.iter().map(|e| e.label.as_str()).collect()
    }

    #[test]
    fn bands_without_width_are_not_in_the_legend() {
        let flat = band(1e12, 1e12, 1e12, 1e12);
        let outer = band(0.9e12, 1e12, 1e12, 1.1e12);
        let both = band(0.9e12, 0.95e12, 1.05e12, 1.1e12);
        assert!(band_legend(CASH, &flat).is_empty());
        assert_eq!(labels(&band_legend(CASH, &outer)), ["P5–P95"]);
        assert_eq!(labels(&band_legend(CASH, &both)), ["P25–P75", "P5–P95"]);
        assert!(band_legend_pair((SPEND, &flat), (REVENUE, &flat)).is_empty());
        let one = band_legend_pair((SPEND, &flat), (REVENUE, &both));
        assert_eq!(labels(&one), ["P25–P75", "P5–P95"]);
        assert!(matches!(one[0].swatch, Swatch::Fill(_)));
        let two = band_legend_pair((SPEND, &both), (REVENUE, &outer));
        assert!(matches!(two[0].swatch, Swatch::Fill(_)));
        assert!(matches!(two[1].swatch, Swatch::Split(..)));
        assert!(!no_bands_note(&[&flat]).is_empty());
        assert!(no_bands_note(&[&flat, &outer]).is_empty());
    }
}
