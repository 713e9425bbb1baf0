//! The colours of the heatmap: viridis (dark to light) for values of one
//! sign, a diverging scale for NPV that changes sign (vermilion below zero,
//! blue above), ink that reads on each fill, and the colour bar that
//! explains the scale.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::frame::Area;
use super::plot::Plot;
use super::text::{self, Direction, Font};
use super::{ChartError, INK, MUTED, REVENUE, SPEND, TICK_PX};

/// Viridis, dark to light.
const VIRIDIS: [(u8, u8, u8); 8] = [
    (68, 1, 84),
    (70, 50, 127),
    (54, 92, 141),
    (39, 127, 143),
    (31, 162, 136),
    (74, 194, 110),
    (160, 219, 57),
    (254, 232, 37),
];

/// Maps a value to a colour.
#[derive(Debug, Clone, Copy)]
pub struct ColourScale {
    /// The lowest value (darkest viridis).
    pub lo: f64,
    /// The highest value (lightest viridis).
    pub hi: f64,
    /// Vermilion below zero, blue above, near white at zero.
    pub diverging: bool,
}

fn mix(a: (u8, u8, u8), b: (u8, u8, u8), t: f64) -> RGBColor {
    let f = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    RGBColor(f(a.0, b.0), f(a.1, b.1), f(a.2, b.2))
}

impl ColourScale {
    /// The colour of `v`.
    pub fn colour(&self, v: f64) -> RGBColor {
        if self.diverging {
            let reach = self.lo.abs().max(self.hi.abs()).max(f64::MIN_POSITIVE);
            let end = if v < 0.0 { SPEND } else { REVENUE };
            let t = (v.abs() / reach).clamp(0.0, 1.0);
            return mix((247, 247, 247), (end.0, end.1, end.2), t);
        }
        let t = if self.hi > self.lo {
            ((v - self.lo) / (self.hi - self.lo)).clamp(0.0, 1.0)
        } else {
            0.5
        };
        let pos = t * (VIRIDIS.len() - 1) as f64;
        let i = (pos.floor() as usize).min(VIRIDIS.len() - 2);
        mix(VIRIDIS[i], VIRIDIS[i + 1], pos - i as f64)
    }
}

/// Ink that reads on `fill`.
pub fn ink_on(fill: RGBColor) -> RGBColor {
    let luma = 0.299 * f64::from(fill.0) + 0.587 * f64::from(fill.1) + 0.114 * f64::from(fill.2);
    if luma < 140.0 {
        WHITE
    } else {
        INK
    }
}

/// Draws the colour bar of `scale` in `bar`, as tall as `plot`, with
/// `ticks` (positions and labels) beside it.
///
/// # Errors
/// When drawing fails.
pub fn draw_bar(
    bar: &Area<'_>,
    plot: &Plot<'_>,
    scale: &ColourScale,
    ticks: &[(f64, String)],
) -> Result<(), ChartError> {
    let (lo, hi) = (scale.lo, scale.hi);
    if lo > hi {
        return Ok(());
    }
    let (_, ys) = plot.get_pixel_range();
    let by = bar.get_base_pixel().1;
    let (top, bottom) = (ys.start - by, ys.end - by);
    let (x0, x1) = (24, 50);
    let at = |t: f64| {
        let share = if hi > lo { (hi - t) / (hi - lo) } else { 0.5 };
        top + (share * f64::from(bottom - top)).round() as i32
    };
    for r in top..bottom {
        let share = f64::from(r - top) / f64::from((bottom - top).max(1));
        let v = if hi > lo { hi - share * (hi - lo) } else { lo };
        bar.draw(&Rectangle::new(
            [(x0, r), (x1, r + 1)],
            scale.colour(v).filled(),
        ))?;
    }
    bar.draw(&Rectangle::new(
        [(x0, top), (x1, bottom)],
        MUTED.stroke_width(1),
    ))?;
    let font = Font::new(TICK_PX, INK);
    for (t, label) in ticks {
        let r = at(*t);
        bar.draw(&PathElement::new(
            vec![(x1, r), (x1 + 6, r)],
            MUTED.stroke_width(1),
        ))?;
        let anchor = (HPos::Left, VPos::Center);
        text::draw(bar, label, font, (x1 + 10, r), anchor, Direction::Across)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_run_dark_to_light_and_diverge_around_zero() {
        let seq = ColourScale {
            lo: 0.0,
            hi: 10.0,
            diverging: false,
        };
        assert_eq!(seq.colour(0.0), RGBColor(68, 1, 84));
        assert_eq!(seq.colour(10.0), RGBColor(254, 232, 37));
        assert_eq!(seq.colour(99.0), seq.colour(10.0));
        assert_eq!(ink_on(seq.colour(0.0)), WHITE);
        assert_eq!(ink_on(seq.colour(10.0)), INK);
        let one = ColourScale {
            lo: 3.0,
            hi: 3.0,
            diverging: false,
        };
        assert_eq!(one.colour(3.0), seq.colour(5.0));
        let div = ColourScale {
            lo: -5.0,
            hi: 10.0,
            diverging: true,
        };
        assert_eq!(div.colour(0.0), RGBColor(247, 247, 247));
        assert_eq!(div.colour(10.0), REVENUE);
        assert_eq!(div.colour(-10.0), SPEND);
    }
}
