//! What the generated Terraform does on a real Proxmox VE cluster (issue 14), asserted
//! on every emit case: VMs migrate rather than being re-created, reboots are a
//! declared choice, the guest agent is on only where the template has it, each image
//! file has one owner, clones across nodes land on shared storage first, and
//! protected guests cannot be destroyed.

use super::common;
use pxic::ir::{Builder, Plan};
use std::collections::BTreeSet;

/// The Terraform files of every emit case, with its plan.
fn cases() -> Vec<(String, Plan, pxic::backend::Emitted)> {
    common::emit_cases()
        .into_iter()
        .map(|(name, dir)| {
            let plan = common::plan_of(&dir);
            let files = pxic::backend::terraform::emit(&plan);
            (name, plan, files)
        })
        .collect()
}

fn file<'a>(files: &'a pxic::backend::Emitted, name: &str) -> &'a str {
    files
        .get(&format!("terraform/{name}"))
        .map_or("", String::as_str)
}

/// Every resource of a kind in a file: its identifier and its body (from the line
/// break after `{` to the one before `}`).
fn resources<'a>(text: &'a str, kind: &str) -> Vec<(&'a str, &'a str)> {
    let head = format!("resource \"{kind}\" \"");
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(&head) {
        let from = &rest[at + head.len()..];
        let id = &from[..from.find('"').expect("a closing quote")];
        let end = from.find("\n}\n").expect("a resource ends") + 1;
        let open = from.find("{\n").expect("a body") + 1;
        found.push((id, &from[open..end]));
        rest = &from[end..];
    }
    found
}

/// The body of a nested block (`  clone {` … `  }`) at two spaces' indent.
fn block<'a>(resource: &'a str, name: &str) -> &'a str {
    let head = format!("\n  {name} {{\n");
    let at = resource
        .find(&head)
        .unwrap_or_else(|| panic!("no `{name}` block in:\n{resource}"));
    let body = &resource[at + head.len()..];
    &body[..body.find("\n  }\n").expect("the block ends")]
}

/// The value of an attribute written directly in a body (not in a nested block).
fn attr<'a>(body: &'a str, key: &str) -> Option<&'a str> {
    let indent = body
        .lines()
        .find(|l| !l.trim().is_empty())
        .map_or(0, |l| l.len() - l.trim_start().len());
    body.lines()
        .filter(|l| l.len() - l.trim_start().len() == indent)
        .find_map(|l| {
            let (k, v) = l.trim().split_once('=')?;
            (k.trim() == key).then(|| v.trim())
        })
}

/// The Terraform identifier of a guest, as the backend names it (no two guests of a
/// case collide).
fn ident(name: &str) -> String {
    pxic::backend::hcl::ident(name)
}

fn is_shared(plan: &Plan, storage: &str) -> bool {
    plan.cluster.storages.contains_key(storage)
        || plan
            .hosts
            .values()
            .any(|h| h.storages.get(storage).is_some_and(|s| s.shared))
}

/// After an HA or manual migration the provider reads the VM on its new node; with
/// `migrate = true` that, or a changed `host`, migrates it instead of destroying it.
/// The `clone` block is ignored after creation, so a template moved or rebuilt
/// replaces none of its clones.
#[test]
fn vms_migrate_and_outlive_their_templates() {
    let mut vms = 0;
    for (name, _, files) in cases() {
        for (id, vm) in resources(file(&files, "vms.tf"), "proxmox_virtual_environment_vm") {
            vms += 1;
            assert_eq!(attr(vm, "migrate"), Some("true"), "{name}: {id}");
            let lifecycle = block(vm, "lifecycle");
            assert_eq!(
                attr(lifecycle, "ignore_changes"),
                Some("[clone]"),
                "{name}: {id}"
            );
        }
    }
    assert!(vms > 40, "only {vms} VMs seen");
}

/// `reboot_after_update` is always written, as declared (default `false`).
#[test]
fn reboots_are_a_declared_choice() {
    let mut allowed = 0;
    for (name, plan, files) in cases() {
        let text = file(&files, "vms.tf");
        for vm in plan.vms.values() {
            let resource = resources(text, "proxmox_virtual_environment_vm")
                .into_iter()
                .find(|(id, _)| *id == ident(&vm.guest.name))
                .map(|(_, r)| r)
                .unwrap_or_else(|| panic!("{name}: no resource for {}", vm.guest.name));
            let written = attr(resource, "reboot_after_update");
            assert_eq!(
                written,
                Some(if vm.reboot_after_update {
                    "true"
                } else {
                    "false"
                }),
                "{name}: {}",
                vm.guest.name
            );
            allowed += usize::from(vm.reboot_after_update);
        }
    }
    assert_eq!(allowed, 1, "guest_lifecycle's db-1 allows a reboot");
}

/// The agent is on only where the template installs it: never on a clone of a
/// template Terraform makes from a stock cloud image (unless declared, with PXI0342).
#[test]
fn the_agent_is_on_only_where_the_template_has_it() {
    for (name, plan, files) in cases() {
        let text = file(&files, "vms.tf");
        for (id, vm) in resources(text, "proxmox_virtual_environment_vm") {
            let declared = plan
                .vms
                .values()
                .find(|v| ident(&v.guest.name) == id)
                .expect("a VM of the plan");
            let enabled = attr(block(vm, "agent"), "enabled");
            assert_eq!(
                enabled,
                Some(if declared.agent { "true" } else { "false" }),
                "{name}: {id}"
            );
            let stock = plan
                .templates
                .get(&declared.template)
                .is_some_and(|t| t.builder == Builder::Terraform);
            assert!(
                !(stock && declared.agent),
                "{name}: {id} waits for an agent"
            );
        }
    }
    let (_, _, files) = cases()
        .into_iter()
        .find(|(n, _, _)| n == "guest_lifecycle")
        .expect("the guest_lifecycle case");
    let vms = resources(file(&files, "vms.tf"), "proxmox_virtual_environment_vm");
    let agent = |id: &str| {
        let vm = vms.iter().find(|(i, _)| *i == id).expect("the VM").1;
        attr(block(vm, "agent"), "enabled").map(str::to_string)
    };
    assert_eq!(agent("db_1").as_deref(), Some("true"), "hardened has it");
    assert_eq!(agent("scratch").as_deref(), Some("false"), "plain has none");
}

/// A file the host playbook fetches for Packer's base VM is never downloaded by
/// Terraform too ("file already exists"); the template Terraform makes of the same
/// image imports the playbook's file.
#[test]
fn an_image_file_has_one_owner() {
    let mut shared_files = 0;
    for (name, plan, files) in cases() {
        // (node, volume) the host playbook fetches; the node is `*` on shared storage.
        let fetched: BTreeSet<(String, String)> = plan
            .templates
            .values()
            .filter(|t| t.base_vmid.is_some())
            .map(|t| {
                let image = &plan.images[&t.image];
                let node = if is_shared(&plan, &t.image_storage) {
                    "*".to_string()
                } else {
                    t.node.clone()
                };
                (
                    node,
                    format!("{}:import/{}", t.image_storage, image.file_name),
                )
            })
            .collect();
        for (id, download) in resources(file(&files, "images.tf"), "proxmox_download_file") {
            let unquote = |k: &str| attr(download, k).expect(k).trim_matches('"').to_string();
            let volume = format!(
                "{}:{}/{}",
                unquote("datastore_id"),
                unquote("content_type"),
                unquote("file_name")
            );
            for node in [unquote("node_name"), "*".to_string()] {
                assert!(
                    !fetched.contains(&(node, volume.clone())),
                    "{name}: {id} downloads {volume}, which the host playbook fetches"
                );
            }
        }
        for (id, template) in resources(
            file(&files, "templates.tf"),
            "proxmox_virtual_environment_vm",
        ) {
            let import = attr(block(template, "disk"), "import_from").expect("import_from");
            if let Some(volume) = import.strip_prefix('"') {
                let volume = volume.trim_end_matches('"');
                assert!(
                    fetched.iter().any(|(_, v)| v == volume),
                    "{name}: {id} imports {volume}, which nothing fetches"
                );
                shared_files += 1;
            } else {
                assert!(import.starts_with("proxmox_download_file."), "{name}: {id}");
            }
        }
    }
    // The homelab, the cluster and guest_lifecycle each have one.
    assert!(shared_files >= 3, "only {shared_files} shared image files");
}

/// Proxmox clones to another node only onto shared storage: a full clone across
/// nodes names the template's (shared) storage, and its `disk` the VM's own, which the
/// provider moves the disk to after the clone.
#[test]
fn clones_across_nodes_go_through_shared_storage() {
    let mut moved = 0;
    for (name, plan, files) in cases() {
        let text = file(&files, "vms.tf");
        for vm in plan.vms.values().filter(|v| v.full_clone) {
            let Some(template) = plan.templates.get(&vm.template) else {
                continue;
            };
            if template.node == vm.guest.node {
                continue;
            }
            let resource = resources(text, "proxmox_virtual_environment_vm")
                .into_iter()
                .find(|(id, _)| *id == ident(&vm.guest.name))
                .expect("the VM's resource")
                .1;
            let target = attr(block(resource, "clone"), "datastore_id")
                .expect("datastore_id")
                .trim_matches('"');
            assert!(
                is_shared(&plan, target),
                "{name}: {} is cloned from {} onto {target}, which {} does not share",
                vm.guest.name,
                template.node,
                vm.guest.node
            );
            let disk = attr(block(resource, "disk"), "datastore_id").expect("datastore_id");
            assert_eq!(disk, format!("\"{}\"", vm.guest.storage), "{name}");
            moved += usize::from(target != vm.guest.storage);
        }
    }
    // examples/cluster's ci-runner-1/2, db-2, db-3; guest_lifecycle's db-2.
    assert!(moved >= 5, "only {moved} clones moved to local storage");
}

/// `protection = true` sets Proxmox's flag and Terraform's `prevent_destroy`; other
/// guests have neither.
#[test]
fn protected_guests_cannot_be_destroyed() {
    let mut protected = 0;
    for (name, plan, files) in cases() {
        let guests = plan
            .vms
            .values()
            .map(|v| (&v.guest, "vms.tf", "proxmox_virtual_environment_vm"))
            .chain(plan.containers.values().map(|c| {
                (
                    &c.guest,
                    "containers.tf",
                    "proxmox_virtual_environment_container",
                )
            }));
        for (guest, path, kind) in guests {
            let resource = resources(file(&files, path), kind)
                .into_iter()
                .find(|(id, _)| *id == ident(&guest.name))
                .expect("the guest's resource")
                .1;
            let flag = attr(resource, "protection");
            let prevent = resource.contains("\n    prevent_destroy = true\n");
            if guest.protection {
                protected += 1;
                assert_eq!(flag, Some("true"), "{name}: {}", guest.name);
                assert!(prevent, "{name}: {}", guest.name);
            } else {
                assert_eq!(flag, None, "{name}: {}", guest.name);
                assert!(!prevent, "{name}: {}", guest.name);
            }
        }
    }
    assert!(protected >= 3, "only {protected} protected guests");
}

/// Proxmox's default for a download task is 10 minutes: a 1 GiB image over a slow
/// uplink takes longer. And the provider is told how to trust the endpoint.
#[test]
fn downloads_have_time_and_tls_is_settled() {
    for (name, plan, files) in cases() {
        for (id, download) in resources(file(&files, "images.tf"), "proxmox_download_file") {
            let timeout: u64 = attr(download, "upload_timeout")
                .expect("upload_timeout")
                .parse()
                .expect("seconds");
            assert!(timeout >= 1800, "{name}: {id}");
        }
        let provider = file(&files, "provider.tf");
        let insecure = provider
            .lines()
            .any(|l| l.trim_start().starts_with("insecure ") && l.trim_end().ends_with("= true"));
        assert_eq!(insecure, plan.cluster.insecure, "{name}");
        assert_eq!(provider.contains("SSL_CERT_FILE"), !insecure, "{name}");
    }
}

/// A guest renamed with `renamed_from` keeps what `pxi.lock` gave its former name
/// (VMID, address, MAC), and Terraform gets a `moved` block instead of a destroy and
/// a create.
#[test]
fn a_renamed_guest_keeps_its_ids_and_is_moved() {
    let dir = common::repo().join("examples/homelab");
    let paths = pxic::io::discover(&dir).expect("homelab has .pxi files");
    let (map, unreadable) = pxic::io::read_sources(&dir, &paths);
    assert!(unreadable.is_empty());
    let lock = pxic::io::read_lock(&pxic::io::lock_path(&dir)).expect("lock is readable");
    let mut renamed = pxic::source::SourceMap::new();
    for (_, file) in map.files() {
        let text = file.text.replace(
            "vm web-01 : small {\n",
            "vm www-01 : small {\n  renamed_from = \"web-01\"\n",
        );
        let id = renamed.add(file.name.clone(), text);
        renamed.set_project_path(id, file.project_path.clone());
    }
    let checked =
        pxic::check::check_project(&mut renamed, &pxic::io::FsWorld::new(&dir, &[]), &lock);
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    let plan = checked.plan.expect("a plan");
    let www = &plan.vms["www-01"].guest;
    assert_eq!(www.vmid, lock.vmids["vm/web-01"]);
    assert_eq!(www.nics[0].mac, lock.macs["vm/web-01/lan"]);
    assert!(!plan.vms.contains_key("web-01"));
    let files = pxic::backend::terraform::emit(&plan);
    let vms = file(&files, "vms.tf");
    assert!(
        vms.contains(
            "# vm www-01 was web-01: moved, not replaced\nmoved {\n  from = proxmox_virtual_environment_vm.web_01\n  to   = proxmox_virtual_environment_vm.www_01\n}\n"
        ),
        "{vms}"
    );
    // No other guest has a `moved` block.
    assert_eq!(vms.matches("moved {").count(), 1);
    // Terraform itself takes it.
    let (ok, output) = super::validate(&super::write_case("renamed", &files));
    assert!(ok, "terraform rejects the moved block:\n{output}");
}
