//! The frame every chart shares: white canvas of [`WIDTH`]×[`HEIGHT`],
//! title and subtitle at the top, the legend under them (outside the plot,
//! so it never hides data), the caption at the bottom; then PNG encoding.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::caption::{caption_font, caption_width};
use super::text::{self, Direction, Font};
use super::{
    fonts, ChartError, CAPTION_PX, HEIGHT, INK, LEGEND_PX, MUTED, PAD, SUBTITLE_PX, TITLE_PX, WIDTH,
};

const TOP_LEFT: (HPos, VPos) = (HPos::Left, VPos::Top);

/// A drawing area in pixels.
pub type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

/// What a legend entry shows beside its label.
#[derive(Debug, Clone, Copy)]
pub enum Swatch {
    /// A solid line.
    Line(RGBColor),
    /// A dashed line.
    Dashed(RGBColor),
    /// A dotted line (a reference that must not pass for a dashed series).
    Dotted(RGBColor),
    /// A filled box (bands, bars).
    Fill(RGBAColor),
    /// A box filled half and half (the same band of two series).
    Split(RGBAColor, RGBAColor),
}

/// One legend entry.
#[derive(Debug, Clone)]
pub struct LegendEntry {
    /// The mark.
    pub swatch: Swatch,
    /// The text.
    pub label: String,
}

impl LegendEntry {
    /// An entry with a mark and a label.
    pub fn new(swatch: Swatch, label: impl Into<String>) -> Self {
        LegendEntry {
            swatch,
            label: label.into(),
        }
    }
}

/// The text around a chart.
#[derive(Debug, Clone, Default)]
pub struct Frame {
    /// Top line, naming the scenario.
    pub title: String,
    /// What is shown, wrapped to the width.
    pub subtitle: String,
    /// Legend entries, laid out in rows.
    pub legend: Vec<LegendEntry>,
    /// Bottom line: file, paths, seed, version (see [`super::caption()`]).
    pub caption: String,
}

/// Draws the chart: frame first, then `plot` into the area left for it;
/// returns the PNG bytes.
///
/// # Errors
/// When drawing or encoding fails.
pub fn render_png(
    frame: &Frame,
    plot: impl FnOnce(&Area<'_>) -> Result<(), ChartError>,
) -> Result<Vec<u8>, ChartError> {
    fonts()?;
    let mut pixels = vec![255u8; WIDTH as usize * HEIGHT as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE)?;
        let area = draw_frame(&root, frame)?;
        plot(&area)?;
        root.present()?;
    }
    encode_png(&pixels, WIDTH, HEIGHT)
}

/// Encodes 8-bit RGB pixels as PNG.
///
/// # Errors
/// When the pixel buffer does not match the size.
pub fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, ChartError> {
    let mut out = Vec::with_capacity(rgb.len() / 8);
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Default);
    // Each row as its difference from the row above ("Up"): the eight
    // charts of a default run take 526 KB instead of 633 KB and 108 ms
    // instead of 123 ms to compress, against the crate's default ("Sub",
    // the difference from the pixel to the left).
    encoder.set_filter(png::FilterType::Up);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}

/// Draws title, subtitle, legend and caption; returns the area left for
/// the plot.
fn draw_frame<'a>(root: &Area<'a>, frame: &Frame) -> Result<Area<'a>, ChartError> {
    let inner = f64::from(WIDTH as i32 - 2 * PAD);
    let mut y = PAD;
    let title = Font::new(TITLE_PX, INK).bold();
    text::draw(
        root,
        &frame.title,
        title,
        (PAD, y),
        TOP_LEFT,
        Direction::Across,
    )?;
    y += (TITLE_PX * 1.15) as i32;
    let sub = Font::new(SUBTITLE_PX, MUTED);
    for line in text::wrap(root, &frame.subtitle, sub, inner)? {
        text::draw(root, &line, sub, (PAD, y), TOP_LEFT, Direction::Across)?;
        y += (SUBTITLE_PX * 1.25) as i32;
    }
    y += 8;
    y = draw_legend(root, &frame.legend, y)?;
    // The caption from the bottom up, wrapped like the subtitle.
    let caption = caption_font();
    let line_h = CAPTION_PX as i32 + 4;
    let mut caption_y = HEIGHT as i32 - PAD / 2;
    let lines = text::wrap(root, &frame.caption, caption, caption_width())?;
    for line in lines.iter().rev() {
        let anchor = (HPos::Left, VPos::Bottom);
        text::draw(
            root,
            line,
            caption,
            (PAD, caption_y),
            anchor,
            Direction::Across,
        )?;
        caption_y -= line_h;
    }
    // The room the lines take, and a gap of 2 pixels above them.
    let bottom = HEIGHT as i32 - caption_y + 2;
    Ok(root.margin(y, bottom, PAD / 2, PAD))
}

/// Lays the legend out in rows from `y`; returns the y below it.
fn draw_legend(root: &Area<'_>, entries: &[LegendEntry], mut y: i32) -> Result<i32, ChartError> {
    const SWATCH_W: i32 = 34;
    const GAP: i32 = 30;
    let font = Font::new(LEGEND_PX, INK);
    let row_h = (LEGEND_PX * 1.6) as i32;
    let mut x = PAD;
    for (i, entry) in entries.iter().enumerate() {
        let w = SWATCH_W + 8 + text::width(root, &entry.label, font)?.ceil() as i32;
        if i > 0 && x + w > WIDTH as i32 - PAD {
            x = PAD;
            y += row_h;
        }
        let mid = y + (LEGEND_PX * 0.4) as i32;
        draw_swatch(root, entry.swatch, x, mid, SWATCH_W)?;
        let anchor = (HPos::Left, VPos::Center);
        text::draw(
            root,
            &entry.label,
            font,
            (x + SWATCH_W + 8, mid),
            anchor,
            Direction::Across,
        )?;
        x += w + GAP;
    }
    Ok(if entries.is_empty() { y } else { y + row_h })
}
fn draw_swatch(
    root: &Area<'_>,
    swatch: Swatch,
    x: i32,
    mid: i32,
    w: i32,
) -> Result<(), ChartError> {
    match swatch {
        Swatch::Line(c) => {
            root.draw(&PathElement::new(
                vec![(x, mid), (x + w, mid)],
                c.stroke_width(3),
            ))?;
        }
        Swatch::Dashed(c) => {
            for k in 0..3 {
                let x0 = x + k * 13;
                root.draw(&PathElement::new(
                    vec![(x0, mid), (x0 + 8, mid)],
                    c.stroke_width(3),
                ))?;
            }
        }
        Swatch::Dotted(c) => {
            for k in 0..4 {
                let x0 = x + k * 10;
                root.draw(&PathElement::new(
                    vec![(x0, mid), (x0 + 4, mid)],
                    c.stroke_width(3),
                ))?;
            }
        }
        Swatch::Fill(c) => {
            root.draw(&Rectangle::new(
                [(x, mid - 8), (x + w, mid + 8)],
                c.filled(),
            ))?;
        }
        Swatch::Split(a, b) => {
            root.draw(&Rectangle::new(
                [(x, mid - 8), (x + w / 2, mid + 8)],
                a.filled(),
            ))?;
            root.draw(&Rectangle::new(
                [(x + w / 2, mid - 8), (x + w, mid + 8)],
                b.filled(),
            ))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_round_trips() {
        let rgb: Vec<u8> = (0..4 * 2 * 3).map(|i| (i * 10) as u8).collect();
        let bytes = encode_png(&rgb, 4, 2).unwrap();
        let mut reader = png::Decoder::new(bytes.as_slice()).read_info().unwrap();
        let mut out = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut out).unwrap();
        assert_eq!((info.width, info.height), (4, 2));
        assert_eq!(&out[..info.buffer_size()], rgb.as_slice());
        assert!(
            encode_png(&rgb, 5, 2).is_err(),
            "a buffer of the wrong size"
        );
    }

    #[test]
    fn legend_rows_wrap_inside_the_width() {
        fonts().unwrap();
        let mut pixels = vec![255u8; WIDTH as usize * 200 * 3];
        let root = BitMapBackend::with_buffer(&mut pixels, (WIDTH, 200)).into_drawing_area();
        let one = vec![LegendEntry::new(Swatch::Line(INK), "short")];
        assert_eq!(
            draw_legend(&root, &one, 10).unwrap(),
            10 + (LEGEND_PX * 1.6) as i32
        );
        let many = vec![LegendEntry::new(Swatch::Dashed(INK), "a legend entry of some length"); 12];
        assert!(draw_legend(&root, &many, 10).unwrap() > 10 + 2 * (LEGEND_PX * 1.6) as i32);
        assert_eq!(draw_legend(&root, &[], 10).unwrap(), 10);
    }
}
