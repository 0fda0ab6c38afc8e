//! Loading and checking a project, shared by the commands that need one.

use super::{Outcome, Printer};
use crate::check::{self, Checked};
use crate::diag::Diagnostic;
use crate::source::SourceMap;
use crate::{io, syntax};
use std::path::{Path, PathBuf};

/// A checked project, with the sources its diagnostics point into.
pub struct Loaded {
    pub sources: SourceMap,
    pub checked: Checked,
    /// The user's own files (not the stdlib's).
    pub files: usize,
    /// `pxi.lock` as it was before this run.
    pub lock: check::lock::Lock,
}

/// Reads, parses and checks the project at `path`, printing nothing; `file("…")` may
/// read inside the project and below `files_from`. `Err` carries the problems that
/// stop it before checking (unreadable input, a broken lock file) with the sources
/// they point into.
pub fn load(path: &Path, files_from: &[PathBuf]) -> Result<Loaded, (SourceMap, Vec<Diagnostic>)> {
    let paths = io::discover(path).map_err(|d| (SourceMap::new(), vec![d]))?;
    let (mut sources, unreadable) = io::read_sources(path, &paths);
    if !unreadable.is_empty() {
        // Still report the syntax errors of the files that could be read.
        let (_, mut problems) = syntax::parse_all(&sources);
        problems.extend(unreadable);
        return Err((sources, problems));
    }
    let lock = io::read_lock(&io::lock_path(path)).map_err(|d| (SourceMap::new(), vec![d]))?;
    let files = sources.len();
    let world = io::FsWorld::new(&io::project_dir(path), files_from);
    let checked = check::check_project(&mut sources, &world, &lock);
    Ok(Loaded {
        sources,
        checked,
        files,
        lock,
    })
}

/// [`load`], for a command that needs the plan: when the project cannot be read or
/// has errors, they are printed and `Err` is how the command ends (`with_errors`
/// when the project has errors).
pub fn load_plan(
    path: &Path,
    files_from: &[PathBuf],
    printer: &Printer,
    with_errors: Outcome,
) -> Result<(Loaded, crate::ir::Plan), Outcome> {
    let mut loaded = match load(path, files_from) {
        Ok(loaded) => loaded,
        Err((sources, problems)) => return Err(report_unloadable(printer, &sources, &problems)),
    };
    // A plan is there only when its project has no errors.
    match loaded.checked.plan.take() {
        Some(plan) => Ok((loaded, plan)),
        None => {
            printer.print(&loaded.sources, &loaded.checked.diagnostics);
            printer.summary(loaded.files, &loaded.checked.diagnostics);
            Err(with_errors)
        }
    }
}

/// Prints the problems that stopped a command before it could check anything (or
/// write its results), and says how it ended. No "checked N files" line: nothing, or
/// not all, was.
pub fn report_unloadable(
    printer: &Printer,
    sources: &SourceMap,
    problems: &[Diagnostic],
) -> Outcome {
    printer.print(sources, problems);
    Outcome::Unusable
}
