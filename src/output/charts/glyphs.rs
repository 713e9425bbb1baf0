//! Just enough of the bundled TrueType fonts to place glyphs correctly:
//! each glyph's advance and left side bearing, the cap height and the
//! descent.
//!
//! plotters' ab_glyph text drawing puts every glyph's ink at the pen
//! position, ignoring its left side bearing (so "OpenAI" reads "Open AI"
//! and "$2.5T" reads "$2.5 T"), and puts the baseline half a size below
//! the anchor. [`super::text`] places each glyph itself with these numbers.
//! Parsing reads the tables `head`, `hhea`, `cmap` (format 4), `hmtx`,
//! `loca` and `glyf`; a font it cannot read gives `None`, and text is then
//! drawn as plotters draws it.

use std::sync::OnceLock;

use plotters::style::FontStyle;

use super::{DEJAVU_SANS, DEJAVU_SANS_BOLD};

/// Placement numbers of one font, in font units.
#[derive(Debug, Clone)]
pub struct FontMetrics {
    /// Ascent − descent: the height a pixel size refers to.
    pub height: f64,
    /// Height of capital letters (of `H`).
    pub cap_height: f64,
    /// Depth of descenders below the baseline (positive).
    pub descent: f64,
    segments: Vec<Segment>,
    hmtx: usize,
    long_metrics: usize,
    glyphs: usize,
    bytes: &'static [u8],
}

/// One segment of a format-4 cmap: characters `start..=end`.
#[derive(Debug, Clone, Copy)]
struct Segment {
    start: u32,
    end: u32,
    delta: u16,
    range_offset: u16,
    /// Where `range_offset` sits in the file (glyph ids are found relative
    /// to it).
    at: usize,
}

/// The metrics of the bundled regular or bold face.
pub fn metrics(style: FontStyle) -> Option<&'static FontMetrics> {
    static REGULAR: OnceLock<Option<FontMetrics>> = OnceLock::new();
    static BOLD: OnceLock<Option<FontMetrics>> = OnceLock::new();
    match style {
        FontStyle::Bold => BOLD.get_or_init(|| FontMetrics::parse(DEJAVU_SANS_BOLD)),
        _ => REGULAR.get_or_init(|| FontMetrics::parse(DEJAVU_SANS)),
    }
    .as_ref()
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn i16_at(b: &[u8], at: usize) -> Option<i16> {
    u16_at(b, at).map(|v| v as i16)
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16_at(b, at)?) << 16 | u32::from(u16_at(b, at + 2)?))
}

/// Offset of table `tag`.
fn table(b: &[u8], tag: &[u8; 4]) -> Option<usize> {
    let count = usize::from(u16_at(b, 4)?);
    (0..count)
        .map(|i| 12 + 16 * i)
        .find(|&rec| b.get(rec..rec + 4) == Some(tag.as_slice()))
        .and_then(|rec| u32_at(b, rec + 8).map(|o| o as usize))
}

impl FontMetrics {
    /// Reads the tables it needs from a TrueType font.
    pub fn parse(bytes: &'static [u8]) -> Option<FontMetrics> {
        let hhea = table(bytes, b"hhea")?;
        let maxp = table(bytes, b"maxp")?;
        let mut m = FontMetrics {
            height: f64::from(i16_at(bytes, hhea + 4)?) - f64::from(i16_at(bytes, hhea + 6)?),
            cap_height: 0.0,
            descent: -f64::from(i16_at(bytes, hhea + 6)?),
            segments: cmap_segments(bytes)?,
            hmtx: table(bytes, b"hmtx")?,
            long_metrics: usize::from(u16_at(bytes, hhea + 34)?),
            glyphs: usize::from(u16_at(bytes, maxp + 4)?),
            bytes,
        };
        m.cap_height = f64::from(m.y_max(m.find_glyph('H')?)?);
        (m.height > 0.0).then_some(m)
    }

    /// Glyph id of `c`; 0 (the "missing" glyph) if the font lacks it.
    fn glyph(&self, c: char) -> usize {
        self.find_glyph(c).unwrap_or(0)
    }

    fn find_glyph(&self, c: char) -> Option<usize> {
        let c = c as u32;
        let seg = self.segments.iter().find(|s| s.start <= c && c <= s.end)?;
        let id = if seg.range_offset == 0 {
            (c as u16).wrapping_add(seg.delta)
        } else {
            let at = seg.at + usize::from(seg.range_offset) + 2 * (c - seg.start) as usize;
            let g = u16_at(self.bytes, at)?;
            if g == 0 {
                return None;
            }
            g.wrapping_add(seg.delta)
        };
        (usize::from(id) < self.glyphs).then_some(usize::from(id))
    }

    /// Advance width of `c`, font units.
    pub fn advance(&self, c: char) -> f64 {
        let g = self.glyph(c).min(self.long_metrics.saturating_sub(1));
        u16_at(self.bytes, self.hmtx + 4 * g).map_or(0.0, f64::from)
    }

    /// Left side bearing of `c`, font units.
    pub fn lsb(&self, c: char) -> f64 {
        let g = self.glyph(c);
        let at = if g < self.long_metrics {
            self.hmtx + 4 * g + 2
        } else {
            self.hmtx + 4 * self.long_metrics + 2 * (g - self.long_metrics)
        };
        i16_at(self.bytes, at).map_or(0.0, f64::from)
    }

    /// Top of a glyph's outline, font units.
    fn y_max(&self, glyph: usize) -> Option<i16> {
        let head = table(self.bytes, b"head")?;
        let loca = table(self.bytes, b"loca")?;
        let glyf = table(self.bytes, b"glyf")?;
        let offset = if i16_at(self.bytes, head + 50)? == 0 {
            2 * usize::from(u16_at(self.bytes, loca + 2 * glyph)?)
        } else {
            u32_at(self.bytes, loca + 4 * glyph)? as usize
        };
        i16_at(self.bytes, glyf + offset + 8)
    }
}

/// The segments of the Unicode BMP cmap subtable (platform 3 or 0, format 4).
fn cmap_segments(b: &[u8]) -> Option<Vec<Segment>> {
    let cmap = table(b, b"cmap")?;
    let sub = (0..usize::from(u16_at(b, cmap + 2)?))
        .map(|i| cmap + 4 + 8 * i)
        .filter_map(|rec| u32_at(b, rec + 4).map(|off| cmap + off as usize))
        .find(|&s| u16_at(b, s) == Some(4))?;
    let n = usize::from(u16_at(b, sub + 6)? / 2);
    let ends = sub + 14;
    let starts = ends + 2 * n + 2;
    let deltas = starts + 2 * n;
    let ranges = deltas + 2 * n;
    (0..n)
        .map(|i| {
            Some(Segment {
                start: u32::from(u16_at(b, starts + 2 * i)?),
                end: u32::from(u16_at(b, ends + 2 * i)?),
                delta: u16_at(b, deltas + 2 * i)?,
                range_offset: u16_at(b, ranges + 2 * i)?,
                at: ranges + 2 * i,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_bundled_fonts() {
        for style in [FontStyle::Normal, FontStyle::Bold] {
            let m = metrics(style).expect("bundled font parses");
            assert!(m.height > 2000.0 && m.descent > 0.0);
            assert!((1400.0..1600.0).contains(&m.cap_height), "{}", m.cap_height);
            // Known bearings: "T" almost none, "." and "I" wide, "2" in between.
            assert!(m.lsb('T').abs() < 40.0, "{}", m.lsb('T'));
            assert!(m.lsb('.') > 150.0 && m.lsb('I') > 150.0);
            assert!(m.lsb('2') > 50.0);
            assert!(m.advance('W') > m.advance('i') && m.advance(' ') > 0.0);
            assert_eq!(
                m.advance('\u{10FFFF}'),
                m.advance('\u{10FFFE}'),
                "missing glyphs share one"
            );
        }
    }

    #[test]
    fn bad_fonts_give_none() {
        assert!(FontMetrics::parse(b"not a font").is_none());
        assert!(FontMetrics::parse(&[]).is_none());
    }
}
