//! Names and words that pxic writes where another tool reads them as syntax: host
//! names that become paths, interface names in `/etc/network/interfaces`, `sysctl`
//! keys that become YAML keys, Galaxy role names, storage IDs, image file names, user
//! names and package names. Each is held to the grammar of the tool that reads it, so
//! no `.pxi` text can add a line, an option or a template there.

use super::eval::{Record, Value};
use crate::diag::{Code, Diagnostic};
use crate::source::Span;

/// A name becomes a host name: letters, digits and hyphens, 63 at most, no hyphen at
/// either end. `becomes` says what the name turns into, for the label. Host and
/// template names also become folders and files of the output, so this check is what
/// keeps `..`, `/` and control characters out of every path pxic writes.
pub fn check_dns_label(name: &str, span: Span, becomes: &str, out: &mut Vec<Diagnostic>) {
    if is_dns_label(name) {
        return;
    }
    let fixed: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .trim_matches('-')
        .chars()
        .take(63)
        .collect();
    out.push(
        Diagnostic::error(
            Code::InvalidDnsLabel,
            format!("`{}` is not a valid host name", printable(name)),
        )
        .with_primary(span, becomes)
        .with_help(if fixed.is_empty() {
            "use letters, digits and hyphens (at most 63), not starting or ending with a hyphen"
                .to_string()
        } else {
            format!("use letters, digits and hyphens, such as `{fixed}`")
        }),
    );
}

/// Letters, digits and hyphens, 63 at most, no hyphen at either end.
fn is_dns_label(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// The longest network interface name Linux takes (`IFNAMSIZ` less the final NUL).
const MAX_INTERFACE_NAME: usize = 15;

/// A bridge's name or one of its ports: written into the host's
/// `/etc/network/interfaces`, so it must be a name the kernel takes, and nothing that
/// could end the line or start another (`post-up …` would run as root).
pub fn check_interface_name(name: &str, span: Span, what: &str, out: &mut Vec<Diagnostic>) {
    let chars_ok = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    // Proxmox's own interface names (`pve-iface`) start with a letter.
    let first_ok = name.starts_with(|c: char| c.is_ascii_alphabetic());
    if chars_ok && first_ok && name.len() <= MAX_INTERFACE_NAME {
        return;
    }
    let why = if name.is_empty() {
        "an interface name cannot be empty".to_string()
    } else if !chars_ok {
        "holds characters an interface name cannot".to_string()
    } else if !first_ok {
        "does not start with a letter".to_string()
    } else {
        format!(
            "{} bytes long; Linux takes at most {MAX_INTERFACE_NAME}",
            name.len()
        )
    };
    out.push(
        Diagnostic::error(
            Code::InvalidInterfaceName,
            format!("`{}` is not a valid {what} name", printable(name)),
        )
        .with_primary(span, why)
        .with_help(format!(
            "name the {what} with letters, digits, `-`, `_` and `.`, starting with a letter, at \
             most {MAX_INTERFACE_NAME} bytes, such as `vmbr0` or `eno1`"
        )),
    );
}

/// The bridges of a host and their ports. A port is enslaved to one bridge: given to
/// two (or twice to one), the interfaces file would enslave it twice, and the second
/// bridge takes it from the first when the network is reloaded.
pub fn check_bridges(r: &Record, out: &mut Vec<Diagnostic>) {
    let mut owners: Vec<(&str, Span, Option<&str>)> = Vec::new();
    for bridge in r.blocks.iter().filter(|b| b.kind == "bridge") {
        let bridge_name = bridge.label.as_ref().map(|(l, _)| l.as_str());
        if let Some((label, span)) = &bridge.label {
            check_interface_name(label, *span, "bridge", out);
        }
        for (name, span) in bridge.record.strings_at("ports") {
            check_interface_name(name, span, "port", out);
            match owners.iter().find(|(n, _, _)| *n == name) {
                Some((_, first, first_bridge)) => {
                    out.push(port_on_two_bridges(
                        name,
                        span,
                        *first,
                        *first_bridge,
                        bridge_name,
                    ));
                }
                None => owners.push((name, span, bridge_name)),
            }
        }
    }
}

fn port_on_two_bridges(
    port: &str,
    span: Span,
    first: Span,
    first_bridge: Option<&str>,
    bridge: Option<&str>,
) -> Diagnostic {
    let port = printable(port);
    let same = first_bridge == bridge;
    let (message, help) = match (same, bridge) {
        (true, Some(b)) => (
            format!("port `{port}` is listed twice in bridge `{}`", printable(b)),
            format!("remove the second `\"{port}\"`"),
        ),
        _ => (
            format!("port `{port}` is given to two bridges"),
            format!(
                "a port belongs to one bridge: remove `\"{port}\"` from one of them, or give \
                 the other bridge a VLAN interface such as `\"{port}.50\"`"
            ),
        ),
    };
    let again = match bridge {
        Some(b) if !same => format!("given again to `{}` here", printable(b)),
        _ => "given again here".to_string(),
    };
    let first_label = match first_bridge {
        Some(b) if !same => format!("first given to `{}` here", printable(b)),
        _ => "first given here".to_string(),
    };
    Diagnostic::error(Code::PortOnTwoBridges, message)
        .with_primary(span, again)
        .with_secondary(first, first_label)
        .with_help(help)
}

/// A guest's users: Linux user names, which Ansible puts in a sudoers file (one line
/// each) and a path (`/etc/sudoers.d/pxic-<user>`), and cloud-init in `/etc/passwd`.
pub fn check_users(r: &Record, out: &mut Vec<Diagnostic>) {
    for user in r.blocks.iter().filter(|b| b.kind == "user") {
        if let (Some(shell), Some(at)) =
            (user.record.text("shell"), user.record.fields.get("shell"))
            && !is_shell_path(shell)
        {
            out.push(invalid_shell(shell, at.span));
        }
        let Some((name, span)) = &user.label else {
            continue;
        };
        if is_user_name(name) && name.starts_with(|c: char| c.is_ascii_lowercase()) {
            if SYSTEM_ACCOUNTS.contains(&name.as_str()) {
                out.push(system_account(name, *span));
            }
            continue;
        }
        out.push(
            Diagnostic::error(
                Code::InvalidUserName,
                format!("`{}` is not a Linux user name", printable(name)),
            )
            .with_primary(
                *span,
                "the `adduser` of Debian and Ubuntu refuses this name",
            )
            .with_help(
                "use lowercase letters, digits, `_` and `-`, starting with a letter, at most \
                 32, such as `admin`",
            ),
        );
    }
}

/// Accounts the images pxic knows already have (Debian's `base-passwd`, and the
/// system users of the cloud images). A `user` block with one of these names does
/// not create a login: cloud-init's `disable_root` answers every key of `root` with
/// "Please login as the user …", and the others have `nologin` shells and the
/// files of services.
const SYSTEM_ACCOUNTS: &[&str] = &[
    "root",
    "daemon",
    "bin",
    "sys",
    "sync",
    "games",
    "man",
    "lp",
    "mail",
    "news",
    "uucp",
    "proxy",
    "www-data",
    "backup",
    "list",
    "irc",
    "gnats",
    "nobody",
    "messagebus",
    "sshd",
    "syslog",
    "systemd-network",
    "systemd-resolve",
    "systemd-timesync",
    "uuidd",
    "polkitd",
];

fn system_account(name: &str, span: Span) -> Diagnostic {
    let help = if name == "root" {
        "name your own user, such as `user admin { … sudo = true }`: cloud-init refuses SSH \
         logins as root, and Ansible logs in to VMs as the first user"
            .to_string()
    } else {
        format!("`{name}` is a system account of the image; choose another name, such as `admin`")
    };
    Diagnostic::error(
        Code::SystemAccountAsUser,
        format!("`{name}` is a system account, not a login to create"),
    )
    .with_primary(span, "the image already has this account")
    .with_help(help)
}

/// A login shell: an absolute path of one word, as `/etc/passwd` holds it (a `:`
/// would end the field).
fn is_shell_path(shell: &str) -> bool {
    shell.len() > 1
        && shell.starts_with('/')
        && !shell.ends_with('/')
        && !shell.split('/').any(|part| part == "..")
        && shell
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.' | '+'))
}

fn invalid_shell(shell: &str, span: Span) -> Diagnostic {
    let shell = printable(shell);
    let example = shell
        .trim()
        .rsplit('/')
        .next()
        .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric()))
        .map_or("/bin/bash".to_string(), |w| format!("/bin/{w}"));
    Diagnostic::error(
        Code::InvalidShell,
        format!("`{shell}` is not a login shell path"),
    )
    .with_primary(span, "`/etc/passwd` needs the shell's absolute path")
    .with_help(format!(
        "write the shell's full path, such as `\"{example}\"`: a path that is not a program \
         makes every login fail"
    ))
}

/// A role's `services` and the `restart` of its files: systemd unit names, which
/// Ansible's `systemd`/`service` modules take as one argument. A space, a leading `-`
/// or a character systemd does not allow is refused by `systemctl` at apply time.
pub fn check_services(role: &Record, out: &mut Vec<Diagnostic>) {
    let restarts = role
        .blocks
        .iter()
        .filter(|b| b.kind == "file")
        .flat_map(|f| f.record.strings_at("restart"));
    for (name, span) in role.strings_at("services").chain(restarts) {
        if !is_unit_name(name) {
            out.push(invalid_service_name(name, span));
        }
    }
}

/// A systemd unit name: `[A-Za-z0-9:_.\\@-]`, not starting with `-`, at most 255 bytes.
fn is_unit_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && !name.starts_with(['-', '.'])
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '.' | '\\' | '@' | '-'))
}

fn invalid_service_name(name: &str, span: Span) -> Diagnostic {
    let fixed: String = name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-")
        .trim_start_matches(['-', '.'])
        .to_string();
    let help = if name.split_whitespace().count() > 1 {
        format!(
            "a unit name has no spaces: give each service as its own item of the list, or \
             write the unit's name, such as `\"{}\"`",
            printable(&fixed)
        )
    } else {
        "write the systemd unit's name, such as `\"nginx\"` or `\"getty@tty1\"`: letters, \
         digits, `:`, `_`, `.`, `@` and `-`, not starting with `-`"
            .to_string()
    };
    Diagnostic::error(
        Code::InvalidServiceName,
        format!("`{}` is not a systemd service name", printable(name)),
    )
    .with_primary(span, "`systemctl` would refuse this unit name")
    .with_help(help)
}

/// A role's files: each is written at its absolute path on the guest. A relative
/// path would land under whatever directory Ansible runs in; `..` hides where.
pub fn check_file_paths(role: &Record, out: &mut Vec<Diagnostic>) {
    for file in role.blocks.iter().filter(|b| b.kind == "file") {
        let Some((path, span)) = &file.label else {
            continue;
        };
        let why = if !path.starts_with('/') {
            "a relative path: the file's place on the guest would depend on Ansible's working directory"
        } else if path.ends_with('/') {
            "names a directory, not a file"
        } else if path.split('/').any(|p| p == ".." || p == ".") {
            "holds `.` or `..`"
        } else if path.contains(|c: char| c.is_control()) {
            "holds a control character"
        } else {
            continue;
        };
        let mut parts: Vec<&str> = Vec::new();
        for part in path.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                part => parts.push(part),
            }
        }
        let suggestion = format!("/{}", parts.join("/"));
        out.push(
            Diagnostic::error(
                Code::InvalidFilePath,
                format!("`{}` is not an absolute file path", printable(path)),
            )
            .with_primary(*span, why)
            .with_help(format!(
                "write the file's absolute path on the guest, such as `\"{}\"`",
                printable(&suggestion)
            )),
        );
    }
}

/// A Linux user name as Debian's `adduser` takes it.
pub fn is_user_name(name: &str) -> bool {
    name.len() <= 32
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-'))
}

/// The storages of a host or the cluster: their names are Proxmox storage IDs, which
/// pxic writes into volume IDs (`local:import/…`) and `qm` options
/// (`local:0,import-from=…`), where a `,` or `:` would add an option.
pub fn check_storage_names(r: &Record, out: &mut Vec<Diagnostic>) {
    for storage in r.blocks.iter().filter(|b| b.kind == "storage") {
        let Some((name, span)) = &storage.label else {
            continue;
        };
        if is_storage_id(name) {
            continue;
        }
        out.push(
            Diagnostic::error(
                Code::InvalidStorageName,
                format!("`{}` is not a Proxmox storage name", printable(name)),
            )
            .with_primary(*span, "Proxmox would refuse this storage ID")
            .with_help(
                "start with a letter, go on with letters, digits, `-`, `_` and `.`, and end \
                 with a letter or digit, such as `local-lvm`",
            ),
        );
    }
}

/// Proxmox's storage ID (`pve-storage-id`): a letter, then letters, digits, `-`, `_`
/// and `.`, ending with a letter or digit.
fn is_storage_id(name: &str) -> bool {
    name.len() >= 2
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The file an image is downloaded to on the node (`file_name`, or the last part of
/// its `url`): a single file name Proxmox takes in a volume ID, never a path.
pub fn check_image_file_name(name: &str, span: Span, out: &mut Vec<Diagnostic>) {
    let valid = !name.is_empty()
        && name.len() <= 255
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '='));
    if valid {
        return;
    }
    out.push(
        Diagnostic::error(
            Code::InvalidFileName,
            format!("`{}` is not a file name Proxmox takes", printable(name)),
        )
        .with_primary(span, "the image is saved on the node under this name")
        .with_help(
            "set `file_name` to a name of letters, digits, `-`, `_`, `.`, `+` and `=`, not \
             starting with `.`, such as `\"debian-12-generic-amd64.qcow2\"`",
        ),
    );
}

/// A host's `sysctl` keys: dotted or slashed kernel parameter names
/// (`net.ipv4.ip_forward`, `net/ipv4/conf/eno1.50/rp_filter`). They become YAML keys
/// of the inventory, which Ansible could template, and lines of a sysctl file, so
/// nothing else may be in them.
pub fn check_sysctl(r: &Record, out: &mut Vec<Diagnostic>) {
    let Some(block) = r.blocks.iter().find(|b| b.kind == "sysctl") else {
        return;
    };
    for (key, value) in &block.record.free {
        if let Value::Str(text) = &value.value
            && text.contains(|c: char| c.is_control())
        {
            out.push(
                Diagnostic::error(
                    Code::InvalidSysctlValue,
                    format!(
                        "the value of `{}` holds a control character",
                        printable(key)
                    ),
                )
                .with_primary(value.span, "a line break here would start another setting")
                .with_help("write the value on one line, without tabs or other control characters"),
            );
        }
        if is_sysctl_key(key) {
            continue;
        }
        out.push(
            Diagnostic::error(
                Code::InvalidSysctlKey,
                format!("`{}` is not a kernel parameter name", printable(key)),
            )
            .with_primary(value.span, "the value of this key")
            .with_help(
                "write the parameter as `sysctl -a` lists it: parts of letters, digits, `_` \
                 and `-`, joined by `.` or `/`, such as `\"net.ipv4.ip_forward\"`",
            ),
        );
    }
}

/// Parts of letters, digits, `_` and `-`, joined by `.` or `/`.
fn is_sysctl_key(key: &str) -> bool {
    !key.is_empty()
        && key.split(['.', '/']).all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
        })
}

/// A role's `galaxy` name, `namespace.name` as Ansible Galaxy spells its roles. It is
/// written into the inventory, `requirements.yml` and role dependencies, where Ansible
/// templates text, and `ansible-galaxy` reads it as an argument. The dot also keeps it
/// apart from the roles pxic writes, whose folder names have none.
pub fn check_galaxy(name: &str, span: Span, out: &mut Vec<Diagnostic>) {
    if is_galaxy_name(name) {
        return;
    }
    out.push(
        Diagnostic::error(
            Code::InvalidGalaxyName,
            format!("`{}` is not an Ansible Galaxy role name", printable(name)),
        )
        .with_primary(span, "needs `namespace.name`")
        .with_help(
            "write the role as Galaxy names it, a namespace and a name joined by one `.`, \
             each of letters, digits, `_` and `-`, such as `\"geerlingguy.docker\"`",
        ),
    );
}

/// `namespace.name`: two parts of letters, digits, `_` and `-`, neither starting with
/// `-` (which `ansible-galaxy` would read as an option).
fn is_galaxy_name(name: &str) -> bool {
    let mut parts = name.split('.');
    let part_ok = |part: Option<&str>| {
        part.is_some_and(|p| {
            p.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
        })
    };
    part_ok(parts.next()) && part_ok(parts.next()) && parts.next().is_none()
}

/// The `packages` of a host, a role or a template's `build`: each reaches `apt-get`
/// or `dnf` as one argument (through Ansible's package modules, or a shell line in a
/// Packer build), where a leading `-` would be read as an option
/// (`-oDPkg::Pre-Invoke::=…` runs a command as root) and a space or line break would
/// make several words. Anything else, wildcards included, is left to the package
/// manager.
pub fn check_packages(r: &Record, out: &mut Vec<Diagnostic>) {
    for (name, span) in r.strings_at("packages") {
        if is_package_name(name) {
            continue;
        }
        out.push(
            Diagnostic::error(
                Code::InvalidPackageName,
                format!("`{}` is not a package name", printable(name)),
            )
            .with_primary(span, "the package manager would not read this as one name")
            .with_help(
                "write one package as the distribution names it, such as `\"nginx\"` or \
                 `\"python3-*\"`: no leading `-`, no spaces or control characters; \
                 package manager options are not set here",
            ),
        );
    }
}

/// Not empty, not starting with `-`, no whitespace or control characters.
fn is_package_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && !name.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Text from a `.pxi` file for a message: control characters written as escapes, so
/// that a message shows what is there and cannot move the terminal's cursor.
fn printable(text: &str) -> String {
    crate::diag::escape::line(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_cannot_be_options_or_several_words() {
        for good in [
            "nginx",
            "python3-*",
            "*star",
            "&anchor",
            "g++",
            "libc6:i386",
        ] {
            assert!(is_package_name(good), "{good}");
        }
        for bad in [
            "",
            "-oDPkg::Pre-Invoke::=id",
            "--reinstall",
            "a b",
            "a\nb",
            "a\tb",
        ] {
            assert!(!is_package_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn names_written_where_tools_read_them_follow_their_grammar() {
        for good in ["geerlingguy.docker", "dev-sec.os-hardening", "_ns.role_1"] {
            assert!(is_galaxy_name(good), "{good}");
        }
        for bad in [
            "docker", "a.b.c", "-x.y", "x.-y", ".y", "x.", "a.{{b}}", "a. b",
        ] {
            assert!(!is_galaxy_name(bad), "{bad}");
        }
        for good in [
            "net.ipv4.ip_forward",
            "net/ipv4/conf/eno1.50/rp_filter",
            "vm.nr-x",
        ] {
            assert!(is_sysctl_key(good), "{good}");
        }
        for bad in ["", "a..b", ".a", "a/", "a b", "a=b", "{{x}}", "a\nb"] {
            assert!(!is_sysctl_key(bad), "{bad}");
        }
        for bad in ["..", "../x", "a/b", "a\nb", "", "-a", &"a".repeat(64)] {
            assert!(!is_dns_label(bad), "{bad}");
        }
        assert_eq!(printable("a\n\r\t\u{1b}[2J"), "a\\n\\r\\t\\u{1b}[2J");
    }
}
