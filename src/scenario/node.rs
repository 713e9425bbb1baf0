//! An owned TOML tree in which every value and key knows its location, so
//! later stages can report `file:line:col` for any problem.

use std::sync::Arc;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::error::{Diagnostic, Loc};

/// A TOML value with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where the value starts.
    pub loc: Loc,
}

/// A TOML value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Integer (TOML allows 64-bit; kept wide for clear range errors).
    Integer(i128),
    /// Float (may be inf or nan, which later stages reject).
    Float(f64),
    /// String.
    Str(String),
    /// Boolean.
    Bool(bool),
    /// Date or time, as written.
    Datetime(String),
    /// Array.
    Array(Vec<Node>),
    /// Table, entries in file order.
    Table(Vec<Entry>),
}

/// A key of a table with its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// Where the key is written.
    pub key_loc: Loc,
    /// The value.
    pub node: Node,
}

impl Value {
    /// What kind of value this is, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Str(_) => "a string",
            Value::Bool(_) => "a boolean",
            Value::Datetime(_) => "a date",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
        }
    }
}

/// Maps byte offsets of one source text to line and column.
struct Lines<'a> {
    source: Arc<str>,
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(source: Arc<str>, text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines {
            source,
            text,
            starts,
        }
    }

    fn loc(&self, offset: usize) -> Loc {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        Loc {
            source: self.source.clone(),
            line: (line + 1) as u32,
            col: col as u32,
        }
    }

    /// The 0-based line holding `offset`, and its trimmed text.
    fn line_of(&self, offset: usize) -> (usize, &'a str) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        (line, self.line_text(line))
    }

    fn line_text(&self, i: usize) -> &'a str {
        let end = self.starts.get(i + 1).map_or(self.text.len(), |&e| e);
        self.text.get(self.starts[i]..end).unwrap_or("").trim()
    }

    /// The 1-based line where the key or section header on line `dup`
    /// (0-based) was first written, found by comparing lines as text.
    fn first_definition(&self, dup: usize, text: &str) -> Option<usize> {
        let name = |l: &str| -> String {
            l.split_once('=')
                .map_or(l, |(k, _)| k)
                .trim()
                .trim_matches('"')
                .to_string()
        };
        let section_of = |i: usize| {
            (0..=i)
                .rev()
                .map(|j| self.line_text(j))
                .find(|l| l.starts_with('['))
        };
        if text.starts_with('[') {
            return (0..dup).find(|&i| self.line_text(i) == text).map(|i| i + 1);
        }
        let (wanted, section) = (name(text), section_of(dup));
        (0..dup)
            .find(|&i| {
                let l = self.line_text(i);
                !l.starts_with('[')
                    && l.contains('=')
                    && name(l) == wanted
                    && section_of(i) == section
            })
            .map(|i| i + 1)
    }

    /// The dotted key a syntax error is most likely about: the `[section]`
    /// above the offset and the `key =` on its line.
    fn key_at(&self, offset: usize) -> String {
        let offset = offset.min(self.text.len());
        let line_no = self.starts.partition_point(|&s| s <= offset) - 1;
        // Only names that look like keys: a broken line yields none.
        let name = |s: &str| -> Option<String> {
            let s = s.trim().trim_matches('"').trim();
            let ok = !s.is_empty()
                && s.chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
            ok.then(|| s.to_string())
        };
        let section = (0..=line_no)
            .rev()
            .map(|i| self.line_text(i))
            .find(|l| l.starts_with('['))
            // The header's name, even with junk after it (`[plan] x`).
            .and_then(|l| name(l.trim_start_matches('[').split(']').next().unwrap_or("")));
        let key = self
            .line_text(line_no)
            .split_once('=')
            .and_then(|(k, _)| name(k));
        match (section, key) {
            (Some(s), Some(k)) => format!("{s}.{k}"),
            (None, Some(k)) => k,
            (Some(s), None) => s,
            (None, None) => "syntax".to_string(),
        }
    }
}

fn convert(lines: &Lines<'_>, spanned: &Spanned<DeValue<'_>>) -> Node {
    let loc = lines.loc(spanned.span().start);
    let value = match spanned.get_ref() {
        DeValue::String(s) => Value::Str(s.to_string()),
        DeValue::Integer(i) => {
            let digits: String = i.as_str().chars().filter(|&c| c != '_').collect();
            let (neg, digits) = match digits.strip_prefix('-') {
                Some(rest) => (true, rest.to_string()),
                None => (false, digits.trim_start_matches('+').to_string()),
            };
            let digits = ["0x", "0o", "0b"].iter().fold(digits, |d, p| {
                d.strip_prefix(p).map_or(d.clone(), str::to_string)
            });
            let v = i128::from_str_radix(&digits, i.radix()).unwrap_or(i128::MAX);
            Value::Integer(if neg { -v } else { v })
        }
        DeValue::Float(f) => {
            let text: String = f.as_str().chars().filter(|&c| c != '_').collect();
            Value::Float(text.parse::<f64>().unwrap_or(f64::NAN))
        }
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::Datetime(d.to_string()),
        DeValue::Array(items) => Value::Array(items.iter().map(|v| convert(lines, v)).collect()),
        DeValue::Table(t) => Value::Table(convert_table(lines, t)),
    };
    Node { value, loc }
}

fn convert_table(lines: &Lines<'_>, table: &DeTable<'_>) -> Vec<Entry> {
    table
        .iter()
        .map(|(k, v)| Entry {
            key: k.get_ref().to_string(),
            key_loc: lines.loc(k.span().start),
            node: convert(lines, v),
        })
        .collect()
}

fn syntax_error(lines: &Lines<'_>, e: &toml::de::Error, what: &str) -> Diagnostic {
    let offset = e.span().map_or(0, |s| s.start);
    let message = e.message().trim().trim_end_matches('.').to_string();
    let key = lines.key_at(offset);
    if message.contains("duplicate") {
        return duplicate(lines, offset, key);
    }
    // Lines ended by a bare CR (classic Mac OS): the whole file reads as one
    // line, so no key can be named.
    let (key, help) = if message.contains("carriage return") && !lines.text.contains('\n') {
        (
            "syntax".to_string(),
            "save the file with LF (or CRLF) line endings; a carriage return alone does not end a line",
        )
    } else {
        (
            key,
            "see SPEC §3 for the syntax; strings need quotes, e.g. per_gw_usd = \"40B to 60B\"",
        )
    };
    Diagnostic::new(
        &lines.loc(offset),
        key,
        format!("{what} is not valid TOML: {message}"),
        help,
    )
}

/// A key or section written twice: say which, and where it first was.
fn duplicate(lines: &Lines<'_>, offset: usize, key: String) -> Diagnostic {
    let loc = lines.loc(offset);
    let (line_no, text) = lines.line_of(offset);
    let first = lines.first_definition(line_no, text);
    let earlier = first.map_or(String::new(), |l| format!(" (first on line {l})"));
    if text.starts_with('[') {
        Diagnostic::new(
            &loc,
            key.clone(),
            format!("the section [{key}] appears twice{earlier}"),
            format!("put all of [{key}]'s keys under one [{key}] header"),
        )
    } else {
        Diagnostic::new(
            &loc,
            key,
            format!("this key is set twice{earlier}"),
            "keep one of the two lines: each key may appear only once in a section",
        )
    }
}

/// Parses a whole scenario document into located entries.
///
/// # Errors
/// A diagnostic at the first syntax error (duplicate keys included).
pub fn parse_document(source: &Arc<str>, text: &str) -> Result<Vec<Entry>, Diagnostic> {
    let lines = Lines::new(source.clone(), text);
    let table = DeTable::parse(text).map_err(|e| syntax_error(&lines, &e, "the file"))?;
    Ok(convert_table(&lines, table.get_ref()))
}

/// Parses one TOML value (the right-hand side of `--set KEY=VALUE`).
///
/// # Errors
/// When the text is not a TOML value.
pub fn parse_value(source: &Arc<str>, text: &str) -> Result<Node, Diagnostic> {
    let lines = Lines::new(source.clone(), text);
    let value = DeValue::parse(text).map_err(|e| syntax_error(&lines, &e, "the value"))?;
    let mut node = convert(&lines, &value);
    relocate(&mut node, &Loc::whole(source.clone()));
    Ok(node)
}

/// Points a node and everything inside it at one location.
pub fn relocate(node: &mut Node, loc: &Loc) {
    node.loc = loc.clone();
    match &mut node.value {
        Value::Array(items) => items.iter_mut().for_each(|n| relocate(n, loc)),
        Value::Table(entries) => entries.iter_mut().for_each(|e| {
            e.key_loc = loc.clone();
            relocate(&mut e.node, loc);
        }),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Result<Vec<Entry>, Diagnostic> {
        parse_document(&Arc::from("t.toml"), text)
    }

    #[test]
    fn values_keep_line_and_column() {
        let entries =
            doc("[build]\nlag_months = { dist = \"uniform\", min = 12, max = 24 }\nrate = 1_000\n")
                .unwrap();
        let Value::Table(build) = &entries[0].node.value else {
            panic!()
        };
        assert_eq!(build[0].key, "lag_months");
        assert_eq!((build[0].key_loc.line, build[0].key_loc.col), (2, 1));
        assert_eq!((build[0].node.loc.line, build[0].node.loc.col), (2, 14));
        assert_eq!(build[1].node.value, Value::Integer(1000));
    }

    #[test]
    fn numbers_in_every_toml_form() {
        let entries =
            doc("a = 0x10\nb = 0o17\nc = 1_0.5e1_0\nd = +7\ne = nan\nf = -inf\n").unwrap();
        let v: Vec<&Value> = entries.iter().map(|e| &e.node.value).collect();
        assert_eq!(v[0], &Value::Integer(16));
        assert_eq!(v[1], &Value::Integer(15));
        assert_eq!(v[2], &Value::Float(10.5e10));
        assert_eq!(v[3], &Value::Integer(7));
        assert!(matches!(v[4], Value::Float(x) if x.is_nan()));
        assert_eq!(v[5], &Value::Float(f64::NEG_INFINITY));
    }

    #[test]
    fn syntax_errors_name_line_and_key() {
        let e = doc("[cost]\nper_gw_usd = 40B to 60B\n").unwrap_err();
        assert_eq!(e.loc.line, 2);
        assert_eq!(e.key, "cost.per_gw_usd");
        let e = doc("[plan]\ntarget_gw = 1\ntarget_gw = 2\n").unwrap_err();
        assert_eq!(e.loc.line, 3);
        assert_eq!(e.key, "plan.target_gw");
        assert_eq!(e.message, "this key is set twice (first on line 2)");
        let e = doc("[plan]\ntarget_gw = 1\n[cost]\nper_gw_usd = 2\n[plan]\ninitial_gw = 2\n")
            .unwrap_err();
        assert_eq!((e.loc.line, e.key.as_str()), (5, "plan"));
        assert_eq!(
            e.message,
            "the section [plan] appears twice (first on line 1)"
        );
        assert!(e.help.unwrap().contains("one [plan] header"));
        // The same key in another section is not the earlier definition.
        let e = doc("[cost]\nx = 1\n[plan]\nx = 1\nx = 2\n").unwrap_err();
        assert_eq!(e.message, "this key is set twice (first on line 4)");
    }

    #[test]
    fn set_values_have_no_position() {
        let n = parse_value(&Arc::from("--set x=0.5"), "0.5").unwrap();
        assert_eq!(n.value, Value::Float(0.5));
        assert_eq!(n.loc.to_string(), "--set x=0.5");
        assert!(parse_value(&Arc::from("--set"), "40B to 60B").is_err());
    }
}
