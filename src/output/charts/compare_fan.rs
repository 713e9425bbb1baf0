//! `compare_fan.png`: cumulative spend (capex + opex, solid) and
//! cumulative revenue (dashed) of every compared scenario on one calendar
//! axis, each a P50 line with its P25–P75 band in the scenario's colour.
//! Scenarios may start in different months and run different horizons:
//! each is drawn over its own months. When one line outgrows all others
//! many times over (compounding revenue on a longer horizon), the axis
//! stops above the others and that line leaves through the top, with its
//! final value written there and in the subtitle.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axes::{money_label, value_range, DateAxis};
use super::frame::{render_png, Frame, LegendEntry, Swatch};
use super::plot::{build_dated, dotted_hline, draw_band, draw_line, label_near, Band, Plot};
use super::study::{coincident, halo_width};
use super::text::Font;
use super::titles::{compare_title, COMPARE_FAN_WHAT};
use super::{scenario_colour as colour, ChartError, INK, INNER_BAND_ALPHA, REFERENCE, TICK_PX};
use crate::model::Series;
use crate::output::format::money;
use crate::study::compare::CompareEntry;
use crate::time::YearMonth;

/// A line outgrowing every other by this factor leaves through the top.
const OUTGROWN: f64 = 3.0;

/// One P50 line with its middle half: a scenario's spend or revenue.
struct Line {
    scenario: usize,
    revenue: bool,
    /// The shared band with its P5 and P95 edges emptied, so only P25–P75
    /// is shaded.
    band: Band,
    /// Its highest value.
    top: f64,
    /// How many later lines of its kind lie on its P50, and the first
    /// earlier one it lies on (see [`coincident`]).
    overlap: (usize, Option<usize>),
}

fn lines(entries: &[CompareEntry]) -> Vec<Line> {
    let mut out = Vec::new();
    for (scenario, e) in entries.iter().enumerate() {
        let own = DateAxis::new(e.start, e.bands.months);
        for (series, revenue) in [(Series::SpendCumUsd, false), (Series::RevenueCumUsd, true)] {
            let mut band = Band::of_series(&e.bands, series, &own);
            band.p[0].fill(f64::NAN);
            band.p[4].fill(f64::NAN);
            let top = band.values().filter(|v| v.is_finite()).fold(0.0, f64::max);
            let overlap = (0, None);
            out.push(Line {
                scenario,
                revenue,
                band,
                top,
                overlap,
            });
        }
    }
    for revenue in [false, true] {
        let kind: Vec<Vec<f64>> = out
            .iter()
            .filter(|l| l.revenue == revenue)
            .map(|l| l.band.p[2].clone())
            .collect();
        let found = coincident(&kind);
        let lines = out.iter_mut().filter(|l| l.revenue == revenue);
        lines.zip(found).for_each(|(l, o)| l.overlap = o);
    }
    out
}

fn index(ym: YearMonth) -> i64 {
    i64::from(ym.year) * 12 + i64::from(ym.month)
}

/// The calendar axis covering every scenario's months.
fn common_axis(entries: &[CompareEntry]) -> Option<DateAxis> {
    let first = entries.iter().map(|e| e.start).min_by_key(|&s| index(s))?;
    let end = entries
        .iter()
        .map(|e| index(e.start) + e.bands.months.max(1) as i64)
        .max()?;
    Some(DateAxis::new(first, (end - index(first)).max(1) as usize))
}

/// The commitment, when every scenario has the same fixed one.
fn shared_commitment(entries: &[CompareEntry]) -> Option<f64> {
    let first = entries.first()?.commitment_usd?;
    entries
        .iter()
        .all(|e| e.commitment_usd == Some(first))
        .then_some(first)
}

/// The top of the axis when one line outgrows all others [`OUTGROWN`]
/// times over, and that line's index.
fn cut_top(lines: &[Line], commitment: Option<f64>) -> Option<(f64, usize)> {
    let (first, _) = lines
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.top.total_cmp(&b.1.top))?;
    let others = lines.iter().enumerate().filter(|(i, _)| *i != first);
    let second = others
        .map(|(_, l)| l.top)
        .chain(commitment)
        .fold(0.0, f64::max);
    (second > 0.0 && lines[first].top > OUTGROWN * second).then_some((second * 1.4, first))
}

/// The runs of a line at or below `top`, each ending where it crosses.
fn below(x: &[f64], y: &[f64], top: f64) -> Vec<(Vec<f64>, Vec<f64>)> {
    let mut runs = vec![(Vec::new(), Vec::new())];
    let points: Vec<(f64, f64)> = x
        .iter()
        .zip(y)
        .filter(|p| p.1.is_finite())
        .map(|(&a, &b)| (a, b))
        .collect();
    for (k, &(px, py)) in points.iter().enumerate() {
        let crossing = k
            .checked_sub(1)
            .map(|j| points[j])
            .filter(|&(_, qy)| (qy > top) != (py > top));
        if let (Some((qx, qy)), Some(run)) = (crossing, runs.last_mut()) {
            let cx = qx + (px - qx) * (top - qy) / (py - qy);
            run.0.push(cx);
            run.1.push(top);
            if py > top {
                runs.push((Vec::new(), Vec::new()));
            }
        }
        if let (true, Some(run)) = (py <= top, runs.last_mut()) {
            run.0.push(px);
            run.1.push(py);
        }
    }
    runs.retain(|r| !r.0.is_empty());
    runs
}

/// Draws the chart.
///
/// # Errors
/// When there is no scenario, or drawing or encoding fails.
pub fn draw(entries: &[CompareEntry], caption: &str) -> Result<Vec<u8>, ChartError> {
    let axis = common_axis(entries)
        .ok_or_else(|| ChartError("a comparison needs at least one scenario".into()))?;
    let lines = lines(entries);
    let commitment = shared_commitment(entries);
    let cut = cut_top(&lines, commitment);
    let y = match cut {
        Some((top, _)) => 0.0..top,
        None => value_range(lines.iter().map(|l| l.top).chain(commitment), true, 1e9),
    };
    let frame = Frame {
        title: compare_title(entries, COMPARE_FAN_WHAT)?,
        subtitle: subtitle(entries, &lines, cut.map(|c| c.1)),
        legend: legend(entries, &lines, commitment),
        caption: caption.to_string(),
    };
    render_png(&frame, |area| {
        let chart = build_dated(
            area,
            &axis,
            y.clone(),
            "Cumulative US dollars",
            &money_label,
        )?;
        let plot = chart.plotting_area();
        if let Some(c) = commitment {
            dotted_hline(plot, c, REFERENCE)?;
        }
        // Shades first (cut at the top), then the P50 lines, wider under
        // lines of the same kind that coincide with them.
        for line in &lines {
            let mut shade = line.band.clone();
            shade.p[2].fill(f64::NAN);
            let [_, lo, _, hi, _] = &mut shade.p;
            for (lo, hi) in lo.iter_mut().zip(hi.iter_mut()) {
                // Above the top: no shade; across it: shaded up to it.
                (*lo, *hi) = match *lo >= y.end {
                    true => (f64::NAN, f64::NAN),
                    false => (*lo, hi.min(y.end)),
                };
            }
            draw_band(plot, &shade, colour(line.scenario))?;
        }
        for line in &lines {
            let style = colour(line.scenario).stroke_width(halo_width(line.overlap.0));
            for (x, p50) in below(&line.band.x, &line.band.p[2], y.end) {
                match line.revenue {
                    true => dashes(plot, &x, &p50, style)?,
                    false => draw_line(plot, &x, &p50, style)?,
                }
            }
        }
        if let Some((top, i)) = cut {
            let line = &lines[i];
            let exit = below(&line.band.x, &line.band.p[2], top)
                .last()
                .and_then(|r| r.0.last().copied());
            let text = format!("{} ↑", money(last_p50(line)));
            let font = Font::new(TICK_PX, colour(line.scenario)).bold();
            if let Some(x) = exit {
                label_near(
                    plot,
                    (x, top),
                    (-8, 6),
                    &text,
                    font,
                    (HPos::Right, VPos::Top),
                )?;
            }
        }
        Ok(())
    })
}

/// A line per scenario in its colour, the line styles of spend and
/// revenue, the band when there is one, and the commitment, dotted so it
/// does not read as a dashed revenue line.
fn legend(entries: &[CompareEntry], lines: &[Line], commitment: Option<f64>) -> Vec<LegendEntry> {
    let mut legend: Vec<LegendEntry> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| LegendEntry::new(Swatch::Line(colour(i)), e.name.clone()))
        .collect();
    legend.extend([
        LegendEntry::new(Swatch::Line(INK), "Spend (capex + opex): P50"),
        LegendEntry::new(Swatch::Dashed(INK), "Revenue: P50"),
    ]);
    if banded(lines) {
        legend.push(LegendEntry::new(
            Swatch::Fill(INK.mix(INNER_BAND_ALPHA)),
            "P25–P75",
        ));
    }
    if let Some(c) = commitment {
        legend.push(LegendEntry::new(
            Swatch::Dotted(REFERENCE),
            format!("Commitment {}", money(c)),
        ));
    }
    legend
}

/// Whether any line's P25–P75 band has width (not every path the same).
fn banded(lines: &[Line]) -> bool {
    lines.iter().any(|l| l.band.has_width(1, 3))
}

/// The last P50 value of a line.
fn last_p50(line: &Line) -> f64 {
    line.band.p[2]
        .iter()
        .rev()
        .copied()
        .find(|v| v.is_finite())
        .unwrap_or(f64::NAN)
}

/// A dashed line in the pattern of `plot::draw_dashed`, at any width.
fn dashes(plot: &Plot<'_>, x: &[f64], y: &[f64], style: ShapeStyle) -> Result<(), ChartError> {
    let points: Vec<(f64, f64)> = x.iter().copied().zip(y.iter().copied()).collect();
    plot.draw(&DashedPathElement::new(points, 12, 8, style))?;
    Ok(())
}

fn subtitle(entries: &[CompareEntry], lines: &[Line], cut: Option<usize>) -> String {
    let bands = if banded(lines) {
        "P50 lines with P25–P75 bands."
    } else {
        "P50 lines; every path is the same, so there are no bands."
    };
    let mut s = format!(
        "Money spent on capex and opex (solid) and revenue earned (dashed) since each \
         scenario's start, month by month: {bands}"
    );
    let span = |e: &CompareEntry| (index(e.start), e.bands.months);
    let first = entries.first().map(span);
    if entries.iter().any(|e| Some(span(e)) != first) {
        let spans: Vec<String> = entries
            .iter()
            .map(|e| {
                let last = e.start.plus(e.bands.months.saturating_sub(1));
                format!("{} {} to {last}", e.name, e.start)
            })
            .collect();
        s.push_str(&format!(" Horizons: {}.", spans.join("; ")));
    }
    let name = |i: usize| entries.get(i).map_or("", |e| e.name.as_str());
    for line in lines {
        if let Some(j) = line.overlap.1 {
            let what = if line.revenue { "revenue" } else { "spend" };
            s.push_str(&format!(
                " {}'s {what} lies on {}'s (the wider line).",
                name(line.scenario),
                name(j)
            ));
        }
    }
    if let Some(line) = cut.and_then(|i| lines.get(i)) {
        let what = if line.revenue { "revenue" } else { "spend" };
        s.push_str(&format!(
            " The axis stops short of {}'s {what}, whose P50 grows to {}.",
            name(line.scenario),
            money(last_p50(line))
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RunOptions;
    use crate::scenario::{Override, Scenario};
    use crate::study::compare;

    /// Two swatches a reader cannot tell apart: the same kind of mark in
    /// nearly the same colour.
    fn looks_alike(a: Swatch, b: Swatch) -> bool {
        let near = |p: RGBColor, q: RGBColor| {
            p.0.abs_diff(q.0)
                .max(p.1.abs_diff(q.1))
                .max(p.2.abs_diff(q.2))
                < 40
        };
        match (a, b) {
            (Swatch::Line(p), Swatch::Line(q))
            | (Swatch::Dashed(p), Swatch::Dashed(q))
            | (Swatch::Dotted(p), Swatch::Dotted(q)) => near(p, q),
            (Swatch::Fill(p), Swatch::Fill(q)) => {
                near(RGBColor(p.0, p.1, p.2), RGBColor(q.0, q.1, q.2)) && (p.3 - q.3).abs() < 0.1
            }
            _ => false,
        }
    }

    #[test]
    fn every_legend_entry_has_its_own_mark() {
        let set = |s: &[&str]| -> Vec<Override> {
            s.iter().map(|o| Override::parse(o).unwrap()).collect()
        };
        let a = Scenario::builtin(&set(&["scenario.paths=60", "scenario.name=a"])).unwrap();
        let b = Scenario::builtin(&set(&[
            "scenario.paths=60",
            "scenario.name=b",
            "revenue.growth=50%",
        ]))
        .unwrap();
        let entries = compare::run(&[a, b], &RunOptions::default()).unwrap();
        let lines = lines(&entries);
        let legend = legend(&entries, &lines, shared_commitment(&entries));
        let labels: Vec<&str> = legend.iter().map(|e| e.label.as_str()).collect();
        assert!(labels.contains(&"Revenue: P50") && labels.contains(&"P25–P75"));
        assert!(
            labels.iter().any(|l| l.starts_with("Commitment")),
            "{labels:?}"
        );
        for (i, x) in legend.iter().enumerate() {
            for y in &legend[i + 1..] {
                assert!(
                    !looks_alike(x.swatch, y.swatch),
                    "\"{}\" and \"{}\" share a mark",
                    x.label,
                    y.label
                );
            }
        }
    }

    #[test]
    fn lines_are_cut_where_they_cross_the_top() {
        let runs = below(&[0.0, 1.0, 2.0, 3.0], &[0.0, 2.0, 4.0, 1.0], 3.0);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0], (vec![0.0, 1.0, 1.5], vec![0.0, 2.0, 3.0]));
        assert_eq!(runs[1].1, vec![3.0, 1.0]);
        assert!((runs[1].0[0] - 2.0 - 1.0 / 3.0).abs() < 1e-12);
        let nan = below(&[0.0, 1.0], &[f64::NAN, 1.0], 3.0);
        assert_eq!(nan, vec![(vec![1.0], vec![1.0])]);
    }
}
