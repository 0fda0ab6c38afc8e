//! One Ansible role per `.pxi` role: `roles/<name>/{tasks,handlers,defaults,meta}/main.yml`.
//! A role that names a Galaxy role is not written out: it goes to `requirements.yml`.

use super::{task, title, word};
use crate::backend::yaml::{self, Yaml, map};
use crate::ir::{Plan, Role};
use std::collections::BTreeMap;

/// The Ansible name of each `.pxi` role: its Galaxy name, or a role folder named after
/// it (`roles.base` → `roles_base`; ansible-lint wants `[a-z][a-z0-9_]*`).
pub struct RoleNames(BTreeMap<String, String>);

impl RoleNames {
    pub fn of(plan: &Plan) -> RoleNames {
        let mut taken = std::collections::BTreeSet::new();
        let mut names = BTreeMap::new();
        for role in plan.roles.values() {
            let name = match &role.galaxy {
                Some(galaxy) => galaxy.clone(),
                None => {
                    let mut base = word(&role.name);
                    if !base.starts_with(|c: char| c.is_ascii_lowercase()) {
                        base.insert_str(0, "role_");
                    }
                    let mut name = base.clone();
                    let mut n = 2;
                    while taken.contains(&name) {
                        name = format!("{base}_{n}");
                        n += 1;
                    }
                    name
                }
            };
            taken.insert(name.clone());
            names.insert(role.name.clone(), name);
        }
        RoleNames(names)
    }

    /// The name a play uses for the role.
    pub fn name<'a>(&'a self, role: &'a str) -> &'a str {
        self.0.get(role).map_or(role, String::as_str)
    }
}

/// The files of every role written out.
pub fn files(plan: &Plan, names: &RoleNames) -> Vec<(String, Yaml)> {
    let mut files = Vec::new();
    for role in plan.roles.values().filter(|r| r.galaxy.is_none()) {
        let name = names.name(&role.name);
        let dir = format!("roles/{name}");
        files.push((format!("{dir}/tasks/main.yml"), tasks(role, name)));
        let restarted = restarted(role);
        if !restarted.is_empty() {
            files.push((format!("{dir}/handlers/main.yml"), handlers(&restarted)));
        }
        if !role.vars.is_empty() {
            let mut defaults = yaml::Map::default();
            for (key, value) in &role.vars {
                defaults.push(&var_name(name, key), Yaml::text(value));
            }
            files.push((format!("{dir}/defaults/main.yml"), defaults.yaml()));
        }
        files.push((format!("{dir}/meta/main.yml"), meta(role, names)));
    }
    files
}

/// `requirements.yml`, when a role comes from Galaxy.
pub fn requirements(plan: &Plan) -> Option<Yaml> {
    let galaxy: Vec<Yaml> = plan
        .roles
        .values()
        .filter_map(|r| r.galaxy.as_ref())
        .map(|g| map().entry("name", Yaml::text(g)).yaml())
        .collect();
    (!galaxy.is_empty()).then(|| map().entry("roles", Yaml::List(galaxy)).yaml())
}

/// A role's variable, prefixed with the role's name as ansible-lint wants.
fn var_name(role: &str, key: &str) -> String {
    format!("{role}_{}", word(key))
}

/// A handler's name, as its task and every `notify` spell it.
fn handler_name(service: &str) -> String {
    title(&format!("Restart {service}"))
}

fn tasks(role: &Role, name: &str) -> Yaml {
    let mut tasks = Vec::new();
    let firewall = role.firewall.as_ref();
    let mut packages = role.packages.clone();
    if firewall.is_some() && !packages.iter().any(|p| p == "ufw") {
        packages.push("ufw".to_string());
    }
    if !packages.is_empty() {
        tasks.push(
            task(
                "Install packages",
                "ansible.builtin.apt",
                map()
                    .entry("name", Yaml::strings(&packages))
                    .entry("state", Yaml::str("present"))
                    .entry("update_cache", Yaml::Bool(true))
                    .entry("cache_valid_time", Yaml::Int(3600)),
            )
            .yaml(),
        );
    }
    if role.vars.contains_key("timezone") {
        tasks.push(
            task(
                "Set the time zone",
                "community.general.timezone",
                map().entry(
                    "name",
                    Yaml::str(format!("{{{{ {} }}}}", var_name(name, "timezone"))),
                ),
            )
            .yaml(),
        );
    }
    for (path, file) in &role.files {
        let mut copy = task(
            &format!("Write {path}"),
            "ansible.builtin.copy",
            map()
                .entry("dest", Yaml::text(path))
                .entry("content", Yaml::Unsafe(file.content.clone()))
                .entry("mode", Yaml::text(&file.mode))
                .entry("owner", Yaml::text(&file.owner))
                .entry("group", Yaml::text(&file.owner)),
        );
        if !file.restart.is_empty() {
            copy.push(
                "notify",
                Yaml::List(
                    file.restart
                        .iter()
                        .map(|s| Yaml::str(handler_name(s)))
                        .collect(),
                ),
            );
        }
        tasks.push(copy.yaml());
    }
    for service in &role.services {
        tasks.push(
            task(
                &format!("Enable and start {service}"),
                "ansible.builtin.systemd_service",
                map()
                    .entry("name", Yaml::text(service))
                    .entry("enabled", Yaml::Bool(true))
                    .entry("state", Yaml::str("started")),
            )
            .yaml(),
        );
    }
    if let Some(firewall) = firewall {
        let sources: Vec<String> = if firewall.from.is_empty() {
            vec!["any".to_string()]
        } else {
            firewall.from.clone()
        };
        let rules = firewall
            .allow
            .iter()
            .map(|p| (*p, "tcp"))
            .chain(firewall.allow_udp.iter().map(|p| (*p, "udp")));
        for (port, proto) in rules {
            for from in &sources {
                let title = if from == "any" {
                    format!("Allow {port}/{proto}")
                } else {
                    format!("Allow {port}/{proto} from {from}")
                };
                tasks.push(
                    task(
                        &title,
                        "community.general.ufw",
                        map()
                            .entry("rule", Yaml::str("allow"))
                            .entry("port", Yaml::str(port.to_string()))
                            .entry("proto", Yaml::str(proto))
                            .entry("from_ip", Yaml::text(from)),
                    )
                    .yaml(),
                );
            }
        }
        tasks.push(
            task(
                "Turn the firewall on",
                "community.general.ufw",
                map()
                    .entry("state", Yaml::str("enabled"))
                    .entry("policy", Yaml::str("deny")),
            )
            .yaml(),
        );
    }
    Yaml::List(tasks)
}

/// The services a role restarts: its own, then those its files name, each once.
fn restarted(role: &Role) -> Vec<&str> {
    let mut services: Vec<&str> = Vec::new();
    let named = role.files.values().flat_map(|f| &f.restart);
    for service in role.services.iter().chain(named) {
        if !services.contains(&service.as_str()) {
            services.push(service);
        }
    }
    services
}

fn handlers(services: &[&str]) -> Yaml {
    Yaml::List(
        services
            .iter()
            .map(|service| {
                task(
                    &handler_name(service),
                    "ansible.builtin.systemd_service",
                    map()
                        .entry("name", Yaml::text(*service))
                        .entry("state", Yaml::str("restarted")),
                )
                .yaml()
            })
            .collect(),
    )
}

fn meta(role: &Role, names: &RoleNames) -> Yaml {
    let description = role
        .description
        .clone()
        .unwrap_or_else(|| format!("The {} role of a pxic project.", role.name));
    let info = map()
        .entry("author", Yaml::str("generated by pxic"))
        .entry("description", Yaml::text(description))
        .entry("license", Yaml::str("proprietary"))
        .entry("min_ansible_version", Yaml::str("2.15"))
        .entry(
            "platforms",
            Yaml::List(vec![
                map()
                    .entry("name", Yaml::str("Debian"))
                    .entry("versions", Yaml::strings(["bookworm", "trixie"]))
                    .yaml(),
                map()
                    .entry("name", Yaml::str("Ubuntu"))
                    .entry("versions", Yaml::strings(["jammy", "noble"]))
                    .yaml(),
            ]),
        );
    let dependencies: Vec<Yaml> = role
        .depends
        .iter()
        .map(|d| map().entry("role", Yaml::text(names.name(d))).yaml())
        .collect();
    map()
        .entry("galaxy_info", info.yaml())
        .entry("dependencies", Yaml::List(dependencies))
        .yaml()
}
