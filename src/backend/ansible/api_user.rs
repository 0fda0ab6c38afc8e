//! The play of `proxmox-hosts.yml` that gives pxic's Terraform and Packer their own
//! Proxmox user, a role with only the privileges they need, and an API token, which
//! it saves on the machine that runs Ansible (never in the repository). Everything
//! is looked up first, so a second run changes nothing.

use super::task;
use crate::backend::yaml::{Yaml, map};
use crate::ir::Plan;

/// What Terraform's bpg/proxmox provider and Packer's Proxmox builders use, on any
/// Proxmox VE version.
const PRIVILEGES: &[&str] = &[
    "Datastore.Allocate",
    "Datastore.AllocateSpace",
    "Datastore.AllocateTemplate",
    "Datastore.Audit",
    "Pool.Allocate",
    "Pool.Audit",
    "SDN.Use",
    "Sys.Audit",
    "Sys.Console",
    "Sys.Modify",
    "VM.Allocate",
    "VM.Audit",
    "VM.Clone",
    "VM.Config.CDROM",
    "VM.Config.CPU",
    "VM.Config.Cloudinit",
    "VM.Config.Disk",
    "VM.Config.HWType",
    "VM.Config.Memory",
    "VM.Config.Network",
    "VM.Config.Options",
    // Packer types its boot command through the console (`sendkey`).
    "VM.Console",
    "VM.Migrate",
    "VM.PowerMgmt",
];

/// Where the role is granted, instead of `/`: guests, storages, pools, the SDN zones
/// (bridges), and the nodes (`download-url` needs `Sys.Audit` and `Sys.Modify` on
/// `/nodes/{node}`; Packer's consoles). Not `/access` (users and tokens), nor the
/// cluster's own configuration.
const ACL_PATHS: &[&str] = &["/nodes", "/pool", "/sdn/zones", "/storage", "/vms"];

/// With resource mappings (PCI or USB passthrough): making and changing them
/// (`Mapping.Modify` on `/mapping/pci`, `/mapping/usb`), reading them back
/// (`Mapping.Audit`), and giving their devices to VMs (`Mapping.Use` on
/// `/mapping/<type>/<name>`).
const MAPPING_PRIVILEGES: &[&str] = &["Mapping.Audit", "Mapping.Modify", "Mapping.Use"];

/// Proxmox VE 8 has `VM.Monitor`; 9 dropped it, and reading the guest agent (which
/// the provider does for addresses) needs `VM.GuestAgent.Audit`.
const PRIVILEGES_PVE8: &[&str] = &["VM.Monitor"];
const PRIVILEGES_PVE9: &[&str] = &["VM.GuestAgent.Audit"];

/// A `pveum … list --output-format json` lookup, registered as `register`.
fn lookup(name: &str, argv: &[&str], register: &str) -> Yaml {
    task(
        name,
        "ansible.builtin.command",
        map().entry("argv", Yaml::own_list(argv)),
    )
    .entry("register", Yaml::str(register))
    .entry("changed_when", Yaml::Bool(false))
    .yaml()
}

/// A `pveum` change, made when `when` holds.
fn change(name: &str, argv: &[&str], when: &str) -> Yaml {
    task(
        name,
        "ansible.builtin.command",
        map().entry("argv", Yaml::own_list(argv)),
    )
    .entry("when", Yaml::str(when))
    .entry("changed_when", Yaml::Bool(true))
    .yaml()
}

pub fn play(plan: &Plan) -> Yaml {
    let cluster: String = plan
        .cluster
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let maps = !plan.pci_mappings.is_empty() || !plan.usb_mappings.is_empty();
    let mut privileges = PRIVILEGES.to_vec();
    let mut acl_paths = ACL_PATHS.to_vec();
    if maps {
        privileges.extend(MAPPING_PRIVILEGES);
        privileges.sort_unstable();
        acl_paths.push("/mapping");
        acl_paths.sort_unstable();
    }
    let vars = map()
        .entry("pxi_api_user", Yaml::str("pxic@pve"))
        .entry("pxi_api_role", Yaml::str("PxicProvision"))
        .entry("pxi_api_token_name", Yaml::str("pxic"))
        .entry(
            "pxi_api_token_file",
            Yaml::str(format!(
                "{{{{ lookup('ansible.builtin.env', 'HOME') }}}}/.config/pxic/{cluster}.token"
            )),
        )
        .entry("pxi_api_privileges", Yaml::own_list(&privileges))
        .entry("pxi_api_privileges_pve8", Yaml::own_list(PRIVILEGES_PVE8))
        .entry("pxi_api_privileges_pve9", Yaml::own_list(PRIVILEGES_PVE9))
        .entry("pxi_api_acl_paths", Yaml::own_list(&acl_paths));
    let tasks = vec![
        lookup("Read the Proxmox VE version", &["pveversion"], "pxi_pveversion"),
        // `pveversion` prints `pve-manager/8.4.1/…`: the major version decides.
        task(
            "Choose the privileges for this version",
            "ansible.builtin.set_fact",
            map().entry(
                "pxi_api_privs",
                Yaml::str(
                    "{{ (pxi_api_privileges + (pxi_api_privileges_pve8 if ((pxi_pveversion.stdout.split('/') + ['', '0'])[1].split('.')[0] | int) < 9 else pxi_api_privileges_pve9)) | sort }}",
                ),
            ),
        )
        .yaml(),
        lookup(
            "Look up the roles",
            &["pveum", "role", "list", "--output-format", "json"],
            "pxi_api_roles",
        ),
        task(
            "Read the privileges pxic's role has",
            "ansible.builtin.set_fact",
            map().entry(
                "pxi_api_role_privs",
                Yaml::str("{{ pxi_api_roles.stdout | from_json | selectattr('roleid', 'equalto', pxi_api_role) | map(attribute='privs') | first | default(none) }}"),
            ),
        )
        .yaml(),
        change(
            "Create pxic's role",
            &["pveum", "role", "add", "{{ pxi_api_role }}", "--privs", "{{ pxi_api_privs | join(',') }}"],
            "pxi_api_role_privs is none",
        ),
        change(
            "Give pxic's role the privileges it needs",
            &["pveum", "role", "modify", "{{ pxi_api_role }}", "--privs", "{{ pxi_api_privs | join(',') }}"],
            "pxi_api_role_privs is not none and (pxi_api_role_privs | split(',') | sort) != pxi_api_privs",
        ),
        lookup(
            "Look up the users",
            &["pveum", "user", "list", "--output-format", "json"],
            "pxi_api_users",
        ),
        change(
            "Create pxic's user",
            &["pveum", "user", "add", "{{ pxi_api_user }}", "--comment", "Used by the Terraform and Packer files pxic generates"],
            "pxi_api_user not in (pxi_api_users.stdout | from_json | map(attribute='userid'))",
        ),
        lookup(
            "Look up the permissions",
            &["pveum", "acl", "list", "--output-format", "json"],
            "pxi_api_acl",
        ),
        task(
            "Grant pxic's role to its user where Terraform and Packer work",
            "ansible.builtin.command",
            map().entry(
                "argv",
                Yaml::own_list(&["pveum", "acl", "modify", "{{ item }}", "--users", "{{ pxi_api_user }}", "--roles", "{{ pxi_api_role }}"]),
            ),
        )
        .entry("loop", Yaml::str("{{ pxi_api_acl_paths }}"))
        .entry(
            "when",
            Yaml::str("pxi_api_acl.stdout | from_json | selectattr('path', 'equalto', item) | selectattr('ugid', 'equalto', pxi_api_user) | selectattr('roleid', 'equalto', pxi_api_role) | list | length == 0"),
        )
        .entry("changed_when", Yaml::Bool(true))
        .yaml(),
        // Earlier versions granted it on `/`: Sys.Modify there is the whole cluster's
        // configuration (options, HA, firewall), which pxic never needs.
        change(
            "Take back a grant on the whole cluster",
            &["pveum", "acl", "delete", "/", "--users", "{{ pxi_api_user }}", "--roles", "{{ pxi_api_role }}"],
            "'/' not in pxi_api_acl_paths and pxi_api_acl.stdout | from_json | selectattr('path', 'equalto', '/') | selectattr('ugid', 'equalto', pxi_api_user) | selectattr('roleid', 'equalto', pxi_api_role) | list | length > 0",
        ),
        lookup(
            "Look up pxic's API tokens",
            &["pveum", "user", "token", "list", "{{ pxi_api_user }}", "--output-format", "json"],
            "pxi_api_tokens",
        ),
        map()
            .entry("name", Yaml::str("Create pxic's API token and save it for Terraform and Packer"))
            .entry(
                "when",
                Yaml::str("pxi_api_token_name not in (pxi_api_tokens.stdout | from_json | map(attribute='tokenid'))"),
            )
            .entry(
                "block",
                Yaml::List(vec![
                    task(
                        "Create the token",
                        "ansible.builtin.command",
                        map().entry(
                            "argv",
                            Yaml::own_list(&[
                                "pveum", "user", "token", "add", "{{ pxi_api_user }}",
                                "{{ pxi_api_token_name }}", "--privsep", "0",
                                "--output-format", "json",
                            ]),
                        ),
                    )
                    .entry("register", Yaml::str("pxi_api_token"))
                    .entry("changed_when", Yaml::Bool(true))
                    .entry("no_log", Yaml::Bool(true))
                    .yaml(),
                    task(
                        "Make the folder for the token",
                        "ansible.builtin.file",
                        map()
                            .entry("path", Yaml::str("{{ pxi_api_token_file | dirname }}"))
                            .entry("state", Yaml::str("directory"))
                            .entry("mode", Yaml::str("0700")),
                    )
                    .entry("delegate_to", Yaml::str("localhost"))
                    .entry("become", Yaml::Bool(false))
                    .yaml(),
                    task(
                        "Save the token (user@realm!name=secret), readable by its owner only",
                        "ansible.builtin.copy",
                        map()
                            .entry("dest", Yaml::str("{{ pxi_api_token_file }}"))
                            .entry(
                                "content",
                                Yaml::str("{{ (pxi_api_token.stdout | from_json)['full-tokenid'] }}={{ (pxi_api_token.stdout | from_json)['value'] }}\n"),
                            )
                            .entry("mode", Yaml::str("0600")),
                    )
                    .entry("delegate_to", Yaml::str("localhost"))
                    .entry("become", Yaml::Bool(false))
                    .entry("no_log", Yaml::Bool(true))
                    .yaml(),
                ]),
            )
            .yaml(),
    ];
    map()
        .entry(
            "name",
            Yaml::str("Give pxic's Terraform and Packer their own API user"),
        )
        .entry("hosts", Yaml::str("proxmox_hosts[0]"))
        .entry("become", Yaml::Bool(true))
        .entry("vars", vars.yaml())
        .entry("tasks", Yaml::List(tasks))
        .yaml()
}
