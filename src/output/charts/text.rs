//! Text in the charts' style, placed glyph by glyph: plotters' ab_glyph
//! drawing ignores each glyph's left side bearing and centres text on a
//! guess, so every text of a chart (titles, ticks, legends, notes) is drawn
//! here, one glyph per plotters call, at the pen position plus the glyph's
//! bearing ([`super::glyphs`]). Anchors are exact: `Top` puts the top of
//! capitals at the point, `Center` centres capitals on it, `Bottom` puts
//! the lowest descender on it.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::FontTransform;

use super::frame::Area;
use super::glyphs::{metrics, FontMetrics};
use super::{ChartError, FONT};

/// A text style: size, colour, weight.
#[derive(Debug, Clone, Copy)]
pub struct Font {
    /// Size in pixels (plotters' size: ascent + descent).
    pub px: f64,
    /// Colour.
    pub colour: RGBColor,
    /// Bold face.
    pub bold: bool,
}

impl Font {
    /// Regular text of `px` pixels in `colour`.
    pub const fn new(px: f64, colour: RGBColor) -> Self {
        Font {
            px,
            colour,
            bold: false,
        }
    }

    /// The same, bold.
    pub const fn bold(self) -> Self {
        Font { bold: true, ..self }
    }

    fn face(self) -> FontStyle {
        if self.bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        }
    }

    fn metrics(self) -> Option<&'static FontMetrics> {
        metrics(self.face())
    }

    /// The plotters style drawing one glyph (anchored top left).
    fn style(self, up: bool) -> TextStyle<'static> {
        let style = (FONT, self.px, self.face()).into_font().color(&self.colour);
        if up {
            style.transform(FontTransform::Rotate270)
        } else {
            style
        }
    }
}

/// Which way the text reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Left to right.
    Across,
    /// Bottom to top (y axis descriptions).
    Up,
}

/// Width of `s` in pixels.
///
/// # Errors
/// When the font cannot lay the text out.
pub fn width(area: &Area<'_>, s: &str, font: Font) -> Result<f64, ChartError> {
    match font.metrics() {
        Some(m) => Ok(s.chars().map(|c| m.advance(c)).sum::<f64>() * font.px / m.height),
        None => Ok(f64::from(area.estimate_text_size(s, &font.style(false))?.0)),
    }
}

/// Draws `s` with its `anchor` at `pos` (pixels relative to `area`).
///
/// # Errors
/// When drawing fails.
pub fn draw(
    area: &Area<'_>,
    s: &str,
    font: Font,
    pos: (i32, i32),
    anchor: (HPos, VPos),
    direction: Direction,
) -> Result<(), ChartError> {
    let up = direction == Direction::Up;
    let Some(m) = font.metrics() else {
        let style = font
            .style(up)
            .pos(plotters::style::text_anchor::Pos::new(anchor.0, anchor.1));
        return Ok(area.draw_text(s, &style, pos)?);
    };
    let scale = font.px / m.height;
    let total = width(area, s, font)?;
    let mut pen = match anchor.0 {
        HPos::Left => 0.0,
        HPos::Center => -total / 2.0,
        HPos::Right => -total,
    };
    let baseline = match anchor.1 {
        VPos::Top => m.cap_height * scale,
        VPos::Center => m.cap_height * scale / 2.0,
        VPos::Bottom => -m.descent * scale,
    };
    // plotters draws a glyph's baseline half a size below the point it is given.
    let v = (baseline - font.px / 2.0).round() as i32;
    let style = font.style(up);
    let mut buf = [0u8; 4];
    for c in s.chars() {
        if !c.is_whitespace() {
            let u = (pen + m.lsb(c) * scale).round() as i32;
            let at = if up {
                (pos.0 + v, pos.1 - u)
            } else {
                (pos.0 + u, pos.1 + v)
            };
            area.draw_text(c.encode_utf8(&mut buf), &style, at)?;
        }
        pen += m.advance(c) * scale;
    }
    Ok(())
}

/// Splits `s` into lines no wider than `max_px`, at spaces.
///
/// # Errors
/// When the font cannot lay the text out.
pub fn wrap(area: &Area<'_>, s: &str, font: Font, max_px: f64) -> Result<Vec<String>, ChartError> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split(' ') {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && width(area, &candidate, font)? > max_px {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::charts::{fonts, INK, WIDTH};

    /// Draws `s` on a small white canvas; returns the columns with ink.
    fn ink_columns(s: &str, x: i32, anchor: HPos) -> (i32, i32) {
        fonts().unwrap();
        let (w, h) = (240u32, 60u32);
        let mut pixels = vec![255u8; (w * h * 3) as usize];
        {
            let area = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
            let font = Font::new(24.0, INK);
            draw(
                &area,
                s,
                font,
                (x, 30),
                (anchor, VPos::Center),
                Direction::Across,
            )
            .unwrap();
            area.present().unwrap();
        }
        let inked: Vec<i32> = (0..w as usize)
            .filter(|&c| (0..h as usize).any(|r| pixels[(r * w as usize + c) * 3] < 200))
            .map(|c| c as i32)
            .collect();
        (inked[0], inked[inked.len() - 1])
    }

    #[test]
    fn widths_add_up_and_bold_is_wider() {
        fonts().unwrap();
        let mut pixels = vec![255u8; 30];
        let area = BitMapBackend::with_buffer(&mut pixels, (5, 2)).into_drawing_area();
        let font = Font::new(20.0, INK);
        let w = |s: &str, f: Font| width(&area, s, f).unwrap();
        assert!((w("OpenAI", font) - w("Open", font) - w("AI", font)).abs() < 1e-9);
        assert!(w("$1.2T", font.bold()) > w("$1.2T", font));
        let lines = wrap(&area, "one two three four five six", font, 80.0).unwrap();
        assert!(lines.len() > 1 && lines.iter().all(|l| w(l, font) <= 80.0));
        assert_eq!(lines.join(" "), "one two three four five six");
        assert!(f64::from(WIDTH) > w("a long caption of a chart", font));
    }

    #[test]
    fn anchors_place_the_ink() {
        let (left, right) = ink_columns("$2.5T", 20, HPos::Left);
        assert!((20..24).contains(&left), "left edge at {left}");
        let (_, end) = ink_columns("$2.5T", 200, HPos::Right);
        assert!((196..=201).contains(&end), "right edge at {end}");
        let (a, b) = ink_columns("$2.5T", 120, HPos::Center);
        assert!(((a + b) / 2 - 120).abs() <= 2, "centred: {a}..{b}");
        assert!(right - left > 40);
    }
}
