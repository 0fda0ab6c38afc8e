//! `pxic build [PROJECT] --emit ir [--locked]`: check the project, update `pxi.lock`,
//! and print the IR as JSON.
//!
//! The backends that write Ansible, Terraform and Packer files are not built yet, so
//! `--emit ir` is the only output; without it the command says so and exits 2.

use super::args::{BuildArgs, Emit, LockMode};
use super::project;
use super::{Outcome, Printer};
use crate::diag::{self, Code, Diagnostic};
use crate::io;
use crate::source::SourceMap;

pub fn run(args: &BuildArgs, printer: &Printer) -> Outcome {
    // stdout carries the IR.
    let printer = &printer.keeping_stdout();
    let Some(Emit::Ir) = args.emit else {
        let problem = Diagnostic::error(
            Code::NothingToEmit,
            "the Ansible, Terraform and Packer backends are not available yet",
        )
        .with_help("run `pxic build --emit ir` to get the checked plan as JSON");
        return project::report_unloadable(printer, &SourceMap::new(), &[problem]);
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
        printer.print(&loaded.sources, &diagnostics);
        printer.summary(loaded.files, &diagnostics);
        return Outcome::Errors;
    };
    let lock_path = io::lock_path(&args.path);
    let old = &loaded.lock;
    let new = &loaded.checked.lock;
    if old.render() != new.render() {
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
                printer.print(&loaded.sources, &diagnostics);
                printer.summary(loaded.files, &diagnostics);
                return Outcome::Errors;
            }
            LockMode::Update => {
                if let Err(problem) = io::write_atomic(&lock_path, &new.render()) {
                    return project::report_unloadable(printer, &loaded.sources, &[problem]);
                }
            }
        }
    }
    printer.print(&loaded.sources, &diagnostics);
    match serde_json::to_string_pretty(plan) {
        Ok(json) => println!("{json}"),
        Err(e) => {
            let problem =
                Diagnostic::error(Code::Internal, format!("cannot serialise the IR: {e}"))
                    .with_help("this is a bug in pxic; please report it");
            return project::report_unloadable(printer, &loaded.sources, &[problem]);
        }
    }
    printer.summary(loaded.files, &diagnostics);
    Outcome::Clean
}
