//! Lowering: pest pairs → AST, one small function per grammar rule. Literal values are
//! validated here (octets, prefixes, units, escapes, overflow) so that the AST only
//! holds values that mean something.

use super::ast::*;
use super::errors;
use super::literals;
use super::parser::Rule;
use crate::diag::Diagnostic;
use crate::source::{FileId, Span};
use pest::iterators::Pair;

type P<'i> = Pair<'i, Rule>;

/// Collects the AST, comments and diagnostics of one file as its items are parsed.
pub(super) struct Lowerer {
    file: FileId,
    /// Offset of the text the current pairs were parsed from.
    base: usize,
    items: Vec<Item>,
    comments: Vec<Comment>,
    diagnostics: Vec<Diagnostic>,
}

/// Where a pair's own text ends. pest puts the implicit whitespace before an optional
/// or repeated part inside the rule even when that part is absent, so `expr` in
/// `cores = 2  # note` would span `2  # note`; for the rules that end that way the span
/// ends with their last child instead, as the fast path's spans do.
fn tight_end(pair: &P<'_>) -> usize {
    let ends_with_optional = matches!(
        pair.as_rule(),
        Rule::expr | Rule::path_or_call | Rule::parents | Rule::attribute | Rule::stray_attribute
    );
    let last = ends_with_optional
        .then(|| inner(pair.clone()).last())
        .flatten();
    match last {
        Some(last) => tight_end(&last),
        None => pair.as_span().end(),
    }
}

/// The children of a pair, without comments (they are collected separately).
fn inner(pair: P<'_>) -> impl Iterator<Item = P<'_>> {
    pair.into_inner().filter(|p| p.as_rule() != Rule::COMMENT)
}

impl Lowerer {
    pub(super) fn new(file: FileId) -> Lowerer {
        Lowerer {
            file,
            base: 0,
            items: Vec::new(),
            comments: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    pub(super) fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    pub(super) fn finish(self) -> (File, Vec<Diagnostic>) {
        let file = File {
            file: self.file,
            items: self.items,
            comments: self.comments,
        };
        (file, self.diagnostics)
    }

    /// Takes an item the fast path parsed.
    pub(super) fn push(&mut self, item: Item, comments: Vec<Comment>) {
        self.items.push(item);
        self.comments.extend(comments);
    }

    /// Takes what another lowerer collected from the text after this one's.
    pub(super) fn append(&mut self, next: Lowerer) {
        self.items.extend(next.items);
        self.comments.extend(next.comments);
        self.diagnostics.extend(next.diagnostics);
    }

    /// Takes the comments at the end of a file.
    pub(super) fn push_comments(&mut self, comments: Vec<Comment>) {
        self.comments.extend(comments);
    }

    fn span(&self, pair: &P<'_>) -> Span {
        let start = pair.as_span().start();
        Span::new(self.file, self.base + start, self.base + tight_end(pair))
    }

    /// Lowers one `next_item` pair parsed from the text at `base`. Returns whether the
    /// end of the file was reached.
    pub(super) fn next_item(&mut self, pair: P<'_>, base: usize) -> bool {
        self.base = base;
        // Walking every pair for comments costs; most items have none.
        let has_comment = pair.as_str().contains('#');
        for p in pair.clone().into_inner().flatten().filter(|_| has_comment) {
            if p.as_rule() == Rule::COMMENT {
                let span = self.span(&p);
                self.comments.push(Comment {
                    text: p.as_str().trim_end().to_string(),
                    span,
                });
            }
        }
        let mut at_end = false;
        for p in inner(pair) {
            match p.as_rule() {
                Rule::EOI => at_end = true,
                _ => {
                    if let Some(item) = self.item(p) {
                        self.items.push(item);
                    }
                }
            }
        }
        at_end
    }

    fn item(&mut self, pair: P<'_>) -> Option<Item> {
        match pair.as_rule() {
            Rule::use_decl => Some(Item::Use(self.use_decl(pair))),
            Rule::for_item => Some(Item::For(self.for_item(pair))),
            Rule::decl => self.decl(pair).map(Item::Decl),
            Rule::stray_attribute => {
                self.stray_attribute(pair);
                None
            }
            Rule::unknown_decl => {
                self.unknown_decl(pair);
                None
            }
            _ => {
                self.unexpected(&pair);
                None
            }
        }
    }

    /// A rule where the grammar allows none: a bug in pxic, reported rather than
    /// panicking.
    fn unexpected(&mut self, pair: &P<'_>) {
        let span = self.span(pair);
        self.report(errors::internal(
            span,
            &format!("unexpected `{:?}` in the syntax tree", pair.as_rule()),
        ));
    }

    fn use_decl(&mut self, pair: P<'_>) -> Use {
        let span = self.span(&pair);
        let path = inner(pair)
            .find(|p| p.as_rule() == Rule::path)
            .map(|p| self.path(p));
        Use {
            path: path.unwrap_or_else(|| self.empty_path(span)),
            span,
        }
    }

    fn for_item(&mut self, pair: P<'_>) -> For {
        let span = self.span(&pair);
        let mut var = None;
        let mut iterable = None;
        let mut items = Vec::new();
        for p in inner(pair) {
            match p.as_rule() {
                Rule::kw_for | Rule::kw_in | Rule::lbrace | Rule::rbrace => {}
                Rule::ident => var = Some(self.binding(&p)),
                Rule::expr => iterable = Some(self.expr(p)),
                _ => items.extend(self.item(p)),
            }
        }
        For {
            var: var.unwrap_or_else(|| self.empty_ident(span)),
            iterable: iterable.unwrap_or(Expr {
                kind: ExprKind::Invalid,
                span,
            }),
            items,
            span,
        }
    }

    fn decl(&mut self, pair: P<'_>) -> Option<Decl> {
        let span = self.span(&pair);
        let mut kind = None;
        let mut name = None;
        let mut parents = Vec::new();
        let mut body = None;
        for p in inner(pair) {
            match p.as_rule() {
                Rule::decl_kind => {
                    kind = DeclKind::from_keyword(p.as_str()).map(|k| (k, self.span(&p)))
                }
                Rule::decl_name => name = Some(self.name(p)),
                Rule::parents => parents = self.parents(p),
                Rule::body => body = Some(self.body(p)),
                _ => self.unexpected(&p),
            }
        }
        let (kind, kind_span) = kind?;
        Some(Decl {
            kind,
            kind_span,
            name: name?,
            parents,
            body: body?,
            span,
        })
    }

    fn stray_attribute(&mut self, pair: P<'_>) {
        let span = self.span(&pair);
        let key = inner(pair).next().map(|p| p.as_str().to_string());
        self.report(errors::attribute_outside_block(
            span,
            key.as_deref().unwrap_or(""),
        ));
    }

    fn unknown_decl(&mut self, pair: P<'_>) {
        let mut children = inner(pair);
        let Some(word) = children.next() else { return };
        let word_span = self.span(&word);
        self.report(errors::unknown_decl_kind(word_span, word.as_str()));
        // Still look inside, so that literal errors in the body are reported too.
        for p in children {
            match p.as_rule() {
                Rule::decl_name => {
                    self.name(p);
                }
                Rule::parents => {
                    self.parents(p);
                }
                Rule::body => {
                    self.body(p);
                }
                _ => self.unexpected(&p),
            }
        }
    }

    fn name(&mut self, pair: P<'_>) -> Name {
        let span = self.span(&pair);
        match inner(pair).next() {
            Some(p) if p.as_rule() == Rule::string => Name::Str(self.string(p)),
            Some(p) => Name::Ident(self.binding(&p)),
            None => Name::Ident(self.empty_ident(span)),
        }
    }

    /// A name being introduced (a declaration, a label, a loop variable): keywords
    /// cannot be, or they could never be referred to.
    fn binding(&mut self, pair: &P<'_>) -> Ident {
        let ident = self.ident(pair);
        literals::check_binding(&ident, &mut self.diagnostics);
        ident
    }

    fn parents(&mut self, pair: P<'_>) -> Vec<Path> {
        inner(pair)
            .filter(|p| p.as_rule() == Rule::path)
            .map(|p| self.path(p))
            .collect()
    }

    fn body(&mut self, pair: P<'_>) -> Body {
        let span = self.span(&pair);
        let mut members = Vec::new();
        for p in inner(pair) {
            match p.as_rule() {
                Rule::lbrace | Rule::rbrace | Rule::comma => {}
                Rule::attribute => members.push(Member::Attr(self.attribute(p))),
                Rule::block => members.push(Member::Block(self.block(p))),
                _ => self.unexpected(&p),
            }
        }
        Body { members, span }
    }

    fn attribute(&mut self, pair: P<'_>) -> Attr {
        let span = self.span(&pair);
        let mut key = None;
        let mut value = None;
        for p in inner(pair) {
            match p.as_rule() {
                Rule::key => key = Some(self.key(p)),
                Rule::expr => value = Some(self.expr(p)),
                Rule::eq => {}
                _ => self.unexpected(&p),
            }
        }
        Attr {
            key: key.unwrap_or_else(|| Key::Ident(self.empty_ident(span))),
            value: value.unwrap_or(Expr {
                kind: ExprKind::Invalid,
                span,
            }),
            span,
        }
    }

    fn key(&mut self, pair: P<'_>) -> Key {
        let span = self.span(&pair);
        match inner(pair).next() {
            Some(p) if p.as_rule() == Rule::string => Key::Str(self.string(p)),
            Some(p) => Key::Ident(self.ident(&p)),
            None => Key::Ident(self.empty_ident(span)),
        }
    }

    fn block(&mut self, pair: P<'_>) -> Block {
        let span = self.span(&pair);
        let mut kind = None;
        let mut label = None;
        let mut body = None;
        for p in inner(pair) {
            match p.as_rule() {
                Rule::ident => kind = Some(self.ident(&p)),
                Rule::decl_name => label = Some(self.name(p)),
                Rule::body => body = Some(self.body(p)),
                _ => self.unexpected(&p),
            }
        }
        Block {
            kind: kind.unwrap_or_else(|| self.empty_ident(span)),
            label,
            body: body.unwrap_or(Body {
                members: Vec::new(),
                span,
            }),
            span,
        }
    }

    fn expr(&mut self, pair: P<'_>) -> Expr {
        let span = self.span(&pair);
        let mut parts = inner(pair);
        let Some(first) = parts.next() else {
            return Expr {
                kind: ExprKind::Invalid,
                span,
            };
        };
        let start = self.value(first);
        let (Some(op), Some(second)) = (parts.next(), parts.next()) else {
            return start;
        };
        let bound = if op.as_str() == "..=" {
            RangeEnd::Inclusive
        } else {
            RangeEnd::HalfOpen
        };
        let end = self.value(second);
        Expr {
            kind: ExprKind::Range {
                start: Box::new(start),
                end: Box::new(end),
                bound,
            },
            span,
        }
    }

    fn value(&mut self, pair: P<'_>) -> Expr {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::string => ExprKind::Str(self.string(pair)),
            Rule::list => ExprKind::List(self.list(pair)),
            Rule::keyword_value => match pair.as_str() {
                "true" => ExprKind::Bool(true),
                "false" => ExprKind::Bool(false),
                _ => ExprKind::Auto,
            },
            Rule::number => literals::number(pair.as_str(), span, &mut self.diagnostics),
            Rule::path_or_call => self.path_or_call(pair),
            _ => {
                self.unexpected(&pair);
                ExprKind::Invalid
            }
        };
        Expr { kind, span }
    }

    fn list(&mut self, pair: P<'_>) -> Vec<Expr> {
        inner(pair)
            .filter(|p| p.as_rule() == Rule::expr)
            .map(|p| self.expr(p))
            .collect()
    }

    fn path_or_call(&mut self, pair: P<'_>) -> ExprKind {
        let mut path = None;
        let mut args = None;
        for p in inner(pair) {
            match p.as_rule() {
                Rule::path => path = Some(self.path(p)),
                Rule::call_args => args = Some(self.call_args(p)),
                _ => self.unexpected(&p),
            }
        }
        let Some(path) = path else {
            return ExprKind::Invalid;
        };
        match args {
            Some(args) => ExprKind::Call {
                func: Box::new(path),
                args,
            },
            None => ExprKind::Ref(path),
        }
    }

    fn call_args(&mut self, pair: P<'_>) -> Vec<Expr> {
        inner(pair)
            .filter(|p| p.as_rule() == Rule::expr)
            .map(|p| self.expr(p))
            .collect()
    }

    fn path(&mut self, pair: P<'_>) -> Path {
        let span = self.span(&pair);
        let segments = inner(pair)
            .filter(|p| p.as_rule() == Rule::ident)
            .map(|p| self.ident(&p))
            .collect();
        let path = Path { segments, span };
        literals::check_path(&path, &mut self.diagnostics);
        path
    }

    fn ident(&self, pair: &P<'_>) -> Ident {
        Ident {
            name: pair.as_str().into(),
            span: self.span(pair),
        }
    }

    fn empty_ident(&self, span: Span) -> Ident {
        Ident {
            name: Default::default(),
            span,
        }
    }

    fn empty_path(&self, span: Span) -> Path {
        Path {
            segments: Vec::new(),
            span,
        }
    }

    // ───────────── literals ─────────────

    fn string(&mut self, pair: P<'_>) -> StrLit {
        let span = self.span(&pair);
        let mut parts: Vec<StrPart> = Vec::new();
        let push_text = |parts: &mut Vec<StrPart>, text: &str| {
            if let Some(StrPart::Text(last)) = parts.last_mut() {
                last.push_str(text);
            } else {
                parts.push(StrPart::Text(text.into()));
            }
        };
        for p in inner(pair) {
            match p.as_rule() {
                Rule::text => push_text(&mut parts, p.as_str()),
                Rule::escape => {
                    let escape_span = self.span(&p);
                    match literals::unescape(p.as_str()) {
                        Some(c) => push_text(&mut parts, c.encode_utf8(&mut [0; 4])),
                        // A `\` at the end of a line: the string is unterminated,
                        // which is reported once, below.
                        None if p.as_str() == "\\" => {}
                        None => self.report(errors::invalid_escape(escape_span, p.as_str())),
                    }
                }
                Rule::interpolation => {
                    if let Some(e) = inner(p).find(|e| e.as_rule() == Rule::expr) {
                        parts.push(StrPart::Interp(Box::new(self.expr(e))));
                    }
                }
                Rule::unterminated => self.report(errors::unterminated_string(span)),
                _ => self.unexpected(&p),
            }
        }
        StrLit { parts, span }
    }
}
