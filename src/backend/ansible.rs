//! The Ansible backend: `ansible/` with the inventory, `site.yml`, the playbook for the
//! Proxmox hosts, the playbook for the guests and one role per `.pxi` role the guests
//! use (facts in `docs/ansible.md`). Every file is lint-clean under ansible-lint's
//! production profile; every string is quoted, and text from `.pxi` files that looks
//! like Jinja is tagged `!unsafe`.

mod api_user;
mod base_vms;
mod hosts;
mod roles;

use super::yaml::{self, Yaml, map};
use super::{Emitted, GENERATED};
use crate::ir::{Builder, Guest, Plan};
use std::collections::{BTreeMap, BTreeSet};

/// Every Ansible file for a plan.
pub fn emit(plan: &Plan) -> Emitted {
    let roles = roles::RoleNames::of(plan);
    let mut files = Emitted::new();
    files.insert("ansible/ansible.cfg".into(), ANSIBLE_CFG.into());
    if plan
        .templates
        .values()
        .any(|t| t.builder == Builder::Packer && !t.build_roles().is_empty())
    {
        files.insert(
            format!("ansible/{}", crate::backend::packer::ANSIBLE_CONFIG_FILE),
            PACKER_ANSIBLE_CFG.into(),
        );
    }
    files.insert("ansible/.ansible-lint".into(), ANSIBLE_LINT.into());
    files.insert("ansible/.yamllint".into(), YAMLLINT.into());
    files.insert(
        "ansible/site.yml".into(),
        yaml::document(&[GENERATED, SITE_ORDER[0], SITE_ORDER[1]], &site()),
    );
    let mut add = |path: &str, value: &Yaml| {
        files.insert(
            format!("ansible/{path}"),
            yaml::document(&[GENERATED], value),
        );
    };
    add("inventory.yml", &inventory(plan, &roles));
    add("proxmox-hosts.yml", &hosts::playbook(plan));
    add("vms.yml", &guests_playbook());
    for (path, value) in roles::files(plan, &roles) {
        add(&path, &value);
    }
    for (name, playbook) in template_playbooks(plan, &roles) {
        add(&crate::backend::packer::playbook_path(name), &playbook);
    }
    for (path, text) in hosts::static_files(plan) {
        files.insert(format!("ansible/{path}"), text);
    }
    for (path, text) in roles::static_files(plan, &roles) {
        files.insert(format!("ansible/{path}"), text);
    }
    if let Some(requirements) = roles::requirements(plan, &files) {
        files.insert(
            "ansible/requirements.yml".into(),
            yaml::document(&[GENERATED], &requirements),
        );
    }
    files
}

/// The Ansible files each Packer template's build runs, by template: the
/// provisioner's configuration, the template's playbook and the folders of its roles
/// and of the roles they depend on. What goes into the template's fingerprint
/// (`packer::emit`); templates without roles have none.
pub fn build_inputs(plan: &Plan) -> BTreeMap<String, Emitted> {
    let building: Vec<&crate::ir::Template> = plan
        .templates
        .values()
        .filter(|t| t.builder == Builder::Packer && !t.build_roles().is_empty())
        .collect();
    if building.is_empty() {
        return BTreeMap::new();
    }
    let names = roles::RoleNames::of(plan);
    let role_files: Vec<(String, String)> = roles::files(plan, &names)
        .into_iter()
        .map(|(path, value)| (path, yaml::document(&[GENERATED], &value)))
        .collect();
    let playbooks: BTreeMap<&str, Yaml> = template_playbooks(plan, &names).into_iter().collect();
    let mut inputs = BTreeMap::new();
    for template in building {
        let mut files = Emitted::new();
        files.insert(
            format!("ansible/{}", crate::backend::packer::ANSIBLE_CONFIG_FILE),
            PACKER_ANSIBLE_CFG.into(),
        );
        if let Some(playbook) = playbooks.get(template.name.as_str()) {
            files.insert(
                format!(
                    "ansible/{}",
                    crate::backend::packer::playbook_path(&template.name)
                ),
                yaml::document(&[GENERATED], playbook),
            );
        }
        // The roles it applies and, through `depends`, those they need.
        let mut wanted: BTreeSet<&str> = BTreeSet::new();
        let mut next: Vec<&str> = template.build_roles().iter().map(String::as_str).collect();
        while let Some(role) = next.pop() {
            if wanted.insert(role)
                && let Some(r) = plan.roles.get(role)
            {
                next.extend(r.depends.iter().map(String::as_str));
            }
        }
        let folders: BTreeSet<String> = wanted
            .iter()
            .map(|r| format!("roles/{}/", names.name(r)))
            .collect();
        for (path, text) in &role_files {
            if folders.iter().any(|f| path.starts_with(f.as_str())) {
                files.insert(format!("ansible/{path}"), text.clone());
            }
        }
        inputs.insert(template.name.clone(), files);
    }
    inputs
}

/// The configuration of every run but Packer's. Host keys are checked: a Proxmox node's
/// key must be known (it is the cluster's root), and a new guest's is taken on first
/// sight (`accept-new`) but never a changed one.
const ANSIBLE_CFG: &str =
    "# generated by pxic — do not edit; change the .pxi files and run `pxic build`
[defaults]
inventory = inventory.yml
roles_path = roles
retry_files_enabled = False
interpreter_python = auto_silent

[inventory]
enable_plugins = yaml
any_unparsed_is_failed = True

[ssh_connection]
pipelining = True
ssh_args = -C -o ControlMaster=auto -o ControlPersist=60s -o StrictHostKeyChecking=accept-new
";

/// The configuration Packer's ansible provisioner runs with (`ANSIBLE_CONFIG`): it
/// passes an INI inventory in an extension-less temporary file, which the YAML-only
/// `ansible.cfg` refuses. The build VM is new on every build, at an address the next
/// build reuses with new host keys: its keys are neither checked nor remembered.
const PACKER_ANSIBLE_CFG: &str =
    "# generated by pxic — do not edit; change the .pxi files and run `pxic build`
# For Packer's ansible provisioner only (its INI inventory holds the one build VM).
[defaults]
roles_path = roles
host_key_checking = False
retry_files_enabled = False
interpreter_python = auto_silent

[inventory]
enable_plugins = ini
any_unparsed_is_failed = True

[ssh_connection]
pipelining = True
ssh_args = -C -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=/dev/null
";

const ANSIBLE_LINT: &str = "---
# generated by pxic — do not edit; change the .pxi files and run `pxic build`
profile: production
offline: true
strict: true
enable_list:
  - args
  - empty-string-compare
  - no-log-password
  - no-same-owner
exclude_paths:
  - .ansible/
";

const YAMLLINT: &str = "---
# generated by pxic — do not edit; change the .pxi files and run `pxic build`
extends: default
rules:
  comments:
    min-spaces-from-content: 1
  comments-indentation: false
  document-start:
    present: true
  # SSH keys and file contents are long single strings.
  line-length: disable
  braces:
    min-spaces-inside: 0
    max-spaces-inside: 1
  octal-values:
    forbid-implicit-octal: true
    forbid-explicit-octal: true
  truthy:
    allowed-values: [\"true\", \"false\"]
";

/// A name as Ansible wants its group, role and variable names: lowercase letters,
/// digits and `_` (anything else becomes `_`).
fn word(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// An inventory group name (`role_web`, `tag_prod`).
fn group_name(prefix: &str, name: &str) -> String {
    format!("{prefix}{}", word(name))
}

/// `inventory.yml`: `proxmox_hosts`, then the guests in `vms` and `containers`, and a
/// group per role (`role_<name>`) and per tag (`tag_<tag>`) holding both kinds.
fn inventory(plan: &Plan, roles: &roles::RoleNames) -> Yaml {
    let mut hosts = yaml::Map::default();
    for host in plan.hosts.values() {
        hosts.push(&host.name, hosts::inventory_vars(plan, host, roles));
    }
    let guests = |list: Vec<(&Guest, &str)>| {
        let mut out = yaml::Map::default();
        for (guest, user) in list {
            out.push(&guest.name, guest_vars(guest, user, roles));
        }
        out.yaml()
    };
    let vms: Vec<(&Guest, &str)> = plan
        .vms
        .values()
        .map(|v| {
            let user = v.guest.users.first().map_or("root", |u| u.name.as_str());
            (&v.guest, user)
        })
        .collect();
    // A container's SSH keys are root's (see the Terraform backend).
    let containers: Vec<(&Guest, &str)> = plan
        .containers
        .values()
        .map(|c| (&c.guest, "root"))
        .collect();
    let mut children = map()
        .entry(
            "proxmox_hosts",
            // Proxmox VE is administered as root (pvesm, pveum, qm, ifreload);
            // a group variable, so that host_vars or `-e` can say otherwise.
            map()
                .entry(
                    "vars",
                    map().entry("ansible_user", Yaml::str("root")).yaml(),
                )
                .entry("hosts", hosts.yaml())
                .yaml(),
        )
        .entry("vms", map().entry("hosts", guests(vms)).yaml())
        .entry(
            "containers",
            map().entry("hosts", guests(containers)).yaml(),
        );
    let all_guests = plan
        .vms
        .values()
        .map(|v| &v.guest)
        .chain(plan.containers.values().map(|c| &c.guest));
    let mut groups: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for guest in all_guests {
        for role in &guest.roles {
            groups
                .entry(group_name("role_", roles.name(role)))
                .or_default()
                .insert(&guest.name);
        }
        for tag in &guest.tags {
            groups
                .entry(group_name("tag_", tag))
                .or_default()
                .insert(&guest.name);
        }
    }
    let no_login: BTreeSet<&str> = plan
        .vms
        .values()
        .map(|v| &v.guest)
        .chain(plan.containers.values().map(|c| &c.guest))
        .filter(|g| !g.started || g.users.iter().all(|u| u.ssh_keys.is_empty()))
        .map(|g| g.name.as_str())
        .collect();
    // Always there (maybe empty): the guests' plays name it.
    groups.insert(NO_LOGIN.to_string(), no_login);
    for (group, members) in groups {
        let mut hosts = yaml::Map::default();
        for member in members {
            hosts.push(member, Yaml::Map(vec![]));
        }
        children.push(&group, map().entry("hosts", hosts.yaml()).yaml());
    }
    map()
        .entry("all", map().entry("children", children.yaml()).yaml())
        .yaml()
}

/// A guest's host variables.
fn guest_vars(guest: &Guest, user: &str, roles: &roles::RoleNames) -> Yaml {
    // The first static address, IPv4 before IPv6: a NIC on DHCP, SLAAC or without an
    // address gives none that pxic knows (the check insists on one where Ansible
    // logs in).
    let address = guest
        .nics
        .iter()
        .find_map(|n| n.address.ip())
        .map(|a| a.to_string())
        .or_else(|| {
            guest
                .nics
                .iter()
                .find_map(|n| n.static_ipv6().map(str::to_string))
        })
        .unwrap_or_default();
    let users: Vec<Yaml> = guest
        .users
        .iter()
        .map(|u| {
            map()
                .entry("name", Yaml::text(&u.name))
                .entry("ssh_keys", Yaml::strings(&u.ssh_keys))
                .entry("sudo", Yaml::Bool(u.sudo))
                .entry("shell", Yaml::text(&u.shell))
                .yaml()
        })
        .collect();
    map()
        .entry("ansible_host", Yaml::str(address))
        .entry("ansible_user", Yaml::text(user))
        .entry("pxi_vmid", Yaml::Int(guest.vmid.into()))
        .entry("pxi_node", Yaml::text(&guest.node))
        .entry("pxi_users", Yaml::List(users))
        .entry(
            "pxi_roles",
            Yaml::List(
                guest
                    .roles
                    .iter()
                    .map(|r| Yaml::text(roles.name(r)))
                    .collect(),
            ),
        )
        .yaml()
}

/// What `site.yml` says of the order of the four steps.
const SITE_ORDER: [&str; 2] = [
    "Step 1 of 4: the Proxmox VE hosts. Then build the templates (packer build), make the guests",
    "(terraform apply), and configure them last: ansible-playbook vms.yml.",
];

/// `site.yml`: the first step, the hosts. The guests' playbook is not imported: the
/// guests exist only once Packer and Terraform (steps 2 and 3) have run, which
/// Ansible cannot do for them.
fn site() -> Yaml {
    Yaml::List(vec![
        map()
            .entry("name", Yaml::str("Configure the Proxmox VE hosts"))
            .entry(
                "ansible.builtin.import_playbook",
                Yaml::str("proxmox-hosts.yml"),
            )
            .yaml(),
    ])
}

/// The inventory group of the guests Ansible cannot log in to: created stopped, or
/// without an SSH key (PXI0328 warns when such a guest has roles). The guests'
/// playbook leaves them out, so that it does not wait ten minutes for each and fail.
const NO_LOGIN: &str = "no_login";

/// The guests Ansible configures.
const GUESTS: &str = "vms:containers:!no_login";

/// A task: its name, the module and its arguments. Ansible templates names, and
/// ansible-lint wants Jinja only at their end; a name is only for people, so Jinja
/// delimiters from `.pxi` text in it are spaced apart (`{{` → `{ {`) instead.
fn task(name: &str, module: &str, args: yaml::Map) -> yaml::Map {
    map()
        .entry("name", Yaml::str(title(name)))
        .entry(module, args.yaml())
}

/// A task or handler name with its Jinja delimiters spaced apart, so that text from
/// `.pxi` in it is never evaluated. Handlers and `notify` both spell names this way.
fn title(name: &str) -> String {
    const DELIMITERS: [(&str, &str); 6] = [
        ("{{", "{ {"),
        ("}}", "} }"),
        ("{%", "{ %"),
        ("%}", "% }"),
        ("{#", "{ #"),
        ("#}", "# }"),
    ];
    // One pass leaves `{{` in `{{{` (`{ {{`): repeat until none is left. That also
    // makes a second call change nothing, so a name spelled once for a handler and
    // again by `task` stays the one its `notify` names.
    let mut text = name.to_string();
    while DELIMITERS.iter().any(|(d, _)| text.contains(d)) {
        for (delimiter, spaced) in DELIMITERS {
            text = text.replace(delimiter, spaced);
        }
    }
    text
}

/// Applying the host's or guest's roles (`pxi_roles`) in its order.
fn apply_roles(name: &str) -> Yaml {
    task(
        name,
        "ansible.builtin.include_role",
        map().entry("name", Yaml::str("{{ pxi_role }}")),
    )
    .entry("loop", Yaml::str("{{ pxi_roles }}"))
    .entry(
        "loop_control",
        map().entry("loop_var", Yaml::str("pxi_role")).yaml(),
    )
    .yaml()
}

/// The playbooks Packer's ansible provisioner runs on a template's build VM: its
/// roles, in its order. Packer's inventory holds the one build VM.
fn template_playbooks<'p>(plan: &'p Plan, names: &roles::RoleNames) -> Vec<(&'p str, Yaml)> {
    plan.templates
        .values()
        .filter(|t| t.builder == Builder::Packer && !t.build_roles().is_empty())
        .map(|t| {
            let roles: Vec<&str> = t.build_roles().iter().map(|r| names.name(r)).collect();
            let play = map()
                .entry(
                    "name",
                    Yaml::str(title(&format!("Apply the roles of template {}", t.name))),
                )
                .entry("hosts", Yaml::str("all"))
                .entry("become", Yaml::Bool(true))
                .entry(
                    "vars",
                    map().entry("pxi_roles", Yaml::strings(roles)).yaml(),
                )
                .entry("tasks", Yaml::List(vec![apply_roles("Apply role")]))
                .yaml();
            (t.name.as_str(), Yaml::List(vec![play]))
        })
        .collect()
}

/// `vms.yml`: wait for each guest, create its users, then apply its roles in the
/// order it lists them.
fn guests_playbook() -> Yaml {
    let wait = vec![
        task(
            "Wait for the guest to answer",
            "ansible.builtin.wait_for_connection",
            map().entry("timeout", Yaml::Int(600)),
        )
        .yaml(),
        task(
            "Gather facts",
            "ansible.builtin.setup",
            map().entry("gather_subset", Yaml::strings(["min"])),
        )
        .yaml(),
        // Exit 2 is "done, with recoverable errors" (`degraded`): Ubuntu 24.04 reports
        // it for deprecated keys in Proxmox's user-data. Only 1 is a failure.
        task(
            "Wait for cloud-init to finish",
            "ansible.builtin.command",
            map().entry("cmd", Yaml::str("cloud-init status --wait")),
        )
        .entry("register", Yaml::str("pxi_cloud_init"))
        .entry("changed_when", Yaml::Bool(false))
        .entry("failed_when", Yaml::str("pxi_cloud_init.rc not in [0, 2]"))
        .entry("when", Yaml::str("inventory_hostname in groups['vms']"))
        .yaml(),
    ];
    // A stock Debian container template has no sudo, and `visudo` checks the files.
    let sudo_users = "pxi_users | selectattr('sudo') | list | length > 0";
    let install_sudo = |family: &str, module: &str, args: yaml::Map| {
        task("Install sudo for the sudo users", module, args)
            .entry(
                "when",
                Yaml::List(vec![
                    Yaml::str(sudo_users),
                    Yaml::str(format!("ansible_facts['os_family'] == '{family}'")),
                ]),
            )
            .yaml()
    };
    let users = vec![
        task(
            "Create user",
            "ansible.builtin.user",
            map()
                .entry("name", Yaml::str("{{ item.name }}"))
                .entry("shell", Yaml::str("{{ item.shell }}"))
                .entry("create_home", Yaml::Bool(true)),
        )
        .entry("loop", Yaml::str("{{ pxi_users }}"))
        .entry(
            "loop_control",
            map().entry("label", Yaml::str("{{ item.name }}")).yaml(),
        )
        .yaml(),
        task(
            "Authorise SSH keys",
            "ansible.posix.authorized_key",
            map()
                .entry("user", Yaml::str("{{ item.0.name }}"))
                .entry("key", Yaml::str("{{ item.1 }}")),
        )
        .entry(
            "loop",
            Yaml::str("{{ pxi_users | subelements('ssh_keys') }}"),
        )
        .entry(
            "loop_control",
            map().entry("label", Yaml::str("{{ item.0.name }}")).yaml(),
        )
        .yaml(),
        install_sudo(
            "Debian",
            "ansible.builtin.apt",
            map()
                .entry("name", Yaml::str("sudo"))
                .entry("state", Yaml::str("present"))
                .entry("update_cache", Yaml::Bool(true))
                .entry("cache_valid_time", Yaml::Int(3600)),
        ),
        install_sudo(
            "RedHat",
            "ansible.builtin.dnf",
            map()
                .entry("name", Yaml::str("sudo"))
                .entry("state", Yaml::str("present")),
        ),
        task(
            "Let sudo users run any command",
            "ansible.builtin.copy",
            map()
                .entry("dest", Yaml::str("/etc/sudoers.d/pxic-{{ item.name }}"))
                .entry(
                    "content",
                    Yaml::str("{{ item.name }} ALL=(ALL) NOPASSWD:ALL\n"),
                )
                .entry("mode", Yaml::str("0440"))
                .entry("owner", Yaml::str("root"))
                .entry("group", Yaml::str("root"))
                .entry("validate", Yaml::str("visudo -cf %s")),
        )
        .entry(
            "loop",
            Yaml::str("{{ pxi_users | selectattr('sudo') | list }}"),
        )
        .entry(
            "loop_control",
            map().entry("label", Yaml::str("{{ item.name }}")).yaml(),
        )
        .yaml(),
    ];
    let apply_roles = vec![apply_roles("Apply role")];
    let play = |name: &str, tasks: Vec<Yaml>| {
        map()
            .entry("name", Yaml::str(name))
            .entry("hosts", Yaml::str(GUESTS))
            .entry("gather_facts", Yaml::Bool(false))
            .entry("become", Yaml::Bool(true))
            .entry("tasks", Yaml::List(tasks))
            .yaml()
    };
    Yaml::List(vec![
        play("Wait for the guests", wait),
        play("Create the guests' users", users),
        play("Apply the guests' roles", apply_roles),
    ])
}

#[cfg(test)]
mod tests {
    use super::title;

    #[test]
    fn titles_keep_no_jinja_delimiter_and_are_spelled_once() {
        for name in [
            "{{{x}}}",
            "{{{{",
            "}}}}",
            "{%%}",
            "{##}",
            "{#{%{{",
            "a {{ b }} c",
        ] {
            let once = title(name);
            for delimiter in ["{{", "}}", "{%", "%}", "{#", "#}"] {
                assert!(!once.contains(delimiter), "{name:?} → {once:?}");
            }
            assert_eq!(title(&once), once, "{name:?}");
        }
        assert_eq!(title("Restart web"), "Restart web");
        assert_eq!(title("{{{x}}}"), "{ { {x} } }");
    }
}
