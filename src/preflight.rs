//! Preflight: whether a live cluster can take a plan at all, before any tool touches
//! it. Pure: the caller reads the facts (`pve::version`, `pve::nodes`) and gets
//! diagnostics. Checked today: the Proxmox VE version the plan needs, that every
//! node the plan puts something on is in the cluster and online, and (for `apply`)
//! that no VMID the plan uses holds a guest pxic does not manage.

use crate::diag::{Code, Diagnostic};
use crate::drift::Drift;
use crate::ir::Plan;
use crate::pve::LiveNode;

/// The oldest Proxmox VE release pxic's generated files are written for (the bpg
/// provider's and the host playbook's).
pub const OLDEST: (u32, u32) = (8, 0);
/// The first release with the `import` content type, which cloud-image templates use.
pub const IMPORT_CONTENT: (u32, u32) = (8, 4);

/// `(major, minor)` of a version string such as `9.0.10` or `8.4-1`.
pub fn parse_version(text: &str) -> Option<(u32, u32)> {
    let mut parts = text.split(['.', '-']);
    let major = parts.next()?.trim().parse().ok()?;
    let minor = parts.next().map_or(Some(0), |m| m.trim().parse().ok())?;
    Some((major, minor))
}

/// The release the plan needs, and why.
fn needed(plan: &Plan) -> ((u32, u32), String) {
    let import = plan
        .hosts
        .values()
        .flat_map(|h| h.storages.values())
        .chain(plan.cluster.storages.values())
        .find(|s| s.content.iter().any(|c| c == "import"));
    match import {
        Some(storage) => (
            IMPORT_CONTENT,
            format!("storage `{}` holds `import` content", storage.name),
        ),
        None => (
            OLDEST,
            "pxic's generated files are written for it".to_string(),
        ),
    }
}

/// Every reason the cluster cannot take the plan, given its version and nodes.
pub fn check(plan: &Plan, version: &str, nodes: &[LiveNode]) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let ((major, minor), why) = needed(plan);
    match parse_version(version) {
        Some(have) if have >= (major, minor) => {}
        _ => problems.push(
            Diagnostic::error(
                Code::ClusterTooOld,
                format!(
                    "the cluster runs Proxmox VE {}, and the project needs {major}.{minor} or later: {why}",
                    crate::diag::escape::line(version)
                ),
            )
            .with_help(format!(
                "upgrade the nodes to Proxmox VE {major}.{minor} or later (`apt full-upgrade` on each), or change what needs it"
            )),
        ),
    }
    let mut wanted: Vec<(&str, &str)> = plan
        .hosts
        .values()
        .map(|h| (h.node.as_str(), h.name.as_str()))
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    for (node, host) in wanted {
        match nodes.iter().find(|n| n.name == node) {
            None => problems.push(
                Diagnostic::error(
                    Code::NodeMissing,
                    format!("host `{host}` is node `{node}`, which the cluster does not have"),
                )
                .with_help(format!(
                    "join the node to the cluster (`pvecm add` on it), or set the host's `node` to its name in the cluster ({})",
                    names(nodes)
                )),
            ),
            Some(n) if !n.online => problems.push(
                Diagnostic::error(
                    Code::NodeOffline,
                    format!("node `{node}` (host `{host}`) is offline"),
                )
                .with_help("bring the node back (or wait for it): nothing can be made on it while it is offline"),
            ),
            Some(_) => {}
        }
    }
    problems
}

/// An error for each VMID of the plan that holds a guest pxic does not manage:
/// Terraform would fail on it, or worse, a later import would take it over.
pub fn taken(drift: &[Drift]) -> Vec<Diagnostic> {
    drift
        .iter()
        .filter_map(|d| match d {
            Drift::Taken {
                kind,
                name,
                vmid,
                holder,
            } => Some(
                Diagnostic::error(
                    Code::VmidTaken,
                    format!(
                        "{} `{name}` is to have VMID {vmid}, which holds `{}`, a guest pxic does not manage",
                        kind.word(),
                        crate::diag::escape::line(holder)
                    ),
                )
                .with_help(format!(
                    "give `{name}` another VMID (set its `vmid`, or move the cluster's `vmids` range), or move the other guest; pxic never touches a guest it did not make"
                )),
            ),
            _ => None,
        })
        .collect()
}

fn names(nodes: &[LiveNode]) -> String {
    if nodes.is_empty() {
        return "it lists none".to_string();
    }
    nodes
        .iter()
        .map(|n| format!("`{}`", n.name))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_as_pve_writes_them() {
        assert_eq!(parse_version("9.0.10"), Some((9, 0)));
        assert_eq!(parse_version("8.4-1"), Some((8, 4)));
        assert_eq!(parse_version("8"), Some((8, 0)));
        assert_eq!(parse_version("beta"), None);
        assert!(parse_version("8.3.5") < Some(IMPORT_CONTENT));
    }
}
