//! Preflight: whether a live cluster can take a plan at all, before any tool touches
//! it. Pure: the caller reads the facts (`pve::version`, `pve::nodes`,
//! `pve::storages`, `pve::bridges`, `pve::privileges`) and gets diagnostics.
//! Checked: the Proxmox VE version the plan needs; that every node the plan puts
//! something on is in the cluster and online; that every storage the plan uses is
//! on the nodes that use it, active, and takes the content put there; that every
//! bridge a NIC uses is on its node; (for `apply`) that no VMID the plan uses holds a
//! guest pxic does not manage, and that the API token holds the privileges of each
//! step that will run ([`privileges`]). A storage or bridge the project declares is
//! the host step's to make: when that step runs first, its absence is no problem.

mod privileges;

pub use privileges::privileges;

use crate::diag::{Code, Diagnostic};
use crate::drift::Drift;
use crate::ir::Plan;
use crate::pve::{LiveNode, LiveStorage};
use std::collections::BTreeMap;

/// Whether the host step runs before the steps that use storages and bridges: it
/// makes the ones the project declares, and gives them the content it declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostStep {
    RunsFirst,
    Skipped,
}

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

/// The nodes whose storages and bridges preflight reads: those the plan puts
/// something on that are in the cluster and online (an offline node is reported
/// already, and answers nothing).
pub fn nodes_to_read(plan: &Plan, nodes: &[LiveNode]) -> Vec<String> {
    let mut wanted: Vec<&str> = plan.hosts.values().map(|h| h.node.as_str()).collect();
    wanted.sort_unstable();
    wanted.dedup();
    wanted
        .into_iter()
        .filter(|node| nodes.iter().any(|n| n.name == *node && n.online))
        .map(str::to_string)
        .collect()
}

/// What one node's storage must hold, for whom: content type → the first user.
type Contents = BTreeMap<&'static str, String>;

/// Every (node, storage) the plan puts something on, with the content it needs.
fn storage_uses(plan: &Plan) -> BTreeMap<(&str, &str), Contents> {
    fn add<'p>(
        uses: &mut BTreeMap<(&'p str, &'p str), Contents>,
        (node, storage): (&'p str, &'p str),
        content: &'static str,
        user: String,
    ) {
        if !storage.is_empty() {
            uses.entry((node, storage))
                .or_default()
                .entry(content)
                .or_insert(user);
        }
    }
    let mut uses = BTreeMap::new();
    for t in plan.templates.values() {
        let user = format!("template `{}` puts its disk there", t.name);
        add(&mut uses, (&t.node, &t.storage), "images", user);
        let (content, what) = match plan.images.get(&t.image) {
            Some(image) if image.kind == "iso" => ("iso", "installer image"),
            _ => ("import", "cloud image"),
        };
        let user = format!("template `{}` downloads its {what} there", t.name);
        add(&mut uses, (&t.node, &t.image_storage), content, user);
    }
    for vm in plan.vms.values() {
        let g = &vm.guest;
        let user = format!("vm `{}` puts its disk there", g.name);
        add(&mut uses, (&g.node, &g.storage), "images", user);
    }
    for ct in plan.containers.values() {
        let g = &ct.guest;
        let user = format!("container `{}` puts its root file system there", g.name);
        add(&mut uses, (&g.node, &g.storage), "rootdir", user);
        let user = format!("container `{}` downloads its template there", g.name);
        add(&mut uses, (&g.node, &ct.image_storage), "vztmpl", user);
    }
    for vm in plan.vms.values() {
        for d in &vm.disks {
            let user = format!(
                "vm `{}` puts its data disk `{}` there",
                vm.guest.name, d.name
            );
            add(&mut uses, (&vm.guest.node, &d.storage), "images", user);
        }
    }
    for ct in plan.containers.values() {
        // A bind mount's storage is empty: `add` leaves it out.
        for m in &ct.mounts {
            let user = format!(
                "container `{}` puts its mount point `{}` there",
                ct.guest.name, m.name
            );
            add(&mut uses, (&ct.guest.node, &m.storage), "rootdir", user);
        }
    }
    uses
}

/// Whether the project declares `storage` on `node` (on a host that is that node,
/// or for the whole cluster) with `content`, so the host step makes it so.
fn declared_storage(plan: &Plan, node: &str, storage: &str, content: Option<&str>) -> bool {
    plan.hosts
        .values()
        .filter(|h| h.node == node)
        .filter_map(|h| h.storages.get(storage))
        .chain(plan.cluster.storages.get(storage))
        .any(|s| content.is_none_or(|c| s.content.iter().any(|have| have == c)))
}

/// An error for each storage the plan uses that a node lacks, has inactive, or that
/// does not take the content the plan puts there. `live` holds the storages of each
/// node read (see [`nodes_to_read`]); other nodes are not checked.
pub fn storages(
    plan: &Plan,
    live: &BTreeMap<String, Vec<LiveStorage>>,
    host_step: HostStep,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let made_by_hosts = |node: &str, storage: &str, content: Option<&str>| {
        host_step == HostStep::RunsFirst && declared_storage(plan, node, storage, content)
    };
    let run_hosts = "the host step makes the storages the project declares, with their content: run it first (`pxic apply --only hosts`, or without `--only`/`--skip hosts`)";
    for ((node, storage), contents) in storage_uses(plan) {
        let Some(have) = live.get(node) else {
            continue;
        };
        let first_user = contents.values().next().map_or("", String::as_str);
        let Some(found) = have.iter().find(|s| s.name == storage) else {
            if !made_by_hosts(node, storage, None) {
                problems.push(
                    Diagnostic::error(
                        Code::StorageMissing,
                        format!(
                            "node `{node}` has no storage `{storage}`, and {first_user}"
                        ),
                    )
                    .with_help(format!(
                        "{run_hosts}; or add it on the node (`pvesm add …`). A token without Datastore.Audit on /storage/{storage} does not see it either"
                    )),
                );
            }
            continue;
        };
        if !found.enabled && made_by_hosts(node, storage, None) {
            // Not yet for this node: the host step adds the node to its `nodes`.
            continue;
        }
        if !found.active {
            let why = if found.enabled {
                "its backing does not answer (an NFS or CIFS server, Ceph, a missing volume group)"
            } else {
                "it is disabled, or not configured for this node (its `nodes`)"
            };
            problems.push(
                Diagnostic::error(
                    Code::StorageInactive,
                    format!(
                        "storage `{storage}` is not active on node `{node}`, and {first_user}: {why}"
                    ),
                )
                .with_help(format!(
                    "`pvesm status` on `{node}` says why; enable it (`pvesm set {storage} --disable 0`, with `{node}` in its `--nodes`) or bring its backing back"
                )),
            );
            continue;
        }
        for (content, user) in &contents {
            if found.content.iter().any(|c| c == content)
                || made_by_hosts(node, storage, Some(content))
            {
                continue;
            }
            let mut all = found.content.clone();
            all.push((*content).to_string());
            all.sort();
            problems.push(
                Diagnostic::error(
                    Code::StorageContentMissing,
                    format!(
                        "storage `{storage}` on node `{node}` does not take `{content}` content, and {user}"
                    ),
                )
                .with_help(format!(
                    "{run_hosts}; or `pvesm set {storage} --content {}`",
                    all.join(",")
                )),
            );
        }
    }
    problems
}

/// An error for each bridge a NIC of the plan uses that its node lacks and the host
/// step will not make. `live` holds the bridges of each node read.
pub fn bridges(
    plan: &Plan,
    live: &BTreeMap<String, Vec<String>>,
    host_step: HostStep,
) -> Vec<Diagnostic> {
    let mut uses: BTreeMap<(&str, &str), String> = BTreeMap::new();
    for t in plan.templates.values() {
        if let Some(nic) = &t.build_nic {
            uses.entry((&t.node, &nic.bridge))
                .or_insert_with(|| format!("the build VM of template `{}` is on it", t.name));
        }
    }
    let guests = plan
        .vms
        .values()
        .map(|vm| ("vm", &vm.guest))
        .chain(plan.containers.values().map(|ct| ("container", &ct.guest)));
    for (kind, g) in guests {
        for nic in &g.nics {
            uses.entry((&g.node, &nic.bridge))
                .or_insert_with(|| format!("{kind} `{}` has a NIC on it", g.name));
        }
    }
    let mut problems = Vec::new();
    for ((node, bridge), user) in uses {
        let Some(have) = live.get(node) else {
            continue;
        };
        if have.iter().any(|b| b == bridge) {
            continue;
        }
        let host = plan.hosts.values().find(|h| h.node == node);
        let declared = host.is_some_and(|h| h.bridges.contains_key(bridge));
        if declared && host_step == HostStep::RunsFirst {
            continue;
        }
        let help = match host {
            Some(h) if declared => format!(
                "host `{}` declares it, and the host step makes it: run that step first (`pxic apply --only hosts`, or without `--only`/`--skip hosts`)",
                h.name
            ),
            Some(h) => format!(
                "declare it on host `{}` (`bridge {bridge} {{ ports = [...] }}`) so the host step makes it, or make it on the node",
                h.name
            ),
            None => format!("make the bridge on node `{node}`"),
        };
        problems.push(
            Diagnostic::error(
                Code::BridgeMissing,
                format!("node `{node}` has no bridge `{bridge}`, and {user}"),
            )
            .with_help(help),
        );
    }
    problems
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

    #[test]
    fn data_disks_and_mount_points_need_their_storage_and_its_content() {
        let mut map = crate::source::SourceMap::new();
        map.add(
            "main.pxi",
            r#"use std.os
cluster lab { endpoint = "https://10.0.0.2:8006/" }
network lan { cidr = 10.0.0.0/24, gateway = 10.0.0.1, pool = 10.0.0.100 .. 10.0.0.109 }
host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { ports = ["eno1"], network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local { type = dir, path = "/var/lib/vz", content = [import, vztmpl] }
  storage tank { type = dir, path = "/tank", content = [images, rootdir] }
}
template t { host = pve1, image = os.debian_12, storage = local-lvm }
vm db { host = pve1, template = t, disk data { size = 8GiB, interface = "scsi1", storage = tank } }
container ct {
  host = pve1
  template = os.debian_12_lxc
  storage = local-lvm
  mount data { path = "/srv", size = 1GiB, storage = tank }
  mount bind { path = "/media", host_path = "/srv/media" }
}
"#,
        );
        let checked =
            crate::check::check_project(&mut map, &crate::check::NoFiles, &Default::default());
        let plan = checked.plan.expect("a plan");
        let storage = |name: &str, content: &[&str]| LiveStorage {
            name: name.into(),
            content: content.iter().map(|c| c.to_string()).collect(),
            enabled: true,
            active: true,
        };
        let live: BTreeMap<String, Vec<LiveStorage>> = [(
            "pve1".to_string(),
            vec![
                storage("local-lvm", &["images", "rootdir"]),
                storage("local", &["import", "vztmpl"]),
                storage("tank", &["iso"]),
            ],
        )]
        .into_iter()
        .collect();
        let said: Vec<String> = storages(&plan, &live, HostStep::Skipped)
            .iter()
            .map(|d| d.message.clone())
            .collect();
        // The token may allocate everywhere but on `tank`, where the data disk and the
        // mount point go; a bind mount needs no storage.
        let everything: std::collections::BTreeSet<String> = [
            "VM.Allocate",
            "VM.Clone",
            "VM.Config.Disk",
            "VM.Config.CPU",
            "VM.Config.Memory",
            "VM.Config.Network",
            "VM.Config.Options",
            "VM.Config.Cloudinit",
            "VM.Config.HWType",
            "VM.PowerMgmt",
            "VM.Audit",
            "VM.Monitor",
            "VM.GuestAgent.Audit",
            "VM.Migrate",
            "Datastore.AllocateSpace",
            "Datastore.AllocateTemplate",
            "Datastore.Audit",
            "Sys.Audit",
            "Sys.Modify",
            "SDN.Use",
            "Pool.Allocate",
            "Pool.Audit",
        ]
        .iter()
        .map(|p| p.to_string())
        .collect();
        let held = crate::pve::Privileges {
            by_path: [
                ("/".to_string(), everything),
                ("/storage/tank".to_string(), Default::default()),
            ]
            .into_iter()
            .collect(),
        };
        let stages = [crate::runner::Stage::Guests].into_iter().collect();
        let lacking = privileges(&plan, &held, "ci@pve!pxic", &stages, &Default::default());
        assert_eq!(lacking.len(), 1, "{lacking:?}");
        assert!(
            lacking[0]
                .message
                .contains("lacks Datastore.AllocateSpace on /storage/tank"),
            "{:?}",
            lacking[0].message
        );
        assert_eq!(
            said,
            [
                "storage `tank` on node `pve1` does not take `images` content, and vm `db` puts its data disk `data` there",
                "storage `tank` on node `pve1` does not take `rootdir` content, and container `ct` puts its mount point `data` there",
            ]
        );
    }
}
