//! What a change of a VM's firmware, machine, TPM, display or CPU tuning does. Its
//! firmware is its template's: changing a template's changes every VM cloned from it.
//!
//! - `bios` (`vm.go`: in place, reboot): the installed system keeps the boot loader
//!   of the firmware it was installed with. SeaBIOS → OVMF finds no EFI boot entry,
//!   OVMF → SeaBIOS no boot sector, and the EFI vars disk goes with OVMF: loud.
//! - `tpm_state` removed: the TPM state disk is deleted, with what the guest sealed in
//!   it (BitLocker's keys, measured-boot secrets): loud. Added: in place, with the
//!   VM stopped.
//! - `machine`, `operating_system`, `vga`, CPU flags, NUMA, huge pages and
//!   passed-through devices: in place, at the next restart.
//! - A VM with passed-through devices migrates only stopped (qemu-server refuses to
//!   migrate a running VM with local resources).

use super::Consequence;
use crate::ir::Vm;

/// The loud consequences of a firmware change, and what else needs a restart.
pub fn changes(old: &Vm, new: &Vm, out: &mut Vec<Consequence>, restart: &mut Vec<&'static str>) {
    let (o, n) = (&old.firmware, &new.firmware);
    if o.bios != n.bios {
        out.push(Consequence::loud(
            "vm",
            format!(
                "has its firmware changed from {} to {}: the installed system does not boot \
                 with the other firmware{}; rebuild the VM from a template made for {} instead",
                o.bios,
                n.bios,
                if o.is_ovmf() {
                    ", and its EFI vars disk is deleted"
                } else {
                    ""
                },
                n.bios
            ),
        ));
    }
    if o.tpm && !n.tpm {
        out.push(Consequence::loud(
            "vm",
            "has its TPM state disk DELETED, with what the guest sealed in it (BitLocker \
             and disk encryption keys)"
                .to_string(),
        ));
    }
    if !o.tpm && n.tpm {
        restart.push("a new TPM");
    }
    if o.is_ovmf() && n.is_ovmf() && o.secure_boot != n.secure_boot {
        restart.push("its Secure Boot keys");
    }
    if o.machine != n.machine {
        restart.push("its machine type");
    }
    if o.os_type != n.os_type {
        restart.push("its OS type");
    }
    if old.vga != new.vga {
        restart.push("its display");
    }
    let (a, b) = (&old.cpu, &new.cpu);
    if a.flags != b.flags || a.numa != b.numa {
        restart.push("its CPU flags or NUMA");
    }
    if a.hugepages != b.hugepages {
        restart.push("its huge pages");
    }
    if old.pci != new.pci || old.usb != new.usb {
        restart.push("its passed-through devices");
    }
}

/// What a migration of a VM with passed-through devices takes.
pub fn migration(new: &Vm) -> &'static str {
    if new.pci.is_empty() && new.usb.is_empty() {
        ""
    } else {
        "; it has passed-through devices, which Proxmox cannot migrate live: the apply \
         fails unless the VM is stopped first"
    }
}
