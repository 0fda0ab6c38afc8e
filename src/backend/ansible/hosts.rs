//! `proxmox-hosts.yml` and what it reads: the Proxmox repositories, packages, the
//! storage definitions ([`storage`]), and the bridges in `/etc/network/interfaces`
//! ([`network`]: one file per host under `files/`, merged into the node's own by
//! `library/pxic_interfaces.py`, one node at a time).

mod network;
mod storage;

pub use network::static_files;

use super::task;
use crate::backend::yaml::{Yaml, map};
use crate::ir::{Host, Plan};

/// The inventory variables of a Proxmox host.
pub fn inventory_vars(plan: &Plan, host: &Host, roles: &super::roles::RoleNames) -> Yaml {
    let vars = map()
        .entry("ansible_host", Yaml::str(host.address.to_string()))
        .entry("pxi_address", Yaml::str(host.address.to_string()))
        .entry("pxi_node", Yaml::text(&host.node))
        .entry("pxi_packages", Yaml::strings(&host.packages))
        .entry(
            "pxi_manage_interfaces",
            Yaml::Bool(network::management_bridge(plan, host).is_some()),
        )
        .entry(
            "pxi_network_check",
            Yaml::strings(network::network_check(plan, host)),
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
            // Proxmox's release key: up to PVE 8 (bookworm) in trusted.gpg.d, which
            // apt trusts for every source, so no `Signed-By` (a no-subscription line
            // an admin added by hand has none, and apt refuses two different
            // `Signed-By` for one source); from PVE 9 (trixie) on in a keyring of its
            // own, named as Proxmox's own `.sources` files name it.
            .entry(
                "pxi_pve_repository_key",
                Yaml::str(
                    "{{ '' if ansible_facts['distribution_release'] == 'bookworm' else '/usr/share/keyrings/proxmox-archive-keyring.gpg' }}",
                ),
            );
    }
    let mut vars = vars.entry("pxi_storages", Yaml::List(storage::storages(plan)));
    let (uids, gids) = shared_ids(plan);
    if !uids.is_empty() || !gids.is_empty() {
        vars = vars
            .entry(
                "pxi_shared_uids",
                Yaml::List(uids.iter().map(|id| Yaml::Int((*id).into())).collect()),
            )
            .entry(
                "pxi_shared_gids",
                Yaml::List(gids.iter().map(|id| Yaml::Int((*id).into())).collect()),
            );
    }
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
    if !uids.is_empty() || !gids.is_empty() {
        tasks.extend(shared_id_tasks());
    }
    tasks.extend(storage::storage_tasks(plan));
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
        network::network_play(),
        super::api_user::play(plan),
    ])
}

/// The user and group ids containers share with the host (`idmap`), sorted: every
/// node allows all of them, so that a container still starts after a migration.
fn shared_ids(plan: &Plan) -> (Vec<u32>, Vec<u32>) {
    let mut uids: Vec<u32> = plan
        .containers
        .values()
        .flat_map(|c| c.shared_uids.iter().copied())
        .collect();
    let mut gids: Vec<u32> = plan
        .containers
        .values()
        .flat_map(|c| c.shared_gids.iter().copied())
        .collect();
    for ids in [&mut uids, &mut gids] {
        ids.sort_unstable();
        ids.dedup();
    }
    (uids, gids)
}

/// Root may map only the ids `/etc/subuid` and `/etc/subgid` give it (100000 and up,
/// by default): a container that keeps an id of the host's needs that id there too,
/// or LXC refuses to start it.
fn shared_id_tasks() -> Vec<Yaml> {
    [
        ("user", "subuid", "pxi_shared_uids"),
        ("group", "subgid", "pxi_shared_gids"),
    ]
    .into_iter()
    .map(|(what, file, list)| {
        task(
            &format!("Let containers keep the {what} ids they share with the host"),
            "ansible.builtin.lineinfile",
            map()
                .entry("path", Yaml::str(format!("/etc/{file}")))
                .entry("line", Yaml::str("root:{{ item }}:1")),
        )
        .entry("loop", Yaml::str(format!("{{{{ {list} }}}}")))
        .yaml()
    })
    .collect()
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
        deb822_task(
            "Disable the enterprise stanzas of deb822 files that say Enabled before URIs",
            format!("{STANZA}((?:{LINE})*?)Enabled:{NOT_OFF}[^\\n]*\\n((?:{LINE})*?{ENTERPRISE})"),
            "\\g<1>Enabled: false\\n\\g<2>",
        ),
        deb822_task(
            "Disable the enterprise stanzas of deb822 files that say Enabled after URIs",
            format!(
                "{STANZA}((?:{LINE})*?{ENTERPRISE}[^\\n]*\\n(?:{LINE})*?)Enabled:{NOT_OFF}[^\\n]*\\n"
            ),
            "\\g<1>Enabled: false\\n",
        ),
        deb822_task(
            "Disable the enterprise stanzas of deb822 files that do not say Enabled",
            format!(
                "{STANZA}((?:(?!Enabled:){LINE})*?{ENTERPRISE}[^\\n]*\\n(?:(?!Enabled:){LINE})*)(?=\\n|\\Z)"
            ),
            "\\g<1>Enabled: false\\n",
        ),
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
                .entry(
                    "signed_by",
                    Yaml::str("{{ pxi_pve_repository_key | default(omit, true) }}"),
                )
                .entry("state", Yaml::str("present")),
        )
        .yaml(),
    ]
}

// A deb822 file may hold several stanzas (paragraphs between blank lines); only
// those whose `URIs` name the enterprise repository are disabled, each by its own
// `Enabled: false`, set where the stanza has an `Enabled` line and added at its end
// where it has none. Python regular expressions, as `replace` runs them (multiline):
// a stanza starts at the top of the file or after a blank line.
const STANZA: &str = "(?:\\A|(?<=\\n\\n))";
const LINE: &str = "[^\\n]+\\n";
const ENTERPRISE: &str = "URIs:[^\\n]*enterprise[.]proxmox[.]com";
/// After `Enabled:`: a value apt does not read as false.
const NOT_OFF: &str = "(?![ \\t]*(?i:no|false|off|without|disable)[ \\t]*\\n)";

fn deb822_task(name: &str, regexp: String, replace: &str) -> Yaml {
    task(
        name,
        "ansible.builtin.replace",
        map()
            .entry("path", Yaml::str("{{ item }}"))
            .entry("regexp", Yaml::str(regexp))
            .entry("replace", Yaml::str(replace)),
    )
    .entry(
        "loop",
        Yaml::str("{{ pxi_enterprise_sources.files | map(attribute='path') | select('search', '[.]sources$') | list }}"),
    )
    .yaml()
}
