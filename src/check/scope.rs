//! Names: the table of every declaration (the project's and the stdlib's), `use`d
//! modules, and the lookup of a reference from a place in the source.

use super::errors;
use super::expand::{Env, Instance, LoopValue, UseLine, lookup_env};
use crate::diag::Diagnostic;
use crate::stdlib;
use crate::syntax::ast::{self, DeclKind};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::collections::BTreeSet;

/// Index of an instance in the checker's list.
pub type Id = usize;

/// Which declarations share names. VMs, containers and templates become Proxmox
/// guests whose names must not clash; every other kind has names of its own, so a pool
/// and a profile may both be called `staging`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Namespace {
    Guests,
    Kind(DeclKind),
}

impl Namespace {
    pub fn of(kind: DeclKind) -> Namespace {
        match kind {
            DeclKind::Vm | DeclKind::Container | DeclKind::Template => Namespace::Guests,
            other => Namespace::Kind(other),
        }
    }
}

/// The declarations that share one bare name: module, namespace, instance.
type Homonyms = Vec<(Option<&'static str>, Namespace, Id)>;

/// Every name, by the module it lives in (`None`: the project) and its namespace.
pub struct Scope {
    /// By bare name: a lookup costs one hash and no allocation.
    by_name: FxHashMap<String, Homonyms>,
    used_modules: BTreeSet<String>,
    /// Every name in a fixed order (module, namespace, name), for suggestions: made
    /// once, when the first unknown name is reported.
    sorted: std::sync::OnceLock<Vec<(Option<&'static str>, Namespace, Id)>>,
}

/// What a reference names.
#[derive(Debug)]
pub enum Found<'a> {
    Decl(Id),
    Loop(LoopValue<'a>),
}

impl Scope {
    /// Builds the table, reporting duplicate names and unknown modules.
    pub fn build(instances: &[Instance<'_>], uses: &[UseLine], out: &mut Vec<Diagnostic>) -> Scope {
        let mut by_name: FxHashMap<String, Homonyms> = FxHashMap::default();
        for (id, instance) in instances.iter().enumerate() {
            let (module, ns) = (instance.module, Namespace::of(instance.kind));
            let homonyms = match by_name.get_mut(instance.name.as_str()) {
                Some(homonyms) => homonyms,
                None => by_name.entry(instance.name.clone()).or_default(),
            };
            match homonyms.iter().find(|(m, n, _)| *m == module && *n == ns) {
                Some((_, _, first)) => {
                    out.push(errors::duplicate_name(instance, &instances[*first]))
                }
                None => homonyms.push((module, ns, id)),
            }
        }
        let known: Vec<&str> = stdlib::MODULES.iter().map(|(m, _)| *m).collect();
        let mut used_modules = BTreeSet::new();
        for line in uses {
            if known.contains(&line.module.as_str()) {
                used_modules.insert(line.module.clone());
            } else {
                out.push(errors::unknown_module(line.span, &line.module, &known));
            }
        }
        Scope {
            by_name,
            used_modules,
            sorted: std::sync::OnceLock::new(),
        }
    }

    /// Looks a path up from a place: loop variables first, then the place's own module,
    /// then the project; `os.x` looks in a `use`d module. A name of the `expected`
    /// kind wins; failing that, a declaration of another kind is returned, for the
    /// caller to report as the wrong kind.
    pub fn lookup<'a>(
        &self,
        path: &'a ast::Path,
        env: &Env<'a>,
        module: Option<&'static str>,
        expected: Option<DeclKind>,
        instances: &[Instance<'_>],
    ) -> Result<Found<'a>, Diagnostic> {
        // Modules to search, in order (at most two, no allocation: this runs for every
        // reference).
        let (search_modules, name): ([Option<Option<&'static str>>; 2], &str) =
            match path.segments.as_slice() {
                [one] => {
                    if let Some(value) = lookup_env(env, &one.name) {
                        return Ok(Found::Loop(value));
                    }
                    let own = module.is_some().then_some(module);
                    ([own, Some(None)], one.name.as_str())
                }
                [first, second] => {
                    let Some(module_name) = stdlib::MODULES
                        .iter()
                        .map(|(m, _)| *m)
                        .find(|m| *m == first.name)
                    else {
                        return Err(self.unknown(path, module, expected, instances));
                    };
                    // Inside the stdlib, modules see each other without `use`.
                    if module.is_none() && !self.used_modules.contains(module_name) {
                        return Err(errors::module_not_used(path.span, module_name));
                    }
                    ([Some(Some(module_name)), None], second.name.as_str())
                }
                _ => return Err(self.unknown(path, module, expected, instances)),
            };
        let namespaces = expected
            .map(Namespace::of)
            .into_iter()
            .chain(ALL_NAMESPACES);
        let entries = self.by_name.get(name).map_or(&[][..], Vec::as_slice);
        for ns in namespaces {
            for m in search_modules.iter().flatten() {
                // The expected namespace is searched first; a hit elsewhere is returned
                // for the caller to report as the wrong kind.
                if let Some((_, _, id)) = entries.iter().find(|(em, ens, _)| em == m && *ens == ns)
                {
                    return Ok(Found::Decl(*id));
                }
            }
        }
        Err(self.unknown(path, module, expected, instances))
    }

    /// "unknown name", with the nearest names of the expected kind as suggestions.
    fn unknown(
        &self,
        path: &ast::Path,
        module: Option<&'static str>,
        expected: Option<DeclKind>,
        instances: &[Instance<'_>],
    ) -> Diagnostic {
        let wanted = path.dotted();
        // In a fixed order, so suggestions are stable.
        let sorted = self.sorted.get_or_init(|| {
            let mut names: Vec<(Option<&'static str>, Namespace, &str, Id)> = self
                .by_name
                .iter()
                .flat_map(|(name, homonyms)| {
                    homonyms
                        .iter()
                        .map(move |(m, ns, id)| (*m, *ns, name.as_str(), *id))
                })
                .collect();
            names.sort_unstable();
            names
                .into_iter()
                .map(|(m, ns, _, id)| (m, ns, id))
                .collect()
        });
        let candidates: Vec<Cow<'_, str>> = sorted
            .iter()
            .filter(|(m, _, id)| {
                let visible =
                    m.is_none() || *m == module || m.is_some_and(|m| self.used_modules.contains(m));
                visible && expected.is_none_or(|k| instances[*id].kind == k)
            })
            .map(|(m, _, id)| {
                let name = instances[*id].name.as_str();
                match m {
                    Some(m) if Some(*m) != module => Cow::Owned(format!("{m}.{name}")),
                    _ => Cow::Borrowed(name),
                }
            })
            .collect();
        errors::unknown_name(path.span, &wanted, candidates.iter().map(AsRef::as_ref))
    }
}

const ALL_NAMESPACES: [Namespace; 8] = [
    Namespace::Guests,
    Namespace::Kind(DeclKind::Host),
    Namespace::Kind(DeclKind::Network),
    Namespace::Kind(DeclKind::Image),
    Namespace::Kind(DeclKind::Profile),
    Namespace::Kind(DeclKind::Role),
    Namespace::Kind(DeclKind::Pool),
    Namespace::Kind(DeclKind::Cluster),
];
