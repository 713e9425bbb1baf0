//! Helpers shared by the chart tests.

use capsim::output::charts::{HEIGHT, WIDTH};

/// Rows at the bottom of a chart that hold a one-line caption.
pub const CAPTION_ROWS: u32 = 40;

/// Asserts that two charts' RGB pixels differ in their caption (the bottom
/// rows) and nowhere else.
pub fn differ_only_in_caption(name: &str, a: &[u8], b: &[u8]) {
    let above = (WIDTH * (HEIGHT - CAPTION_ROWS) * 3) as usize;
    assert_eq!(
        a[..above],
        b[..above],
        "{name}: more than the caption changed"
    );
    assert_ne!(
        a[above..],
        b[above..],
        "{name}: the caption does not show --set"
    );
}
