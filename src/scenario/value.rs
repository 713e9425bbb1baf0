//! The value syntax of scenario files (SPEC §3.1): numbers with money
//! suffixes and percentages (`"40B"`, `"$1.4T"`, `"5%"`, `"46_000"`), and
//! 90% intervals (`"40B to 60B"`).

use super::error::{Diagnostic, Loc};
use super::node::{Node, Value};

/// A number or an interval parsed from a value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scalar {
    /// A single number.
    Number(f64),
    /// `"A to B"`: a 90% interval.
    Interval(f64, f64),
}

/// Parses a number written as a string: optional sign and `$`, digits with
/// optional `_`, decimal point and exponent, then an optional suffix
/// `k`/`K` (1e3), `M`/`m`/`mn` (1e6), `B`/`b`/`bn` (1e9), `T`/`t`/`tn`
/// (1e12) or `%` (1/100). Spaces between the number and suffix are allowed.
///
/// # Errors
/// A message saying what was expected.
pub fn parse_number(text: &str) -> Result<f64, String> {
    parse_plain(text).map_err(|e| explain(text).unwrap_or(e))
}

/// A clearer message for common mistakes: NaN or infinity, a range written
/// with a dash, a unit or a word after the number.
fn explain(text: &str) -> Option<String> {
    let t = text.trim();
    let bare = t.trim_start_matches(['-', '+']).to_ascii_lowercase();
    if matches!(bare.as_str(), "nan" | "inf" | "infinity") {
        return Some(format!(
            "\"{text}\" is not allowed: NaN and infinity are not numbers capsim can use"
        ));
    }
    if t.is_empty() {
        return Some("the value is empty".to_string());
    }
    for sep in ["..", "\u{2013}", "\u{2014}", "~", "-"] {
        let found = t
            .match_indices(sep)
            .filter(|(i, _)| *i > 0)
            .find(|(i, _)| !matches!(t.as_bytes()[i - 1], b'e' | b'E' | b'-' | b'+'));
        if let Some((i, _)) = found {
            let (a, b) = (t[..i].trim(), t[i + sep.len()..].trim());
            if parse_plain(a).is_ok() && parse_plain(b).is_ok() {
                return Some(format!(
                    "\"{text}\" looks like a range; write \"{a} to {b}\" for a 90% interval"
                ));
            }
        }
    }
    let split = t
        .char_indices()
        .find(|&(i, c)| (c.is_alphabetic() && !is_exponent(t, i)) || c == '/')
        .map(|(i, _)| i)
        .filter(|&i| i > 0)?;
    let (number, word) = (t[..split].trim(), t[split..].trim());
    let value = parse_plain(number).ok()?;
    let scale = match word.to_ascii_lowercase().as_str() {
        "thousand" => "k",
        "million" | "mil" | "mio" => "M",
        "billion" | "bil" | "bln" => "B",
        "trillion" | "tril" | "trn" => "T",
        "percent" | "pct" => "%",
        unit if UNIT_WORDS.contains(&unit) => {
            return Some(format!(
                "\"{text}\" is not a number: units are part of the key's name (_gw, _usd, _months, ...); write the number alone, e.g. {}",
                crate::output::format::plain_number(value)
            ))
        }
        _ => return None,
    };
    Some(format!(
        "\"{text}\" is not a number: write \"{number}{scale}\" (suffixes are k, M, B or bn, T and %)"
    ))
}

/// Units people write after numbers, which the key's name already gives.
const UNIT_WORDS: [&str; 21] = [
    "gw", "mw", "kw", "usd", "dollars", "dollar", "months", "month", "mo", "years", "year", "yrs",
    "yr", "y", "/mwh", "usd/mwh", "$/mwh", "gw/week", "gw/wk", "/week", "weeks",
];

fn parse_plain(text: &str) -> Result<f64, String> {
    let original = text;
    let mut s: String = text
        .trim()
        .chars()
        .filter(|&c| c != '_' && c != ',')
        .collect();
    if text.contains(',') {
        return Err(format!("\"{original}\" has a comma; write numbers without thousands separators (\"1_000\" or \"1k\")"));
    }
    let mut negative = false;
    for _ in 0..2 {
        if let Some(rest) = s.strip_prefix('-') {
            negative = !negative;
            s = rest.trim_start().to_string();
        } else if let Some(rest) = s.strip_prefix('+') {
            s = rest.trim_start().to_string();
        }
        if let Some(rest) = s.strip_prefix('$') {
            s = rest.trim_start().to_string();
        }
    }
    let split = s
        .char_indices()
        .find(|&(i, c)| {
            !(c.is_ascii_digit()
                || c == '.'
                || ((c == 'e' || c == 'E') && is_exponent(&s, i))
                || ((c == '-' || c == '+') && i > 0 && matches!(s.as_bytes()[i - 1], b'e' | b'E')))
        })
        .map_or(s.len(), |(i, _)| i);
    let (digits, suffix) = s.split_at(split);
    let scale = match suffix.trim() {
        "" => 1.0,
        "k" | "K" => 1e3,
        "M" | "m" | "mn" | "MN" | "Mn" => 1e6,
        "B" | "b" | "bn" | "BN" | "Bn" => 1e9,
        "T" | "t" | "tn" | "TN" | "Tn" => 1e12,
        "%" => 0.01,
        other => {
            return Err(format!(
            "\"{original}\" is not a number: unknown suffix \"{other}\" (use k, M, B, bn, T or %)"
        ))
        }
    };
    if digits.is_empty() {
        return Err(format!("\"{original}\" is not a number"));
    }
    let base: f64 = digits
        .parse()
        .map_err(|_| format!("\"{original}\" is not a number"))?;
    let value = if scale == 0.01 {
        base / 100.0
    } else {
        base * scale
    };
    if !value.is_finite() {
        return Err(format!("\"{original}\" is too large"));
    }
    Ok(if negative { -value } else { value })
}

fn is_exponent(s: &str, i: usize) -> bool {
    let bytes = s.as_bytes();
    i > 0
        && bytes[i - 1].is_ascii_digit()
        && bytes
            .get(i + 1)
            .is_some_and(|b| b.is_ascii_digit() || *b == b'-' || *b == b'+')
}

/// Parses `"A to B"` or a plain number string.
///
/// # Errors
/// A message saying what was expected.
pub fn parse_scalar_text(text: &str) -> Result<Scalar, String> {
    if let Some((a, b)) = split_interval(text) {
        let a = parse_number(a).map_err(|e| format!("in \"{text}\": {e}"))?;
        let b = parse_number(b).map_err(|e| format!("in \"{text}\": {e}"))?;
        return Ok(Scalar::Interval(a, b));
    }
    parse_number(text).map(Scalar::Number)
}

/// The two ends of `"A to B"` (`to` in any case), as written.
pub fn split_interval(text: &str) -> Option<(&str, &str)> {
    let at = text.char_indices().map(|(i, _)| i).find(|&i| {
        text.get(i..i + 4)
            .is_some_and(|s| s.eq_ignore_ascii_case(" to "))
    })?;
    Some((&text[..at], &text[at + 4..]))
}

/// Reads a node as a finite number (integer, float or number string).
///
/// # Errors
/// A diagnostic for `key` when the node is not a finite number.
pub fn number(node: &Node, key: &str) -> Result<f64, Diagnostic> {
    let bad = |msg: String, help: &str| Diagnostic::new(&node.loc, key, msg, help);
    match &node.value {
        Value::Integer(i) => Ok(*i as f64),
        Value::Float(f) if f.is_finite() => Ok(*f),
        Value::Float(f) => Err(bad(
            format!("expected a finite number, got {f}"),
            "NaN and infinity are not allowed; write an ordinary number",
        )),
        Value::Str(s) => match parse_scalar_text(s) {
            Ok(Scalar::Number(x)) => Ok(x),
            Ok(Scalar::Interval(..)) => Err(bad(
                format!("expected a single number here, got the interval \"{s}\""),
                "write one number, e.g. \"40B\"",
            )),
            Err(e) => Err(bad(
                e,
                "write a number such as 40000000000, \"40B\", \"$1.4T\" or \"5%\"",
            )),
        },
        other => Err(bad(
            format!("expected a number, got {}", other.kind()),
            "write a number such as 40000000000, \"40B\", \"$1.4T\" or \"5%\"",
        )),
    }
}

/// A location-less helper for numbers in arrays: reads every item.
///
/// # Errors
/// The first item that is not a number.
pub fn number_list(node: &Node, key: &str) -> Result<Vec<f64>, Diagnostic> {
    match &node.value {
        Value::Array(items) => items.iter().map(|n| number(n, key)).collect(),
        other => Err(Diagnostic::new(
            &node.loc,
            key,
            format!("expected an array of numbers, got {}", other.kind()),
            "write e.g. [1, 2, 3]",
        )),
    }
}

/// Where a location-less string came from, for error messages about `--set`.
pub fn set_loc(arg: &str) -> Loc {
    Loc::whole(format!("--set {arg}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_and_percentages() {
        let cases = [
            ("40B", 40e9),
            ("$1.4T", 1.4e12),
            ("500M", 500e6),
            ("20k", 20e3),
            ("5%", 0.05),
            ("-50%", -0.5),
            ("100%", 1.0),
            ("1.5bn", 1.5e9),
            ("$38bn", 38e9),
            ("46_000_000_000", 46e9),
            ("-$5B", -5e9),
            ("$-5B", -5e9),
            ("2 T", 2e12),
            ("1e9", 1e9),
            ("2.5e-1", 0.25),
            ("0.5", 0.5),
            ("12.5%", 0.125),
        ];
        for (text, want) in cases {
            let got = parse_number(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert!(
                (got - want).abs() <= 1e-15 * want.abs(),
                "{text}: {got} vs {want}"
            );
        }
        assert_eq!(parse_number("7%").unwrap(), 0.07);
    }

    #[test]
    fn rejects_what_is_not_a_number() {
        for text in [
            "", "B", "40X", "forty", "inf", "NaN", "1,000", "1e999", "$", "5%%", "4 0",
        ] {
            assert!(parse_number(text).is_err(), "{text} parsed");
        }
    }

    #[test]
    fn explains_common_mistakes() {
        let err = |t: &str| parse_number(t).unwrap_err();
        assert!(err("nan").contains("NaN and infinity"), "{}", err("nan"));
        assert!(err("-Infinity").contains("NaN and infinity"));
        assert_eq!(err("  "), "the value is empty");
        assert!(err("40B-60B").contains("write \"40B to 60B\""));
        assert!(err("40B – 60B").contains("write \"40B to 60B\""));
        assert!(err("-10% - 5%").contains("write \"-10% to 5%\""));
        assert!(err("0.3 GW").contains("units are part of the key's name"));
        assert!(err("12 months").contains("e.g. 12"));
        assert!(err("1e3 months").contains("e.g. 1000"));
        assert!(err("40 billion").contains("write \"40B\""));
        assert!(err("5 percent").contains("write \"5%\""));
        assert!(
            err("40X").contains("unknown suffix \"X\""),
            "{}",
            err("40X")
        );
        assert_eq!(parse_number("1e-5").unwrap(), 1e-5);
    }

    #[test]
    fn intervals() {
        assert_eq!(
            parse_scalar_text("40B to 60B").unwrap(),
            Scalar::Interval(40e9, 60e9)
        );
        assert_eq!(
            parse_scalar_text("-10% TO 5%").unwrap(),
            Scalar::Interval(-0.1, 0.05)
        );
        assert!(parse_scalar_text("40B to").is_err());
        // Lower-casing can change byte lengths; the split must not.
        // (The old split, on the lower-cased copy, panicked on this.)
        assert!(parse_scalar_text("\u{130} to \u{20ac}\u{20ac}").is_err());
        assert!(parse_scalar_text("\u{130}\u{130} to 5").is_err());
        assert_eq!(split_interval("1 To 2"), Some(("1", "2")));
        assert_eq!(parse_scalar_text("7").unwrap(), Scalar::Number(7.0));
    }
}
