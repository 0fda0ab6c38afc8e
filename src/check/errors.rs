//! Every diagnostic of the checker, worded in one place.

use super::expand::Instance;
use super::schema::{self, Ty};
use crate::diag::{Code, Diagnostic, suggest};
use crate::source::Span;
use crate::syntax::ast::{self, DeclKind, ExprKind};

fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let found = suggest(name, candidates);
    match found.as_slice() {
        [] => None,
        [one] => Some(format!("did you mean `{one}`?")),
        [one, two, ..] => Some(format!("did you mean `{one}` or `{two}`?")),
    }
}

// ───────────── names ─────────────

pub fn bad_use_path(span: Span, path: &str) -> Diagnostic {
    Diagnostic::error(
        Code::BadUsePath,
        format!("`use {path}` does not name a stdlib module"),
    )
    .with_primary(span, "not `std.<module>`")
    .with_help("write `use std.os`, `use std.roles` or `use std.profiles`")
}

pub fn duplicate_name(second: &Instance<'_>, first: &Instance<'_>) -> Diagnostic {
    if second.name_span == first.name_span {
        // One declaration in a `for` that makes the same name on every pass.
        return Diagnostic::error(
            Code::DuplicateName,
            format!("a generator declares `{}` more than once", second.name),
        )
        .with_primary(second.name_span, "the same name on every pass of the loop")
        .with_help("put the loop variable into the name, such as `\"worker-${i}\"`");
    }
    Diagnostic::error(
        Code::DuplicateName,
        format!("`{}` is declared twice", second.name),
    )
    .with_primary(
        second.name_span,
        format!("this {} reuses the name", second.kind.keyword()),
    )
    .with_secondary(
        first.name_span,
        format!("first declared here, as a {}", first.kind.keyword()),
    )
    .with_help("every declaration needs its own name; rename one of them")
}

pub fn unknown_module(span: Span, name: &str, known: &[&str]) -> Diagnostic {
    let help = did_you_mean(name, known.iter().copied()).unwrap_or_else(|| {
        let list: Vec<String> = known.iter().map(|k| format!("`std.{k}`")).collect();
        format!("the stdlib has {}", list.join(", "))
    });
    Diagnostic::error(
        Code::UnknownModule,
        format!("unknown stdlib module `std.{name}`"),
    )
    .with_primary(span, "no such module")
    .with_help(help)
}

pub fn module_not_used(span: Span, module: &str) -> Diagnostic {
    Diagnostic::error(
        Code::ModuleNotUsed,
        format!("module `{module}` is not in scope"),
    )
    .with_primary(span, format!("`{module}` comes from `std.{module}`"))
    .with_help(format!(
        "add `use std.{module}` to one of the project's files"
    ))
}

pub fn unknown_name<'a>(
    span: Span,
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Diagnostic {
    let help = did_you_mean(name, candidates)
        .unwrap_or_else(|| format!("declare `{name}`, or check its spelling"));
    Diagnostic::error(Code::UnknownName, format!("unknown name `{name}`"))
        .with_primary(span, "not declared anywhere in the project")
        .with_help(help)
}

fn a_kind(kind: DeclKind) -> String {
    let word = kind.keyword();
    let article = if word.starts_with(|c: char| "aeiou".contains(c)) {
        "an"
    } else {
        "a"
    };
    format!("{article} `{word}`")
}

pub fn wrong_kind(span: Span, target: &Instance<'_>, expected: DeclKind) -> Diagnostic {
    Diagnostic::error(
        Code::WrongKind,
        format!(
            "`{}` is {}, not {}",
            target.name,
            a_kind(target.kind),
            a_kind(expected)
        ),
    )
    .with_primary(span, format!("{} is expected here", a_kind(expected)))
    .with_secondary(
        target.name_span,
        format!("`{}` is declared here", target.name),
    )
    .with_help(format!("name {} here", a_kind(expected)))
}

/// A name of the wrong kind where any of `expected` would do.
pub fn wrong_kind_of(span: Span, target: &Instance<'_>, expected: &[DeclKind]) -> Diagnostic {
    let expected: Vec<String> = expected.iter().map(|k| a_kind(*k)).collect();
    let expected = expected.join(" or ");
    Diagnostic::error(
        Code::WrongKind,
        format!(
            "`{}` is {}, not {expected}",
            target.name,
            a_kind(target.kind)
        ),
    )
    .with_primary(span, format!("{expected} is expected here"))
    .with_secondary(
        target.name_span,
        format!("`{}` is declared here", target.name),
    )
    .with_help(format!("name {expected} here"))
}

pub fn wrong_kind_loop(span: Span, expected: DeclKind) -> Diagnostic {
    Diagnostic::error(
        Code::WrongKind,
        format!("a loop variable is not {}", a_kind(expected)),
    )
    .with_primary(span, format!("{} is expected here", a_kind(expected)))
    .with_help("loop over a list of names, such as `for h in [pve1, pve2]`, to use them here")
}

pub fn unknown_attribute<'a>(
    span: Span,
    key: &str,
    names: impl IntoIterator<Item = &'a str>,
) -> Diagnostic {
    let names: Vec<&str> = names.into_iter().collect();
    let help = did_you_mean(key, names.iter().copied()).unwrap_or_else(|| {
        format!(
            "this block takes {}",
            nearest_list(key, &names, "no attributes")
        )
    });
    Diagnostic::error(Code::UnknownAttribute, format!("unknown attribute `{key}`"))
        .with_primary(span, "not an attribute of this block")
        .with_help(help)
}

/// How many names a help lists when none is close enough to suggest.
const NAMES_LISTED: usize = 6;

/// `` `memory`, `cores`, … `` : the names nearest to `name` (all of them when there
/// are few), for a help when none is close enough for "did you mean".
fn nearest_list(name: &str, names: &[&str], none: &str) -> String {
    if names.is_empty() {
        return none.to_string();
    }
    let nearest = crate::diag::nearest(name, names.iter().copied(), NAMES_LISTED);
    let listed: Vec<String> = nearest.iter().map(|n| format!("`{n}`")).collect();
    if names.len() > nearest.len() {
        format!(
            "{} and {} more",
            listed.join(", "),
            names.len() - nearest.len()
        )
    } else {
        match listed.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, init)) => format!("{} and {last}", init.join(", ")),
            None => none.to_string(),
        }
    }
}

pub fn unknown_block<'a>(
    span: Span,
    kind: &str,
    names: impl IntoIterator<Item = &'a str>,
) -> Diagnostic {
    let names: Vec<&str> = names.into_iter().collect();
    let help = did_you_mean(kind, names.iter().copied()).unwrap_or_else(|| {
        format!(
            "this declaration takes the blocks {}",
            nearest_list(kind, &names, "none")
        )
    });
    Diagnostic::error(Code::UnknownBlock, format!("unknown block `{kind}`"))
        .with_primary(span, "not a block of this declaration")
        .with_help(help)
}

pub fn block_written_as_attribute(span: Span, key: &str) -> Diagnostic {
    Diagnostic::error(
        Code::BlockAttributeMixup,
        format!("`{key}` is a block, not an attribute"),
    )
    .with_primary(span, "written with `=`")
    .with_help(format!("write `{key} … {{ … }}` instead of `{key} = …`"))
}

pub fn attribute_written_as_block(span: Span, key: &str) -> Diagnostic {
    Diagnostic::error(
        Code::BlockAttributeMixup,
        format!("`{key}` is an attribute, not a block"),
    )
    .with_primary(span, "written with `{ … }`")
    .with_help(format!("write `{key} = …`"))
}

pub fn missing_attribute(span: Span, name: &str, ty: Ty) -> Diagnostic {
    Diagnostic::error(
        Code::MissingAttribute,
        format!("missing attribute `{name}`"),
    )
    .with_primary(span, format!("needs `{name}`"))
    .with_help(format!("add `{name} = …`, {}", ty.describe()))
}

pub fn attribute_not_for_kind(
    span: Span,
    name: &str,
    applies: &schema::Applies,
    kind: &str,
) -> Diagnostic {
    let kinds: Vec<String> = applies.to.iter().map(|k| format!("`{k}`")).collect();
    Diagnostic::error(
        Code::AttributeNotForKind,
        format!(
            "`{name}` does not apply when `{} = {kind}`",
            applies.selector
        ),
    )
    .with_primary(span, format!("not used by `{kind}`"))
    .with_help(format!(
        "remove it; it is for {} = {}",
        applies.selector,
        kinds.join(" or ")
    ))
}

pub fn missing_kind_attribute(
    span: Span,
    name: &str,
    ty: Ty,
    applies: &schema::Applies,
    kind: &str,
) -> Diagnostic {
    Diagnostic::error(
        Code::MissingAttribute,
        format!(
            "missing attribute `{name}`, which `{} = {kind}` needs",
            applies.selector
        ),
    )
    .with_primary(span, format!("needs `{name}`"))
    .with_help(format!("add `{name} = …`, {}", ty.describe()))
}

pub fn duplicate_attribute(span: Span, first: Span, key: &str) -> Diagnostic {
    Diagnostic::error(
        Code::DuplicateAttribute,
        format!("attribute `{key}` is set twice"),
    )
    .with_primary(span, "set again here")
    .with_secondary(first, "first set here")
    .with_help("remove one of them")
}

pub fn duplicate_block(span: Span, first: Span, kind: &str) -> Diagnostic {
    Diagnostic::error(
        Code::DuplicateBlock,
        format!("block `{kind}` is written twice"),
    )
    .with_primary(span, "written again here")
    .with_secondary(first, "first written here")
    .with_help("merge the two blocks into one")
}

pub fn missing_label(span: Span, kind: &str, what: &str) -> Diagnostic {
    Diagnostic::error(Code::MissingLabel, format!("block `{kind}` needs a label"))
        .with_primary(span, format!("`{kind}` without a label"))
        .with_help(format!(
            "write `{kind} <label> {{ … }}`, where the label is {what}"
        ))
}

pub fn unexpected_label(span: Span, kind: &str) -> Diagnostic {
    Diagnostic::error(
        Code::UnexpectedLabel,
        format!("block `{kind}` takes no label"),
    )
    .with_primary(span, "remove this label")
    .with_help(format!("write `{kind} {{ … }}`"))
}

pub fn cannot_inherit(span: Span, kind: &str) -> Diagnostic {
    Diagnostic::error(
        Code::CannotInherit,
        format!("a `{kind}` cannot inherit from profiles"),
    )
    .with_primary(
        span,
        "profiles are only for `vm`, `container` and `profile`",
    )
    .with_help("remove the `: …` after the name")
}

pub fn profile_cycle(span: Span, cycle: &[String]) -> Diagnostic {
    Diagnostic::error(
        Code::ProfileCycle,
        format!(
            "profiles inherit from each other in a cycle: {}",
            cycle.join(" → ")
        ),
    )
    .with_primary(span, "this closes the cycle")
    .with_help("remove one of the inheritances so the chain ends")
}

pub fn profiles_too_deep(span: Span, name: &str, limit: usize) -> Diagnostic {
    Diagnostic::error(
        Code::ProfilesTooDeep,
        format!("`{name}` inherits through more than {limit} levels of profiles"),
    )
    .with_primary(span, format!("this profile is already {limit} levels deep"))
    .with_help("inherit from a profile nearer the top of the chain, or merge profiles")
}

pub fn unknown_function(span: Span, name: &str) -> Diagnostic {
    let help = did_you_mean(name, ["env", "file"])
        .unwrap_or_else(|| "the functions are `env(\"NAME\")` and `file(\"path\")`".to_string());
    Diagnostic::error(Code::UnknownFunction, format!("unknown function `{name}`"))
        .with_primary(span, "not a function")
        .with_help(help)
}

pub fn too_many_instances(span: Span, limit: usize) -> Diagnostic {
    Diagnostic::error(
        Code::TooManyInstances,
        format!("generators make more than {limit} declarations"),
    )
    .with_primary(span, "expansion stopped here")
    .with_help("check the loop's range; a project this large is surely a mistake")
}

pub fn bad_loop_iterable(span: Span) -> Diagnostic {
    Diagnostic::error(
        Code::BadLoop,
        "a `for` loops over a range of numbers or a list",
    )
    .with_primary(span, "cannot loop over this")
    .with_help("write `for i in 1..=3 { … }` or `for h in [pve1, pve2] { … }`")
}

pub fn reversed_loop_range(span: Span) -> Diagnostic {
    Diagnostic::error(
        Code::EmptyRange,
        "this loop's range is reversed: it would make nothing",
    )
    .with_primary(span, "start > end")
    .with_help("write the smaller end first, such as `1..=3`")
}

pub fn bad_loop_value(span: Span) -> Diagnostic {
    Diagnostic::error(Code::BadLoop, "a loop list holds numbers, strings or names")
        .with_primary(span, "cannot be a loop value")
        .with_help("write numbers, strings or names of declarations in the list")
}

pub fn name_interpolates_non_loop_value(span: Span) -> Diagnostic {
    Diagnostic::error(
        Code::NameInterpolation,
        "a declaration's name may interpolate only loop variables",
    )
    .with_primary(span, "not a loop variable")
    .with_help("names are fixed before anything else is evaluated: use `for` variables, such as `\"web-${i}\"`")
}

// ───────────── types and values ─────────────

/// What an expression is, in words, for "found …".
fn found(expr: &ast::Expr) -> String {
    match &expr.kind {
        ExprKind::Str(_) => "a string".to_string(),
        ExprKind::Int(n) => format!("the number `{n}`"),
        ExprKind::Bool(b) => format!("`{b}`"),
        ExprKind::Size { count, unit } => format!("the size `{count}{}`", unit.symbol()),
        ExprKind::Ipv4(a) => format!("the address `{a}`"),
        ExprKind::Cidr { addr, prefix } => format!("the network `{addr}/{prefix}`"),
        ExprKind::Range { .. } => "a range".to_string(),
        ExprKind::List(_) => "a list".to_string(),
        ExprKind::Ref(p) => format!("the name `{}`", p.dotted()),
        ExprKind::Call { func, .. } => format!("a call to `{}`", func.dotted()),
        ExprKind::Auto => "`auto`".to_string(),
        ExprKind::Invalid => "an invalid value".to_string(),
    }
}

pub fn type_mismatch(expr: &ast::Expr, expected: &str) -> Diagnostic {
    type_mismatch_at(expr.span, &found(expr), expected)
}

/// A value of the wrong type that is the right value written another way: a quoted
/// `"10.0.0.0/24"`, or an address with a prefix (`10.0.0.21/24`) where only the
/// address goes. `None` when the value is simply of another type.
pub fn type_mismatch_written_otherwise(expr: &ast::Expr, ty: Ty) -> Option<Diagnostic> {
    let help = match (ty, &expr.kind) {
        (_, ExprKind::Str(s)) => {
            let text = s.as_plain()?;
            if !is_literal_of(ty, &text) {
                return None;
            }
            format!("remove the quotes: write `{text}`")
        }
        (Ty::Ipv4, ExprKind::Cidr { addr, .. }) => format!(
            "write `{addr}`: the prefix length comes from the `cidr` of the network the \
             address is in"
        ),
        _ => return None,
    };
    Some(type_mismatch(expr, &ty.describe()).with_help(help))
}

/// Whether `text` is a literal of `ty` as it would be written unquoted.
fn is_literal_of(ty: Ty, text: &str) -> bool {
    let is_int = |t: &str| {
        !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) && t.parse::<u64>().is_ok()
    };
    let is_ipv4 = |t: &str| t.parse::<std::net::Ipv4Addr>().is_ok();
    match ty {
        Ty::Int => is_int(text),
        Ty::Bool => matches!(text, "true" | "false"),
        Ty::Ipv4 => is_ipv4(text),
        Ty::Cidr => text.split_once('/').is_some_and(|(addr, prefix)| {
            is_ipv4(addr) && is_int(prefix) && prefix.parse::<u8>().is_ok_and(|p| p <= 32)
        }),
        Ty::Size => {
            let digits = text
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(text.len());
            is_int(&text[..digits]) && ast::SizeUnit::from_symbol(&text[digits..]).is_some()
        }
        _ => false,
    }
}

pub fn type_mismatch_at(span: Span, found: &str, expected: &str) -> Diagnostic {
    Diagnostic::error(
        Code::TypeMismatch,
        format!("expected {expected}, found {found}"),
    )
    .with_primary(span, format!("expected {expected}"))
    .with_help(format!("write {expected} here"))
}

pub fn size_without_unit(span: Span, n: u64) -> Diagnostic {
    // Large plain numbers are usually MiB, as Proxmox's own `memory` field counts.
    let help = if n >= 64 {
        format!("write `{n}MiB` or `{n}GiB`; pxic does not guess the unit")
    } else {
        format!("write `{n}GiB` or `{n}MiB`; pxic does not guess the unit")
    };
    Diagnostic::error(Code::SizeWithoutUnit, format!("the size `{n}` has no unit"))
        .with_primary(span, "expected a size such as `4GiB`")
        .with_help(help)
}

pub fn expected_list(expr: &ast::Expr, ty: Ty) -> Diagnostic {
    let help = match &expr.kind {
        ExprKind::Ref(p) => format!("put the value in brackets: `[{}]`", p.dotted()),
        ExprKind::Int(n) => format!("put the value in brackets: `[{n}]`"),
        _ => "put the value in brackets: `[…]`".to_string(),
    };
    Diagnostic::error(
        Code::ExpectedList,
        format!("expected {}, found {}", ty.describe(), found(expr)),
    )
    .with_primary(expr.span, "not a list")
    .with_help(help)
}

pub fn unknown_word(span: Span, word: &str, words: &[&str]) -> Diagnostic {
    let list: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
    let help = did_you_mean(word, words.iter().copied())
        .unwrap_or_else(|| format!("write one of {}", list.join(", ")));
    Diagnostic::error(
        Code::UnknownWord,
        format!("`{word}` is not one of the allowed values"),
    )
    .with_primary(span, format!("expected one of {}", list.join(", ")))
    .with_help(help)
}

pub fn quoted_word(span: Span, word: &str) -> Diagnostic {
    Diagnostic::error(
        Code::QuotedWord,
        format!("`{word}` is a bare word here, not a string"),
    )
    .with_primary(span, "written in quotes")
    .with_help(format!("write `{word}` without quotes"))
}

pub fn empty_range(span: Span) -> Diagnostic {
    Diagnostic::error(
        Code::EmptyRange,
        "this range is empty: its start is after its end",
    )
    .with_primary(span, "start > end")
    .with_help("write the smaller end first")
}

pub fn secret_in_clear(span: Span, ty: Ty) -> Diagnostic {
    Diagnostic::error(
        Code::SecretInClear,
        "a secret cannot be used here: it would be written out in clear",
    )
    .with_primary(span, format!("expected {}", ty.describe()))
    .with_help("only attributes that take a secret (such as the cluster's `token`) accept `env(…)`")
}

pub fn secret_interpolated(span: Span, purpose: &str) -> Diagnostic {
    Diagnostic::error(
        Code::SecretInterpolated,
        "a secret cannot be put into a string",
    )
    .with_primary(span, format!("this would write the secret into {purpose}"))
    .with_help("secrets stay in the environment; pass them only to attributes that take a secret")
}

pub fn bad_env_name(span: Span) -> Diagnostic {
    Diagnostic::error(
        Code::BadEnvName,
        "`env` takes the name of an environment variable",
    )
    .with_primary(span, "not a variable name")
    .with_help("write `env(\"PROXMOX_VE_API_TOKEN\")`: letters, digits and `_`, in a plain string")
}

pub fn wrong_argument_count(span: Span, func: &str, want: usize, got: usize) -> Diagnostic {
    Diagnostic::error(
        Code::WrongArgumentCount,
        format!("`{func}` takes {want} argument, found {got}"),
    )
    .with_primary(span, format!("{got} arguments"))
    .with_help(format!("write `{func}(\"…\")`"))
}

pub fn cannot_read_file(span: Span, path: &str, reason: &str) -> Diagnostic {
    Diagnostic::error(
        Code::CannotReadFile,
        format!("cannot read `{path}`: {reason}"),
    )
    .with_primary(span, "read relative to the folder of this `.pxi` file")
    .with_help("check the path; `file(…)` paths are relative to the file that calls it")
}

pub fn file_outside_project(span: Span, written: &str) -> Diagnostic {
    Diagnostic::error(
        Code::FileOutsideProject,
        format!("`{written}` is outside the project's folder"),
    )
    .with_primary(span, "`file(…)` reads only inside the project")
    .with_help("copy the file into the project, or allow its folder with `--files-from DIR`")
}

pub fn file_not_regular(span: Span, path: &str) -> Diagnostic {
    Diagnostic::error(
        Code::FileNotRegular,
        format!("`{path}` is not a regular file"),
    )
    .with_primary(span, "a folder, device, FIFO or socket")
    .with_help("name the file itself")
}

pub fn file_too_large(span: Span, path: &str) -> Diagnostic {
    Diagnostic::error(
        Code::FileTooLarge,
        format!("`{path}` is larger than {} MiB", super::MAX_READ_FILE >> 20),
    )
    .with_primary(span, "`file(…)` reads at most 1 MiB")
    .with_help("name a small file such as a key or a certificate")
}
