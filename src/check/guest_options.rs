//! A guest's `startup` block and a container's passed-through `device`s: checked as
//! Proxmox and the provider check them, then read into the IR.

use super::eval::{BlockRecord, Record, Value};
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::source::Span;

/// The largest startup order, delay or device owner pxic writes. Proxmox takes any
/// whole number there, but one past this is a typo, and would reach the provider as a
/// number its Go code cannot hold.
const MAX_NUMBER: u64 = i32::MAX as u64;

/// The provider's limit on a container's `device_passthrough` blocks (Proxmox's is
/// 256).
pub const MAX_DEVICES: usize = 128;

fn blocks<'r>(r: &'r Record, kind: &'r str) -> impl Iterator<Item = &'r BlockRecord> + 'r {
    r.blocks.iter().filter(move |b| b.kind == kind)
}

/// A whole number of a block, with its span, when written.
fn number(r: &Record, name: &str) -> Option<(u64, Span)> {
    let field = r.fields.get(name)?;
    match field.value {
        Value::Int(n) => Some((n, field.span)),
        _ => None,
    }
}

/// A number above [`MAX_NUMBER`] is reported; the rest are read as they are.
fn check_number(r: &Record, of: &str, name: &str, out: &mut Vec<Diagnostic>) {
    let Some((n, span)) = number(r, name) else {
        return;
    };
    if n > MAX_NUMBER {
        out.push(
            Diagnostic::error(
                Code::NumberOutOfRange,
                format!("`{name}` of {of} is {n}, above {MAX_NUMBER}"),
            )
            .with_primary(span, "too large")
            .with_help(format!("write a number from 0 to {MAX_NUMBER}")),
        );
    }
}

fn small(r: &Record, name: &str) -> Option<u32> {
    number(r, name)
        .filter(|(n, _)| *n <= MAX_NUMBER)
        .and_then(|(n, _)| u32::try_from(n).ok())
}

pub fn check_startup(r: &Record, out: &mut Vec<Diagnostic>) {
    for b in blocks(r, "startup") {
        for name in ["order", "up", "down"] {
            check_number(&b.record, "`startup`", name, out);
        }
    }
}

/// The guest's `startup`, or `None` when it sets nothing.
pub fn startup(r: &Record) -> Option<ir::Startup> {
    let b = blocks(r, "startup").last()?;
    let startup = ir::Startup {
        order: small(&b.record, "order"),
        up: small(&b.record, "up"),
        down: small(&b.record, "down"),
    };
    (startup.order.is_some() || startup.up.is_some() || startup.down.is_some()).then_some(startup)
}

/// Whether a device path is one Proxmox takes (`verify_lxc_dev_string`: under `/dev/`,
/// no `.` or `..` component) and that cannot change the meaning of the `devN` entry it
/// is written into (a comma starts another option, a line break another entry).
fn is_device_path(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/dev/") else {
        return false;
    };
    !rest.is_empty()
        && rest
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-+:/".contains(&b))
}

/// Four octal digits starting with 0, as Proxmox's pattern (`0[0-7]{3}`) means.
fn is_device_mode(mode: &str) -> bool {
    let bytes = mode.as_bytes();
    bytes.len() == 4 && bytes[0] == b'0' && bytes[1..].iter().all(|b| (b'0'..=b'7').contains(b))
}

pub fn check_devices(r: &Record, name: &str, out: &mut Vec<Diagnostic>) {
    let mut seen: Vec<(&str, Span)> = Vec::new();
    let mut count = 0;
    for b in blocks(r, "device") {
        count += 1;
        if count == MAX_DEVICES + 1
            && let Some((_, at)) = &b.label
        {
            let at = *at;
            out.push(
                Diagnostic::error(
                    Code::TooManyContainerDevices,
                    format!("`{name}` passes through more than {MAX_DEVICES} devices"),
                )
                .with_primary(at, "one too many")
                .with_help(format!(
                    "pass through at most {MAX_DEVICES} devices: the provider takes no more"
                )),
            );
        }
        let d = &b.record;
        if let Some(field) = d.fields.get("path")
            && let Value::Str(path) = &field.value
        {
            if !is_device_path(path) {
                out.push(
                    Diagnostic::error(
                        Code::DevicePath,
                        format!(
                            "`{}` is not a device path Proxmox takes",
                            path.escape_debug()
                        ),
                    )
                    .with_primary(field.span, "not a plain path under `/dev/`")
                    .with_help(
                        "write the device's path under `/dev/`, such as `\"/dev/net/tun\"`, \
                         with letters, digits and `._-+:` between the slashes",
                    ),
                );
            } else if let Some((_, first)) = seen.iter().find(|(p, _)| p == path) {
                out.push(
                    Diagnostic::error(
                        Code::DuplicateDevice,
                        format!("`{name}` passes `{path}` through twice"),
                    )
                    .with_primary(field.span, "passed through again")
                    .with_secondary(*first, "first here")
                    .with_help("remove one of the two `device` blocks"),
                );
            } else {
                seen.push((path, field.span));
            }
        }
        if let Some(field) = d.fields.get("mode")
            && let Value::Str(mode) = &field.value
            && !is_device_mode(mode)
        {
            out.push(
                Diagnostic::error(
                    Code::DeviceMode,
                    format!("`{}` is not an access mode", mode.escape_debug()),
                )
                .with_primary(field.span, "not four octal digits")
                .with_help("write four octal digits starting with 0, such as `\"0660\"`"),
            );
        }
        let label = b.label.as_ref().map_or("", |(l, _)| l.as_str());
        for owner in ["uid", "gid"] {
            check_number(d, &format!("device `{label}`"), owner, out);
        }
    }
}

/// A container's devices, in the order written.
pub fn devices(r: &Record) -> Vec<ir::Device> {
    blocks(r, "device")
        .map(|b| ir::Device {
            name: b.label.as_ref().map(|(l, _)| l.clone()).unwrap_or_default(),
            path: b.record.text("path").unwrap_or_default().to_string(),
            mode: b.record.text("mode").unwrap_or("0660").to_string(),
            uid: small(&b.record, "uid"),
            gid: small(&b.record, "gid"),
            read_only: matches!(
                b.record.value("read_only").as_deref(),
                Some(Value::Bool(true))
            ),
        })
        .collect()
}

/// The highest id an unprivileged container has: Proxmox maps 0 to 65535 inside to
/// 100000 to 165535 on the host.
const MAX_CONTAINER_ID: u64 = 65535;

/// The ids of an `idmap` list, with their spans.
fn ids<'r>(r: &'r Record, name: &str) -> impl Iterator<Item = (u64, Span)> + 'r {
    let items: &[_] = match r.fields.get(name).map(|f| &f.value) {
        Some(Value::List(items)) => items,
        _ => &[],
    };
    items.iter().filter_map(|item| match item.value {
        Value::Int(n) => Some((n, item.span)),
        _ => None,
    })
}

pub fn check_idmap(r: &Record, name: &str, out: &mut Vec<Diagnostic>) {
    let Some(b) = blocks(r, "idmap").last() else {
        return;
    };
    let mut any = false;
    for list in ["uids", "gids"] {
        for (id, span) in ids(&b.record, list) {
            any = true;
            if id == 0 {
                out.push(
                    Diagnostic::error(
                        Code::IdmapRoot,
                        format!("`{name}` would share its root with the host"),
                    )
                    .with_primary(span, "id 0 is the container's root")
                    .with_help(
                        "leave 0 out: root inside an unprivileged container must not be root \
                         on the host (a privileged container is that, and needs no idmap)",
                    ),
                );
            } else if id > MAX_CONTAINER_ID {
                out.push(
                    Diagnostic::error(
                        Code::IdmapOutOfRange,
                        format!("`{name}` has no id {id}"),
                    )
                    .with_primary(span, format!("above {MAX_CONTAINER_ID}"))
                    .with_help(format!(
                        "an unprivileged container's ids go from 0 to {MAX_CONTAINER_ID}: share \
                         one of those"
                    )),
                );
            }
        }
    }
    let privileged = matches!(r.value("unprivileged").as_deref(), Some(Value::Bool(false)));
    if any && privileged {
        let at = r.fields.get("unprivileged").map_or_else(
            || {
                ids(&b.record, "uids")
                    .chain(ids(&b.record, "gids"))
                    .next()
                    .map(|(_, s)| s)
            },
            |f| Some(f.span),
        );
        if let Some(at) = at {
            out.push(
                Diagnostic::error(
                    Code::IdmapOnPrivileged,
                    format!("`{name}` is privileged, so its ids are the host's already"),
                )
                .with_primary(at, "a privileged container maps no ids")
                .with_help("remove the `idmap` block, or make the container unprivileged"),
            );
        }
    }
}

/// The ids of an `idmap` list that are shared with the host, sorted, without those
/// reported.
pub fn shared_ids(r: &Record, list: &str) -> Vec<u32> {
    let Some(b) = blocks(r, "idmap").last() else {
        return Vec::new();
    };
    let mut shared: Vec<u32> = ids(&b.record, list)
        .filter(|(id, _)| (1..=MAX_CONTAINER_ID).contains(id))
        .filter_map(|(id, _)| u32::try_from(id).ok())
        .collect();
    shared.sort_unstable();
    shared.dedup();
    shared
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_paths_are_those_proxmox_takes_and_cannot_add_options() {
        for good in [
            "/dev/net/tun",
            "/dev/dri/renderD128",
            "/dev/ttyUSB0",
            "/dev/bus/usb/001/002",
        ] {
            assert!(is_device_path(good), "{good}");
        }
        for bad in [
            "/dev/",
            "dev/net/tun",
            "/sys/class",
            "/dev/../etc/shadow",
            "/dev/./tun",
            "/dev/net/",
            "/dev//tun",
            "/dev/tun,mode=0666",
            "/dev/tun\nlxc.mount.entry: / x",
            "/dev/tun x",
            "/dev/tun=1",
        ] {
            assert!(!is_device_path(bad), "{bad:?}");
        }
    }

    #[test]
    fn modes_are_four_octal_digits_from_zero() {
        for good in ["0660", "0000", "0777"] {
            assert!(is_device_mode(good), "{good}");
        }
        for bad in ["660", "0668", "1660", "00660", "0x66", ""] {
            assert!(!is_device_mode(bad), "{bad}");
        }
    }
}
