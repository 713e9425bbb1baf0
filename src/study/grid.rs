//! Sweep grids: `--set KEY=V1,V2,...` lists and `--set KEY=A..B:N` ranges,
//! and the points of their Cartesian product.

use crate::output::format::plain_number;
use crate::scenario::raw::Override;
use crate::scenario::value::{parse_number, parse_scalar_text, Scalar};
use crate::scenario::{Diagnostic, Loc};

/// Most points a sweep may have (SPEC §7).
pub const MAX_POINTS: usize = 10_000;

/// One value of a swept key.
#[derive(Debug, Clone, PartialEq)]
pub struct GridValue {
    /// The value as it goes into `--set` (file syntax).
    pub text: String,
    /// The value as a number, when it is one (for chart axes).
    pub number: Option<f64>,
}

/// A swept key and its values, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct GridKey {
    /// Dotted key, e.g. `build.rate_gw_per_week`.
    pub key: String,
    /// Its values.
    pub values: Vec<GridValue>,
}

/// Splits on commas that are not inside quotes, braces or brackets, so
/// `{ dist = "uniform", min = 1, max = 2 }` stays one value.
fn split_top_level(text: &str) -> Vec<String> {
    let (mut parts, mut current, mut depth, mut quote) = (Vec::new(), String::new(), 0i32, None);
    for c in text.chars() {
        match (c, quote) {
            ('"' | '\'', None) => quote = Some(c),
            (q, Some(open)) if q == open => quote = None,
            ('{' | '[', None) => depth += 1,
            ('}' | ']', None) => depth -= 1,
            (',', None) if depth == 0 => {
                parts.push(current.trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current.trim().to_string());
    parts
}

fn round12(x: f64) -> f64 {
    format!("{x:.11e}").parse().unwrap_or(x)
}

/// Parses `A..B:N` (N evenly spaced values from A to B inclusive), if the
/// text has that form.
fn parse_range(text: &str, loc: &Loc, key: &str) -> Option<Result<Vec<GridValue>, Diagnostic>> {
    let (ends, count) = text.rsplit_once(':')?;
    let (a, b) = ends.split_once("..")?;
    let fail = |m: String| {
        Some(Err(Diagnostic::new(
            loc,
            key,
            m,
            "write KEY=LOW..HIGH:N, e.g. build.rate_gw_per_week=0.25..1.5:6",
        )))
    };
    let (a, b) = match (parse_number(a), parse_number(b)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return fail(format!("in the range \"{text}\": {e}")),
    };
    let n: usize = match count.trim().parse() {
        Ok(n) if n >= 2 => n,
        _ => return fail(format!("in the range \"{text}\": the number of values after ':' must be a whole number of at least 2")),
    };
    if n > MAX_POINTS {
        return fail(format!(
            "{n} values is more than a sweep may have ({MAX_POINTS})"
        ));
    }
    let values = (0..n)
        .map(|i| {
            let x = if i + 1 == n {
                b
            } else {
                // 12 significant digits: 0.15..1:6 gives 0.32, not
                // 0.31999999999999995.
                round12(a + (b - a) * i as f64 / (n - 1) as f64)
            };
            GridValue {
                text: plain_number(x),
                number: Some(x),
            }
        })
        .collect();
    Some(Ok(values))
}

/// Parses one sweep argument `KEY=V1,V2,...` or `KEY=A..B:N`.
///
/// # Errors
/// When the argument has no `=`, an empty value, or a malformed range.
pub fn parse_grid_key(arg: &str) -> Result<GridKey, Diagnostic> {
    let loc = Loc::whole(format!("--set {arg}"));
    let Some((key, text)) = arg.split_once('=') else {
        return Err(Diagnostic::new(
            &loc,
            arg,
            "expected KEY=V1,V2,... or KEY=LOW..HIGH:N",
            "write e.g. --set build.rate_gw_per_week=0.25,0.5,1",
        ));
    };
    let key = key.trim().to_string();
    let values = match parse_range(text.trim(), &loc, &key) {
        Some(r) => r?,
        None => split_top_level(text)
            .into_iter()
            .map(|v| {
                if v.is_empty() {
                    return Err(Diagnostic::new(
                        &loc,
                        &key,
                        "an empty value in the list",
                        "separate values with single commas, e.g. 0.25,0.5,1",
                    ));
                }
                let unquoted = v.trim_matches('"');
                let number = match parse_scalar_text(unquoted) {
                    Ok(Scalar::Number(x)) => Some(x),
                    _ => None,
                };
                Ok(GridValue { text: v, number })
            })
            .collect::<Result<_, _>>()?,
    };
    Ok(GridKey { key, values })
}

/// Number of points of a grid.
pub fn point_count(keys: &[GridKey]) -> usize {
    keys.iter().map(|k| k.values.len()).product()
}

/// The points of the grid in order, the last key varying fastest: each is
/// the index of its value in every key.
pub fn points(keys: &[GridKey]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    for k in keys {
        out = out
            .into_iter()
            .flat_map(|p| (0..k.values.len()).map(move |i| [p.clone(), vec![i]].concat()))
            .collect();
    }
    out
}

/// The overrides that set a point's values.
///
/// # Errors
/// When a value does not parse as an override.
pub fn point_overrides(keys: &[GridKey], point: &[usize]) -> Result<Vec<Override>, Diagnostic> {
    keys.iter()
        .zip(point)
        .map(|(k, &i)| Override::parse(&format!("{}={}", k.key, k.values[i].text)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_ranges_and_order() {
        let a = parse_grid_key("build.rate_gw_per_week=0.25..1.5:6").unwrap();
        let xs: Vec<f64> = a.values.iter().map(|v| v.number.unwrap()).collect();
        assert_eq!(xs, vec![0.25, 0.5, 0.75, 1.0, 1.25, 1.5]);
        let b = parse_grid_key("cost.per_gw_usd=35B,\"40B to 60B\",{ dist = \"uniform\", min = \"30B\", max = \"50B\" }").unwrap();
        assert_eq!(b.values.len(), 3);
        assert_eq!(b.values[0].number, Some(35e9));
        assert_eq!(b.values[1].number, None);
        assert!(b.values[2].text.starts_with('{'));
        let c = parse_grid_key("revenue.growth=50%,100%").unwrap();
        assert_eq!(point_count(&[a.clone(), c.clone()]), 12);
        let p = points(&[a, c]);
        assert_eq!(p.len(), 12);
        assert_eq!(p[0], vec![0, 0]);
        assert_eq!(p[1], vec![0, 1], "the last key varies fastest");
        assert_eq!(p[11], vec![5, 1]);
    }

    #[test]
    fn malformed_grids_are_explained() {
        assert!(parse_grid_key("no-equals").is_err());
        assert!(parse_grid_key("a=1,,2").is_err());
        assert!(parse_grid_key("a=1..2:1").is_err());
        assert!(parse_grid_key("a=x..2:3").is_err());
        assert!(parse_grid_key("a=1..2:20000").is_err());
        let tidy = parse_grid_key("k=0.15..1:6").unwrap();
        assert_eq!(tidy.values[1].text, "0.32");
        let money = parse_grid_key("cost.per_gw_usd=30B..50B:3").unwrap();
        assert_eq!(money.values[1].number, Some(40e9));
        assert_eq!(money.values[1].text, "40000000000");
    }
}
