//! Number formatting shared by every output: plain numbers for CSV and TOML
//! (shortest text that reads back to the same double), and human forms for
//! the terminal and charts (`$1.2T`, `38%`, `100,000`).

/// Appends `x` as a plain number: integers without a decimal point,
/// everything else in the shortest form that round-trips; NaN as nothing.
pub fn push_number(buf: &mut Vec<u8>, x: f64) {
    if x.is_nan() {
        return;
    }
    if x == 0.0 {
        buf.push(b'0');
    } else if x.fract() == 0.0 && x.abs() < 1e16 {
        let mut b = itoa_buffer();
        buf.extend_from_slice(format_i64(&mut b, x as i64));
    } else {
        let mut r = ryu::Buffer::new();
        buf.extend_from_slice(r.format(x).as_bytes());
    }
}

fn itoa_buffer() -> [u8; 20] {
    [0; 20]
}

fn format_i64(buf: &mut [u8; 20], v: i64) -> &[u8] {
    let negative = v < 0;
    let mut n = v.unsigned_abs();
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if negative {
        i -= 1;
        buf[i] = b'-';
    }
    &buf[i..]
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
    if x == 0.0 || !x.is_finite() {
        return plain_number(x);
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (sig as i32 - 1 - magnitude).max(0) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
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
    if !x.is_finite() {
        return plain_number(x);
    }
    let sign = if x < 0.0 { "-" } else { "" };
    // Round to 3 significant digits first, so $999.97B shows as $1T.
    let a = round_significant(x.abs(), 3);
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
    format!("{sign}${}{suffix}", significant(scaled, 3))
}

/// A share as a percentage with up to `sig` significant digits: `38%`.
pub fn percent(x: f64) -> String {
    if !x.is_finite() {
        return plain_number(x);
    }
    format!("{}%", significant(x * 100.0, 3))
}

/// An integer with thousands separators: `100,000`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
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
    }
}
