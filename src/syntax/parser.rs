//! The parser driver: one top-level item at a time, so that a syntax error in one
//! declaration is reported and the declarations after it are still parsed. Each item
//! goes to the fast path first (`fast.rs`); what it leaves — errors, above all — is
//! parsed by pest and lowered (`lower.rs`).

use super::ast;
use super::errors;
use super::fast::{self, Step};
use super::lower::Lowerer;
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

/// Parses a whole file: every item that parses is in the result, every error is a
/// diagnostic. Never panics.
pub(super) fn parse(file: FileId, src: &str, strategy: Strategy) -> (ast::File, Vec<Diagnostic>) {
    let mut lowerer = Lowerer::new(file);
    let mut offset = 0;
    while offset <= src.len() {
        if strategy == Strategy::FastPathFirst {
            match fast::next_item(file, src, offset) {
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
                match errors::recovery_point(src, position) {
                    Some(next) => offset = next,
                    None => break,
                }
            }
        }
    }
    lowerer.finish()
}
