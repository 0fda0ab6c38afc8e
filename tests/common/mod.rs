//! Helpers shared by the integration tests that build whole projects.

#![allow(dead_code)]

pub mod fakepve;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository's root.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every project the backends are tested on: the bundled examples and each folder of
/// `tests/ui/emit/`, with a name for each.
pub fn emit_cases() -> Vec<(String, PathBuf)> {
    let mut cases: Vec<(String, PathBuf)> = ["homelab", "cluster"]
        .iter()
        .map(|e| (format!("example-{e}"), repo().join("examples").join(e)))
        .collect();
    let fixtures = repo().join("tests/ui/emit");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .expect("tests/ui/emit exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let name = dir
            .file_name()
            .expect("named")
            .to_string_lossy()
            .into_owned();
        cases.push((name, dir));
    }
    cases
}

/// The checked plan of a project folder, with its `pxi.lock` when it has one. Panics
/// with the rendered diagnostics if the project does not check cleanly.
pub fn plan_of(dir: &Path) -> pxic::ir::Plan {
    let paths = pxic::io::discover(dir).expect("project has .pxi files");
    let (mut map, unreadable) = pxic::io::read_sources(dir, &paths);
    assert!(
        unreadable.is_empty(),
        "unreadable files in {}",
        dir.display()
    );
    let lock = pxic::io::read_lock(&pxic::io::lock_path(dir)).expect("lock is readable");
    let checked = pxic::check::check_project(&mut map, &pxic::io::FsWorld::new(dir, &[]), &lock);
    let rendered: Vec<String> = checked
        .diagnostics
        .iter()
        .map(|d| pxic::diag::render::render(&map, d, pxic::diag::render::Style::Plain, 80))
        .collect();
    assert!(
        checked.diagnostics.is_empty(),
        "{} should check cleanly:\n{}",
        dir.display(),
        rendered.join("\n")
    );
    checked.plan.expect("a clean check gives a plan")
}

/// Emitted files as one text: each under a `//// path` line, in path order.
pub fn overview(files: &pxic::backend::Emitted) -> String {
    files
        .iter()
        .map(|(path, text)| format!("//// {path}\n{text}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs a command to the end: whether it succeeded, and everything it printed.
pub fn run(command: &mut Command) -> (bool, String) {
    let output = command.output().expect("the command runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// A script of the repository (`tests/terraform/validate.sh`), run with bash.
pub fn script(path: &str) -> Command {
    let mut command = Command::new("bash");
    command.arg(repo().join(path));
    command
}

/// Writes emitted files into a fresh folder of their own under the test's temporary
/// folder (`<area>/<name>`), and returns that folder.
pub fn write_case(area: &str, name: &str, files: &pxic::backend::Emitted) -> PathBuf {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(area).join(name);
    let _ = std::fs::remove_dir_all(&out);
    let changes = pxic::io::artifacts::compare(&out, files).expect("a fresh folder");
    pxic::io::artifacts::apply(&out, &changes).expect("temporary folder is writable");
    out
}

/// A fresh copy of the homelab example at `<tmp>/<area>/<name>/homelab` (the folder
/// above it is free for files outside the project), for tests that run the binary.
pub fn homelab_copy(area: &str, name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(area).join(name);
    let _ = std::fs::remove_dir_all(&root);
    let project = root.join("homelab");
    copy_dir(&repo().join("examples/homelab"), &project);
    project
}

/// Copies a folder and everything below it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("readable") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// What a command printed, stdout then stderr.
pub fn output_text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs the `pxic` binary in `dir`, without colour.
pub fn pxic(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_pxic"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("pxic runs")
}
