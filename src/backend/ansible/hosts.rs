//! `proxmox-hosts.yml` and what it reads: the Proxmox repositories, packages, the
//! bridges in `/etc/network/interfaces` (one file per host under `files/`, merged
//! into the node's own by `library/pxic_interfaces.py`, one node at a time), and the
//! storage definitions.

use super::task;
use crate::backend::yaml::{self, Yaml, map};
use crate::backend::{GENERATED, comment_text};
use crate::check::netmask_bits;
use crate::ir::{Bridge, Host, Network, Plan, Storage};
use std::fmt::Write;
use std::net::Ipv4Addr;

/// The inventory variables of a Proxmox host.
pub fn inventory_vars(plan: &Plan, host: &Host, roles: &super::roles::RoleNames) -> Yaml {
    let vars = map()
        .entry("ansible_host", Yaml::str(host.address.to_string()))
        .entry("pxi_address", Yaml::str(host.address.to_string()))
        .entry("pxi_node", Yaml::text(&host.node))
        .entry("pxi_packages", Yaml::strings(&host.packages))
        .entry(
            "pxi_manage_interfaces",
            Yaml::Bool(management_bridge(plan, host).is_some()),
        )
        .entry(
            "pxi_network_check",
            Yaml::strings(network_check(plan, host)),
        )
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

/// A storage as the play reconciles it: its name, type, the options of `pvesm add`,
/// its content, and the nodes it is limited to (none: every node).
fn storage_entry(storage: &Storage, nodes: &[&str]) -> Yaml {
    map()
        .entry("name", Yaml::text(&storage.name))
        .entry("type", Yaml::text(&storage.kind))
        .entry("options", Yaml::strings(pvesm_options(storage, nodes)))
        .entry("content", Yaml::strings(&storage.content))
        .entry("nodes", Yaml::strings(nodes))
        .yaml()
}

/// Every storage of the cluster, once: storage IDs are cluster-wide
/// (`/etc/pve/storage.cfg`), so a storage several hosts declare is one definition
/// limited to those nodes, and the cluster's own storages are on every node.
fn storages(plan: &Plan) -> Vec<Yaml> {
    let mut local: std::collections::BTreeMap<&str, (&Storage, Vec<&str>)> = Default::default();
    for host in plan.hosts.values() {
        for storage in host.storages.values() {
            if plan.cluster.storages.contains_key(&storage.name) {
                continue;
            }
            local
                .entry(&storage.name)
                .or_insert((storage, Vec::new()))
                .1
                .push(&host.node);
        }
    }
    let mut all: Vec<(&str, Yaml)> = plan
        .cluster
        .storages
        .values()
        .map(|s| (s.name.as_str(), storage_entry(s, &[])))
        .collect();
    all.extend(
        local
            .into_iter()
            .map(|(name, (s, nodes))| (name, storage_entry(s, &nodes))),
    );
    all.sort_by(|a, b| a.0.cmp(b.0));
    all.into_iter().map(|(_, entry)| entry).collect()
}

/// The options of `pvesm add <type> <name>` for a storage.
fn pvesm_options(s: &Storage, nodes: &[&str]) -> Vec<String> {
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
    if !nodes.is_empty() {
        options.push("--nodes".into());
        options.push(nodes.join(","));
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

/// The storages, reconciled once for the whole cluster (`run_once`: the definitions
/// live in the cluster-wide `/etc/pve/storage.cfg`, and nodes adding the same ID side
/// by side fail on all but one). A missing storage is added; an existing one gains the
/// content and nodes `.pxi` declares and keeps the ones it has (a stock `local` keeps
/// `iso,vztmpl,backup` and gains `import`/`snippets`); content kept that `.pxi` does not
/// declare is reported, never removed.
fn storage_tasks(plan: &Plan) -> Vec<Yaml> {
    let have =
        "pxi_storage_have | selectattr('storage', 'equalto', item.name) | first | default({})";
    let have_list =
        |key: &str| format!("{{{{ ({have}).get('{key}', '').split(',') | select | list }}}}");
    let exists = "item.name in (pxi_storage_have | map(attribute='storage'))";
    let each = |task: yaml::Map, have: &str| {
        let task = task.entry("loop", Yaml::str("{{ pxi_storages }}")).entry(
            "loop_control",
            map().entry("label", Yaml::str("{{ item.name }}")).yaml(),
        );
        let task = if have.is_empty() {
            task
        } else {
            task.entry(
                "vars",
                map()
                    .entry(&format!("pxi_have_{have}"), Yaml::str(have_list(have)))
                    .yaml(),
            )
        };
        task.entry("run_once", Yaml::Bool(true))
    };
    // `pvesm set` of what a storage lacks of `key` (content, nodes), keeping what
    // it has.
    let gain = |key: &str, what: &str, also: &str| {
        each(
            task(
                &format!("Give the existing storages {what} they lack"),
                "ansible.builtin.command",
                map().entry(
                    "argv",
                    Yaml::str(format!(
                        "{{{{ ['pvesm', 'set', item.name, '--{key}', (pxi_have_{key} + item.{key}) | unique | sort | join(',')] }}}}"
                    )),
                ),
            ),
            key,
        )
        .entry(
            "when",
            Yaml::str(format!(
                "{exists}{also} and (item.{key} | difference(pxi_have_{key}) | length > 0)"
            )),
        )
        .entry("changed_when", Yaml::Bool(true))
        .yaml()
    };
    let mut tasks = vec![
        task(
            "Read the cluster's storage definitions",
            "ansible.builtin.command",
            map().entry(
                "argv",
                Yaml::own_list(&["pvesh", "get", "/storage", "--output-format", "json"]),
            ),
        )
        .entry("register", Yaml::str("pxi_storage_read"))
        .entry("run_once", Yaml::Bool(true))
        .entry("changed_when", Yaml::Bool(false))
        .yaml(),
        task(
            "Keep them for the next tasks",
            "ansible.builtin.set_fact",
            map().entry(
                "pxi_storage_have",
                Yaml::str("{{ pxi_storage_read.stdout | from_json }}"),
            ),
        )
        .entry("run_once", Yaml::Bool(true))
        .yaml(),
    ];
    let import = plan
        .hosts
        .values()
        .flat_map(|h| h.storages.values())
        .chain(plan.cluster.storages.values())
        .any(|s| s.content.iter().any(|c| c == "import"));
    if import {
        tasks.push(
            task(
                "Read the Proxmox VE version",
                "ansible.builtin.command",
                map().entry("argv", Yaml::own_list(&["pveversion"])),
            )
            .entry("register", Yaml::str("pxi_storage_pve_version"))
            .entry("run_once", Yaml::Bool(true))
            .entry("changed_when", Yaml::Bool(false))
            .yaml(),
        );
        tasks.push(
            task(
                "Check that the nodes take import content, new in Proxmox VE 8.4",
                "ansible.builtin.assert",
                map()
                    .entry(
                        "that",
                        Yaml::strings([
                            "(pxi_storage_pve_version.stdout.split('/') + ['', '0'])[1] is version('8.4', '>=')",
                        ]),
                    )
                    .entry(
                        "fail_msg",
                        Yaml::str(
                            "A storage declares `import` content, which Proxmox VE accepts from 8.4 on; this node runs {{ pxi_storage_pve_version.stdout }}. Upgrade the nodes, or take `import` out of the storages' content.",
                        ),
                    )
                    .entry("quiet", Yaml::Bool(true)),
            )
            .entry("run_once", Yaml::Bool(true))
            .yaml(),
        );
    }
    tasks.extend([
        each(task(
            "Add the missing storages",
            "ansible.builtin.command",
            map().entry(
                "argv",
                Yaml::str("{{ ['pvesm', 'add', item.type, item.name] + item.options }}"),
            ),
        ), "")
        .entry("when", Yaml::str(format!("not ({exists})")))
        .entry("changed_when", Yaml::Bool(true))
        .yaml(),
        gain("content", "the content", ""),
        // A storage on every node (no `nodes`) already has them all.
        gain(
            "nodes",
            "the nodes",
            " and (pxi_have_nodes | length > 0) and (item.nodes | length > 0)",
        ),
        each(task(
            "Report content the storages keep that the .pxi files do not declare",
            "ansible.builtin.debug",
            map().entry(
                "msg",
                Yaml::str(
                    "Storage {{ item.name }} also holds {{ pxi_have_content | difference(item.content) | join(', ') }}, which the .pxi files do not declare; pxic leaves it.",
                ),
            ),
        ), "content")
        .entry(
            "when",
            Yaml::str(format!(
                "{exists} and (pxi_have_content | difference(item.content) | length > 0)"
            )),
        )
        .yaml(),
    ]);
    tasks
}

/// `proxmox-hosts.yml`.
pub fn playbook(plan: &Plan) -> Yaml {
    let no_subscription = plan.cluster.repository == "no-subscription";
    let mut vars = map();
    if no_subscription {
        vars = vars
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
            // Proxmox's release key: beside the others up to PVE 8 (bookworm), in a
            // keyring of its own from PVE 9 (trixie) on, where `Signed-By` is needed.
            .entry(
                "pxi_pve_repository_key",
                Yaml::str(
                    "{{ '/etc/apt/trusted.gpg.d/proxmox-release-bookworm.gpg' if ansible_facts['distribution_release'] == 'bookworm' else '/usr/share/keyrings/proxmox-archive-keyring.gpg' }}",
                ),
            );
    }
    let vars = vars.entry("pxi_storages", Yaml::List(storages(plan)));
    let mut tasks = if no_subscription {
        no_subscription_tasks()
    } else {
        Vec::new()
    };
    tasks.extend([
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
    ]);
    tasks.extend(storage_tasks(plan));
    if super::base_vms::any(plan) {
        tasks.extend(super::base_vms::tasks());
    }
    tasks.push(super::apply_roles("Apply the host's roles"));
    Yaml::List(vec![
        map()
            .entry("name", Yaml::str("Configure the Proxmox VE hosts"))
            .entry("hosts", Yaml::str("proxmox_hosts"))
            .entry("become", Yaml::Bool(true))
            .entry("vars", vars.yaml())
            .entry("tasks", Yaml::List(tasks))
            .yaml(),
        network_play(),
        super::api_user::play(plan),
    ])
}

/// What a node must still reach after its network changed: its gateway and the other
/// nodes (the cluster's corosync peers).
fn network_check(plan: &Plan, host: &Host) -> Vec<String> {
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
fn network_play() -> Yaml {
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

/// A cluster without a subscription (`repository = no-subscription`): the enterprise
/// repositories of Proxmox VE and Ceph answer 401 and fail every `apt update`, so they
/// are disabled (commented out, or `Enabled: false`, never deleted), then the
/// no-subscription repository is added, signed by Proxmox's key. `deb822_repository`
/// needs python3-debian, which a stock node lacks.
fn no_subscription_tasks() -> Vec<Yaml> {
    let enterprise = "pxi_enterprise_sources.files | map(attribute='path')";
    vec![
        task(
            "Find the enterprise repositories, which need a subscription",
            "ansible.builtin.find",
            map()
                .entry("paths", Yaml::strings(["/etc/apt/sources.list.d"]))
                .entry("patterns", Yaml::strings(["*.list", "*.sources"]))
                .entry("contains", Yaml::str("^[^#]*enterprise[.]proxmox[.]com")),
        )
        .entry("register", Yaml::str("pxi_enterprise_sources"))
        .yaml(),
        task(
            "Disable the enterprise repositories of one-line files",
            "ansible.builtin.replace",
            map()
                .entry("path", Yaml::str("{{ item }}"))
                .entry(
                    "regexp",
                    Yaml::str("^(deb(-src)?\\s[^#]*enterprise[.]proxmox[.]com.*)$"),
                )
                .entry("replace", Yaml::str("# \\1")),
        )
        .entry(
            "loop",
            Yaml::str(format!(
                "{{{{ {enterprise} | select('search', '[.]list$') | list }}}}"
            )),
        )
        .yaml(),
        task(
            "Disable the enterprise repositories of deb822 files",
            "ansible.builtin.lineinfile",
            map()
                .entry("path", Yaml::str("{{ item }}"))
                .entry("regexp", Yaml::str("^Enabled:"))
                .entry("line", Yaml::str("Enabled: false")),
        )
        .entry(
            "loop",
            Yaml::str(format!(
                "{{{{ {enterprise} | select('search', '[.]sources$') | list }}}}"
            )),
        )
        .yaml(),
        task(
            "Install python3-debian, which deb822_repository needs",
            "ansible.builtin.apt",
            map()
                .entry("name", Yaml::strings(["python3-debian"]))
                .entry("state", Yaml::str("present"))
                .entry("update_cache", Yaml::Bool(true)),
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
                .entry("signed_by", Yaml::str("{{ pxi_pve_repository_key }}"))
                .entry("state", Yaml::str("present")),
        )
        .yaml(),
    ]
}
