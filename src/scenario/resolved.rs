//! The resolved scenario: every setting and input after defaults and
//! overrides, written as canonical TOML. Its SHA-256 in `run.json`
//! identifies exactly what was simulated, and the text loads back as a
//! scenario that gives the same numbers. Output settings are left out:
//! they do not change any number.

use std::fmt::Write as _;

use super::keys::INPUT_SECTIONS;
use super::Scenario;
use crate::output::format::plain_number;

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{}\"", s.replace('"', "'")))
}

/// The canonical TOML text of a scenario.
pub fn resolved_text(s: &Scenario) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "[scenario]");
    let _ = writeln!(out, "name = {}", quoted(&s.name));
    let _ = writeln!(out, "title = {}", quoted(&s.title));
    let _ = writeln!(out, "start = \"{}\"", s.start);
    let _ = writeln!(out, "horizon_years = {}", plain_number(s.horizon_years));
    let _ = writeln!(out, "paths = {}", s.paths);
    let _ = writeln!(
        out,
        "seed = {}",
        if s.seed > i64::MAX as u64 {
            format!("\"{}\"", s.seed)
        } else {
            s.seed.to_string()
        }
    );
    let _ = writeln!(out, "sampling = \"{}\"", s.sampling.name());
    for section in INPUT_SECTIONS {
        let _ = writeln!(out, "\n[{section}]");
        for input in s.inputs.iter().filter(|i| i.id.def().section == section) {
            if let Some(spec) = &input.spec {
                let _ = writeln!(out, "{} = {}", input.id.def().name, spec.to_toml());
            }
        }
    }
    for c in &s.correlations {
        let _ = writeln!(
            out,
            "\n[[correlations]]\na = \"{}\"\nb = \"{}\"\nrank = {}",
            c.a.key(),
            c.b.key(),
            plain_number(c.rank)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{Override, Scenario};

    #[test]
    fn loads_back_to_the_same_scenario() {
        let set = Override::parse("build.rate_gw_per_week=0.5").unwrap();
        let s = Scenario::builtin(&[set]).unwrap();
        let text = s.resolved_text();
        assert!(text.contains("rate_gw_per_week = 0.5\n"), "{text}");
        let back = Scenario::from_str("resolved", None, &text, &[]).unwrap();
        assert_eq!(
            back.inputs
                .iter()
                .map(|i| (&i.spec, &i.dist))
                .collect::<Vec<_>>(),
            s.inputs
                .iter()
                .map(|i| (&i.spec, &i.dist))
                .collect::<Vec<_>>()
        );
        assert_eq!(
            (
                back.seed,
                back.paths,
                back.months,
                back.start,
                back.sampling
            ),
            (s.seed, s.paths, s.months, s.start, s.sampling)
        );
        assert_eq!(back.correlations, s.correlations);
        assert_eq!(back.resolved_text(), text);
    }
}
