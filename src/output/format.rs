//! Number formatting shared by every output: plain numbers for CSV and TOML
//! (shortest text that reads back to the same double), and human forms for
//! the terminal and charts (`$1.2T`, `38%`, `100,000`).

/// Appends `x` as a plain number: integers without a decimal point,
/// everything else in the shortest form that round-trips (ryu's text: `1e16`,
/// `1.5e-7`); NaN as nothing.
///
/// `metrics.csv` is 22 numbers a path, so integers go straight into the
/// buffer's spare capacity, and other numbers are written by `zmij`, a third
/// faster than ryu on `metrics.csv`'s values (27 against 40 ns a number)
/// and the same digits; only its exponent's `+` is dropped.
#[inline]
pub fn push_number(buf: &mut Vec<u8>, x: f64) {
    if x.is_nan() {
        return;
    }
    if !x.is_finite() {
        buf.extend_from_slice(if x > 0.0 { b"inf" } else { b"-inf" });
        return;
    }
    if is_small_integer(x) {
        // An integer below 1e16: at most 17 bytes with its sign.
        append(buf, 17, |out| write_integer(out, x as i64));
        return;
    }
    push_formatted(buf, Formatted::new(&mut zmij::Buffer::new(), x));
}

/// Appends one `metrics.csv` line: `first`, then each of `values` after a
/// comma, then a newline, each number as [`push_number`] writes it.
///
/// A number that `zmij` formats is copied out of its buffer only after the
/// next number has been formatted into a second buffer: copying it at once
/// loads bytes just stored in several pieces, which the processor cannot
/// hand over from its store buffer, so the load waits until the stores
/// reach the cache. The text is that of `push_number` number by number (a
/// test compares them).
pub fn push_row(buf: &mut Vec<u8>, first: f64, values: &[f64]) {
    let (mut a, mut b) = (zmij::Buffer::new(), zmij::Buffer::new());
    push_number(buf, first);
    let mut pending = None;
    let mut rest = values.iter();
    while let Some(&x) = rest.next() {
        pending = push_after(buf, x, &mut a, pending);
        let Some(&x) = rest.next() else { break };
        pending = push_after(buf, x, &mut b, pending);
    }
    if let Some(text) = pending {
        push_formatted(buf, text);
    }
    buf.push(b'\n');
}

/// One number of [`push_row`]: formats `x` into `fresh` if `zmij` is
/// needed, then writes the number before it (`pending`) and a comma, then
/// `x` itself unless it waits in `fresh` (returned).
#[inline(always)]
fn push_after<'a>(
    buf: &mut Vec<u8>,
    x: f64,
    fresh: &'a mut zmij::Buffer,
    pending: Option<Formatted<'_>>,
) -> Option<Formatted<'a>> {
    let by_zmij = x.is_finite() && !is_small_integer(x);
    let text = by_zmij.then(|| Formatted::new(fresh, x));
    if let Some(before) = pending {
        push_formatted(buf, before);
    }
    buf.push(b',');
    if text.is_none() {
        push_number(buf, x);
    }
    text
}

/// A number's text in a `zmij` buffer; `exponent` when it may have an
/// exponent with a `+` (dropped).
struct Formatted<'a> {
    text: &'a [u8],
    exponent: bool,
}

impl<'a> Formatted<'a> {
    /// Finite `x` formatted by `zmij` into `buffer`.
    #[inline(always)]
    fn new(buffer: &'a mut zmij::Buffer, x: f64) -> Self {
        Formatted {
            text: buffer.format_finite(x).as_bytes(),
            exponent: x.abs() >= 1e16,
        }
    }
}

/// Writes `zmij`'s text as [`push_number`] does.
#[inline(always)]
fn push_formatted(buf: &mut Vec<u8>, formatted: Formatted<'_>) {
    let text = formatted.text;
    if formatted.exponent {
        buf.extend(text.iter().copied().filter(|&b| b != b'+'));
    } else {
        // Below 1e16 the form has no exponent, or a negative one.
        append(buf, text.len(), |out| {
            copy_short(out, text);
            text.len()
        });
    }
}

/// Whether `x` is an integer below 1e16 in size (written digit by digit).
#[inline(always)]
fn is_small_integer(x: f64) -> bool {
    x.fract() == 0.0 && x.abs() < 1e16
}

/// Lets `write` fill up to `room` bytes of `buf`'s spare capacity and keeps
/// the number of bytes it says it wrote.
#[inline(always)]
fn append(
    buf: &mut Vec<u8>,
    room: usize,
    write: impl FnOnce(&mut [std::mem::MaybeUninit<u8>]) -> usize,
) {
    buf.reserve(room);
    let len = buf.len();
    let written = write(&mut buf.spare_capacity_mut()[..room]);
    assert!(written <= room);
    // SAFETY: `write` initialised the first `written` bytes of the spare
    // capacity (each caller writes exactly the bytes it counts).
    unsafe { buf.set_len(len + written) };
}

/// Copies `src` (at most 32 bytes) into `dst` of the same length with two
/// overlapping fixed-size copies, which compile to a few moves: a number's
/// text is too short for a `memcpy` call to pay.
#[inline(always)]
fn copy_short(dst: &mut [std::mem::MaybeUninit<u8>], src: &[u8]) {
    use std::mem::MaybeUninit;
    fn both<const K: usize>(dst: &mut [MaybeUninit<u8>], src: &[u8]) {
        let n = src.len();
        let (head, tail): ([u8; K], [u8; K]) = (
            src[..K].try_into().expect("K bytes"),
            src[n - K..].try_into().expect("K bytes"),
        );
        for (d, &b) in dst[..K].iter_mut().zip(&head) {
            d.write(b);
        }
        for (d, &b) in dst[n - K..].iter_mut().zip(&tail) {
            d.write(b);
        }
    }
    assert_eq!(dst.len(), src.len());
    match src.len() {
        16..=32 => both::<16>(dst, src),
        8..=15 => both::<8>(dst, src),
        4..=7 => both::<4>(dst, src),
        _ => {
            for (d, &b) in dst.iter_mut().zip(src) {
                d.write(b);
            }
        }
    }
}

/// Writes integer `v` (|v| < 1e16) in decimal at the start of `out` and
/// returns its length.
#[inline]
fn write_integer(out: &mut [std::mem::MaybeUninit<u8>], v: i64) -> usize {
    let sign = usize::from(v < 0);
    let mut n = v.unsigned_abs();
    let digits = n.checked_ilog10().map_or(1, |d| d as usize + 1);
    if sign == 1 {
        out[0].write(b'-');
    }
    for slot in out[sign..sign + digits].iter_mut().rev() {
        slot.write(b'0' + (n % 10) as u8);
        n /= 10;
    }
    sign + digits
}

/// `x` as a plain number string (see [`push_number`]); `nan` for NaN so the
/// text stays valid TOML.
pub fn plain_number(x: f64) -> String {
    if x.is_nan() {
        return "nan".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    let mut buf = Vec::with_capacity(24);
    push_number(&mut buf, x);
    String::from_utf8(buf).unwrap_or_default()
}

/// Rounds to `sig` significant digits and drops trailing zeros.
pub fn significant(x: f64, sig: usize) -> String {
    let s = significant_exact(x, sig);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Rounds to `sig` significant digits and shows them all, trailing zeros
/// included: `0.160`, `51.0`, `106`.
pub fn significant_exact(x: f64, sig: usize) -> String {
    if x == 0.0 || !x.is_finite() {
        return plain_number(x);
    }
    let rounded = round_significant(x, sig as i32);
    // The magnitude after rounding (9.996 to 3 digits is 10.0, not 9.996),
    // nudged so 0.1 computed as 0.09999… counts as 0.1.
    let magnitude = (rounded.abs().log10() + 1e-9).floor() as i32;
    let decimals = (sig as i32 - 1 - magnitude).max(0) as usize;
    format!("{rounded:.decimals$}")
}

/// The fewest significant digits (at most `max`) that show `x` as it
/// reads at `max` digits with trailing zeros dropped: 2 for 0.16 at 3, 3
/// for 0.674, 1 for 40.
pub fn digits_needed(x: f64, max: usize) -> usize {
    let target = round_significant(x, max as i32);
    (1..max)
        .find(|&s| {
            let r = round_significant(x, s as i32);
            (r - target).abs() <= 1e-12 * target.abs().max(f64::MIN_POSITIVE)
        })
        .unwrap_or(max)
}

/// `x` rounded to `sig` significant digits.
pub fn round_significant(x: f64, sig: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let step = 10f64.powi(x.abs().log10().floor() as i32 - sig + 1);
    (x / step).round() * step
}

/// Money with a scale suffix: `$1.4T`, `$420B`, `$35.2M`, `-$20B`.
pub fn money(x: f64) -> String {
    money_with(x, 3, significant)
}

/// Money with up to `sig` significant digits: `$41.08B` at 4 digits.
pub fn money_digits(x: f64, sig: usize) -> String {
    money_with(x, sig, significant)
}

/// Money with exactly `sig` significant digits, trailing zeros kept:
/// `$40.0B` at 3 digits (for values shown side by side).
pub fn money_exact(x: f64, sig: usize) -> String {
    money_with(x, sig, significant_exact)
}

fn money_with(x: f64, sig: usize, digits: fn(f64, usize) -> String) -> String {
    if !x.is_finite() {
        return plain_number(x);
    }
    let sign = if x < 0.0 { "-" } else { "" };
    // Round first, so $999.97B shows as $1T.
    let a = round_significant(x.abs(), sig as i32);
    let (scaled, suffix) = if a >= 1e12 {
        (a / 1e12, "T")
    } else if a >= 1e9 {
        (a / 1e9, "B")
    } else if a >= 1e6 {
        (a / 1e6, "M")
    } else if a >= 1e3 {
        (a / 1e3, "k")
    } else {
        (a, "")
    };
    format!("{sign}${}{suffix}", digits(scaled, sig))
}

/// A share as a percentage with up to 3 significant digits: `38%`.
pub fn percent(x: f64) -> String {
    if !x.is_finite() {
        return plain_number(x);
    }
    format!("{}%", significant(x * 100.0, 3))
}

/// A share as a percentage with up to `sig` significant digits: `12.34%`
/// at 4 digits.
pub fn percent_digits(x: f64, sig: usize) -> String {
    if !x.is_finite() {
        return plain_number(x);
    }
    format!("{}%", significant(x * 100.0, sig))
}

/// The fewest significant digits from `min` to `max` at which `show`
/// writes any two different values of `xs` differently (`max` if none):
/// 4 for $997B and $1.003T, where 3 digits show $997B and $1T but the
/// threshold $1T and 1.003T would read the same.
pub fn digits_to_tell_apart(
    xs: &[f64],
    min: usize,
    max: usize,
    show: impl Fn(f64, usize) -> String,
) -> usize {
    let apart = |sig: usize| {
        xs.iter().enumerate().all(|(i, &a)| {
            xs[i + 1..]
                .iter()
                .all(|&b| a == b || a.is_nan() || b.is_nan() || show(a, sig) != show(b, sig))
        })
    };
    (min..max).find(|&sig| apart(sig)).unwrap_or(max)
}

/// A share as a percentage with exactly `sig` significant digits:
/// `0.50%` at 2 digits.
pub fn percent_exact(x: f64, sig: usize) -> String {
    if !x.is_finite() {
        return plain_number(x);
    }
    format!("{}%", significant_exact(x * 100.0, sig))
}

/// An integer with thousands separators: `100,000`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_its_numbers_written_one_by_one() {
        // Every kind of value, in runs of every length, so each kind
        // follows each other kind through both of push_row's buffers.
        let kinds = [
            f64::NAN,
            0.0,
            -0.0,
            3.0,
            -42.0,
            0.1,
            -2.5e-7,
            123_456.789,
            1e16,
            -3.3e21,
            9.999_999_999_999_998e15,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE / 3.0,
        ];
        let mut rng = crate::test_rng::XorShift(99);
        for len in 0..40 {
            let values: Vec<f64> = (0..len)
                .map(|_| kinds[(rng.next_u64() % kinds.len() as u64) as usize])
                .collect();
            let mut by_row = Vec::new();
            push_row(&mut by_row, len as f64, &values);
            let mut one_by_one = Vec::new();
            push_number(&mut one_by_one, len as f64);
            for &x in &values {
                one_by_one.push(b',');
                push_number(&mut one_by_one, x);
            }
            one_by_one.push(b'\n');
            assert_eq!(
                String::from_utf8(by_row).unwrap(),
                String::from_utf8(one_by_one).unwrap(),
                "{values:?}"
            );
        }
    }

    #[test]
    fn plain_numbers_round_trip() {
        for x in [
            0.0,
            -0.0,
            1.0,
            -7.0,
            1.4e12,
            0.1,
            1.0 / 3.0,
            1e-7,
            123456.789,
            1e16,
            2.5e20,
            -3.25,
        ] {
            let s = plain_number(x);
            assert_eq!(s.parse::<f64>().unwrap(), x, "{s}");
            assert!(!s.contains(','));
        }
        assert_eq!(plain_number(1.4e12), "1400000000000");
        assert_eq!(plain_number(-0.0), "0");
        assert_eq!(plain_number(6.0), "6");
        assert_eq!(plain_number(0.25), "0.25");
        let mut buf = Vec::new();
        push_number(&mut buf, f64::NAN);
        assert!(buf.is_empty());
    }

    #[test]
    fn short_copies_of_every_length() {
        let src: Vec<u8> = (1..=32).collect();
        for n in 0..=32 {
            let mut dst = vec![std::mem::MaybeUninit::new(0u8); n];
            copy_short(&mut dst, &src[..n]);
            // SAFETY: every byte was initialised above.
            let got: Vec<u8> = dst.iter().map(|b| unsafe { b.assume_init() }).collect();
            assert_eq!(got, &src[..n], "{n} bytes");
        }
    }

    #[test]
    fn numbers_are_written_as_integers_or_by_ryu() {
        // The forms `push_number` promises, spelled out with the standard
        // library's integer text and ryu's own buffer (so the text is what
        // it was when ryu wrote it).
        let expected = |x: f64| -> String {
            if x.is_nan() {
                String::new()
            } else if x.fract() == 0.0 && x.abs() < 1e16 {
                (x as i64).to_string()
            } else {
                ryu::Buffer::new().format(x).to_string()
            }
        };
        let mut rng = crate::test_rng::XorShift(99);
        let mut xs = vec![
            0.0,
            -0.0,
            9.0,
            10.0,
            -10.0,
            9_999_999_999_999_999.0,
            -9_999_999_999_999_998.0,
            1e16,
            -1e16,
            1.5e16,
            1e21,
            -1.2345e300,
            4503599627370495.5,
            1.5e-7,
            1e-5,
            0.5,
            -1e-300,
            5e-324,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        for _ in 0..20_000 {
            let bits = rng.next_u64();
            xs.push(f64::from_bits(bits));
            xs.push((bits % 2_000_001) as f64 - 1e6);
            xs.push(rng.unit() * 1e12);
        }
        let mut all = Vec::new();
        let mut want = String::new();
        for &x in &xs {
            let mut one = Vec::new();
            push_number(&mut one, x);
            assert_eq!(String::from_utf8(one).unwrap(), expected(x), "{x:e}");
            // Appending after other text, with the buffer growing.
            push_number(&mut all, x);
            all.push(b',');
            want.push_str(&expected(x));
            want.push(',');
        }
        assert_eq!(String::from_utf8(all).unwrap(), want);
    }

    #[test]
    fn human_forms() {
        assert_eq!(money(1.4e12), "$1.4T");
        assert_eq!(money(4.2e11), "$420B");
        assert_eq!(money(-2e10), "-$20B");
        assert_eq!(money(35.24e6), "$35.2M");
        assert_eq!(money(1.2345e12), "$1.23T");
        assert_eq!(money(999.97e9), "$1T");
        assert_eq!(money(-999_600.0), "-$1M");
        assert_eq!(percent(0.38), "38%");
        assert_eq!(percent(0.125), "12.5%");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(significant(0.012345, 3), "0.0123");
        assert_eq!(significant(9.996, 3), "10");
        assert_eq!(money_digits(41.0791e9, 4), "$41.08B");
        assert_eq!(money_digits(4e10, 4), "$40B");
        assert_eq!(percent_digits(0.123456, 4), "12.35%");
    }

    #[test]
    fn digits_tell_values_apart() {
        // $1.0033T and the threshold $1T read the same at 3 digits.
        let xs = [0.997e12, 1.0033e12, 1e12];
        assert_eq!(digits_to_tell_apart(&xs, 3, 10, money_digits), 4);
        assert_eq!(money_digits(1.0033e12, 4), "$1.003T");
        // Equal values need no more digits, nor do NaNs.
        assert_eq!(
            digits_to_tell_apart(&[1e12, 1e12, f64::NAN], 3, 10, money_digits),
            3
        );
        let grid: Vec<f64> = (0..100).map(|i| 0.1 + 1.9 * f64::from(i) / 99.0).collect();
        let sig = digits_to_tell_apart(&grid, 3, 12, significant);
        assert_eq!(sig, 3, "0.1, 0.119, 0.138, … differ at 3 digits");
        assert_eq!(significant(grid[50], sig), "1.06");
    }

    #[test]
    fn exact_forms_keep_trailing_zeros() {
        assert_eq!(significant_exact(0.16, 3), "0.160");
        assert_eq!(significant_exact(0.6742, 3), "0.674");
        assert_eq!(significant_exact(51.0, 3), "51.0");
        assert_eq!(significant_exact(9.996, 3), "10.0");
        assert_eq!(significant_exact(0.09996, 3), "0.100");
        assert_eq!(significant_exact(1234.0, 2), "1200");
        assert_eq!(money_exact(4e10, 3), "$40.0B");
        assert_eq!(money_exact(1.06e11, 2), "$110B");
        assert_eq!(percent_exact(0.005, 2), "0.50%");
        assert_eq!(digits_needed(0.16, 3), 2);
        assert_eq!(digits_needed(0.6742, 3), 3);
        assert_eq!(digits_needed(40.0, 3), 1);
        assert_eq!(digits_needed(0.0, 3), 1);
        assert_eq!(digits_needed(4.1e10, 3), 2);
    }
}
