//! What a change of a guest's NICs does, beside what [`super::guest`] says of the
//! guest as a whole: the provider updates NICs in place (`network_device`,
//! `network_interface` and `ip_config` never force a replacement), but the guest
//! may still lose its place on the network.
//!
//! - A new MAC: the guest is a new machine to DHCP reservations, switch port
//!   security and licences bound to the MAC (said loudly).
//! - Another network, bridge or VLAN: the guest moves to another segment (loudly).
//! - Another address (static, `dhcp`, `none`): given through cloud-init, which a VM
//!   reads at its next boot; a container's is changed by Proxmox at once.
//! - A NIC added or removed.

use super::guest::Consequence;
use crate::ir::{Guest, Nic};

/// The consequences of the change of `o`'s NICs to `n`'s, for a guest of `kind`
/// (`vm`, `container`).
pub fn changes(kind: &'static str, o: &Guest, n: &Guest) -> Vec<Consequence> {
    let mut out = Vec::new();
    for (i, (old, new)) in o.nics.iter().zip(&n.nics).enumerate() {
        let which = format!("NIC net{i} ({})", new.network);
        if !old.mac.eq_ignore_ascii_case(&new.mac) {
            out.push(Consequence::loud(
                kind,
                format!(
                    "has its {which} MAC changed from {} to {}: DHCP reservations and licences bound to the old one no longer match",
                    old.mac, new.mac
                ),
            ));
        }
        if (&old.network, &old.bridge, old.vlan) != (&new.network, &new.bridge, new.vlan) {
            out.push(Consequence::loud(
                kind,
                format!(
                    "has its NIC net{i} moved from {} to {}: it leaves its network segment",
                    place(old),
                    place(new)
                ),
            ));
        }
        if old.address != new.address {
            let when = if kind == "vm" {
                "cloud-init applies it at the VM's next boot"
            } else {
                "Proxmox changes it in the running container"
            };
            out.push(Consequence::note(
                kind,
                format!(
                    "has its {which} address changed from {} to {}: {when}",
                    old.address, new.address
                ),
            ));
        }
    }
    for (i, nic) in n.nics.iter().enumerate().skip(o.nics.len()) {
        out.push(Consequence::note(
            kind,
            format!("gains NIC net{i} on {}", place(nic)),
        ));
    }
    for (i, nic) in o.nics.iter().enumerate().skip(n.nics.len()) {
        out.push(Consequence::loud(
            kind,
            format!("loses NIC net{i} on {}", place(nic)),
        ));
    }
    out
}

/// `network lan (vmbr0, VLAN 20)`.
fn place(nic: &Nic) -> String {
    match nic.vlan {
        Some(vlan) => format!("network {} ({}, VLAN {vlan})", nic.network, nic.bridge),
        None => format!("network {} ({})", nic.network, nic.bridge),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn guest(nics: serde_json::Value) -> Guest {
        serde_json::from_value(json!({
            "name": "router", "host": "pve1", "node": "pve1", "vmid": 107,
            "cores": 2, "memory": 2u64 << 30, "disk": 20u64 << 30, "storage": "local-lvm",
            "nics": nics, "users": [], "roles": [], "tags": [], "pool": null,
            "description": null, "on_boot": true, "started": true, "protection": false,
            "renamed_from": null, "dns": [], "domain": null, "origin": {"file": "vms.pxi"}
        }))
        .expect("a guest")
    }

    fn nic(network: &str, vlan: Option<u16>, address: &str, mac: &str) -> serde_json::Value {
        json!({"network": network, "bridge": "vmbr0", "address": address, "prefix": 24,
               "gateway": null, "vlan": vlan, "mtu": null, "mac": mac, "firewall": false})
    }

    fn lines(o: &Guest, n: &Guest, kind: &'static str) -> Vec<String> {
        changes(kind, o, n)
            .iter()
            .map(|c| c.line("router"))
            .collect()
    }

    #[test]
    fn a_new_mac_or_network_is_loud_an_address_is_not() {
        let old = guest(json!([nic("lan", None, "10.0.0.1", "BC:24:11:00:00:01")]));
        // The same MAC in another spelling is no change.
        let same = guest(json!([nic("lan", None, "10.0.0.1", "bc:24:11:00:00:01")]));
        assert!(lines(&old, &same, "vm").is_empty());
        let remac = guest(json!([nic("lan", None, "10.0.0.1", "02:00:00:00:00:01")]));
        let out = lines(&old, &remac, "vm");
        assert_eq!(out.len(), 1);
        assert!(
            out[0].starts_with("  !! vm router has its NIC net0 (lan) MAC changed"),
            "{out:?}"
        );
        let moved = guest(json!([nic("iot", Some(20), "dhcp", "BC:24:11:00:00:01")]));
        let out = lines(&old, &moved, "container");
        assert_eq!(
            out,
            [
                "  !! container router has its NIC net0 moved from network lan (vmbr0) to network iot (vmbr0, VLAN 20): it leaves its network segment",
                "  → container router has its NIC net0 (iot) address changed from 10.0.0.1 to dhcp: Proxmox changes it in the running container",
            ]
        );
        let more = guest(json!([
            nic("lan", None, "10.0.0.1", "BC:24:11:00:00:01"),
            nic("wan", None, "none", "BC:24:11:00:00:02"),
        ]));
        assert_eq!(
            lines(&old, &more, "vm"),
            ["  → vm router gains NIC net1 on network wan (vmbr0)"]
        );
        assert_eq!(
            lines(&more, &old, "vm"),
            ["  !! vm router loses NIC net1 on network wan (vmbr0)"]
        );
    }
}
