//! Roles against the guests that use them: a role says which kind of guest it fits
//! (`fits`) and which OS families it works on (`os`); a guest that lists a role, or a
//! role that needs one through `depends`, that cannot run on it is refused here
//! rather than failing halfway through an Ansible run (the QEMU guest agent in a
//! container, apt on Rocky Linux). Also the firewall rules a guest ends up with,
//! where they cannot be what its roles say.

use super::eval::{Record, Value};
use crate::diag::{Code, Diagnostic};
use crate::ir::{Fits, Role};
use crate::source::Span;
use std::collections::BTreeMap;

/// What a guest is, for its roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Vm,
    Container,
    /// A template's build VM, which Packer's ansible provisioner configures.
    Template,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Vm => "a VM",
            Kind::Container => "a container",
            Kind::Template => "a template (built in a VM)",
        }
    }

    fn fits(self, fits: Fits) -> bool {
        match fits {
            Fits::Any => true,
            Fits::Vm => self != Kind::Container,
            Fits::Container => self == Kind::Container,
        }
    }
}

/// One guest's roles, as its source lists them.
pub struct GuestRoles<'a> {
    pub name: &'a str,
    pub kind: Kind,
    /// Its image's OS family (`debian`, `rocky`, …; `other` is not checked), and the
    /// image's name.
    pub family: Option<(&'a str, &'a str)>,
    /// Each role it lists, by qualified name, with where it is listed.
    pub roles: Vec<(String, Span)>,
}

/// Checks every role a guest lists, and each role those need.
pub fn check(
    guest: &GuestRoles<'_>,
    roles: &BTreeMap<String, Role>,
    role_span: &dyn Fn(&str) -> Option<Span>,
    out: &mut Vec<Diagnostic>,
) {
    for (listed, at) in &guest.roles {
        let needed = closure(listed, roles);
        // One diagnostic of each kind per listed role: the first role that does not
        // fit, and a note naming the others.
        let misfits: Vec<_> = needed
            .iter()
            .filter(|(role, _)| !guest.kind.fits(role.fits))
            .collect();
        if let Some((role, via)) = misfits.first() {
            let d = kind_mismatch(guest, role, *via, *at, role_span(&role.name));
            out.push(others(d, &misfits));
        }
        if guest.kind == Kind::Container
            && let Some((role, via, path)) = needed
                .iter()
                .find_map(|(role, via)| forbids_root_login(role).map(|path| (role, via, path)))
        {
            out.push(locks_out_root(guest, role, *via, path, *at));
        }
        let Some((family, image)) = guest.family.filter(|(f, _)| *f != "other") else {
            continue;
        };
        let misfits: Vec<_> = needed
            .iter()
            .filter(|(role, _)| !role.os.is_empty() && !role.os.iter().any(|f| f == family))
            .collect();
        if let Some((role, via)) = misfits.first() {
            let d = os_mismatch(
                guest,
                role,
                *via,
                (family, image),
                *at,
                role_span(&role.name),
            );
            out.push(others(d, &misfits));
        }
    }
}

/// The packages that install Docker Engine, whose published ports skip the host
/// firewall (Docker's own iptables rules come before ufw's and firewalld's).
const DOCKER_PACKAGES: [&str; 4] = ["docker.io", "docker-ce", "moby-engine", "docker"];

/// The firewall a guest ends up with, from all its roles together: where it cannot be
/// what one of them says, a warning at its `roles`.
pub fn check_firewall(
    guest: &GuestRoles<'_>,
    roles: &BTreeMap<String, Role>,
    at: Span,
    out: &mut Vec<Diagnostic>,
) {
    let mut all: Vec<&Role> = Vec::new();
    for (listed, _) in &guest.roles {
        for (role, _) in closure(listed, roles) {
            if !all.iter().any(|r| r.name == role.name) {
                all.push(role);
            }
        }
    }
    // Each port a role limits to sources, and the first role that opens it to anyone.
    let opened = |role: &Role| -> Vec<(u16, &'static str)> {
        role.firewall.as_ref().map_or(Vec::new(), |f| {
            f.allow
                .iter()
                .map(|p| (*p, "tcp"))
                .chain(f.allow_udp.iter().map(|p| (*p, "udp")))
                .collect()
        })
    };
    let limited = |role: &Role| role.firewall.as_ref().is_some_and(|f| !f.from.is_empty());
    let mut warned: Vec<(u16, &str)> = Vec::new();
    for role in all.iter().filter(|r| limited(r)) {
        for port in opened(role) {
            if warned.contains(&port) {
                continue;
            }
            let wider = all
                .iter()
                .find(|other| !limited(other) && opened(other).contains(&port));
            let reason = match (wider, port) {
                (Some(other), _) => Some(format!("role `{}` opens it to anyone", other.name)),
                (None, (22, "tcp")) => {
                    Some("Ansible connects on it, so pxic keeps it open to anyone".to_string())
                }
                _ => None,
            };
            if let Some(reason) = reason {
                warned.push(port);
                out.push(
                    Diagnostic::warning(
                        Code::FirewallWiderThanRole,
                        format!(
                            "port {}/{} of `{}` is open to anyone, not only to the `from` of role `{}`",
                            port.0, port.1, guest.name, role.name
                        ),
                    )
                    .with_primary(at, reason)
                    .with_help(format!(
                        "open {}/{} in one role only, with the sources it should have; or drop the `from` if anyone may connect",
                        port.0, port.1
                    )),
                );
            }
        }
    }
    let docker = all.iter().find(|r| {
        r.packages
            .iter()
            .any(|p| DOCKER_PACKAGES.contains(&p.as_str()))
    });
    if let (Some(docker), Some(limiting)) = (docker, all.iter().find(|r| limited(r))) {
        out.push(
            Diagnostic::warning(
                Code::DockerBypassesFirewall,
                format!(
                    "Docker on `{}` publishes ports past the firewall: the `from` of role `{}` does not hold for them",
                    guest.name, limiting.name
                ),
            )
            .with_primary(at, format!("role `{}` installs Docker", docker.name))
            .with_help(
                "publish container ports on 127.0.0.1 or on an address only the allowed sources reach, or drop the `from` of ports Docker publishes",
            ),
        );
    }
}

/// The sshd configuration file of a role that turns root logins off
/// (`PermitRootLogin no`), if it has one. Ansible logs in to containers as root:
/// after such a role, the next run cannot connect.
fn forbids_root_login(role: &Role) -> Option<&str> {
    role.files.iter().find_map(|(path, file)| {
        let sshd = path == "/etc/ssh/sshd_config" || path.starts_with("/etc/ssh/sshd_config.d/");
        let forbids = file.content.lines().any(|line| {
            let mut words = line.split_whitespace();
            matches!(
                (words.next(), words.next()),
                (Some(key), Some(value))
                    if key.eq_ignore_ascii_case("PermitRootLogin")
                        && value.eq_ignore_ascii_case("no")
            )
        });
        (sshd && forbids).then_some(path.as_str())
    })
}

fn locks_out_root(
    guest: &GuestRoles<'_>,
    role: &Role,
    via: Option<&str>,
    path: &str,
    at: Span,
) -> Diagnostic {
    Diagnostic::error(
        Code::RoleLocksOutAnsible,
        format!(
            "{} turns root logins off, and Ansible logs in to container `{}` as root",
            subject(role, via),
            guest.name
        ),
    )
    .with_primary(at, "the next Ansible run could not connect")
    .with_help(format!(
        "leave the role off containers, or write a role of your own whose `{path}` says \
         `PermitRootLogin prohibit-password` (root by key only)"
    ))
}

/// A note naming the roles after the first that have the same problem.
fn others(d: Diagnostic, misfits: &[&(&Role, Option<&str>)]) -> Diagnostic {
    if misfits.len() < 2 {
        return d;
    }
    let names: Vec<String> = misfits[1..]
        .iter()
        .map(|(r, _)| format!("`{}`", r.name))
        .collect();
    d.with_note(format!("{} do not fit either", names.join(", ")))
}

/// A role and every role it needs through `depends`, each once, each with the role
/// the guest listed when it is not that one.
pub(super) fn closure<'r>(
    listed: &'r str,
    roles: &'r BTreeMap<String, Role>,
) -> Vec<(&'r Role, Option<&'r str>)> {
    let mut seen: Vec<&str> = Vec::new();
    let mut stack = vec![listed];
    let mut out = Vec::new();
    while let Some(name) = stack.pop() {
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let Some(role) = roles.get(name) else {
            continue;
        };
        out.push((role, (name != listed).then_some(listed)));
        stack.extend(role.depends.iter().rev().map(String::as_str));
    }
    out
}

/// How a message names the role: as listed, or as needed by the role listed.
fn subject(role: &Role, via: Option<&str>) -> String {
    match via {
        Some(listed) => format!("`{listed}` needs role `{}`, which", role.name),
        None => format!("role `{}`", role.name),
    }
}

fn fits_noun(fits: Fits) -> &'static str {
    match fits {
        Fits::Any => "any guest",
        Fits::Vm => "VMs",
        Fits::Container => "containers",
    }
}

fn kind_mismatch(
    guest: &GuestRoles<'_>,
    role: &Role,
    via: Option<&str>,
    at: Span,
    declared: Option<Span>,
) -> Diagnostic {
    let what = subject(role, via);
    let help = match guest.kind {
        Kind::Container => {
            "give containers roles that fit them (`fits = container` or `any`): std.roles has `roles.essentials`, the baseline without the QEMU guest agent"
        }
        Kind::Vm | Kind::Template => {
            "give VMs roles that fit them (`fits = vm` or `any`), or make this guest a `container`"
        }
    };
    let mut d = Diagnostic::error(
        Code::RoleDoesNotFitGuest,
        format!(
            "{what} only fits {}, and `{}` is {}",
            fits_noun(role.fits),
            guest.name,
            guest.kind.noun()
        ),
    )
    .with_primary(at, format!("cannot run on {}", guest.kind.noun()))
    .with_help(help);
    if let Some(span) = declared {
        d = d.with_secondary(span, format!("`fits = {}` here", fits_word(role.fits)));
    }
    d
}

fn fits_word(fits: Fits) -> &'static str {
    match fits {
        Fits::Any => "any",
        Fits::Vm => "vm",
        Fits::Container => "container",
    }
}

fn os_mismatch(
    guest: &GuestRoles<'_>,
    role: &Role,
    via: Option<&str>,
    (family, image): (&str, &str),
    at: Span,
    declared: Option<Span>,
) -> Diagnostic {
    let what = subject(role, via);
    let mut d = Diagnostic::error(
        Code::RoleDoesNotFitOs,
        format!(
            "{what} is for {}, and `{}` runs {family} (image `{image}`)",
            role.os.join(", "),
            guest.name,
        ),
    )
    .with_primary(at, format!("cannot run on {family}"))
    .with_help(format!(
        "give `{}` roles written for {family} (with `os = [{family}]`, or none), or add {family} to the role's `os` once its packages and files fit it",
        guest.name
    ));
    if let Some(span) = declared {
        d = d.with_secondary(span, "declared here");
    }
    d
}

/// A role's files: a file that changes restarts a service that reads it, or says it
/// needs none (`restart = []`); otherwise a changed configuration never takes effect.
/// Its owner is a Linux user name, which Ansible creates when no package has.
pub fn check_files(role: &Record, out: &mut Vec<Diagnostic>) {
    let has_services = matches!(
        role.fields.get("services").map(|f| &f.value),
        Some(Value::List(items)) if !items.is_empty()
    );
    for file in role.blocks.iter().filter(|b| b.kind == "file") {
        let Some((path, span)) = &file.label else {
            continue;
        };
        if !has_services && !file.record.fields.contains_key("restart") {
            out.push(file_restarts_nothing(path, *span));
        }
        if let (Some(owner), Some(at)) =
            (file.record.text("owner"), file.record.fields.get("owner"))
            && !super::names::is_user_name(owner)
        {
            out.push(
                Diagnostic::error(
                    Code::InvalidUserName,
                    format!("the owner of `{path}` is not a Linux user name"),
                )
                .with_primary(at.span, "Ansible creates this user when no package has")
                .with_help(
                    "use lowercase letters, digits, `_` and `-`, starting with a letter or `_`, at most 32, such as `www-data`",
                ),
            );
        }
    }
}

fn file_restarts_nothing(path: &str, span: Span) -> Diagnostic {
    Diagnostic::warning(
        Code::FileRestartsNothing,
        format!("when `{path}` changes, no service is restarted to read it"),
    )
    .with_primary(span, "the role has no `services` to restart")
    .with_help(
        "name the service that reads it, as in `restart = [\"nginx\"]`, or write `restart = []` when nothing needs to restart",
    )
}
