//! The CSV files of a run (SPEC §6): UTF-8, comma-separated, a header row,
//! plain numbers (shortest text that reads back to the same double), dates
//! as `YYYY-MM`, and an empty cell for censored or undefined values.

use std::io::{self, Write};

use rayon::prelude::*;

use super::format::push_number;
use super::{Exporter, RunReport};
use crate::model::{METRICS, SERIES};
use crate::stats::PERCENTILE_NAMES;

/// Writes CSV records whose fields are text or numbers.
pub struct CsvOut<W: Write> {
    writer: csv::Writer<W>,
    number: Vec<u8>,
}

impl<W: Write> CsvOut<W> {
    /// A CSV writer over `out`.
    pub fn new(out: W) -> Self {
        CsvOut {
            writer: csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(out),
            number: Vec::with_capacity(32),
        }
    }

    /// A text field.
    ///
    /// # Errors
    /// When writing fails.
    pub fn text(&mut self, s: &str) -> io::Result<()> {
        self.writer.write_field(s).map_err(io::Error::other)
    }

    /// A number field (empty for NaN).
    ///
    /// # Errors
    /// When writing fails.
    pub fn num(&mut self, x: f64) -> io::Result<()> {
        self.number.clear();
        push_number(&mut self.number, x);
        self.writer
            .write_field(&self.number)
            .map_err(io::Error::other)
    }

    /// Ends the record.
    ///
    /// # Errors
    /// When writing fails.
    pub fn end(&mut self) -> io::Result<()> {
        self.writer
            .write_record(None::<&[u8]>)
            .map_err(io::Error::other)
    }

    /// A whole record of text fields.
    ///
    /// # Errors
    /// When writing fails.
    pub fn header<'s>(&mut self, names: impl IntoIterator<Item = &'s str>) -> io::Result<()> {
        for n in names {
            self.text(n)?;
        }
        self.end()
    }

    /// Flushes and returns the underlying writer.
    ///
    /// # Errors
    /// When flushing fails.
    pub fn finish(self) -> io::Result<W> {
        self.writer
            .into_inner()
            .map_err(|e| io::Error::other(e.to_string()))
    }
}

fn date(report: &RunReport<'_>, month: usize) -> String {
    report.scenario.start.plus(month).to_string()
}

/// `bands.csv`: mean and percentiles of each series, one row per series per
/// month (series by series).
pub struct BandsCsv;

impl Exporter for BandsCsv {
    fn file_name(&self) -> String {
        "bands.csv".into()
    }

    fn write(&self, report: &RunReport<'_>, out: &mut dyn Write) -> io::Result<()> {
        let mut csv = CsvOut::new(out);
        csv.header(
            ["month", "date", "series", "mean"]
                .into_iter()
                .chain(PERCENTILE_NAMES),
        )?;
        let bands = &report.results.simulation.bands;
        for series in SERIES {
            for m in 0..bands.months {
                let row = bands.get(series, m);
                csv.num(m as f64)?;
                csv.text(&date(report, m))?;
                csv.text(series.name())?;
                csv.num(row.mean)?;
                for &p in &row.percentiles {
                    csv.num(p)?;
                }
                csv.end()?;
            }
        }
        csv.finish().map(|_| ())
    }
}

/// `metrics_summary.csv`: one row per metric.
pub struct MetricsSummaryCsv;

impl Exporter for MetricsSummaryCsv {
    fn file_name(&self) -> String {
        "metrics_summary.csv".into()
    }

    fn write(&self, report: &RunReport<'_>, out: &mut dyn Write) -> io::Result<()> {
        let mut csv = CsvOut::new(out);
        csv.header(
            ["metric", "mean", "sd"]
                .into_iter()
                .chain(PERCENTILE_NAMES)
                .chain(["censored_share"]),
        )?;
        for s in &report.results.statistics.summaries {
            csv.text(s.metric.name())?;
            csv.num(s.mean)?;
            csv.num(s.sd)?;
            for &p in &s.percentiles {
                csv.num(p)?;
            }
            csv.num(s.censored_share)?;
            csv.end()?;
        }
        csv.finish().map(|_| ())
    }
}

/// `metrics.csv`: one row per path with the uncertain inputs as drawn and
/// every metric. Rows are formatted in parallel blocks and written in order.
pub struct MetricsCsv;

/// Rows formatted per parallel block.
const BLOCK_ROWS: usize = 16_384;

impl Exporter for MetricsCsv {
    fn file_name(&self) -> String {
        "metrics.csv".into()
    }

    fn write(&self, report: &RunReport<'_>, out: &mut dyn Write) -> io::Result<()> {
        let sim = &report.results.simulation;
        let mut header = CsvOut::new(Vec::new());
        header.header(
            ["path"]
                .into_iter()
                .chain(sim.inputs.iter().map(|i| i.key()))
                .chain(METRICS.iter().map(|m| m.name())),
        )?;
        out.write_all(&header.finish()?)?;
        let width = sim.width();
        let blocks: Vec<&[f64]> = sim.rows.chunks(BLOCK_ROWS * width).collect();
        // Format a few blocks at a time so memory stays bounded, and format
        // the next group on the pool while this thread writes the last one.
        let per_group = 4 * rayon::current_num_threads().max(1);
        let groups: Vec<&[&[f64]]> = blocks.chunks(per_group).collect();
        let mut ready = groups.first().map(|g| format_rows(g, 0, width));
        for index in 0..groups.len() {
            if report.cancelled() {
                return Err(io::Error::other("interrupted"));
            }
            let texts = ready.take().unwrap_or_default();
            let mut next = None;
            let written = rayon::in_place_scope(|scope| {
                if let Some(group) = groups.get(index + 1) {
                    let next = &mut next;
                    scope.spawn(move |_| {
                        *next = Some(format_rows(
                            group,
                            (index + 1) * per_group * BLOCK_ROWS,
                            width,
                        ))
                    });
                }
                texts.iter().try_for_each(|text| out.write_all(text))
            });
            written?;
            ready = next;
        }
        Ok(())
    }
}

/// Formats blocks of rows as CSV lines (numbers never need quoting, so
/// they are written directly), in parallel, in order; the first row is
/// path `first_path`.
fn format_rows(blocks: &[&[f64]], first_path: usize, width: usize) -> Vec<Vec<u8>> {
    blocks
        .par_iter()
        .enumerate()
        .map(|(i, rows)| {
            let mut text = Vec::with_capacity(rows.len() * 20);
            let first = first_path + i * BLOCK_ROWS;
            for (r, row) in rows.chunks(width).enumerate() {
                push_number(&mut text, (first + r) as f64);
                for &x in row {
                    text.push(b',');
                    push_number(&mut text, x);
                }
                text.push(b'\n');
            }
            text
        })
        .collect()
}

/// `sensitivity.csv`: Spearman correlation of every uncertain input with
/// every metric.
pub struct SensitivityCsv;

impl Exporter for SensitivityCsv {
    fn file_name(&self) -> String {
        "sensitivity.csv".into()
    }

    fn write(&self, report: &RunReport<'_>, out: &mut dyn Write) -> io::Result<()> {
        let mut csv = CsvOut::new(out);
        csv.header(["metric", "input", "spearman"])?;
        for e in &report.results.statistics.sensitivity {
            csv.text(e.metric.name())?;
            csv.text(e.input.key())?;
            csv.num(e.spearman)?;
            csv.end()?;
        }
        csv.finish().map(|_| ())
    }
}

/// `trajectories.csv`: every month of the first `output.trajectories` paths.
pub struct TrajectoriesCsv;

impl Exporter for TrajectoriesCsv {
    fn file_name(&self) -> String {
        "trajectories.csv".into()
    }

    fn write(&self, report: &RunReport<'_>, out: &mut dyn Write) -> io::Result<()> {
        let mut csv = CsvOut::new(out);
        csv.header(
            ["path", "month", "date"]
                .into_iter()
                .chain(SERIES.iter().map(|s| s.name())),
        )?;
        let dates: Vec<String> = (0..report.results.simulation.months)
            .map(|m| date(report, m))
            .collect();
        for (path, months) in report.results.simulation.trajectories.iter().enumerate() {
            for (m, values) in months.iter().enumerate() {
                csv.num(path as f64)?;
                csv.num(m as f64)?;
                csv.text(&dates[m])?;
                for &v in values {
                    csv.num(v)?;
                }
                csv.end()?;
            }
        }
        csv.finish().map(|_| ())
    }
}
