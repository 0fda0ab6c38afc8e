//! Checks of literal tokens shared by the two parsers (the pest lowering and the fast
//! path): what a number-like token means, string escapes, and names that may not be
//! keywords. Each check returns its value and pushes any problem to `out`.

use super::ast::{ExprKind, Ident, Path, SizeUnit};
use super::errors;
use crate::diag::Diagnostic;
use crate::source::{FileId, Span};
use std::net::Ipv4Addr;

/// Words the grammar gives a meaning; they cannot name anything.
pub(super) const KEYWORDS: [&str; 6] = ["use", "for", "in", "true", "false", "auto"];

/// A name being introduced (a declaration, a label, a loop variable): keywords cannot
/// be, or they could never be referred to.
pub(super) fn check_binding(ident: &Ident, out: &mut Vec<Diagnostic>) {
    if KEYWORDS.contains(&ident.name.as_str()) {
        out.push(errors::keyword_as_name(ident.span, &ident.name));
    }
}

/// A reference may not name a keyword either: `x = in` can only be a mistake.
pub(super) fn check_path(path: &Path, out: &mut Vec<Diagnostic>) {
    for segment in &path.segments {
        check_binding(segment, out);
    }
}

/// `007`, `/024`: a leading zero reads as octal to some tools, so it is refused.
fn check_leading_zero(digits: &str, span: Span, out: &mut Vec<Diagnostic>) -> bool {
    let bad = digits.len() > 1 && digits.starts_with('0');
    if bad {
        out.push(errors::number_leading_zero(span, digits));
    }
    !bad
}

/// Classifies a `number` token — integer, size, IPv4 address or CIDR — and checks
/// it, reporting exactly what is wrong when it is none of them.
pub(super) fn number(text: &str, span: Span, out: &mut Vec<Diagnostic>) -> ExprKind {
    if text.contains([' ', '\t']) {
        out.push(errors::space_before_unit(span, text));
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
        (0, None, true) => integer(text, span, out),
        (0, None, false) => size(address, unit, span, out),
        (1, None, false) => {
            out.push(errors::fractional_size(span, text));
            ExprKind::Invalid
        }
        (1, None, true) => {
            out.push(errors::fractional_number(span, text));
            ExprKind::Invalid
        }
        (_, None, true) => ipv4(address, span.file, span.start as usize, out)
            .map_or(ExprKind::Invalid, ExprKind::Ipv4),
        (d, Some(prefix), true) if d > 0 => cidr(address, prefix, span, out),
        _ => {
            out.push(errors::malformed_number(span, text));
            ExprKind::Invalid
        }
    }
}

fn integer(text: &str, span: Span, out: &mut Vec<Diagnostic>) -> ExprKind {
    if !check_leading_zero(text, span, out) {
        return ExprKind::Invalid;
    }
    match text.parse::<u64>() {
        Ok(n) => ExprKind::Int(n),
        Err(_) => {
            out.push(errors::number_too_large(span, text));
            ExprKind::Invalid
        }
    }
}

fn size(count: &str, unit: &str, span: Span, out: &mut Vec<Diagnostic>) -> ExprKind {
    let unit_start = span.start as usize + count.len();
    let count_span = Span::new(span.file, span.start as usize, unit_start);
    if !check_leading_zero(count, count_span, out) {
        return ExprKind::Invalid;
    }
    let Some(unit) = SizeUnit::from_symbol(unit) else {
        let unit_span = Span::new(span.file, unit_start, unit_start + unit.len());
        out.push(errors::unknown_size_unit(unit_span, count, unit));
        return ExprKind::Invalid;
    };
    match count.parse::<u64>() {
        Ok(count) if count.checked_mul(unit.bytes()).is_some() => ExprKind::Size { count, unit },
        _ => {
            let text = format!("{count}{}", unit.symbol());
            out.push(errors::number_too_large(span, &text));
            ExprKind::Invalid
        }
    }
}

/// Checks four octets, each 0–255 without leading zeros; `start` is the offset of
/// `text` in the file, so that a bad octet gets its own span.
fn ipv4(text: &str, file: FileId, start: usize, out: &mut Vec<Diagnostic>) -> Option<Ipv4Addr> {
    let span = Span::new(file, start, start + text.len());
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 4 {
        out.push(errors::ipv4_part_count(span, text, parts.len()));
        return None;
    }
    let mut octets = [0u8; 4];
    let mut at = start;
    let mut ok = true;
    for (i, part) in parts.iter().enumerate() {
        let part_span = Span::new(file, at, at + part.len());
        at += part.len() + 1;
        if part.len() > 1 && part.starts_with('0') {
            out.push(errors::ipv4_leading_zero(part_span, text, part));
            ok = false;
            continue;
        }
        match part.parse::<u8>() {
            Ok(octet) => octets[i] = octet,
            Err(_) => {
                out.push(errors::ipv4_octet_range(part_span, part));
                ok = false;
            }
        }
    }
    ok.then(|| Ipv4Addr::from(octets))
}

fn cidr(address: &str, prefix: &str, span: Span, out: &mut Vec<Diagnostic>) -> ExprKind {
    let addr = ipv4(address, span.file, span.start as usize, out);
    let prefix_start = span.start as usize + address.len() + 1;
    let prefix_span = Span::new(span.file, prefix_start, prefix_start + prefix.len());
    let prefix = match prefix.parse::<u8>() {
        _ if !check_leading_zero(prefix, prefix_span, out) => None,
        Ok(p) if p <= 32 => Some(p),
        _ => {
            out.push(errors::cidr_prefix_too_long(prefix_span, prefix));
            None
        }
    };
    match (addr, prefix) {
        (Some(addr), Some(prefix)) => ExprKind::Cidr { addr, prefix },
        _ => ExprKind::Invalid,
    }
}

/// Decodes one escape (`\n`, `\u{1F600}`, …); `None` if it is not a valid escape.
pub(super) fn unescape(escape: &str) -> Option<char> {
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
