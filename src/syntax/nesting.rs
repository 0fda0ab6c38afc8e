//! The nesting limit: lists, blocks, calls and `${…}` interpolations nested more than
//! [`MAX_NESTING`] deep are found by a flat scan of the text, before any parser
//! (pest, the fast path) or any later phase recurses over them. Every recursive
//! function over the syntax tree (lowering, evaluation, the outline, dropping the
//! tree) is then bounded too.

/// How deeply lists, blocks, calls and interpolations may nest.
pub const MAX_NESTING: usize = 128;

/// Bytes the scan must look at in code: strings, comments and brackets.
const IN_CODE: [bool; 256] = table(b"\"#{[(}])");
/// Bytes the scan must look at inside a string: escapes, its end, `${`.
const IN_STRING: [bool; 256] = table(b"\\\"\n$");

const fn table(bytes: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
}

/// The offset of the first opening bracket (or `${`) at or after `from` that is nested
/// deeper than [`MAX_NESTING`], scanning from `from` as the start of an item. Strings,
/// escapes and comments are skipped as the grammar reads them; brackets that do not
/// match are left to the parser to report.
///
/// Every file is scanned before it is parsed, so the scan skips the bytes it need not
/// look at through a table, and keeps what each open bracket returns to when it
/// closes (code, or the string around a `${`) as one bit per level.
pub(super) fn too_deep(src: &str, from: usize) -> Option<usize> {
    const _: () = assert!(MAX_NESTING <= u128::BITS as usize);
    let bytes = src.as_bytes();
    let mut depth = 0usize;
    // Bit `n` set: the bracket open at depth `n` is a `${`, whose `}` goes back into
    // its string.
    let mut interpolations = 0u128;
    let mut in_string = false;
    let mut at = from;
    loop {
        let interesting = if in_string { &IN_STRING } else { &IN_CODE };
        while bytes.get(at).is_some_and(|&b| !interesting[usize::from(b)]) {
            at += 1;
        }
        let &byte = bytes.get(at)?;
        if in_string {
            match byte {
                b'\\' => at += 1,
                b'"' | b'\n' => in_string = false,
                b'$' if bytes.get(at + 1) == Some(&b'{') => {
                    if depth == MAX_NESTING {
                        return Some(at);
                    }
                    interpolations |= 1 << depth;
                    depth += 1;
                    in_string = false;
                    at += 1;
                }
                _ => {}
            }
        } else {
            match byte {
                b'"' => in_string = true,
                b'#' => at += src.get(at..).and_then(|rest| rest.find('\n'))?,
                b'{' | b'[' | b'(' => {
                    if depth == MAX_NESTING {
                        return Some(at);
                    }
                    interpolations &= !(1 << depth);
                    depth += 1;
                }
                _ => {
                    // A closing bracket; one that matches nothing is the parser's to
                    // report.
                    if depth > 0 {
                        depth -= 1;
                        in_string = byte == b'}' && interpolations & (1 << depth) != 0;
                    }
                }
            }
        }
        at += 1;
    }
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
