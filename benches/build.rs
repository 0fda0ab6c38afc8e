//! The whole `pxic build`, as a user runs it: the release binary on a project on disk
//! (the one `benches/common` makes), into a fresh output folder and then again into an
//! up-to-date one. Reports wall time and the process's peak memory (max RSS).
//!
//! `cargo bench --bench build` measures 1,000, 10,000 and 100,000 VMs;
//! `PXIC_BENCH_VMS=10000 PXIC_BENCH_RUNS=15 cargo bench --bench build` one size.
//! Under `cargo test --all-targets` it makes one small build and checks it succeeded.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Writes the generated project of `vms` VMs to `<target>/bench-build/<vms>/project`.
fn project(vms: usize) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("bench-build")
        .join(vms.to_string());
    let project = root.join("project");
    std::fs::create_dir_all(&project).expect("bench folder");
    std::fs::write(project.join("main.pxi"), common::generate(vms)).expect("write project");
    project
}

/// One run of `pxic build`: its wall time and peak resident memory in bytes.
fn build(project: &Path, out: &Path) -> (Duration, u64) {
    let start = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_pxic"))
        .arg("build")
        .arg(project)
        .arg("-o")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("pxic starts");
    let (status, max_rss) = wait(child);
    let elapsed = start.elapsed();
    assert!(
        status,
        "pxic build failed on {}; run it by hand to see why",
        project.display()
    );
    (elapsed, max_rss)
}

/// Waits for a child and reads its own peak memory (not that of earlier children).
fn wait(child: std::process::Child) -> (bool, u64) {
    let mut status = 0;
    // SAFETY: rusage is plain data filled in by wait4 for this child's pid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4");
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    // Linux reports ru_maxrss in KiB.
    (ok, usage.ru_maxrss as u64 * 1024)
}

fn measure(vms: usize, runs: usize) {
    let project = project(vms);
    let out = project.with_file_name("out");
    // The first build writes the project's pxi.lock; the measured ones find it, as a
    // user's builds do.
    let _ = std::fs::remove_dir_all(&out);
    build(&project, &out);
    let mut fresh = Vec::new();
    let mut again = Vec::new();
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(&out);
        fresh.push(build(&project, &out));
        again.push(build(&project, &out));
    }
    let report = |what: &str, runs: &mut Vec<(Duration, u64)>| {
        runs.sort();
        let peak = runs.iter().map(|r| r.1).max().unwrap_or(0);
        println!(
            "build {vms:>7} VMs, {what:<10}: best {:>8.1} ms, median {:>8.1} ms, max RSS {:>7.1} MB",
            runs[0].0.as_secs_f64() * 1e3,
            runs[runs.len() / 2].0.as_secs_f64() * 1e3,
            peak as f64 / 1e6
        );
    };
    report("fresh", &mut fresh);
    report("up to date", &mut again);
}

fn main() {
    let setting = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
    };
    if !std::env::args().any(|a| a == "--bench") {
        measure(setting("PXIC_BENCH_VMS").unwrap_or(50), 1);
        return;
    }
    match (setting("PXIC_BENCH_VMS"), setting("PXIC_BENCH_RUNS")) {
        (Some(vms), runs) => measure(vms, runs.unwrap_or(9)),
        (None, _) => {
            measure(1_000, 15);
            measure(10_000, 15);
            measure(100_000, 3);
        }
    }
}
