//! Every syntax diagnostic, worded in one place; and the translation of pest's
//! "expected rules" into words ("expected `=` or `{` after `cores`").

use super::ast::{DeclKind, SizeUnit};
use super::parser::Rule;
use crate::diag::{Code, Diagnostic, suggest};
use crate::source::{FileId, Span};

/// The position (in the text pest was given) at which parsing failed.
pub(super) fn pest_position(error: &pest::error::Error<Rule>) -> usize {
    match error.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((start, _)) => start,
    }
}

/// An opening bracket (or `${`) nested deeper than `limit`.
pub(super) fn nested_too_deeply(file: FileId, at: usize, limit: usize) -> Diagnostic {
    Diagnostic::error(
        Code::NestedTooDeeply,
        format!("lists, blocks and interpolations are nested more than {limit} deep"),
    )
    .with_primary(
        Span::new(file, at, at + 1),
        format!("this is level {}", limit + 1),
    )
    .with_help("flatten the nesting: most values need two or three levels")
}

/// A parse failure at `position` (absolute) while parsing the item that starts at
/// `item_start`, in words.
pub(super) fn syntax_error(
    file: FileId,
    src: &str,
    item_start: usize,
    position: usize,
    error: &pest::error::Error<Rule>,
) -> Diagnostic {
    let expected = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => describe_all(positives),
        pest::error::ErrorVariant::CustomError { message } => {
            // pest's own limits (nesting too deep for the stack, call budget).
            let span = Span::new(file, position, position);
            return Diagnostic::error(
                Code::SyntaxError,
                format!("this is nested too deeply to parse ({message})"),
            )
            .with_primary(span, "parsing stopped here")
            .with_help("simplify the nesting of lists and blocks here");
        }
    };
    let found = token_at(src, position);
    if found.is_none()
        && (expected.contains(&"`}`") || !unclosed_braces(src, item_start).is_empty())
    {
        return unclosed_block(file, src, item_start, position);
    }
    if found.is_some()
        && let Some(unclosed) = declaration_inside_block(file, src, item_start, position)
    {
        return unclosed;
    }
    if let Some(missing) = missing_equals(file, src, item_start, position, &expected) {
        return missing;
    }
    // At the end of the file, point at the end of the last line, which is shown.
    let position = if found.is_none() {
        src.trim_end().len()
    } else {
        position
    };
    let span = Span::new(file, position, position + found.map_or(0, str::len));
    let (found_text, found_label) = match found {
        None => (
            "the end of the file".to_string(),
            "unexpected end of file".to_string(),
        ),
        Some(t) if t.starts_with('"') => ("a string".to_string(), "unexpected string".to_string()),
        Some(t) => (format!("`{t}`"), format!("unexpected `{t}`")),
    };
    let mut message = format!("expected {}", join_or(&expected));
    if let Some(previous) = token_before(src, position) {
        message.push_str(&format!(" after `{previous}`"));
    }
    message.push_str(&format!(", found {found_text}"));
    let help = spaced_cidr(src, position).unwrap_or_else(|| syntax_help(&expected, found));
    Diagnostic::error(Code::SyntaxError, message)
        .with_primary(span, found_label)
        .with_help(help)
}

/// `10.0.0.0 / 24`: a network written with spaces around its `/`, which parses as an
/// address and a stray `/`. The help to write it without them, when `position` is at
/// such a `/`.
fn spaced_cidr(src: &str, position: usize) -> Option<String> {
    if token_at(src, position) != Some("/") {
        return None;
    }
    let before = src.get(..position)?.trim_end_matches([' ', '\t']);
    let addr_start = before
        .rfind(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map_or(0, |i| i + 1);
    let addr = before.get(addr_start..)?;
    if addr.matches('.').count() != 3 || addr.starts_with('.') || addr.ends_with('.') {
        return None;
    }
    let after = src.get(position + 1..)?.trim_start_matches([' ', '\t']);
    let digits = after
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(after.len());
    let prefix = after.get(..digits).filter(|p| !p.is_empty())?;
    Some(format!(
        "write the network without spaces around `/`: `{addr}/{prefix}`"
    ))
}

/// Words for what was expected: each rule pest tried, described once, in a stable order.
fn describe_all(rules: &[Rule]) -> Vec<&'static str> {
    let mut words: Vec<&'static str> = rules.iter().filter_map(|r| describe(*r)).collect();
    words.sort_by_key(|w| WORD_ORDER.iter().position(|o| o == w));
    words.dedup();
    // An optional label sits between a block's name and its `{`; "`=` or `{`" reads
    // better than listing it too.
    if words.contains(&"`=`") && words.contains(&"`{`") {
        words.retain(|w| *w != "a name");
    }
    words
}

const WORD_ORDER: &[&str] = &[
    "`=`",
    "`{`",
    "`}`",
    "`:`",
    "`,`",
    "`[`",
    "`]`",
    "`(`",
    "`)`",
    "`in`",
    "a name",
    "a string",
    "a value",
    "an attribute or a block",
    "a declaration",
    "the closing `\"`",
    "the end of the file",
];

fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::eq => "`=`",
        Rule::colon | Rule::parents => "`:`",
        Rule::comma => "`,`",
        Rule::lbrace | Rule::body => "`{`",
        Rule::rbrace => "`}`",
        Rule::lbracket => "`[`",
        Rule::rbracket => "`]`",
        Rule::lparen => "`(`",
        Rule::rparen => "`)`",
        Rule::kw_in => "`in`",
        Rule::decl_name | Rule::ident | Rule::path | Rule::key => "a name",
        Rule::string => "a string",
        Rule::expr | Rule::list | Rule::path_or_call | Rule::number | Rule::keyword_value => {
            "a value"
        }
        Rule::attribute | Rule::block => "an attribute or a block",
        Rule::use_decl
        | Rule::kw_use
        | Rule::for_item
        | Rule::kw_for
        | Rule::decl
        | Rule::decl_kind
        | Rule::stray_attribute
        | Rule::unknown_decl
        | Rule::next_item => "a declaration",
        Rule::unterminated => "the closing `\"`",
        Rule::EOI => "the end of the file",
        _ => return None,
    })
}

fn join_or(words: &[&str]) -> String {
    match words {
        [] => "something else".to_string(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn syntax_help(expected: &[&str], found: Option<&str>) -> String {
    let has = |w: &str| expected.contains(&w);
    if let Some(word) = found.filter(|f| is_keyword(f))
        && has("a name")
    {
        return format!("`{word}` is a keyword; write the name as a string: `\"{word}\"`");
    }
    if found.is_some_and(|f| f.starts_with('-')) && has("a value") {
        return "pxic has no negative numbers".to_string();
    }
    if let Some(c) = found.filter(|f| is_stray_character(f)) {
        return format!(
            "`{c}` has no meaning in pxic outside a string; remove it, or write the text as a \
             string"
        );
    }
    if found.is_some_and(|f| f.starts_with('"')) && has("`}`") && has("`(`") {
        return "close the interpolation with `}` before the string's closing `\"`".to_string();
    }
    if found == Some("}") && has("a declaration") {
        return "this `}` closes nothing; remove it".to_string();
    }
    if found == Some("use") && has("a declaration") {
        return "`use` lines belong at the top level of a file, outside any `for`".to_string();
    }
    if has("`=`") {
        return "set an attribute with `name = value`, or open a block with `name { … }`"
            .to_string();
    }
    if has("a value") {
        return "a value is a string, a number, a size (`4GiB`), an address, a list, a name, \
                `env(\"…\")`, `file(\"…\")` or `auto`"
            .to_string();
    }
    if has("`]`") {
        return "separate list items with `,` and close the list with `]`".to_string();
    }
    if has("`)`") {
        return "separate arguments with `,` and close the call with `)`".to_string();
    }
    if has("`}`") && found.is_some_and(|f| f.starts_with(is_word_char)) {
        return "put each attribute on its own line, or separate attributes with `,`".to_string();
    }
    if has("`}`") {
        return "close the open `{` with `}`".to_string();
    }
    if has("`in`") {
        return "a generator is written `for i in 1..=3 { … }`".to_string();
    }
    if has("`{`") {
        return "a declaration's body follows its name (and profiles) in `{ … }`".to_string();
    }
    if has("a name") {
        return "a name starts with a letter or `_` and goes on with letters, digits, `_` \
                or `-`; write any other name as a string"
            .to_string();
    }
    if has("a declaration") {
        return "a file holds declarations such as `vm web-01 { … }`, `use std.os` lines and \
                `for i in 1..=3 { … }` generators"
            .to_string();
    }
    "check the line against the examples of `pxic explain PXI0001`".to_string()
}

/// A character that starts no token of the language.
fn is_stray_character(token: &str) -> bool {
    let mut chars = token.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => !is_word_char(c) && !"\"[]{}(),=:.#$".contains(c),
        _ => false,
    }
}

fn is_keyword(word: &str) -> bool {
    matches!(word, "use" | "for" | "in" | "true" | "false" | "auto")
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// The token at `position`: a word, a string's opening quote, or one character;
/// `None` at the end of the file.
fn token_at(src: &str, position: usize) -> Option<&str> {
    let rest = src.get(position..)?;
    let first = rest.chars().next()?;
    let len = if is_word_char(first) {
        rest.find(|c| !is_word_char(c)).unwrap_or(rest.len())
    } else {
        first.len_utf8()
    };
    rest.get(..len)
}

/// The token just before `position`, skipping whitespace.
fn token_before(src: &str, position: usize) -> Option<&str> {
    let before = src.get(..position)?.trim_end();
    let last = before.chars().next_back()?;
    if last == '"' {
        return None;
    }
    if before.ends_with("${") {
        return before.get(before.len() - 2..);
    }
    let in_token = |c: char| is_word_char(c) || c == '.' || c == '/';
    let start = if is_word_char(last) {
        before.rfind(|c| !in_token(c)).map_or(0, |i| {
            i + before[i..].chars().next().map_or(1, char::len_utf8)
        })
    } else {
        before.len() - last.len_utf8()
    };
    // A comment ends the line before the error; naming its last word would mislead.
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    if before[line_start..].contains('#') {
        return None;
    }
    before.get(start..)
}

/// The start of the next line that begins a top-level item (`use`, `for` or a
/// declaration kind in the first column), after the line holding `position`.
pub(super) fn recovery_point(src: &str, position: usize) -> Option<usize> {
    let mut at = position;
    loop {
        let newline = src.get(at..)?.find('\n')?;
        at += newline + 1;
        if starts_item(src.get(at..)?) {
            return Some(at);
        }
    }
}

fn starts_item(line: &str) -> bool {
    let word_len = line.find(|c| !is_word_char(c)).unwrap_or(line.len());
    let word = &line[..word_len];
    word == "use" || word == "for" || DeclKind::from_keyword(word).is_some()
}

/// The file ended inside a block. Points at the `{` that is never closed and, when a
/// declaration starts inside it in the first column, at where the `}` is missing.
fn unclosed_block(file: FileId, src: &str, item_start: usize, position: usize) -> Diagnostic {
    let open = unclosed_braces(src, item_start);
    let diagnostic = Diagnostic::error(
        Code::UnclosedBlock,
        "unclosed block: the file ends before its `}`",
    );
    let Some(&outer) = open.first() else {
        let end = Span::new(file, position, position);
        return diagnostic
            .with_primary(end, "the file ends here")
            .with_help("add the missing `}`");
    };
    let diagnostic = diagnostic.with_primary(
        Span::new(file, outer, outer + 1),
        "this `{` is never closed",
    );
    let diagnostic = if open.len() > 1 {
        diagnostic.with_note(format!(
            "{} blocks are still open at the end of the file",
            open.len()
        ))
    } else {
        diagnostic
    };
    let next_decl = recovery_point(src, outer).filter(|&p| p < position);
    match next_decl {
        Some(at) => {
            let line = src[..at].matches('\n').count() + 1;
            diagnostic
                .with_secondary(
                    Span::new(file, at, at + token_at(src, at).map_or(0, str::len)),
                    "a new declaration starts here, inside the open block",
                )
                .with_help(format!("add `}}` before line {line}"))
        }
        None => diagnostic.with_help("add `}` at the end of the block"),
    }
}

/// A parse error after a declaration that is never closed: a line in the first column
/// starts a new declaration (or a `for`) inside a block that cannot hold one, and the
/// error comes at or after it (`for i in` read as a block named `i`). Points at the
/// block's `{` and at the line, instead of the token the parser stumbled on.
fn declaration_inside_block(
    file: FileId,
    src: &str,
    item_start: usize,
    position: usize,
) -> Option<Diagnostic> {
    let open = open_braces(src, item_start, position);
    let &innermost = open.last()?;
    let line_start = src.get(..innermost)?.rfind('\n').map_or(0, |i| i + 1);
    let header = src.get(line_start..innermost)?.trim();
    // A `for` body holds declarations.
    if header.starts_with("for ") || header.starts_with("for\t") {
        return None;
    }
    let at = recovery_point(src, innermost).filter(|&at| at <= position)?;
    let word = token_at(src, at)?;
    // `host = pve1` in the first column is an attribute, not a declaration.
    let after = src.get(at + word.len()..)?.trim_start_matches([' ', '\t']);
    if after.starts_with('=') {
        return None;
    }
    let line = src[..at].matches('\n').count() + 1;
    let header = crate::diag::escape::line(header);
    let message = if header.is_empty() {
        "unclosed block: a new declaration starts before its `}`".to_string()
    } else {
        format!("unclosed block: `{header}` has no `}}` before the next declaration")
    };
    Some(
        Diagnostic::error(Code::UnclosedBlock, message)
            .with_primary(
                Span::new(file, innermost, innermost + 1),
                "this `{` is never closed",
            )
            .with_secondary(
                Span::new(file, at, at + word.len()),
                "a new declaration starts here, inside the open block",
            )
            .with_help(format!("add `}}` before line {line}")),
    )
}

/// `host  pve1`: a known attribute and its value without the `=` between them. The
/// parser reads a name and a word as a block and its label, and stumbles on what
/// follows (the next line, often); the error then names the attribute instead. Only
/// for an attribute the enclosing block takes and that is not also a block's name.
fn missing_equals(
    file: FileId,
    src: &str,
    item_start: usize,
    position: usize,
    expected: &[&str],
) -> Option<Diagnostic> {
    if !expected.contains(&"`{`") {
        return None;
    }
    let (line_start, line_end) = line_of(src, position);
    // The line with the attribute: the error's own line when the value is there
    // (`cores 16`), else the line before it (`host pve1`, then the next attribute).
    let (key_line_start, key_line_end) = if src
        .get(line_start..position)
        .is_some_and(|t| !t.trim().is_empty())
    {
        (line_start, line_end)
    } else {
        line_of(src, src.get(..position)?.trim_end().len().checked_sub(1)?)
    };
    let line = src.get(key_line_start..key_line_end)?;
    let code = line.split('#').next().unwrap_or_default();
    let indent = code.len() - code.trim_start().len();
    let key_start = key_line_start + indent;
    let key = token_at(src, key_start).filter(|k| k.starts_with(is_word_char))?;
    let value_start = key_start + key.len() + src.get(key_start + key.len()..)?.len()
        - src
            .get(key_start + key.len()..)?
            .trim_start_matches([' ', '\t'])
            .len();
    let value = src
        .get(value_start..key_line_start + code.trim_end().len())?
        .trim_end_matches(',')
        .trim_end();
    if value_start == key_start + key.len() || value.is_empty() || value.contains(['{', '=']) {
        return None;
    }
    let block = enclosing_schema(src, item_start, key_start)?;
    if block.attr(key).is_none() || block.nested(key).is_some() {
        return None;
    }
    let gap = Span::new(file, key_start + key.len(), value_start);
    Some(
        Diagnostic::error(
            Code::SyntaxError,
            format!("expected `=` between `{key}` and its value"),
        )
        .with_primary(gap, "`=` missing here")
        .with_help(format!(
            "write `{key} = {}`",
            crate::diag::escape::line(value)
        )),
    )
}

/// The line (without its newline) that holds `at`.
fn line_of(src: &str, at: usize) -> (usize, usize) {
    let at = at.min(src.len());
    let start = src
        .get(..at)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let end = src
        .get(at..)
        .and_then(|t| t.find('\n'))
        .map_or(src.len(), |i| at + i);
    (start, end)
}

/// The schema of the block open at `at`, found from the words before each open `{`
/// (`vm web-01 {`, then `network lan {`); `None` inside a `for` or an unknown block.
fn enclosing_schema(
    src: &str,
    item_start: usize,
    at: usize,
) -> Option<&'static crate::check::schema::Block> {
    let mut block: Option<&'static crate::check::schema::Block> = None;
    for brace in open_braces(src, item_start, at) {
        let (line_start, _) = line_of(src, brace);
        let word = token_at(
            src,
            line_start + src.get(line_start..brace)?.len()
                - src.get(line_start..brace)?.trim_start().len(),
        )?;
        block = Some(match block {
            None => crate::check::schema::of(DeclKind::from_keyword(word)?),
            Some(outer) => outer.nested(word)?.schema,
        });
    }
    block
}

/// Offsets of the `{` that are still open at the end of the text, outermost first;
/// strings and comments are skipped.
fn unclosed_braces(src: &str, from: usize) -> Vec<usize> {
    open_braces(src, from, src.len())
}

/// Offsets of the `{` between `from` and `to` that are still open at `to`, outermost
/// first; strings and comments are skipped.
fn open_braces(src: &str, from: usize, to: usize) -> Vec<usize> {
    let mut stack = Vec::new();
    let mut chars = src.get(from..to.max(from)).unwrap_or("").char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' => stack.push(from + i),
            '}' => {
                stack.pop();
            }
            '#' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' => {
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' | '\n' => break,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    stack
}

// ───────────── literal errors ─────────────

pub(super) fn unterminated_string(span: Span) -> Diagnostic {
    Diagnostic::error(Code::UnterminatedString, "unterminated string")
        .with_primary(span, "this string is never closed")
        .with_help(
            "add the closing `\"` before the end of the line; a string cannot span lines \
             (write `\\n` for a line break)",
        )
}

pub(super) fn invalid_escape(span: Span, escape: &str) -> Diagnostic {
    if let Some(hex) = escape
        .strip_prefix("\\u{")
        .and_then(|rest| rest.strip_suffix('}'))
    {
        let well_formed =
            !hex.is_empty() && hex.len() <= 6 && hex.chars().all(|c| c.is_ascii_hexdigit());
        let (label, help) = if well_formed {
            (
                "not a Unicode character",
                "a Unicode escape names a character from `0` to `10FFFF`, outside the \
                 surrogates `D800`–`DFFF`",
            )
        } else {
            (
                "not 1 to 6 hex digits",
                "a Unicode escape holds 1 to 6 hex digits, such as `\\u{e9}` for `é`",
            )
        };
        return Diagnostic::error(
            Code::InvalidEscape,
            format!("invalid Unicode escape `{escape}`"),
        )
        .with_primary(span, label)
        .with_help(help);
    }
    Diagnostic::error(
        Code::InvalidEscape,
        format!("unknown escape sequence `{escape}`"),
    )
    .with_primary(span, "not a valid escape")
    .with_help(
        "valid escapes are `\\n`, `\\t`, `\\r`, `\\\"`, `\\\\`, `\\$` and `\\u{…}`; \
         write `\\\\` for a backslash",
    )
}

pub(super) fn unknown_size_unit(span: Span, count: &str, unit: &str) -> Diagnostic {
    let binary = binary_unit_for(unit);
    let help = match binary {
        Some(b) if b.symbol().eq_ignore_ascii_case(unit) => {
            format!("units are case-sensitive: write `{count}{}`", b.symbol())
        }
        Some(b) => format!(
            "write `{count}{}`: sizes use binary units (1 GiB = 1024 MiB), as Proxmox does",
            b.symbol()
        ),
        None => "a size is a whole number followed by `KiB`, `MiB`, `GiB`, `TiB` or `PiB`, \
                 such as `4GiB`"
            .to_string(),
    };
    Diagnostic::error(Code::UnknownSizeUnit, format!("unknown size unit `{unit}`"))
        .with_primary(span, "not a size unit")
        .with_help(help)
}

/// The binary unit a decimal or lowercase spelling most likely meant (`GB`, `G`, `gib`).
fn binary_unit_for(unit: &str) -> Option<SizeUnit> {
    let lower = unit.to_ascii_lowercase();
    let prefix = match lower.as_str() {
        "k" | "kb" | "kib" => 'k',
        "m" | "mb" | "mib" => 'm',
        "g" | "gb" | "gib" => 'g',
        "t" | "tb" | "tib" => 't',
        "p" | "pb" | "pib" => 'p',
        _ => return None,
    };
    SizeUnit::ALL
        .into_iter()
        .find(|u| u.symbol().to_ascii_lowercase().starts_with(prefix))
}

pub(super) fn space_before_unit(span: Span, text: &str) -> Diagnostic {
    let mut words = text.split_whitespace();
    let count = words.next().unwrap_or_default();
    let unit = words.next().unwrap_or_default();
    let symbol = binary_unit_for(unit).map_or("GiB", SizeUnit::symbol);
    Diagnostic::error(
        Code::SizeSpaceBeforeUnit,
        "a size's unit must follow its number without a space",
    )
    .with_primary(span, "space between the number and the unit")
    .with_help(format!("write `{count}{symbol}`"))
}

pub(super) fn fractional_size(span: Span, text: &str) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        Code::FractionalSize,
        format!("`{text}` is not a whole number of its unit"),
    )
    .with_primary(span, "sizes are whole numbers");
    match exact_smaller_unit(text) {
        Some(better) => diagnostic.with_help(format!("write `{better}`")),
        None => diagnostic.with_help("use a smaller unit so that the size is a whole number"),
    }
}

/// `1.5GiB` → `1536MiB`: the same size in the largest unit that makes it whole.
fn exact_smaller_unit(text: &str) -> Option<String> {
    let unit_at = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(unit_at);
    let unit = SizeUnit::from_symbol(unit)?;
    let (whole, fraction) = number.split_once('.')?;
    if fraction.len() > 12 {
        return None;
    }
    let scale = 10u128.checked_pow(u32::try_from(fraction.len()).ok()?)?;
    let scaled = whole.parse::<u128>().ok()?.checked_mul(scale)? + fraction.parse::<u128>().ok()?;
    let bytes_times_scale = scaled.checked_mul(u128::from(unit.bytes()))?;
    if bytes_times_scale % scale != 0 {
        return None;
    }
    let bytes = bytes_times_scale / scale;
    SizeUnit::ALL
        .into_iter()
        .rev()
        .find(|u| bytes % u128::from(u.bytes()) == 0)
        .map(|u| format!("{}{}", bytes / u128::from(u.bytes()), u.symbol()))
        .or_else(|| Some(format!("{bytes} bytes, which is not a whole KiB")))
        .filter(|s| !s.contains(' '))
}

pub(super) fn number_too_large(span: Span, text: &str) -> Diagnostic {
    Diagnostic::error(Code::NumberTooLarge, format!("`{text}` is too large"))
        .with_primary(span, "does not fit in 64 bits")
        .with_help("numbers and sizes must be below 2^64 (16 EiB for sizes)")
}

/// `2.5`: pxic has no fractional numbers.
pub(super) fn fractional_number(span: Span, text: &str) -> Diagnostic {
    Diagnostic::error(
        Code::FractionalNumber,
        format!("`{text}` is not a whole number"),
    )
    .with_primary(span, "fractions are not supported")
    .with_help(
        "numbers in pxic are whole (for a size, use a smaller unit: `1536MiB`, not \
         `1.5GiB`); an IPv4 address has four parts, such as `10.10.0.1`",
    )
}

/// A number-like token that is none of integer, size, address or CIDR.
pub(super) fn malformed_number(span: Span, text: &str) -> Diagnostic {
    Diagnostic::error(
        Code::MalformedNumber,
        format!("`{text}` is not a number, size, address or network"),
    )
    .with_primary(span, "not a valid literal")
    .with_help(
        "write a number (`42`), a size (`4GiB`), an IPv4 address (`10.10.0.2`) or a \
         network (`10.10.0.0/24`)",
    )
}

pub(super) fn keyword_as_name(span: Span, word: &str) -> Diagnostic {
    Diagnostic::error(
        Code::KeywordAsName,
        format!("`{word}` is a keyword and cannot be used as a name"),
    )
    .with_primary(span, "keyword")
    .with_help(format!(
        "choose another name, or write it as a string: `\"{word}\"`"
    ))
}

pub(super) fn ipv4_part_count(span: Span, text: &str, parts: usize) -> Diagnostic {
    Diagnostic::error(
        Code::InvalidIpv4,
        format!("`{text}` is not an IPv4 address"),
    )
    .with_primary(span, format!("{parts} parts, not 4"))
    .with_help(
        "an IPv4 address has four numbers from 0 to 255 separated by dots, such as `10.10.0.2`",
    )
}

pub(super) fn ipv4_octet_range(span: Span, octet: &str) -> Diagnostic {
    Diagnostic::error(
        Code::InvalidIpv4,
        format!("IPv4 address part `{octet}` is out of range"),
    )
    .with_primary(span, "must be 0 to 255")
    .with_help("each of an IPv4 address's four numbers is from 0 to 255")
}

pub(super) fn ipv4_leading_zero(span: Span, text: &str, octet: &str) -> Diagnostic {
    let trimmed = octet.trim_start_matches('0');
    let fixed = if trimmed.is_empty() { "0" } else { trimmed };
    Diagnostic::error(
        Code::LeadingZero,
        format!("IPv4 address part `{octet}` has a leading zero"),
    )
    .with_primary(span, "leading zero")
    .with_help(format!(
        "write `{fixed}`; some tools read `{octet}` in `{text}` as octal, so pxic refuses it"
    ))
}

pub(super) fn number_leading_zero(span: Span, digits: &str) -> Diagnostic {
    let trimmed = digits.trim_start_matches('0');
    let fixed = if trimmed.is_empty() { "0" } else { trimmed };
    Diagnostic::error(
        Code::LeadingZero,
        format!("number `{digits}` has a leading zero"),
    )
    .with_primary(span, "leading zero")
    .with_help(format!(
        "write `{fixed}`; some tools read a leading zero as octal, so pxic refuses it"
    ))
}

pub(super) fn cidr_prefix_too_long(span: Span, prefix: &str) -> Diagnostic {
    Diagnostic::error(
        Code::CidrPrefixTooLong,
        format!("prefix length `/{prefix}` is longer than 32"),
    )
    .with_primary(span, "must be 0 to 32")
    .with_help("an IPv4 network's prefix is 0 to 32 bits, such as `10.10.0.0/24`")
}

pub(super) fn unknown_decl_kind(span: Span, word: &str) -> Diagnostic {
    let kinds = DeclKind::ALL.map(DeclKind::keyword);
    let candidates = suggest(word, kinds);
    let help = match candidates.first() {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!(
            "a declaration starts with one of {}",
            kinds.map(|k| format!("`{k}`")).join(", ")
        ),
    };
    Diagnostic::error(
        Code::UnknownDeclKind,
        format!("unknown declaration kind `{word}`"),
    )
    .with_primary(span, "not a kind of declaration")
    .with_help(help)
}

pub(super) fn attribute_outside_block(span: Span, key: &str) -> Diagnostic {
    Diagnostic::error(
        Code::AttributeOutsideBlock,
        format!("attribute `{key}` is outside any block"),
    )
    .with_primary(span, "attributes belong inside a declaration's `{ … }`")
    .with_help(format!(
        "move `{key} = …` into the declaration it describes"
    ))
}

pub(super) fn internal(span: Span, what: &str) -> Diagnostic {
    Diagnostic::error(Code::Internal, format!("internal error: {what}"))
        .with_primary(span, "while reading this")
        .with_help("this is a bug in pxic; please report it with the file that caused it")
}
