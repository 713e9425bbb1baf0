//! First stage of loading: walk the TOML document, check its shape (known
//! sections and keys, tables where tables belong) and collect every value
//! with its location. `--set` overrides and variants are applied at this
//! level, so they go through exactly the same checks as the file.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::error::{closest, Diagnostic, Diagnostics, Loc};
use super::keys::{keys_of_section, INPUTS, INPUT_SECTIONS, OUTPUT_KEYS, SCENARIO_KEYS, TOP_LEVEL};
use super::node::{parse_document, Entry, Node, Value};

mod overrides;

pub use overrides::Override;

/// A value for one key, and whether it came from an override.
#[derive(Debug, Clone, PartialEq)]
pub struct RawValue {
    /// The value.
    pub node: Node,
    /// Where the key is written.
    pub key_loc: Loc,
    /// True when `--set`, a variant or a sweep point supplied it.
    pub overridden: bool,
}

/// One `[[correlations]]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct RawCorrelation {
    /// Where the table starts.
    pub loc: Loc,
    /// `a`, `b` and `rank`, when present.
    pub a: Option<Node>,
    /// Second input.
    pub b: Option<Node>,
    /// Spearman rank correlation.
    pub rank: Option<Node>,
}

/// One `[[variants]]` table: a name and overrides.
#[derive(Debug, Clone, PartialEq)]
pub struct RawVariant {
    /// Variant name.
    pub name: String,
    /// Where the name is written.
    pub loc: Loc,
    /// The `set` entries.
    pub sets: Vec<Override>,
}

/// The scenario as written: values by dotted key, before validation.
#[derive(Debug, Clone, PartialEq)]
pub struct RawScenario {
    /// Display name of the source (file path or `<built-in default>`).
    pub source: Arc<str>,
    /// File stem, used as the scenario name when `[scenario] name` is absent.
    pub stem: Option<String>,
    /// Location of the start of the file, for whole-file problems.
    pub top: Loc,
    /// Values by dotted key.
    pub values: BTreeMap<String, RawValue>,
    /// Correlation tables.
    pub correlations: Vec<RawCorrelation>,
    /// Variant tables.
    pub variants: Vec<RawVariant>,
    /// `--set` arguments applied, as written.
    pub applied: Vec<String>,
}

impl RawScenario {
    /// Parses and walks a document.
    ///
    /// # Errors
    /// Every shape problem found.
    pub fn parse(
        source: &str,
        stem: Option<String>,
        text: &str,
    ) -> Result<RawScenario, Vec<Diagnostic>> {
        let source: Arc<str> = Arc::from(source);
        let top = Loc {
            source: source.clone(),
            line: 1,
            col: 1,
        };
        let entries = parse_document(&source, text).map_err(|d| vec![d])?;
        let mut raw = RawScenario {
            source,
            stem,
            top,
            values: BTreeMap::new(),
            correlations: Vec::new(),
            variants: Vec::new(),
            applied: Vec::new(),
        };
        let mut diags = Diagnostics::default();
        for entry in &entries {
            raw.top_level(entry, &mut diags);
        }
        diags.finish(|| ()).map_err(|e| e.diagnostics)?;
        Ok(raw)
    }

    fn top_level(&mut self, entry: &Entry, diags: &mut Diagnostics) {
        let name = entry.key.as_str();
        match name {
            "correlations" => self.correlations_array(entry, diags),
            "variants" => self.variants_array(entry, diags),
            _ if TOP_LEVEL.contains(&name) => match &entry.node.value {
                Value::Table(items) => {
                    for item in items {
                        self.section_key(name, item, diags);
                    }
                }
                other => diags.push(Diagnostic::new(
                    &entry.key_loc,
                    name,
                    format!("expected a section [{name}], got {}", other.kind()),
                    format!("write [{name}] on its own line and put its keys below it"),
                )),
            },
            _ => diags.push(unknown_top_level(entry)),
        }
    }

    fn section_key(&mut self, section: &str, item: &Entry, diags: &mut Diagnostics) {
        let key = format!("{section}.{}", item.key);
        let known = keys_of_section(section);
        if !known.contains(&item.key.as_str()) {
            diags.push(unknown_key(section, &item.key, &item.key_loc));
            return;
        }
        self.values.insert(
            key,
            RawValue {
                node: item.node.clone(),
                key_loc: item.key_loc.clone(),
                overridden: false,
            },
        );
    }

    fn correlations_array(&mut self, entry: &Entry, diags: &mut Diagnostics) {
        let help =
            "write each correlation as [[correlations]] with a = \"...\", b = \"...\", rank = 0.3";
        for (item, fields) in tables(entry, "correlations", help, diags) {
            let mut c = RawCorrelation {
                loc: item.loc.clone(),
                a: None,
                b: None,
                rank: None,
            };
            for f in fields {
                match f.key.as_str() {
                    "a" => c.a = Some(f.node.clone()),
                    "b" => c.b = Some(f.node.clone()),
                    "rank" => c.rank = Some(f.node.clone()),
                    other => {
                        let hint = closest(other, ["a", "b", "rank"])
                            .map_or(String::new(), |c| format!("did you mean `{c}`? "));
                        diags.push(Diagnostic::new(
                            &f.key_loc,
                            format!("correlations.{}", toml_key(other)),
                            format!("unknown key `{}` in a correlation", toml_key(other)),
                            format!("{hint}a correlation takes a, b and rank"),
                        ));
                    }
                }
            }
            self.correlations.push(c);
        }
    }

    fn variants_array(&mut self, entry: &Entry, diags: &mut Diagnostics) {
        let help =
            "write [[variants]] with name = \"bull\" and set = { \"revenue.growth\" = \"150%\" }";
        for (item, fields) in tables(entry, "variants", help, diags) {
            let mut name = None;
            let mut sets = Vec::new();
            for f in fields {
                match (f.key.as_str(), &f.node.value) {
                    ("name", Value::Str(s)) => name = Some((s.clone(), f.node.loc.clone())),
                    ("set", Value::Table(entries)) => {
                        sets = entries
                            .iter()
                            .map(|e| Override {
                                key: e.key.clone(),
                                node: e.node.clone(),
                                key_loc: e.key_loc.clone(),
                            })
                            .collect();
                    }
                    ("name" | "set", other) => diags.push(Diagnostic::new(
                        &f.node.loc,
                        format!("variants.{}", f.key),
                        format!(
                            "expected {}, got {}",
                            if f.key == "name" {
                                "a string"
                            } else {
                                "a table"
                            },
                            other.kind()
                        ),
                        help,
                    )),
                    (other, _) => diags.push(Diagnostic::new(
                        &f.key_loc,
                        format!("variants.{}", toml_key(other)),
                        format!("unknown key `{}` in a variant", toml_key(other)),
                        "a variant takes name and set",
                    )),
                }
            }
            match name {
                Some((name, loc)) if is_valid_name(&name) => {
                    if self.variants.iter().any(|v| v.name == name) {
                        diags.push(Diagnostic::new(
                            &loc,
                            "variants.name",
                            format!("variant \"{name}\" is defined twice"),
                            "give each variant its own name",
                        ));
                    }
                    self.variants.push(RawVariant { name, loc, sets });
                }
                Some((name, loc)) => diags.push(Diagnostic::new(
                    &loc,
                    "variants.name",
                    format!("\"{name}\" is not a valid variant name"),
                    "use lower-case letters, digits, - and _",
                )),
                None => diags.push(Diagnostic::new(
                    &item.loc,
                    "variants.name",
                    "a variant needs a name",
                    help,
                )),
            }
        }
    }
}

/// The tables of an array of tables (`[[correlations]]`, `[[variants]]`),
/// reporting anything else found there.
fn tables<'e>(
    entry: &'e Entry,
    what: &str,
    help: &str,
    diags: &mut Diagnostics,
) -> Vec<(&'e Node, &'e [Entry])> {
    let Value::Array(items) = &entry.node.value else {
        diags.push(Diagnostic::new(
            &entry.key_loc,
            what,
            format!(
                "expected [[{what}]] tables, got {}",
                entry.node.value.kind()
            ),
            help,
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        match &item.value {
            Value::Table(fields) => out.push((item, fields.as_slice())),
            other => diags.push(Diagnostic::new(
                &item.loc,
                what,
                format!("expected a table, got {}", other.kind()),
                help,
            )),
        }
    }
    out
}

/// A key as TOML writes it: bare when it can be, else quoted (`""`).
pub fn toml_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        key.to_string()
    } else {
        format!("{key:?}")
    }
}

/// Whether a scenario or variant name is made of `[a-z0-9-_]`.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 80
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// The section an input or setting key belongs to, if any.
fn home_section(key: &str) -> Option<&'static str> {
    if let Some(d) = INPUTS.iter().find(|d| d.name == key) {
        return Some(d.section);
    }
    if SCENARIO_KEYS.contains(&key) {
        return Some("scenario");
    }
    OUTPUT_KEYS.contains(&key).then_some("output")
}

fn unknown_top_level(entry: &Entry) -> Diagnostic {
    let shown = toml_key(&entry.key);
    let name = shown.as_str();
    let help = if let Some(section) = home_section(name) {
        format!("`{name}` belongs in the [{section}] section")
    } else if let Some(c) = closest(name, TOP_LEVEL) {
        format!("did you mean [{c}]? sections are {}", TOP_LEVEL.join(", "))
    } else {
        format!("sections are {}", TOP_LEVEL.join(", "))
    };
    Diagnostic::new(
        &entry.key_loc,
        name,
        format!("unknown section or key `{name}`"),
        help,
    )
}

fn unknown_key(section: &str, key: &str, loc: &Loc) -> Diagnostic {
    let shown = toml_key(key);
    let key = shown.as_str();
    let known = keys_of_section(section);
    let help = if let Some(c) = closest(key, known.iter().copied()) {
        format!("did you mean `{c}`?")
    } else if let Some(home) = home_section(key).filter(|h| *h != section) {
        format!("`{key}` belongs in the [{home}] section")
    } else if let Some((s, k)) = INPUT_SECTIONS
        .iter()
        .flat_map(|s| keys_of_section(s).into_iter().map(move |k| (*s, k)))
        .find(|(_, k)| closest(key, [*k]).is_some())
    {
        format!("did you mean `{k}` in the [{s}] section?")
    } else {
        format!("[{section}] takes {}", known.join(", "))
    };
    Diagnostic::new(
        loc,
        format!("{section}.{key}"),
        format!("unknown key `{key}` in [{section}]"),
        help,
    )
}

#[cfg(test)]
mod tests;
