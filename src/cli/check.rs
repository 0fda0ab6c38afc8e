//! `pxic check [PATH]`: read a project, report every problem, write nothing.

use super::args::CheckArgs;
use super::{Outcome, Printer};
use crate::diag;
use crate::source::SourceMap;
use crate::{io, syntax};

pub fn run(args: &CheckArgs, printer: &Printer) -> Outcome {
    let paths = match io::discover(&args.path) {
        Ok(paths) => paths,
        Err(problem) => {
            printer.print(&SourceMap::new(), &[problem]);
            return Outcome::Unusable;
        }
    };
    let (sources, unreadable) = io::read_sources(&paths);
    let (_files, mut diagnostics) = syntax::parse_all(&sources);
    // Unreadable files are reported too, after what could be checked.
    diagnostics.extend(unreadable.iter().cloned());
    printer.print(&sources, &diagnostics);
    printer.summary(sources.len(), &diagnostics);
    if !unreadable.is_empty() {
        Outcome::Unusable
    } else if diag::has_errors(&diagnostics) {
        Outcome::Errors
    } else {
        Outcome::Clean
    }
}
