//! Checking: the ASTs of a project (and of the stdlib) become the IR, with every
//! problem reported.
//!
//! - [`expand`] unrolls `for` generators and evaluates names → instances;
//! - [`scope`] builds the table of names and looks references up;
//! - [`eval`] evaluates each declaration against [`schema`], with inheritance;
//! - [`lower`] builds the [`ir::Plan`], asking [`alloc`] for VMIDs, addresses and
//!   MACs (kept stable by the [`lock::Lock`]), and [`estate`] checks the whole.
//!
//! Pure: files named by `file(…)` are read through the [`World`] the caller passes.

mod alloc;
mod errors;
mod estate;
mod names;
mod nics;
mod passthrough;
/// What a time zone in the IR looks like (the backends guard against plans with errors).
pub use estate::is_time_zone;
/// Network arithmetic the backends share with the checks.
pub use estate::netmask_bits;
mod eval;
mod expand;
mod fidelity;
mod firmware;
mod guest_disks;
mod guest_options;
mod guest_roles;
mod ipv6;
pub mod lock;
mod lower;
pub mod schema;
mod scope;

use crate::diag::{self, Diagnostic};
use crate::ir;
use crate::source::SourceMap;
use crate::syntax::ast;
use crate::{stdlib, syntax};
use lock::Lock;

/// What checking reads besides the sources: the files `file("…")` names. Shared by
/// the threads that evaluate declarations.
pub trait World: Sync {
    /// The text of a file, or why it cannot be read. `path` is relative to the
    /// project's folder with `.` and `..` resolved ([`project_relative`]), so it may
    /// start with `..` or be absolute when the source says so: the world decides what
    /// it may read (the file system only what is inside the project). A world reads a
    /// file once and shares its text among the declarations that name it.
    fn read_file(&self, path: &std::path::Path) -> Result<std::sync::Arc<str>, FileError>;
}

/// A world without files, for unit tests that check a project of one source.
#[cfg(test)]
pub(crate) struct NoFiles;

#[cfg(test)]
impl World for NoFiles {
    fn read_file(&self, _: &std::path::Path) -> Result<std::sync::Arc<str>, FileError> {
        Err(FileError::Unreadable("none".into()))
    }
}

/// The largest file `file("…")` reads, in bytes: keys, certificates and short scripts
/// fit many times over.
pub const MAX_READ_FILE: u64 = 1 << 20;

/// Why a [`World`] gives no text for a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileError {
    /// The path, or a link on it, leads outside the project (and every folder the
    /// user allowed).
    Outside,
    /// A folder, device, FIFO or socket.
    NotRegular,
    /// Larger than [`MAX_READ_FILE`].
    TooLarge,
    /// Missing, unreadable, not UTF-8: the reason in words.
    Unreadable(String),
}

/// Where `file("written")` in the source at `calling` (its project path,
/// `prod/vms.pxi`) points, relative to the project's folder: `.` and `..` resolved
/// as text, a `..` that climbs out kept at the front. An absolute path stays as it is.
pub fn project_relative(calling: &str, written: &str) -> std::path::PathBuf {
    let written_path = std::path::Path::new(written);
    if written_path.is_absolute() {
        return written_path.to_path_buf();
    }
    let mut parts: Vec<&str> = calling.split('/').collect();
    parts.pop();
    for part in written.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.iter().collect()
}

/// The result of checking a project.
#[derive(Debug)]
pub struct Checked {
    /// The plan, when the project has no errors.
    pub plan: Option<ir::Plan>,
    /// The allocations the plan uses: what `pxi.lock` should now say.
    pub lock: Lock,
    /// Every problem, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// Adds to problems found in a declaration made by a `for` generator which one it
/// was (they all point at the same source), as a note `merge_generated` gathers.
pub(crate) fn name_generated(generated: bool, name: &str, found: &mut [Diagnostic]) {
    if !generated {
        return;
    }
    for d in found {
        d.notes.push(format!("{GENERATED}`{name}`"));
    }
}

/// `a` and `b` with `between` between them. (`format!` is much slower, and a build
/// makes several such keys and names for every guest.)
pub(crate) fn joined(a: &str, between: char, b: &str) -> String {
    let mut text = String::with_capacity(a.len() + between.len_utf8() + b.len());
    text.push_str(a);
    text.push(between);
    text.push_str(b);
    text
}

/// The start of the note that names a generated declaration.
const GENERATED: &str = "in ";

/// Merges diagnostics that differ only in which generated declaration they were
/// found in: one error at the loop's source, naming the declarations concerned.
fn merge_generated(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut merged: Vec<(Diagnostic, Vec<String>)> = Vec::new();
    // Where each distinct diagnostic is in `merged`: a project may have thousands.
    let mut index: std::collections::HashMap<Diagnostic, usize> = Default::default();
    for mut d in diagnostics {
        let names: Vec<String> = d
            .notes
            .iter()
            .filter_map(|n| n.strip_prefix(GENERATED).map(str::to_string))
            .collect();
        d.notes.retain(|n| !n.starts_with(GENERATED));
        match index.get(&d) {
            Some(&at) => merged[at].1.extend(names),
            None => {
                index.insert(d.clone(), merged.len());
                merged.push((d, names));
            }
        }
    }
    merged
        .into_iter()
        .map(|(mut d, mut names)| {
            names.dedup();
            let shown: Vec<&String> = names.iter().take(3).collect();
            let list: Vec<String> = shown.iter().map(|n| n.to_string()).collect();
            match names.len() {
                0 => {}
                1..=3 => d
                    .notes
                    .push(format!("in the generated {}", list.join(", "))),
                n => d.notes.push(format!(
                    "in the generated {} and {} more",
                    list.join(", "),
                    n - 3
                )),
            }
            d
        })
        .collect()
}

/// Parses and checks every file in `sources` as one project, with the stdlib (whose
/// sources are added to the map, so diagnostics can point into them). Meaning is not
/// checked when there are syntax errors: the declarations they lose would only cause
/// more errors that say nothing new.
pub fn check_project(sources: &mut SourceMap, world: &dyn World, lock: &Lock) -> Checked {
    let (asts, syntax_errors) = syntax::parse_all(sources);
    let std_ids = stdlib::add_to(sources);
    if diag::has_errors(&syntax_errors) {
        return Checked {
            plan: None,
            lock: lock.clone(),
            diagnostics: syntax_errors,
        };
    }
    let std_files: Vec<(&'static str, ast::File)> = std_ids
        .into_iter()
        .filter_map(|(name, id)| Some((name, syntax::parse(id, &sources.get(id)?.text).0)))
        .collect();
    let mut checked = check(sources, asts, std_files, world, lock);
    if !syntax_errors.is_empty() {
        // Warnings only, at most; keep them with the rest.
        checked.diagnostics.extend(syntax_errors);
        diag::sort(&mut checked.diagnostics);
    }
    checked
}

/// Fewer declarations than this per thread are evaluated on one thread: starting
/// another costs more than it saves.
const MIN_DECLARATIONS_PER_THREAD: usize = 1024;

/// The record of every instance, in order. Declarations are evaluated independently
/// of each other, so a large project is split into ranges evaluated side by side;
/// each range's diagnostics are kept in order, so the result is the same as one
/// thread's.
fn evaluate_all(
    instances: &[expand::Instance<'_>],
    scope: &scope::Scope,
    sources: &SourceMap,
    world: &dyn World,
    out: &mut Vec<Diagnostic>,
) -> Vec<eval::Record> {
    let threads = crate::parallel::threads_for(instances.len(), MIN_DECLARATIONS_PER_THREAD);
    let parts = crate::parallel::map_ranges(instances.len(), threads, |range| {
        let mut found = Vec::new();
        let mut evaluator = eval::Evaluator {
            instances,
            scope,
            sources,
            world,
            out: &mut found,
            seen: Default::default(),
            inherited: Default::default(),
        };
        let records: Vec<eval::Record> = range
            .map(|id| {
                let before = evaluator.out.len();
                let record = evaluator.record_of(id);
                let instance = &instances[id];
                let generated = !instance.env.is_empty();
                name_generated(generated, &instance.name, &mut evaluator.out[before..]);
                record
            })
            .collect();
        (records, found)
    });
    let mut records = Vec::with_capacity(instances.len());
    for (part, found) in parts {
        records.extend(part);
        out.extend(found);
    }
    records
}

/// Frees a large project's syntax trees or records on every core: it takes a while.
fn free<T: Send>(values: Vec<T>) {
    let threads = crate::parallel::threads_for(values.len(), MIN_DECLARATIONS_PER_THREAD);
    crate::parallel::drop_all(values, threads);
}

/// Checks a project's files together with the stdlib's (`std_files`: module name and
/// AST of each stdlib file). `lock` is the current `pxi.lock`. The syntax trees are
/// dropped once evaluated, before the plan is built: in a large project they are a
/// good part of the memory used.
pub fn check(
    sources: &SourceMap,
    files: Vec<ast::File>,
    std_files: Vec<(&'static str, ast::File)>,
    world: &dyn World,
    lock: &Lock,
) -> Checked {
    let mut out = Vec::new();
    let all: Vec<(Option<&'static str>, &ast::File)> = std_files
        .iter()
        .map(|(m, f)| (Some(*m), f))
        .chain(files.iter().map(|f| (None, f)))
        .collect();
    let (instances, uses) = expand::expand(&all, &mut out);
    let scope = scope::Scope::build(&instances, &uses, &mut out);
    let records = evaluate_all(&instances, &scope, sources, world, &mut out);
    let project_start = files
        .first()
        .map(|f| crate::source::Span::new(f.file, 0, 0));
    let instances: Vec<expand::Declared> = instances
        .into_iter()
        .map(expand::Instance::into_declared)
        .collect();
    drop(scope);
    drop(all);
    free(files.into_iter().flat_map(|f| f.items).collect());
    drop(std_files);
    let (plan, new_lock) = lower::Lowering {
        instances: &instances,
        records: &records,
        sources,
        out: &mut out,
        project_start,
    }
    .plan(lock);
    // The plan holds what is needed of the records from here on.
    free(records);
    if let Some(plan) = &plan {
        let spans = estate::Spans::new(&instances);
        estate::check_capacity(plan, &spans, &mut out);
        estate::check_host_addresses(plan, &spans, &mut out);
        estate::check_storage_definitions(plan, &spans, &mut out);
        estate::check_disk_capacity(plan, &spans, &mut out);
        estate::check_disk_not_below_template(plan, &spans, &mut out);
    }
    diag::sort(&mut out);
    let out = merge_generated(out);
    let plan = plan.filter(|_| !diag::has_errors(&out));
    Checked {
        plan,
        lock: new_lock,
        diagnostics: out,
    }
}
