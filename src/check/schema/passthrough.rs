//! The blocks of PCI and USB passthrough: a host's devices, which make the cluster's
//! resource mappings (one mapping a label, gathered over the hosts), and a VM's use
//! of a mapped device.

use super::{Block, Default, LabelRule, Nested, Ty, attr};

static HOST_PCI: Block = Block {
    doc: "A PCI(e) device of the node, part of the cluster's PCI resource mapping named by the label: VMs use the mapping, and find the device on whichever node they run.",
    attrs: &[
        attr(
            "path",
            Ty::Str,
            Default::Required,
            "The device's PCI address on this node, as `lspci -D` prints it: `\"0000:01:00.0\"`.",
        ),
        attr(
            "id",
            Ty::Str,
            Default::Required,
            "Its vendor and device IDs, as `lspci -n` prints them: `\"10de:2204\"`.",
        ),
        attr(
            "subsystem_id",
            Ty::Str,
            Default::Optional,
            "Its subsystem vendor and device IDs (`\"1458:403b\"`); Proxmox checks them before a VM starts.",
        ),
        attr(
            "iommu_group",
            Ty::Int,
            Default::Optional,
            "Its IOMMU group; Proxmox checks it before a VM starts.",
        ),
    ],
    blocks: &[],
    free_form: false,
};

static HOST_USB: Block = Block {
    doc: "A USB device of the node, part of the cluster's USB resource mapping named by the label.",
    attrs: &[
        attr(
            "id",
            Ty::Str,
            Default::Required,
            "Its vendor and product IDs, as `lsusb` prints them: `\"1a86:55d4\"`.",
        ),
        attr(
            "path",
            Ty::Str,
            Default::Optional,
            "The port it is plugged into (`\"1-4.2\"`), when two devices share an ID; matched by ID when absent.",
        ),
    ],
    blocks: &[],
    free_form: false,
};

pub(super) const HOST_BLOCKS: [Nested; 2] = [
    Nested {
        kind: "pci",
        label: LabelRule::Required("the name of the cluster's PCI mapping"),
        repeat: true,
        schema: &HOST_PCI,
    },
    Nested {
        kind: "usb",
        label: LabelRule::Required("the name of the cluster's USB mapping"),
        repeat: true,
        schema: &HOST_USB,
    },
];

static VM_PCI: Block = Block {
    doc: "A PCI(e) device passed through to the VM, from the cluster's PCI mapping named by the label.",
    attrs: &[
        attr(
            "pcie",
            Ty::Bool,
            Default::Bool(false),
            "Attach it as a PCIe device (needs a `q35` machine: the template's `machine`).",
        ),
        attr(
            "rombar",
            Ty::Bool,
            Default::Bool(true),
            "Map the device's ROM into the guest's memory.",
        ),
        attr(
            "primary_gpu",
            Ty::Bool,
            Default::Bool(false),
            "Make it the VM's primary display (`x-vga`), for a GPU.",
        ),
        attr(
            "path",
            Ty::Str,
            Default::Optional,
            "A raw PCI address on the VM's node instead of a mapping; only root@pam with a password may set one (an API token may not).",
        ),
    ],
    blocks: &[],
    free_form: false,
};

static VM_USB: Block = Block {
    doc: "A USB device passed through to the VM, from the cluster's USB mapping named by the label.",
    attrs: &[attr(
        "usb3",
        Ty::Bool,
        Default::Bool(false),
        "Attach it to a USB 3 controller.",
    )],
    blocks: &[],
    free_form: false,
};

pub(super) const VM_PCI_BLOCK: Nested = Nested {
    kind: "pci",
    label: LabelRule::Required("the name of a PCI mapping (a `pci` block of the hosts)"),
    repeat: true,
    schema: &VM_PCI,
};

pub(super) const VM_USB_BLOCK: Nested = Nested {
    kind: "usb",
    label: LabelRule::Required("the name of a USB mapping (a `usb` block of the hosts)"),
    repeat: true,
    schema: &VM_USB,
};
