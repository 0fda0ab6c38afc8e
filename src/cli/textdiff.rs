//! Unified diffs of generated files, for `pxic build --check` and `pxic diff`.

use crate::diag::escape;
use similar::TextDiff;
use std::borrow::Cow;
use std::io::IsTerminal;

/// Whether diffs on stdout are coloured: on a terminal, unless `NO_COLOR` is set.
pub fn color_stdout() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && std::io::stdout().is_terminal()
}

/// The unified diff from `old` to `new` of the file at `path` (`None`: no such file),
/// with three lines of context; empty when they are equal.
pub fn unified(
    path: &str,
    old: Option<&str>,
    new: Option<&str>,
    (old_label, new_label): (&str, &str),
    color: bool,
) -> String {
    let (before, after) = (old.unwrap_or(""), new.unwrap_or(""));
    if old == new {
        return String::new();
    }
    let from = match old {
        Some(_) => format!("{path} ({old_label})"),
        None => "/dev/null".to_string(),
    };
    let to = match new {
        Some(_) => format!("{path} ({new_label})"),
        None => "/dev/null".to_string(),
    };
    let diff = TextDiff::from_lines(before, after);
    let mut text = diff
        .unified_diff()
        .context_radius(3)
        .header(&from, &to)
        .to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    // Generated files hold text from `.pxi` files: nothing in it may drive the terminal.
    if let Cow::Owned(escaped) = escape::lines(&text) {
        text = escaped;
    }
    if color { paint(&text) } else { text }
}

/// ANSI colours: removed lines red, added green, hunk headers cyan, file headers bold.
fn paint(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let code = if line.starts_with("+++") || line.starts_with("---") {
            "1"
        } else if line.starts_with('+') {
            "32"
        } else if line.starts_with('-') {
            "31"
        } else if line.starts_with("@@") {
            "36"
        } else {
            ""
        };
        if code.is_empty() {
            out.push_str(line);
        } else {
            let body = line.trim_end_matches('\n');
            out.push_str(&format!("\x1b[{code}m{body}\x1b[0m"));
            if line.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn diffs_name_the_file_and_show_what_changed() {
        let text = unified(
            "a.tf",
            Some("x\ny\n"),
            Some("x\nz\n"),
            ("on disk", "generated"),
            false,
        );
        assert!(
            text.starts_with("--- a.tf (on disk)\n+++ a.tf (generated)\n"),
            "{text}"
        );
        assert!(text.contains("-y\n+z\n"), "{text}");
        let added = unified("b.tf", None, Some("n\n"), ("on disk", "generated"), false);
        assert!(
            added.starts_with("--- /dev/null\n+++ b.tf (generated)\n"),
            "{added}"
        );
        assert_eq!(unified("c", Some("s"), Some("s"), ("a", "b"), false), "");
    }

    #[test]
    fn control_characters_in_a_diff_are_escaped() {
        let text = unified(
            "a\u{1b}]0;t\u{7}.tf",
            Some("x\n"),
            Some("name = \"\u{1b}[2J\u{202E}\r\"\n"),
            ("on disk", "generated"),
            true,
        );
        assert!(text.contains("\\u{1b}[2J\\u{202e}\\r"), "{text}");
        assert!(text.contains("a\\u{1b}]0;t\\u{7}.tf"), "{text}");
        // Only the colours' own escapes remain.
        let rest = text.replace("\u{1b}[1m", "").replace("\u{1b}[31m", "");
        let rest = rest.replace("\u{1b}[32m", "").replace("\u{1b}[36m", "");
        let rest = rest.replace("\u{1b}[0m", "");
        assert!(
            !rest.contains(['\u{1b}', '\u{7}', '\r', '\u{202E}']),
            "{rest:?}"
        );
    }
}
