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
use crate::io::folder_lock::{self, Access};
use crate::io::{self, artifacts};
use crate::ir::Plan;
use crate::source::SourceMap;
use std::path::Path;
use std::time::Instant;

pub fn run(args: &BuildArgs, printer: &Printer) -> Outcome {
    run_keeping(args, printer, &mut None)
}

/// [`run`], handing the checked project to `built` when the build wrote its files
/// (`apply` and `plan` go on with its plan rather than check the project again).
pub fn run_keeping(args: &BuildArgs, printer: &Printer, built: &mut Option<Loaded>) -> Outcome {
    let started = Instant::now();
    // stdout carries the IR, or --check's diffs.
    let printer = &if args.emit.is_some() || args.check {
        printer.keeping_stdout()
    } else {
        *printer
    };
    // One build at a time per project (its `pxi.lock`) and per output folder.
    let access = if args.check {
        Access::Shared
    } else {
        Access::Exclusive
    };
    let project_dir = io::project_dir(&args.path);
    // A folder that is not there holds no sources: loading says so below.
    let _project_lock = match project_dir
        .is_dir()
        .then(|| lock_folder(printer, &project_dir, access))
        .transpose()
    {
        Ok(held) => held,
        Err(problem) => return project::report_unloadable(printer, &SourceMap::new(), &[problem]),
    };
    let loaded = match project::load(&args.path, &args.files_from) {
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
    let _out_lock = match lock_out(printer, args, &project_dir, &out) {
        Ok(held) => held,
        Err(problem) => return project::report_unloadable(printer, &loaded.sources, &[problem]),
    };
    let mut changes = match artifacts::compare(&out, &files) {
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
    // The lock is written with the files, all or nothing.
    if lock.changes() {
        changes.also_write(lock.path.clone(), lock.new.clone());
    }
    if let Err(problem) = artifacts::apply(&out, &changes) {
        return project::report_unloadable(printer, &loaded.sources, &[problem]);
    }
    printer.print(&loaded.sources, &diagnostics);
    printer.summary(loaded.files, &diagnostics);
    for path in &changes.kept {
        printer.note(&format!(
            "left `{path}` in place: edited by hand and no longer generated, pxic forgot it"
        ));
    }
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
    *built = Some(loaded);
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

/// Locks a folder for this build (see `io::folder_lock`), saying so when another
/// build holds it.
fn lock_folder(
    printer: &Printer,
    dir: &Path,
    access: Access,
) -> Result<folder_lock::FolderLock, Diagnostic> {
    folder_lock::lock(dir, access, &|| {
        printer.note(&format!(
            "waiting for another build in `{}` to finish",
            dir.display()
        ));
    })
}

/// Locks the output folder too when it is not the project's (already locked). A
/// build creates it first; `--check` only reads, so a missing one needs no lock.
fn lock_out(
    printer: &Printer,
    args: &BuildArgs,
    project_dir: &Path,
    out: &Path,
) -> Result<Option<folder_lock::FolderLock>, Diagnostic> {
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if args.check {
        if !out.is_dir() || same(project_dir, out) {
            return Ok(None);
        }
        return lock_folder(printer, out, Access::Shared).map(Some);
    }
    std::fs::create_dir_all(out).map_err(|e| {
        Diagnostic::error(
            Code::CannotWrite,
            format!("cannot create `{}`: {}", out.display(), io::describe_io(&e)),
        )
        .with_help("check that you may write there")
    })?;
    if same(project_dir, out) {
        return Ok(None);
    }
    lock_folder(printer, out, Access::Exclusive).map(Some)
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
            ("this build would write over it", "carry the change into the .pxi files, then run `pxic build --force` to write over it")
        } else {
            ("pxic no longer generates it, and never removes a file edited by hand", "remove it yourself if you no longer need it, or run `pxic build --force` to leave it where it is and let pxic forget it")
        };
        Diagnostic::error(
            Code::GeneratedFileEdited,
            format!("`{}` was edited by hand after pxic wrote it", e.path),
        )
        .with_note(doing)
        .with_help(fix)
    });
    let in_the_way = changes
        .in_the_way
        .iter()
        .map(|path| in_the_way(changes, path));
    edited.chain(in_the_way).collect()
}

fn in_the_way(changes: &artifacts::Changes, path: &str) -> Diagnostic {
    let found = Diagnostic::error(
        Code::FileInTheWay,
        format!("`{path}` is in the way: pxic did not write it"),
    )
    .with_help("move the file elsewhere, or run `pxic build --force` to write over it");
    if changes.links.iter().any(|link| link == path) {
        found.with_note("it is a symbolic link: pxic does not read what it points to, and `--force` replaces the link itself")
    } else {
        found
    }
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
            Some(write.new),
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
    for link in &changes.links {
        diagnostics.push(in_the_way(changes, link));
    }
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
