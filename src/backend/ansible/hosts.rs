//! `proxmox-hosts.yml` and what it reads: the Proxmox repositories, packages, the
//! bridges in `/etc/network/interfaces` (one file per host under `files/`), and the
//! storage definitions, added with `pvesm` when missing.

use super::task;
use crate::backend::yaml::{self, Yaml, map};
use crate::backend::{GENERATED, comment_text};
use crate::check::netmask_bits;
use crate::ir::{Bridge, Host, Network, Plan, Storage};
use std::fmt::Write;
use std::net::Ipv4Addr;

/// The inventory variables of a Proxmox host.
pub fn inventory_vars(plan: &Plan, host: &Host, roles: &super::roles::RoleNames) -> Yaml {
    let storages: Vec<Yaml> = host
        .storages
        .values()
        .map(|s| storage_entry(s, Some(&host.node)))
        .collect();
    let vars = map()
        .entry("ansible_host", Yaml::str(host.address.to_string()))
        .entry("pxi_node", Yaml::text(&host.node))
        .entry("pxi_packages", Yaml::strings(&host.packages))
        .entry(
            "pxi_manage_interfaces",
            Yaml::Bool(management_bridge(plan, host).is_some()),
        )
        .entry("pxi_storages", Yaml::List(storages))
        .entry(
            "pxi_sysctl",
            Yaml::Map(
                // Keys cannot be tagged `!unsafe`: the checker lets only kernel
                // parameter names through (PXI0334), and nothing else is written here.
                host.sysctl
                    .iter()
                    .filter(|(k, _)| is_sysctl_key(k))
                    .map(|(k, v)| (k.clone(), Yaml::text(v)))
                    .collect(),
            ),
        )
        .entry(
            "pxi_roles",
            Yaml::List(
                host.roles
                    .iter()
                    .map(|r| Yaml::text(roles.name(r)))
                    .collect(),
            ),
        );
    let base_vms = super::base_vms::inventory_entries(plan, host);
    vars.entry_some(
        "pxi_base_vms",
        (!base_vms.is_empty()).then_some(Yaml::List(base_vms)),
    )
    .yaml()
}

/// A kernel parameter name, as the checker allows it: parts of letters, digits, `_`
/// and `-`, joined by `.` or `/`.
fn is_sysctl_key(key: &str) -> bool {
    key.split(['.', '/']).all(|part| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
    })
}

/// A storage for `pvesm add`: its name, type and options.
fn storage_entry(storage: &Storage, node: Option<&str>) -> Yaml {
    map()
        .entry("name", Yaml::text(&storage.name))
        .entry("type", Yaml::text(&storage.kind))
        .entry("options", Yaml::strings(pvesm_options(storage, node)))
        .yaml()
}

/// The options of `pvesm add <type> <name>` for a storage.
fn pvesm_options(s: &Storage, node: Option<&str>) -> Vec<String> {
    let mut options = Vec::new();
    let mut add = |flag: &str, value: &Option<String>| {
        if let Some(value) = value {
            options.push(format!("--{flag}"));
            options.push(value.clone());
        }
    };
    add("path", &s.path);
    add("vgname", &s.vg);
    add("thinpool", &s.thinpool);
    add("pool", &s.pool);
    add("server", &s.server);
    add("export", &s.export);
    add("share", &s.share);
    if !s.monitors.is_empty() {
        options.push("--monhost".into());
        options.push(s.monitors.join(" "));
    }
    options.push("--content".into());
    options.push(s.content.join(","));
    if let Some(node) = node {
        options.push("--nodes".into());
        options.push(node.to_string());
    }
    if s.shared && matches!(s.kind.as_str(), "dir" | "lvm") {
        options.push("--shared".into());
        options.push("1".into());
    }
    options
}

/// The bridge that carries the host's own address, with its network: only then does
/// pxic write `/etc/network/interfaces` (a file without the host's address would cut
/// it off).
fn management_bridge<'p>(plan: &'p Plan, host: &'p Host) -> Option<(&'p Bridge, &'p Network)> {
    host.bridges.values().find_map(|bridge| {
        let network = plan.networks.get(bridge.network.as_deref()?)?;
        contains(network, host.address).then_some((bridge, network))
    })
}

fn contains(network: &Network, address: Ipv4Addr) -> bool {
    let mask = netmask_bits(network.prefix);
    u32::from(address) & mask == u32::from(network.address) & mask
}

/// `files/<host>/interfaces` for every host whose bridges carry its address.
pub fn static_files(plan: &Plan) -> Vec<(String, String)> {
    plan.hosts
        .values()
        .filter_map(|host| {
            let (managed, network) = management_bridge(plan, host)?;
            Some((
                format!("files/{}/interfaces", host.name),
                interfaces(plan, host, managed, network),
            ))
        })
        .collect()
}

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
                .network
                .as_deref()
                .and_then(|n| plan.networks.get(n))
                .is_some_and(|n| n.vlan.is_some());
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

/// A bridge's MTU: its own, else its network's.
fn bridge_mtu(plan: &Plan, bridge: &Bridge) -> Option<u32> {
    bridge.mtu.or_else(|| {
        bridge
            .network
            .as_deref()
            .and_then(|n| plan.networks.get(n))
            .and_then(|n| n.mtu)
    })
}

/// Looking up each storage of a list with `pvesm status`, then adding with `pvesm add`
/// those it did not find. `run_once` for the cluster's storages, which every node
/// shares.
fn storage_tasks(owner: &str, what: &str, list: &str, register: &str, run_once: bool) -> [Yaml; 2] {
    let once = |task: yaml::Map| {
        if run_once {
            task.entry("run_once", Yaml::Bool(true))
        } else {
            task
        }
    };
    let look_up = task(
        &format!("Look up the {owner} {what}"),
        "ansible.builtin.command",
        map().entry(
            "argv",
            Yaml::own_list(&["pvesm", "status", "--storage", "{{ item.name }}"]),
        ),
    )
    .entry("loop", Yaml::str(format!("{{{{ {list} }}}}")))
    .entry(
        "loop_control",
        map().entry("label", Yaml::str("{{ item.name }}")).yaml(),
    )
    .entry("register", Yaml::str(register));
    let add = task(
        &format!("Add the missing {what}"),
        "ansible.builtin.command",
        map().entry(
            "argv",
            Yaml::str("{{ ['pvesm', 'add', item.item.type, item.item.name] + item.item.options }}"),
        ),
    )
    .entry("loop", Yaml::str(format!("{{{{ {register}.results }}}}")))
    .entry(
        "loop_control",
        map()
            .entry("label", Yaml::str("{{ item.item.name }}"))
            .yaml(),
    )
    .entry("when", Yaml::str("item.rc != 0"));
    [
        once(look_up)
            .entry("changed_when", Yaml::Bool(false))
            .entry("failed_when", Yaml::Bool(false))
            .yaml(),
        once(add).entry("changed_when", Yaml::Bool(true)).yaml(),
    ]
}

/// `proxmox-hosts.yml`.
pub fn playbook(plan: &Plan) -> Yaml {
    let cluster_storages: Vec<Yaml> = plan
        .cluster
        .storages
        .values()
        .map(|s| storage_entry(s, None))
        .collect();
    let vars = map()
        .entry(
            "pxi_pve_repository_url",
            Yaml::str("http://download.proxmox.com/debian/pve"),
        )
        .entry(
            "pxi_pve_repository_suite",
            Yaml::str("{{ ansible_facts['distribution_release'] }}"),
        )
        .entry(
            "pxi_pve_repository_components",
            Yaml::strings(["pve-no-subscription"]),
        )
        .entry("pxi_cluster_storages", Yaml::List(cluster_storages));
    let tasks = vec![
        task(
            "Remove the enterprise repository, which needs a subscription",
            "ansible.builtin.file",
            map()
                .entry("path", Yaml::str("{{ item }}"))
                .entry("state", Yaml::str("absent")),
        )
        .entry(
            "loop",
            Yaml::strings([
                "/etc/apt/sources.list.d/pve-enterprise.list",
                "/etc/apt/sources.list.d/pve-enterprise.sources",
            ]),
        )
        .yaml(),
        task(
            "Add the no-subscription repository",
            "ansible.builtin.deb822_repository",
            map()
                .entry("name", Yaml::str("pve-no-subscription"))
                .entry("types", Yaml::strings(["deb"]))
                .entry("uris", Yaml::str("{{ pxi_pve_repository_url }}"))
                .entry("suites", Yaml::str("{{ pxi_pve_repository_suite }}"))
                .entry(
                    "components",
                    Yaml::str("{{ pxi_pve_repository_components }}"),
                )
                // Only when asked for: an explicit `Trusted: no` conflicts with another
                // entry for the same repository that leaves it out.
                .entry(
                    "trusted",
                    Yaml::str("{{ pxi_pve_repository_trusted | default(omit) }}"),
                )
                .entry("state", Yaml::str("present")),
        )
        .yaml(),
        task(
            "Install packages",
            "ansible.builtin.apt",
            map()
                .entry("name", Yaml::str("{{ pxi_packages }}"))
                .entry("state", Yaml::str("present"))
                .entry("update_cache", Yaml::Bool(true)),
        )
        .entry("when", Yaml::str("pxi_packages | length > 0"))
        .yaml(),
        task(
            "Install ifupdown2, which applies network changes without a reboot",
            "ansible.builtin.apt",
            map()
                .entry("name", Yaml::strings(["ifupdown2"]))
                .entry("state", Yaml::str("present")),
        )
        .entry("when", Yaml::str("pxi_manage_interfaces | bool"))
        .yaml(),
        task(
            "Write the network configuration",
            "ansible.builtin.copy",
            map()
                .entry(
                    "src",
                    Yaml::str("files/{{ inventory_hostname }}/interfaces"),
                )
                .entry("dest", Yaml::str("/etc/network/interfaces"))
                .entry("mode", Yaml::str("0644"))
                .entry("owner", Yaml::str("root"))
                .entry("group", Yaml::str("root"))
                .entry("backup", Yaml::Bool(true)),
        )
        .entry("when", Yaml::str("pxi_manage_interfaces | bool"))
        .entry("notify", Yaml::strings(["Reload the network"]))
        .yaml(),
        task(
            "Apply the kernel settings",
            "ansible.posix.sysctl",
            map()
                .entry("name", Yaml::str("{{ item.key }}"))
                .entry("value", Yaml::str("{{ item.value }}"))
                .entry("sysctl_file", Yaml::str("/etc/sysctl.d/90-pxic.conf"))
                .entry("state", Yaml::str("present"))
                .entry("reload", Yaml::Bool(true)),
        )
        .entry("loop", Yaml::str("{{ pxi_sysctl | dict2items }}"))
        .entry(
            "loop_control",
            map().entry("label", Yaml::str("{{ item.key }}")).yaml(),
        )
        .yaml(),
    ];
    let mut tasks = tasks;
    tasks.extend(storage_tasks(
        "host's",
        "storages",
        "pxi_storages",
        "pxi_storage_status",
        false,
    ));
    tasks.extend(storage_tasks(
        "cluster's",
        "shared storages",
        "pxi_cluster_storages",
        "pxi_cluster_storage_status",
        true,
    ));
    if super::base_vms::any(plan) {
        tasks.extend(super::base_vms::tasks());
    }
    tasks.push(super::apply_roles("Apply the host's roles"));
    let handlers = vec![
        task(
            "Reload the network",
            "ansible.builtin.command",
            map().entry("cmd", Yaml::str("ifreload -a")),
        )
        .entry("changed_when", Yaml::Bool(true))
        .yaml(),
    ];
    Yaml::List(vec![
        map()
            .entry("name", Yaml::str("Configure the Proxmox VE hosts"))
            .entry("hosts", Yaml::str("proxmox_hosts"))
            .entry("become", Yaml::Bool(true))
            .entry("vars", vars.yaml())
            .entry("tasks", Yaml::List(tasks))
            .entry("handlers", Yaml::List(handlers))
            .yaml(),
        super::api_user::play(plan),
    ])
}
