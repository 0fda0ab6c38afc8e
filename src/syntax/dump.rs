//! Prints an AST as an indented outline without spans: what the parser understood,
//! in a form a reviewer can read in a snapshot.

use super::ast::*;
use std::fmt::Write;

/// The outline of a whole file, one node per line.
pub fn dump(file: &File) -> String {
    let mut out = String::new();
    for item in &file.items {
        item_lines(&mut out, item, 0);
    }
    for comment in &file.comments {
        let _ = writeln!(out, "comment {:?}", comment.text);
    }
    out
}

fn line(out: &mut String, depth: usize, text: &str) {
    let _ = writeln!(out, "{:width$}{text}", "", width = depth * 2);
}

fn item_lines(out: &mut String, item: &Item, depth: usize) {
    match item {
        Item::Use(u) => line(out, depth, &format!("use {}", u.path.dotted())),
        Item::For(f) => {
            line(
                out,
                depth,
                &format!("for {} in {}", f.var.name, expr(&f.iterable)),
            );
            for item in &f.items {
                item_lines(out, item, depth + 1);
            }
        }
        Item::Decl(d) => {
            let mut head = format!("{} {}", d.kind.keyword(), name(&d.name));
            if !d.parents.is_empty() {
                let parents: Vec<String> = d.parents.iter().map(Path::dotted).collect();
                head.push_str(&format!(" : {}", parents.join(", ")));
            }
            line(out, depth, &head);
            body_lines(out, &d.body, depth + 1);
        }
    }
}

fn body_lines(out: &mut String, body: &Body, depth: usize) {
    for member in &body.members {
        match member {
            Member::Attr(a) => {
                let key = match &a.key {
                    Key::Ident(i) => i.name.to_string(),
                    Key::Str(s) => string(s),
                };
                line(out, depth, &format!("{key} = {}", expr(&a.value)));
            }
            Member::Block(b) => {
                let label = b.label.as_ref().map(|l| format!(" {}", name(l)));
                line(
                    out,
                    depth,
                    &format!("block {}{}", b.kind.name, label.unwrap_or_default()),
                );
                body_lines(out, &b.body, depth + 1);
            }
        }
    }
}

fn name(name: &Name) -> String {
    match name {
        Name::Ident(i) => i.name.to_string(),
        Name::Str(s) => string(s),
    }
}

/// A value in a compact typed notation: `size(4 GiB)`, `ipv4(10.0.0.1)`, `ref(a.b)`.
pub fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Str(s) => string(s),
        ExprKind::Int(n) => format!("int({n})"),
        ExprKind::Bool(b) => format!("bool({b})"),
        ExprKind::Size { count, unit } => format!("size({count} {})", unit.symbol()),
        ExprKind::Ipv4(a) => format!("ipv4({a})"),
        ExprKind::Cidr { addr, prefix } => format!("cidr({addr}/{prefix})"),
        ExprKind::Range { start, end, bound } => {
            let op = match bound {
                RangeEnd::HalfOpen => "..",
                RangeEnd::Inclusive => "..=",
            };
            format!("range({} {op} {})", expr(start), expr(end))
        }
        ExprKind::List(items) => {
            let items: Vec<String> = items.iter().map(expr).collect();
            format!("[{}]", items.join(", "))
        }
        ExprKind::Ref(p) => format!("ref({})", p.dotted()),
        ExprKind::Call { func, args } => {
            let args: Vec<String> = args.iter().map(expr).collect();
            format!("call({}({}))", func.dotted(), args.join(", "))
        }
        ExprKind::Auto => "auto".to_string(),
        ExprKind::Invalid => "<invalid>".to_string(),
    }
}

/// A string with its parts: `str("web-" ${ref(i)})`.
fn string(s: &StrLit) -> String {
    let parts: Vec<String> = s
        .parts
        .iter()
        .map(|p| match p {
            StrPart::Text(t) => format!("{t:?}"),
            StrPart::Interp(e) => format!("${{{}}}", expr(e)),
        })
        .collect();
    format!("str({})", parts.join(" "))
}
