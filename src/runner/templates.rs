//! Which templates Packer builds, and why: those the cluster lacks, and those whose
//! build inputs changed since they were built. Each template Packer builds carries
//! the fingerprint of its inputs in its description (`backend::packer::fingerprint_in`),
//! so every operator's pxic reads the same answer off the cluster.
//!
//! Rebuilding a template whose VMID exists needs `packer build -force`, which deletes
//! it first; Proxmox VE refuses to delete a template whose disks linked clones still
//! use, so that is found here, before any tool runs.
//!
//! Pure: the caller reads the cluster and passes what it read.

use crate::diag::{Code, Diagnostic};
use crate::drift;
use crate::ir::{Builder, Plan};
use crate::pve::LiveGuest;
use std::collections::{BTreeMap, BTreeSet};

/// Why a template is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// The cluster has no template at its VMID.
    Missing,
    /// Its build inputs changed since it was built.
    Changed,
    /// It carries pxic's mark but no fingerprint: what it was built from is unknown.
    Unrecorded,
}

impl Why {
    /// Why, in a few words, after the template's name.
    pub fn words(self) -> &'static str {
        match self {
            Why::Missing => "not on the cluster",
            Why::Changed => "inputs changed since it was built",
            Why::Unrecorded => "built without a record of its inputs",
        }
    }

    /// Whether a template is there, which Packer must delete first (`-force`).
    pub fn replaces(self) -> bool {
        self != Why::Missing
    }
}

/// The templates to build, by name.
pub type Builds = BTreeMap<String, Why>;

/// What the runner reads of the cluster to decide, besides the guest list.
pub trait Cluster {
    /// A guest's description.
    fn description(&mut self, guest: &LiveGuest) -> Result<String, Diagnostic>;
    /// A VM's configuration (its disks among the values).
    fn config(&mut self, guest: &LiveGuest) -> Result<serde_json::Value, Diagnostic>;
}

/// The templates among `wanted` whose build the cluster lacks or does not match:
/// missing, built from other inputs, or built without a record of them. Templates
/// at their VMID that pxic did not make are left alone, with a warning in `problems`.
pub fn stale(
    plan: &Plan,
    wanted: &BTreeSet<String>,
    fingerprints: &BTreeMap<String, String>,
    live: &[LiveGuest],
    cluster: &mut dyn Cluster,
    problems: &mut Vec<Diagnostic>,
) -> Result<Builds, Diagnostic> {
    let mut builds = Builds::new();
    for template in plan
        .templates
        .values()
        .filter(|t| t.builder == Builder::Packer && wanted.contains(&t.name))
    {
        let Some(there) = live.iter().find(|g| g.vmid == template.vmid && g.template) else {
            builds.insert(template.name.clone(), Why::Missing);
            continue;
        };
        let description = cluster.description(there)?;
        if !drift::is_managed(&description) {
            problems.push(not_ours(&template.name, there));
            continue;
        }
        let have = crate::backend::packer::fingerprint_in(&description);
        let want = fingerprints.get(&template.name).map(String::as_str);
        match have {
            None => builds.insert(template.name.clone(), Why::Unrecorded),
            Some(have) if Some(have) != want => builds.insert(template.name.clone(), Why::Changed),
            Some(_) => None,
        };
    }
    Ok(builds)
}

/// The templates among `wanted` to build, and why; `fingerprints` are what the
/// generated files give each one. Warnings (a template at the VMID that pxic did not
/// make is left alone) go to `problems`. `Err`: a template to rebuild that linked
/// clones still use, which stops the run.
pub fn to_build(
    plan: &Plan,
    wanted: &BTreeSet<String>,
    fingerprints: &BTreeMap<String, String>,
    live: &[LiveGuest],
    cluster: &mut dyn Cluster,
    problems: &mut Vec<Diagnostic>,
) -> Result<Builds, Vec<Diagnostic>> {
    let builds = stale(plan, wanted, fingerprints, live, cluster, problems).map_err(|d| vec![d])?;
    let mut blocked = Vec::new();
    for (name, _) in builds.iter().filter(|(_, why)| why.replaces()) {
        let Some(template) = plan.templates.get(name) else {
            continue;
        };
        // A linked clone lives on its template's storage: on the template's node,
        // unless that storage is shared by the cluster's nodes.
        let shared = plan
            .cluster
            .storages
            .get(&template.storage)
            .is_some_and(|s| s.shared);
        let near = live.iter().filter(|g| shared || g.node == template.node);
        let clones = linked_clones(template.vmid, near, cluster).map_err(|d| vec![d])?;
        if !clones.is_empty() {
            blocked.push(still_cloned(name, template.vmid, &clones));
        }
    }
    if blocked.is_empty() {
        Ok(builds)
    } else {
        Err(blocked)
    }
}

/// The VMs among `live` whose disks are linked clones of the template at `vmid`
/// (their volumes name its base volume, `base-<vmid>-disk-N`), as `name (VMID n)`.
/// One read of the configuration per VM.
fn linked_clones<'g>(
    vmid: u32,
    live: impl Iterator<Item = &'g LiveGuest>,
    cluster: &mut dyn Cluster,
) -> Result<Vec<String>, Diagnostic> {
    let base = format!("base-{vmid}-disk-");
    let mut clones = Vec::new();
    for guest in live.filter(|g| g.kind == "qemu" && !g.template && g.vmid != vmid) {
        let config = cluster.config(guest)?;
        let uses = config.as_object().is_some_and(|fields| {
            fields
                .iter()
                .filter(|(key, _)| is_disk_key(key))
                .any(|(_, v)| v.as_str().is_some_and(|v| v.contains(&base)))
        });
        if uses {
            clones.push(format!("{} (VMID {})", guest.name, guest.vmid));
        }
    }
    Ok(clones)
}

/// A configuration key that holds a volume: `scsi0`, `virtio1`, `sata2`, `ide3`,
/// `efidisk0`, `tpmstate0`, `unused4`.
fn is_disk_key(key: &str) -> bool {
    let bus = key.trim_end_matches(|c: char| c.is_ascii_digit());
    bus.len() < key.len()
        && matches!(
            bus,
            "scsi" | "virtio" | "sata" | "ide" | "efidisk" | "tpmstate" | "unused"
        )
}

fn still_cloned(name: &str, vmid: u32, clones: &[String]) -> Diagnostic {
    let shown: Vec<&str> = clones.iter().take(5).map(String::as_str).collect();
    let more = match clones.len().saturating_sub(shown.len()) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    Diagnostic::error(
        Code::TemplateStillCloned,
        format!(
            "template `{name}` must be rebuilt, but linked clones still use its disks: {}{more}",
            shown.join(", ")
        ),
    )
    .with_note(format!(
        "Packer deletes the template (VMID {vmid}) before it builds it again, and Proxmox VE refuses to delete a template that linked clones use"
    ))
    .with_help(format!(
        "make those VMs full clones (`full_clone = true`, or move their disks with `qm disk move`) or remove them, or give the new template a new `vmid`; `pxic apply --skip templates` runs the other steps with `{name}` as it is"
    ))
}

fn not_ours(name: &str, there: &LiveGuest) -> Diagnostic {
    Diagnostic::warning(
        Code::TemplateNotOurs,
        format!(
            "template `{name}` (VMID {}) on the cluster was not built by pxic: Packer leaves it as it is",
            there.vmid
        ),
    )
    .with_note("its description carries no pxic mark, so pxic cannot tell what it was built from and never deletes it")
    .with_help(format!(
        "to let pxic build it, delete it yourself (`qm destroy {}`) once nothing is cloned from it",
        there.vmid
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_keys_are_the_volume_slots() {
        for key in [
            "scsi0",
            "virtio12",
            "sata1",
            "ide2",
            "efidisk0",
            "tpmstate0",
            "unused3",
        ] {
            assert!(is_disk_key(key), "{key}");
        }
        for key in ["scsihw", "description", "net0", "ipconfig0", "scsi", "boot"] {
            assert!(!is_disk_key(key), "{key}");
        }
    }
}
