//! Diagnostics for scenario problems: where (file, line, column), which key,
//! what is wrong and how to fix it.

use std::fmt;
use std::sync::Arc;

/// A place in a scenario source: a file position, or a `--set` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loc {
    /// File path as the user gave it, `<built-in default>`, or `--set K=V`.
    pub source: Arc<str>,
    /// 1-based line, or 0 when the source has no lines (`--set`).
    pub line: u32,
    /// 1-based column in characters.
    pub col: u32,
}

impl Loc {
    /// A location without a position, e.g. a command-line argument.
    pub fn whole(source: impl Into<Arc<str>>) -> Self {
        Loc {
            source: source.into(),
            line: 0,
            col: 0,
        }
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.source)
        } else {
            write!(f, "{}:{}:{}", self.source, self.line, self.col)
        }
    }
}

/// One problem in a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Where the problem is.
    pub loc: Loc,
    /// The dotted key concerned, e.g. `build.rate_gw_per_week`.
    pub key: String,
    /// What is wrong, including what was expected.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A problem with a fix.
    pub fn new(
        loc: &Loc,
        key: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        let help: String = help.into();
        let key: String = key.into();
        Diagnostic {
            loc: loc.clone(),
            // An empty key (TOML allows `"" = 1`) is shown as TOML writes it.
            key: if key.is_empty() {
                "\"\"".to_string()
            } else {
                key
            },
            message: message.into(),
            help: (!help.is_empty()).then_some(help),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}: {}: {}", self.loc, self.key, self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\nhelp: {help}")?;
        }
        Ok(())
    }
}

/// All problems found in one scenario (never empty).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ScenarioError {
    /// The problems, in file order where that is known.
    pub diagnostics: Vec<Diagnostic>,
}

impl ScenarioError {
    /// An error with a single diagnostic.
    pub fn one(d: Diagnostic) -> Self {
        ScenarioError {
            diagnostics: vec![d],
        }
    }
}

impl From<Diagnostic> for ScenarioError {
    fn from(d: Diagnostic) -> Self {
        ScenarioError::one(d)
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Collects diagnostics while a scenario is checked, so that one run of
/// `capsim check` reports every problem, not just the first.
#[derive(Debug, Default)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records a problem.
    pub fn push(&mut self, d: Diagnostic) {
        self.list.push(d);
    }

    /// Records the problem of a failed step and returns its value if any.
    pub fn take<T>(&mut self, r: Result<T, Diagnostic>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(d) => {
                self.push(d);
                None
            }
        }
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// `Ok(value)` when nothing was recorded, else all the problems.
    ///
    /// # Errors
    /// When any problem was recorded.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, ScenarioError> {
        if self.list.is_empty() {
            Ok(value())
        } else {
            Err(ScenarioError {
                diagnostics: self.list,
            })
        }
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a
/// likely typo (Levenshtein distance at most a third of the word, min 2);
/// failing that, the only candidate that starts with `word` (a shortened
/// name such as `build.rate`) or whose last dotted part is `word`.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    let lower = word.to_lowercase();
    let limit = (word.chars().count() / 3).max(2);
    let near = candidates
        .iter()
        .map(|c| (levenshtein(&lower, &c.to_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c);
    let only = |hits: Vec<&'a str>| (hits.len() == 1).then(|| hits[0]);
    near.or_else(|| {
        (word.chars().count() >= 3)
            .then(|| {
                only(
                    candidates
                        .iter()
                        .copied()
                        .filter(|c| c.to_lowercase().starts_with(&lower))
                        .collect(),
                )
            })
            .flatten()
    })
    .or_else(|| {
        only(
            candidates
                .iter()
                .copied()
                .filter(|c| {
                    c.rsplit('.')
                        .next()
                        .is_some_and(|l| l.eq_ignore_ascii_case(word))
                        && c.contains('.')
                })
                .collect(),
        )
    })
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_file_line_column_key_and_help() {
        let loc = Loc {
            source: "s.toml".into(),
            line: 3,
            col: 7,
        };
        let d = Diagnostic::new(
            &loc,
            "build.lag_months",
            "expected a number",
            "write lag_months = 12",
        );
        assert_eq!(
            d.to_string(),
            "error: s.toml:3:7: build.lag_months: expected a number\nhelp: write lag_months = 12"
        );
        let d = Diagnostic::new(&Loc::whole("--set a=b"), "a", "unknown key", "");
        assert_eq!(d.to_string(), "error: --set a=b: a: unknown key");
    }

    #[test]
    fn suggests_close_names_only() {
        let keys = ["rate_gw_per_week", "ramp_months", "lag_months"];
        assert_eq!(closest("rate_gw_per_wek", keys), Some("rate_gw_per_week"));
        assert_eq!(closest("lag_month", keys), Some("lag_months"));
        assert_eq!(closest("colour", keys), None);
        // A shortened name or a key without its section.
        let full = [
            "build.rate_gw_per_week",
            "build.ramp_months",
            "cost.per_gw_usd",
        ];
        assert_eq!(closest("build.rate", full), Some("build.rate_gw_per_week"));
        assert_eq!(closest("per_gw_usd", full), Some("cost.per_gw_usd"));
        assert_eq!(closest("build.ra", full), None, "two keys start so");
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }
}
