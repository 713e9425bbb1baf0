//! Scenario files: parse (`raw`), validate into a typed [`Scenario`] whose
//! distributions are built and checked (`validate`), and write back the
//! resolved text (`resolved`). Everything is parsed from `&str`, so tests
//! need no files.

mod correlations;
mod domain;
pub mod error;
pub mod keys;
pub mod node;
pub mod raw;
pub mod resolved;
pub mod spec;
pub mod starter;
mod validate;
pub mod value;

use std::path::{Path, PathBuf};

pub use error::{Diagnostic, Loc, ScenarioError};
pub use keys::{InputId, N_INPUTS};
pub use raw::Override;
use raw::RawScenario;
pub use spec::DistSpec;

use crate::dist::Dist;
use crate::time::YearMonth;

/// The text of the built-in default scenario (`scenarios/openai-30gw.toml`).
pub const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/openai-30gw.toml");

/// Display name of the built-in scenario in messages.
pub const DEFAULT_SOURCE: &str = "<built-in default: scenarios/openai-30gw.toml>";

/// How uniforms are drawn for uncertain inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sampling {
    /// Plain Monte Carlo.
    MonteCarlo,
    /// Latin hypercube: one draw per stratum, strata shuffled per input.
    LatinHypercube,
}

impl Sampling {
    /// The name used in the file (`mc`, `lhs`).
    pub fn name(self) -> &'static str {
        match self {
            Sampling::MonteCarlo => "mc",
            Sampling::LatinHypercube => "lhs",
        }
    }
}

/// Where an input's value came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// SPEC §3.3 default.
    Default,
    /// The scenario file.
    File(Loc),
    /// `--set`, a variant or a sweep point.
    Override(Loc),
}

/// One model input, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// Which input.
    pub id: InputId,
    /// What the user wrote (or the default); `None` for an absent optional
    /// input (half-life, cap, per-GW revenue limit).
    pub spec: Option<DistSpec>,
    /// The distribution to sample (fixed at +∞ when absent).
    pub dist: Dist,
    /// Where the value came from.
    pub origin: Origin,
}

impl Input {
    /// Whether the input is present (optional inputs may be absent).
    pub fn is_present(&self) -> bool {
        self.spec.is_some()
    }

    /// Whether draws vary between paths.
    pub fn is_uncertain(&self) -> bool {
        !self.dist.is_fixed()
    }
}

/// A target Spearman rank correlation between two uncertain inputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Correlation {
    /// First input.
    pub a: InputId,
    /// Second input.
    pub b: InputId,
    /// Spearman rank correlation in [−1, 1].
    pub rank: f64,
}

/// Where and what a run writes.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputSettings {
    /// Output folder.
    pub dir: PathBuf,
    /// Number of full monthly paths in `trajectories.csv`.
    pub trajectories: usize,
    /// Whether to draw charts.
    pub charts: bool,
}

/// A validated scenario, ready to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Name: `[a-z0-9-_]`, used for the output folder.
    pub name: String,
    /// Title for charts and reports.
    pub title: String,
    /// First simulated month.
    pub start: YearMonth,
    /// Horizon in years, as written.
    pub horizon_years: f64,
    /// Number of simulated months M.
    pub months: usize,
    /// Number of paths.
    pub paths: u64,
    /// Seed of all random streams.
    pub seed: u64,
    /// Sampling method.
    pub sampling: Sampling,
    /// All inputs, indexed by `InputId as usize`.
    pub inputs: Vec<Input>,
    /// Rank correlations between uncertain inputs.
    pub correlations: Vec<Correlation>,
    /// Output settings.
    pub output: OutputSettings,
    /// Names of the `[[variants]]` in the file.
    pub variant_names: Vec<String>,
    /// Things the user should know that are not errors.
    pub warnings: Vec<String>,
    raw: RawScenario,
}

/// Largest scenario file read (a scenario with many variants is a few
/// kB): anything larger is refused rather than read into memory.
pub const MAX_SCENARIO_BYTES: u64 = 4 << 20;

/// Reads at most `limit` bytes of a file; `None` when it holds more (so a
/// device such as /dev/zero is refused instead of read for ever).
fn read_limited(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

impl Scenario {
    /// Loads a scenario from text. `source` names it in messages; `stem`
    /// (the file name without extension) is the default scenario name.
    ///
    /// # Errors
    /// Every problem found, each with file, line, key and a fix.
    pub fn from_str(
        source: &str,
        stem: Option<&str>,
        text: &str,
        overrides: &[Override],
    ) -> Result<Scenario, ScenarioError> {
        let mut raw = RawScenario::parse(source, stem.map(str::to_string), text)
            .map_err(|diagnostics| ScenarioError { diagnostics })?;
        raw.apply(overrides)
            .map_err(|diagnostics| ScenarioError { diagnostics })?;
        let scenario = validate::validate(raw)?;
        scenario.check_variants()?;
        Ok(scenario)
    }

    /// Every `[[variants]]` entry must give a valid scenario, so a typo in
    /// a variant is reported when the file loads, not when `compare` runs.
    fn check_variants(&self) -> Result<(), ScenarioError> {
        let mut diagnostics = Vec::new();
        for name in &self.variant_names {
            if let Err(e) = self.variant(name) {
                diagnostics.extend(e.diagnostics.into_iter().map(|mut d| {
                    d.message = format!("{} (in variant \"{name}\")", d.message);
                    d
                }));
            }
        }
        if diagnostics.is_empty() {
            Ok(())
        } else {
            Err(ScenarioError { diagnostics })
        }
    }

    /// Loads a scenario file.
    ///
    /// # Errors
    /// When the file cannot be read, is not UTF-8 text, or is not a valid
    /// scenario.
    pub fn from_file(path: &Path, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
        let shown = path.display().to_string();
        let top = Loc::whole(shown.clone());
        let bytes = read_limited(path, MAX_SCENARIO_BYTES).map_err(|e| {
            let help = if e.kind() == std::io::ErrorKind::NotFound {
                "check the path; `capsim new NAME` writes a starter scenario"
            } else {
                "check that the path is a readable file"
            };
            Diagnostic::new(&top, "file", format!("cannot read the scenario: {e}"), help)
        })?;
        let Some(bytes) = bytes else {
            return Err(Diagnostic::new(
                &top,
                "file",
                format!(
                    "the file is larger than {} MiB; a scenario is a short text file",
                    MAX_SCENARIO_BYTES >> 20
                ),
                "check the path: it should name a scenario (.toml), not a data file or a device",
            )
            .into());
        };
        let text = String::from_utf8(bytes).map_err(|e| {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            let col = good.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
            let loc = Loc {
                source: shown.clone().into(),
                line: line as u32,
                col: col as u32,
            };
            Diagnostic::new(
                &loc,
                "file",
                "the file is not UTF-8 text (is it a binary file or in another encoding?)",
                "save the scenario as UTF-8 text",
            )
        })?;
        if let Some(pos) = text.find('\0') {
            let line = text[..pos].matches('\n').count() + 1;
            let loc = Loc {
                source: shown.clone().into(),
                line: line as u32,
                col: 1,
            };
            return Err(Diagnostic::new(
                &loc,
                "file",
                "the file contains NUL bytes; it looks like a binary file, not a scenario",
                "pass a .toml scenario file",
            )
            .into());
        }
        let stem = path.file_stem().and_then(|s| s.to_str());
        Scenario::from_str(&shown, stem, &text, overrides)
    }

    /// The built-in default scenario.
    ///
    /// # Errors
    /// When an override is invalid.
    pub fn builtin(overrides: &[Override]) -> Result<Scenario, ScenarioError> {
        Scenario::from_str(
            DEFAULT_SOURCE,
            Some("openai-30gw"),
            DEFAULT_SCENARIO,
            overrides,
        )
    }

    /// This scenario with further overrides applied on top (sweep points).
    ///
    /// # Errors
    /// When an override is invalid.
    pub fn with_overrides(&self, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
        let mut raw = self.raw.clone();
        raw.apply(overrides)
            .map_err(|diagnostics| ScenarioError { diagnostics })?;
        validate::validate(raw)
    }

    /// The named variant: the file, then the variant's `set`, then the
    /// command line's `--set`. Its name is `<scenario>-<variant>`.
    ///
    /// # Errors
    /// When the variant does not exist or its values are invalid.
    pub fn variant(&self, name: &str) -> Result<Scenario, ScenarioError> {
        let Some(v) = self.raw.variants.iter().find(|v| v.name == name) else {
            let d = Diagnostic::new(
                &self.raw.top,
                "variants",
                format!("no variant named \"{name}\""),
                format!("the file has {}", self.variant_names.join(", ")),
            );
            return Err(d.into());
        };
        let mut raw = self.raw.clone();
        let cli: Vec<Override> = raw
            .values
            .iter()
            .filter(|(_, v)| v.overridden && v.key_loc.line == 0)
            .map(|(k, v)| Override {
                key: k.clone(),
                node: v.node.clone(),
                key_loc: v.key_loc.clone(),
            })
            .collect();
        raw.applied.clear();
        raw.apply(&v.sets)
            .map_err(|diagnostics| ScenarioError { diagnostics })?;
        raw.apply(&cli)
            .map_err(|diagnostics| ScenarioError { diagnostics })?;
        let explicit_dir = raw.values.contains_key("output.dir");
        let mut s = validate::validate(raw)?;
        s.name = format!("{}-{}", s.name, name);
        s.title = format!("{} ({name})", s.title);
        if !explicit_dir {
            s.output.dir = PathBuf::from("outputs").join(&s.name);
        }
        Ok(s)
    }

    /// The input with this id.
    pub fn input(&self, id: InputId) -> &Input {
        &self.inputs[id as usize]
    }

    /// Ids of the inputs that vary between paths, in catalogue order.
    pub fn uncertain_inputs(&self) -> Vec<InputId> {
        self.inputs
            .iter()
            .filter(|i| i.is_uncertain())
            .map(|i| i.id)
            .collect()
    }

    /// Display name of the source file.
    pub fn source(&self) -> &str {
        &self.raw.source
    }

    /// The `--set` arguments applied, as written.
    pub fn applied_overrides(&self) -> &[String] {
        &self.raw.applied
    }

    /// The resolved scenario as canonical TOML (see [`resolved`]).
    pub fn resolved_text(&self) -> String {
        resolved::resolved_text(self)
    }
}
