//! The nodes' network: `files/<host>/interfaces`, the interfaces pxic declares for a
//! host, and the play that merges them into the node's `/etc/network/interfaces`
//! (`library/pxic_interfaces.py`) one node at a time, under a revert the node
//! schedules for itself.

use crate::backend::ansible::task;
use crate::backend::yaml::{self, Yaml, map};
use crate::backend::{GENERATED, comment_text};
use crate::check::netmask_bits;
use crate::ir::{Bridge, Host, Network, Plan};
use std::fmt::Write;
use std::net::Ipv4Addr;

/// The bridge that carries the host's own address, with its network: only then does
/// pxic write `/etc/network/interfaces` (a file without the host's address would cut
/// it off).
pub(super) fn management_bridge<'p>(
    plan: &'p Plan,
    host: &'p Host,
) -> Option<(&'p Bridge, &'p Network)> {
    host.bridges.values().find_map(|bridge| {
        bridge
            .carried()
            .filter_map(|n| plan.networks.get(n))
            .find(|network| contains(network, host.address))
            .map(|network| (bridge, network))
    })
}

fn contains(network: &Network, address: Ipv4Addr) -> bool {
    let mask = netmask_bits(network.prefix);
    u32::from(address) & mask == u32::from(network.address) & mask
}

/// `files/<host>/interfaces` for every host whose bridges carry its address, and the
/// module that merges them into the nodes' files.
pub fn static_files(plan: &Plan) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = plan
        .hosts
        .values()
        .filter_map(|host| {
            let (managed, network) = management_bridge(plan, host)?;
            Some((
                format!("files/{}/interfaces", host.name),
                interfaces(plan, host, managed, network),
            ))
        })
        .collect();
    if !files.is_empty() {
        files.push((
            "library/pxic_interfaces.py".into(),
            INTERFACES_MODULE.into(),
        ));
    }
    files
}

/// The Ansible module the network play writes with (found in `library/` beside the
/// playbook).
const INTERFACES_MODULE: &str = include_str!("pxic_interfaces.py");

/// The whole `/etc/network/interfaces` of a host, in the form Proxmox writes it.
fn interfaces(plan: &Plan, host: &Host, managed: &Bridge, network: &Network) -> String {
    let mut out = format!(
        "# {GENERATED}\n# The network of Proxmox host {}.\n\nauto lo\niface lo inet loopback\n",
        comment_text(&host.name)
    );
    // A port carries its bridge's MTU too, or jumbo frames stop at the port.
    let mut ports: std::collections::BTreeMap<&str, Option<u32>> = Default::default();
    for bridge in host.bridges.values() {
        for port in &bridge.ports {
            let mtu = ports.entry(port).or_default();
            *mtu = (*mtu).max(bridge_mtu(plan, bridge));
        }
    }
    for (port, mtu) in ports {
        let _ = write!(out, "\niface {} inet manual\n", interface(port));
        if let Some(mtu) = mtu {
            let _ = writeln!(out, "\tmtu {mtu}");
        }
    }
    let address = format!("{}/{}", host.address, network.prefix);
    for bridge in host.bridges.values() {
        let carries_address = bridge.name == managed.name;
        let on_bridge = carries_address && network.vlan.is_none();
        let name = interface(&bridge.name);
        let _ = write!(out, "\nauto {name}\n");
        if on_bridge {
            let _ = writeln!(out, "iface {name} inet static");
            let _ = writeln!(out, "\taddress {address}");
            if let Some(gateway) = network.gateway {
                let _ = writeln!(out, "\tgateway {gateway}");
            }
        } else {
            let _ = writeln!(out, "iface {name} inet manual");
        }
        let ports = if bridge.ports.is_empty() {
            "none".to_string()
        } else {
            let ports: Vec<_> = bridge.ports.iter().map(|p| interface(p)).collect();
            ports.join(" ")
        };
        let _ = writeln!(out, "\tbridge-ports {ports}");
        out.push_str("\tbridge-stp off\n\tbridge-fd 0\n");
        let vlan_aware = bridge.vlan_aware
            || bridge
                .carried()
                .filter_map(|n| plan.networks.get(n))
                .any(|n| n.vlan.is_some());
        if vlan_aware {
            out.push_str("\tbridge-vlan-aware yes\n\tbridge-vids 2-4094\n");
        }
        if let Some(mtu) = bridge_mtu(plan, bridge) {
            let _ = writeln!(out, "\tmtu {mtu}");
        }
        // The host's address on a tagged network lives on a VLAN interface.
        if carries_address && let Some(vlan) = network.vlan {
            let _ = write!(
                out,
                "\nauto {name}.{vlan}\niface {name}.{vlan} inet static\n\taddress {address}\n"
            );
            if let Some(gateway) = network.gateway {
                let _ = writeln!(out, "\tgateway {gateway}");
            }
            // A VLAN interface takes its bridge's MTU: a trunk that carries jumbo
            // frames for another network would give the host's own network them too.
            let own = network.mtu.unwrap_or(1500);
            if bridge_mtu(plan, bridge).is_some_and(|m| m != own) {
                let _ = writeln!(out, "\tmtu {own}");
            }
        }
    }
    out.push_str("\nsource /etc/network/interfaces.d/*\n");
    out
}

/// An interface name as the file gets it. The checker refuses every name that is not
/// one Linux takes (PXI0333); this keeps a plan made any other way from ending a line
/// of the file early, where the rest would run as root at `ifreload -a`: anything but
/// letters, digits, `-`, `_` and `.` becomes `_`.
fn interface(name: &str) -> std::borrow::Cow<'_, str> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if name.chars().all(allowed) {
        std::borrow::Cow::Borrowed(name)
    } else {
        name.chars()
            .map(|c| if allowed(c) { c } else { '_' })
            .collect()
    }
}

/// A bridge's MTU: its own, else the largest of its networks' (a VLAN's frames pass
/// through the bridge and its ports).
fn bridge_mtu(plan: &Plan, bridge: &Bridge) -> Option<u32> {
    bridge.mtu.or_else(|| {
        bridge
            .carried()
            .filter_map(|n| plan.networks.get(n))
            .filter_map(|n| n.mtu)
            .max()
    })
}

/// What a node must still reach after its network changed: its gateway and the other
/// nodes (the cluster's corosync peers).
pub(super) fn network_check(plan: &Plan, host: &Host) -> Vec<String> {
    let gateway = management_bridge(plan, host).and_then(|(_, network)| network.gateway);
    gateway
        .into_iter()
        .chain(
            plan.hosts
                .values()
                .filter(|h| h.name != host.name)
                .map(|h| h.address),
        )
        .map(|a| a.to_string())
        .collect()
}

/// How long a node waits for the check before it puts its old network back by itself.
const REVERT_AFTER_SECONDS: u32 = 180;

/// The play that writes the nodes' networks: one node at a time (`serial: 1`; a
/// failed node stops the play before the next one), keeping every interface pxic does
/// not declare (`library/pxic_interfaces.py`). A change is applied under a revert
/// the node schedules for itself, so that a node the controller can no longer reach
/// comes back on its own; the revert is cancelled only once the controller reaches the
/// node again over a fresh connection and the node reaches its gateway and peers.
pub(super) fn network_play() -> Yaml {
    let when = "pxi_manage_interfaces | bool";
    let applied = "pxi_interfaces is changed and pxi_interfaces.backup_file | length > 0";
    let revert_unit = "pxic-network-revert";
    let tasks = vec![
        task(
            "Install ifupdown2, which applies network changes without a reboot",
            "ansible.builtin.apt",
            map()
                .entry("name", Yaml::strings(["ifupdown2"]))
                .entry("state", Yaml::str("present")),
        )
        .entry("when", Yaml::str(when))
        .yaml(),
        task(
            "Write the interfaces pxic declares, keeping the node's others",
            "pxic_interfaces",
            map()
                .entry(
                    "content",
                    Yaml::str(
                        "{{ lookup('ansible.builtin.file', 'files/' + inventory_hostname + '/interfaces') }}",
                    ),
                )
                .entry("address", Yaml::str("{{ pxi_address }}"))
                .entry(
                    "drop_foreign",
                    Yaml::str("{{ pxi_network_drop_foreign | default(false) | bool }}"),
                ),
        )
        .entry("when", Yaml::str(when))
        .entry("register", Yaml::str("pxi_interfaces"))
        .yaml(),
        map()
            .entry(
                "name",
                Yaml::str("Apply the new network, and put the old one back if the node is lost"),
            )
            .entry("when", Yaml::str(applied))
            .entry(
                "block",
                Yaml::List(vec![
                    task(
                        "Schedule the old network's return, in case the node is cut off",
                        "ansible.builtin.command",
                        map().entry(
                            "argv",
                            Yaml::List(vec![
                                Yaml::str("systemd-run"),
                                Yaml::str(format!("--unit={revert_unit}")),
                                Yaml::str("--collect"),
                                Yaml::str(format!("--on-active={REVERT_AFTER_SECONDS}")),
                                Yaml::str("/bin/sh"),
                                Yaml::str("-c"),
                                Yaml::str(
                                    "cp -p \"$0\" /etc/network/interfaces && ifreload -a",
                                ),
                                Yaml::str("{{ pxi_interfaces.backup_file }}"),
                            ]),
                        ),
                    )
                    .entry("changed_when", Yaml::Bool(true))
                    .yaml(),
                    reload_network(),
                    map()
                        .entry(
                            "name",
                            Yaml::str("Drop the connection, so that the check opens a new one"),
                        )
                        .entry("ansible.builtin.meta", Yaml::str("reset_connection"))
                        .yaml(),
                    task(
                        "Check that the controller still reaches the node",
                        "ansible.builtin.wait_for_connection",
                        map().entry("timeout", Yaml::Int(60)),
                    )
                    .yaml(),
                    task(
                        "Check that the node reaches its gateway and the other nodes",
                        "ansible.builtin.command",
                        map().entry(
                            "argv",
                            Yaml::own_list(&["ping", "-c", "1", "-W", "2", "{{ item }}"]),
                        ),
                    )
                    .entry("loop", Yaml::str("{{ pxi_network_check }}"))
                    .entry("changed_when", Yaml::Bool(false))
                    .yaml(),
                    cancel_revert(revert_unit).yaml(),
                ]),
            )
            .entry(
                "rescue",
                Yaml::List(vec![
                    task(
                        "Put the old network back",
                        "ansible.builtin.copy",
                        map()
                            .entry("src", Yaml::str("{{ pxi_interfaces.backup_file }}"))
                            .entry("dest", Yaml::str("/etc/network/interfaces"))
                            .entry("remote_src", Yaml::Bool(true))
                            .entry("mode", Yaml::str("0644"))
                            .entry("owner", Yaml::str("root"))
                            .entry("group", Yaml::str("root")),
                    )
                    .yaml(),
                    reload_network(),
                    // Absent when the block failed before scheduling it.
                    cancel_revert(revert_unit)
                        .entry("failed_when", Yaml::Bool(false))
                        .yaml(),
                    task(
                        "Stop before the next node",
                        "ansible.builtin.fail",
                        map().entry(
                            "msg",
                            Yaml::str(
                                "The new network of {{ inventory_hostname }} failed its check and was put back; no other node was changed.",
                            ),
                        ),
                    )
                    .yaml(),
                ]),
            )
            .yaml(),
    ];
    map()
        .entry(
            "name",
            Yaml::str("Configure the Proxmox VE hosts' network, one node at a time"),
        )
        .entry("hosts", Yaml::str("proxmox_hosts"))
        .entry("serial", Yaml::Int(1))
        .entry("become", Yaml::Bool(true))
        .entry("gather_facts", Yaml::Bool(false))
        .entry("tasks", Yaml::List(tasks))
        .yaml()
}

fn reload_network() -> Yaml {
    task(
        "Reload the network",
        "ansible.builtin.command",
        map().entry("argv", Yaml::own_list(&["ifreload", "-a"])),
    )
    .entry("changed_when", Yaml::Bool(true))
    .yaml()
}

fn cancel_revert(unit: &str) -> yaml::Map {
    task(
        "Cancel the scheduled return of the old network",
        "ansible.builtin.systemd_service",
        map()
            .entry("name", Yaml::str(format!("{unit}.timer")))
            .entry("state", Yaml::str("stopped")),
    )
}
