//! Writing a run's files. Every file is an [`Exporter`] that streams its
//! bytes; [`Staging`] writes them into a temporary folder beside the output
//! folder and moves them into place only when all are complete, so a failed
//! or interrupted run leaves earlier results as they were, and never
//! deletes a file it did not write.

pub mod charts;
pub mod csv_files;
pub mod format;
pub mod report_html;
pub mod run_json;
pub mod solve_text;
pub mod study_files;
pub mod terminal;

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::engine::RunResults;
use crate::scenario::Scenario;

/// Everything an exporter may read.
pub struct RunReport<'a> {
    /// The scenario as run.
    pub scenario: &'a Scenario,
    /// The results.
    pub results: &'a RunResults,
    /// When the run started.
    pub started_at: SystemTime,
    /// When the computation finished (before writing).
    pub finished_at: SystemTime,
    /// Files written before this one (for `run.json`).
    pub files: Vec<String>,
    /// Set when the user interrupts; long writers check it.
    pub cancel: Option<&'a AtomicBool>,
}

impl RunReport<'_> {
    /// Whether the user asked to stop.
    pub fn cancelled(&self) -> bool {
        self.cancel.is_some_and(|c| c.load(Ordering::Relaxed))
    }
}

/// One output file.
pub trait Exporter {
    /// File name inside the output folder.
    fn file_name(&self) -> String;
    /// Writes the file's bytes.
    ///
    /// # Errors
    /// When writing fails or the run is interrupted.
    fn write(&self, report: &RunReport<'_>, out: &mut dyn Write) -> io::Result<()>;
}

/// Why the outputs could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A file system operation failed.
    #[error("{path}: {action}: {source}")]
    Io {
        /// The path concerned.
        path: PathBuf,
        /// What capsim was doing.
        action: &'static str,
        /// The system's error.
        source: io::Error,
    },
    /// The output path exists and is not a folder.
    #[error("{0}: exists and is not a folder")]
    NotAFolder(PathBuf),
    /// The user interrupted while files were written.
    #[error("interrupted")]
    Cancelled,
}

fn io_err<'p>(path: &'p Path, action: &'static str) -> impl FnOnce(io::Error) -> OutputError + 'p {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        action,
        source,
    }
}

/// A temporary folder that becomes (or is merged into) the output folder on
/// [`Staging::commit`], and is removed if dropped before.
pub struct Staging {
    target: PathBuf,
    temp: PathBuf,
    files: Vec<String>,
    committed: bool,
}

impl Staging {
    /// Creates the temporary folder beside `target`.
    ///
    /// # Errors
    /// When `target` is a file or the folder cannot be created.
    pub fn new(target: &Path) -> Result<Staging, OutputError> {
        // A file where the folder or one of its parents should be.
        if let Some(file) = target.ancestors().find(|a| a.exists() && !a.is_dir()) {
            return Err(OutputError::NotAFolder(file.to_path_buf()));
        }
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .map_err(io_err(target, "cannot create the output folder"))?;
        let name = target
            .file_name()
            .map_or_else(|| "capsim".into(), |n| n.to_string_lossy().into_owned());
        let stamp = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let temp = parent.join(format!(".{name}.capsim-tmp-{}-{stamp}", std::process::id()));
        std::fs::create_dir(&temp).map_err(io_err(target, "cannot create the output folder"))?;
        unfinished().push(temp.clone());
        Ok(Staging {
            target: target.to_path_buf(),
            temp,
            files: Vec::new(),
            committed: false,
        })
    }

    /// Names of the files written so far.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// Writes one exporter's file into the temporary folder.
    ///
    /// # Errors
    /// When writing fails or the run was interrupted.
    pub fn write(
        &mut self,
        exporter: &dyn Exporter,
        report: &RunReport<'_>,
    ) -> Result<(), OutputError> {
        self.write_with(&exporter.file_name(), report.cancel, |out| {
            exporter.write(report, out)
        })
    }

    /// Writes a file named `name` into the temporary folder with `fill`.
    ///
    /// # Errors
    /// When writing fails or `cancel` is set.
    pub fn write_with(
        &mut self,
        name: &str,
        cancel: Option<&AtomicBool>,
        fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), OutputError> {
        let cancelled = || cancel.is_some_and(|c| c.load(Ordering::Relaxed));
        if cancelled() {
            return Err(OutputError::Cancelled);
        }
        let mut out = self.create(name)?;
        match fill(&mut out).and_then(|()| out.flush()) {
            Ok(()) => {}
            Err(_) if cancelled() => return Err(OutputError::Cancelled),
            Err(e) => {
                return Err(OutputError::Io {
                    path: self.temp.join(name),
                    action: "cannot write",
                    source: e,
                })
            }
        }
        self.files.push(name.to_string());
        Ok(())
    }

    /// Creates file `name` in the temporary folder for a writer of the
    /// caller's own (`metrics.csv`, streamed during the run); record it
    /// with [`Staging::adopt`] once it is complete.
    ///
    /// # Errors
    /// When the file cannot be created.
    pub fn create(&self, name: &str) -> Result<BufWriter<std::fs::File>, OutputError> {
        let path = self.temp.join(name);
        let file = std::fs::File::create(&path).map_err(io_err(&path, "cannot create"))?;
        Ok(BufWriter::with_capacity(1 << 20, file))
    }

    /// Records `name`, written through [`Staging::create`], as one of the
    /// run's files; `written` is how writing it ended.
    ///
    /// # Errors
    /// The writing error, naming the file.
    pub fn adopt(&mut self, name: &str, written: io::Result<()>) -> Result<(), OutputError> {
        written.map_err(|e| self.write_failed(name, e))?;
        self.files.push(name.to_string());
        Ok(())
    }

    /// The error for file `name` (named by its place in the output folder)
    /// that could not be written.
    pub fn write_failed(&self, name: &str, source: io::Error) -> OutputError {
        OutputError::Io {
            path: self.target.join(name),
            action: "cannot write",
            source,
        }
    }

    /// Moves the files into the output folder.
    ///
    /// # Errors
    /// When a rename fails.
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        // From here an immediate exit must not delete what is being moved.
        forget_unfinished(&self.temp);
        if !self.target.exists() {
            std::fs::rename(&self.temp, &self.target)
                .map_err(io_err(&self.target, "cannot create the output folder"))?;
        } else {
            // Refuse before moving anything, so a failure cannot leave a
            // mix of old and new files.
            if let Some(name) = self.files.iter().find(|n| self.target.join(n).is_dir()) {
                return Err(OutputError::Io {
                    path: self.target.join(name),
                    action: "cannot replace",
                    source: io::Error::new(
                        io::ErrorKind::AlreadyExists,
                        "a folder of that name is in the way",
                    ),
                });
            }
            for name in &self.files {
                let to = self.target.join(name);
                std::fs::rename(self.temp.join(name), &to)
                    .map_err(io_err(&to, "cannot move into place"))?;
            }
            std::fs::remove_dir(&self.temp)
                .map_err(io_err(&self.temp, "cannot remove the temporary folder"))?;
        }
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.temp);
            forget_unfinished(&self.temp);
        }
    }
}

/// Checks, before a long run, that its output folder can be written: a
/// temporary folder is created beside it and removed again.
///
/// # Errors
/// As [`Staging::new`].
pub fn preflight(target: &Path) -> Result<(), OutputError> {
    Staging::new(target).map(drop)
}

/// Temporary folders of runs still being written.
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn unfinished() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    UNFINISHED.lock().unwrap_or_else(|e| e.into_inner())
}

fn forget_unfinished(temp: &Path) {
    unfinished().retain(|p| p != temp);
}

/// Removes the temporary folders of runs still being written, for a
/// process about to exit at once (a second Ctrl-C): their output folders
/// keep the earlier run's files.
pub fn remove_unfinished() {
    for temp in unfinished().drain(..) {
        let _ = std::fs::remove_dir_all(temp);
    }
}

/// The exporters of a run, in writing order (`run.json` last, so it can
/// list the others).
pub fn exporters() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(csv_files::BandsCsv),
        Box::new(csv_files::MetricsSummaryCsv),
        Box::new(csv_files::MetricsCsv),
        Box::new(csv_files::SensitivityCsv),
        Box::new(csv_files::TrajectoriesCsv),
    ]
}

/// Writes every file of a run and moves them into the output folder.
///
/// # Errors
/// When a file cannot be written or moved, or the run is interrupted.
pub fn write_run(
    report: &mut RunReport<'_>,
    extra: &[Box<dyn Exporter>],
) -> Result<(PathBuf, Vec<String>), OutputError> {
    let staging = Staging::new(&report.scenario.output.dir)?;
    write_run_into(staging, report, extra, None)
}

/// Starts streaming `metrics.csv` into `staging` for a run of `scenario`:
/// pass [`csv_files::MetricsStream::rows`] to the engine as `rows_done`,
/// then the outcome of [`csv_files::MetricsStream::finish`] to
/// [`write_run_into`].
///
/// # Errors
/// When the file cannot be created or its writer cannot start.
pub fn stream_metrics(
    staging: &Staging,
    scenario: &Scenario,
) -> Result<csv_files::MetricsStream, OutputError> {
    let out = staging.create(csv_files::METRICS_FILE)?;
    csv_files::MetricsStream::start(Box::new(out), &scenario.uncertain_inputs()).map_err(io_err(
        &staging.temp.join(csv_files::METRICS_FILE),
        "cannot write",
    ))
}

/// [`write_run`] into a staging folder made before the run, where
/// `metrics.csv` may already have been streamed ([`csv_files::MetricsStream`]); its
/// writer's outcome is `streamed`, and the file keeps its place in the
/// list of files.
///
/// # Errors
/// As [`write_run`].
pub fn write_run_into(
    mut staging: Staging,
    report: &mut RunReport<'_>,
    extra: &[Box<dyn Exporter>],
    mut streamed: Option<io::Result<()>>,
) -> Result<(PathBuf, Vec<String>), OutputError> {
    for exporter in exporters().iter().chain(extra) {
        let name = exporter.file_name();
        match streamed.take_if(|_| name == csv_files::METRICS_FILE) {
            Some(written) => staging.adopt(&name, written)?,
            None => staging.write(exporter.as_ref(), report)?,
        }
    }
    report.files = staging.files().to_vec();
    report.files.push(run_json::FILE_NAME.to_string());
    staging.write(&run_json::RunJson, report)?;
    let files = staging.files().to_vec();
    let dir = staging.commit()?;
    Ok((dir, files))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(&'static str, &'static [u8]);
    impl Exporter for Fixed {
        fn file_name(&self) -> String {
            self.0.to_string()
        }
        fn write(&self, _: &RunReport<'_>, out: &mut dyn Write) -> io::Result<()> {
            out.write_all(self.1)
        }
    }

    #[test]
    fn staging_moves_files_in_and_keeps_others() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("notes.txt"), "mine").unwrap();
        std::fs::write(target.join("a.csv"), "old").unwrap();
        let scenario = Scenario::from_str("t", Some("t"), "", &[]).unwrap();
        let results = crate::engine::run(
            &Scenario::from_str("t", Some("t"), "[scenario]\npaths = 10\n", &[]).unwrap(),
            &Default::default(),
        )
        .unwrap();
        let report = RunReport {
            scenario: &scenario,
            results: &results,
            started_at: SystemTime::now(),
            finished_at: SystemTime::now(),
            files: vec![],
            cancel: None,
        };
        let mut staging = Staging::new(&target).unwrap();
        staging.write(&Fixed("a.csv", b"new"), &report).unwrap();
        staging.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("a.csv")).unwrap(),
            "new"
        );
        assert_eq!(
            std::fs::read_to_string(target.join("notes.txt")).unwrap(),
            "mine"
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary folder left"
        );

        // Dropped before commit: nothing changes.
        let mut staging = Staging::new(&target).unwrap();
        staging.write(&Fixed("a.csv", b"newer"), &report).unwrap();
        drop(staging);
        assert_eq!(
            std::fs::read_to_string(target.join("a.csv")).unwrap(),
            "new"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

        // A file where the folder should be.
        std::fs::write(dir.path().join("file"), "x").unwrap();
        assert!(matches!(
            Staging::new(&dir.path().join("file")),
            Err(OutputError::NotAFolder(_))
        ));
    }
}
