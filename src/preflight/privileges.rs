//! The privileges each step of an apply needs on the cluster, and which of them the
//! API token lacks. Only the steps that talk to the API count: Packer (templates) and
//! Terraform (guests). The host step and the guests' configuration run over SSH.
//!
//! The lists follow what the bpg/proxmox provider documents for its role
//! (`Datastore.*`, `Pool.Allocate`, `SDN.Use`, `Sys.*`, `VM.*`), narrowed to the
//! paths Proxmox VE checks for each request pxic's files make: `/vms/{vmid}` for a
//! guest, `/vms/{template}` for `VM.Clone`, `/storage/{id}` for its disks and
//! downloads, `/sdn/zones/localnetwork/{bridge}` for a NIC (Proxmox VE 8 and later),
//! `/pool/{name}` for a pool, and `/nodes/{node}` for `download-url`.

use crate::diag::{Code, Diagnostic};
use crate::ir::{Builder, Plan};
use crate::pve::Privileges;
use crate::runner::Stage;
use std::collections::{BTreeMap, BTreeSet};

/// What Terraform sets on a guest it makes or changes.
const GUEST: &[&str] = &[
    "VM.Allocate",
    "VM.Audit",
    "VM.Config.CPU",
    "VM.Config.Disk",
    "VM.Config.Memory",
    "VM.Config.Network",
    "VM.Config.Options",
    "VM.PowerMgmt",
];
/// Besides [`GUEST`], on a VM: its cloud-init drive, and its SCSI controller,
/// serial console and OS type.
const VM_ONLY: &[&str] = &["VM.Config.Cloudinit", "VM.Config.HWType"];
/// Besides [`GUEST`] and [`VM_ONLY`], on a Packer build: the installer ISO, and the
/// boot command typed through the console.
const PACKER_ISO: &[&str] = &["VM.Config.CDROM", "VM.Console"];

/// One privilege a step needs on one path, and for what.
struct Need {
    stage: Stage,
    privilege: &'static str,
    path: String,
    why: String,
}

/// An error for each privilege the token lacks that a step which will run needs:
/// `stages` are the steps that run, `built` the templates Packer will build. One
/// diagnostic per step and privilege, naming the paths.
pub fn privileges(
    plan: &Plan,
    held: &Privileges,
    token: &str,
    stages: &BTreeSet<Stage>,
    built: &BTreeSet<String>,
) -> Vec<Diagnostic> {
    let mut needs = Vec::new();
    if stages.contains(&Stage::Templates) {
        templates(plan, built, &mut needs);
    }
    if stages.contains(&Stage::Guests) {
        guests(plan, &mut needs);
    }
    // (stage, privilege) → the paths lacking it, in order, and the first reason.
    let mut lacking: BTreeMap<(Stage, &str), (Vec<String>, String)> = BTreeMap::new();
    for need in needs {
        if held.holds(&need.path, need.privilege) {
            continue;
        }
        let (paths, _) = lacking
            .entry((need.stage, need.privilege))
            .or_insert_with(|| (Vec::new(), need.why.clone()));
        if !paths.contains(&need.path) {
            paths.push(need.path);
        }
    }
    lacking
        .into_iter()
        .map(|((stage, privilege), (paths, why))| lacks(token, stage, privilege, &paths, &why))
        .collect()
}

fn lacks(token: &str, stage: Stage, privilege: &str, paths: &[String], why: &str) -> Diagnostic {
    let tool = match stage {
        Stage::Templates => "Packer",
        _ => "Terraform",
    };
    let shown = match paths {
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [a, b, c] => format!("{a}, {b} and {c}"),
        [a, b, rest @ ..] => format!("{a}, {b} and {} more", rest.len()),
        [] => String::new(),
    };
    // Where to grant it: the one path, or the common parent of several.
    let grant_at = match paths {
        [one] => one.clone(),
        _ => parent(&paths[0]),
    };
    Diagnostic::error(
        Code::PrivilegeMissing,
        format!(
            "the API token `{token}` lacks {privilege} on {shown}, which the {} step ({tool}) needs: {why}",
            stage.name()
        ),
    )
    .with_help(format!(
        "grant it, e.g. `pveum acl modify {grant_at} --tokens '{token}' --roles {}`; a token with privilege separation holds only what is granted to the token itself, whatever its user may do",
        role_with(privilege)
    ))
}

/// The path above a guest's, storage's, bridge's or pool's.
fn parent(path: &str) -> String {
    for top in [
        "/sdn/zones",
        "/vms",
        "/storage",
        "/pool",
        "/nodes",
        "/mapping",
    ] {
        if path.starts_with(top) {
            return top.to_string();
        }
    }
    "/".to_string()
}

/// A built-in role that holds the privilege.
fn role_with(privilege: &str) -> &'static str {
    match privilege {
        "Datastore.AllocateSpace" | "Datastore.Audit" => "PVEDatastoreUser",
        p if p.starts_with("Datastore.") => "PVEDatastoreAdmin",
        "SDN.Use" => "PVESDNUser",
        "Mapping.Use" => "PVEMappingUser",
        p if p.starts_with("Mapping.") => "PVEMappingAdmin",
        p if p.starts_with("Pool.") => "PVEPoolAdmin",
        "Sys.Audit" => "PVEAuditor",
        p if p.starts_with("Sys.") => "PVESysAdmin",
        _ => "PVEVMAdmin",
    }
}

fn need(needs: &mut Vec<Need>, stage: Stage, privileges: &[&'static str], path: &str, why: &str) {
    for privilege in privileges {
        needs.push(Need {
            stage,
            privilege,
            path: path.to_string(),
            why: why.to_string(),
        });
    }
}

fn bridge(name: &str) -> String {
    format!("/sdn/zones/localnetwork/{name}")
}

fn templates(plan: &Plan, built: &BTreeSet<String>, needs: &mut Vec<Need>) {
    let stage = Stage::Templates;
    let packer = plan
        .templates
        .values()
        .filter(|t| t.builder == Builder::Packer && built.contains(&t.name));
    for t in packer {
        let why = format!("to build template `{}`", t.name);
        let vm = format!("/vms/{}", t.vmid);
        need(needs, stage, GUEST, &vm, &why);
        need(needs, stage, VM_ONLY, &vm, &why);
        let iso = plan.images.get(&t.image).is_some_and(|i| i.kind == "iso");
        if iso {
            need(needs, stage, PACKER_ISO, &vm, &why);
            let storage = format!("/storage/{}", t.image_storage);
            need(needs, stage, &["Datastore.Audit"], &storage, &why);
        }
        if let Some(base) = t.base_vmid {
            let why = format!("to clone template `{}`'s build from VMID {base}", t.name);
            need(needs, stage, &["VM.Clone"], &format!("/vms/{base}"), &why);
        }
        let storage = format!("/storage/{}", t.storage);
        need(needs, stage, &["Datastore.AllocateSpace"], &storage, &why);
        if let Some(nic) = &t.build_nic {
            need(needs, stage, &["SDN.Use"], &bridge(&nic.bridge), &why);
        }
    }
}

fn guests(plan: &Plan, needs: &mut Vec<Need>) {
    let stage = Stage::Guests;
    // Downloads into a storage of a node: `download-url`.
    let download = |needs: &mut Vec<Need>, node: &str, storage: &str, why: &str| {
        let at = format!("/storage/{storage}");
        need(needs, stage, &["Datastore.AllocateTemplate"], &at, why);
        let at = format!("/nodes/{node}");
        need(needs, stage, &["Sys.Audit", "Sys.Modify"], &at, why);
    };
    for t in plan
        .templates
        .values()
        .filter(|t| t.builder == Builder::Terraform)
    {
        let why = format!("to make template `{}` from its cloud image", t.name);
        let vm = format!("/vms/{}", t.vmid);
        need(needs, stage, GUEST, &vm, &why);
        need(needs, stage, VM_ONLY, &vm, &why);
        let storage = format!("/storage/{}", t.storage);
        need(needs, stage, &["Datastore.AllocateSpace"], &storage, &why);
        download(needs, &t.node, &t.image_storage, &why);
    }
    for pool in plan.pools.values() {
        let why = format!("to make pool `{}`", pool.name);
        need(
            needs,
            stage,
            &["Pool.Allocate"],
            &format!("/pool/{}", pool.name),
            &why,
        );
    }
    for vm in plan.vms.values() {
        let g = &vm.guest;
        let why = format!("to make and change vm `{}`", g.name);
        let at = format!("/vms/{}", g.vmid);
        need(needs, stage, GUEST, &at, &why);
        need(needs, stage, VM_ONLY, &at, &why);
        let why_clone = format!("to clone vm `{}` from template `{}`", g.name, vm.template);
        let template = format!("/vms/{}", vm.template_vmid);
        need(needs, stage, &["VM.Clone"], &template, &why_clone);
        guest_common(g, &why, needs);
        for d in &vm.disks {
            let storage = format!("/storage/{}", d.storage);
            need(needs, stage, &["Datastore.AllocateSpace"], &storage, &why);
        }
        for (kind, mapping) in vm
            .pci
            .iter()
            .filter_map(|d| d.mapping.as_deref().map(|m| ("pci", m)))
            .chain(vm.usb.iter().map(|d| ("usb", d.mapping.as_str())))
        {
            let at = format!("/mapping/{kind}/{mapping}");
            need(needs, stage, &["Mapping.Use"], &at, &why);
        }
    }
    for (kind, mappings) in [("pci", &plan.pci_mappings), ("usb", &plan.usb_mappings)] {
        for name in mappings.keys() {
            let why = format!("to make and change {kind} mapping `{name}`");
            let at = format!("/mapping/{kind}");
            need(needs, stage, &["Mapping.Modify"], &at, &why);
            let at = format!("/mapping/{kind}/{name}");
            need(
                needs,
                stage,
                &["Mapping.Audit", "Mapping.Modify"],
                &at,
                &why,
            );
        }
    }
    for ct in plan.containers.values() {
        let g = &ct.guest;
        let why = format!("to make and change container `{}`", g.name);
        need(needs, stage, GUEST, &format!("/vms/{}", g.vmid), &why);
        download(needs, &g.node, &ct.image_storage, &why);
        guest_common(g, &why, needs);
        for m in ct.mounts.iter().filter(|m| m.host_path.is_none()) {
            let storage = format!("/storage/{}", m.storage);
            need(needs, stage, &["Datastore.AllocateSpace"], &storage, &why);
        }
    }
}

/// What VMs and containers need besides their own path: their disk's storage, their
/// NICs' bridges and their pool.
fn guest_common(g: &crate::ir::Guest, why: &str, needs: &mut Vec<Need>) {
    let stage = Stage::Guests;
    let storage = format!("/storage/{}", g.storage);
    need(needs, stage, &["Datastore.AllocateSpace"], &storage, why);
    for nic in &g.nics {
        need(needs, stage, &["SDN.Use"], &bridge(&nic.bridge), why);
    }
    if let Some(pool) = &g.pool {
        need(
            needs,
            stage,
            &["Pool.Allocate"],
            &format!("/pool/{pool}"),
            why,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn resource_mappings_need_the_mapping_privileges() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/emit/passthrough");
        let paths = crate::io::discover(&dir).expect("sources");
        let (mut sources, _) = crate::io::read_sources(&dir, &paths);
        let world = crate::io::FsWorld::new(&dir, &[]);
        let plan = crate::check::check_project(&mut sources, &world, &Default::default())
            .plan
            .expect("the case checks");
        let everything: BTreeSet<String> = [GUEST, VM_ONLY, PACKER_ISO]
            .concat()
            .iter()
            .map(|p| p.to_string())
            .chain(
                [
                    "VM.Clone",
                    "Datastore.AllocateSpace",
                    "Datastore.AllocateTemplate",
                    "Datastore.Audit",
                    "Sys.Audit",
                    "Sys.Modify",
                    "SDN.Use",
                    "Pool.Allocate",
                ]
                .map(String::from),
            )
            .collect();
        let mut held = Privileges::default();
        held.by_path.insert("/".to_string(), everything);
        let stages = BTreeSet::from([Stage::Guests]);
        let lacking = privileges(&plan, &held, "pxic@pve!pxic", &stages, &BTreeSet::new());
        let messages: Vec<&str> = lacking.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(
            messages[0].contains("Mapping.Audit on /mapping/pci/gpu and /mapping/usb/zigbee"),
            "{messages:?}"
        );
        assert!(
            messages[1].contains("Mapping.Modify on /mapping/pci, /mapping/pci/gpu and 2 more"),
            "{messages:?}"
        );
        assert!(
            messages[2].contains("Mapping.Use on /mapping/pci/gpu and /mapping/usb/zigbee"),
            "{messages:?}"
        );

        held.by_path.insert(
            "/mapping".to_string(),
            ["Mapping.Audit", "Mapping.Modify", "Mapping.Use"]
                .map(String::from)
                .into(),
        );
        assert!(privileges(&plan, &held, "pxic@pve!pxic", &stages, &BTreeSet::new()).is_empty());
    }
}
