//! What applying a changed VM or container does to the running guest, as the
//! bpg/proxmox provider (v0.111.1) plans it for the generated Terraform: destroyed,
//! replaced (destroyed and made again, its disks lost), migrated, its disk moved, or
//! rebooted. A reviewer must not have to know which attributes force a replacement.
//!
//! - VMs (`vm.go`): `vm_id` forces a replacement; `node_name` migrates (`migrate =
//!   true`); a `disk.datastore_id` moves the disk (and the cloud-init drive, which
//!   needs the VM stopped); `clone` is ignored after creation;
//!   cores, sockets, CPU type and memory need a restart.
//! - Containers (`container.go`): `node_name`, `vm_id`, `disk.datastore_id`, a smaller
//!   disk, `pool_id`, `unprivileged`, the `operating_system` block (the template file)
//!   and `initialization.user_account` (root's keys) all force a replacement.

mod firmware;

use crate::backend::terraform::root_keys;
use crate::ir::{Container, Guest, Vm};

/// The start of a line that says a guest or a data disk is lost (or would be, but
/// for its protection), or that the apply fails.
pub const LOUD: &str = "  !! ";
/// The end of a line that says a VM loses a data disk.
pub const DISK_LOST: &str =
    "Terraform detaches it and Proxmox keeps it only as an unused disk, deleted with the VM";
/// The end of a line that says the apply fails on a disk made smaller.
pub const CANNOT_SHRINK: &str = "Proxmox cannot shrink a disk: the apply fails";
/// The start of a line that says what else happens to it.
const NOTE: &str = "  → ";

/// One consequence of a change, for the guest of a name.
pub struct Consequence {
    loud: bool,
    kind: &'static str,
    text: String,
}

impl Consequence {
    pub(super) fn loud(kind: &'static str, text: String) -> Consequence {
        Consequence {
            loud: true,
            kind,
            text,
        }
    }

    pub(super) fn note(kind: &'static str, text: String) -> Consequence {
        Consequence {
            loud: false,
            kind,
            text,
        }
    }

    /// The summary line: `  !! vm db-01 is REPLACED …` or `  → vm web-01 …`.
    pub fn line(&self, name: &str) -> String {
        let start = if self.loud { LOUD } else { NOTE };
        format!("{start}{} {name} {}", self.kind, self.text)
    }
}

/// A guest no longer declared under its name, because it was renamed.
pub fn renamed(kind: &'static str, to: &str) -> Consequence {
    Consequence::note(
        kind,
        format!("is renamed to {to}: Terraform moves it (`moved`), nothing is destroyed"),
    )
}

/// A guest removed from the project, or replaced for `reasons`.
fn lost(kind: &'static str, old: &Guest, new: Option<&Guest>, reasons: &[&str]) -> Consequence {
    let protected = old.protection || new.is_some_and(|g| g.protection);
    let what = if reasons.is_empty() {
        "DESTROYED, with its disks".to_string()
    } else {
        format!(
            "REPLACED: destroyed with its disks and made again (by {})",
            reasons.join(", ")
        )
    };
    if protected && new.is_some() {
        Consequence::loud(
            kind,
            format!(
                "would be {what}, but it is protected: Terraform refuses the plan \
                 (prevent_destroy); set `protection = false` first if that is meant"
            ),
        )
    } else if protected {
        // Its resource, lifecycle included, is gone from the configuration: Proxmox's
        // flag is what stops it.
        Consequence::loud(
            kind,
            format!(
                "would be {what}, but it is protected: Proxmox refuses to remove it and the \
                 apply fails; apply `protection = false` first if that is meant"
            ),
        )
    } else {
        Consequence::loud(kind, format!("is {what}"))
    }
}

/// What applying a VM's change does.
pub fn vm(old: Option<&Vm>, new: Option<&Vm>) -> Vec<Consequence> {
    let (old, new) = match (old, new) {
        (Some(old), None) => return vec![lost("vm", &old.guest, None, &[])],
        (Some(old), Some(new)) => (old, new),
        _ => return Vec::new(),
    };
    let (o, n) = (&old.guest, &new.guest);
    if o.vmid != n.vmid {
        return vec![lost("vm", o, Some(n), &["its vmid"])];
    }
    let mut out = Vec::new();
    if o.node != n.node {
        out.push(Consequence::note(
            "vm",
            format!(
                "migrates from {} to {} (migrate = true){}",
                o.node,
                n.node,
                firmware::migration(new)
            ),
        ));
    }
    if o.storage != n.storage {
        // The cloud-init drive follows the disk, and the provider moves it only with
        // the VM stopped (vm.go, "move the Cloud-Init drive").
        let stop = match (o.started && n.started, new.reboot_after_update) {
            (false, _) => "",
            (true, true) => "; it is stopped during apply to move its cloud-init drive",
            (true, false) => {
                "; its cloud-init drive moves only with the VM stopped: the apply stops with \
                 an error unless it is stopped first or reboot_after_update = true"
            }
        };
        out.push(Consequence::note(
            "vm",
            format!(
                "has its disk moved from {} to {}{stop}",
                o.storage, n.storage
            ),
        ));
    }
    if n.disk < o.disk {
        out.push(Consequence::loud(
            "vm",
            format!(
                "would get a smaller disk ({} → {}): {CANNOT_SHRINK}",
                gib(o.disk),
                gib(n.disk)
            ),
        ));
    }
    out.extend(data_disks(old, new));
    if old.template != new.template || old.full_clone != new.full_clone {
        out.push(Consequence::note(
            "vm",
            "keeps its disk: how it is cloned only counts for a VM made anew".to_string(),
        ));
    }
    let mut restart = Vec::new();
    if o.cores != n.cores || old.sockets != new.sockets {
        restart.push("its CPUs");
    }
    if old.cpu_type != new.cpu_type {
        restart.push("its CPU type");
    }
    if o.memory != n.memory || old.balloon != new.balloon {
        restart.push("its memory");
    }
    firmware::changes(old, new, &mut out, &mut restart);
    if !restart.is_empty() && o.started && n.started {
        let what = restart.join(", ");
        out.push(Consequence::note(
            "vm",
            if new.reboot_after_update {
                format!("is REBOOTED during apply for {what} (reboot_after_update = true)")
            } else {
                format!(
                    "needs a restart for {what}: Proxmox keeps the change pending until it \
                     restarts (reboot_after_update = false)"
                )
            },
        ));
    }
    out.extend(super::nic::changes("vm", o, n));
    out
}

/// What applying a container's change does; `token`: Terraform logs in with an API
/// token.
pub fn container(
    old: Option<&Container>,
    new: Option<&Container>,
    token: bool,
) -> Vec<Consequence> {
    let (old, new) = match (old, new) {
        (Some(old), None) => return vec![lost("container", &old.guest, None, &[])],
        (Some(old), Some(new)) => (old, new),
        _ => return Vec::new(),
    };
    let (o, n) = (&old.guest, &new.guest);
    let reasons: Vec<&str> = [
        (o.vmid != n.vmid, "its vmid"),
        (
            o.node != n.node,
            "its host: the provider cannot migrate a container",
        ),
        (o.storage != n.storage, "its storage"),
        (n.disk < o.disk, "a smaller disk"),
        (o.pool != n.pool, "its pool"),
        (
            old.image != new.image || old.image_storage != new.image_storage,
            "its template file",
        ),
        (old.unprivileged != new.unprivileged, "`unprivileged`"),
        (root_keys(o) != root_keys(n), "root's SSH keys"),
        (
            old.mounts != new.mounts,
            "its mount points: the provider makes the container again for any change to them",
        ),
    ]
    .into_iter()
    .filter_map(|(changed, why)| changed.then_some(why))
    .collect();
    if !reasons.is_empty() {
        return vec![lost("container", o, Some(n), &reasons)];
    }
    let mut out = super::nic::changes("container", o, n);
    if (&old.shared_uids, &old.shared_gids) != (&new.shared_uids, &new.shared_gids) && n.started {
        out.push(Consequence::note(
            "container",
            "is restarted during apply for its new id map; files of the ids it remaps keep \
             their owners on the host"
                .to_string(),
        ));
    }
    if token && features_of(old) != features_of(new) {
        // On an update the provider sends every flag (`keyctl=0`, …), which Proxmox
        // counts as changing flags other than `nesting`: root@pam only.
        out.push(Consequence::loud(
            "container",
            "has its features changed, which fails with an API token: the provider sends \
             every flag, and Proxmox lets only root@pam change flags other than nesting; \
             change them by hand as root@pam"
                .to_string(),
        ));
    }
    out
}

/// A container's feature flags, as the provider's `features` block holds them.
fn features_of(ct: &Container) -> (bool, bool, bool, bool, &[String]) {
    (ct.nesting, ct.keyctl, ct.fuse, ct.mknod, &ct.mount_types)
}

/// What applying a VM's data disks does: the provider knows a disk by its slot
/// (`interface`). A slot no longer declared is detached (`vm.go`: "Devices present on
/// the VM but absent from the plan are sent to the Proxmox API via the delete
/// parameter"), a smaller disk fails the apply, another storage moves the disk.
fn data_disks(old: &Vm, new: &Vm) -> Vec<Consequence> {
    let mut out = Vec::new();
    for was in &old.disks {
        let Some(now) = new.disks.iter().find(|d| d.interface == was.interface) else {
            let moved = new
                .disks
                .iter()
                .find(|d| d.name == was.name)
                .map(|d| format!("; `{}` on {} is a new, empty disk", d.name, d.interface))
                .unwrap_or_default();
            out.push(Consequence::loud(
                "vm",
                format!(
                    "loses data disk `{}` ({}, {}) and its data{moved}: {DISK_LOST}",
                    was.name,
                    was.interface,
                    gib(was.size)
                ),
            ));
            continue;
        };
        if now.size < was.size {
            out.push(Consequence::loud(
                "vm",
                format!(
                    "would get a smaller data disk `{}` on {} ({} → {}): {CANNOT_SHRINK}",
                    now.name,
                    now.interface,
                    gib(was.size),
                    gib(now.size)
                ),
            ));
        }
        if now.storage != was.storage {
            out.push(Consequence::note(
                "vm",
                format!(
                    "has data disk `{}` on {} moved from {} to {}",
                    now.name, now.interface, was.storage, now.storage
                ),
            ));
        }
    }
    out
}

/// `20GiB`, or `1.5GiB`, as Terraform's whole GiB are not: sizes as written.
fn gib(bytes: u64) -> String {
    crate::syntax::size_text(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A VM of the IR from its JSON, with `changes` laid over a plain one.
    fn vm_with(changes: serde_json::Value) -> Vm {
        let mut value = json!({
            "name": "db-01", "host": "pve1", "node": "pve1", "vmid": 101,
            "cores": 2, "memory": 4u64 << 30, "disk": 20u64 << 30, "storage": "local-lvm",
            "nics": [], "users": [], "roles": [], "tags": [], "pool": null,
            "description": null, "on_boot": true, "started": true, "protection": false,
            "dns": [], "domain": null, "origin": {"file": "vms.pxi"},
            "template": "ubuntu-2404", "template_vmid": 9000, "sockets": 1,
            "cpu_type": "x86-64-v2-AES", "balloon": null, "agent": false,
            "full_clone": true, "reboot_after_update": false
        });
        for (k, v) in changes.as_object().expect("an object") {
            value[k] = v.clone();
        }
        serde_json::from_value(value).expect("a VM")
    }

    fn lines(consequences: Vec<Consequence>) -> Vec<String> {
        consequences.iter().map(|c| c.line("db-01")).collect()
    }

    #[test]
    fn a_vm_is_lost_only_to_a_new_vmid_or_removal() {
        let old = vm_with(json!({}));
        let renumbered = vm_with(json!({"vmid": 102}));
        let replaced = lines(vm(Some(&old), Some(&renumbered)));
        assert_eq!(replaced.len(), 1);
        assert!(
            replaced[0].starts_with("  !! vm db-01 is REPLACED"),
            "{replaced:?}"
        );
        assert!(lines(vm(Some(&old), None))[0].starts_with("  !! vm db-01 is DESTROYED"));

        let moved = vm_with(
            json!({"host": "pve2", "node": "pve2", "storage": "tank", "template": "debian-12"}),
        );
        let kept = lines(vm(Some(&old), Some(&moved)));
        assert!(kept.iter().all(|l| !l.starts_with(LOUD)), "{kept:?}");
        assert_eq!(
            kept,
            [
                "  → vm db-01 migrates from pve1 to pve2 (migrate = true)",
                "  → vm db-01 has its disk moved from local-lvm to tank; its cloud-init drive moves only with the VM stopped: the apply stops with an error unless it is stopped first or reboot_after_update = true",
                "  → vm db-01 keeps its disk: how it is cloned only counts for a VM made anew",
            ]
        );
    }

    #[test]
    fn a_protected_vm_stops_the_apply() {
        let old = vm_with(json!({"protection": true}));
        let line = &lines(vm(Some(&old), None))[0];
        assert!(
            line.starts_with(LOUD) && line.contains("Proxmox refuses"),
            "{line}"
        );
        let renumbered = vm_with(json!({"protection": true, "vmid": 102}));
        let line = &lines(vm(Some(&old), Some(&renumbered)))[0];
        assert!(
            line.starts_with(LOUD) && line.contains("Terraform refuses the plan"),
            "{line}"
        );
    }

    #[test]
    fn a_restart_is_announced_as_declared() {
        let old = vm_with(json!({}));
        let pending = lines(vm(Some(&old), Some(&vm_with(json!({"cores": 4})))));
        assert_eq!(pending.len(), 1);
        assert!(
            pending[0].contains("pending until it restarts"),
            "{pending:?}"
        );
        let reboot = vm_with(json!({"memory": 8u64 << 30, "reboot_after_update": true}));
        let rebooted = lines(vm(Some(&old), Some(&reboot)));
        assert!(
            rebooted[0].contains("is REBOOTED during apply for its memory"),
            "{rebooted:?}"
        );
        let stopped = vm_with(json!({"started": false}));
        let cold = vm_with(json!({"started": false, "cores": 4}));
        assert!(vm(Some(&stopped), Some(&cold)).is_empty());
    }

    #[test]
    fn a_firmware_change_is_said_loudly() {
        let ovmf = json!({"bios": "ovmf", "os_type": "win11", "machine": "q35", "tpm": true});
        let old = vm_with(json!({"firmware": ovmf}));
        let seabios = vm_with(json!({}));
        let changed = lines(vm(Some(&old), Some(&seabios)));
        assert!(
            changed[0].starts_with("  !! vm db-01 has its firmware changed from ovmf to seabios"),
            "{changed:?}"
        );
        assert!(
            changed[1].starts_with("  !! vm db-01 has its TPM state disk DELETED"),
            "{changed:?}"
        );
        assert!(
            changed[2].contains("needs a restart for its machine type, its OS type"),
            "{changed:?}"
        );
        let tuned = vm_with(json!({"cpu": {"flags": ["+aes"], "numa": true}}));
        let restart = lines(vm(Some(&seabios), Some(&tuned)));
        assert_eq!(restart.len(), 1);
        assert!(restart[0].contains("its CPU flags or NUMA"), "{restart:?}");
        assert!(lines(vm(Some(&old), Some(&old.clone()))).is_empty());
    }

    #[test]
    fn a_vm_with_a_passed_through_device_migrates_only_stopped() {
        let gpu = json!([{"label": "gpu", "mapping": "gpu", "path": null, "pcie": true, "rombar": true, "primary_gpu": false}]);
        let old = vm_with(json!({"pci": gpu}));
        let moved = vm_with(json!({"pci": gpu, "host": "pve2", "node": "pve2"}));
        let said = lines(vm(Some(&old), Some(&moved)));
        assert!(said[0].contains("cannot migrate live"), "{said:?}");
        let plain = lines(vm(Some(&vm_with(json!({}))), Some(&old)));
        assert!(plain[0].contains("its passed-through devices"), "{plain:?}");
    }

    #[test]
    fn a_container_moved_or_rekeyed_is_replaced() {
        let container = |changes: serde_json::Value| -> Container {
            let mut value = json!({
                "name": "dns-01", "host": "pve1", "node": "pve1", "vmid": 105,
                "cores": 1, "memory": 512u64 << 20, "disk": 8u64 << 30, "storage": "local-lvm",
                "nics": [], "users": [{"name": "ops", "ssh_keys": ["ssh-ed25519 A"], "sudo": true, "shell": "/bin/bash"}],
                "roles": [], "tags": [], "pool": null, "description": null, "on_boot": true,
                "started": true, "protection": false, "dns": [], "domain": null,
                "origin": {"file": "ct.pxi"}, "image": "os.debian_12_lxc",
                "image_storage": "local", "swap": 0, "unprivileged": true,
                "nesting": false, "keyctl": false
            });
            for (k, v) in changes.as_object().expect("an object") {
                value[k] = v.clone();
            }
            serde_json::from_value(value).expect("a container")
        };
        let old = container(json!({}));
        let moved = container(json!({"host": "pve2", "node": "pve2"}));
        let line = &lines(container_of(&old, &moved))[0];
        assert!(
            line.starts_with("  !! container db-01 is REPLACED") && line.contains("cannot migrate"),
            "{line}"
        );
        let rekeyed = container(json!({"users": []}));
        assert!(lines(container_of(&old, &rekeyed))[0].contains("root's SSH keys"));
        assert!(container_of(&old, &container(json!({"cores": 2}))).is_empty());
        // Features change in place, but not with an API token.
        let fused = container(json!({"fuse": true}));
        assert!(container_of(&old, &fused).is_empty());
        let with_token = lines(super::container(Some(&old), Some(&fused), true));
        assert!(!crate::plan_diff::is_destructive(&with_token[0]));
        assert!(crate::plan_diff::is_other_warning(&with_token[0]));
        assert!(
            with_token.len() == 1
                && with_token[0].starts_with("  !! container db-01 has its features changed"),
            "{with_token:?}"
        );
        let nested = container(json!({"nesting": true}));
        assert_eq!(
            lines(super::container(Some(&old), Some(&nested), true)).len(),
            1
        );
        let mapped = container(json!({"shared_uids": [1000]}));
        let restarted = lines(container_of(&old, &mapped));
        assert!(
            restarted.len() == 1
                && restarted[0].contains("restarted during apply for its new id map"),
            "{restarted:?}"
        );
        let resized = container(json!({"cores": 2}));
        assert!(super::container(Some(&old), Some(&resized), true).is_empty());
        let mounted = container(json!({"mounts": [{"name": "data", "path": "/srv",
            "size": 8u64 << 30, "storage": "local-lvm", "backup": false}]}));
        let line = &lines(container_of(&old, &mounted))[0];
        assert!(
            line.starts_with("  !! container db-01 is REPLACED")
                && line.contains("its mount points"),
            "{line}"
        );
    }

    /// A data disk of the IR from its name, slot, size in GiB and storage.
    fn disk(name: &str, interface: &str, gib: u64, storage: &str) -> serde_json::Value {
        json!({"name": name, "interface": interface, "size": gib << 30, "storage": storage,
               "format": null, "cache": "none", "discard": true, "ssd": true,
               "iothread": true, "backup": false, "replicate": true})
    }

    #[test]
    fn a_dropped_or_reslotted_data_disk_is_lost_loudly() {
        let old = vm_with(json!({"disks": [
            disk("data", "scsi1", 100, "local-lvm"), disk("logs", "scsi2", 10, "local-lvm")
        ]}));
        let dropped = vm_with(json!({"disks": [disk("data", "scsi1", 100, "local-lvm")]}));
        let lines_dropped = lines(vm(Some(&old), Some(&dropped)));
        assert_eq!(
            lines_dropped,
            [format!(
                "  !! vm db-01 loses data disk `logs` (scsi2, 10GiB) and its data: {DISK_LOST}"
            )]
        );
        assert!(crate::plan_diff::loses_disk(&lines_dropped[0]));
        assert!(!crate::plan_diff::is_destructive(&lines_dropped[0]));

        let reslotted = vm_with(json!({"disks": [
            disk("data", "scsi3", 100, "local-lvm"), disk("logs", "scsi2", 10, "local-lvm")
        ]}));
        let line = &lines(vm(Some(&old), Some(&reslotted)))[0];
        assert!(
            line.starts_with("  !! vm db-01 loses data disk `data` (scsi1, 100GiB) and its data; `data` on scsi3 is a new, empty disk"),
            "{line}"
        );
        // Added disks and renamed ones on the same slot cost nothing.
        let grown = vm_with(json!({"disks": [
            disk("database", "scsi1", 200, "local-lvm"), disk("logs", "scsi2", 10, "local-lvm"),
            disk("spare", "virtio0", 10, "local-lvm")
        ]}));
        assert!(vm(Some(&old), Some(&grown)).is_empty());
    }

    #[test]
    fn a_smaller_disk_fails_the_apply_and_another_storage_moves_it() {
        let old = vm_with(json!({"disks": [disk("data", "scsi1", 100, "local-lvm")]}));
        let changed = vm_with(json!({"disk": 10u64 << 30,
            "disks": [disk("data", "scsi1", 50, "tank")]}));
        let said = lines(vm(Some(&old), Some(&changed)));
        assert_eq!(
            said,
            [
                format!("  !! vm db-01 would get a smaller disk (20GiB → 10GiB): {CANNOT_SHRINK}"),
                format!(
                    "  !! vm db-01 would get a smaller data disk `data` on scsi1 (100GiB → 50GiB): {CANNOT_SHRINK}"
                ),
                "  → vm db-01 has data disk `data` on scsi1 moved from local-lvm to tank"
                    .to_string(),
            ]
        );
        assert!(said[..2].iter().all(|l| crate::plan_diff::fails(l)));
        assert!(!said.iter().any(|l| crate::plan_diff::is_destructive(l)));
        let mut text = String::new();
        crate::plan_diff::say_disk_losses(&said, &mut text);
        assert!(
            text.contains("!! 2 disks made smaller by this change"),
            "{text}"
        );
    }

    fn container_of(old: &Container, new: &Container) -> Vec<Consequence> {
        container(Some(old), Some(new), false)
    }
}
