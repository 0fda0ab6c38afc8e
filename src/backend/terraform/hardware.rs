//! A VM's firmware, machine, TPM, display and CPU tuning in `proxmox_virtual_environment_vm`:
//! the same on a template Terraform makes and on every VM cloned from a template. And
//! passthrough: the cluster's PCI and USB resource mappings (`mappings.tf`), and the
//! `hostpci` and `usb` blocks of the VMs that use them.
//!
//! Only what differs from Proxmox's defaults is written, so a project that sets none
//! of it gets the resources it had before. On a clone the provider sends `bios` only
//! when it is not `seabios`, and reads it back from Proxmox: an OVMF template's VMs
//! must say `ovmf`, or the next plan would turn them into SeaBIOS VMs that no longer
//! boot.

use crate::backend::hcl::{self, Body, Expr, Key};
use crate::backend::{EFI_TYPE, TPM_VERSION, comment_text};
use crate::ir::{CpuTuning, Firmware, Mapping, Plan, Vm};
use std::collections::BTreeMap;

/// `bios` and `machine`, among the resource's top-level attributes.
pub fn firmware_attrs(body: &mut Body, firmware: &Firmware) {
    if firmware.is_ovmf() {
        body.attr("bios", Expr::str(&firmware.bios));
    }
    body.attr_some("machine", firmware.machine.as_deref().map(Expr::str));
}

/// The `efi_disk` and `tpm_state` blocks, on the storage of the VM's disk.
pub fn firmware_blocks(body: &mut Body, firmware: &Firmware, storage: &str, format: &str) {
    if firmware.is_ovmf() {
        let mut efi = Body::new();
        efi.attr("datastore_id", Expr::str(storage))
            .attr("file_format", Expr::str(format))
            .attr("type", Expr::str(EFI_TYPE))
            .attr("pre_enrolled_keys", Expr::Bool(firmware.secure_boot));
        body.block("efi_disk", &[], efi);
    }
    if firmware.tpm {
        let mut tpm = Body::new();
        tpm.attr("datastore_id", Expr::str(storage))
            .attr("version", Expr::str(TPM_VERSION));
        body.block("tpm_state", &[], tpm);
    }
}

/// The `operating_system` block.
pub fn operating_system(firmware: &Firmware) -> Body {
    let mut os = Body::new();
    os.attr("type", Expr::str(&firmware.os_type));
    os
}

/// Flags, NUMA, weight and limit, at the end of the `cpu` block.
pub fn cpu_attrs(cpu: &mut Body, tuning: &CpuTuning) {
    if !tuning.flags.is_empty() {
        cpu.attr("flags", Expr::strings(&tuning.flags));
    }
    if tuning.numa {
        cpu.attr("numa", Expr::Bool(true));
    }
    cpu.attr_some("units", tuning.units.map(|u| Expr::Num(u.into())));
    cpu.attr_some("limit", tuning.limit.map(|l| Expr::Num(l.into())));
}

/// Huge pages, at the end of the `memory` block.
pub fn memory_attrs(memory: &mut Body, tuning: &CpuTuning) {
    memory.attr_some("hugepages", tuning.hugepages.as_deref().map(Expr::str));
}

/// The `vga` block, when the VM names a display.
pub fn vga(body: &mut Body, vga: Option<&str>) {
    if let Some(kind) = vga {
        let mut block = Body::new();
        block.attr("type", Expr::str(kind));
        body.block("vga", &[], block);
    }
}

/// The PCI resource mappings' resource type (the provider's name without the
/// deprecated `virtual_environment_`).
pub const PCI_MAPPING: &str = "proxmox_hardware_mapping_pci";
/// The USB resource mappings' resource type.
pub const USB_MAPPING: &str = "proxmox_hardware_mapping_usb";

/// `mappings.tf`: the cluster's PCI and USB resource mappings, one device a node.
pub fn mappings(plan: &Plan) -> Body {
    let mut file = Body::new();
    for (kind, mappings, pci) in [
        (PCI_MAPPING, &plan.pci_mappings, true),
        (USB_MAPPING, &plan.usb_mappings, false),
    ] {
        let ids = mapping_ids(mappings);
        for (name, mapping) in mappings {
            let devices = mapping
                .devices
                .iter()
                .map(|d| {
                    let mut fields = vec![
                        (Key::Ident("node".into()), Expr::str(&d.node)),
                        (Key::Ident("id".into()), Expr::str(&d.id)),
                    ];
                    if let Some(path) = &d.path {
                        fields.push((Key::Ident("path".into()), Expr::str(path)));
                    }
                    if let Some(sub) = &d.subsystem_id {
                        fields.push((Key::Ident("subsystem_id".into()), Expr::str(sub)));
                    }
                    if let Some(group) = d.iommu_group {
                        fields.push((Key::Ident("iommu_group".into()), Expr::Num(group.into())));
                    }
                    Expr::Object(fields)
                })
                .collect();
            let mut body = Body::new();
            body.attr("name", Expr::str(name))
                .comment("Each node's device: a VM finds it on whichever node it runs.")
                .attr("map", Expr::List(devices));
            let what = if pci { "PCI" } else { "USB" };
            let comment = format!("{what} mapping {}", comment_text(name));
            file.resource(Some(&comment), kind, &ids[name], body);
        }
    }
    file
}

fn mapping_ids(mappings: &BTreeMap<String, Mapping>) -> BTreeMap<String, String> {
    hcl::idents(mappings.keys().map(String::as_str))
        .into_iter()
        .map(|(name, id)| (name.to_string(), id))
        .collect()
}

/// A VM's `hostpci` and `usb` blocks, by reference to their mappings (so that
/// Terraform makes a mapping before the VMs that use it).
pub fn passthrough(body: &mut Body, plan: &Plan, vm: &Vm) {
    if vm.pci.is_empty() && vm.usb.is_empty() {
        return;
    }
    let pci_ids = mapping_ids(&plan.pci_mappings);
    for (n, device) in vm.pci.iter().enumerate() {
        let mut block = Body::new();
        block.attr("device", Expr::str(format!("hostpci{n}")));
        match (&device.mapping, &device.path) {
            (Some(mapping), _) => {
                let value = match pci_ids.get(mapping) {
                    Some(id) => Expr::reference(PCI_MAPPING, id, "name"),
                    None => Expr::str(mapping),
                };
                block.attr("mapping", value);
            }
            (None, Some(path)) => {
                block.attr("id", Expr::str(path));
            }
            (None, None) => continue,
        }
        block
            .attr("pcie", Expr::Bool(device.pcie))
            .attr("rombar", Expr::Bool(device.rombar))
            .attr("xvga", Expr::Bool(device.primary_gpu));
        body.block("hostpci", &[], block);
    }
    let usb_ids = mapping_ids(&plan.usb_mappings);
    for device in &vm.usb {
        let value = match usb_ids.get(&device.mapping) {
            Some(id) => Expr::reference(USB_MAPPING, id, "name"),
            None => Expr::str(&device.mapping),
        };
        let mut block = Body::new();
        block
            .attr("mapping", value)
            .attr("usb3", Expr::Bool(device.usb3));
        body.block("usb", &[], block);
    }
}
