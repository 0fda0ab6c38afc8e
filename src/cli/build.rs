//! `pxic build [PROJECT] [-o OUT] [--locked]`: check the project, update `pxi.lock`
//! and write the generated files (`terraform/` and `ansible/`) into OUT, by default the
//! project's folder. `--emit ir` prints the checked plan as JSON instead.

use super::args::{BuildArgs, Emit, LockMode};
use super::project::{self, Loaded};
use super::{Outcome, Printer};
use crate::backend;
use crate::diag::{self, Code, Diagnostic};
use crate::io;
use crate::ir::Plan;
use std::time::Instant;

pub fn run(args: &BuildArgs, printer: &Printer) -> Outcome {
    let started = Instant::now();
    let printer = &match args.emit {
        // stdout carries the IR.
        Some(Emit::Ir) => printer.keeping_stdout(),
        None => *printer,
    };
    let loaded = match project::load(&args.path) {
        Ok(loaded) => loaded,
        Err((sources, problems)) => {
            return project::report_unloadable(printer, &sources, &problems);
        }
    };
    let mut diagnostics = loaded.checked.diagnostics.clone();
    let Some(plan) = loaded
        .checked
        .plan
        .as_ref()
        .filter(|_| !diag::has_errors(&diagnostics))
    else {
        return finish(printer, &loaded, &diagnostics, Outcome::Errors);
    };
    // Everything is rendered before anything is written: a failure leaves the
    // previous files as they were.
    let output = match args.emit {
        Some(Emit::Ir) => match serde_json::to_string_pretty(plan) {
            Ok(json) => Output::Ir(json),
            Err(e) => {
                let problem =
                    Diagnostic::error(Code::Internal, format!("cannot serialise the IR: {e}"))
                        .with_help("this is a bug in pxic; please report it");
                return project::report_unloadable(printer, &loaded.sources, &[problem]);
            }
        },
        None => Output::Files(emit_all(plan)),
    };
    if let Err(problem) = update_lock(args, &loaded, &mut diagnostics) {
        return project::report_unloadable(printer, &loaded.sources, &[problem]);
    }
    if diag::has_errors(&diagnostics) {
        return finish(printer, &loaded, &diagnostics, Outcome::Errors);
    }
    match output {
        Output::Ir(json) => {
            printer.print(&loaded.sources, &diagnostics);
            println!("{json}");
            printer.summary(loaded.files, &diagnostics);
        }
        Output::Files(files) => {
            let out = args
                .out
                .clone()
                .unwrap_or_else(|| io::project_dir(&args.path));
            let written = match io::write_files(&out, &files) {
                Ok(written) => written,
                Err(problem) => {
                    return project::report_unloadable(printer, &loaded.sources, &[problem]);
                }
            };
            printer.print(&loaded.sources, &diagnostics);
            printer.summary(loaded.files, &diagnostics);
            printer.note(&format!(
                "wrote {} ({} changed) in {} in {} ms",
                super::plural(files.len(), "file"),
                written.changed,
                out.display(),
                started.elapsed().as_millis()
            ));
        }
    }
    Outcome::Clean
}

/// What a build produces, rendered and not yet written.
enum Output {
    Ir(String),
    Files(backend::Emitted),
}

/// The files of every backend.
fn emit_all(plan: &Plan) -> backend::Emitted {
    let mut files = backend::terraform::emit(plan);
    files.extend(backend::ansible::emit(plan));
    files.extend(backend::packer::emit(plan));
    files
}

/// Writes the new `pxi.lock` when allocations changed, or (with `--locked`) adds the
/// error that forbids it. `Err` when the lock file cannot be written.
fn update_lock(
    args: &BuildArgs,
    loaded: &Loaded,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(), Diagnostic> {
    let lock_path = io::lock_path(&args.path);
    let new = loaded.checked.lock.render();
    if loaded.lock.render() == new {
        return Ok(());
    }
    match args.lock_mode() {
        LockMode::Locked => {
            diagnostics.push(
                Diagnostic::error(
                    Code::LockOutOfDate,
                    format!(
                        "`{}` would change, and `--locked` forbids it",
                        lock_path.display()
                    ),
                )
                .with_help("run `pxic build` without `--locked` and commit the new lock file"),
            );
            Ok(())
        }
        LockMode::Update => io::write_atomic(&lock_path, &new),
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
