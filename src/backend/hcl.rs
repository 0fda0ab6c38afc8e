//! A small HCL document model and its printer, for Terraform and Packer files. The
//! printer lays out files the way `terraform fmt` and `packer fmt` do (two-space
//! indents, `=` aligned across a run of one-line attributes), so the generated files
//! are already canonical; every string is escaped here and nowhere else.

use std::fmt::Write;

/// An expression on the right of `=`.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A quoted string; escaped when printed.
    Str(String),
    Num(u64),
    Bool(bool),
    /// A reference or other expression written as is (`var.token`,
    /// `proxmox_virtual_environment_vm.web_01.vm_id`). Only built by [`Expr::reference`],
    /// [`Expr::var`], [`Expr::address`] and [`Expr::attribute`], never from user text
    /// but through [`ident`].
    Raw(String),
    /// A list on one line.
    List(Vec<Expr>),
    /// An object over several lines, its keys aligned.
    Object(Vec<(Key, Expr)>),
}

/// An object key: a bare identifier, or a quoted string for names that are not one.
#[derive(Clone, Debug, PartialEq)]
pub enum Key {
    Ident(String),
    Str(String),
}

impl Expr {
    pub fn str(text: impl Into<String>) -> Expr {
        Expr::Str(text.into())
    }

    /// `type.name.attribute`, from identifiers made by [`ident`].
    pub fn reference(kind: &str, name: &str, attribute: &str) -> Expr {
        Expr::Raw(format!("{kind}.{name}.{attribute}"))
    }

    pub fn var(name: &str) -> Expr {
        Expr::Raw(format!("var.{name}"))
    }

    /// A resource's address, `type.name`, the name made by [`ident`].
    pub fn address(kind: &str, name: &str) -> Expr {
        Expr::Raw(format!("{kind}.{}", ident(name)))
    }

    /// An attribute or block of the resource itself, as `lifecycle` names them
    /// (`clone`): a name of the provider's schema, never user text.
    pub fn attribute(name: &'static str) -> Expr {
        Expr::Raw(name.to_string())
    }

    pub fn strings<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Expr {
        Expr::List(items.into_iter().map(|s| Expr::str(s.as_ref())).collect())
    }

    fn is_multiline(&self) -> bool {
        match self {
            Expr::Object(fields) => !fields.is_empty(),
            Expr::List(items) => items.iter().any(Expr::is_multiline),
            _ => false,
        }
    }
}

/// One line-level item of a body.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Attr(String, Expr),
    Block(Block),
    /// A `#` comment line (the text without `# `).
    Comment(String),
    Blank,
    /// A top-level block already printed (see [`Body::resource`]).
    Printed(String),
}

/// `kind "label" "label" { body }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub kind: String,
    pub labels: Vec<String>,
    pub body: Body,
}

/// The items of a file or a block, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Body(pub Vec<Item>);

impl Body {
    pub fn new() -> Body {
        Body::default()
    }

    pub fn attr(&mut self, key: &str, value: Expr) -> &mut Body {
        self.0.push(Item::Attr(key.to_string(), value));
        self
    }

    /// An attribute only when there is a value.
    pub fn attr_some(&mut self, key: &str, value: Option<Expr>) -> &mut Body {
        if let Some(value) = value {
            self.attr(key, value);
        }
        self
    }

    pub fn block(&mut self, kind: &str, labels: &[&str], body: Body) -> &mut Body {
        self.0.push(Item::Block(Block {
            kind: kind.to_string(),
            labels: labels.iter().map(|l| l.to_string()).collect(),
            body,
        }));
        self
    }

    pub fn comment(&mut self, text: &str) -> &mut Body {
        for line in text.lines() {
            self.0.push(Item::Comment(line.to_string()));
        }
        self
    }

    /// A `resource "kind" "name"` block at the top level of a file, after a blank line
    /// when it is not the first thing in it, with an optional comment above it.
    pub fn resource(&mut self, comment: Option<&str>, kind: &str, name: &str, body: Body) {
        if !self.0.is_empty() {
            self.blank();
        }
        if let Some(comment) = comment {
            self.comment(comment);
        }
        // Printed now, its tree dropped: a file of 10,000 VMs keeps 15 MB of text
        // instead of ten times that in blocks waiting to be printed.
        let mut block = Body::new();
        block.block("resource", &[kind, name], body);
        let mut text = String::new();
        print_body(&mut text, &block, 0);
        self.0.push(Item::Printed(text));
    }

    /// A `moved` block after a blank line: the resource `kind.from` is now `kind.to`
    /// (`to` an identifier already, `from` a `.pxi` name made one by [`ident`]).
    pub fn moved(&mut self, comment: &str, kind: &str, from: &str, to: &str) {
        if !self.0.is_empty() {
            self.blank();
        }
        let mut body = Body::new();
        body.attr("from", Expr::address(kind, from))
            .attr("to", Expr::Raw(format!("{kind}.{to}")));
        self.comment(comment).block("moved", &[], body);
    }

    /// The items of `other` after this body's, a blank line between them as between
    /// the resources of one file.
    pub fn append(&mut self, mut other: Body) {
        if !self.0.is_empty() && !other.0.is_empty() {
            self.blank();
        }
        self.0.append(&mut other.0);
    }

    pub fn blank(&mut self) -> &mut Body {
        self.0.push(Item::Blank);
        self
    }
}

/// Prints a file's top-level body.
pub fn print(body: &Body) -> String {
    let mut out = String::new();
    print_into(&mut out, body);
    out
}

/// Prints a file's top-level body at the end of `out` (after a header, without
/// copying a large file's text once more).
pub fn print_into(out: &mut String, body: &Body) {
    // Room for the printed blocks and their comments, so that the text of a large
    // file is not copied as it grows (and does not end with twice the room it needs).
    let room: usize = body
        .0
        .iter()
        .map(|item| match item {
            Item::Printed(text) => text.len(),
            Item::Comment(text) => text.len() + 3,
            Item::Blank => 1,
            Item::Attr(..) | Item::Block(..) => 64,
        })
        .sum();
    out.reserve(room);
    print_body(out, body, 0);
}

fn print_body(out: &mut String, body: &Body, depth: usize) {
    let items = &body.0;
    let mut i = 0;
    while i < items.len() {
        match &items[i] {
            Item::Attr(..) => {
                // A run of one-line attributes is aligned on `=`; an attribute whose
                // value spans lines stands alone, as `terraform fmt` has it.
                let start = i;
                while let Some(Item::Attr(_, value)) = items.get(i) {
                    if value.is_multiline() && i > start {
                        break;
                    }
                    i += 1;
                    if value.is_multiline() {
                        break;
                    }
                }
                let width = items[start..i]
                    .iter()
                    .map(|item| match item {
                        Item::Attr(key, _) => key.len(),
                        _ => 0,
                    })
                    .max()
                    .unwrap_or(0);
                for item in &items[start..i] {
                    if let Item::Attr(key, value) = item {
                        indent(out, depth);
                        out.push_str(key);
                        pad(out, width - key.len());
                        out.push_str(" = ");
                        print_expr(out, value, depth);
                        out.push('\n');
                    }
                }
                continue;
            }
            Item::Block(block) => {
                indent(out, depth);
                out.push_str(&block.kind);
                for label in &block.labels {
                    out.push(' ');
                    quote_into(out, label);
                }
                if block.body.0.is_empty() {
                    out.push_str(" {}\n");
                } else {
                    out.push_str(" {\n");
                    print_body(out, &block.body, depth + 1);
                    indent(out, depth);
                    out.push_str("}\n");
                }
            }
            Item::Comment(text) => {
                indent(out, depth);
                if text.is_empty() {
                    out.push_str("#\n");
                } else {
                    let _ = writeln!(out, "# {}", super::comment_text(text));
                }
            }
            Item::Blank => out.push('\n'),
            Item::Printed(text) => out.push_str(text),
        }
        i += 1;
    }
}

fn print_expr(out: &mut String, expr: &Expr, depth: usize) {
    match expr {
        Expr::Str(s) => quote_into(out, s),
        Expr::Num(n) => {
            let _ = write!(out, "{n}");
        }
        Expr::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Expr::Raw(r) => out.push_str(r),
        // A list of objects: one a line, as `terraform fmt` leaves them.
        Expr::List(items) if expr.is_multiline() => {
            out.push_str("[\n");
            for item in items {
                indent(out, depth + 1);
                print_expr(out, item, depth + 1);
                out.push_str(",\n");
            }
            indent(out, depth);
            out.push(']');
        }
        Expr::List(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                print_expr(out, item, depth);
            }
            out.push(']');
        }
        Expr::Object(fields) if fields.is_empty() => out.push_str("{}"),
        Expr::Object(fields) => {
            out.push_str("{\n");
            let key_text = |key: &Key| match key {
                Key::Ident(k) => k.clone(),
                Key::Str(k) => quote(k),
            };
            // Same alignment rule as a body: a multi-line value stands alone.
            let mut i = 0;
            while i < fields.len() {
                let start = i;
                while let Some((_, value)) = fields.get(i) {
                    if value.is_multiline() && i > start {
                        break;
                    }
                    i += 1;
                    if value.is_multiline() {
                        break;
                    }
                }
                let run = &fields[start..i];
                let width = run
                    .iter()
                    .map(|(k, _)| key_text(k).chars().count())
                    .max()
                    .unwrap_or(0);
                for (key, value) in run {
                    let text = key_text(key);
                    indent(out, depth + 1);
                    out.push_str(&text);
                    for _ in text.chars().count()..width {
                        out.push(' ');
                    }
                    out.push_str(" = ");
                    print_expr(out, value, depth + 1);
                    out.push('\n');
                }
            }
            indent(out, depth);
            out.push('}');
        }
    }
}

/// `n` spaces (the alignment of `=`).
fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// A quoted HCL string literal. Besides `"` and `\`, template sequences are escaped
/// (`${` → `$${`, `%{` → `%%{`) so that text from a `.pxi` file is never evaluated.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    quote_into(&mut out, text);
    out
}

/// [`quote`], at the end of `out`.
fn quote_into(out: &mut String, text: &str) {
    // Most strings need no escape: copied whole.
    let plain = !text
        .bytes()
        .any(|b| matches!(b, b'"' | b'\\' | b'$' | b'%') || !(0x20..0x7f).contains(&b));
    if plain {
        out.push('"');
        out.push_str(text);
        out.push('"');
        return;
    }
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A Terraform identifier for a `.pxi` name: `web-01` → `web_01`, `os.debian_12` →
/// `os_debian_12`. Identifiers start with a letter or `_`; other characters become `_`.
pub fn ident(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

/// Gives each name of one resource type its own identifier: names that [`ident`] would
/// make alike get `_2`, `_3`, … in the order given (callers pass sorted names, so the
/// result is stable).
pub fn idents<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<(&'a str, String)> {
    let mut taken = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for name in names {
        let base = ident(name);
        let mut id = base.clone();
        let mut n = 2;
        while !taken.insert(id.clone()) {
            id = format!("{base}_{n}");
            n += 1;
        }
        out.push((name, id));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_for_hcl_and_its_templates() {
        assert_eq!(quote(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(quote("${var.x} %{ if }"), r#""$${var.x} %%{ if }""#);
        assert_eq!(quote("$ and % alone"), r#""$ and % alone""#);
        assert_eq!(quote("line\nnext\ttab"), r#""line\nnext\ttab""#);
        assert_eq!(quote("bell\u{7}"), r#""bell\u0007""#);
    }

    #[test]
    fn identifiers_are_valid_and_distinct() {
        assert_eq!(ident("web-01"), "web_01");
        assert_eq!(ident("os.debian_12"), "os_debian_12");
        assert_eq!(ident("1st"), "_1st");
        let ids = idents(["a-b", "a.b", "a_b"]);
        assert_eq!(
            ids.iter().map(|(_, id)| id.as_str()).collect::<Vec<_>>(),
            ["a_b", "a_b_2", "a_b_3"]
        );
    }

    #[test]
    fn attributes_align_until_a_block_blank_or_multiline_value() {
        let mut inner = Body::new();
        inner.attr("cores", Expr::Num(2));
        let mut body = Body::new();
        body.attr("name", Expr::str("web"))
            .attr("node_name", Expr::str("pve1"))
            .block("cpu", &[], inner)
            .attr("on_boot", Expr::Bool(true))
            .attr(
                "value",
                Expr::Object(vec![
                    (Key::Ident("a".into()), Expr::Num(1)),
                    (Key::Str("b-long".into()), Expr::Num(2)),
                ]),
            )
            .attr("x", Expr::Bool(false))
            .attr("yy", Expr::Bool(false));
        let mut file = Body::new();
        file.block("resource", &["t", "n"], body);
        assert_eq!(
            print(&file),
            "resource \"t\" \"n\" {\n  name      = \"web\"\n  node_name = \"pve1\"\n  cpu {\n    cores = 2\n  }\n  on_boot = true\n  value = {\n    a        = 1\n    \"b-long\" = 2\n  }\n  x  = false\n  yy = false\n}\n"
        );
    }
}
