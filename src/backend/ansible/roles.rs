//! One Ansible role per `.pxi` role: `roles/<name>/{tasks,handlers,defaults,meta}/main.yml`.
//! A role that names a Galaxy role is written out too, as a role that depends on the
//! Galaxy one (with the `.pxi` role's `vars` as its variables) and then does what the
//! `.pxi` role says: its packages, files, services and firewall rules are kept. The
//! Galaxy role goes to `requirements.yml`, with the collections the files use.
//!
//! A file's content goes into its task (`content: !unsafe "…"`), except content that
//! ansible-lint would refuse there whatever the quoting: a tab (`no-tabs`, any
//! Makefile) or a Jinja delimiter (`jinja[invalid]` parses even `!unsafe` text, and
//! fails on Jinja that does not balance). Such content is written as it is under the
//! role's `files/`, which the `copy` module reads (`src:`) and never templates.

use super::{task, title, word};
use crate::backend::Emitted;
use crate::backend::yaml::{self, Yaml, map};
use crate::ir::{Plan, Role};
use std::collections::BTreeMap;

/// The Ansible name of each `.pxi` role: a role folder named after it (`roles.base` →
/// `roles_base`; ansible-lint wants `[a-z][a-z0-9_]*`). A Galaxy role's name has a
/// dot, so it never clashes with one of these.
pub struct RoleNames(BTreeMap<String, String>);

impl RoleNames {
    pub fn of(plan: &Plan) -> RoleNames {
        let mut taken = std::collections::BTreeSet::new();
        let mut names = BTreeMap::new();
        for role in plan.roles.values() {
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

/// The files of every role.
pub fn files(plan: &Plan, names: &RoleNames) -> Vec<(String, Yaml)> {
    let mut files = Vec::new();
    for role in plan.roles.values() {
        let name = names.name(&role.name);
        let dir = format!("roles/{name}");
        files.push((format!("{dir}/tasks/main.yml"), tasks(role, name)));
        let restarted = restarted(role);
        if !restarted.is_empty() || has_units(role) {
            files.push((
                format!("{dir}/handlers/main.yml"),
                handlers(has_units(role), &restarted),
            ));
        }
        // A Galaxy role's variables are the Galaxy role's own: they go, unprefixed, to
        // its entry in `meta/main.yml`.
        if !role.vars.is_empty() && role.galaxy.is_none() {
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

/// The files of roles whose content is copied from the role's `files/` (see the
/// module doc): `(path in ansible/, content)`.
pub fn static_files(plan: &Plan, names: &RoleNames) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for role in plan.roles.values() {
        let name = names.name(&role.name);
        for (path, src) in sources(role) {
            if let Some(file) = role.files.get(path) {
                files.push((format!("roles/{name}/files/{src}"), file.content.clone()));
            }
        }
    }
    files
}

/// Whether a file's content must be copied from `files/` rather than written into
/// the task.
fn needs_source(content: &str) -> bool {
    content.contains('\t')
        || content.contains("{{")
        || content.contains("{%")
        || content.contains("{#")
}

/// For each file of the role copied from `files/`: its path there, the destination
/// path with `/`-separated parts made of letters, digits, `.`, `_` and `-` (anything
/// else becomes `_`; a part that is only dots, `_`). A name that YAML or JSON tools
/// would lint gets `.txt`; a name given twice gets `~2`, `~3`, ….
fn sources(role: &Role) -> BTreeMap<&str, String> {
    let mut sources = BTreeMap::new();
    let mut taken = std::collections::BTreeSet::new();
    for (path, file) in &role.files {
        if !needs_source(&file.content) {
            continue;
        }
        let parts: Vec<String> = path
            .split('/')
            .filter(|p| !p.is_empty())
            .map(|part| {
                let clean: String = part
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                if clean.chars().all(|c| c == '.') {
                    "_".to_string()
                } else {
                    clean
                }
            })
            .collect();
        let mut src = if parts.is_empty() {
            "file".to_string()
        } else {
            parts.join("/")
        };
        let lower = src.to_ascii_lowercase();
        if [".yml", ".yaml", ".json"]
            .iter()
            .any(|e| lower.ends_with(e))
        {
            src.push_str(".txt");
        }
        let mut unique = src.clone();
        let mut n = 2;
        while !taken.insert(unique.clone()) {
            unique = format!("{src}~{n}");
            n += 1;
        }
        sources.insert(path.as_str(), unique);
    }
    sources
}

/// The collections whose modules the generated files use, by their prefix.
const COLLECTIONS: [&str; 3] = ["ansible.posix", "community.general", "community.proxmox"];

/// `requirements.yml`: the collections the generated files use (found in the files
/// themselves, so that no module can be added without its collection), and the
/// Galaxy roles `.pxi` roles name.
pub fn requirements(plan: &Plan, files: &Emitted) -> Option<Yaml> {
    let used: Vec<Yaml> = COLLECTIONS
        .iter()
        .filter(|c| {
            let module = format!("{c}.");
            files
                .iter()
                .any(|(path, text)| path.ends_with(".yml") && text.contains(&module))
        })
        .map(|c| map().entry("name", Yaml::str(*c)).yaml())
        .collect();
    let mut galaxy: Vec<&str> = plan
        .roles
        .values()
        .filter_map(|r| r.galaxy.as_deref())
        .collect();
    galaxy.sort_unstable();
    galaxy.dedup();
    if used.is_empty() && galaxy.is_empty() {
        return None;
    }
    let mut out = map();
    if !used.is_empty() {
        out = out.entry("collections", Yaml::List(used));
    }
    if !galaxy.is_empty() {
        out = out.entry(
            "roles",
            Yaml::List(
                galaxy
                    .iter()
                    .map(|g| map().entry("name", Yaml::text(*g)).yaml())
                    .collect(),
            ),
        );
    }
    Some(out.yaml())
}

/// A role's variable, prefixed with the role's name as ansible-lint wants.
fn var_name(role: &str, key: &str) -> String {
    format!("{role}_{}", word(key))
}

/// A handler's name, as its task and every `notify` spell it.
fn handler_name(service: &str) -> String {
    title(&format!("Restart {service}"))
}

/// The OS families a role's tasks are written for: Debian's (apt, ufw), Red Hat's
/// (dnf, firewalld), or both, each task then guarded by the guest's `os_family`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    Debian,
    RedHat,
}

impl Family {
    /// The families of a role's `os` (both when it names none).
    fn of(role: &Role) -> Vec<Family> {
        let debian = role.os.is_empty() || role.os.iter().any(|f| f == "debian" || f == "ubuntu");
        let redhat = role.os.is_empty() || role.os.iter().any(|f| f == "rocky" || f == "almalinux");
        let mut out = Vec::new();
        if debian {
            out.push(Family::Debian);
        }
        if redhat {
            out.push(Family::RedHat);
        }
        out
    }

    /// `ansible_facts['os_family']` on such a guest.
    fn fact(self) -> &'static str {
        match self {
            Family::Debian => "Debian",
            Family::RedHat => "RedHat",
        }
    }

    fn firewall_package(self) -> &'static str {
        match self {
            Family::Debian => "ufw",
            Family::RedHat => "firewalld",
        }
    }
}

/// A task guarded by the OS family when the role's tasks are written for several.
fn for_family(task: yaml::Map, family: Family, several: bool) -> Yaml {
    if several {
        task.entry(
            "when",
            Yaml::str(format!("ansible_facts['os_family'] == '{}'", family.fact())),
        )
        .yaml()
    } else {
        task.yaml()
    }
}

/// Whether a path is a systemd unit or a drop-in for one: systemd reads it only after
/// `daemon-reload`.
fn is_unit(path: &str) -> bool {
    [
        "/etc/systemd/system/",
        "/usr/lib/systemd/system/",
        "/lib/systemd/system/",
    ]
    .iter()
    .any(|dir| path.starts_with(dir))
}

fn has_units(role: &Role) -> bool {
    role.files.keys().any(|p| is_unit(p))
}

/// The handler that makes systemd read changed unit files.
const DAEMON_RELOAD: &str = "Reload systemd";

/// The port Ansible connects on, which a firewall must never close.
const SSH_PORT: &str = "{{ ansible_port | default(22) }}";

fn tasks(role: &Role, name: &str) -> Yaml {
    let mut tasks = Vec::new();
    let families = Family::of(role);
    let several = families.len() > 1;
    let firewall = role.firewall.as_ref();
    // The Galaxy role first (after the roles this one depends on), with the `.pxi`
    // role's variables as its own: what the `.pxi` role adds comes after it.
    if let Some(galaxy) = &role.galaxy {
        let mut include = task(
            "Apply the role from Galaxy",
            "ansible.builtin.include_role",
            map().entry("name", Yaml::text(galaxy)),
        );
        if !role.vars.is_empty() {
            let mut vars = yaml::Map::default();
            for (key, value) in &role.vars {
                vars.push(&word(key), Yaml::text(value));
            }
            include.push("vars", vars.yaml());
        }
        tasks.push(include.yaml());
    }
    for family in &families {
        let mut packages = role.packages.clone();
        if firewall.is_some() && !packages.iter().any(|p| p == family.firewall_package()) {
            packages.push(family.firewall_package().to_string());
        }
        if packages.is_empty() {
            continue;
        }
        let install = match family {
            Family::Debian => task(
                "Install packages",
                "ansible.builtin.apt",
                map()
                    .entry("name", Yaml::strings(&packages))
                    .entry("state", Yaml::str("present"))
                    .entry("update_cache", Yaml::Bool(true))
                    .entry("cache_valid_time", Yaml::Int(3600)),
            ),
            Family::RedHat => task(
                "Install packages",
                "ansible.builtin.dnf",
                map()
                    .entry("name", Yaml::strings(&packages))
                    .entry("state", Yaml::str("present")),
            ),
        };
        tasks.push(for_family(install, *family, several));
    }
    if role.vars.contains_key("timezone") && role.galaxy.is_none() {
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
    tasks.extend(owners(role));
    tasks.extend(folders(role));
    let sources = sources(role);
    for (path, file) in &role.files {
        let content = match sources.get(path.as_str()) {
            Some(src) => ("src", Yaml::text(src.clone())),
            None => ("content", Yaml::Unsafe(file.content.clone())),
        };
        let mut copy = task(
            &format!("Write {path}"),
            "ansible.builtin.copy",
            map()
                .entry("dest", Yaml::text(path))
                .entry(content.0, content.1)
                .entry("mode", Yaml::text(&file.mode))
                .entry("owner", Yaml::text(&file.owner))
                .entry("group", Yaml::text(&file.owner)),
        );
        let mut notify: Vec<Yaml> = Vec::new();
        if is_unit(path) {
            notify.push(Yaml::str(DAEMON_RELOAD));
        }
        notify.extend(file.restart.iter().map(|s| Yaml::str(handler_name(s))));
        if !notify.is_empty() {
            copy.push("notify", Yaml::List(notify));
        }
        tasks.push(copy.yaml());
    }
    if has_units(role) {
        // A new or changed unit must be read before its service is started below.
        tasks.push(
            map()
                .entry(
                    "name",
                    Yaml::str("Apply changed unit files before starting services"),
                )
                .entry("ansible.builtin.meta", Yaml::str("flush_handlers"))
                .yaml(),
        );
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
        for family in &families {
            let rules = match family {
                Family::Debian => ufw(firewall),
                Family::RedHat => firewalld(firewall),
            };
            tasks.extend(rules.into_iter().map(|t| for_family(t, *family, several)));
        }
    }
    Yaml::List(tasks)
}

/// The users and groups that own the role's files, other than root: a package the
/// role installs usually makes them (`postgres`), and those no package made are
/// created as system accounts without a login, so that the files can be written.
fn owners(role: &Role) -> Vec<Yaml> {
    let mut owners: Vec<&str> = role
        .files
        .values()
        .map(|f| f.owner.as_str())
        .filter(|o| *o != "root")
        .collect();
    owners.sort_unstable();
    owners.dedup();
    if owners.is_empty() {
        return Vec::new();
    }
    let lookup = |database: &str| {
        task(
            &format!("Look up the {database} database"),
            "ansible.builtin.getent",
            map().entry("database", Yaml::str(database)),
        )
        .yaml()
    };
    vec![
        lookup("passwd"),
        lookup("group"),
        task(
            "Create the groups that own the role's files",
            "ansible.builtin.group",
            map()
                .entry("name", Yaml::str("{{ item }}"))
                .entry("system", Yaml::Bool(true)),
        )
        .entry("loop", Yaml::strings(&owners))
        .entry(
            "when",
            Yaml::str("item not in ansible_facts['getent_group']"),
        )
        .yaml(),
        task(
            "Create the users that own the role's files",
            "ansible.builtin.user",
            map()
                .entry("name", Yaml::str("{{ item }}"))
                .entry("group", Yaml::str("{{ item }}"))
                .entry("system", Yaml::Bool(true))
                .entry("create_home", Yaml::Bool(false))
                .entry("shell", Yaml::str("/usr/sbin/nologin")),
        )
        .entry("loop", Yaml::strings(&owners))
        .entry(
            "when",
            Yaml::str("item not in ansible_facts['getent_passwd']"),
        )
        .yaml(),
    ]
}

/// The folders the role's files go in, made when missing (as `mkdir -p` would, owned
/// by root, mode 0755); a folder that exists is left as it is.
fn folders(role: &Role) -> Vec<Yaml> {
    let mut folders: Vec<&str> = role
        .files
        .keys()
        .filter_map(|p| p.rsplit_once('/').map(|(dir, _)| dir))
        .filter(|d| !d.is_empty())
        .collect();
    folders.sort_unstable();
    folders.dedup();
    if folders.is_empty() {
        return Vec::new();
    }
    vec![
        task(
            "Create the folders of the role's files",
            "ansible.builtin.command",
            map()
                .entry(
                    "argv",
                    Yaml::List(
                        ["mkdir", "-p", "-m", "0755", "--", "{{ item }}"]
                            .into_iter()
                            .map(Yaml::str)
                            .collect(),
                    ),
                )
                .entry("creates", Yaml::str("{{ item }}")),
        )
        .entry("loop", Yaml::strings(&folders))
        .yaml(),
    ]
}

/// ufw rules: the port Ansible connects on first, whatever the role says, then the
/// role's ports, then ufw on with incoming traffic denied by default.
fn ufw(firewall: &crate::ir::Firewall) -> Vec<yaml::Map> {
    let mut tasks = vec![task(
        "Keep SSH open for Ansible",
        "community.general.ufw",
        map()
            .entry("rule", Yaml::str("allow"))
            .entry("port", Yaml::str(SSH_PORT))
            .entry("proto", Yaml::str("tcp")),
    )];
    for (port, proto, from) in rules(firewall) {
        let title = match from {
            None => format!("Allow {port}/{proto}"),
            Some(from) => format!("Allow {port}/{proto} from {from}"),
        };
        tasks.push(task(
            &title,
            "community.general.ufw",
            map()
                .entry("rule", Yaml::str("allow"))
                .entry("port", Yaml::str(port.to_string()))
                .entry("proto", Yaml::str(proto))
                .entry("from_ip", Yaml::text(from.unwrap_or("any"))),
        ));
    }
    tasks.push(task(
        "Turn the firewall on",
        "community.general.ufw",
        map()
            .entry("state", Yaml::str("enabled"))
            .entry("policy", Yaml::str("deny")),
    ));
    tasks
}

/// firewalld rules in the default zone, which rejects what it does not allow: the
/// port Ansible connects on, then each port (a rich rule for each `from` source).
fn firewalld(firewall: &crate::ir::Firewall) -> Vec<yaml::Map> {
    let rule = |args: yaml::Map| {
        args.entry("permanent", Yaml::Bool(true))
            .entry("immediate", Yaml::Bool(true))
            .entry("state", Yaml::str("enabled"))
    };
    let mut tasks = vec![
        task(
            "Turn the firewall on",
            "ansible.builtin.systemd_service",
            map()
                .entry("name", Yaml::str("firewalld"))
                .entry("enabled", Yaml::Bool(true))
                .entry("state", Yaml::str("started")),
        ),
        task(
            "Keep SSH open for Ansible",
            "ansible.posix.firewalld",
            rule(map().entry("port", Yaml::str(format!("{SSH_PORT}/tcp")))),
        ),
    ];
    for (port, proto, from) in rules(firewall) {
        let (title, args) = match from {
            None => (
                format!("Allow {port}/{proto}"),
                map().entry("port", Yaml::str(format!("{port}/{proto}"))),
            ),
            Some(from) => (
                format!("Allow {port}/{proto} from {from}"),
                map().entry(
                    "rich_rule",
                    Yaml::text(format!(
                        "rule family=\"ipv4\" source address=\"{from}\" port port=\"{port}\" protocol=\"{proto}\" accept"
                    )),
                ),
            ),
        };
        tasks.push(task(&title, "ansible.posix.firewalld", rule(args)));
    }
    tasks
}

/// Each port a firewall opens, with its protocol and source (`None`: anywhere).
fn rules(firewall: &crate::ir::Firewall) -> Vec<(u16, &'static str, Option<&str>)> {
    let ports = firewall
        .allow
        .iter()
        .map(|p| (*p, "tcp"))
        .chain(firewall.allow_udp.iter().map(|p| (*p, "udp")));
    let mut out = Vec::new();
    for (port, proto) in ports {
        if firewall.from.is_empty() {
            out.push((port, proto, None));
        }
        for from in &firewall.from {
            out.push((port, proto, Some(from.as_str())));
        }
    }
    out
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

/// The role's handlers: systemd's reload first (handlers run in the order they are
/// written), so that a restart reads the changed unit.
fn handlers(units: bool, services: &[&str]) -> Yaml {
    let mut handlers = Vec::new();
    if units {
        handlers.push(
            task(
                DAEMON_RELOAD,
                "ansible.builtin.systemd_service",
                map().entry("daemon_reload", Yaml::Bool(true)),
            )
            .yaml(),
        );
    }
    handlers.extend(services.iter().map(|service| {
        task(
            &handler_name(service),
            "ansible.builtin.systemd_service",
            map()
                .entry("name", Yaml::text(*service))
                .entry("state", Yaml::str("restarted")),
        )
        .yaml()
    }));
    Yaml::List(handlers)
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
        .entry("platforms", Yaml::List(platforms(role)));
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

/// The platforms of `meta/main.yml`: those of the role's OS families.
fn platforms(role: &Role) -> Vec<Yaml> {
    let platform = |name: &str, versions: &[&str]| {
        map()
            .entry("name", Yaml::str(name))
            .entry("versions", Yaml::strings(versions))
            .yaml()
    };
    let mut out = Vec::new();
    for family in Family::of(role) {
        match family {
            Family::Debian => {
                out.push(platform("Debian", &["bookworm", "trixie"]));
                out.push(platform("Ubuntu", &["jammy", "noble"]));
            }
            Family::RedHat => out.push(platform("EL", &["9"])),
        }
    }
    out
}
