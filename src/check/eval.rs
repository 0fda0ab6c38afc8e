//! Evaluation: a declaration's body (with what it inherits from profiles) becomes a
//! [`Record`] of typed values, checked against the schema, with defaults applied.

use super::World;
use super::errors;
use super::expand::{Env, Instance, LoopValue};
use super::schema::{self, Default, LabelRule, Ty};
use super::scope::{Found, Id, Scope};
use crate::diag::Diagnostic;
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::ast::{self, DeclKind, ExprKind, Key, Member, Name, StrPart};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;
use std::rc::Rc;

/// A value of one of the schema's types.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Str(String),
    Int(u64),
    Bool(bool),
    /// Bytes.
    Size(u64),
    Ipv4(Ipv4Addr),
    Cidr(Ipv4Addr, u8),
    IntRange(u64, u64),
    AddrRange(Ipv4Addr, Ipv4Addr),
    Word(String),
    Ref(Id),
    Storage(String),
    Secret(String),
    List(Vec<Spanned>),
    Auto,
}

/// A value and where it was written (or, for a default, the declaration's name).
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned {
    pub value: Value,
    pub span: Span,
}

/// Where a piece of source is evaluated: its loop variables, module and file.
#[derive(Clone, Debug)]
pub struct Ctx<'a> {
    pub env: Env<'a>,
    pub module: Option<&'static str>,
    pub file: FileId,
}

/// The evaluated body of a declaration or block.
#[derive(Clone, Debug, Default)]
pub struct Record {
    pub fields: FieldList,
    pub blocks: Vec<BlockRecord>,
    /// The attributes of a free-form block (`vars`).
    pub free: BTreeMap<String, Spanned>,
    /// Attributes written with a wrong value (reported): they are not also reported
    /// as missing. See [`Record::written`].
    pub rejected: NameList,
    /// A profile it inherits from could not be found: what it would have supplied is
    /// missing, so checks of missing or related values would only mislead.
    pub incomplete: bool,
    /// The schema it was checked against, whose defaults stand in for what was not
    /// written (they are not copied into every record).
    pub schema: Option<&'static schema::Block>,
}

/// A record's fields by name. Records have a few fields each, and there are many
/// records: a list searched in order is faster and smaller than a tree.
#[derive(Clone, Debug, Default)]
pub struct FieldList(Vec<(&'static str, Spanned)>);

impl FieldList {
    pub fn get(&self, name: &str) -> Option<&Spanned> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Sets a field; a later value replaces an earlier one.
    pub fn insert(&mut self, name: &'static str, value: Spanned) {
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name, value)),
        }
    }

    pub fn remove(&mut self, name: &str) {
        self.0.retain(|(n, _)| *n != name);
    }

    pub fn values(&self) -> impl Iterator<Item = &Spanned> {
        self.0.iter().map(|(_, v)| v)
    }
}

/// A set of attribute names, kept as a list for the same reason as [`FieldList`].
#[derive(Clone, Debug, Default)]
pub struct NameList(Vec<&'static str>);

impl NameList {
    pub fn insert(&mut self, name: &'static str) {
        if !self.contains(name) {
            self.0.push(name);
        }
    }

    pub fn contains(&self, name: &str) -> bool {
        self.0.contains(&name)
    }
}

impl Record {
    /// The strings of a list attribute with where each was written, for checks that
    /// point at one item (nothing when the attribute is absent or not a list).
    pub fn strings_at<'r>(&'r self, name: &str) -> impl Iterator<Item = (&'r str, Span)> {
        let items = match self.fields.get(name).map(|f| &f.value) {
            Some(Value::List(items)) => items.as_slice(),
            _ => &[],
        };
        items.iter().filter_map(|item| match &item.value {
            Value::Str(text) => Some((text.as_str(), item.span)),
            _ => None,
        })
    }

    /// A record of `schema` with nothing written yet, with room for what `parents` and
    /// `members` may put in it: a project has many records, and lists grown one push
    /// at a time would leave much of each unused.
    fn empty(
        schema: &'static schema::Block,
        parents: &[Rc<Resolved>],
        members: &[Member],
    ) -> Record {
        let attrs = members
            .iter()
            .filter(|m| matches!(m, Member::Attr(_)))
            .count();
        let inherited =
            |count: fn(&Record) -> usize| parents.iter().map(|p| count(&p.record)).sum::<usize>();
        Record {
            schema: Some(schema),
            fields: FieldList(Vec::with_capacity(attrs + inherited(|r| r.fields.0.len()))),
            blocks: Vec::with_capacity(members.len() - attrs + inherited(|r| r.blocks.len())),
            ..Record::default()
        }
    }

    /// Applies what a profile's record holds on top of this one, as evaluating its
    /// members here would: its fields replace these, its rejected attributes remove
    /// them, its blocks replace those of the same kind and label.
    fn inherit(&mut self, from: &Record) {
        for name in &from.rejected.0 {
            if !from.fields.contains_key(name) {
                self.fields.remove(name);
            }
            self.rejected.insert(name);
        }
        for (name, value) in &from.fields.0 {
            self.fields.insert(name, value.clone());
        }
        for block in &from.blocks {
            let repeat = from
                .schema
                .and_then(|s| s.nested(block.kind))
                .is_some_and(|n| n.repeat);
            self.place_block(block.clone(), repeat);
        }
        for (key, value) in &from.free {
            self.free.insert(key.clone(), value.clone());
        }
    }

    /// Adds a block; an inherited block of the same kind and label (or of a kind that
    /// may appear once) is replaced by the later one.
    fn place_block(&mut self, new: BlockRecord, repeat: bool) {
        let replaces = |b: &BlockRecord| {
            b.kind == new.kind
                && (!repeat
                    || b.label.as_ref().map(|(l, _)| l) == new.label.as_ref().map(|(l, _)| l))
        };
        match self.blocks.iter().position(replaces) {
            Some(at) => self.blocks[at] = new,
            None => self.blocks.push(new),
        }
    }

    /// Whether an attribute was written (inherited included), even with a wrong value.
    pub fn written(&self, name: &str) -> bool {
        self.fields.contains_key(name) || self.rejected.contains(name)
    }

    /// A text field's value, or its default when it was not written (without the copy
    /// [`Record::value`] makes of a default).
    pub fn text(&self, name: &str) -> Option<&str> {
        match self.fields.get(name).map(|f| &f.value) {
            Some(Value::Str(s)) => Some(s),
            Some(_) => None,
            None => match self.schema?.attr(name)?.default {
                Default::Str(s) => Some(s),
                _ => None,
            },
        }
    }

    /// A field's value, or its default when it was not written.
    pub fn value(&self, name: &str) -> Option<std::borrow::Cow<'_, Value>> {
        if let Some(field) = self.fields.get(name) {
            return Some(std::borrow::Cow::Borrowed(&field.value));
        }
        let value = match self.schema?.attr(name)?.default {
            Default::Required | Default::Optional => return None,
            Default::Int(n) => Value::Int(n),
            Default::Bool(b) => Value::Bool(b),
            Default::Size(n) => Value::Size(n),
            Default::Str(s) => Value::Str(s.to_string()),
            Default::Word(w) => Value::Word(w.to_string()),
            Default::EmptyList => Value::List(Vec::new()),
            Default::Auto => Value::Auto,
        };
        Some(std::borrow::Cow::Owned(value))
    }
}

/// An evaluated nested block.
#[derive(Clone, Debug)]
pub struct BlockRecord {
    pub kind: &'static str,
    pub label: Option<(String, Span)>,
    pub record: Record,
}

/// The longest chain of profiles a declaration may inherit through, itself included.
pub const MAX_PROFILE_DEPTH: usize = 64;

/// A profile evaluated against one schema, with what its profiles gave.
#[derive(Debug)]
struct Resolved {
    record: Record,
    /// Resolving its profiles reported something (or met a profile already reported).
    unresolved: bool,
    /// A cycle was met: what it gave depends on where the walk started.
    cyclic: bool,
    /// What evaluating it reported, each once.
    diagnostics: Vec<Diagnostic>,
}

/// A memo key: a profile and the schema (by address) it was evaluated against.
type ResolvedKey = (Id, usize);

/// What [`Evaluator`] remembers of the profiles it has resolved.
#[derive(Debug, Default)]
pub struct Inherited {
    /// Profiles resolved without meeting a cycle.
    done: HashMap<ResolvedKey, Rc<Resolved>>,
    /// Profiles resolved through a cycle, during the current declaration only.
    this_walk: HashMap<ResolvedKey, Rc<Resolved>>,
    /// Each profile's chain length, see [`Evaluator::height`].
    heights: HashMap<Id, usize>,
}

/// Evaluates declarations; holds what every evaluation needs.
pub struct Evaluator<'a, 'c> {
    pub instances: &'c [Instance<'a>],
    pub scope: &'c Scope,
    pub sources: &'c SourceMap,
    pub world: &'c dyn World,
    pub out: &'c mut Vec<Diagnostic>,
    /// What [`Evaluator::check_duplicates`] has seen in the bodies it is inside.
    pub seen: Seen<'a>,
    /// The profiles resolved so far.
    pub inherited: Inherited,
}

/// A nested block's kind and (for repeatable blocks) label: two alike are one too many.
type BlockKey<'a> = (&'static str, Option<Cow<'a, str>>);

/// The attribute and block names met so far in each body being checked for
/// duplicates, innermost last. Kept from body to body: a list per body would be made
/// and freed for every block of every declaration.
#[derive(Default)]
pub struct Seen<'a> {
    attrs: Vec<(Cow<'a, str>, Span)>,
    blocks: Vec<(BlockKey<'a>, Span)>,
}

/// A member of a body with the context it is evaluated in (its own declaration's,
/// or the profile's it was inherited from).
type Placed<'a> = (&'a Member, Ctx<'a>);

impl<'a> Evaluator<'a, '_> {
    fn ctx_of(&self, id: Id) -> Ctx<'a> {
        let i = &self.instances[id];
        Ctx {
            env: i.env.clone(),
            module: i.module,
            file: i.file,
        }
    }

    /// The record of a declaration, with inherited attributes, defaults and the
    /// required-attribute check.
    pub fn record_of(&mut self, id: Id) -> Record {
        let instance = &self.instances[id];
        let kind = instance.kind;
        let schema = schema::of(kind);
        let (mut record, unresolved, _) = self.resolve(id, schema, &mut Vec::new());
        // What a cycle made depends on where the walk started: kept for this walk only.
        self.inherited.this_walk.clear();
        record.incomplete = unresolved;
        self.check_duplicates(&instance.decl.body, schema);
        let required_checked = kind != DeclKind::Profile && !unresolved;
        self.apply_defaults(&mut record, schema, instance.name_span, required_checked);
        record
    }

    /// A declaration's body evaluated against `schema` on top of what its profiles
    /// give (left to right, each with its own profiles first), whether resolving its
    /// profiles reported anything (or met one already reported), and whether a cycle
    /// was met on the way. Each profile is evaluated once per schema and its record
    /// reused: re-evaluating shared parents grows exponentially with diamonds.
    fn resolve(
        &mut self,
        id: Id,
        schema: &'static schema::Block,
        visiting: &mut Vec<Id>,
    ) -> (Record, bool, bool) {
        let instance = &self.instances[id];
        let decl: &'a ast::Decl = instance.decl;
        let ctx = self.ctx_of(id);
        let mut parents: Vec<Rc<Resolved>> = Vec::with_capacity(decl.parents.len());
        let (mut unresolved, mut cyclic) = (false, false);
        if !decl.parents.is_empty()
            && !matches!(
                instance.kind,
                DeclKind::Vm | DeclKind::Container | DeclKind::Profile
            )
        {
            self.out.push(errors::cannot_inherit(
                decl.parents[0].span,
                instance.kind.keyword(),
            ));
            unresolved = true;
        }
        visiting.push(id);
        for parent in &decl.parents {
            match self.profile_named(parent, &ctx) {
                Ok(pid) => {
                    if visiting.contains(&pid) {
                        cyclic = true;
                        // Every profile of the cycle finds it; the one declared first
                        // reports it.
                        let members: Vec<Id> =
                            visiting.iter().copied().skip_while(|v| *v != pid).collect();
                        if members.iter().min() != visiting.first() {
                            continue;
                        }
                        let cycle: Vec<String> = visiting
                            .iter()
                            .skip_while(|v| **v != pid)
                            .map(|v| self.instances[*v].name.clone())
                            .chain(std::iter::once(self.instances[pid].name.clone()))
                            .collect();
                        self.out.push(errors::profile_cycle(parent.span, &cycle));
                        unresolved = true;
                        continue;
                    }
                    // The depth is the parent's own, so the declaration that crosses
                    // the limit is the one reported, wherever the walk started; and
                    // the walk below never goes deeper than the limit.
                    match self.height(pid) {
                        h if h < MAX_PROFILE_DEPTH => {}
                        MAX_PROFILE_DEPTH => {
                            self.out.push(errors::profiles_too_deep(
                                parent.span,
                                &instance.name,
                                MAX_PROFILE_DEPTH,
                            ));
                            unresolved = true;
                            continue;
                        }
                        // Reported at the profile that crossed the limit.
                        _ => {
                            unresolved = true;
                            continue;
                        }
                    }
                    let from = self.inherit(pid, schema, visiting);
                    unresolved |= from.unresolved;
                    cyclic |= from.cyclic;
                    parents.push(from);
                }
                Err(d) => {
                    self.out.push(d);
                    unresolved = true;
                }
            }
        }
        visiting.pop();
        let mut record = Record::empty(schema, &parents, &decl.body.members);
        for from in &parents {
            record.inherit(&from.record);
        }
        for member in &decl.body.members {
            match member {
                Member::Attr(attr) => self.attribute(attr, &ctx, schema, &mut record),
                Member::Block(block) => self.block(block, &ctx, schema, &mut record),
            }
        }
        (record, unresolved, cyclic)
    }

    /// A profile resolved against `schema`, from the memo or evaluated now; what
    /// evaluating it reported is reported again at each use, as it was when every
    /// use evaluated it.
    fn inherit(
        &mut self,
        pid: Id,
        schema: &'static schema::Block,
        visiting: &mut Vec<Id>,
    ) -> Rc<Resolved> {
        let key = (pid, std::ptr::from_ref(schema) as usize);
        let known = self
            .inherited
            .done
            .get(&key)
            .or_else(|| self.inherited.this_walk.get(&key))
            .cloned();
        if let Some(known) = known {
            self.out.extend(known.diagnostics.iter().cloned());
            return known;
        }
        let before = self.out.len();
        let (record, unresolved, cyclic) = self.resolve(pid, schema, visiting);
        let mut diagnostics: Vec<Diagnostic> = Vec::new();
        for d in &self.out[before..] {
            if !diagnostics.contains(d) {
                diagnostics.push(d.clone());
            }
        }
        let resolved = Rc::new(Resolved {
            record,
            unresolved,
            cyclic,
            diagnostics,
        });
        let memo = if cyclic {
            &mut self.inherited.this_walk
        } else {
            &mut self.inherited.done
        };
        memo.insert(key, Rc::clone(&resolved));
        resolved
    }

    /// The length of the longest chain of profiles from `id` up (1 for a profile
    /// without parents), at most `MAX_PROFILE_DEPTH + 1`. Walked with a stack of its
    /// own: a chain may be far longer than the thread's stack allows.
    fn height(&mut self, id: Id) -> usize {
        if let Some(&h) = self.inherited.heights.get(&id) {
            return h;
        }
        // A profile being measured counts for nothing: a cycle is reported elsewhere.
        self.inherited.heights.insert(id, 0);
        let mut stack = vec![(id, self.profile_parents(id), 0)];
        while let Some((top, parents, next)) = stack.last_mut() {
            if let Some(&pid) = parents.get(*next) {
                *next += 1;
                if self.inherited.heights.contains_key(&pid) {
                    continue;
                }
                self.inherited.heights.insert(pid, 0);
                let grand = self.profile_parents(pid);
                stack.push((pid, grand, 0));
                continue;
            }
            let tallest = parents
                .iter()
                .filter_map(|p| self.inherited.heights.get(p))
                .max()
                .copied()
                .unwrap_or(0);
            let top = *top;
            self.inherited
                .heights
                .insert(top, (tallest + 1).min(MAX_PROFILE_DEPTH + 1));
            stack.pop();
        }
        self.inherited.heights.get(&id).copied().unwrap_or(0)
    }

    /// The profiles a declaration names after `:` that exist (the others are
    /// reported when it is resolved).
    fn profile_parents(&self, id: Id) -> Vec<Id> {
        let ctx = self.ctx_of(id);
        self.instances[id]
            .decl
            .parents
            .iter()
            .filter_map(|parent| self.profile_named(parent, &ctx).ok())
            .collect()
    }

    /// The profile a name after `:` refers to, or why it names none.
    fn profile_named(&self, parent: &ast::Path, ctx: &Ctx<'a>) -> Result<Id, Diagnostic> {
        match self.scope.lookup(
            parent,
            &ctx.env,
            ctx.module,
            Some(DeclKind::Profile),
            self.instances,
        )? {
            Found::Decl(pid) if self.instances[pid].kind == DeclKind::Profile => Ok(pid),
            Found::Decl(pid) => Err(errors::wrong_kind(
                parent.span,
                &self.instances[pid],
                DeclKind::Profile,
            )),
            Found::Loop(_) => Err(errors::wrong_kind_loop(parent.span, DeclKind::Profile)),
        }
    }

    /// Evaluates a nested block's members against its schema. Later members override
    /// earlier ones of the same name. (Twice in one body is reported by
    /// [`Evaluator::check_duplicates`].)
    fn body(&mut self, members: &[Placed<'a>], schema: &'static schema::Block) -> Record {
        // Sized for the members up front: a project has many records, and lists grown
        // one push at a time would leave much of each unused.
        let attrs = members
            .iter()
            .filter(|(m, _)| matches!(m, Member::Attr(_)))
            .count();
        let mut record = Record {
            schema: Some(schema),
            fields: FieldList(Vec::with_capacity(attrs)),
            blocks: Vec::with_capacity(members.len() - attrs),
            ..Record::default()
        };
        for (member, ctx) in members {
            match member {
                Member::Attr(attr) => self.attribute(attr, ctx, schema, &mut record),
                Member::Block(block) => self.block(block, ctx, schema, &mut record),
            }
        }
        record
    }

    fn attribute(
        &mut self,
        attr: &'a ast::Attr,
        ctx: &Ctx<'a>,
        schema: &'static schema::Block,
        record: &mut Record,
    ) {
        let (key, key_span) = match &attr.key {
            Key::Ident(i) => (Cow::Borrowed(i.name.as_str()), i.span),
            Key::Str(s) => (Cow::Owned(s.as_plain().unwrap_or_default()), s.span),
        };
        if schema.free_form {
            if let Some(value) = self.scalar(&attr.value, ctx) {
                record.free.insert(key.into_owned(), value);
            }
            return;
        }
        let Some(spec) = schema.attr(&key) else {
            if schema.nested(&key).is_some() {
                self.out
                    .push(errors::block_written_as_attribute(key_span, &key));
            } else {
                self.out
                    .push(errors::unknown_attribute(key_span, &key, schema.names()));
            }
            return;
        };
        match self.value(&attr.value, spec.ty, ctx) {
            Some(value) => {
                record.fields.insert(spec.name, value);
            }
            // A later (overriding) value that is wrong must not leave an inherited one.
            None => {
                record.fields.remove(spec.name);
                record.rejected.insert(spec.name);
            }
        }
    }

    fn block(
        &mut self,
        block: &'a ast::Block,
        ctx: &Ctx<'a>,
        schema: &'static schema::Block,
        record: &mut Record,
    ) {
        let Some(nested) = schema.nested(&block.kind.name) else {
            // An attribute takes no label: `disk data { … }` in a container is a block
            // it does not have, not its `disk = …` written as a block.
            if schema.attr(&block.kind.name).is_some() && block.label.is_none() {
                self.out.push(errors::attribute_written_as_block(
                    block.kind.span,
                    &block.kind.name,
                ));
            } else {
                self.out.push(errors::unknown_block(
                    block.kind.span,
                    &block.kind.name,
                    schema.blocks.iter().map(|b| b.kind),
                ));
            }
            return;
        };
        let label = match (&block.label, nested.label) {
            (Some(name), LabelRule::Required(_)) => match self.label(name, ctx) {
                Some(l) => Some(l),
                None => return,
            },
            (None, LabelRule::Required(what)) => {
                self.out
                    .push(errors::missing_label(block.kind.span, nested.kind, what));
                return;
            }
            (Some(name), LabelRule::None) => {
                self.out
                    .push(errors::unexpected_label(name.span(), nested.kind));
                return;
            }
            (None, LabelRule::None) => None,
        };
        let inner_members: Vec<Placed<'a>> = block
            .body
            .members
            .iter()
            .map(|m| (m, ctx.clone()))
            .collect();
        let mut inner = self.body(&inner_members, nested.schema);
        self.apply_defaults(&mut inner, nested.schema, block.kind.span, true);
        record.place_block(
            BlockRecord {
                kind: nested.kind,
                label,
                record: inner,
            },
            nested.repeat,
        );
    }

    /// Reports attributes and blocks written twice in one body, in a declaration and
    /// every block inside it.
    pub fn check_duplicates(&mut self, body: &'a ast::Body, schema: &'static schema::Block) {
        // This body's names are those from here on; bodies are short, so they are
        // searched in order.
        let (attrs_from, blocks_from) = (self.seen.attrs.len(), self.seen.blocks.len());
        for member in &body.members {
            match member {
                Member::Attr(attr) => {
                    let (key, span) = match &attr.key {
                        Key::Ident(i) => (Cow::Borrowed(i.name.as_str()), i.span),
                        Key::Str(s) => (Cow::Owned(s.as_plain().unwrap_or_default()), s.span),
                    };
                    let first = self.seen.attrs[attrs_from..]
                        .iter()
                        .find(|(k, _)| *k == key)
                        .map(|(_, first)| *first);
                    match first {
                        Some(first) => self
                            .out
                            .push(errors::duplicate_attribute(span, first, &key)),
                        None => self.seen.attrs.push((key, span)),
                    }
                }
                Member::Block(block) => {
                    let Some(nested) = schema.nested(&block.kind.name) else {
                        continue;
                    };
                    let label = match &block.label {
                        Some(Name::Ident(i)) if nested.repeat => {
                            Some(Cow::Borrowed(i.name.as_str()))
                        }
                        Some(Name::Str(s)) if nested.repeat => match s.as_plain() {
                            Some(plain) => Some(Cow::Owned(plain)),
                            // Interpolated: only known per instance; not compared here.
                            None => {
                                self.check_duplicates(&block.body, nested.schema);
                                continue;
                            }
                        },
                        _ => None,
                    };
                    let key = (nested.kind, label);
                    let first = self.seen.blocks[blocks_from..]
                        .iter()
                        .find(|(k, _)| *k == key)
                        .map(|(_, first)| *first);
                    match first {
                        Some(first) => self.out.push(errors::duplicate_block(
                            block.kind.span,
                            first,
                            nested.kind,
                        )),
                        None => self.seen.blocks.push((key, block.kind.span)),
                    }
                    self.check_duplicates(&block.body, nested.schema);
                }
            }
        }
        self.seen.attrs.truncate(attrs_from);
        self.seen.blocks.truncate(blocks_from);
    }

    /// Fills defaults and reports missing required attributes.
    /// Reports the required attributes that were not written. (Defaults are read
    /// through [`Record::value`], not copied in.)
    fn apply_defaults(
        &mut self,
        record: &mut Record,
        schema: &'static schema::Block,
        at: Span,
        check_required: bool,
    ) {
        if !check_required {
            return;
        }
        for spec in schema.attrs {
            // Most attributes are optional: what was written is looked up only for
            // the required ones.
            if spec.default == Default::Required && !record.written(spec.name) {
                self.out
                    .push(errors::missing_attribute(at, spec.name, spec.ty));
            }
            if let Some(applies) = spec.applies {
                self.check_applies(record, spec, applies, at);
            }
        }
    }

    /// An attribute that belongs to some kinds of its block only: not written for
    /// another kind, and written where the kind needs it. Nothing is said while the
    /// kind itself is missing or wrong.
    fn check_applies(
        &mut self,
        record: &Record,
        spec: &schema::Attr,
        applies: &schema::Applies,
        at: Span,
    ) {
        let Some(Spanned {
            value: Value::Word(kind),
            ..
        }) = record.fields.get(applies.selector)
        else {
            return;
        };
        match record.fields.get(spec.name) {
            Some(field) if !applies.to.contains(&kind.as_str()) => {
                self.out.push(errors::attribute_not_for_kind(
                    field.span, spec.name, applies, kind,
                ));
            }
            None if applies.required_by.contains(&kind.as_str()) && !record.written(spec.name) => {
                self.out.push(errors::missing_kind_attribute(
                    at, spec.name, spec.ty, applies, kind,
                ));
            }
            _ => {}
        }
    }

    fn label(&mut self, name: &'a Name, ctx: &Ctx<'a>) -> Option<(String, Span)> {
        match name {
            Name::Ident(i) => Some((i.name.to_string(), i.span)),
            Name::Str(s) => self.string(s, ctx, Purpose::Name).map(|t| (t, s.span)),
        }
    }

    /// A value of a free-form block: a string, number or boolean.
    fn scalar(&mut self, expr: &'a ast::Expr, ctx: &Ctx<'a>) -> Option<Spanned> {
        let value = match &expr.kind {
            ExprKind::Str(s) => Value::Str(self.string(s, ctx, Purpose::Text)?),
            ExprKind::Int(n) => Value::Int(*n),
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Invalid => return None,
            ExprKind::Call { func, .. } if func.dotted() == "env" => {
                self.out.push(errors::secret_in_clear(expr.span, Ty::Str));
                return None;
            }
            _ => {
                self.out
                    .push(errors::type_mismatch(expr, "a string, number or boolean"));
                return None;
            }
        };
        Some(Spanned {
            value,
            span: expr.span,
        })
    }

    /// Evaluates an expression as a value of `ty`.
    pub fn value(&mut self, expr: &'a ast::Expr, ty: Ty, ctx: &Ctx<'a>) -> Option<Spanned> {
        let span = expr.span;
        let wrap = |value| Some(Spanned { value, span });
        // A loop variable stands for its value.
        if let ExprKind::Ref(path) = &expr.kind
            && path.segments.len() == 1
            && let Some(v) = super::expand::lookup_env(&ctx.env, &path.segments[0].name)
        {
            return self.loop_value(v, expr, ty, ctx);
        }
        match (ty, &expr.kind) {
            (_, ExprKind::Invalid) => None,
            (Ty::AutoOr(_), ExprKind::Auto) => wrap(Value::Auto),
            (Ty::AutoOr(_), ExprKind::Str(s)) if s.as_plain().as_deref() == Some("auto") => {
                self.out.push(errors::quoted_word(span, "auto"));
                None
            }
            (Ty::AutoOr(inner), _) => self.value(expr, *inner, ctx),
            (Ty::WordOr(words, _), ExprKind::Ref(path)) => {
                self.reference(path, span, Ty::Enum(words), ctx)
            }
            (Ty::WordOr(words, _), ExprKind::Str(s))
                if s.as_plain().is_some_and(|p| words.contains(&p.as_str())) =>
            {
                self.out
                    .push(errors::quoted_word(span, &s.as_plain().unwrap_or_default()));
                None
            }
            (Ty::WordOr(_, inner), _) => self.value(expr, *inner, ctx),
            (Ty::List(inner), ExprKind::List(items)) => {
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    values.extend(self.value(item, *inner, ctx));
                }
                wrap(Value::List(values))
            }
            (Ty::Str, ExprKind::Str(s)) => wrap(Value::Str(self.string(s, ctx, Purpose::Text)?)),
            (Ty::Str, ExprKind::Call { func, args }) if func.dotted() == "file" => {
                wrap(Value::Str(self.file_call(expr, args, ctx)?))
            }
            (Ty::Secret, ExprKind::Call { func, args }) if func.dotted() == "env" => {
                wrap(Value::Secret(self.env_call(expr, args)?))
            }
            (_, ExprKind::Call { func, args }) if func.dotted() == "env" => {
                let _ = self.env_call(expr, args);
                self.out.push(errors::secret_in_clear(span, ty));
                None
            }
            (_, ExprKind::Call { func, .. }) if func.dotted() != "file" => {
                self.out
                    .push(errors::unknown_function(func.span, &func.dotted()));
                None
            }
            (Ty::Int, ExprKind::Int(n)) => wrap(Value::Int(*n)),
            (Ty::Bool, ExprKind::Bool(b)) => wrap(Value::Bool(*b)),
            (Ty::Size, ExprKind::Size { .. }) => wrap(Value::Size(expr.kind.size_bytes()?)),
            (Ty::Ipv4, ExprKind::Ipv4(a)) => wrap(Value::Ipv4(*a)),
            (Ty::Cidr, ExprKind::Cidr { addr, prefix }) => wrap(Value::Cidr(*addr, *prefix)),
            (Ty::IntRange | Ty::AddrRange, ExprKind::Range { start, end, .. }) => {
                let value = match (ty, &start.kind, &end.kind) {
                    (Ty::IntRange, ExprKind::Int(a), ExprKind::Int(b)) => {
                        (a <= b).then_some(Value::IntRange(*a, *b))
                    }
                    (Ty::AddrRange, ExprKind::Ipv4(a), ExprKind::Ipv4(b)) => {
                        (a <= b).then_some(Value::AddrRange(*a, *b))
                    }
                    _ => {
                        self.out.push(errors::type_mismatch(expr, &ty.describe()));
                        return None;
                    }
                };
                if value.is_none() {
                    self.out.push(errors::empty_range(span));
                }
                value.and_then(wrap)
            }
            (Ty::Enum(_) | Ty::Ref(_) | Ty::RefAny(_) | Ty::StorageRef, ExprKind::Ref(path)) => {
                self.reference(path, span, ty, ctx)
            }
            (Ty::Enum(words), ExprKind::Str(s))
                if s.as_plain().is_some_and(|p| words.contains(&p.as_str())) =>
            {
                self.out
                    .push(errors::quoted_word(span, &s.as_plain().unwrap_or_default()));
                None
            }
            (Ty::Size, ExprKind::Int(n)) => {
                self.out.push(errors::size_without_unit(span, *n));
                None
            }
            (Ty::List(_), _) => {
                self.out.push(errors::expected_list(expr, ty));
                None
            }
            _ => {
                self.out.push(
                    errors::type_mismatch_written_otherwise(expr, ty)
                        .unwrap_or_else(|| errors::type_mismatch(expr, &ty.describe())),
                );
                None
            }
        }
    }

    /// A bare name as a value: a word of an enumeration, a declaration of a kind, or a
    /// storage of the host.
    fn reference(
        &mut self,
        path: &'a ast::Path,
        span: Span,
        ty: Ty,
        ctx: &Ctx<'a>,
    ) -> Option<Spanned> {
        let wrap = |value| Some(Spanned { value, span });
        match ty {
            Ty::Enum(words) => {
                let word = match path.segments.as_slice() {
                    [one] => one.name.to_string(),
                    _ => path.dotted(),
                };
                if words.contains(&word.as_str()) {
                    wrap(Value::Word(word))
                } else {
                    self.out.push(errors::unknown_word(span, &word, words));
                    None
                }
            }
            Ty::StorageRef if path.segments.len() == 1 => {
                wrap(Value::Storage(path.segments[0].name.to_string()))
            }
            Ty::Ref(kind) => {
                match self
                    .scope
                    .lookup(path, &ctx.env, ctx.module, Some(kind), self.instances)
                {
                    Ok(Found::Decl(id)) if self.instances[id].kind == kind => wrap(Value::Ref(id)),
                    Ok(Found::Decl(id)) => {
                        self.out
                            .push(errors::wrong_kind(span, &self.instances[id], kind));
                        None
                    }
                    Ok(Found::Loop(_)) => {
                        self.out.push(errors::wrong_kind_loop(span, kind));
                        None
                    }
                    Err(d) => {
                        self.out.push(d);
                        None
                    }
                }
            }
            Ty::RefAny(kinds) => {
                let first = kinds.first().copied();
                match self
                    .scope
                    .lookup(path, &ctx.env, ctx.module, first, self.instances)
                {
                    Ok(Found::Decl(id)) if kinds.contains(&self.instances[id].kind) => {
                        wrap(Value::Ref(id))
                    }
                    Ok(Found::Decl(id)) => {
                        self.out
                            .push(errors::wrong_kind_of(span, &self.instances[id], kinds));
                        None
                    }
                    Ok(Found::Loop(_)) => {
                        self.out.push(errors::type_mismatch_at(
                            span,
                            "a loop variable",
                            &ty.describe(),
                        ));
                        None
                    }
                    Err(d) => {
                        self.out.push(d);
                        None
                    }
                }
            }
            _ => {
                self.out.push(errors::type_mismatch_at(
                    span,
                    "a reference",
                    &ty.describe(),
                ));
                None
            }
        }
    }

    /// A loop variable used as a value of `ty`.
    fn loop_value(
        &mut self,
        value: LoopValue<'a>,
        expr: &'a ast::Expr,
        ty: Ty,
        ctx: &Ctx<'a>,
    ) -> Option<Spanned> {
        let span = expr.span;
        let ty = match (ty, &value) {
            (Ty::AutoOr(&Ty::WordOr(words, _)), LoopValue::Ref(_))
            | (Ty::WordOr(words, _), LoopValue::Ref(_)) => Ty::Enum(words),
            (Ty::AutoOr(&Ty::WordOr(_, inner)), _) | (Ty::WordOr(_, inner), _) => *inner,
            (Ty::AutoOr(inner), _) => *inner,
            (other, _) => other,
        };
        let value = match (value, ty) {
            (LoopValue::Int(n), Ty::Int) => Value::Int(n),
            (LoopValue::Int(n), Ty::Str) => Value::Str(n.to_string()),
            (LoopValue::Str(s), Ty::Str) => Value::Str(s),
            (LoopValue::Ref(path), Ty::Ref(_) | Ty::RefAny(_) | Ty::Enum(_) | Ty::StorageRef) => {
                // The list element names something from where the loop is written.
                let outer = Ctx {
                    env: super::expand::Env::default(),
                    module: ctx.module,
                    file: ctx.file,
                };
                return self.reference(path, span, ty, &outer);
            }
            _ => {
                self.out.push(errors::type_mismatch(expr, &ty.describe()));
                return None;
            }
        };
        Some(Spanned { value, span })
    }

    /// A string with its interpolations evaluated. Secrets never become text.
    fn string(&mut self, s: &'a ast::StrLit, ctx: &Ctx<'a>, purpose: Purpose) -> Option<String> {
        let mut out = String::new();
        for part in &s.parts {
            match part {
                StrPart::Text(t) => out.push_str(t),
                StrPart::Interp(e) => out.push_str(&self.interpolated(e, ctx, purpose)?),
            }
        }
        Some(out)
    }

    fn interpolated(
        &mut self,
        e: &'a ast::Expr,
        ctx: &Ctx<'a>,
        purpose: Purpose,
    ) -> Option<String> {
        match &e.kind {
            ExprKind::Int(n) => Some(n.to_string()),
            ExprKind::Str(s) => self.string(s, ctx, purpose),
            ExprKind::Ref(path) => {
                match self
                    .scope
                    .lookup(path, &ctx.env, ctx.module, None, self.instances)
                {
                    Ok(Found::Loop(LoopValue::Int(n))) => Some(n.to_string()),
                    Ok(Found::Loop(LoopValue::Str(s))) => Some(s),
                    Ok(Found::Loop(LoopValue::Ref(p))) => Some(p.dotted()),
                    Ok(Found::Decl(id)) => Some(self.instances[id].name.clone()),
                    Err(d) => {
                        self.out.push(d);
                        None
                    }
                }
            }
            ExprKind::Call { func, .. } if func.dotted() == "env" => {
                self.out
                    .push(errors::secret_interpolated(e.span, purpose.word()));
                None
            }
            ExprKind::Invalid => None,
            _ => {
                self.out
                    .push(errors::type_mismatch(e, "a name, number or string"));
                None
            }
        }
    }

    /// `env("NAME")`: the variable's name (its value is never read).
    fn env_call(&mut self, call: &ast::Expr, args: &'a [ast::Expr]) -> Option<String> {
        match args {
            [arg] => match &arg.kind {
                ExprKind::Str(s) => match s.as_plain() {
                    Some(name) if is_env_name(&name) => Some(name),
                    _ => {
                        self.out.push(errors::bad_env_name(arg.span));
                        None
                    }
                },
                _ => {
                    self.out.push(errors::bad_env_name(arg.span));
                    None
                }
            },
            _ => {
                self.out.push(errors::wrong_argument_count(
                    call.span,
                    "env",
                    1,
                    args.len(),
                ));
                None
            }
        }
    }

    /// `file("path")`: the file's text, relative to the calling file's folder.
    fn file_call(
        &mut self,
        call: &ast::Expr,
        args: &'a [ast::Expr],
        ctx: &Ctx<'a>,
    ) -> Option<String> {
        let [arg] = args else {
            self.out.push(errors::wrong_argument_count(
                call.span,
                "file",
                1,
                args.len(),
            ));
            return None;
        };
        let ExprKind::Str(s) = &arg.kind else {
            self.out
                .push(errors::type_mismatch(arg, "a path as a string"));
            return None;
        };
        let relative = self.string(s, ctx, Purpose::Text)?;
        if ctx.module.is_some() {
            self.out.push(errors::cannot_read_file(
                arg.span,
                &relative,
                "the stdlib cannot read files",
            ));
            return None;
        }
        let calling = self
            .sources
            .get(ctx.file)
            .map(|f| f.project_path.as_str())
            .unwrap_or_default();
        let path = super::project_relative(calling, &relative);
        let shown = path.display().to_string();
        match self.world.read_file(&path) {
            Ok(text) => Some(text.to_string()),
            Err(problem) => {
                self.out.push(match problem {
                    super::FileError::Outside => errors::file_outside_project(arg.span, &relative),
                    super::FileError::NotRegular => errors::file_not_regular(arg.span, &shown),
                    super::FileError::TooLarge => errors::file_too_large(arg.span, &shown),
                    super::FileError::Unreadable(reason) => {
                        errors::cannot_read_file(arg.span, &shown, &reason)
                    }
                });
                None
            }
        }
    }
}

/// What an interpolated string becomes, for the message when a secret is put in it.
#[derive(Clone, Copy)]
enum Purpose {
    Name,
    Text,
}

impl Purpose {
    fn word(self) -> &'static str {
        match self {
            Purpose::Name => "a name",
            Purpose::Text => "text that is written into generated files",
        }
    }
}

fn is_env_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
}
