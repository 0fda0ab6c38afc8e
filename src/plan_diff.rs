//! What changed between two plans, in words, for reviewers (`pxic diff`): "vm web-02
//! added (vmid 105, 10.10.0.22, pve1)", "vm db-01 memory 4GiB → 8GiB", "template
//! ubuntu-2404 image os.ubuntu_2204 → os.ubuntu_2404 → Packer rebuild".
//!
//! Each kind of declaration is compared by name. A changed one is compared field by
//! field through its JSON form, so a field added to the IR is covered without a line
//! here; lists of named things (NICs, users, storages) are matched by name. A changed
//! VM or container is followed by what applying it does to the running guest
//! ([`guest`]): destroyed, replaced, migrated, rebooted.

mod guest;
mod nic;

use crate::diag::escape;
use crate::ir::{Builder, Plan};
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// One line per change, grouped by kind, in name order. Text from the `.pxi` files
/// (names, strings) is escaped for a terminal (see [`crate::diag::escape`]).
pub fn summarize(before: &Plan, after: &Plan) -> Vec<String> {
    let mut lines = compare(
        "cluster",
        &after.cluster.name,
        json(&before.cluster).as_ref(),
        json(&after.cluster).as_ref(),
    );
    section(&mut lines, "network", &before.networks, &after.networks);
    section(&mut lines, "host", &before.hosts, &after.hosts);
    section(&mut lines, "image", &before.images, &after.images);
    section(&mut lines, "pool", &before.pools, &after.pools);
    section(&mut lines, "role", &before.roles, &after.roles);
    for (name, old, new) in changed(&before.templates, &after.templates) {
        let template = compare("template", &name, old.as_ref(), new.as_ref());
        // What a change to an existing template costs.
        let consequence = match (old.is_some() && new.is_some(), after.templates.get(&name)) {
            (true, Some(t)) if t.builder == Builder::Packer => Some("Packer rebuilds it"),
            (true, Some(_)) => Some("Terraform replaces it"),
            _ => None,
        };
        lines.extend(template);
        if let Some(consequence) = consequence {
            lines.push(format!(
                "  → {consequence}; VMs already cloned from it keep their disks"
            ));
        }
    }
    for (name, old, new) in changed(&before.vms, &after.vms) {
        lines.extend(compare("vm", &name, old.as_ref(), new.as_ref()));
        let renamed = after.vms.values().map(|v| &v.guest);
        let consequences = match renamed_to(renamed, &name, after.vms.contains_key(&name)) {
            Some(to) => vec![guest::renamed("vm", to)],
            None => guest::vm(before.vms.get(&name), after.vms.get(&name)),
        };
        lines.extend(consequences.into_iter().map(|c| escaped(c.line(&name))));
    }
    for (name, old, new) in changed(&before.containers, &after.containers) {
        lines.extend(compare("container", &name, old.as_ref(), new.as_ref()));
        let renamed = after.containers.values().map(|c| &c.guest);
        let consequences = match renamed_to(renamed, &name, after.containers.contains_key(&name)) {
            Some(to) => vec![guest::renamed("container", to)],
            None => guest::container(
                before.containers.get(&name),
                after.containers.get(&name),
                after.cluster.token.is_some(),
            ),
        };
        lines.extend(consequences.into_iter().map(|c| escaped(c.line(&name))));
    }
    lines
}

/// The new name of a guest no longer declared, when another says it was renamed from it.
fn renamed_to<'p>(
    mut guests: impl Iterator<Item = &'p crate::ir::Guest>,
    name: &str,
    still_declared: bool,
) -> Option<&'p str> {
    if still_declared {
        return None;
    }
    guests
        .find(|g| g.renamed_from.as_deref() == Some(name))
        .map(|g| g.name.as_str())
}

/// Whether a summary line says a guest is destroyed or replaced (or would be, but
/// for its protection): `pxic diff` counts them and says so last, loudly.
pub fn is_destructive(line: &str) -> bool {
    line.starts_with(guest::LOUD) && (line.contains(" DESTROYED") || line.contains(" REPLACED"))
}

/// Whether a summary line is loud for another reason than a guest destroyed, a data
/// disk lost or a disk made smaller (a MAC changed, a TPM state deleted, a change
/// the API token may not make): `pxic diff` counts them apart.
pub fn is_other_warning(line: &str) -> bool {
    line.starts_with(guest::LOUD) && !is_destructive(line) && !loses_disk(line) && !fails(line)
}

/// Whether a summary line says a VM loses a data disk: `pxic diff` counts them too.
pub fn loses_disk(line: &str) -> bool {
    line.starts_with(guest::LOUD) && line.ends_with(guest::DISK_LOST)
}

/// Whether a summary line says the apply fails on it (a disk made smaller).
pub fn fails(line: &str) -> bool {
    line.starts_with(guest::LOUD) && line.ends_with(guest::CANNOT_SHRINK)
}

/// The data disks lost and the disks made smaller, said again last (after the
/// guests destroyed), where a reviewer looks before applying.
pub fn say_disk_losses(summary: &[String], text: &mut String) {
    let count = |pick: fn(&str) -> bool| summary.iter().filter(|l| pick(l)).count();
    let (lost, failing) = (count(loses_disk), count(fails));
    if lost > 0 {
        text.push_str(&format!(
            "\n!! {} detached from {} by this change, with the data on {}: read the lines marked !! above\n",
            if lost == 1 { "1 data disk".to_string() } else { format!("{lost} data disks") },
            if lost == 1 { "its VM" } else { "their VMs" },
            if lost == 1 { "it" } else { "them" },
        ));
    }
    if failing > 0 {
        text.push_str(&format!(
            "\n!! {} made smaller by this change: Proxmox cannot shrink a disk, the apply would fail\n",
            if failing == 1 { "1 disk".to_string() } else { format!("{failing} disks") },
        ));
    }
}

fn escaped(line: String) -> String {
    match escape::line(&line) {
        Cow::Borrowed(_) => line,
        Cow::Owned(escaped) => escaped,
    }
}

fn json<T: Serialize>(value: &T) -> Option<Value> {
    serde_json::to_value(value).ok()
}

fn section<T: Serialize>(
    lines: &mut Vec<String>,
    kind: &str,
    before: &BTreeMap<String, T>,
    after: &BTreeMap<String, T>,
) {
    for (name, old, new) in changed(before, after) {
        lines.extend(compare(kind, &name, old.as_ref(), new.as_ref()));
    }
}

/// Every name in either map whose JSON differs, with its JSON before and after.
fn changed<T: Serialize>(
    before: &BTreeMap<String, T>,
    after: &BTreeMap<String, T>,
) -> Vec<(String, Option<Value>, Option<Value>)> {
    let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    names
        .into_iter()
        .filter_map(|name| {
            let old = before.get(name).and_then(json);
            let new = after.get(name).and_then(json);
            (old != new).then(|| (name.clone(), old, new))
        })
        .collect()
}

/// The lines for one declaration: added, removed, or each field that changed.
fn compare(kind: &str, name: &str, old: Option<&Value>, new: Option<&Value>) -> Vec<String> {
    let lines = match (old, new) {
        (None, Some(new)) => vec![format!("{kind} {name} added{}", identity(new))],
        (Some(old), None) => vec![format!("{kind} {name} removed{}", identity(old))],
        (Some(old), Some(new)) => {
            let mut changes = Vec::new();
            fields("", old, new, &mut changes);
            changes
                .into_iter()
                .map(|change| format!("{kind} {name} {change}"))
                .collect()
        }
        (None, None) => Vec::new(),
    };
    lines
        .into_iter()
        .map(|line| match escape::line(&line) {
            Cow::Borrowed(_) => line,
            Cow::Owned(escaped) => escaped,
        })
        .collect()
}

/// What identifies a guest at a glance: its VMID, addresses and host.
fn identity(value: &Value) -> String {
    let mut parts = Vec::new();
    if let Some(vmid) = value.get("vmid").and_then(Value::as_u64) {
        parts.push(format!("vmid {vmid}"));
    }
    for nic in value
        .get("nics")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(address) = nic.get("address").and_then(Value::as_str) {
            parts.push(address.to_string());
        }
    }
    if let Some(host) = value.get("host").and_then(Value::as_str) {
        parts.push(host.to_string());
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

/// Fields that only say where something is written, not what it is.
const IGNORED: &[&str] = &["origin"];
/// Fields in bytes, shown as sizes.
const SIZES: &[&str] = &["memory", "disk", "balloon", "swap", "size"];

/// The changed fields between two JSON values, as `path old → new`.
fn fields(path: &str, old: &Value, new: &Value, out: &mut Vec<String>) {
    if old == new {
        return;
    }
    let at = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path} {key}")
        }
    };
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys.into_iter().filter(|k| !IGNORED.contains(&k.as_str())) {
                let (x, y) = (a.get(key), b.get(key));
                // A list left out when empty (a VM's `disks`) is an empty list.
                let absent = match x.or(y) {
                    Some(Value::Array(_)) => Value::Array(Vec::new()),
                    _ => Value::Null,
                };
                fields(&at(key), x.unwrap_or(&absent), y.unwrap_or(&absent), out);
            }
        }
        (Value::Array(a), Value::Array(b))
            if (named(a) || a.is_empty()) && (named(b) || b.is_empty()) =>
        {
            let by_name = |items: &Vec<Value>| -> BTreeMap<String, Value> {
                items
                    .iter()
                    .filter_map(|v| Some((label(v)?, v.clone())))
                    .collect()
            };
            let (a, b) = (by_name(a), by_name(b));
            let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            let singular = path.trim_end_matches('s');
            for name in names {
                match (a.get(name), b.get(name)) {
                    (None, Some(_)) => out.push(format!("{singular} {name} added")),
                    (Some(_), None) => out.push(format!("{singular} {name} removed")),
                    (Some(x), Some(y)) => fields(&format!("{singular} {name}"), x, y, out),
                    (None, None) => {}
                }
            }
        }
        _ => {
            let key = path.rsplit(' ').next().unwrap_or(path);
            out.push(format!("{path} {} → {}", show(key, old), show(key, new)));
        }
    }
}

/// Whether a list holds named things (objects with a `name` or `network`).
fn named(items: &[Value]) -> bool {
    !items.is_empty() && items.iter().all(|v| label(v).is_some())
}

fn label(value: &Value) -> Option<String> {
    ["name", "network"]
        .iter()
        .find_map(|k| value.get(*k).and_then(Value::as_str))
        .map(str::to_string)
}

/// A value as a reader wants it: sizes in GiB or MiB, lists on one line.
fn show(key: &str, value: &Value) -> String {
    match value {
        Value::Null => "none".to_string(),
        Value::Number(n) if SIZES.contains(&key) => {
            n.as_u64().map_or(n.to_string(), crate::syntax::size_text)
        }
        Value::String(s) => s.clone(),
        Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|v| show(key, v))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Object(_) => "{…}".to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_are_compared_by_name_with_sizes_readable() {
        let old = json!({"memory": 4u64 << 30, "nics": [{"network": "lan", "address": "10.0.0.5"}], "roles": ["a"], "origin": {"file": "a.pxi"}});
        let new = json!({"memory": 8u64 << 30, "nics": [{"network": "lan", "address": "10.0.0.6"}, {"network": "san", "address": "10.9.0.2"}], "roles": ["a", "b"], "origin": {"file": "b.pxi"}});
        let lines = compare("vm", "db-01", Some(&old), Some(&new));
        assert_eq!(
            lines,
            [
                "vm db-01 memory 4GiB → 8GiB",
                "vm db-01 nic lan address 10.0.0.5 → 10.0.0.6",
                "vm db-01 nic san added",
                "vm db-01 roles [a] → [a, b]",
            ]
        );
    }

    #[test]
    fn a_list_left_out_when_empty_is_compared_as_empty() {
        let old = json!({"memory": 1u64 << 30, "users": []});
        let new = json!({"memory": 1u64 << 30, "users": [{"name": "ops"}],
            "disks": [{"name": "data", "interface": "scsi1", "size": 10u64 << 30}]});
        assert_eq!(
            compare("vm", "db-01", Some(&old), Some(&new)),
            ["vm db-01 disk data added", "vm db-01 user ops added"]
        );
        assert_eq!(
            compare("vm", "db-01", Some(&new), Some(&old)),
            ["vm db-01 disk data removed", "vm db-01 user ops removed"]
        );
    }

    #[test]
    fn text_from_the_sources_cannot_drive_a_terminal() {
        let old = json!({"description": "ok"});
        let new = json!({"description": "\u{1b}[1A\u{1b}[2K\rvm db-01 unchanged\u{202E}"});
        let lines = compare("vm", "db\u{7}-01", Some(&old), Some(&new));
        assert_eq!(lines.len(), 1);
        assert!(
            !lines[0].contains(['\u{1b}', '\r', '\u{7}', '\u{202E}']),
            "{:?}",
            lines[0]
        );
        assert!(lines[0].contains("\\u{1b}[1A"), "{}", lines[0]);
    }
}
