//! The fast path: a hand-written parser for items without errors.
//!
//! pest spends most of its time in per-rule bookkeeping (error tracking, the pair
//! queue, the stack guard), which caps it far below what a compiler run on a large
//! project needs. This module parses one top-level item straight into the AST, mirroring
//! `grammar/pxi.pest` rule for rule, and gives up ([`Step::Bail`]) at the first thing it
//! does not expect — a syntax error, a literal the checks in `literals` refuse, nesting
//! deeper than [`MAX_DEPTH`]. The caller then parses that item with pest, which stays
//! the definition of the language and the source of every syntax diagnostic.
//!
//! So the fast path may only ever accept what pest accepts, giving the identical AST
//! (spans included); `tests/fast_path.rs` checks that on the fixtures, the examples and
//! generated input. It never reports anything itself.

use super::ast::*;
use super::literals;
use crate::diag::Diagnostic;
use crate::source::{FileId, Span};

/// Deeper nesting than this is left to pest, whose stack guard turns it into an error.
const MAX_DEPTH: u32 = 64;

/// What the fast path made of the text at an offset.
pub(super) enum Step {
    /// A whole item, the comments before and inside it, and where it ends.
    Item {
        item: Item,
        comments: Vec<Comment>,
        end: usize,
    },
    /// Only trivia until the end of the file.
    End { comments: Vec<Comment> },
    /// Something the fast path does not handle: parse this item with pest.
    Bail,
}

/// Lists being built, kept from item to item: each list of the AST is gathered here
/// and then copied out at its exact length. (Growing each list in place would
/// allocate several times per list and leave up to half of each unused: the AST of
/// a large project would be about twice the size.)
#[derive(Default)]
pub(super) struct Scratch {
    members: Vec<Member>,
    exprs: Vec<Expr>,
    segments: Vec<Ident>,
    parts: Vec<StrPart>,
}

impl Scratch {
    fn clear(&mut self) {
        self.members.clear();
        self.exprs.clear();
        self.segments.clear();
        self.parts.clear();
    }
}

/// Parses the item (with the trivia before it) that starts at `start`.
pub(super) fn next_item(file: FileId, src: &str, start: usize, scratch: &mut Scratch) -> Step {
    let mut parser = Fast {
        file,
        src,
        bytes: src.as_bytes(),
        pos: start,
        comments: Vec::new(),
        depth: 0,
        problems: Vec::new(),
        scratch: std::mem::take(scratch),
    };
    parser.skip();
    if parser.pos >= parser.bytes.len() {
        *scratch = parser.scratch;
        return Step::End {
            comments: parser.comments,
        };
    }
    let item = parser.item();
    // A bail leaves partial lists behind.
    parser.scratch.clear();
    *scratch = parser.scratch;
    match item {
        Some(item) if parser.problems.is_empty() => Step::Item {
            item,
            comments: parser.comments,
            end: parser.pos,
        },
        _ => Step::Bail,
    }
}

/// Parser state. Every method returns `None` to bail out.
struct Fast<'s> {
    file: FileId,
    src: &'s str,
    bytes: &'s [u8],
    pos: usize,
    comments: Vec<Comment>,
    depth: u32,
    /// Problems found by the literal checks; any of them makes the item bail.
    problems: Vec<Diagnostic>,
    scratch: Scratch,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

impl Fast<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.pos + offset).copied()
    }

    /// Consumes `token` if the text continues with it.
    fn eat(&mut self, token: &str) -> bool {
        if self.bytes[self.pos..].starts_with(token.as_bytes()) {
            self.pos += token.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, token: &str) -> Option<()> {
        self.eat(token).then_some(())
    }

    /// `word` as a keyword: not followed by a name character.
    fn eat_keyword(&mut self, word: &str) -> bool {
        let end = self.pos + word.len();
        let is_word = self.bytes[self.pos..].starts_with(word.as_bytes())
            && !self.bytes.get(end).copied().is_some_and(is_ident_char);
        if is_word {
            self.pos = end;
        }
        is_word
    }

    /// Whitespace and comments (`WHITESPACE`, `COMMENT`).
    fn skip(&mut self) {
        loop {
            while let Some(b' ' | b'\t' | b'\r' | b'\n') = self.peek() {
                self.pos += 1;
            }
            if self.peek() != Some(b'#') {
                return;
            }
            let start = self.pos;
            let len = self.bytes[start..]
                .iter()
                .position(|&b| b == b'\n')
                .unwrap_or(self.bytes.len() - start);
            self.pos = start + len;
            self.comments.push(Comment {
                text: self.src[start..self.pos].trim_end().to_string(),
                span: self.span(start, self.pos),
            });
        }
    }

    /// A position to come back to, with the comments seen up to it.
    fn mark(&self) -> (usize, usize) {
        (self.pos, self.comments.len())
    }

    fn reset(&mut self, (pos, comments): (usize, usize)) {
        self.pos = pos;
        self.comments.truncate(comments);
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    // ───────────── items ─────────────

    fn item(&mut self) -> Option<Item> {
        if self.eat_keyword("use") {
            let start = self.pos - 3;
            self.skip();
            let path = self.path()?;
            let span = self.span(start, path.span.end as usize);
            Some(Item::Use(Use { path, span }))
        } else if self.at_keyword("for") {
            self.for_item().map(Item::For)
        } else {
            self.decl().map(Item::Decl)
        }
    }

    fn at_keyword(&self, word: &str) -> bool {
        self.bytes[self.pos..].starts_with(word.as_bytes())
            && !self
                .bytes
                .get(self.pos + word.len())
                .copied()
                .is_some_and(is_ident_char)
    }

    fn for_item(&mut self) -> Option<For> {
        let start = self.pos;
        self.enter()?;
        self.expect("for")?;
        self.skip();
        let var = self.ident()?;
        literals::check_binding(&var, &mut self.problems);
        self.skip();
        if !self.eat_keyword("in") {
            return None;
        }
        self.skip();
        let iterable = self.expr()?;
        self.skip();
        self.expect("{")?;
        let mut items = Vec::new();
        loop {
            self.skip();
            if self.eat("}") {
                break;
            }
            if self.at_keyword("for") {
                items.push(Item::For(self.for_item()?));
            } else {
                items.push(Item::Decl(self.decl()?));
            }
        }
        self.leave();
        Some(For {
            var,
            iterable,
            items,
            span: self.span(start, self.pos),
        })
    }

    fn decl(&mut self) -> Option<Decl> {
        let start = self.pos;
        let kind = DeclKind::ALL
            .into_iter()
            .find(|k| self.at_keyword(k.keyword()))?;
        self.pos += kind.keyword().len();
        let kind_span = self.span(start, self.pos);
        self.skip();
        let name = self.name()?;
        self.skip();
        let mut parents = Vec::new();
        if self.eat(":") {
            self.skip();
            parents.push(self.path()?);
            loop {
                let mark = self.mark();
                self.skip();
                if !self.eat(",") {
                    self.reset(mark);
                    break;
                }
                self.skip();
                parents.push(self.path()?);
            }
            self.skip();
        }
        let body = self.body()?;
        Some(Decl {
            kind,
            kind_span,
            name,
            parents,
            span: self.span(start, body.span.end as usize),
            body,
        })
    }

    /// `decl_name`: a name being introduced, or a string.
    fn name(&mut self) -> Option<Name> {
        if self.peek() == Some(b'"') {
            return self.string().map(Name::Str);
        }
        let ident = self.ident()?;
        literals::check_binding(&ident, &mut self.problems);
        Some(Name::Ident(ident))
    }

    // ───────────── bodies ─────────────

    fn body(&mut self) -> Option<Body> {
        let start = self.pos;
        self.expect("{")?;
        self.enter()?;
        let base = self.scratch.members.len();
        loop {
            self.skip();
            if self.eat("}") {
                break;
            }
            let member = self.member()?;
            self.scratch.members.push(member);
            let mark = self.mark();
            self.skip();
            if !self.eat(",") {
                self.reset(mark);
            }
        }
        self.leave();
        Some(Body {
            members: self.scratch.members.drain(base..).collect(),
            span: self.span(start, self.pos),
        })
    }

    fn member(&mut self) -> Option<Member> {
        let start = self.pos;
        if self.peek() == Some(b'"') {
            let key = Key::Str(self.string()?);
            self.skip();
            return self.attribute_rest(start, key).map(Member::Attr);
        }
        let ident = self.ident()?;
        self.skip();
        if self.peek() == Some(b'=') {
            return self
                .attribute_rest(start, Key::Ident(ident))
                .map(Member::Attr);
        }
        let label = match self.peek() {
            Some(b'"') => Some(self.name()?),
            Some(b) if is_ident_start(b) => Some(self.name()?),
            _ => None,
        };
        if label.is_some() {
            self.skip();
        }
        let body = self.body()?;
        Some(Member::Block(Block {
            kind: ident,
            label,
            span: self.span(start, body.span.end as usize),
            body,
        }))
    }

    /// `= value` after an attribute's key.
    fn attribute_rest(&mut self, start: usize, key: Key) -> Option<Attr> {
        self.expect("=")?;
        self.skip();
        let value = self.expr()?;
        Some(Attr {
            key,
            span: self.span(start, value.span.end as usize),
            value,
        })
    }

    // ───────────── expressions ─────────────

    fn expr(&mut self) -> Option<Expr> {
        let start = self.pos;
        let first = self.value()?;
        let mark = self.mark();
        self.skip();
        let bound = if self.eat("..=") {
            RangeEnd::Inclusive
        } else if self.eat("..") {
            RangeEnd::HalfOpen
        } else {
            self.reset(mark);
            return Some(first);
        };
        self.skip();
        let second = self.value()?;
        Some(Expr {
            span: self.span(start, second.span.end as usize),
            kind: ExprKind::Range {
                start: Box::new(first),
                end: Box::new(second),
                bound,
            },
        })
    }

    fn value(&mut self) -> Option<Expr> {
        let start = self.pos;
        let kind = match self.peek()? {
            b'"' => ExprKind::Str(self.string()?),
            b'[' => ExprKind::List(self.list()?),
            b'0'..=b'9' => self.number()?,
            b if is_ident_start(b) => {
                if self.eat_keyword("true") {
                    ExprKind::Bool(true)
                } else if self.eat_keyword("false") {
                    ExprKind::Bool(false)
                } else if self.eat_keyword("auto") {
                    ExprKind::Auto
                } else {
                    self.path_or_call()?
                }
            }
            _ => return None,
        };
        Some(Expr {
            kind,
            span: self.span(start, self.pos),
        })
    }

    fn list(&mut self) -> Option<Vec<Expr>> {
        self.expect("[")?;
        self.enter()?;
        let items = self.comma_separated("]")?;
        self.leave();
        Some(items)
    }

    /// `(expr ~ (comma ~ expr)* ~ comma?)? ~ close`, as lists and calls have.
    fn comma_separated(&mut self, close: &str) -> Option<Vec<Expr>> {
        let base = self.scratch.exprs.len();
        self.skip();
        if !self.eat(close) {
            loop {
                let item = self.expr()?;
                self.scratch.exprs.push(item);
                self.skip();
                if self.eat(close) {
                    break;
                }
                self.expect(",")?;
                self.skip();
                if self.eat(close) {
                    break;
                }
            }
        }
        Some(self.scratch.exprs.drain(base..).collect())
    }

    fn path_or_call(&mut self) -> Option<ExprKind> {
        let path = self.path()?;
        let mark = self.mark();
        self.skip();
        if !self.eat("(") {
            self.reset(mark);
            return Some(ExprKind::Ref(path));
        }
        self.enter()?;
        let args = self.comma_separated(")")?;
        self.leave();
        Some(ExprKind::Call {
            func: Box::new(path),
            args,
        })
    }

    fn path(&mut self) -> Option<Path> {
        let start = self.pos;
        let base = self.scratch.segments.len();
        let first = self.ident()?;
        self.scratch.segments.push(first);
        while self.peek() == Some(b'.') && self.peek_at(1).is_some_and(is_ident_start) {
            self.pos += 1;
            let next = self.ident()?;
            self.scratch.segments.push(next);
        }
        let path = Path {
            segments: self.scratch.segments.drain(base..).collect(),
            span: self.span(start, self.pos),
        };
        literals::check_path(&path, &mut self.problems);
        Some(path)
    }

    fn ident(&mut self) -> Option<Ident> {
        let start = self.pos;
        if !self.peek().is_some_and(is_ident_start) {
            return None;
        }
        self.pos += 1;
        while self.peek().is_some_and(is_ident_char) {
            self.pos += 1;
        }
        Some(Ident {
            name: self.src[start..self.pos].into(),
            span: self.span(start, self.pos),
        })
    }

    // ───────────── literals ─────────────

    /// The `number` rule: digits, dotted digits, `/prefix`, a unit word, or a unit after
    /// a space; `literals::number` says what it means.
    fn number(&mut self) -> Option<ExprKind> {
        let start = self.pos;
        self.digits()?;
        while self.peek() == Some(b'.') && self.peek_at(1).is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
            self.digits()?;
        }
        if self.peek() == Some(b'/') && self.peek_at(1).is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
            self.digits()?;
        }
        if self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
            while self.peek().is_some_and(is_ident_char) {
                self.pos += 1;
            }
        }
        if let Some(b' ' | b'\t') = self.peek() {
            // A unit after a space is an error (`4 GiB`): leave it to pest to report.
            let mut at = self.pos;
            while let Some(b' ' | b'\t') = self.bytes.get(at) {
                at += 1;
            }
            let word_end = self.bytes[at..]
                .iter()
                .position(|&b| !is_ident_char(b))
                .map_or(self.bytes.len(), |n| at + n);
            let word = self.src[at..word_end].to_ascii_lowercase();
            if matches!(
                word.as_str(),
                "kib" | "mib" | "gib" | "tib" | "pib" | "kb" | "mb" | "gb" | "tb" | "pb"
            ) {
                return None;
            }
        }
        let span = self.span(start, self.pos);
        Some(literals::number(
            &self.src[start..self.pos],
            span,
            &mut self.problems,
        ))
    }

    fn digits(&mut self) -> Option<()> {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        (self.pos > start).then_some(())
    }

    fn string(&mut self) -> Option<StrLit> {
        let start = self.pos;
        self.expect("\"")?;
        let base = self.scratch.parts.len();
        let mut text = compact_str::CompactString::default();
        loop {
            match self.peek()? {
                b'"' => {
                    self.pos += 1;
                    break;
                }
                b'\n' | b'\r' => return None,
                b'\\' => {
                    let escape = self.escape()?;
                    text.push(literals::unescape(escape)?);
                }
                b'$' if self.peek_at(1) == Some(b'{') => {
                    if !text.is_empty() {
                        let part = StrPart::Text(std::mem::take(&mut text));
                        self.scratch.parts.push(part);
                    }
                    self.pos += 2;
                    self.enter()?;
                    self.skip();
                    let expr = self.expr()?;
                    self.skip();
                    self.expect("}")?;
                    self.leave();
                    self.scratch.parts.push(StrPart::Interp(Box::new(expr)));
                }
                _ => {
                    let run = self.bytes[self.pos..]
                        .iter()
                        .position(|&b| matches!(b, b'"' | b'\\' | b'\n' | b'\r' | b'$'))
                        .unwrap_or(self.bytes.len() - self.pos)
                        .max(1);
                    text.push_str(&self.src[self.pos..self.pos + run]);
                    self.pos += run;
                }
            }
        }
        if !text.is_empty() {
            self.scratch.parts.push(StrPart::Text(text));
        }
        Some(StrLit {
            parts: self.scratch.parts.drain(base..).collect(),
            span: self.span(start, self.pos),
        })
    }

    /// The text of one escape: `\n`, `\u{…}`; `None` at a line end.
    fn escape(&mut self) -> Option<&str> {
        let start = self.pos;
        self.pos += 1;
        let braced = self.bytes[self.pos..].starts_with(b"u{")
            && self.bytes[self.pos + 2..]
                .iter()
                .find(|&&b| matches!(b, b'}' | b'"' | b'\n' | b'\r'))
                == Some(&b'}');
        if braced {
            let close = self.bytes[self.pos..].iter().position(|&b| b == b'}')?;
            self.pos += close + 1;
        } else {
            let c = self.src[self.pos..].chars().next()?;
            if c == '\n' || c == '\r' {
                return None;
            }
            self.pos += c.len_utf8();
        }
        Some(&self.src[start..self.pos])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every item of a valid file is taken by the fast path (none is left to pest).
    fn takes_whole_file(src: &str) -> bool {
        let mut offset = 0;
        loop {
            match next_item(FileId::DETACHED, src, offset, &mut Scratch::default()) {
                Step::Item { end, .. } => offset = end,
                Step::End { .. } => return true,
                Step::Bail => return false,
            }
        }
    }

    #[test]
    fn the_examples_never_need_pest() {
        for src in [
            include_str!("../../examples/homelab/main.pxi"),
            include_str!("../../examples/homelab/hosts.pxi"),
            include_str!("../../examples/homelab/vms.pxi"),
            include_str!("../../tests/ui/parse/literals.pxi"),
            include_str!("../../tests/ui/parse/strings.pxi"),
            include_str!("../../tests/ui/parse/separators_and_comments.pxi"),
        ] {
            assert!(takes_whole_file(src), "the fast path bailed on:\n{src}");
        }
    }

    #[test]
    fn errors_and_deep_nesting_are_left_to_pest() {
        assert!(!takes_whole_file("vm a { cores 4 }"));
        assert!(!takes_whole_file("vm a { m = 4GB }"));
        assert!(!takes_whole_file("vm auto { }"));
        assert!(!takes_whole_file("vm a { s = \"open\n }"));
        let deep = format!("vm a {{ x = {}{} }}", "[".repeat(100), "]".repeat(100));
        assert!(!takes_whole_file(&deep));
        let shallow = format!("vm a {{ x = {}{} }}", "[".repeat(20), "]".repeat(20));
        assert!(takes_whole_file(&shallow));
    }
}
