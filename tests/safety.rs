//! Runs that fail or are stopped lose nothing: Ctrl-C (SIGINT) during the
//! simulation or while files are written exits 130 and leaves an earlier
//! run's files byte for byte as they were, with no temporary folder left;
//! an output folder that cannot be created is an I/O error (exit 1) found
//! before simulating; a run that would not fit in memory is refused with
//! the estimate (exit 2); too few paths for P5/P95 give a warning; a run
//! never deletes files it did not write.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::cargo::{cargo_bin, cargo_bin_cmd};
use predicates::prelude::*;

/// 1,000,000 paths over 50 years: minutes of simulation in any profile.
const LONG: &str = r#"[scenario]
name = "long"
horizon_years = 50
paths = 1000000
seed = 3
[build]
rate_gw_per_week = { dist = "pert", min = 0.1, mode = 0.3, max = 1.0 }
[revenue]
volatility = "25%"
[output]
charts = false
trajectories = 0
"#;

/// 1,000,000 paths over one year with many inputs: a quick simulation and
/// a long metrics.csv, so writing takes a while.
const WIDE: &str = r#"[scenario]
name = "wide"
horizon_years = 1
paths = 1000000
seed = 5
[build]
rate_gw_per_week = { dist = "pert", min = 0.1, mode = 0.3, max = 1.0 }
lag_months = { dist = "uniform", min = 0, max = 6 }
[cost]
per_gw_usd = "40B to 60B"
power_price_usd_per_mwh = { dist = "triangular", min = 40, mode = 70, max = 120 }
utilization = { dist = "uniform", min = 0.6, max = 0.9 }
[revenue]
growth = { dist = "normal", mean = 1, sd = 0.3, min = -0.5 }
initial_run_rate_usd = "13B to 20B"
[finance]
initial_cash_usd = "-20B to 80B"
[output]
charts = false
trajectories = 0
"#;

/// Every file under `dir` (recursively) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                files.insert(name, std::fs::read(&path).unwrap_or_else(|e| panic!("{e}")));
            }
        }
    }
    files
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .map(|e| {
            e.unwrap_or_else(|e| panic!("{e}"))
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// A finished earlier run in `dir/out` (with few paths), plus a file of the
/// user's; returns the snapshot of `out`.
fn earlier_run(dir: &Path, scenario: &str) -> BTreeMap<String, Vec<u8>> {
    cargo_bin_cmd!("capsim")
        .current_dir(dir)
        .args([
            "run", scenario, "--paths", "2000", "--out", "out", "--quiet",
        ])
        .assert()
        .success();
    std::fs::write(dir.join("out/notes.txt"), "the user's own file")
        .unwrap_or_else(|e| panic!("{e}"));
    let snap = snapshot(&dir.join("out"));
    assert!(snap.contains_key("metrics.csv") && snap.contains_key("run.json"));
    snap
}

fn spawn_run(dir: &Path, scenario: &str) -> Child {
    Command::new(cargo_bin!("capsim"))
        .current_dir(dir)
        .args(["run", scenario, "--out", "out", "--quiet"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start capsim: {e}"))
}

fn sigint(child: &Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap_or_else(|e| panic!("cannot run kill: {e}"));
    assert!(status.success(), "kill -INT failed");
}

/// Waits for the child to exit (at most `limit`) and returns its exit code
/// and stderr.
fn finish(mut child: Child, limit: Duration) -> (Option<i32>, String) {
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if start.elapsed() < limit => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                panic!("capsim did not stop within {limit:?} of being interrupted");
            }
        }
    }
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The staging folder of a run in `dir` once it holds a written file (the
/// empty one the up-front check creates and removes does not count).
fn staging_with_files(dir: &Path) -> Option<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".out.capsim-tmp-"))
                && std::fs::read_dir(p).is_ok_and(|mut d| d.next().is_some())
        })
}

/// Starts a long run over an earlier one, interrupts it when `ready` (given
/// the folder and the time since the start) says so, with one or two
/// SIGINTs, and checks that nothing was lost or left.
fn interrupt_and_check(
    scenario_text: &str,
    ready: impl Fn(&Path, Duration) -> bool,
    signals: usize,
) {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(tmp.path().join("s.toml"), scenario_text).unwrap_or_else(|e| panic!("{e}"));
    let before = earlier_run(tmp.path(), "s.toml");
    let mut child = spawn_run(tmp.path(), "s.toml");
    let start = Instant::now();
    while !ready(tmp.path(), start.elapsed()) {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the run ended ({status}) before it could be interrupted");
        }
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "never ready to interrupt"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    for _ in 0..signals {
        sigint(&child);
    }
    let (code, stderr) = finish(child, Duration::from_secs(120));
    assert_eq!(code, Some(130), "exit code; stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        snapshot(&tmp.path().join("out")) == before,
        "the earlier run's files changed"
    );
    assert_eq!(
        names(tmp.path()),
        ["out", "s.toml"],
        "a temporary folder was left"
    );
}

#[test]
fn ctrl_c_during_the_simulation_keeps_the_earlier_results() {
    // Well after the Ctrl-C handler is installed, long before the end.
    interrupt_and_check(LONG, |_, t| t > Duration::from_millis(1500), 1);
}

#[test]
fn ctrl_c_while_files_are_written_keeps_the_earlier_results() {
    interrupt_and_check(WIDE, |dir, _| staging_with_files(dir).is_some(), 1);
}

#[test]
fn a_second_ctrl_c_exits_at_once_and_still_leaves_no_temporary_folder() {
    interrupt_and_check(WIDE, |dir, _| staging_with_files(dir).is_some(), 2);
}

#[test]
fn the_interrupt_message_says_nothing_was_written() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(tmp.path().join("s.toml"), LONG).unwrap_or_else(|e| panic!("{e}"));
    let child = spawn_run(tmp.path(), "s.toml");
    std::thread::sleep(Duration::from_millis(1500));
    sigint(&child);
    let (code, stderr) = finish(child, Duration::from_secs(120));
    assert_eq!(code, Some(130));
    assert!(stderr.contains("error: interrupted"), "{stderr}");
    assert_eq!(
        names(tmp.path()),
        ["s.toml"],
        "a first run that is interrupted writes nothing"
    );
}

#[test]
fn an_output_folder_that_cannot_be_created_fails_fast_with_exit_1() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(tmp.path().join("s.toml"), LONG).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(tmp.path().join("taken"), "a file").unwrap_or_else(|e| panic!("{e}"));
    let mut outs = vec![("taken/out", "taken: exists and is not a folder")];
    if cfg!(target_os = "linux") {
        // Nobody, not even root, can create folders in /proc.
        outs.push((
            "/proc/capsim-out",
            "/proc/capsim-out: cannot create the output folder",
        ));
    }
    for (out, says) in outs {
        let start = Instant::now();
        cargo_bin_cmd!("capsim")
            .current_dir(tmp.path())
            .args(["run", "s.toml", "--quiet", "--out", out])
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!("error: {says}")))
            .stderr(predicate::str::contains(
                "\nhelp: check that the output folder",
            ));
        // The simulation takes minutes: the folder is checked before it.
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{out}: not checked up front"
        );
    }
    assert_eq!(names(tmp.path()), ["s.toml", "taken"]);
}

#[test]
fn a_folder_in_the_way_of_an_output_file_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(tmp.path().join("s.toml"), WIDE).unwrap_or_else(|e| panic!("{e}"));
    let mut before = earlier_run(tmp.path(), "s.toml");
    // A folder where metrics.csv goes: the move into place must fail before
    // any earlier file is replaced.
    std::fs::remove_file(tmp.path().join("out/metrics.csv")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir(tmp.path().join("out/metrics.csv")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(tmp.path().join("out/metrics.csv/keep.txt"), "x")
        .unwrap_or_else(|e| panic!("{e}"));
    before.remove("metrics.csv");
    before.insert("metrics.csv/keep.txt".into(), b"x".to_vec());
    cargo_bin_cmd!("capsim")
        .current_dir(tmp.path())
        .args([
            "run", "s.toml", "--paths", "3000", "--out", "out", "--quiet",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "a folder of that name is in the way",
        ));
    assert!(
        snapshot(&tmp.path().join("out")) == before,
        "earlier files changed"
    );
    assert_eq!(
        names(tmp.path()),
        ["out", "s.toml"],
        "a temporary folder was left"
    );
}

#[test]
fn a_run_keeps_files_it_did_not_write() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(tmp.path().join("s.toml"), WIDE).unwrap_or_else(|e| panic!("{e}"));
    let before = earlier_run(tmp.path(), "s.toml");
    std::fs::create_dir(tmp.path().join("out/mine")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(tmp.path().join("out/mine/a.txt"), "a").unwrap_or_else(|e| panic!("{e}"));
    cargo_bin_cmd!("capsim")
        .current_dir(tmp.path())
        .args([
            "run", "s.toml", "--paths", "3000", "--out", "out", "--quiet",
        ])
        .assert()
        .success();
    let after = snapshot(&tmp.path().join("out"));
    assert_eq!(after["notes.txt"], b"the user's own file");
    assert_eq!(after["mine/a.txt"], b"a");
    assert_ne!(
        after["metrics.csv"], before["metrics.csv"],
        "new results were written"
    );
    assert_eq!(names(tmp.path()), ["out", "s.toml"]);
}

/// Bytes the machine can give a process, from /proc/meminfo.
fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? * 1024)
}

#[test]
fn a_run_too_big_for_memory_is_refused_with_the_estimate() {
    let Some(available) = available_memory() else {
        eprintln!("skipped: no /proc/meminfo, so capsim cannot know the memory either");
        return;
    };
    // A billion paths over 50 years need about 200 GB.
    if available > 150_000_000_000 {
        eprintln!("skipped: this machine has {available} bytes available");
        return;
    }
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(tmp.path().join("s.toml"), LONG).unwrap_or_else(|e| panic!("{e}"));
    cargo_bin_cmd!("capsim")
        .current_dir(tmp.path())
        .args(["run", "s.toml", "--paths", "1000000000"])
        .assert()
        .code(2)
        .stderr(predicate::str::is_match(
            r"error: long: 1,000,000,000 paths need about [0-9.]+ GB of memory, but only [0-9.]+ GB is available\nhelp: use fewer paths, e.g. --paths [0-9]+",
        ).unwrap_or_else(|e| panic!("{e}")));
    assert_eq!(names(tmp.path()), ["s.toml"], "nothing written");
}

#[test]
fn too_few_paths_for_p5_and_p95_give_a_warning() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(tmp.path().join("s.toml"), WIDE).unwrap_or_else(|e| panic!("{e}"));
    cargo_bin_cmd!("capsim")
        .current_dir(tmp.path())
        .args(["run", "s.toml", "--paths", "50", "--quiet"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: wide: with 50 paths only 2 paths lie below P5, so P5 and P95 are noisy",
        ));
    cargo_bin_cmd!("capsim")
        .current_dir(tmp.path())
        .args(["run", "s.toml", "--paths", "5000", "--quiet"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning").not());
}

#[cfg(unix)]
#[test]
fn a_closed_output_pipe_ends_quietly() {
    // `capsim check ... | head -c 1`: 200 listings overflow the pipe's
    // buffer, so capsim is still writing when `head` exits and is certain
    // to meet a closed pipe. That is not a bug in capsim: no panic, exit 0.
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(tmp.path().join("s.toml"), WIDE).unwrap_or_else(|e| panic!("{e}"));
    let files = vec!["s.toml"; 200].join(" ");
    let bin = cargo_bin!("capsim").display().to_string();
    let script = format!(
        "{{ '{bin}' check {files}; echo $? > code.txt; }} 2> err.txt | head -c 1 > /dev/null"
    );
    let status = Command::new("sh")
        .current_dir(tmp.path())
        .args(["-c", &script])
        .status()
        .unwrap_or_else(|e| panic!("cannot run sh: {e}"));
    assert!(status.success());
    let read = |f: &str| {
        std::fs::read_to_string(tmp.path().join(f)).unwrap_or_else(|e| panic!("{f}: {e}"))
    };
    let stderr = read("err.txt");
    assert!(
        !stderr.contains("internal error") && !stderr.contains("panicked"),
        "{stderr}"
    );
    assert_eq!(read("code.txt").trim(), "0", "stderr: {stderr}");
}
