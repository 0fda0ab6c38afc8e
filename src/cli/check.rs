//! `pxic check [PATH]`: read a project, report every problem, write nothing.

use super::args::CheckArgs;
use super::project;
use super::{Outcome, Printer};
use crate::diag;

pub fn run(args: &CheckArgs, printer: &Printer) -> Outcome {
    let loaded = match project::load(&args.path, &args.files_from) {
        Ok(loaded) => loaded,
        Err((sources, problems)) => {
            return project::report_unloadable(printer, &sources, &problems);
        }
    };
    let diagnostics = &loaded.checked.diagnostics;
    printer.print(&loaded.sources, diagnostics);
    printer.summary(loaded.files, diagnostics);
    if diag::has_errors(diagnostics) {
        Outcome::Errors
    } else {
        Outcome::Clean
    }
}
