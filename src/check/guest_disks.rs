//! A VM's data disks (`disk data { … }`, beside its root disk `disk = 20GiB`) and a
//! container's mount points (`mount data { … }`): their schema, the checks Proxmox
//! would otherwise make halfway through an apply, and their IR.
//!
//! - A disk names its slot (`interface = "scsi1"`): Proxmox's limits are scsi0–30,
//!   virtio0–15, sata0–5 and ide0–3. `scsi0` is the root disk's, and the IDE slots
//!   hold the cloud-init drive (`ide2` in Terraform's templates, the first free IDE
//!   slot in Packer's) and CD-ROMs, so a data disk takes neither.
//! - `ssd` is not an option of virtio disks, `iothread` not one of SATA disks: the
//!   provider does not send them there, so written they would show as a change on
//!   every plan. pxic's VMs use the `virtio-scsi-single` controller, with which
//!   `iothread` works on SCSI disks.
//! - `qcow2` exists on file storage only (dir, NFS, CIFS); block storage (LVM, ZFS,
//!   Ceph RBD) holds `raw` volumes.
//! - A mount point with a host path (a bind mount) may be set by `root@pam` only, and
//!   an API token is never `root@pam` (pve-container, `check_ct_modify_config_perm`:
//!   "mount point type bind is only allowed for root@pam").

use super::estate;
use super::eval::{BlockRecord, Record, Value};
use super::lower::Fields;
use super::schema::{Block, Default, LabelRule, Nested, Ty, attr};
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::source::Span;
use std::collections::BTreeMap;

/// The disk buses Proxmox has, with their highest slot.
const BUSES: &[(&str, u32)] = &[("scsi", 30), ("virtio", 15), ("sata", 5), ("ide", 3)];

/// The slot of a VM's root disk, which the generated Terraform gives it.
pub const ROOT_INTERFACE: &str = "scsi0";

/// The most data disks of a VM: the provider takes 31 `disk` blocks (`MaxItems`),
/// the root disk's among them.
const MAX_DATA_DISKS: usize = 30;

/// The most mount points a container has: `mp0` … `mp255`.
const MAX_MOUNTS: usize = 256;

/// Whether a value has characters Proxmox's option text (`local-lvm:8,mp=/srv`)
/// cannot hold as they are.
fn breaks_option_text(value: &str) -> bool {
    value
        .chars()
        .any(|c| c.is_control() || matches!(c, ',' | '"' | '\\'))
}

const BREAKS_OPTION_TEXT: &str =
    "a comma, quote, backslash or control character, which Proxmox's option text cannot hold";

/// Storage types that hold block devices, where a disk is `raw`.
const BLOCK_STORAGE: &[&str] = &["lvm", "lvmthin", "zfspool", "rbd"];

static DISK_BLOCK: Block = Block {
    doc: "A data disk beside the root disk (`disk = 20GiB`, on `scsi0`).",
    attrs: &[
        attr(
            "size",
            Ty::Size,
            Default::Required,
            "The disk's size; it can grow, never shrink.",
        ),
        attr(
            "interface",
            Ty::Str,
            Default::Required,
            "Its slot: `\"scsi1\"` … `\"scsi30\"`, `\"virtio0\"` … `\"virtio15\"` or `\"sata0\"` … `\"sata5\"`. Changing it makes a new, empty disk.",
        ),
        attr(
            "storage",
            Ty::StorageRef,
            Default::Optional,
            "Where the disk lives; defaults to the root disk's storage.",
        ),
        attr(
            "format",
            Ty::Enum(&["raw", "qcow2"]),
            Default::Optional,
            "`qcow2` (file storage only) or `raw`; by default `qcow2` on file storage, `raw` on block storage.",
        ),
        attr(
            "cache",
            Ty::Enum(&["none", "writethrough", "writeback", "unsafe", "directsync"]),
            Default::Word("none"),
            "QEMU's cache mode.",
        ),
        attr(
            "discard",
            Ty::Bool,
            Default::Bool(true),
            "Pass TRIM through, so that thin storage gets freed blocks back.",
        ),
        attr(
            "ssd",
            Ty::Bool,
            Default::Optional,
            "Show the disk as an SSD; by default on, except on virtio, which has no such option.",
        ),
        attr(
            "iothread",
            Ty::Bool,
            Default::Optional,
            "An I/O thread of its own; by default on for scsi and virtio, which SATA does not have.",
        ),
        attr(
            "backup",
            Ty::Bool,
            Default::Bool(true),
            "Whether backups (vzdump) include it.",
        ),
        attr(
            "replicate",
            Ty::Bool,
            Default::Bool(true),
            "Whether storage replication copies it.",
        ),
    ],
    blocks: &[],
    free_form: false,
};

static MOUNT_BLOCK: Block = Block {
    doc: "A mount point: a volume on a storage (or, as `root@pam` only, a host directory) mounted in the container.",
    attrs: &[
        attr(
            "path",
            Ty::Str,
            Default::Required,
            "Where it is mounted in the container, such as `\"/var/lib/data\"`.",
        ),
        attr(
            "size",
            Ty::Size,
            Default::Optional,
            "The volume's size; required unless `host_path` is written.",
        ),
        attr(
            "storage",
            Ty::StorageRef,
            Default::Optional,
            "Where the volume lives (content `rootdir`); defaults to the container's storage.",
        ),
        attr(
            "host_path",
            Ty::Str,
            Default::Optional,
            "A directory of the host to bind-mount instead of a volume: only `root@pam` may set it, never an API token.",
        ),
        attr(
            "backup",
            Ty::Bool,
            Default::Bool(false),
            "Whether backups (vzdump) include it (Proxmox's default: no).",
        ),
    ],
    blocks: &[],
    free_form: false,
};

/// `disk data { … }` in a VM or a profile.
pub const DISK: Nested = Nested {
    kind: "disk",
    label: LabelRule::Required("the disk's name"),
    repeat: true,
    schema: &DISK_BLOCK,
};

/// `mount data { … }` in a container or a profile.
pub const MOUNT: Nested = Nested {
    kind: "mount",
    label: LabelRule::Required("the mount point's name"),
    repeat: true,
    schema: &MOUNT_BLOCK,
};

/// Where a guest is, for the storage of its disks.
pub struct Place<'a> {
    pub host: &'a ir::Host,
    pub cluster: &'a ir::Cluster,
    /// The root disk's storage, the default of its other disks.
    pub root_storage: Option<&'a str>,
}

fn blocks<'r>(
    r: &'r Record,
    kind: &'static str,
) -> impl Iterator<Item = (&'r str, Span, &'r BlockRecord)> {
    r.blocks
        .iter()
        .filter(move |b| b.kind == kind)
        .filter_map(|b| {
            b.label
                .as_ref()
                .map(|(name, span)| (name.as_str(), *span, b))
        })
}

/// A VM's data disks, checked, by interface.
pub fn vm_disks(r: &Record, place: &Place<'_>, out: &mut Vec<Diagnostic>) -> Vec<ir::Disk> {
    let mut taken: BTreeMap<String, Span> = BTreeMap::new();
    let mut disks = Vec::new();
    for (name, label_span, b) in blocks(r, "disk") {
        let d = &b.record;
        check_not_zero(d, out);
        let interface = d.str("interface").and_then(|text| {
            let span = d.span("interface").unwrap_or(label_span);
            let bus = check_interface(&text, span, out)?;
            check_slot_free(&text, span, &mut taken, out).then_some((text, bus))
        });
        let storage = storage_of(d, "images", place, label_span, out);
        let kind = storage.map(|s| s.kind.as_str());
        let format = d.word("format");
        if let (Some("qcow2"), Some(kind)) = (format.as_deref(), kind)
            && BLOCK_STORAGE.contains(&kind)
        {
            let storage_name = storage.map(|s| s.name.as_str()).unwrap_or_default();
            out.push(
                Diagnostic::error(
                    Code::DiskFormatNotForStorage,
                    format!("storage `{storage_name}` ({kind}) cannot hold a qcow2 disk"),
                )
                .with_primary(
                    d.span("format").unwrap_or(label_span),
                    "block storage holds raw volumes only",
                )
                .with_help(
                    "write `format = raw`, or put the disk on file storage (dir, NFS, CIFS)",
                ),
            );
        }
        let Some((interface, bus)) = interface else {
            continue;
        };
        let ssd = option_on(d, "ssd", bus, &["virtio"], out);
        let iothread = option_on(d, "iothread", bus, &["sata", "ide"], out);
        let (Some(storage), Some(size)) = (storage, d.size("size")) else {
            continue;
        };
        disks.push(ir::Disk {
            name: name.to_string(),
            interface,
            size,
            storage: storage.name.clone(),
            format,
            cache: d.word("cache").unwrap_or_default(),
            discard: d.bool("discard"),
            ssd,
            iothread,
            backup: d.bool("backup"),
            replicate: d.bool("replicate"),
        });
    }
    if let Some((_, span, _)) = blocks(r, "disk").nth(MAX_DATA_DISKS) {
        out.push(
            Diagnostic::error(
                Code::TooManyDisks,
                format!("a VM has at most {MAX_DATA_DISKS} data disks"),
            )
            .with_primary(span, "one too many")
            .with_help("the provider takes 31 `disk` blocks, the root disk's included: merge data disks into larger ones"),
        );
    }
    // By bus, then slot: `scsi2` before `scsi10`.
    disks.sort_by_key(|d| {
        let digits = d
            .interface
            .trim_start_matches(|c: char| !c.is_ascii_digit());
        let bus = &d.interface[..d.interface.len() - digits.len()];
        let bus = BUSES.iter().position(|(b, _)| *b == bus);
        (bus, digits.parse::<u32>().unwrap_or_default())
    });
    disks
}

/// A container's mount points, checked, in name order (`mp0` is the first).
pub fn container_mounts(
    r: &Record,
    place: &Place<'_>,
    out: &mut Vec<Diagnostic>,
) -> Vec<ir::Mount> {
    let mut paths: BTreeMap<String, Span> = BTreeMap::new();
    let mut mounts = Vec::new();
    for (name, label_span, b) in blocks(r, "mount") {
        let m = &b.record;
        check_not_zero(m, out);
        let path = m
            .str("path")
            .filter(|p| check_path(p, m.span("path").unwrap_or(label_span), &mut paths, out));
        let host_path = m.str("host_path");
        let storage = match (&host_path, m.span("host_path")) {
            (Some(host_path), Some(span)) => {
                check_bind(m, host_path, span, out);
                None
            }
            _ => {
                if m.size("size").is_none() && !m.written("size") {
                    out.push(
                        Diagnostic::error(
                            Code::MountSizeMissing,
                            format!("mount point `{name}` has no `size`"),
                        )
                        .with_primary(label_span, "a volume needs a size")
                        .with_help("write its size, such as `size = 16GiB`"),
                    );
                }
                storage_of(m, "rootdir", place, label_span, out)
            }
        };
        let Some(path) = path else {
            continue;
        };
        let (storage, size) = match (&host_path, storage) {
            (Some(_), _) => (String::new(), 0),
            (None, Some(s)) => match m.size("size") {
                Some(size) => (s.name.clone(), size),
                None => continue,
            },
            (None, None) => continue,
        };
        mounts.push(ir::Mount {
            name: name.to_string(),
            path,
            size,
            storage,
            backup: m.bool("backup"),
            host_path,
        });
    }
    if let Some((_, span, _)) = blocks(r, "mount").nth(MAX_MOUNTS) {
        out.push(
            Diagnostic::error(
                Code::TooManyDisks,
                format!("a container has at most {MAX_MOUNTS} mount points"),
            )
            .with_primary(span, "one too many: Proxmox numbers them mp0 to mp255")
            .with_help("put several directories on one volume"),
        );
    }
    mounts.sort_by(|a, b| a.name.cmp(&b.name));
    mounts
}

/// A `size` of zero: Proxmox makes no empty volume.
fn check_not_zero(r: &Record, out: &mut Vec<Diagnostic>) {
    if let Some(f) = r.fields.get("size")
        && f.value == Value::Size(0)
    {
        out.push(
            Diagnostic::error(Code::ZeroResource, "`size` is zero")
                .with_primary(f.span, "a volume needs some")
                .with_help("give `size` a value above zero"),
        );
    }
}

/// The bus of an interface Proxmox has and a data disk may take.
fn check_interface(text: &str, span: Span, out: &mut Vec<Diagnostic>) -> Option<&'static str> {
    let digits_at = text
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(text.len());
    let (prefix, digits) = text.split_at(digits_at);
    let bus = BUSES.iter().find(|(bus, _)| *bus == prefix);
    let slot = digits
        .parse::<u32>()
        .ok()
        .filter(|_| digits.len() == 1 || !digits.starts_with('0'));
    let problem = match (bus, slot) {
        (None, _) => format!("`{}` is not a disk bus", prefix.escape_debug()),
        (Some(_), None) => "the slot is not a number".to_string(),
        (Some((bus, last)), Some(slot)) if slot > *last => {
            format!("{bus} slots go from 0 to {last}")
        }
        (Some(("ide", _)), Some(_)) => {
            "the IDE slots hold the cloud-init drive and CD-ROMs".to_string()
        }
        (Some((bus, _)), Some(_)) => return Some(bus),
    };
    out.push(
        Diagnostic::error(
            Code::DiskInterfaceInvalid,
            format!("`{}` is not a slot for a data disk", text.escape_debug()),
        )
        .with_primary(span, problem)
        .with_help("write `scsi1` … `scsi30`, `virtio0` … `virtio15` or `sata0` … `sata5`"),
    );
    None
}

/// One disk per slot, and none on the root disk's.
fn check_slot_free(
    interface: &str,
    span: Span,
    taken: &mut BTreeMap<String, Span>,
    out: &mut Vec<Diagnostic>,
) -> bool {
    if interface == ROOT_INTERFACE {
        out.push(
            Diagnostic::error(
                Code::DiskSlotTaken,
                format!("`{ROOT_INTERFACE}` is the root disk's slot"),
            )
            .with_primary(span, "the root disk (`disk = …`) is here")
            .with_help("give the data disk another slot, such as `scsi1`"),
        );
        return false;
    }
    if let Some(first) = taken.get(interface) {
        out.push(
            Diagnostic::error(
                Code::DiskSlotTaken,
                format!("two disks on slot `{interface}`"),
            )
            .with_primary(span, "the second")
            .with_secondary(*first, "the first")
            .with_help("give each disk a slot of its own"),
        );
        return false;
    }
    taken.insert(interface.to_string(), span);
    true
}

/// `ssd` or `iothread`: as written, else on where the bus has it. Written `true` on a
/// bus without it is an error.
fn option_on(
    d: &Record,
    option: &str,
    bus: &str,
    without: &[&str],
    out: &mut Vec<Diagnostic>,
) -> bool {
    let lacks = without.contains(&bus);
    match d.fields.get(option) {
        Some(f) if f.value == Value::Bool(true) && lacks => {
            out.push(
                Diagnostic::error(
                    Code::DiskOptionNotForInterface,
                    format!("a {bus} disk has no `{option}` option"),
                )
                .with_primary(f.span, "the provider does not send it for this bus")
                .with_help(format!(
                    "remove `{option}`, or put the disk on a scsi slot (`interface = \"scsi1\"`)"
                )),
            );
            false
        }
        Some(f) => f.value == Value::Bool(true),
        None => !lacks,
    }
}

/// The storage a disk or mount point is on: written, else the root disk's. It must be
/// on the guest's host (or the cluster's) and hold `content`.
fn storage_of<'p>(
    r: &Record,
    content: &str,
    place: &Place<'p>,
    label_span: Span,
    out: &mut Vec<Diagnostic>,
) -> Option<&'p ir::Storage> {
    let (name, span) = match r.fields.get("storage").map(|f| (&f.value, f.span)) {
        Some((Value::Storage(name), span)) => (name.as_str(), span),
        Some(_) => return None,
        None => (place.root_storage?, label_span),
    };
    let found = estate::storage_on(place.host, place.cluster, name, Some(span), out)?;
    estate::check_storage_content(found, content, Some(span), out);
    Some(found)
}

/// A mount point's path, not another mount point's.
fn check_path(
    path: &str,
    span: Span,
    seen: &mut BTreeMap<String, Span>,
    out: &mut Vec<Diagnostic>,
) -> bool {
    if !plain_path(
        path,
        span,
        "a mount point path",
        "write an absolute path inside the container, such as `\"/var/lib/data\"`",
        out,
    ) {
        return false;
    }
    if let Some(first) = seen.get(path) {
        out.push(
            Diagnostic::error(
                Code::MountPathInvalid,
                format!("two mount points at `{}`", path.escape_debug()),
            )
            .with_primary(span, "the second")
            .with_secondary(*first, "the first")
            .with_help("mount each volume at a path of its own"),
        );
        return false;
    }
    seen.insert(path.to_string(), span);
    true
}

/// An absolute path, not `/`, without empty, `.` or `..` parts nor characters that
/// end a value of Proxmox's option text: a mount point's path or a bind mount's host
/// directory (`what`).
fn plain_path(path: &str, span: Span, what: &str, help: &str, out: &mut Vec<Diagnostic>) -> bool {
    let problem = if !path.starts_with('/') {
        "not an absolute path"
    } else if path == "/" {
        "`/` itself"
    } else if path.ends_with('/')
        || path[1..]
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..")
    {
        "empty, `.` or `..` parts"
    } else if breaks_option_text(path) {
        BREAKS_OPTION_TEXT
    } else {
        return true;
    };
    out.push(
        Diagnostic::error(
            Code::MountPathInvalid,
            format!("`{}` is not {what}", path.escape_debug()),
        )
        .with_primary(span, problem)
        .with_help(help),
    );
    false
}

/// Bind mounts, which only `root@pam` may set: the generated Terraform logs in with
/// the cluster's API token when it has one (`token_span`), and Proxmox answers 403.
pub fn check_bind_mounts(r: &Record, token_span: Option<Span>, out: &mut Vec<Diagnostic>) {
    let Some(token) = token_span else {
        return;
    };
    for (_, _, b) in blocks(r, "mount") {
        let (Some(host_path), Some(span)) = (b.record.str("host_path"), b.record.span("host_path"))
        else {
            continue;
        };
        out.push(
            Diagnostic::error(
                Code::BindMountNeedsRoot,
                format!(
                    "bind-mounting `{}` needs root@pam, not an API token",
                    host_path.escape_debug()
                ),
            )
            .with_primary(span, "Proxmox lets only root@pam set a host path")
            .with_secondary(token, "Terraform logs in with this API token")
            .with_help(
                "use a volume (`size`, `storage`) instead, or add the bind mount by hand as \
                 root@pam (`pct set <vmid> -mp<n> <host path>,mp=<path>`) and leave it out of \
                 the project",
            ),
        );
    }
}

/// A bind mount's host directory, and nothing of a volume beside it.
fn check_bind(m: &Record, host_path: &str, span: Span, out: &mut Vec<Diagnostic>) {
    plain_path(
        host_path,
        span,
        "a host directory",
        "write the host directory's absolute path, such as `\"/tank/media\"`",
        out,
    );
    for other in ["size", "storage"] {
        if let Some(f) = m.fields.get(other) {
            out.push(
                Diagnostic::error(
                    Code::MountSizeMissing,
                    format!("a bind mount has no `{other}`"),
                )
                .with_primary(f.span, "the host directory is mounted as it is")
                .with_secondary(span, "a bind mount")
                .with_help(format!("remove `{other}`, or `host_path` to make a volume")),
            );
        }
    }
}

/// The data disks and mount point volumes of the plan's guests, as (host, storage,
/// bytes), for the check that a storage's guests fit it. Bind mounts take no space.
pub fn volumes_on_storage(plan: &ir::Plan) -> impl Iterator<Item = (&String, &String, u64)> {
    let disks = plan.vms.values().flat_map(|vm| {
        vm.disks
            .iter()
            .map(|d| (&vm.guest.host, &d.storage, d.size))
    });
    let mounts = plan.containers.values().flat_map(|ct| {
        ct.mounts
            .iter()
            .filter(|m| m.host_path.is_none())
            .map(|m| (&ct.guest.host, &m.storage, m.size))
    });
    disks.chain(mounts)
}
