//! Text from `.pxi` files on its way to a terminal or into a comment of a generated
//! file: control characters (ESC, CR, BEL, backspace, the C1 controls
//! U+0080–U+009F), the bidirectional overrides and isolates, and the line separators
//! YAML breaks lines at could move the cursor, end a comment, or rewrite what a
//! reviewer sees, so each is shown escaped. The one set of such characters for
//! everything pxic prints or writes.

use std::borrow::Cow;

/// Whether a character must not reach a terminal or a comment as it is.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{FEFF}'
        )
}

/// `text` with every unsafe character escaped, line breaks and tabs included (`\n`,
/// `\t`, `\u{1b}`): for one-line text such as a message or a label.
pub fn line(text: &str) -> Cow<'_, str> {
    escape(text, |_| false)
}

/// `text` with every unsafe character escaped except line breaks and tabs: for text
/// printed as lines, such as a summary or a diff.
pub fn lines(text: &str) -> Cow<'_, str> {
    escape(text, |c| c == '\n' || c == '\t')
}

fn escape(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            c if !is_unsafe(c) || keep(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
        }
    }
    Cow::Owned(out)
}

/// A line of JSON with every unsafe character that JSON allows as it is (the C1
/// controls, the bidirectional marks) written as a `\uXXXX` escape, which means the
/// same to a JSON reader. Such characters can only be inside strings.
pub fn json(line: &str) -> Cow<'_, str> {
    if !line.chars().any(is_unsafe) {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() + 16);
    for c in line.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` with each byte of an unsafe character replaced by `?`, so that every offset
/// into it stays valid: for the source lines under a diagnostic, whose labels are
/// placed by offset. Line breaks (`\n`, `\r\n`) and tabs stay.
pub fn same_length(text: &str) -> Cow<'_, str> {
    let mut chars = text.char_indices().peekable();
    let mut out: Option<String> = None;
    while let Some((at, c)) = chars.next() {
        let kept = match c {
            '\n' | '\t' => true,
            '\r' => chars.peek().is_some_and(|(_, next)| *next == '\n'),
            c => !is_unsafe(c),
        };
        if !kept {
            let out = out.get_or_insert_with(|| text.to_string());
            out.replace_range(at..at + c.len_utf8(), &"?".repeat(c.len_utf8()));
        }
    }
    out.map_or(Cow::Borrowed(text), Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_are_escaped() {
        assert_eq!(line("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(line("x\ry\u{7}\u{8}"), "x\\ry\\u{7}\\u{8}");
        assert_eq!(line("a\nb\tc"), "a\\nb\\tc");
        assert_eq!(lines("a\nb\tc\u{9b}"), "a\nb\tc\\u{9b}");
        assert_eq!(line("evil\u{202E}txt\u{2066}"), "evil\\u{202e}txt\\u{2066}");
        assert!(matches!(line("plain é ünïcode"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_spells_what_serde_leaves() {
        assert_eq!(
            json("{\"m\":\"a\u{202E}b\u{85}\"}"),
            "{\"m\":\"a\\u202eb\\u0085\"}"
        );
    }

    #[test]
    fn same_length_keeps_every_offset() {
        let text = "a\u{1b}b\u{85}c\u{202E}d\r\ne\rf\tg\n";
        let shown = same_length(text);
        assert_eq!(shown.len(), text.len());
        assert_eq!(shown, "a?b??c???d\r\ne?f\tg\n");
    }
}
