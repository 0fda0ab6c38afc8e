//! Loading and checking a project, shared by the commands that need one.

use super::{Outcome, Printer};
use crate::check::{self, Checked};
use crate::diag::{self, Diagnostic};
use crate::source::SourceMap;
use crate::{io, stdlib, syntax};
use std::path::Path;

/// A checked project, with the sources its diagnostics point into.
pub struct Loaded {
    pub sources: SourceMap,
    pub checked: Checked,
    /// The user's own files (not the stdlib's).
    pub files: usize,
}

/// Reads, parses and checks the project at `path`, printing nothing. `Err` carries the
/// problems that stop it before checking (unreadable input) and the outcome.
pub fn load(path: &Path) -> Result<Loaded, (SourceMap, Vec<Diagnostic>)> {
    let paths = io::discover(path).map_err(|d| (SourceMap::new(), vec![d]))?;
    let (mut sources, unreadable) = io::read_sources(&paths);
    if !unreadable.is_empty() {
        // Still report the syntax errors of the files that could be read.
        let (_, mut problems) = syntax::parse_all(&sources);
        problems.extend(unreadable);
        return Err((sources, problems));
    }
    let lock = io::read_lock(&io::lock_path(path)).map_err(|d| (SourceMap::new(), vec![d]))?;
    let files = sources.len();
    let (asts, syntax_errors) = syntax::parse_all(&sources);
    let std_ids = stdlib::add_to(&mut sources);
    if diag::has_errors(&syntax_errors) {
        // Meaning is not checked on a broken file: its missing declarations would only
        // cause more errors that say nothing new.
        let checked = Checked {
            plan: None,
            lock,
            diagnostics: syntax_errors,
        };
        return Ok(Loaded {
            sources,
            checked,
            files,
        });
    }
    let std_files: Vec<(&'static str, crate::syntax::ast::File)> = std_ids
        .into_iter()
        .filter_map(|(name, id)| {
            let text = &sources.get(id)?.text;
            Some((name, syntax::parse(id, text).0))
        })
        .collect();
    let mut checked = check::check(&sources, &asts, &std_files, &io::FsWorld, &lock);
    let mut all = syntax_errors;
    all.append(&mut checked.diagnostics);
    diag::sort(&mut all);
    checked.diagnostics = all;
    Ok(Loaded {
        sources,
        checked,
        files,
    })
}

/// Prints the problems that stopped a load and says how it ended.
pub fn report_unloadable(
    printer: &Printer,
    sources: &SourceMap,
    problems: &[Diagnostic],
) -> Outcome {
    printer.print(sources, problems);
    printer.summary(sources.len(), problems);
    Outcome::Unusable
}
