//! Reading an input's value (a number, an interval or a distribution
//! table) from its located TOML node into a [`DistSpec`], with a located,
//! fixable diagnostic for every problem.

use super::{DistSpec, Family, Param, FAMILY_NAMES};
use crate::scenario::error::{closest, Diagnostic, Loc};
use crate::scenario::node::{Node, Value};
use crate::scenario::value::{number, number_list, parse_scalar_text, split_interval, Scalar};

/// Reads an input's value node into a spec.
///
/// # Errors
/// A diagnostic at the offending value or key.
pub fn parse_spec(node: &Node, key: &str) -> Result<DistSpec, Diagnostic> {
    let expected = "write a number (30, \"40B\", \"5%\"), a 90% interval (\"40B to 60B\") or a table such as { dist = \"uniform\", min = 12, max = 24 }";
    match &node.value {
        Value::Integer(_) | Value::Float(_) => Ok(DistSpec::fixed(number(node, key)?)),
        Value::Str(s) => {
            match parse_scalar_text(s) {
                Ok(Scalar::Number(x)) => Ok(DistSpec::fixed(x)),
                Ok(Scalar::Interval(a, b)) => {
                    if a >= b {
                        let (what, help) = if a == b {
                            (
                                "both ends are equal".to_string(),
                                format!(
                                    "for a single value write just the number, e.g. \"{}\"",
                                    split_interval(s).map_or(s.as_str(), |(a, _)| a).trim()
                                ),
                            )
                        } else {
                            (
                                "the first number is the larger".to_string(),
                                "write the smaller number first, e.g. \"40B to 60B\"".to_string(),
                            )
                        };
                        return Err(Diagnostic::new(
                        &node.loc,
                        key,
                        format!("the interval \"{s}\" needs A < B (a 90% interval from A to B): {what}"),
                        help,
                    ));
                    }
                    Ok(DistSpec {
                        family: Family::Interval,
                        params: vec![("p5", Param::Num(a)), ("p95", Param::Num(b))],
                    })
                }
                Err(e) => Err(Diagnostic::new(&node.loc, key, e, expected)),
            }
        }
        Value::Table(entries) => parse_table(node, entries, key),
        other => Err(Diagnostic::new(
            &node.loc,
            key,
            format!(
                "expected a number, an interval or a distribution table, got {}",
                other.kind()
            ),
            expected,
        )),
    }
}

fn parse_table(
    node: &Node,
    entries: &[crate::scenario::node::Entry],
    key: &str,
) -> Result<DistSpec, Diagnostic> {
    let Some(dist_entry) = entries.iter().find(|e| e.key == "dist") else {
        let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
        let guess = match keys.as_slice() {
            k if k.contains(&"mode") && k.contains(&"lambda") => "pert",
            k if k.contains(&"mode") => "triangular",
            k if k.contains(&"mean") && k.contains(&"sd") => "normal",
            k if k.contains(&"values") => "discrete",
            k if k.contains(&"value") => "fixed",
            _ => "uniform",
        };
        return Err(Diagnostic::new(
            &node.loc,
            key,
            "a distribution table needs a `dist` key",
            format!(
                "add dist = \"{guess}\" (one of {})",
                FAMILY_NAMES.join(", ")
            ),
        ));
    };
    let name = match &dist_entry.node.value {
        Value::Str(s) => s.as_str(),
        other => {
            return Err(Diagnostic::new(
                &dist_entry.node.loc,
                format!("{key}.dist"),
                format!("expected a string, got {}", other.kind()),
                format!(
                    "write dist = \"uniform\" (one of {})",
                    FAMILY_NAMES.join(", ")
                ),
            ))
        }
    };
    let Some(family) = Family::from_name(name) else {
        let help = match closest(name, FAMILY_NAMES) {
            Some(c) => format!(
                "did you mean \"{c}\"? capsim knows {}",
                FAMILY_NAMES.join(", ")
            ),
            None => format!("use one of {}", FAMILY_NAMES.join(", ")),
        };
        return Err(Diagnostic::new(
            &dist_entry.node.loc,
            format!("{key}.dist"),
            format!("unknown distribution \"{name}\""),
            help,
        ));
    };
    let mut params = Vec::new();
    for entry in entries.iter().filter(|e| e.key != "dist") {
        let Some(&k) = family.keys().iter().find(|&&k| k == entry.key) else {
            return Err(unknown_param(family, &entry.key, &entry.key_loc, key));
        };
        let full = format!("{key}.{k}");
        let p = if matches!(k, "values" | "weights") {
            Param::List(number_list(&entry.node, &full)?)
        } else {
            Param::Num(number(&entry.node, &full)?)
        };
        params.push((k, p));
    }
    // Keep the family's key order so the resolved text is canonical.
    params.sort_by_key(|(k, _)| family.keys().iter().position(|x| x == k));
    Ok(DistSpec { family, params })
}

fn unknown_param(family: Family, param: &str, loc: &Loc, key: &str) -> Diagnostic {
    let keys = family.keys();
    let mut help = match closest(param, keys.iter().copied()) {
        Some(c) => format!("did you mean `{c}`? "),
        None => String::new(),
    };
    let owner = FAMILY_NAMES
        .iter()
        .filter_map(|n| Family::from_name(n))
        .find(|f| f.keys().contains(&param));
    if let (Some(owner), Family::Normal) = (owner, family) {
        if owner == Family::Lognormal && param.starts_with('p') {
            help.push_str("a normal takes mean and sd; for a 90% interval write \"A to B\" (normal when A <= 0). ");
        }
    } else if let Some(owner) = owner {
        help.push_str(&format!("`{param}` belongs to {}. ", owner.name()));
    }
    help.push_str(&format!("{} takes {}", family.name(), keys.join(", ")));
    Diagnostic::new(
        loc,
        format!("{key}.{}", crate::scenario::raw::toml_key(param)),
        format!(
            "unknown key `{}` for a {} distribution",
            crate::scenario::raw::toml_key(param),
            family.name()
        ),
        help,
    )
}
