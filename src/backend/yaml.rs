//! A small YAML document model and its printer, for the Ansible files. Output is in
//! block style with sequences indented under their key, as yamllint and ansible-lint
//! want it. Every string is double-quoted and escaped here, so no value can turn into
//! a boolean, a number or a YAML tag; text from a `.pxi` file is tagged `!unsafe`, so
//! Ansible never evaluates `{{ … }}` or `{% … %}` in it.

use std::fmt::Write;

/// A YAML value.
#[derive(Clone, Debug, PartialEq)]
pub enum Yaml {
    /// A string pxic wrote itself, or one without Jinja meaning (a path, a package).
    Str(String),
    /// Text that came from a `.pxi` file and must stay literal: `!unsafe "…"`.
    Unsafe(String),
    Int(i64),
    Bool(bool),
    List(Vec<Yaml>),
    /// Keys in the order given.
    Map(Vec<(String, Yaml)>),
}

impl Yaml {
    pub fn str(text: impl Into<String>) -> Yaml {
        Yaml::Str(text.into())
    }

    /// Text from the user: literal for Jinja when it holds a Jinja delimiter, plain
    /// otherwise (so the files stay easy to read).
    pub fn text(text: impl Into<String>) -> Yaml {
        let text = text.into();
        if text.contains("{{") || text.contains("{%") || text.contains("{#") {
            Yaml::Unsafe(text)
        } else {
            Yaml::Str(text)
        }
    }

    /// A list pxic writes itself, Jinja included (not `.pxi` text, which
    /// [`Yaml::strings`] keeps literal).
    pub fn own_list(items: &[&str]) -> Yaml {
        Yaml::List(items.iter().map(|s| Yaml::str(*s)).collect())
    }

    pub fn strings<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Yaml {
        Yaml::List(items.into_iter().map(|s| Yaml::text(s.as_ref())).collect())
    }

    fn is_scalar(&self) -> bool {
        match self {
            Yaml::List(items) => items.is_empty(),
            Yaml::Map(entries) => entries.is_empty(),
            _ => true,
        }
    }
}

/// Builds a mapping in order: `map().entry("name", …).entry(…)`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map(pub Vec<(String, Yaml)>);

pub fn map() -> Map {
    Map::default()
}

impl Map {
    pub fn entry(mut self, key: &str, value: Yaml) -> Map {
        self.0.push((key.to_string(), value));
        self
    }

    /// An entry only when there is a value.
    pub fn entry_some(self, key: &str, value: Option<Yaml>) -> Map {
        match value {
            Some(value) => self.entry(key, value),
            None => self,
        }
    }

    pub fn push(&mut self, key: &str, value: Yaml) {
        self.0.push((key.to_string(), value));
    }

    pub fn yaml(self) -> Yaml {
        Yaml::Map(self.0)
    }
}

impl From<Map> for Yaml {
    fn from(map: Map) -> Yaml {
        map.yaml()
    }
}

/// A whole YAML file: `---`, the header comment lines, then the document.
pub fn document(header: &[&str], value: &Yaml) -> String {
    let mut out = String::from("---\n");
    for line in header {
        let _ = writeln!(out, "# {}", super::comment_text(line));
    }
    match value {
        Yaml::Map(entries) if !entries.is_empty() => print_map(&mut out, entries, 0),
        Yaml::List(items) if !items.is_empty() => print_list(&mut out, items, 0),
        scalar => {
            print_scalar(&mut out, scalar);
            out.push('\n');
        }
    }
    out
}

fn print_map(out: &mut String, entries: &[(String, Yaml)], indent: usize) {
    for (key, value) in entries {
        pad(out, indent);
        out.push_str(&key_text(key));
        out.push(':');
        print_value_after(out, value, indent);
    }
}

fn print_list(out: &mut String, items: &[Yaml], indent: usize) {
    for item in items {
        pad(out, indent);
        out.push('-');
        match item {
            Yaml::Map(entries) if !entries.is_empty() => {
                // The first entry on the dash's line, the rest under it.
                out.push(' ');
                let (key, value) = &entries[0];
                out.push_str(&key_text(key));
                out.push(':');
                print_value_after(out, value, indent + 2);
                print_map(out, &entries[1..], indent + 2);
            }
            Yaml::List(inner) if !inner.is_empty() => {
                out.push('\n');
                print_list(out, inner, indent + 2);
            }
            scalar => {
                out.push(' ');
                print_scalar(out, scalar);
                out.push('\n');
            }
        }
    }
}

/// After `key:` at `indent`: a scalar on the same line, a collection below it.
fn print_value_after(out: &mut String, value: &Yaml, indent: usize) {
    if value.is_scalar() {
        out.push(' ');
        print_scalar(out, value);
        out.push('\n');
        return;
    }
    out.push('\n');
    match value {
        Yaml::Map(entries) => print_map(out, entries, indent + 2),
        Yaml::List(items) => print_list(out, items, indent + 2),
        _ => {}
    }
}

fn print_scalar(out: &mut String, value: &Yaml) {
    match value {
        Yaml::Str(s) => out.push_str(&quote(s)),
        Yaml::Unsafe(s) => {
            out.push_str("!unsafe ");
            out.push_str(&quote(s));
        }
        Yaml::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Yaml::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Yaml::List(_) => out.push_str("[]"),
        Yaml::Map(_) => out.push_str("{}"),
    }
}

fn pad(out: &mut String, indent: usize) {
    for _ in 0..indent {
        out.push(' ');
    }
}

/// A mapping key: bare when it is a plain word YAML reads as a string, else quoted.
fn key_text(key: &str) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
        && !is_special_word(key);
    if plain { key.to_string() } else { quote(key) }
}

/// Words YAML 1.1 (which Ansible's parser follows) reads as booleans or null.
fn is_special_word(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "y" | "n" | "yes" | "no" | "true" | "false" | "on" | "off" | "null"
    )
}

/// A double-quoted YAML scalar.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // Control characters, and the line and paragraph separators YAML treats
            // as line breaks.
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' || c == '\u{FEFF}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_quoted_and_escaped() {
        assert_eq!(quote("yes"), "\"yes\"");
        assert_eq!(quote("a \"b\" \\ c\nd"), "\"a \\\"b\\\" \\\\ c\\nd\"");
        assert_eq!(quote("bell\u{7}"), "\"bell\\u0007\"");
    }

    #[test]
    fn jinja_in_user_text_is_marked_unsafe() {
        assert_eq!(Yaml::text("{{ x }}"), Yaml::Unsafe("{{ x }}".into()));
        assert_eq!(Yaml::text("plain"), Yaml::Str("plain".into()));
    }

    #[test]
    fn documents_use_block_style_with_indented_sequences() {
        let doc = map()
            .entry("name", Yaml::str("Play"))
            .entry(
                "tasks",
                Yaml::List(vec![
                    map()
                        .entry("name", Yaml::str("Install"))
                        .entry(
                            "ansible.builtin.apt",
                            map().entry("name", Yaml::strings(["a", "b"])).yaml(),
                        )
                        .yaml(),
                ]),
            )
            .entry("vars", Yaml::Map(vec![]))
            .entry("yes", Yaml::Bool(true))
            .yaml();
        assert_eq!(
            document(&["generated"], &doc),
            "---\n# generated\nname: \"Play\"\ntasks:\n  - name: \"Install\"\n    ansible.builtin.apt:\n      name:\n        - \"a\"\n        - \"b\"\nvars: {}\n\"yes\": true\n"
        );
    }
}
