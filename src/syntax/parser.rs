//! The parser driver: one top-level item at a time, so that a syntax error in one
//! declaration is reported and the declarations after it are still parsed. Each item
//! goes to the fast path first (`fast.rs`); what it leaves — errors, above all — is
//! parsed by pest and lowered (`lower.rs`).

use super::ast;
use super::errors;
use super::fast::{self, Step};
use super::lower::Lowerer;
use super::nesting;
use crate::diag::Diagnostic;
use crate::source::FileId;
use pest::Parser as _;
use pest_derive::Parser;

/// The generated parser. Private: pest types never leave `syntax/`.
#[derive(Parser)]
#[grammar = "../grammar/pxi.pest"]
pub(super) struct PxiParser;

/// Which parsers to use: the fast path with pest for what it leaves, or pest alone
/// (which tests compare the fast path with).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    FastPathFirst,
    PestOnly,
}

/// Below this many bytes per thread a file is parsed on one thread.
const MIN_BYTES_PER_THREAD: usize = 256 * 1024;

/// Parses a whole file: every item that parses is in the result, every error is a
/// diagnostic. Never panics.
///
/// A large file is parsed by several threads, each from a guessed item boundary (see
/// [`split_points`]). A guess is only used when the thread before it, parsing as a
/// single thread would, stops exactly there; otherwise that thread goes on alone. So
/// the result is always the one a single thread gives.
pub(super) fn parse(file: FileId, src: &str, strategy: Strategy) -> (ast::File, Vec<Diagnostic>) {
    let threads = match strategy {
        Strategy::FastPathFirst => crate::parallel::threads_for(src.len(), MIN_BYTES_PER_THREAD),
        Strategy::PestOnly => 1,
    };
    parse_split(file, src, strategy, &split_points(src, threads))
}

/// Parses a file in pieces that start at `splits` (increasing offsets; a piece whose
/// start is not where the previous one ends is parsed again by that one).
pub(super) fn parse_split(
    file: FileId,
    src: &str,
    strategy: Strategy,
    splits: &[usize],
) -> (ast::File, Vec<Diagnostic>) {
    if nesting::too_deep(src, 0).is_some() {
        return parse_around_deep(file, src, strategy);
    }
    let starts: Vec<usize> = std::iter::once(0).chain(splits.iter().copied()).collect();
    let pieces = crate::parallel::map_ranges(starts.len(), starts.len(), |range| {
        range
            .map(|piece| {
                let stop = starts.get(piece + 1).copied().unwrap_or(usize::MAX);
                let mut lowerer = Lowerer::new(file);
                let reached = parse_from(file, src, starts[piece], stop, strategy, &mut lowerer);
                (lowerer, reached)
            })
            .collect::<Vec<_>>()
    });
    // Each piece with where it starts.
    let mut pieces = pieces.into_iter().flatten().zip(starts.iter());
    let Some(((mut lowerer, mut reached), _)) = pieces.next() else {
        return Lowerer::new(file).finish();
    };
    for ((next, next_reached), start) in pieces {
        match reached {
            Reached::Stop(at) if at == *start => {
                lowerer.append(next);
                reached = next_reached;
            }
            _ => break,
        }
    }
    if let Reached::Stop(at) = reached {
        parse_from(file, src, at, usize::MAX, strategy, &mut lowerer);
    }
    lowerer.finish()
}

/// Parses a file with items nested too deeply, on one thread: each such item is
/// reported and skipped, up to the next line that starts an item, and neither parser
/// ever sees it.
fn parse_around_deep(file: FileId, src: &str, strategy: Strategy) -> (ast::File, Vec<Diagnostic>) {
    let mut lowerer = Lowerer::new(file);
    let mut offset = 0;
    while let Some(deep) = nesting::too_deep(src, offset) {
        // The item holding it starts at the last item start before it.
        let mut item_start = offset;
        while let Some(next) = errors::recovery_point(src, item_start).filter(|n| *n <= deep) {
            item_start = next;
        }
        if let Some(before) = src.get(..item_start) {
            parse_from(file, before, offset, usize::MAX, strategy, &mut lowerer);
        }
        lowerer.report(errors::nested_too_deeply(file, deep, nesting::MAX_NESTING));
        match errors::recovery_point(src, deep) {
            Some(next) => offset = next,
            None => return lowerer.finish(),
        }
    }
    parse_from(file, src, offset, usize::MAX, strategy, &mut lowerer);
    lowerer.finish()
}

/// Where parsing from an offset ended.
enum Reached {
    /// The end of the file.
    End,
    /// An item boundary at or past the offset it was asked to stop at.
    Stop(usize),
}

/// Offsets near equal fractions of `src` that are likely to be where an item ends:
/// just after a `}` at the start of a line.
fn split_points(src: &str, threads: usize) -> Vec<usize> {
    let mut points: Vec<usize> = (1..threads)
        .filter_map(|t| {
            let from = src.len() * t / threads;
            let from = (from..src.len()).find(|i| src.is_char_boundary(*i))?;
            let at = src[from..].find("\n}")?;
            Some(from + at + 2)
        })
        .collect();
    points.dedup();
    points
}

/// Parses the items from `offset` on into `lowerer`, until the end of the file or the
/// first item boundary at or past `stop`.
fn parse_from(
    file: FileId,
    src: &str,
    mut offset: usize,
    stop: usize,
    strategy: Strategy,
    lowerer: &mut Lowerer,
) -> Reached {
    let mut scratch = fast::Scratch::default();
    while offset <= src.len() {
        if offset >= stop {
            return Reached::Stop(offset);
        }
        if strategy == Strategy::FastPathFirst {
            match fast::next_item(file, src, offset, &mut scratch) {
                Step::Item {
                    item,
                    comments,
                    end,
                } => {
                    lowerer.push(item, comments);
                    offset = end;
                    continue;
                }
                Step::End { comments } => {
                    lowerer.push_comments(comments);
                    break;
                }
                Step::Bail => {}
            }
        }
        let Some(rest) = src.get(offset..) else {
            break;
        };
        match PxiParser::parse(Rule::next_item, rest) {
            Ok(mut pairs) => {
                let Some(pair) = pairs.next() else { break };
                let end = offset + pair.as_span().end();
                let at_end = lowerer.next_item(pair, offset);
                if at_end || end == offset {
                    break;
                }
                offset = end;
            }
            Err(error) => {
                let position = offset + errors::pest_position(&error);
                lowerer.report(errors::syntax_error(file, src, offset, position, &error));
                if let Some(end) = recover_within(file, src, offset, position, lowerer) {
                    offset = end;
                    continue;
                }
                match errors::recovery_point(src, position) {
                    Some(next) => offset = next,
                    None => break,
                }
            }
        }
    }
    Reached::End
}

/// How many broken lines one declaration may have before the rest of it is skipped.
const MAX_LINES_SKIPPED: usize = 8;

/// Goes on past a syntax error inside a declaration, to report the next one too: the
/// line with the error is blanked (spaces keep every offset) and the declaration
/// parsed again. Only a line whose brackets balance is blanked, and the recovery stops
/// when errors follow line after line, where one mistake is being reported again.
/// Returns where the declaration ends when it could finally be parsed.
fn recover_within(
    file: FileId,
    src: &str,
    item_start: usize,
    first_error: usize,
    lowerer: &mut Lowerer,
) -> Option<usize> {
    let mut patched = src.to_string();
    let mut error_at = first_error;
    for _ in 0..MAX_LINES_SKIPPED {
        let (line_start, line_end) = line_around(&patched, error_at);
        if line_start <= item_start || !balanced(&patched[line_start..line_end]) {
            return None;
        }
        // One space per byte, so that every offset after the line stays where it was.
        let blank: String = patched[line_start..line_end]
            .chars()
            .map(|c| {
                if c == '\t' {
                    "\t".to_string()
                } else {
                    " ".repeat(c.len_utf8())
                }
            })
            .collect();
        patched.replace_range(line_start..line_end, &blank);
        match PxiParser::parse(Rule::next_item, &patched[item_start..]) {
            Ok(mut pairs) => {
                let pair = pairs.next()?;
                let end = item_start + pair.as_span().end();
                lowerer.next_item(pair, item_start);
                return Some(end);
            }
            Err(error) => {
                let next = item_start + errors::pest_position(&error);
                // An error on the very next line is most often the same mistake.
                let (next_line, _) = line_around(&patched, next);
                let between = patched.get(line_end..next_line);
                if between.is_none_or(|text| text.trim().is_empty()) {
                    return None;
                }
                lowerer.report(errors::syntax_error(
                    file, &patched, item_start, next, &error,
                ));
                error_at = next;
            }
        }
    }
    None
}

/// The line (without its newline) that holds `at`.
fn line_around(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    (start, end)
}

/// Whether a line opens and closes as many brackets as it closes, outside strings and
/// comments: blanking it then leaves the structure around it intact.
fn balanced(line: &str) -> bool {
    let mut depth: i64 = 0;
    let mut in_string = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (in_string, c) {
            (true, '\\') => {
                chars.next();
            }
            (true, '"') => in_string = false,
            (true, _) => {}
            (false, '"') => in_string = true,
            (false, '#') => break,
            (false, '{' | '[' | '(') => depth += 1,
            (false, '}' | ']' | ')') => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0 && !in_string
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The guesses are where a single thread's parse passes, in a file written the usual
    /// way: otherwise a large file would be parsed again, on one thread.
    #[test]
    fn guessed_splits_are_item_boundaries_of_a_usual_file() {
        let src: String = (0..200)
            .map(|i| {
                format!("# web server {i}\nvm web-{i} {{\n  cores = 2\n  tags = [\"é\"]\n}}\n\n")
            })
            .collect();
        for threads in 2..6 {
            let points = split_points(&src, threads);
            assert_eq!(points.len(), threads - 1, "{threads} threads");
            for point in points {
                let mut lowerer = Lowerer::new(FileId::DETACHED);
                let reached = parse_from(
                    FileId::DETACHED,
                    &src,
                    0,
                    point,
                    Strategy::FastPathFirst,
                    &mut lowerer,
                );
                assert!(
                    matches!(reached, Reached::Stop(at) if at == point),
                    "{threads} threads: no item ends at {point}"
                );
            }
        }
    }
}
