//! A VM's firmware, machine, TPM, display and CPU tuning in `proxmox_virtual_environment_vm`:
//! the same on a template Terraform makes and on every VM cloned from a template.
//!
//! Only what differs from Proxmox's defaults is written, so a project that sets none
//! of it gets the resources it had before. On a clone the provider sends `bios` only
//! when it is not `seabios`, and reads it back from Proxmox: an OVMF template's VMs
//! must say `ovmf`, or the next plan would turn them into SeaBIOS VMs that no longer
//! boot.

use crate::backend::hcl::{Body, Expr};
use crate::backend::{EFI_TYPE, TPM_VERSION};
use crate::ir::{CpuTuning, Firmware};

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
