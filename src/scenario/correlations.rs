//! `[[correlations]]` (SPEC §3.2): both names must be uncertain inputs,
//! each pair appears once, |rank| <= 1, and together the correlations must
//! form a positive (semi-)definite matrix; otherwise the pairs that cannot
//! hold together are named. A correlation whose input an override made
//! fixed is dropped with a warning.

use super::error::{closest, Diagnostic, Diagnostics, Loc};
use super::keys::{InputId, INPUTS};
use super::node::{Node, Value};
use super::raw::{RawCorrelation, RawScenario};
use super::value::number;
use super::{Correlation, Input, Origin};
use crate::output::format::plain_number;
use crate::sampling::copula::cholesky;

/// Reads `[[correlations]]`: each entry is either a correlation, a warning
/// (dropped because an override fixed one of its inputs) or an error.
pub(super) fn correlations(
    raw: &RawScenario,
    inputs: &[&Input],
    diags: &mut Diagnostics,
) -> Vec<(Option<Correlation>, Option<String>)> {
    let mut out = Vec::new();
    let mut pairs: Vec<(InputId, InputId, Loc)> = Vec::new();
    for c in &raw.correlations {
        let Some(result) = diags.take(one_correlation(c, inputs)) else {
            continue;
        };
        let corr = match result {
            Ok(corr) => corr,
            Err(why) => {
                out.push((None, Some(format!("{}: {why}", c.loc))));
                continue;
            }
        };
        let (lo, hi) = if corr.a < corr.b {
            (corr.a, corr.b)
        } else {
            (corr.b, corr.a)
        };
        if let Some((_, _, first)) = pairs.iter().find(|(a, b, _)| *a == lo && *b == hi) {
            diags.push(Diagnostic::new(
                &c.loc,
                "correlations",
                format!(
                    "{} and {} are correlated twice (first at {first})",
                    lo.key(),
                    hi.key()
                ),
                "keep one correlation per pair",
            ));
            continue;
        }
        pairs.push((lo, hi, c.loc.clone()));
        out.push((Some(corr), None));
    }
    let valid: Vec<Correlation> = out.iter().filter_map(|(c, _)| *c).collect();
    if let Err(d) = check_positive_definite(&valid, raw) {
        diags.push(d);
    }
    out
}

/// One correlation table: `Ok(Err(why))` when an override fixed an input.
fn one_correlation(
    c: &RawCorrelation,
    inputs: &[&Input],
) -> Result<Result<Correlation, String>, Diagnostic> {
    let help = "write a = \"build.rate_gw_per_week\", b = \"cost.per_gw_usd\", rank = 0.3";
    let name = |node: &Option<Node>, which: &str| -> Result<(InputId, Loc), Diagnostic> {
        let Some(node) = node else {
            return Err(Diagnostic::new(
                &c.loc,
                format!("correlations.{which}"),
                format!("a correlation needs `{which}`"),
                help,
            ));
        };
        let Value::Str(s) = &node.value else {
            return Err(Diagnostic::new(
                &node.loc,
                format!("correlations.{which}"),
                format!(
                    "expected an input name in quotes, got {}",
                    node.value.kind()
                ),
                help,
            ));
        };
        match INPUTS.iter().find(|d| d.key == s) {
            Some(d) => Ok((d.id, node.loc.clone())),
            None => {
                let hint = closest(s, INPUTS.iter().map(|d| d.key))
                    .or_else(|| INPUTS.iter().find(|d| d.name == s).map(|d| d.key));
                let help = hint.map_or_else(
                    || "name an input as section.key, e.g. \"cost.per_gw_usd\"".to_string(),
                    |h| format!("did you mean \"{h}\"?"),
                );
                Err(Diagnostic::new(
                    &node.loc,
                    format!("correlations.{which}"),
                    format!("unknown input \"{s}\""),
                    help,
                ))
            }
        }
    };
    let (a, a_loc) = name(&c.a, "a")?;
    let (b, b_loc) = name(&c.b, "b")?;
    let Some(rank_node) = &c.rank else {
        return Err(Diagnostic::new(
            &c.loc,
            "correlations.rank",
            "a correlation needs `rank`",
            help,
        ));
    };
    let rank = number(rank_node, "correlations.rank")?;
    if !(-1.0..=1.0).contains(&rank) {
        return Err(Diagnostic::new(
            &rank_node.loc,
            "correlations.rank",
            format!("rank = {} is outside [-1, 1]", plain_number(rank)),
            "a Spearman rank correlation lies between -1 and 1",
        ));
    }
    if a == b {
        return Err(Diagnostic::new(
            &b_loc,
            "correlations.b",
            format!("\"{}\" is correlated with itself", a.key()),
            "name two different inputs",
        ));
    }
    for (id, loc, which) in [(a, &a_loc, "a"), (b, &b_loc, "b")] {
        let input = inputs[id as usize];
        if input.is_uncertain() {
            continue;
        }
        if matches!(input.origin, Origin::Override(_)) {
            return Ok(Err(format!(
                "the correlation {} ~ {} was dropped: an override made {} fixed",
                a.key(),
                b.key(),
                id.key()
            )));
        }
        let (what, help) = match input.dist.fixed_value() {
            Some(v) if input.is_present() => (
                format!("is fixed ({})", plain_number(v)),
                "give it a distribution, or remove this correlation",
            ),
            _ => (
                "is not set (it is optional and absent)".to_string(),
                "set it with a distribution in the file, or remove this correlation",
            ),
        };
        return Err(Diagnostic::new(
            loc,
            format!("correlations.{which}"),
            format!(
                "\"{}\" {what}; only uncertain inputs can be correlated",
                id.key()
            ),
            help,
        ));
    }
    Ok(Ok(Correlation { a, b, rank }))
}

/// The copula's Pearson matrix (r = 2 sin(πρ/6)) must be positive
/// (semi-)definite; otherwise name the correlations that cannot hold
/// together.
fn check_positive_definite(
    correlations: &[Correlation],
    raw: &RawScenario,
) -> Result<(), Diagnostic> {
    let mut ids: Vec<InputId> = correlations.iter().flat_map(|c| [c.a, c.b]).collect();
    ids.sort();
    ids.dedup();
    let matrix = crate::sampling::copula::pearson_matrix(&ids, correlations);
    let Err(row) = cholesky(&matrix, ids.len()) else {
        return Ok(());
    };
    let involved = &ids[..=row];
    let named: Vec<String> = correlations
        .iter()
        .filter(|c| involved.contains(&c.a) && involved.contains(&c.b))
        .map(|c| format!("{} ~ {} ({})", c.a.key(), c.b.key(), plain_number(c.rank)))
        .collect();
    let loc = raw.correlations.first().map_or(&raw.top, |c| &c.loc);
    Err(Diagnostic::new(
        loc,
        "correlations",
        format!("these correlations cannot hold together (the matrix is not positive definite): {}", named.join(", ")),
        "weaken one of them; e.g. if A~B and B~C are strongly positive, A~C cannot be strongly negative",
    ))
}
