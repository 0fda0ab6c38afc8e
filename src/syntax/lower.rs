//! Lowering: pest pairs → AST, one small function per grammar rule. Literal values are
//! validated here (octets, prefixes, units, escapes, overflow) so that the AST only
//! holds values that mean something.

use super::ast::*;
use super::errors;
use super::parser::Rule;
use crate::diag::Diagnostic;
use crate::source::{FileId, Span};
use pest::iterators::Pair;
use std::net::Ipv4Addr;

type P<'i> = Pair<'i, Rule>;

/// Words the grammar gives a meaning; they cannot name anything.
const KEYWORDS: [&str; 6] = ["use", "for", "in", "true", "false", "auto"];

/// Collects the AST, comments and diagnostics of one file as its items are parsed.
pub(super) struct Lowerer {
    file: FileId,
    /// Offset of the text the current pairs were parsed from.
    base: usize,
    items: Vec<Item>,
    comments: Vec<Comment>,
    diagnostics: Vec<Diagnostic>,
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

    fn span(&self, pair: &P<'_>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, self.base + s.start(), self.base + s.end())
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
        if KEYWORDS.contains(&ident.name.as_str()) {
            self.report(errors::keyword_as_name(ident.span, &ident.name));
        }
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
            Rule::number => self.number(pair.as_str(), span),
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
            Some(args) => ExprKind::Call { func: path, args },
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
        Path { segments, span }
    }

    fn ident(&self, pair: &P<'_>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(pair),
        }
    }

    fn empty_ident(&self, span: Span) -> Ident {
        Ident {
            name: String::new(),
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

    /// Classifies a `number` token — integer, size, IPv4 address or CIDR — and checks
    /// it, reporting exactly what is wrong when it is none of them.
    fn number(&mut self, text: &str, span: Span) -> ExprKind {
        if text.contains([' ', '\t']) {
            self.report(errors::space_before_unit(span, text));
            return ExprKind::Invalid;
        }
        let unit_at = text
            .find(|c: char| c.is_ascii_alphabetic())
            .unwrap_or(text.len());
        let (numeric, unit) = text.split_at(unit_at);
        let (address, prefix) = match numeric.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (numeric, None),
        };
        let dots = address.matches('.').count();
        match (dots, prefix, unit.is_empty()) {
            (0, None, true) => self.integer(text, span),
            (0, None, false) => self.size(address, unit, span),
            (1, None, false) => {
                self.report(errors::fractional_size(span, text));
                ExprKind::Invalid
            }
            (1, None, true) => {
                self.report(errors::fractional_number(span, text));
                ExprKind::Invalid
            }
            (_, None, true) => self
                .ipv4(address, span.start as usize)
                .map_or(ExprKind::Invalid, ExprKind::Ipv4),
            (d, Some(prefix), true) if d > 0 => self.cidr(address, prefix, span),
            _ => {
                self.report(errors::malformed_number(span, text));
                ExprKind::Invalid
            }
        }
    }

    fn integer(&mut self, text: &str, span: Span) -> ExprKind {
        match text.parse::<u64>() {
            Ok(n) => ExprKind::Int(n),
            Err(_) => {
                self.report(errors::number_too_large(span, text));
                ExprKind::Invalid
            }
        }
    }

    fn size(&mut self, count: &str, unit: &str, span: Span) -> ExprKind {
        let unit_start = span.start as usize + count.len();
        let Some(unit) = SizeUnit::from_symbol(unit) else {
            let unit_span = Span::new(self.file, unit_start, unit_start + unit.len());
            self.report(errors::unknown_size_unit(unit_span, count, unit));
            return ExprKind::Invalid;
        };
        match count.parse::<u64>() {
            Ok(count) if count.checked_mul(unit.bytes()).is_some() => {
                ExprKind::Size { count, unit }
            }
            _ => {
                let text = format!("{count}{}", unit.symbol());
                self.report(errors::number_too_large(span, &text));
                ExprKind::Invalid
            }
        }
    }

    /// Checks four octets, each 0–255 without leading zeros; `start` is the offset of
    /// `text` in the file, so that a bad octet gets its own span.
    fn ipv4(&mut self, text: &str, start: usize) -> Option<Ipv4Addr> {
        let span = Span::new(self.file, start, start + text.len());
        let parts: Vec<&str> = text.split('.').collect();
        if parts.len() != 4 {
            self.report(errors::ipv4_part_count(span, text, parts.len()));
            return None;
        }
        let mut octets = [0u8; 4];
        let mut at = start;
        let mut ok = true;
        for (i, part) in parts.iter().enumerate() {
            let part_span = Span::new(self.file, at, at + part.len());
            at += part.len() + 1;
            if part.len() > 1 && part.starts_with('0') {
                self.report(errors::ipv4_leading_zero(part_span, text, part));
                ok = false;
                continue;
            }
            match part.parse::<u8>() {
                Ok(octet) => octets[i] = octet,
                Err(_) => {
                    self.report(errors::ipv4_octet_range(part_span, part));
                    ok = false;
                }
            }
        }
        ok.then(|| Ipv4Addr::from(octets))
    }

    fn cidr(&mut self, address: &str, prefix: &str, span: Span) -> ExprKind {
        let addr = self.ipv4(address, span.start as usize);
        let prefix_start = span.start as usize + address.len() + 1;
        let prefix_span = Span::new(self.file, prefix_start, prefix_start + prefix.len());
        let prefix = match prefix.parse::<u8>() {
            Ok(p) if p <= 32 => Some(p),
            _ => {
                self.report(errors::cidr_prefix_too_long(prefix_span, prefix));
                None
            }
        };
        match (addr, prefix) {
            (Some(addr), Some(prefix)) => ExprKind::Cidr { addr, prefix },
            _ => ExprKind::Invalid,
        }
    }

    fn string(&mut self, pair: P<'_>) -> StrLit {
        let span = self.span(&pair);
        let mut parts: Vec<StrPart> = Vec::new();
        let push_text = |parts: &mut Vec<StrPart>, text: &str| {
            if let Some(StrPart::Text(last)) = parts.last_mut() {
                last.push_str(text);
            } else {
                parts.push(StrPart::Text(text.to_string()));
            }
        };
        for p in inner(pair) {
            match p.as_rule() {
                Rule::text => push_text(&mut parts, p.as_str()),
                Rule::escape => {
                    let escape_span = self.span(&p);
                    match unescape(p.as_str()) {
                        Some(c) => push_text(&mut parts, c.encode_utf8(&mut [0; 4])),
                        None => self.report(errors::invalid_escape(escape_span, p.as_str())),
                    }
                }
                Rule::interpolation => {
                    if let Some(e) = inner(p).find(|e| e.as_rule() == Rule::expr) {
                        parts.push(StrPart::Interp(self.expr(e)));
                    }
                }
                Rule::unterminated => self.report(errors::unterminated_string(span)),
                _ => self.unexpected(&p),
            }
        }
        StrLit { parts, span }
    }
}

/// Decodes one escape (`\n`, `\u{1F600}`, …); `None` if it is not a valid escape.
fn unescape(escape: &str) -> Option<char> {
    let body = escape.strip_prefix('\\')?;
    match body {
        "n" => Some('\n'),
        "t" => Some('\t'),
        "r" => Some('\r'),
        "\"" => Some('"'),
        "\\" => Some('\\'),
        "$" => Some('$'),
        _ => {
            let hex = body.strip_prefix("u{")?.strip_suffix('}')?;
            if hex.is_empty() || hex.len() > 6 {
                return None;
            }
            char::from_u32(u32::from_str_radix(hex, 16).ok()?)
        }
    }
}
