//! Draws every chart of a run once, in parallel (rayon, in the caller's
//! pool), and keeps the PNG bytes for the chart files and `report.html`.

use std::io::{self, Write};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use super::{ChartError, ChartKind, CHARTS};
use crate::output::{Exporter, RunReport};

/// The drawn charts of one run, in [`CHARTS`] order. A set belongs to one
/// run: [`super::exporters`] makes a fresh one each time.
#[derive(Debug, Default)]
pub struct ChartSet {
    drawn: OnceLock<Vec<Result<Vec<u8>, ChartError>>>,
}

impl ChartSet {
    /// Every chart's PNG bytes (or why it failed), drawing them all in
    /// parallel on first use.
    pub fn all(&self, report: &RunReport<'_>) -> &[Result<Vec<u8>, ChartError>] {
        self.drawn
            .get_or_init(|| CHARTS.par_iter().map(|kind| kind.draw(report)).collect())
    }

    /// One chart's PNG bytes.
    ///
    /// # Errors
    /// When the chart could not be drawn; the message names the file.
    pub fn png(&self, report: &RunReport<'_>, kind: ChartKind) -> io::Result<&[u8]> {
        let index = CHARTS
            .iter()
            .position(|&k| k == kind)
            .ok_or_else(|| io::Error::other(format!("{}: not a run chart", kind.file_name())))?;
        match &self.all(report)[index] {
            Ok(bytes) => Ok(bytes),
            Err(e) => Err(io::Error::other(format!("{}: {e}", kind.file_name()))),
        }
    }
}

/// One chart as an output file.
#[derive(Debug)]
pub struct ChartFile {
    kind: ChartKind,
    set: Arc<ChartSet>,
}

impl ChartFile {
    /// The file of `kind`, drawn by `set`.
    pub fn new(kind: ChartKind, set: Arc<ChartSet>) -> Self {
        ChartFile { kind, set }
    }
}

impl Exporter for ChartFile {
    fn file_name(&self) -> String {
        self.kind.file_name()
    }

    fn write(&self, report: &RunReport<'_>, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(self.set.png(report, self.kind)?)
    }
}
