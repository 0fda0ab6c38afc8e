//! The cluster's storages: one definition per storage ID, reconciled once for the
//! whole cluster (`/etc/pve/storage.cfg` is cluster-wide).

use crate::backend::ansible::task;
use crate::backend::yaml::{self, Yaml, map};
use crate::ir::{Plan, Storage};

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
pub(super) fn storages(plan: &Plan) -> Vec<Yaml> {
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

/// The storages, reconciled once for the whole cluster (`run_once`: the definitions
/// live in the cluster-wide `/etc/pve/storage.cfg`, and nodes adding the same ID side
/// by side fail on all but one). A missing storage is added; an existing one gains the
/// content and nodes `.pxi` declares and keeps the ones it has (a stock `local` keeps
/// `iso,vztmpl,backup` and gains `import`/`snippets`); content kept that `.pxi` does not
/// declare is reported, never removed.
pub(super) fn storage_tasks(plan: &Plan) -> Vec<Yaml> {
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
