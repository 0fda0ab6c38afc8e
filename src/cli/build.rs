//! `pxic build [PROJECT] [-o OUT] [--locked] [--check] [--force]`: check the project,
//! update `pxi.lock` and bring the generated files (`terraform/`, `ansible/`,
//! `packer/`) in OUT up to date, by default in the project's folder (see
//! `io::artifacts`). `--check` writes nothing and shows what would change; `--emit ir`
//! prints the checked plan as JSON instead.

use super::args::{BuildArgs, Emit};
use super::project::{self, Loaded};
use super::textdiff;
use super::{Outcome, Printer};
use crate::backend;
use crate::diag::{Code, Diagnostic};
use crate::io::{self, artifacts};
use crate::ir::Plan;
use std::time::Instant;

pub fn run(args: &BuildArgs, printer: &Printer) -> Outcome {
    let started = Instant::now();
    // stdout carries the IR, or --check's diffs.
    let printer = &if args.emit.is_some() || args.check {
        printer.keeping_stdout()
    } else {
        *printer
    };
    let loaded = match project::load(&args.path) {
        Ok(loaded) => loaded,
        Err((sources, problems)) => {
            return project::report_unloadable(printer, &sources, &problems);
        }
    };
    let mut diagnostics = loaded.checked.diagnostics.clone();
    // A plan is there only when its project has no errors.
    let Some(plan) = loaded.checked.plan.as_ref() else {
        return finish(printer, &loaded, &diagnostics, Outcome::Errors);
    };
    let lock = LockUpdate::of(args, &loaded);
    if args.emit == Some(Emit::Ir) {
        return emit_ir(printer, &loaded, diagnostics, plan, &lock);
    }
    // Everything is rendered before anything is written: a failure leaves the
    // previous files as they were.
    let files = backend::emit_all(plan);
    let out = out_dir(args);
    let changes = match artifacts::compare(&out, &files) {
        Ok(changes) => changes,
        Err(problem) => return project::report_unloadable(printer, &loaded.sources, &[problem]),
    };
    if args.check {
        return check(printer, &loaded, diagnostics, &files, &changes, &lock, &out);
    }
    if let Some(refusal) = lock.refusal() {
        diagnostics.push(refusal);
        return finish(printer, &loaded, &diagnostics, Outcome::Errors);
    }
    if !args.force {
        let blocked = blocked(&changes);
        if !blocked.is_empty() {
            diagnostics.extend(blocked);
            return finish(printer, &loaded, &diagnostics, Outcome::Errors);
        }
    }
    let written = artifacts::apply(&out, &changes).and_then(|()| lock.write());
    if let Err(problem) = written {
        return project::report_unloadable(printer, &loaded.sources, &[problem]);
    }
    printer.print(&loaded.sources, &diagnostics);
    printer.summary(loaded.files, &diagnostics);
    let removed = match changes.removals.len() {
        0 => String::new(),
        n => format!(", {} removed", super::plural(n, "stale file")),
    };
    printer.note(&format!(
        "wrote {} ({} changed{removed}) in {} in {} ms",
        super::plural(files.len(), "file"),
        changes.writes.len(),
        out.display(),
        started.elapsed().as_millis()
    ));
    Outcome::Clean
}

/// `--emit ir`: the plan as JSON on stdout, and `pxi.lock` updated (unless `--locked`
/// forbids it).
fn emit_ir(
    printer: &Printer,
    loaded: &Loaded,
    mut diagnostics: Vec<Diagnostic>,
    plan: &Plan,
    lock: &LockUpdate,
) -> Outcome {
    let json = match serde_json::to_string_pretty(plan) {
        Ok(json) => json,
        Err(e) => {
            let problem =
                Diagnostic::error(Code::Internal, format!("cannot serialise the IR: {e}"))
                    .with_help("this is a bug in pxic; please report it");
            return project::report_unloadable(printer, &loaded.sources, &[problem]);
        }
    };
    if let Some(refusal) = lock.refusal() {
        diagnostics.push(refusal);
        return finish(printer, loaded, &diagnostics, Outcome::Errors);
    }
    // The lock is written only once the IR it goes with has been printed.
    if !super::print_stdout(&format!("{json}\n")) {
        return Outcome::Clean;
    }
    if let Err(problem) = lock.write() {
        return project::report_unloadable(printer, &loaded.sources, &[problem]);
    }
    printer.print(&loaded.sources, &diagnostics);
    printer.summary(loaded.files, &diagnostics);
    Outcome::Clean
}

/// Where the generated folders go: `-o`, else the project's folder.
fn out_dir(args: &BuildArgs) -> std::path::PathBuf {
    args.out
        .clone()
        .unwrap_or_else(|| io::project_dir(&args.path))
}

/// The errors that stop a build without `--force`: files edited by hand, and files
/// pxic did not write where it would write.
fn blocked(changes: &artifacts::Changes) -> Vec<Diagnostic> {
    let edited = changes.edited.iter().map(|e| {
        let (doing, fix) = if e.still_generated {
            ("write over it", "carry the change into the .pxi files, then run `pxic build --force` to write over it")
        } else {
            ("remove it, as pxic no longer generates it", "keep a copy if you need it, then run `pxic build --force` to remove it")
        };
        Diagnostic::error(
            Code::GeneratedFileEdited,
            format!("`{}` was edited by hand after pxic wrote it", e.path),
        )
        .with_note(format!("this build would {doing}"))
        .with_help(fix)
    });
    let in_the_way = changes.in_the_way.iter().map(|path| {
        Diagnostic::error(
            Code::FileInTheWay,
            format!("`{path}` is in the way: pxic did not write it"),
        )
        .with_help("move the file elsewhere, or run `pxic build --force` to write over it")
    });
    edited.chain(in_the_way).collect()
}

/// `--check`: write nothing; print a diff of every file that is not as generated and
/// fail when there is one.
fn check(
    printer: &Printer,
    loaded: &Loaded,
    mut diagnostics: Vec<Diagnostic>,
    files: &backend::Emitted,
    changes: &artifacts::Changes,
    lock: &LockUpdate,
    out: &std::path::Path,
) -> Outcome {
    let color = textdiff::color_stdout();
    let labels = ("on disk", "generated");
    let mut text = String::new();
    for write in &changes.writes {
        let diff = textdiff::unified(
            &write.path,
            write.old.as_deref(),
            Some(&write.new),
            labels,
            color,
        );
        text.push_str(&diff);
    }
    for (path, old) in &changes.removals {
        text.push_str(&textdiff::unified(path, Some(old), None, labels, color));
    }
    if lock.changes() {
        let diff = textdiff::unified("pxi.lock", Some(&lock.old), Some(&lock.new), labels, color);
        text.push_str(&diff);
    }
    super::print_stdout(&text);
    let stale = changes.writes.len() + changes.removals.len() + usize::from(lock.changes());
    if stale > 0 {
        diagnostics.push(
            Diagnostic::error(
                Code::ArtifactsOutOfDate,
                match stale {
                    1 => format!("1 generated file is out of date in {}", out.display()),
                    n => format!("{n} generated files are out of date in {}", out.display()),
                },
            )
            .with_help("run `pxic build` and commit what it changes"),
        );
        return finish(printer, loaded, &diagnostics, Outcome::Errors);
    }
    printer.print(&loaded.sources, &diagnostics);
    printer.summary(loaded.files, &diagnostics);
    printer.note(&format!(
        "{} up to date in {}",
        super::plural(files.len(), "generated file"),
        out.display()
    ));
    Outcome::Clean
}

/// `pxi.lock` before and after this build.
struct LockUpdate {
    path: std::path::PathBuf,
    old: String,
    new: String,
    /// `--locked`: the lock may not change.
    locked: bool,
}

impl LockUpdate {
    fn of(args: &BuildArgs, loaded: &Loaded) -> LockUpdate {
        LockUpdate {
            path: io::lock_path(&args.path),
            old: loaded.lock.render(),
            new: loaded.checked.lock.render(),
            locked: args.locked,
        }
    }

    fn changes(&self) -> bool {
        self.old != self.new
    }

    /// Why `--locked` stops the build, when the lock would change.
    fn refusal(&self) -> Option<Diagnostic> {
        if !(self.locked && self.changes()) {
            return None;
        }
        Some(
            Diagnostic::error(
                Code::LockOutOfDate,
                format!(
                    "`{}` would change, and `--locked` forbids it",
                    self.path.display()
                ),
            )
            .with_help("run `pxic build` without `--locked` and commit the new lock file"),
        )
    }

    fn write(&self) -> Result<(), Diagnostic> {
        if self.changes() {
            io::write_atomic(&self.path, &self.new)
        } else {
            Ok(())
        }
    }
}

fn finish(
    printer: &Printer,
    loaded: &Loaded,
    diagnostics: &[Diagnostic],
    outcome: Outcome,
) -> Outcome {
    printer.print(&loaded.sources, diagnostics);
    printer.summary(loaded.files, diagnostics);
    outcome
}
