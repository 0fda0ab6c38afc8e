//! The base VMs Packer's clone builds start from. Packer cannot import a disk image,
//! so the host playbook downloads each cloud image a `build` block starts from and
//! makes a template of it on the template's node (`qm create … import-from`), with
//! the VMID pxi.lock gives it (`template/<name>/base`). It does so once: a base VM
//! that exists is left alone.

use super::task;
use crate::backend::yaml::{Map, Yaml, map};
use crate::backend::{GIB, SCSI_HARDWARE};
use crate::ir::{Host, Plan};

/// The `qm create` options of a template's firmware, machine and TPM; none for a
/// SeaBIOS template on Proxmox's default machine.
fn firmware_options(plan: &Plan, template: &crate::ir::Template) -> Vec<String> {
    let f = &template.firmware;
    // As Terraform's `efi_disk` of the VMs cloned from it says.
    let format = crate::backend::disk_format(plan, &template.host, &template.storage);
    let mut options = Vec::new();
    if f.is_ovmf() {
        let keys = u8::from(f.secure_boot);
        options.extend([
            "--bios".to_string(),
            "ovmf".to_string(),
            "--efidisk0".to_string(),
            format!(
                "{}:1,format={format},efitype={},pre-enrolled-keys={keys}",
                template.storage,
                crate::backend::EFI_TYPE
            ),
        ]);
    }
    if let Some(machine) = &f.machine {
        options.extend(["--machine".to_string(), machine.clone()]);
    }
    if f.tpm {
        options.extend([
            "--tpmstate0".to_string(),
            format!(
                "{}:1,version={}",
                template.storage,
                crate::backend::TPM_VERSION
            ),
        ]);
    }
    options
}

/// Whether any template starts from a base VM.
pub fn any(plan: &Plan) -> bool {
    plan.templates.values().any(|t| t.base_vmid.is_some())
}

/// `pxi_base_vms` of a host: for each, the image to download and the `qm` commands
/// that make the base VM, as argument lists (nothing is parsed by a shell).
pub fn inventory_entries(plan: &Plan, host: &Host) -> Vec<Yaml> {
    let mut entries = Vec::new();
    for template in plan.templates.values().filter(|t| t.host == host.name) {
        let (Some(vmid), Some(nic)) = (template.base_vmid, &template.build_nic) else {
            continue;
        };
        let Some(image) = plan.images.get(&template.image) else {
            continue;
        };
        let id = vmid.to_string();
        let volume = format!("{}:import/{}", template.image_storage, image.file_name);
        let disk = format!("{}G", template.disk.div_ceil(GIB).max(1));
        let mut net = format!("virtio,bridge={}", nic.bridge);
        if let Some(vlan) = nic.vlan {
            net.push_str(&format!(",tag={vlan}"));
        }
        let create = [
            "qm",
            "create",
            &id,
            "--name",
            &format!("{}-base", template.name),
            "--description",
            &format!(
                "The base of template {}, made by pxic from image {}.",
                template.name, image.name
            ),
            "--ostype",
            &template.firmware.os_type,
            "--memory",
            "2048",
            "--net0",
            &net,
            "--scsihw",
            SCSI_HARDWARE,
            "--scsi0",
            &format!("{}:0,import-from={volume}", template.storage),
            "--ide2",
            &format!("{}:cloudinit", template.storage),
            "--boot",
            "order=scsi0",
            "--serial0",
            "socket",
            "--vga",
            "serial0",
        ];
        // The template cloned from it keeps its firmware and its EFI vars and TPM disks.
        let firmware = firmware_options(plan, template);
        let create = create
            .into_iter()
            .chain(firmware.iter().map(String::as_str));
        let entry = map()
            .entry("vmid", Yaml::Int(vmid.into()))
            .entry("url", Yaml::text(&image.url))
            .entry("volume", Yaml::text(&volume))
            .entry_some("checksum", checksum(image).map(Yaml::text))
            .entry("create", Yaml::strings(create))
            .entry(
                "resize",
                Yaml::strings(["qm", "disk", "resize", &id, "scsi0", &disk]),
            )
            .entry("template", Yaml::strings(["qm", "template", &id]));
        entries.push(entry.yaml());
    }
    entries
}

/// get_url's checksum: the pinned one, else the file of sums published beside the
/// image (get_url reads GNU-style lines, and since ansible-core 2.19 BSD-style ones
/// such as Rocky's and Alma's `CHECKSUM`).
fn checksum(image: &crate::ir::Image) -> Option<String> {
    let algorithm = &image.checksum_algorithm;
    let sum = image.checksum.as_ref().or(image.checksum_url.as_ref())?;
    Some(format!("{algorithm}:{sum}"))
}

/// Look each base VM up, then download the image and make the VM for those missing.
pub fn tasks() -> Vec<Yaml> {
    // A loop over registered results: the list, the base VM's entry in an item, and
    // which items to act on.
    type Over = (&'static str, &'static str, &'static str);
    let missing: Over = ("pxi_base_status", "item.item", "item.rc != 0");
    // The images of the base VMs found missing (the others have no path).
    let images: Over = (
        "pxi_base_image_paths",
        "item.item.item",
        "item.stdout is defined",
    );
    let each = |(results, vm, when): Over, name: &str, module: &str, args: Map| {
        task(name, module, args)
            .entry("loop", Yaml::str(format!("{{{{ {results}.results }}}}")))
            .entry(
                "loop_control",
                map()
                    .entry("label", Yaml::str(format!("{{{{ {vm}.vmid }}}}")))
                    .yaml(),
            )
            .entry("when", Yaml::str(when))
    };
    let mut tasks = vec![
        task(
            "Look up the base VMs of Packer's builds",
            "ansible.builtin.command",
            map().entry("argv", Yaml::own_list(&["qm", "status", "{{ item.vmid }}"])),
        )
        .entry("loop", Yaml::str("{{ pxi_base_vms | default([]) }}"))
        .entry(
            "loop_control",
            map().entry("label", Yaml::str("{{ item.vmid }}")).yaml(),
        )
        .entry("register", Yaml::str("pxi_base_status"))
        .entry("changed_when", Yaml::Bool(false))
        .entry("failed_when", Yaml::Bool(false))
        .yaml(),
        each(
            missing,
            "Find where the cloud images go",
            "ansible.builtin.command",
            map().entry(
                "argv",
                Yaml::own_list(&["pvesm", "path", "{{ item.item.volume }}"]),
            ),
        )
        .entry("register", Yaml::str("pxi_base_image_paths"))
        .entry("changed_when", Yaml::Bool(false))
        .yaml(),
        each(
            images,
            "Make the folders the cloud images go to",
            "ansible.builtin.file",
            map()
                .entry("path", Yaml::str("{{ item.stdout | dirname }}"))
                .entry("state", Yaml::str("directory"))
                .entry("mode", Yaml::str("0755")),
        )
        .yaml(),
        each(
            images,
            "Download the cloud images",
            "ansible.builtin.get_url",
            map()
                .entry("url", Yaml::str("{{ item.item.item.url }}"))
                .entry("dest", Yaml::str("{{ item.stdout }}"))
                .entry(
                    "checksum",
                    Yaml::str("{{ item.item.item.checksum | default(omit) }}"),
                )
                .entry("mode", Yaml::str("0644")),
        )
        .yaml(),
    ];
    for (name, command) in [
        ("Create the base VMs from the images", "create"),
        ("Grow their disks to the templates' size", "resize"),
        ("Make them templates", "template"),
    ] {
        tasks.push(
            each(
                missing,
                name,
                "ansible.builtin.command",
                map().entry("argv", Yaml::str(format!("{{{{ item.item.{command} }}}}"))),
            )
            .entry("changed_when", Yaml::Bool(true))
            .yaml(),
        );
    }
    tasks
}
