//! PCI and USB passthrough: the cluster's resource mappings, gathered from the hosts'
//! `pci` and `usb` blocks, and the devices VMs take from them, checked as Proxmox
//! checks them when a VM is configured or started (qemu-server's `check_hostpci_perm`
//! and `check_usb_perm`, and its start-time checks).

use super::eval::{Record, Value};
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::source::Span;
use std::collections::BTreeMap;

/// The resource mappings of one kind, by name, with where each device was declared.
pub type Mappings = BTreeMap<String, (ir::Mapping, Vec<Span>)>;

/// The PCI and USB mappings of the hosts, each device checked for the form the
/// provider and Proxmox take.
pub fn mappings(hosts: &[(&ir::Host, &Record)], out: &mut Vec<Diagnostic>) -> (Mappings, Mappings) {
    let mut pci = Mappings::new();
    let mut usb = Mappings::new();
    for (host, r) in hosts {
        for block in &r.blocks {
            let (found, is_pci) = match block.kind {
                "pci" => (&mut pci, true),
                "usb" => (&mut usb, false),
                _ => continue,
            };
            let Some((name, label_span)) = &block.label else {
                continue;
            };
            if !is_mapping_name(name) && !found.contains_key(name) {
                out.push(
                    Diagnostic::error(
                        Code::InvalidMappingName,
                        format!("`{name}` cannot name a resource mapping"),
                    )
                    .with_primary(*label_span, "Proxmox takes a letter, then letters, digits, `-` or `_`: two characters at least")
                    .with_help("rename the mapping here, on the other hosts and in the VMs that use it, such as `gpu` or `nvme_a`"),
                );
            }
            let b = &block.record;
            let id = checked(b, "id", label_span, is_valid_id, ID_FORM, out);
            let path = if is_pci {
                checked(b, "path", label_span, is_pci_address, PCI_ADDRESS_FORM, out)
            } else {
                checked(b, "path", label_span, is_usb_port, USB_PORT_FORM, out)
            };
            let subsystem_id = checked(b, "subsystem_id", label_span, is_valid_id, ID_FORM, out);
            let iommu_group = match b.fields.get("iommu_group").map(|f| &f.value) {
                Some(Value::Int(n)) => u32::try_from(*n).ok(),
                _ => None,
            };
            let Some(id) = id else {
                continue;
            };
            let (mapping, spans) = found.entry(name.clone()).or_insert_with(|| {
                (
                    ir::Mapping {
                        name: name.clone(),
                        devices: Vec::new(),
                    },
                    Vec::new(),
                )
            });
            mapping.devices.push(ir::MappedDevice {
                node: host.node.clone(),
                id,
                path,
                subsystem_id,
                iommu_group,
            });
            spans.push(*label_span);
        }
    }
    for (mapping, _) in pci.values_mut().chain(usb.values_mut()) {
        mapping.devices.sort_by(|a, b| a.node.cmp(&b.node));
    }
    (pci, usb)
}

const ID_FORM: &str = "four hex digits, a colon, four hex digits: `\"10de:2204\"`";
const PCI_ADDRESS_FORM: &str =
    "a PCI address in lower-case hex, as `lspci -D` prints it: `\"0000:01:00.0\"`";
const USB_PORT_FORM: &str = "a USB port path: `\"1-4\"` or `\"1-4.2\"`";

/// A string field that must have a form, reported at its span when it has not.
fn checked(
    r: &Record,
    field: &str,
    fallback: &Span,
    valid: fn(&str) -> bool,
    form: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<String> {
    let text = r.text(field)?;
    if valid(text) {
        return Some(text.to_string());
    }
    let at = r.fields.get(field).map_or(*fallback, |f| f.span);
    out.push(
        Diagnostic::error(
            Code::InvalidDeviceAddress,
            format!("`{field} = \"{text}\"` is not a device {field} Proxmox takes"),
        )
        .with_primary(at, "the provider refuses it before Proxmox sees it")
        .with_help(format!("write {form}")),
    );
    None
}

/// A mapping's ID, as Proxmox's `pve-configid` format takes it.
fn is_mapping_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && text.len() >= 2
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `10de:2204`.
fn is_valid_id(text: &str) -> bool {
    let hex4 = |s: &str| s.len() == 4 && s.bytes().all(|b| b.is_ascii_hexdigit());
    text.split_once(':')
        .is_some_and(|(vendor, device)| hex4(vendor) && hex4(device))
}

/// `0000:01:00.0` (the function may be left out: the whole device).
pub fn is_pci_address(text: &str) -> bool {
    let hex = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    let (rest, function) = match text.rsplit_once('.') {
        Some((rest, f)) => (rest, Some(f)),
        None => (text, None),
    };
    let parts: Vec<&str> = rest.split(':').collect();
    matches!(parts.as_slice(), [domain, bus, slot]
        if hex(domain, 4, 8) && hex(bus, 2, 2) && hex(slot, 2, 2))
        && function.is_none_or(|f| hex(f, 1, 1))
}

/// `1-4` or `1-4.2`.
fn is_usb_port(text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    text.split_once('-')
        .is_some_and(|(bus, ports)| digits(bus) && ports.split('.').all(digits))
}

/// The devices a VM's `pci` and `usb` blocks give it, in the order written.
pub fn vm_devices(
    r: &Record,
    out: &mut Vec<Diagnostic>,
) -> (Vec<ir::PciDevice>, Vec<ir::UsbDevice>) {
    let flag = |b: &Record, name: &str| matches!(b.value(name).as_deref(), Some(Value::Bool(true)));
    let mut pci = Vec::new();
    let mut usb = Vec::new();
    for block in &r.blocks {
        let Some((label, span)) = &block.label else {
            continue;
        };
        let b = &block.record;
        match block.kind {
            "pci" => {
                let path = if b.fields.contains_key("path") {
                    match checked(b, "path", span, is_pci_address, PCI_ADDRESS_FORM, out) {
                        Some(path) => Some(path),
                        None => continue,
                    }
                } else {
                    None
                };
                pci.push(ir::PciDevice {
                    label: label.clone(),
                    mapping: path.is_none().then(|| label.clone()),
                    path,
                    pcie: flag(b, "pcie"),
                    rombar: flag(b, "rombar"),
                    primary_gpu: flag(b, "primary_gpu"),
                });
            }
            "usb" => usb.push(ir::UsbDevice {
                mapping: label.clone(),
                usb3: flag(b, "usb3"),
            }),
            _ => {}
        }
    }
    for (kind, count, most) in [("pci", pci.len(), MAX_PCI), ("usb", usb.len(), MAX_USB)] {
        if count <= most {
            continue;
        }
        let extra = r
            .blocks
            .iter()
            .filter(|b| b.kind == kind)
            .nth(most)
            .and_then(|b| b.label.as_ref().map(|(_, s)| *s));
        if let Some(at) = extra {
            out.push(
                Diagnostic::error(
                    Code::TooManyDevices,
                    format!("{count} `{kind}` devices on one VM, where Proxmox has {most} slots"),
                )
                .with_primary(
                    at,
                    format!("the first device beyond the {most} `{kind}` slots"),
                )
                .with_help(format!("give the VM {most} `{kind}` devices at most")),
            );
        }
    }
    (pci, usb)
}

/// `hostpci0` to `hostpci15`.
const MAX_PCI: usize = 16;
/// `usb0` to `usb13` (Proxmox VE 7.1 and later).
const MAX_USB: usize = 14;

/// Where a VM's `pci` or `usb` block of a label is, and a field of it.
fn block_span(r: &Record, kind: &str, label: &str, field: Option<&str>) -> Option<Span> {
    let block = r
        .blocks
        .iter()
        .find(|b| b.kind == kind && b.label.as_ref().is_some_and(|(l, _)| l == label))?;
    let label_span = block.label.as_ref().map(|(_, s)| *s);
    field
        .and_then(|f| block.record.fields.get(f).map(|v| v.span))
        .or(label_span)
}

/// Each VM's devices against the mappings, its node and machine, and the other
/// VMs: what Proxmox refuses when the VM is configured or started. `token`: whether
/// Terraform logs in with an API token.
pub fn check_vms<'r>(
    vms: &BTreeMap<String, ir::Vm>,
    record_of: impl Fn(&str) -> Option<&'r Record>,
    pci: &Mappings,
    usb: &Mappings,
    token: bool,
    out: &mut Vec<Diagnostic>,
) {
    // The started VMs holding each device: (kind, node, mapping or address) → VM.
    let mut holders: BTreeMap<(&str, &str, String), (&str, Span)> = BTreeMap::new();
    for vm in vms.values() {
        let Some(r) = record_of(&vm.guest.name) else {
            continue;
        };
        let name = vm.guest.name.as_str();
        let node = vm.guest.node.as_str();
        let wanted = vm
            .pci
            .iter()
            .map(|d| {
                let (mapping, path) = (d.mapping.as_deref(), d.path.as_deref());
                ("pci", d.label.as_str(), mapping, path, d.pcie)
            })
            .chain(vm.usb.iter().map(|d| {
                let mapping = d.mapping.as_str();
                ("usb", mapping, Some(mapping), None, false)
            }));
        for (kind, label, mapping, path, pcie) in wanted {
            let at = block_span(r, kind, label, None);
            let Some(at) = at else {
                continue;
            };
            let key = match (mapping, path) {
                (Some(mapping), _) => {
                    let known = if kind == "pci" { pci } else { usb };
                    let Some((found, declared)) = known.get(mapping) else {
                        out.push(unknown_mapping(kind, mapping, at, known));
                        continue;
                    };
                    if !found.devices.iter().any(|d| d.node == node) {
                        let nodes: Vec<&str> =
                            found.devices.iter().map(|d| d.node.as_str()).collect();
                        let mut d = Diagnostic::error(
                            Code::MappingNotOnNode,
                            format!(
                                "`{name}` runs on {node}, which has no device in {kind} mapping `{mapping}`"
                            ),
                        )
                        .with_primary(at, format!("Proxmox finds no `{mapping}` device on {node} and refuses to start the VM"))
                        .with_help(format!(
                            "declare `{kind} {mapping} {{ … }}` on the host of {node}, or run the VM on {}",
                            nodes.join(" or ")
                        ));
                        if let Some(first) = declared.first() {
                            d = d.with_secondary(*first, "the mapping's devices are declared here");
                        }
                        out.push(d);
                        continue;
                    }
                    mapping.to_string()
                }
                (None, Some(path)) => {
                    if token {
                        out.push(
                            Diagnostic::error(
                                Code::RawPassthroughNeedsRootPassword,
                                format!("`{name}` passes through PCI device {path} by address, which an API token may not"),
                            )
                            .with_primary(at, "Proxmox lets only root@pam set a non-mapped `hostpci`")
                            .with_help(format!(
                                "declare the device on its host (`pci {label} {{ path = \"{path}\", id = \"…\" }}`) and drop `path` here: the VM then uses the cluster's mapping, which a token may use with `Mapping.Use`"
                            )),
                        );
                    }
                    format!("address {path}")
                }
                (None, None) => continue,
            };
            if pcie && !vm.firmware.is_q35() {
                let field_at = block_span(r, kind, label, Some("pcie")).unwrap_or(at);
                out.push(
                    Diagnostic::error(
                        Code::PcieNeedsQ35,
                        format!("`{name}` attaches `{label}` as PCIe on a machine without PCIe"),
                    )
                    .with_primary(field_at, "PCIe passthrough needs the q35 machine")
                    .with_help(format!(
                        "set `machine = \"q35\"` on template `{}` (its VMs share its machine), or write `pcie = false`",
                        vm.template
                    )),
                );
            }
            if !vm.guest.started {
                continue;
            }
            match holders.entry((kind, node, key)) {
                std::collections::btree_map::Entry::Vacant(slot) => {
                    slot.insert((name, at));
                }
                std::collections::btree_map::Entry::Occupied(first) => {
                    let (other, other_at) = *first.get();
                    out.push(
                        Diagnostic::error(
                            Code::DeviceGivenTwice,
                            format!("`{name}` and `{other}` both take {kind} device `{label}` on {node}, and both are started"),
                        )
                        .with_primary(at, "Proxmox refuses to start a second VM with a device in use")
                        .with_secondary(other_at, "also given to this running VM")
                        .with_help("give the device to one VM, or keep the other stopped (`started = false`)"),
                    );
                }
            }
        }
    }
}

fn unknown_mapping(kind: &str, mapping: &str, at: Span, known: &Mappings) -> Diagnostic {
    let d = Diagnostic::error(
        Code::UnknownMapping,
        format!("no host declares a {kind} device `{mapping}`"),
    )
    .with_primary(at, format!("not a {kind} mapping of the cluster"));
    match crate::diag::suggest(mapping, known.keys().map(String::as_str)).first() {
        Some(near) => d.with_help(format!("did you mean `{near}`?")),
        None => d.with_help(format!(
            "declare the device on each host it may run on: `{kind} {mapping} {{ id = \"…\"{} }}` in the `host` block",
            if kind == "pci" { ", path = \"…\"" } else { "" }
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_forms_are_those_the_provider_takes() {
        assert!(is_pci_address("0000:01:00.0"));
        assert!(is_pci_address("0000:01:00"));
        assert!(!is_pci_address("0000:01:00.0 "));
        assert!(!is_pci_address("0000:0A:00.0"));
        assert!(!is_pci_address("01:00.0"));
        assert!(is_valid_id("10de:2204"));
        assert!(is_valid_id("10DE:2204"));
        assert!(!is_valid_id("10de2204"));
        assert!(!is_valid_id("10de:22044"));
        assert!(is_mapping_name("gpu"));
        assert!(is_mapping_name("nvme_a-1"));
        assert!(!is_mapping_name("g"));
        assert!(!is_mapping_name("1gpu"));
        assert!(!is_mapping_name("gpu.0"));
        assert!(is_usb_port("1-4"));
        assert!(is_usb_port("1-4.2"));
        assert!(!is_usb_port("1-"));
        assert!(!is_usb_port("4.2"));
    }
}
