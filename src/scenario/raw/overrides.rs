//! Overrides: `--set KEY=VALUE` arguments, variants' `set` tables and
//! sweep points, applied to a raw scenario so they go through exactly the
//! same checks as the file.

use std::sync::Arc;

use super::{RawScenario, RawValue};
use crate::scenario::error::{closest, Diagnostic, Diagnostics, Loc};
use crate::scenario::keys::settable_keys;
use crate::scenario::node::{parse_value, relocate, Node, Value};

/// A `KEY = VALUE` that replaces what the file says.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// Dotted key, e.g. `build.rate_gw_per_week`.
    pub key: String,
    /// The value.
    pub node: Node,
    /// Where the key was written.
    pub key_loc: Loc,
}

impl Override {
    /// Parses a `--set KEY=VALUE` argument. The value is read as TOML when
    /// it is valid TOML (`0.5`, `"40B"`, `{ dist = ... }`, `false`), and as
    /// a string otherwise, so `--set cost.per_gw_usd=40B to 60B` works
    /// without inner quotes.
    ///
    /// # Errors
    /// When the argument has no `=` or no key.
    pub fn parse(arg: &str) -> Result<Override, Diagnostic> {
        let loc = Loc::whole(format!("--set {arg}"));
        let Some((key, value)) = arg.split_once('=') else {
            return Err(Diagnostic::new(
                &loc,
                arg,
                "expected KEY=VALUE",
                "write e.g. --set build.rate_gw_per_week=0.5",
            ));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(Diagnostic::new(
                &loc,
                "(empty)",
                "the key before `=` is empty",
                "write e.g. --set build.rate_gw_per_week=0.5",
            ));
        }
        let text = value.trim();
        let source: Arc<str> = Arc::from(format!("--set {arg}"));
        let node = match parse_value(&source, text) {
            Ok(node) => node,
            // `{`, `[` and quotes start TOML values: report the TOML error
            // instead of reading the broken value as a string.
            Err(mut d) if text.starts_with(['{', '[', '"', '\'']) => {
                d.key = key.to_string();
                d.message = format!("{} (at character {} of the value)", d.message, d.loc.col);
                d.loc = loc;
                d.help = Some(
                    "write a TOML value, e.g. --set 'cost.per_gw_usd={ dist = \"uniform\", min = \"40B\", max = \"60B\" }' (quote the whole argument in the shell)"
                        .to_string(),
                );
                return Err(d);
            }
            Err(_) => Node {
                value: Value::Str(text.to_string()),
                loc: loc.clone(),
            },
        };
        Ok(Override {
            key: key.to_string(),
            node,
            key_loc: loc,
        })
    }
}

impl RawScenario {
    /// Applies overrides in order (later ones win).
    ///
    /// # Errors
    /// Every override whose key is not settable.
    pub fn apply(&mut self, overrides: &[Override]) -> Result<(), Vec<Diagnostic>> {
        let mut diags = Diagnostics::default();
        let keys = settable_keys();
        for o in overrides {
            if !keys.contains(&o.key) {
                let hint = closest(&o.key, keys.iter().map(String::as_str))
                    .map_or(String::new(), |c| format!("did you mean `{c}`? "));
                let extra = if o.key.starts_with("correlations") || o.key.starts_with("variants") {
                    "correlations and variants can only be changed in the file"
                } else {
                    "keys are written section.key, e.g. build.rate_gw_per_week; `capsim check` lists the inputs"
                };
                // A `--set` has no line of its own: name the file it was
                // given for.
                let message = if o.key_loc.line == 0 {
                    format!("unknown key (in a --set for {})", self.source)
                } else {
                    "unknown key".to_string()
                };
                diags.push(Diagnostic::new(
                    &o.key_loc,
                    o.key.clone(),
                    message,
                    format!("{hint}{extra}"),
                ));
                continue;
            }
            let mut node = o.node.clone();
            if o.key_loc.line == 0 {
                // Name the scenario too, so a message about a `--set`
                // value says which file it was applied to.
                let loc = Loc::whole(format!("{} (applied to {})", o.key_loc.source, self.source));
                relocate(&mut node, &loc);
            }
            self.values.insert(
                o.key.clone(),
                RawValue {
                    node,
                    key_loc: o.key_loc.clone(),
                    overridden: true,
                },
            );
            if o.key_loc.line == 0 {
                self.applied
                    .push(o.key_loc.source.trim_start_matches("--set ").to_string());
            }
        }
        diags.finish(|| ()).map_err(|e| e.diagnostics)
    }
}
