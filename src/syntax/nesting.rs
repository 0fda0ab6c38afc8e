//! The nesting limit: lists, blocks, calls and `${…}` interpolations nested more than
//! [`MAX_NESTING`] deep are found by a flat scan of the text, before any parser
//! (pest, the fast path) or any later phase recurses over them. Every recursive
//! function over the syntax tree (lowering, evaluation, the outline, dropping the
//! tree) is then bounded too.

/// How deeply lists, blocks, calls and interpolations may nest.
pub const MAX_NESTING: usize = 128;

/// What an open bracket returns to when it closes.
#[derive(Clone, Copy)]
enum Open {
    /// `{`, `[` or `(` in code.
    Bracket,
    /// `${` inside a string: its `}` goes back into the string.
    Interpolation,
}

/// The offset of the first opening bracket (or `${`) at or after `from` that is nested
/// deeper than [`MAX_NESTING`], scanning from `from` as the start of an item. Strings,
/// escapes and comments are skipped as the grammar reads them; brackets that do not
/// match are left to the parser to report.
pub(super) fn too_deep(src: &str, from: usize) -> Option<usize> {
    let bytes = src.as_bytes();
    let mut open: Vec<Open> = Vec::new();
    let mut in_string = false;
    let mut at = from;
    while let Some(&byte) = bytes.get(at) {
        if in_string {
            match byte {
                b'\\' => at += 1,
                b'"' | b'\n' => in_string = false,
                b'$' if bytes.get(at + 1) == Some(&b'{') => {
                    if open.len() == MAX_NESTING {
                        return Some(at);
                    }
                    open.push(Open::Interpolation);
                    in_string = false;
                    at += 1;
                }
                _ => {}
            }
        } else {
            match byte {
                b'"' => in_string = true,
                b'#' => match src.get(at..).and_then(|rest| rest.find('\n')) {
                    Some(end) => at += end,
                    None => return None,
                },
                b'{' | b'[' | b'(' => {
                    if open.len() == MAX_NESTING {
                        return Some(at);
                    }
                    open.push(Open::Bracket);
                }
                b'}' | b']' | b')' => {
                    if let Some(Open::Interpolation) = open.pop() {
                        in_string = byte == b'}';
                    }
                }
                _ => {}
            }
        }
        at += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> String {
        format!(
            "vm a {{ tags = {}{} }}",
            "[".repeat(depth),
            "]".repeat(depth)
        )
    }

    #[test]
    fn the_limit_counts_the_declarations_own_braces() {
        assert_eq!(too_deep(&nested(MAX_NESTING - 1), 0), None);
        let text = nested(MAX_NESTING);
        assert_eq!(too_deep(&text, 0), Some(text.find('[').unwrap_or(0) + 127));
    }

    #[test]
    fn strings_comments_and_interpolations_are_read_as_the_grammar_reads_them() {
        let brackets = "[".repeat(200);
        assert_eq!(too_deep(&format!("vm a {{ x = \"{brackets}\" }}"), 0), None);
        assert_eq!(too_deep(&format!("vm a {{ # {brackets}\n}}"), 0), None);
        assert_eq!(
            too_deep(&format!("vm a {{ x = \"\\\"{brackets}\" }}"), 0),
            None
        );
        // Each `${` is a level; the string inside one ends, the outer one goes on.
        let text = format!("vm a {{ x = {} }}", "\"${".repeat(200));
        assert!(too_deep(&text, 0).is_some());
        let text = format!("vm a {{ x = \"${{ \"}}\" }}{brackets}\" }}");
        assert_eq!(too_deep(&text, 0), None);
    }
}
