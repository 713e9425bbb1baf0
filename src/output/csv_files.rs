//! The CSV files of a run (SPEC §6): UTF-8, comma-separated, a header row,
//! plain numbers (shortest text that reads back to the same double), dates
//! as `YYYY-MM`, and an empty cell for censored or undefined values.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;

use rayon::prelude::*;

use super::format::{push_number, push_row};
use super::{Exporter, RunReport};
use crate::model::{METRICS, N_METRICS, SERIES};
use crate::scenario::InputId;
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

/// The name of `metrics.csv`.
pub const METRICS_FILE: &str = "metrics.csv";

/// Rows formatted per parallel block.
const BLOCK_ROWS: usize = 16_384;

impl Exporter for MetricsCsv {
    fn file_name(&self) -> String {
        METRICS_FILE.into()
    }

    fn write(&self, report: &RunReport<'_>, out: &mut dyn Write) -> io::Result<()> {
        let sim = &report.results.simulation;
        out.write_all(&metrics_header(&sim.inputs)?)?;
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

/// The header line of `metrics.csv`.
fn metrics_header(inputs: &[InputId]) -> io::Result<Vec<u8>> {
    let mut header = CsvOut::new(Vec::new());
    header.header(
        ["path"]
            .into_iter()
            .chain(inputs.iter().map(|i| i.key()))
            .chain(METRICS.iter().map(|m| m.name())),
    )?;
    header.finish()
}

/// Appends rows (`width` values each) as `metrics.csv` lines, the first
/// being path `first_path` (numbers never need quoting, so they are
/// written directly).
fn push_rows(text: &mut Vec<u8>, rows: &[f64], first_path: usize, width: usize) {
    for (r, row) in rows.chunks(width).enumerate() {
        push_row(text, (first_path + r) as f64, row);
    }
}

/// Formats blocks of rows as CSV lines, in parallel, in order; the first
/// row is path `first_path`.
fn format_rows(blocks: &[&[f64]], first_path: usize, width: usize) -> Vec<Vec<u8>> {
    blocks
        .par_iter()
        .enumerate()
        .map(|(i, rows)| {
            let mut text = Vec::with_capacity(rows.len() * 20);
            push_rows(&mut text, rows, first_path + i * BLOCK_ROWS, width);
            text
        })
        .collect()
}

/// `metrics.csv` written while the run goes on: each chunk of rows is
/// formatted on the worker that simulated it ([`MetricsStream::rows`], for
/// the engine's `rows_done`) and a writer thread puts the chunks into the
/// file in path order. The file is the same as [`MetricsCsv`] writes
/// after the run.
pub struct MetricsStream {
    width: usize,
    sender: Option<SyncSender<(u64, u64, Vec<u8>)>>,
    writer: Option<JoinHandle<io::Result<()>>>,
    failed: Arc<AtomicBool>,
}

impl MetricsStream {
    /// Starts writing `metrics.csv` to `out` for a run with these
    /// uncertain inputs. If writing fails, [`MetricsStream::rows`] returns
    /// false (so the run can stop) and [`MetricsStream::finish`] returns
    /// the error.
    ///
    /// # Errors
    /// When the writer thread cannot start.
    pub fn start(mut out: Box<dyn Write + Send>, inputs: &[InputId]) -> io::Result<MetricsStream> {
        let header = metrics_header(inputs)?;
        // A few chunks in flight per thread: enough to keep both sides
        // busy, little enough that memory stays bounded if the disk is slow.
        let (sender, receiver) =
            sync_channel::<(u64, u64, Vec<u8>)>(4 * rayon::current_num_threads());
        let failed = Arc::new(AtomicBool::new(false));
        let failed_in_writer = Arc::clone(&failed);
        let writer = std::thread::Builder::new()
            .name("metrics.csv".into())
            .spawn(move || {
                let result = (|| {
                    out.write_all(&header)?;
                    // Chunks finish nearly in order; hold the early ones.
                    let mut waiting = BTreeMap::new();
                    let mut next = 0u64;
                    for (first, count, text) in receiver {
                        waiting.insert(first, (count, text));
                        while let Some((count, text)) = waiting.remove(&next) {
                            out.write_all(&text)?;
                            next += count;
                        }
                    }
                    out.flush()
                })();
                if result.is_err() {
                    failed_in_writer.store(true, Ordering::Relaxed);
                }
                result
            })?;
        Ok(MetricsStream {
            width: inputs.len() + N_METRICS,
            sender: Some(sender),
            writer: Some(writer),
            failed,
        })
    }

    /// Formats one chunk of finished rows, its first row being path
    /// `first_path`, and hands it to the writer. False once writing has
    /// failed (the run should stop; [`MetricsStream::finish`] says why).
    pub fn rows(&self, first_path: u64, rows: &[f64]) -> bool {
        if self.failed.load(Ordering::Relaxed) {
            return false;
        }
        let mut text = Vec::with_capacity(rows.len() * 20);
        push_rows(&mut text, rows, first_path as usize, self.width);
        let count = (rows.len() / self.width) as u64;
        // A closed channel means the writer failed.
        self.sender
            .as_ref()
            .is_some_and(|sender| sender.send((first_path, count, text)).is_ok())
            && !self.failed.load(Ordering::Relaxed)
    }

    /// Waits for the writer to put every chunk into the file.
    ///
    /// # Errors
    /// When writing failed.
    pub fn finish(mut self) -> io::Result<()> {
        self.close()
    }

    fn close(&mut self) -> io::Result<()> {
        drop(self.sender.take());
        match self.writer.take() {
            Some(writer) => writer
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the metrics.csv writer panicked"))),
            None => Ok(()),
        }
    }
}

impl Drop for MetricsStream {
    fn drop(&mut self) {
        let _ = self.close();
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A file that accepts `limit` bytes, then fails.
    struct Full {
        limit: usize,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if buf.len() > self.limit {
                return Err(io::Error::other("no space left"));
            }
            self.limit -= buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn streamed_chunks_land_in_path_order() {
        let inputs = [InputId::Growth, InputId::PerGwUsd];
        let width = inputs.len() + N_METRICS;
        let rows: Vec<f64> = (0..10 * width)
            .map(|i| if i % 7 == 3 { f64::NAN } else { i as f64 / 3.0 })
            .collect();
        let file = tempfile::NamedTempFile::new().unwrap();
        let stream = MetricsStream::start(Box::new(file.reopen().unwrap()), &inputs).unwrap();
        // Chunks of 4, 4 and 2 paths, handed over last first.
        for (first, range) in [(8, 8..10), (0, 0..4), (4, 4..8)] {
            assert!(stream.rows(first, &rows[range.start * width..range.end * width]));
        }
        stream.finish().unwrap();
        let mut expected = metrics_header(&inputs).unwrap();
        push_rows(&mut expected, &rows, 0, width);
        assert_eq!(std::fs::read(file.path()).unwrap(), expected);
        let text = String::from_utf8(expected).unwrap();
        assert!(text.starts_with("path,revenue.growth,cost.per_gw_usd,target_month,"));
        assert_eq!(text.lines().count(), 11);
    }

    #[test]
    fn a_failed_write_is_reported_by_finish() {
        let inputs = [InputId::Growth];
        let width = inputs.len() + N_METRICS;
        let rows = vec![1.5; 4 * width];
        let stream = MetricsStream::start(Box::new(Full { limit: 500 }), &inputs).unwrap();
        let mut accepted = Vec::new();
        for first in (0..4000).step_by(4) {
            accepted.push(stream.rows(first, &rows));
            if !accepted.last().unwrap() {
                break;
            }
            // Give the writer time to fail before the channel fills.
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert_eq!(accepted.last(), Some(&false), "the run is told to stop");
        let error = stream.finish().unwrap_err();
        assert_eq!(error.to_string(), "no space left");
    }
}
