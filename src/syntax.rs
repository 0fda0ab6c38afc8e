//! Syntax: `.pxi` text → [`ast::File`], with every syntax error as a diagnostic.
//!
//! pest stays inside this module: `parser` holds the generated parser and drives it one
//! item at a time, `lower` turns pairs into the AST, `errors` words every diagnostic,
//! `nesting` refuses text nested too deeply before anything recurses over it, and
//! `dump` prints an AST as an indented outline (for snapshot tests).

pub mod ast;
pub mod dump;
mod errors;
mod fast;
mod literals;
mod lower;
mod nesting;
mod parser;

use crate::diag::{self, Diagnostic};
use crate::source::{FileId, SourceMap};

/// A size in bytes as a `.pxi` file writes it: in the largest binary unit that
/// divides it (`8GiB`, `512MiB`), else in bytes; `0` for nothing.
pub fn size_text(bytes: u64) -> String {
    let units = [
        ("TiB", 1u64 << 40),
        ("GiB", 1 << 30),
        ("MiB", 1 << 20),
        ("KiB", 1 << 10),
    ];
    units
        .iter()
        .filter(|_| bytes > 0)
        .find(|(_, size)| bytes.is_multiple_of(*size))
        .map_or(format!("{bytes}"), |(unit, size)| {
            format!("{}{unit}", bytes / size)
        })
}

/// Parses one file. The returned file holds every item that parsed, so later phases
/// can still look at the rest; the diagnostics are sorted by position. Never panics.
pub fn parse(file: FileId, src: &str) -> (ast::File, Vec<Diagnostic>) {
    parse_with(file, src, parser::Strategy::FastPathFirst)
}

/// Parses with pest alone, bypassing the fast path; for tests that check the fast
/// path gives the same result.
#[doc(hidden)]
pub fn parse_with_pest_only(file: FileId, src: &str) -> (ast::File, Vec<Diagnostic>) {
    parse_with(file, src, parser::Strategy::PestOnly)
}

/// Parses with the text cut into pieces at `splits` (increasing byte offsets), each
/// piece on its own thread, as a large file is; for tests that check the result is
/// the same as parsing it whole, wherever the cuts fall.
#[doc(hidden)]
pub fn parse_in_pieces(file: FileId, src: &str, splits: &[usize]) -> (ast::File, Vec<Diagnostic>) {
    let (ast, mut diagnostics) =
        parser::parse_split(file, src, parser::Strategy::FastPathFirst, splits);
    diag::sort(&mut diagnostics);
    (ast, diagnostics)
}

fn parse_with(file: FileId, src: &str, strategy: parser::Strategy) -> (ast::File, Vec<Diagnostic>) {
    let (ast, mut diagnostics) = parser::parse(file, src, strategy);
    diag::sort(&mut diagnostics);
    (ast, diagnostics)
}

/// Parses every file of a map, in map order.
pub fn parse_all(sources: &SourceMap) -> (Vec<ast::File>, Vec<Diagnostic>) {
    let mut files = Vec::with_capacity(sources.len());
    let mut diagnostics = Vec::new();
    for (id, source) in sources.files() {
        let (file, found) = parse(id, &source.text);
        files.push(file);
        diagnostics.extend(found);
    }
    diag::sort(&mut diagnostics);
    (files, diagnostics)
}
