//! Expansion: `for` generators are unrolled and declaration names evaluated, giving one
//! [`Instance`] per declaration that will exist. `use` lines are collected here too.

use super::errors;
use super::joined;
use crate::diag::Diagnostic;
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, DeclKind, ExprKind, Item, Name, RangeEnd, StrPart};
use std::borrow::Cow;
use std::sync::Arc;

/// More instances than this from generators is surely a mistake (and would exhaust
/// memory): the expansion stops with an error.
pub const MAX_INSTANCES: usize = 1_000_000;

/// The value of a loop variable.
#[derive(Clone, Debug, PartialEq)]
pub enum LoopValue<'a> {
    Int(u64),
    Str(String),
    /// A list element that names something (`for h in [pve1, pve2]`).
    Ref(&'a ast::Path),
}

/// Loop variables in scope, innermost last. Shared by every declaration and member
/// of one loop iteration. Declarations outside any loop (nearly all) hold none: their
/// copies then touch no shared count, which matters when threads evaluate them.
#[derive(Clone, Debug, Default)]
pub struct Env<'a>(Option<Arc<Vec<(String, LoopValue<'a>)>>>);

impl<'a> Env<'a> {
    /// This environment with one more variable, innermost.
    fn with(&self, name: String, value: LoopValue<'a>) -> Env<'a> {
        let mut vars = self.vars().to_vec();
        vars.push((name, value));
        Env(Some(Arc::new(vars)))
    }

    fn vars(&self) -> &[(String, LoopValue<'a>)] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }

    pub fn is_empty(&self) -> bool {
        self.vars().is_empty()
    }
}

/// One declaration as it will exist: a `vm` inside `for i in 1..=3` gives three.
#[derive(Clone, Debug)]
pub struct Instance<'a> {
    pub kind: DeclKind,
    pub name: String,
    pub name_span: Span,
    pub decl: &'a ast::Decl,
    pub env: Env<'a>,
    /// The stdlib module it comes from; `None` for the project's own.
    pub module: Option<&'static str>,
    pub file: FileId,
}

/// What is left of an [`Instance`] once it is evaluated: what the plan is built
/// from, without any part of the syntax tree.
#[derive(Clone, Debug)]
pub struct Declared {
    pub kind: DeclKind,
    pub name: String,
    pub name_span: Span,
    /// The stdlib module it comes from; `None` for the project's own.
    pub module: Option<&'static str>,
    pub file: FileId,
    /// Made by a `for` generator.
    pub generated: bool,
}

impl Declared {
    /// The name it is known by in the IR: `os.ubuntu_2404` for the stdlib's, its own
    /// name (borrowed: these are the many) for the project's.
    pub fn qualified(&self) -> Cow<'_, str> {
        match self.module {
            Some(m) => Cow::Owned(joined(m, '.', &self.name)),
            None => Cow::Borrowed(&self.name),
        }
    }
}

impl Instance<'_> {
    pub fn into_declared(self) -> Declared {
        Declared {
            generated: !self.env.is_empty(),
            kind: self.kind,
            name: self.name,
            name_span: self.name_span,
            module: self.module,
            file: self.file,
        }
    }
}

/// A `use std.<module>` line.
#[derive(Clone, Debug)]
pub struct UseLine {
    pub module: String,
    pub span: Span,
}

/// Unrolls every file. `modules` names the stdlib module of each file (`None` for the
/// project's files).
pub fn expand<'a>(
    files: &[(Option<&'static str>, &'a ast::File)],
    out: &mut Vec<Diagnostic>,
) -> (Vec<Instance<'a>>, Vec<UseLine>) {
    let mut expander = Expander {
        instances: Vec::new(),
        uses: Vec::new(),
        out,
        stopped: false,
    };
    for (module, file) in files {
        let env = Env::default();
        for item in &file.items {
            expander.item(item, &env, *module, file.file);
        }
    }
    (expander.instances, expander.uses)
}

struct Expander<'a, 'o> {
    instances: Vec<Instance<'a>>,
    uses: Vec<UseLine>,
    out: &'o mut Vec<Diagnostic>,
    /// Set once the instance limit is hit, so the error is reported once.
    stopped: bool,
}

impl<'a> Expander<'a, '_> {
    fn item(&mut self, item: &'a Item, env: &Env<'a>, module: Option<&'static str>, file: FileId) {
        match item {
            Item::Use(u) => {
                let segments: Vec<&str> = u.path.segments.iter().map(|s| s.name.as_str()).collect();
                match segments.as_slice() {
                    ["std", name] => self.uses.push(UseLine {
                        module: (*name).to_string(),
                        span: u.path.span,
                    }),
                    _ => self
                        .out
                        .push(errors::bad_use_path(u.path.span, &u.path.dotted())),
                }
            }
            Item::For(f) => self.for_item(f, env, module, file),
            Item::Decl(d) => {
                if self.instances.len() >= MAX_INSTANCES {
                    if !self.stopped {
                        self.stopped = true;
                        self.out
                            .push(errors::too_many_instances(d.span, MAX_INSTANCES));
                    }
                    return;
                }
                if let Some(name) = self.name(&d.name, env) {
                    self.instances.push(Instance {
                        kind: d.kind,
                        name,
                        name_span: d.name.span(),
                        decl: d,
                        env: env.clone(),
                        module,
                        file,
                    });
                }
            }
        }
    }

    fn for_item(
        &mut self,
        f: &'a ast::For,
        env: &Env<'a>,
        module: Option<&'static str>,
        file: FileId,
    ) {
        let Some(values) = self.loop_values(&f.iterable, env) else {
            return;
        };
        for value in values {
            if self.stopped {
                return;
            }
            let inner = env.with(f.var.name.to_string(), value);
            for item in &f.items {
                self.item(item, &inner, module, file);
            }
        }
    }

    /// The values a `for` iterates over: an integer range or a list.
    fn loop_values(
        &mut self,
        iterable: &'a ast::Expr,
        env: &Env<'a>,
    ) -> Option<Vec<LoopValue<'a>>> {
        match &iterable.kind {
            ExprKind::Range { start, end, bound } => {
                let (first, last) = match (self.loop_int(start, env), self.loop_int(end, env)) {
                    (Some(first), Some(last)) => (first, last),
                    _ => {
                        self.out.push(errors::bad_loop_iterable(iterable.span));
                        return None;
                    }
                };
                if last < first {
                    self.out.push(errors::reversed_loop_range(iterable.span));
                    return None;
                }
                let last = match bound {
                    RangeEnd::Inclusive => Some(last),
                    RangeEnd::HalfOpen => last.checked_sub(1),
                };
                let Some(last) = last.filter(|l| *l >= first) else {
                    return Some(Vec::new());
                };
                if last - first >= MAX_INSTANCES as u64 {
                    self.out
                        .push(errors::too_many_instances(iterable.span, MAX_INSTANCES));
                    self.stopped = true;
                    return None;
                }
                Some((first..=last).map(LoopValue::Int).collect())
            }
            ExprKind::List(items) => items
                .iter()
                .map(|item| match &item.kind {
                    ExprKind::Int(n) => Some(LoopValue::Int(*n)),
                    ExprKind::Str(s) => self.string(s, env).map(LoopValue::Str),
                    ExprKind::Ref(path) => Some(LoopValue::Ref(path)),
                    ExprKind::Invalid => None,
                    _ => {
                        self.out.push(errors::bad_loop_value(item.span));
                        None
                    }
                })
                .collect(),
            ExprKind::Invalid => None,
            _ => {
                self.out.push(errors::bad_loop_iterable(iterable.span));
                None
            }
        }
    }

    fn loop_int(&mut self, expr: &ast::Expr, env: &Env<'a>) -> Option<u64> {
        match &expr.kind {
            ExprKind::Int(n) => Some(*n),
            ExprKind::Ref(path) if path.segments.len() == 1 => {
                match lookup_env(env, &path.segments[0].name) {
                    Some(LoopValue::Int(n)) => Some(n),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn name(&mut self, name: &Name, env: &Env<'a>) -> Option<String> {
        match name {
            Name::Ident(i) => Some(i.name.to_string()),
            Name::Str(s) => self.string(s, env),
        }
    }

    /// A string that may interpolate loop variables (names are evaluated before
    /// anything else exists, so nothing else may be interpolated).
    fn string(&mut self, s: &ast::StrLit, env: &Env<'a>) -> Option<String> {
        let mut out = String::new();
        for part in &s.parts {
            match part {
                StrPart::Text(t) => out.push_str(t),
                StrPart::Interp(e) => match &e.kind {
                    ExprKind::Ref(p) if p.segments.len() == 1 => {
                        match lookup_env(env, &p.segments[0].name) {
                            Some(LoopValue::Int(n)) => out.push_str(&n.to_string()),
                            Some(LoopValue::Str(v)) => out.push_str(&v),
                            Some(LoopValue::Ref(r)) => out.push_str(&r.dotted()),
                            None => {
                                self.out
                                    .push(errors::name_interpolates_non_loop_value(e.span));
                                return None;
                            }
                        }
                    }
                    ExprKind::Int(n) => out.push_str(&n.to_string()),
                    _ => {
                        self.out
                            .push(errors::name_interpolates_non_loop_value(e.span));
                        return None;
                    }
                },
            }
        }
        Some(out)
    }
}

/// The innermost loop variable of that name.
pub fn lookup_env<'a>(env: &Env<'a>, name: &str) -> Option<LoopValue<'a>> {
    env.vars()
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
}
