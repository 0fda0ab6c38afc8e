//! Checks of what a real Proxmox VE node and the bpg/proxmox provider would do with a
//! guest that the language itself allows: the guest agent a template really has, the
//! sudo rights PVE's cloud-init gives, and the feature flags an API token may set.

use super::eval::Record;
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::source::Span;
use std::collections::BTreeMap;

/// The package that makes a guest answer the QEMU guest agent.
pub const AGENT_PACKAGE: &str = "qemu-guest-agent";

/// Whether the VMs cloned from a template have the QEMU guest agent: pxic's unattended
/// installs put it in (Ubuntu's autoinstall, Debian's preseed), and a `build` has it
/// when its packages, or those of its roles and their dependencies, name it. Stock
/// cloud images, which Terraform makes templates of as they are, have none.
pub fn template_has_agent(
    template: &ir::Template,
    images: &BTreeMap<String, ir::Image>,
    roles: &BTreeMap<String, ir::Role>,
) -> bool {
    if template.builder == ir::Builder::Packer
        && images
            .get(&template.image)
            .is_some_and(|image| image.kind == "iso")
    {
        return true;
    }
    let Some(build) = &template.build else {
        return false;
    };
    if build.packages.iter().any(|p| p == AGENT_PACKAGE) {
        return true;
    }
    build.roles.iter().any(|listed| {
        super::guest_roles::closure(listed, roles)
            .iter()
            .any(|(role, _)| role.packages.iter().any(|p| p == AGENT_PACKAGE))
    })
}

/// Settles a VM's `agent`: as written, else whether its template has the agent. An
/// agent turned on for a template without one is a warning: the provider waits for
/// it (`agent.timeout`, 15 minutes) on every create and refresh.
pub fn settle_agent(
    vm: &mut ir::Vm,
    record: &Record,
    template: &ir::Template,
    has_agent: bool,
    out: &mut Vec<Diagnostic>,
) {
    let written = record.fields.get("agent").and_then(|f| match &f.value {
        super::eval::Value::Bool(b) => Some((*b, f.span)),
        _ => None,
    });
    vm.agent = match written {
        Some((true, span)) if !has_agent => {
            out.push(agent_not_in_template(span, &vm.guest.name, &template.name));
            true
        }
        Some((declared, _)) => declared,
        None => has_agent,
    };
}

fn agent_not_in_template(span: Span, vm: &str, template: &str) -> Diagnostic {
    Diagnostic::warning(
        Code::AgentNotInTemplate,
        format!("`{vm}` turns the guest agent on, but template `{template}` does not install it"),
    )
    .with_primary(span, "no `qemu-guest-agent` answers in the clone")
    .with_help(format!(
        "add `build {{ packages = [\"{AGENT_PACKAGE}\"] }}` to template `{template}`, or remove \
         `agent = true` (the default, `auto`, follows the template)"
    ))
    .with_note(
        "Terraform's provider waits for the agent's addresses for 15 minutes on every \
         create and refresh",
    )
}

/// PVE's cloud-init makes a VM's cloud-init user (its first `user`, as whom Ansible
/// logs in) the image's default user, which has passwordless sudo whatever `.pxi`
/// says. `sudo = false` there cannot be honoured.
pub fn check_cloud_init_sudo(vm_record: &Record, vm: &str, out: &mut Vec<Diagnostic>) {
    let Some(first) = vm_record.blocks.iter().find(|b| b.kind == "user") else {
        return;
    };
    let declared = first.record.fields.get("sudo");
    let sudo = matches!(
        declared.map(|f| &f.value),
        Some(super::eval::Value::Bool(true))
    );
    if sudo {
        return;
    }
    let Some((name, label_span)) = &first.label else {
        return;
    };
    let (span, what) = match declared {
        Some(field) => (
            field.span,
            "`sudo = false` cannot be honoured for this user",
        ),
        None => (
            *label_span,
            "`sudo` is `false` by default, which cannot be honoured here",
        ),
    };
    out.push(
        Diagnostic::error(
            Code::CloudInitUserSudo,
            format!(
                "`{name}`, the first user of `{vm}`, is its cloud-init user and always gets sudo"
            ),
        )
        .with_primary(span, what)
        .with_help(format!(
            "declare an administrator with `sudo = true` first and `{name}` after it, or give \
             `{name}` `sudo = true`"
        ))
        .with_note(
            "Proxmox's cloud-init renames the image's default user, which has passwordless \
             sudo; Ansible logs in as this user and needs sudo too",
        ),
    );
}

/// What pve-container lets only `root@pam`, logged in with a password, set on a
/// container, when Terraform logs in with the cluster's API token: an API token, even
/// root's, is answered 403.
pub fn check_container_root_only(
    ct: &ir::Container,
    record: &Record,
    cluster: &ir::Cluster,
    token_span: Option<Span>,
    out: &mut Vec<Diagnostic>,
) {
    if cluster.token.is_none() {
        return;
    }
    feature_flags(ct, record, token_span, out);
    devices(ct, record, token_span, out);
}

/// Feature flags other than `nesting`, and any flag of a privileged container.
fn feature_flags(
    ct: &ir::Container,
    record: &Record,
    token_span: Option<Span>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(features) = record.blocks.iter().find(|b| b.kind == "features") else {
        return;
    };
    let flags: &[(&str, bool)] = &[
        ("nesting", ct.nesting),
        ("keyctl", ct.keyctl),
        ("fuse", ct.fuse),
        ("mknod", ct.mknod),
        ("mount", !ct.mount_types.is_empty()),
    ];
    for (flag, on) in flags {
        let Some(field) = features.record.fields.get(flag) else {
            continue;
        };
        let refused = *on && (*flag != "nesting" || !ct.unprivileged);
        if !refused {
            continue;
        }
        let why = if *flag == "nesting" {
            "on a privileged container"
        } else {
            "except `nesting`"
        };
        let diagnostic = Diagnostic::error(
            Code::FeatureNeedsRootPassword,
            format!(
                "`{}` sets feature `{flag}`, which an API token may not set",
                ct.guest.name
            ),
        )
        .with_primary(
            field.span,
            format!("Proxmox allows feature flags {why} only to root@pam with a password"),
        )
        .with_help(if *flag == "nesting" {
            "make the container unprivileged (`unprivileged = true`), or remove `nesting`"
                .to_string()
        } else {
            format!(
                "remove `{flag}` (Docker runs in an unprivileged container with `nesting` \
                 alone), or set it by hand as root@pam"
            )
        });
        out.push(logs_in_with(diagnostic, token_span));
    }
}

/// The API token's span beside a diagnostic about what only root@pam may do.
fn logs_in_with(diagnostic: Diagnostic, token_span: Option<Span>) -> Diagnostic {
    match token_span {
        Some(span) => diagnostic.with_secondary(span, "Terraform logs in with this API token"),
        None => diagnostic,
    }
}

/// Device passthrough ("configuring device passthrough is only allowed for
/// root@pam").
fn devices(
    ct: &ir::Container,
    record: &Record,
    token_span: Option<Span>,
    out: &mut Vec<Diagnostic>,
) {
    for device in record.blocks.iter().filter(|b| b.kind == "device") {
        let Some((label, span)) = &device.label else {
            continue;
        };
        let diagnostic = Diagnostic::error(
            Code::DeviceNeedsRootPassword,
            format!(
                "`{}` passes device `{label}` through, which an API token may not do",
                ct.guest.name
            ),
        )
        .with_primary(
            *span,
            "Proxmox allows device passthrough only to root@pam with a password",
        )
        .with_help(
            "remove the `device` block and pass the device through by hand as root@pam, or \
             let Terraform log in as root@pam with a password (PROXMOX_VE_USERNAME and \
             PROXMOX_VE_PASSWORD) instead of the cluster's `token`",
        );
        out.push(logs_in_with(diagnostic, token_span));
    }
}

/// The renamed guests of a project: for each, the lock key of its former name and its
/// own (`vm/old`, `vm/new`). A former name that is still declared is an error: its
/// resource cannot be moved while it is kept.
pub fn renames(
    records: &[Record],
    instances: &[super::expand::Declared],
    guests: &[(usize, super::alloc::GuestKey)],
    declared: &rustc_hash::FxHashMap<&str, usize>,
    out: &mut Vec<Diagnostic>,
) -> Vec<(String, String)> {
    let mut renames = Vec::new();
    for (id, key) in guests {
        let r = &records[*id];
        let (Some(old), Some(span)) = (
            r.text("renamed_from"),
            r.fields.get("renamed_from").map(|f| f.span),
        ) else {
            continue;
        };
        let kind = instances[*id].kind.keyword();
        let from = super::joined(kind, '/', old);
        // VMs and the templates Terraform makes share one resource type.
        let template = (kind == "vm").then(|| super::joined("template", '/', old));
        let still = [Some(&from), template.as_ref()]
            .into_iter()
            .flatten()
            .find_map(|key| declared.get(key.as_str()));
        if let Some(&other) = still {
            out.push(
                Diagnostic::error(
                    Code::RenamedFromDeclared,
                    format!(
                        "`{}` is renamed from `{old}`, which is still declared",
                        instances[*id].name
                    ),
                )
                .with_primary(span, format!("`{old}` would be moved here and kept there"))
                .with_secondary(instances[other].name_span, "still declared here")
                .with_help(format!(
                    "remove `{old}`, or remove `renamed_from` to make a new {kind}"
                )),
            );
            continue;
        }
        renames.push((from, key.0.clone()));
    }
    renames
}

/// The lock with what it gave each former name given to the new one as well (VMID,
/// addresses, MACs), so that a renamed guest keeps them; the former name's entries go
/// when the new lock is written, as those of any name no longer declared.
pub fn carry_over(lock: &super::lock::Lock, renames: &[(String, String)]) -> super::lock::Lock {
    let mut carried = lock.clone();
    fn copy<V: Clone>(map: &mut BTreeMap<String, V>, from: &str, to: &str) {
        let prefix = format!("{from}/");
        let old: Vec<(String, V)> = map
            .iter()
            .filter(|(k, _)| *k == from || k.starts_with(&prefix))
            .map(|(k, v)| (format!("{to}{}", &k[from.len()..]), v.clone()))
            .collect();
        for (key, value) in old {
            map.entry(key).or_insert(value);
        }
    }
    for (from, to) in renames {
        copy(&mut carried.vmids, from, to);
        copy(&mut carried.addresses, from, to);
        copy(&mut carried.macs, from, to);
    }
    carried
}
