//! The schema of every block: which attributes and nested blocks it takes, their
//! types, whether they are required, their defaults and a one-line doc each (shown on
//! hover by the language server, and in `docs/schema.md`).
//!
//! The evaluator applies defaults from here, so a default is written once.

use crate::syntax::ast::DeclKind;

mod passthrough;

/// The type of an attribute's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Str,
    Int,
    Bool,
    /// `4GiB`
    Size,
    Ipv4,
    Cidr,
    /// `100 .. 999`, both ends included.
    IntRange,
    /// `10.0.0.100 .. 10.0.0.199`, both ends included.
    AddrRange,
    /// One of a fixed set of bare words: `type = lvmthin`.
    Enum(&'static [&'static str]),
    /// A reference to a top-level declaration of this kind.
    Ref(DeclKind),
    /// A reference to a top-level declaration of any of these kinds: a profile's
    /// `template` is a VM template for VMs and an image for containers.
    RefAny(&'static [DeclKind]),
    /// A reference to a storage of the host the block is placed on.
    StorageRef,
    /// `env("NAME")`: a secret that pxic never writes out.
    Secret,
    List(&'static Ty),
    /// `auto`, or a value of the inner type.
    AutoOr(&'static Ty),
    /// One of a fixed set of bare words, or a value of the inner type: `ip = dhcp`.
    WordOr(&'static [&'static str], &'static Ty),
}

impl Ty {
    /// How the type is named in messages, with an example.
    pub fn describe(self) -> String {
        match self {
            Ty::Str => "a string such as `\"text\"`".to_string(),
            Ty::Int => "a whole number such as `4`".to_string(),
            Ty::Bool => "`true` or `false`".to_string(),
            Ty::Size => "a size such as `4GiB`".to_string(),
            Ty::Ipv4 => "an IPv4 address such as `10.10.0.2`".to_string(),
            Ty::Cidr => "a network such as `10.10.0.0/24`".to_string(),
            Ty::IntRange => "a range of numbers such as `100 .. 999`".to_string(),
            Ty::AddrRange => {
                "a range of addresses such as `10.10.0.100 .. 10.10.0.199`".to_string()
            }
            Ty::Enum(words) => {
                let words: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
                format!("one of {}", words.join(", "))
            }
            Ty::Ref(kind) => format!("the name of a `{}`", kind.keyword()),
            Ty::RefAny(kinds) => format!("the name of {}", keywords(kinds, "a `", "`", " or ")),
            Ty::StorageRef => "the name of a storage on the host".to_string(),
            Ty::Secret => "a secret such as `env(\"PROXMOX_VE_API_TOKEN\")`".to_string(),
            Ty::List(inner) => format!("a list of {}", inner.plural()),
            Ty::AutoOr(inner @ Ty::WordOr(..)) => format!("`auto`, {}", inner.describe()),
            Ty::AutoOr(inner) => format!("`auto` or {}", inner.describe()),
            Ty::WordOr(words, inner) => {
                let words: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
                format!("{} or {}", words.join(", "), inner.describe())
            }
        }
    }

    /// The type's values in the plural, for list types.
    fn plural(self) -> String {
        match self {
            Ty::Str => "strings".to_string(),
            Ty::Int => "whole numbers".to_string(),
            Ty::Bool => "booleans".to_string(),
            Ty::Size => "sizes".to_string(),
            Ty::Ipv4 => "IPv4 addresses".to_string(),
            Ty::Cidr => "networks".to_string(),
            Ty::IntRange | Ty::AddrRange => "ranges".to_string(),
            Ty::Enum(words) => {
                let words: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
                format!("words among {}", words.join(", "))
            }
            Ty::Ref(kind) => format!("`{}` names", kind.keyword()),
            Ty::RefAny(kinds) => format!("{} names", keywords(kinds, "`", "`", " or ")),
            Ty::StorageRef => "storage names".to_string(),
            Ty::Secret => "secrets".to_string(),
            Ty::List(_) => "lists".to_string(),
            Ty::AutoOr(inner) | Ty::WordOr(_, inner) => inner.plural(),
        }
    }
}

/// Declaration keywords joined: "a `template` or a `image`" reads badly, so each gets
/// its own article where `before` asks for one.
fn keywords(kinds: &[DeclKind], before: &str, after: &str, sep: &str) -> String {
    let words: Vec<String> = kinds
        .iter()
        .map(|k| {
            let word = k.keyword();
            let before = if before == "a `" && word.starts_with(|c: char| "aeiou".contains(c)) {
                "an `"
            } else {
                before
            };
            format!("{before}{word}{after}")
        })
        .collect();
    words.join(sep)
}

/// A value to use when an attribute is not written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Default {
    /// The attribute must be written.
    Required,
    /// Absent means absent (`None` in the IR).
    Optional,
    Int(u64),
    Bool(bool),
    /// In bytes.
    Size(u64),
    Str(&'static str),
    Word(&'static str),
    EmptyList,
    Auto,
}

/// One attribute of a block.
#[derive(Clone, Copy, Debug)]
pub struct Attr {
    pub name: &'static str,
    pub ty: Ty,
    pub default: Default,
    pub doc: &'static str,
    /// For an attribute that belongs to some kinds of its block only.
    pub applies: Option<&'static Applies>,
}

/// Which kinds of a block an attribute belongs to, where another attribute of the
/// block names the kind (a state backend's `bucket` is for `backend = s3` only).
#[derive(Clone, Copy, Debug)]
pub struct Applies {
    /// The attribute that names the kind, a word.
    pub selector: &'static str,
    /// The kinds the attribute may be written for.
    pub to: &'static [&'static str],
    /// The kinds that need it.
    pub required_by: &'static [&'static str],
}

/// Whether a nested block takes a label (`bridge vmbr0 { … }`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelRule {
    None,
    Required(&'static str),
}

/// A nested block: its kind word, label rule, whether it may repeat, and its schema.
#[derive(Clone, Copy, Debug)]
pub struct Nested {
    pub kind: &'static str,
    pub label: LabelRule,
    pub repeat: bool,
    pub schema: &'static Block,
}

/// The schema of a block or declaration.
#[derive(Debug)]
pub struct Block {
    pub doc: &'static str,
    pub attrs: &'static [Attr],
    pub blocks: &'static [Nested],
    /// Free-form blocks (`vars { … }`) take any attribute of any scalar type.
    pub free_form: bool,
}

impl Block {
    pub fn attr(&self, name: &str) -> Option<&'static Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }

    pub fn nested(&self, kind: &str) -> Option<&'static Nested> {
        self.blocks.iter().find(|b| b.kind == kind)
    }

    /// Every attribute and block name, for "did you mean" suggestions; a name that is
    /// both (a VM's `disk = 20GiB` and `disk data { … }`) once.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.attrs.iter().map(|a| a.name).chain(
            self.blocks
                .iter()
                .map(|b| b.kind)
                .filter(|kind| self.attr(kind).is_none()),
        )
    }
}

pub(super) const fn attr(name: &'static str, ty: Ty, default: Default, doc: &'static str) -> Attr {
    Attr {
        name,
        ty,
        default,
        doc,
        applies: None,
    }
}

/// An attribute for some kinds of its block only (see [`Applies`]); optional unless a
/// kind in `applies.required_by` is chosen.
const fn kind_attr(
    name: &'static str,
    ty: Ty,
    applies: &'static Applies,
    doc: &'static str,
) -> Attr {
    Attr {
        name,
        ty,
        default: Default::Optional,
        doc,
        applies: Some(applies),
    }
}

const GIB: u64 = 1 << 30;

pub const STORAGE_TYPES: &[&str] = &[
    "dir", "lvm", "lvmthin", "zfspool", "nfs", "cifs", "rbd", "cephfs",
];
pub const STORAGE_CONTENT: &[&str] = &[
    "images", "rootdir", "iso", "vztmpl", "snippets", "backup", "import",
];
pub const IMAGE_KINDS: &[&str] = &["cloud", "iso", "lxc"];
pub const OS_FAMILIES: &[&str] = &["ubuntu", "debian", "rocky", "almalinux", "other"];
pub const ROLE_OS_FAMILIES: &[&str] = &["ubuntu", "debian", "rocky", "almalinux"];
pub const ROLE_FITS: &[&str] = &["any", "vm", "container"];
pub const CHECKSUM_ALGORITHMS: &[&str] = &["sha256", "sha512"];
/// The file systems a container may be allowed to mount: Proxmox takes any type, the
/// provider only these two.
pub const CONTAINER_MOUNT_TYPES: &[&str] = &["nfs", "cifs"];
/// A VM's firmware: SeaBIOS (legacy BIOS) or OVMF (UEFI).
pub const BIOS_KINDS: &[&str] = &["seabios", "ovmf"];
/// The guest OS types Proxmox knows (`ostype`); it tunes the VM for each.
pub const OS_TYPES: &[&str] = &[
    "l26", "l24", "win11", "win10", "win8", "win7", "wvista", "w2k8", "w2k3", "w2k", "wxp",
    "solaris", "other",
];
/// The display adapters Proxmox offers (`vga`).
pub const VGA_TYPES: &[&str] = &[
    "std",
    "serial0",
    "serial1",
    "serial2",
    "serial3",
    "virtio",
    "virtio-gl",
    "qxl",
    "qxl2",
    "qxl3",
    "qxl4",
    "vmware",
    "cirrus",
    "none",
];

/// Which storage types each type-specific attribute belongs to, and which need it (as
/// `/etc/pve/storage.cfg` does).
const STORAGE_PATH: Applies = Applies {
    selector: "type",
    to: &["dir", "nfs", "cifs", "cephfs"],
    required_by: &["dir"],
};
const STORAGE_VG: Applies = Applies {
    selector: "type",
    to: &["lvm", "lvmthin"],
    required_by: &["lvm", "lvmthin"],
};
const STORAGE_THINPOOL: Applies = Applies {
    selector: "type",
    to: &["lvmthin"],
    required_by: &["lvmthin"],
};
const STORAGE_POOL: Applies = Applies {
    selector: "type",
    to: &["zfspool", "rbd"],
    required_by: &["zfspool", "rbd"],
};
const STORAGE_SERVER: Applies = Applies {
    selector: "type",
    to: &["nfs", "cifs"],
    required_by: &["nfs", "cifs"],
};
const STORAGE_EXPORT: Applies = Applies {
    selector: "type",
    to: &["nfs"],
    required_by: &["nfs"],
};
const STORAGE_SHARE: Applies = Applies {
    selector: "type",
    to: &["cifs"],
    required_by: &["cifs"],
};
const STORAGE_MONITORS: Applies = Applies {
    selector: "type",
    to: &["rbd", "cephfs"],
    required_by: &[],
};

static STORAGE: Block = Block {
    doc: "A Proxmox storage: where disks, ISOs, snippets and container templates live.",
    attrs: &[
        attr(
            "type",
            Ty::Enum(STORAGE_TYPES),
            Default::Required,
            "The storage backend, as in `/etc/pve/storage.cfg`.",
        ),
        attr(
            "content",
            Ty::List(&Ty::Enum(STORAGE_CONTENT)),
            Default::Required,
            "What the storage may hold.",
        ),
        kind_attr(
            "path",
            Ty::Str,
            &STORAGE_PATH,
            "The folder of a `dir` storage, or the mount point of `nfs`/`cifs`/`cephfs`.",
        ),
        kind_attr(
            "vg",
            Ty::Str,
            &STORAGE_VG,
            "The LVM volume group of an `lvm` or `lvmthin` storage.",
        ),
        kind_attr(
            "thinpool",
            Ty::Str,
            &STORAGE_THINPOOL,
            "The thin pool of an `lvmthin` storage.",
        ),
        kind_attr(
            "pool",
            Ty::Str,
            &STORAGE_POOL,
            "The ZFS pool (`zfspool`) or Ceph pool (`rbd`).",
        ),
        kind_attr(
            "server",
            Ty::Str,
            &STORAGE_SERVER,
            "The server of an `nfs` or `cifs` storage.",
        ),
        kind_attr(
            "export",
            Ty::Str,
            &STORAGE_EXPORT,
            "The export path of an `nfs` storage.",
        ),
        kind_attr(
            "share",
            Ty::Str,
            &STORAGE_SHARE,
            "The share of a `cifs` storage.",
        ),
        kind_attr(
            "monitors",
            Ty::List(&Ty::Str),
            &STORAGE_MONITORS,
            "Ceph monitor addresses of an external `rbd`/`cephfs` storage.",
        ),
        attr(
            "shared",
            Ty::Bool,
            Default::Optional,
            "Whether every node sees the same storage; defaults from `type`.",
        ),
        attr(
            "size",
            Ty::Size,
            Default::Optional,
            "Its usable capacity, for the check that guests' disks fit.",
        ),
    ],
    blocks: &[],
    free_form: false,
};

static BRIDGE: Block = Block {
    doc: "A Linux bridge on a host, carrying networks to the VMs.",
    attrs: &[
        attr(
            "ports",
            Ty::List(&Ty::Str),
            Default::EmptyList,
            "Physical interfaces enslaved to the bridge, such as `eno1`: Linux interface names, at most 15 bytes.",
        ),
        attr(
            "network",
            Ty::Ref(DeclKind::Network),
            Default::Optional,
            "The network the bridge carries.",
        ),
        attr(
            "networks",
            Ty::List(&Ty::Ref(DeclKind::Network)),
            Default::EmptyList,
            "More networks the bridge carries, each on its own VLAN (a VLAN-aware trunk with `lan`, `iot`, `dmz`): a NIC on any of them goes on this bridge, tagged with its network's `vlan`. At most one of all its networks is untagged.",
        ),
        attr(
            "vlan_aware",
            Ty::Bool,
            Default::Bool(false),
            "Whether the bridge passes VLAN-tagged traffic.",
        ),
        attr("mtu", Ty::Int, Default::Optional, "The bridge's MTU."),
    ],
    blocks: &[],
    free_form: false,
};

static CLUSTER: Block = Block {
    doc: "The Proxmox VE cluster: its API endpoint, credentials and VMID range.",
    attrs: &[
        attr(
            "endpoint",
            Ty::Str,
            Default::Required,
            "The API URL, such as `\"https://10.10.0.2:8006/\"`.",
        ),
        attr(
            "token",
            Ty::Secret,
            Default::Optional,
            "The API token (`user@realm!id=secret`), from the environment.",
        ),
        attr(
            "insecure",
            Ty::Bool,
            Default::Bool(false),
            "Skip TLS verification (self-signed certificates).",
        ),
        attr(
            "vmids",
            Ty::IntRange,
            Default::Optional,
            "The VMIDs pxic may allocate; defaults to `100 .. 9999`.",
        ),
        attr(
            "template_vmids",
            Ty::IntRange,
            Default::Optional,
            "The VMIDs templates (and Packer's base VMs) get for `vmid = auto`, apart from the guests' `vmids`, such as `9000 .. 9099`; by default they share `vmids`. A template keeps a VMID the lock gave it before.",
        ),
        attr(
            "domain",
            Ty::Str,
            Default::Optional,
            "The DNS search domain given to VMs.",
        ),
        attr(
            "timezone",
            Ty::Str,
            Default::Str("Etc/UTC"),
            "The cluster's time zone, an IANA name such as `\"Europe/Berlin\"`; Packer's installers set it in the templates they build.",
        ),
        attr(
            "repository",
            Ty::Enum(PVE_REPOSITORIES),
            Default::Word("enterprise"),
            "The nodes' Proxmox VE package repository: `enterprise` leaves their repositories as they are (a subscribed cluster); `no-subscription` disables the enterprise ones (Proxmox VE and Ceph) and adds the no-subscription one.",
        ),
    ],
    blocks: &[
        Nested {
            kind: "storage",
            label: LabelRule::Required("the storage's name"),
            repeat: true,
            schema: &STORAGE,
        },
        Nested {
            kind: "state",
            label: LabelRule::None,
            repeat: false,
            schema: &STATE,
        },
    ],
    free_form: false,
};

pub const PVE_REPOSITORIES: &[&str] = &["enterprise", "no-subscription"];

pub const STATE_BACKENDS: &[&str] = &["s3", "pg", "http"];

const S3: Applies = Applies {
    selector: "backend",
    to: &["s3"],
    required_by: &["s3"],
};
const S3_OPTIONAL: Applies = Applies {
    selector: "backend",
    to: &["s3"],
    required_by: &[],
};
const PG_OPTIONAL: Applies = Applies {
    selector: "backend",
    to: &["pg"],
    required_by: &[],
};
const HTTP: Applies = Applies {
    selector: "backend",
    to: &["http"],
    required_by: &["http"],
};
const HTTP_OPTIONAL: Applies = Applies {
    selector: "backend",
    to: &["http"],
    required_by: &[],
};

static STATE: Block = Block {
    doc: "Where Terraform keeps its state, for teams: an S3 bucket (or an S3-compatible store such as MinIO), a PostgreSQL database, or an HTTP endpoint. Credentials come from the backend's own environment variables, never from here.",
    attrs: &[
        attr(
            "backend",
            Ty::Enum(STATE_BACKENDS),
            Default::Required,
            "The kind of remote state.",
        ),
        kind_attr("bucket", Ty::Str, &S3, "The S3 bucket."),
        kind_attr(
            "key",
            Ty::Str,
            &S3,
            "The state's path in the bucket, such as `\"homelab/terraform.tfstate\"`.",
        ),
        kind_attr("region", Ty::Str, &S3, "The bucket's region."),
        kind_attr(
            "endpoint",
            Ty::Str,
            &S3_OPTIONAL,
            "The URL of an S3-compatible store such as MinIO; AWS when absent.",
        ),
        kind_attr(
            "path_style",
            Ty::Bool,
            &S3_OPTIONAL,
            "Address the bucket as a path, not a host name, as most S3-compatible stores want.",
        ),
        kind_attr(
            "schema_name",
            Ty::Str,
            &PG_OPTIONAL,
            "The PostgreSQL schema to keep the state in; the connection string comes from `PG_CONN_STR`.",
        ),
        kind_attr("address", Ty::Str, &HTTP, "The state's URL."),
        kind_attr(
            "lock_address",
            Ty::Str,
            &HTTP_OPTIONAL,
            "The URL to lock the state at.",
        ),
        kind_attr(
            "unlock_address",
            Ty::Str,
            &HTTP_OPTIONAL,
            "The URL to unlock the state at.",
        ),
        kind_attr(
            "username",
            Ty::Str,
            &HTTP_OPTIONAL,
            "The user for HTTP basic authentication; the password comes from `TF_HTTP_PASSWORD`.",
        ),
    ],
    blocks: &[],
    free_form: false,
};

static NETWORK: Block = Block {
    doc: "An IPv4 network that VMs attach to.",
    attrs: &[
        attr(
            "cidr",
            Ty::Cidr,
            Default::Required,
            "The network, such as `10.10.0.0/24`.",
        ),
        attr(
            "gateway",
            Ty::Ipv4,
            Default::Optional,
            "The default gateway.",
        ),
        attr(
            "dns",
            Ty::List(&Ty::Ipv4),
            Default::EmptyList,
            "DNS servers given to VMs.",
        ),
        attr(
            "bootstrap_dns",
            Ty::List(&Ty::Ipv4),
            Default::EmptyList,
            "Resolvers that exist before the project's guests (the router, an upstream one): Packer's build VMs and the guests that serve `dns` use them, so that a `dns` pointing at the project's own guests does not deadlock the first bring-up.",
        ),
        attr(
            "pool",
            Ty::AddrRange,
            Default::Optional,
            "Addresses handed out for `ip = auto`, both ends included.",
        ),
        attr(
            "vlan",
            Ty::Int,
            Default::Optional,
            "The VLAN tag (1 to 4094) of VM interfaces on this network.",
        ),
        attr(
            "mtu",
            Ty::Int,
            Default::Optional,
            "The MTU of VM interfaces on this network.",
        ),
        attr(
            "cidr6",
            Ty::Str,
            Default::Optional,
            "The network's IPv6 prefix beside its IPv4 one, such as `\"2001:db8:10::/64\"`: NICs may then have a static `ip6` in it.",
        ),
        attr(
            "gateway6",
            Ty::Str,
            Default::Optional,
            "The IPv6 router, in `cidr6` or link-local (`\"fe80::1\"`): the gateway of NICs with a static `ip6` (SLAAC and DHCPv6 learn theirs from the router).",
        ),
    ],
    blocks: &[],
    free_form: false,
};

static HOST: Block = Block {
    doc: "A Proxmox VE node.",
    attrs: &[
        attr(
            "address",
            Ty::Ipv4,
            Default::Required,
            "The node's management address.",
        ),
        attr(
            "node",
            Ty::Str,
            Default::Optional,
            "The Proxmox node name, if it differs from the declaration's name: a DNS label.",
        ),
        attr(
            "cores",
            Ty::Int,
            Default::Optional,
            "CPU cores, for capacity checks.",
        ),
        attr(
            "memory",
            Ty::Size,
            Default::Optional,
            "Memory, for capacity checks.",
        ),
        attr(
            "packages",
            Ty::List(&Ty::Str),
            Default::EmptyList,
            "Extra Debian packages to install on the node.",
        ),
        attr(
            "roles",
            Ty::List(&Ty::Ref(DeclKind::Role)),
            Default::EmptyList,
            "Roles that configure the node itself (SSH hardening, …), in order.",
        ),
    ],
    blocks: &[
        Nested {
            kind: "sysctl",
            label: LabelRule::None,
            repeat: false,
            schema: &SYSCTL,
        },
        Nested {
            kind: "bridge",
            label: LabelRule::Required("the bridge's interface name, such as `vmbr0`"),
            repeat: true,
            schema: &BRIDGE,
        },
        Nested {
            kind: "storage",
            label: LabelRule::Required("the storage's name"),
            repeat: true,
            schema: &STORAGE,
        },
        passthrough::HOST_BLOCKS[0],
        passthrough::HOST_BLOCKS[1],
    ],
    free_form: false,
};

static IMAGE: Block = Block {
    doc: "An OS image: a cloud image, an installer ISO or a container template.",
    attrs: &[
        attr(
            "kind",
            Ty::Enum(IMAGE_KINDS),
            Default::Required,
            "`cloud` (a disk image), `iso` (an installer) or `lxc` (a container template).",
        ),
        attr("url", Ty::Str, Default::Required, "Where to download it."),
        attr(
            "checksum_url",
            Ty::Str,
            Default::Optional,
            "A file of checksums published beside it.",
        ),
        attr(
            "checksum",
            Ty::Str,
            Default::Optional,
            "The file's checksum, when pinned.",
        ),
        attr(
            "checksum_algorithm",
            Ty::Enum(CHECKSUM_ALGORITHMS),
            Default::Word("sha256"),
            "The checksum's algorithm.",
        ),
        attr(
            "file_name",
            Ty::Str,
            Default::Optional,
            "The name to store it under; defaults to the URL's last part.",
        ),
        attr(
            "family",
            Ty::Enum(OS_FAMILIES),
            Default::Word("other"),
            "The OS family, which decides how it is installed.",
        ),
        attr(
            "version",
            Ty::Str,
            Default::Optional,
            "The OS version, such as `\"24.04\"`.",
        ),
    ],
    blocks: &[],
    free_form: false,
};

static BUILD: Block = Block {
    doc: "Provisioning that turns an image into a template (made by Packer).",
    attrs: &[
        attr(
            "packages",
            Ty::List(&Ty::Str),
            Default::EmptyList,
            "Packages to bake into the template.",
        ),
        attr(
            "scripts",
            Ty::List(&Ty::Str),
            Default::EmptyList,
            "Shell commands to run while building.",
        ),
        attr(
            "roles",
            Ty::List(&Ty::Ref(DeclKind::Role)),
            Default::EmptyList,
            "Roles to apply while building.",
        ),
    ],
    blocks: &[],
    free_form: false,
};

static TEMPLATE: Block = Block {
    doc: "A VM template that VMs are cloned from.",
    attrs: &[
        attr(
            "host",
            Ty::Ref(DeclKind::Host),
            Default::Required,
            "The node the template lives on.",
        ),
        attr(
            "vmid",
            Ty::AutoOr(&Ty::Int),
            Default::Auto,
            "The template's VMID.",
        ),
        attr(
            "image",
            Ty::Ref(DeclKind::Image),
            Default::Required,
            "The cloud image or installer ISO it is made from.",
        ),
        attr(
            "storage",
            Ty::StorageRef,
            Default::Required,
            "Where the template's disk lives.",
        ),
        attr(
            "image_storage",
            Ty::StorageRef,
            Default::Optional,
            "Where the image is downloaded: a storage with `import` content (cloud images) or `iso` (installers); by default the first such storage of the host, then of the cluster.",
        ),
        attr(
            "disk",
            Ty::Size,
            Default::Size(20 * GIB),
            "The template's disk size.",
        ),
        attr("cores", Ty::Int, Default::Int(2), "Cores of the build VM."),
        attr(
            "memory",
            Ty::Size,
            Default::Size(2 * GIB),
            "Memory of the build VM.",
        ),
        attr(
            "bios",
            Ty::Enum(BIOS_KINDS),
            Default::Word("seabios"),
            "The firmware: `seabios` (legacy BIOS) or `ovmf` (UEFI, with an EFI vars disk on `storage`). The VMs cloned from the template have the same.",
        ),
        attr(
            "machine",
            Ty::Str,
            Default::Optional,
            "The machine type: `\"q35\"` (PCIe) or `\"i440fx\"`, or a version of either (`\"pc-q35-8.1\"`); Proxmox's default (i440fx, newest version) when absent. The VMs cloned from the template have the same.",
        ),
        attr(
            "secure_boot",
            Ty::Bool,
            Default::Bool(false),
            "With `bios = ovmf`: the EFI vars disk starts with the distribution and Microsoft Secure Boot keys enrolled.",
        ),
        attr(
            "tpm",
            Ty::Bool,
            Default::Bool(false),
            "A TPM 2.0 (its state on `storage`), as Windows 11 needs. The VMs cloned from the template have one too.",
        ),
        attr(
            "os_type",
            Ty::Enum(OS_TYPES),
            Default::Word("l26"),
            "The guest OS type Proxmox tunes the VM for (`l26`: Linux 2.6 and later, `win11`, …). The VMs cloned from the template have the same.",
        ),
    ],
    blocks: &[Nested {
        kind: "build",
        label: LabelRule::None,
        repeat: false,
        schema: &BUILD,
    }],
    free_form: false,
};

static FIREWALL: Block = Block {
    doc: "Firewall rules applied on the guest (ufw).",
    attrs: &[
        attr(
            "allow",
            Ty::List(&Ty::Int),
            Default::EmptyList,
            "TCP ports to open.",
        ),
        attr(
            "allow_udp",
            Ty::List(&Ty::Int),
            Default::EmptyList,
            "UDP ports to open.",
        ),
        attr(
            "from",
            Ty::List(&Ty::Cidr),
            Default::EmptyList,
            "Sources allowed to reach those ports; anywhere when empty.",
        ),
    ],
    blocks: &[],
    free_form: false,
};

static ROLE_FILE: Block = Block {
    doc: "A file written on the guest.",
    attrs: &[
        attr("content", Ty::Str, Default::Required, "The file's content."),
        attr(
            "mode",
            Ty::Str,
            Default::Str("0644"),
            "The file's permissions.",
        ),
        attr(
            "owner",
            Ty::Str,
            Default::Str("root"),
            "The file's owner and group; created as a system user when no package made it.",
        ),
        attr(
            "restart",
            Ty::List(&Ty::Str),
            Default::Optional,
            "Services to restart when the file changes; by default the role's `services` (PXI0377 warns when it has none). `[]`: none. A systemd unit under `/etc/systemd/system` also reloads systemd.",
        ),
    ],
    blocks: &[],
    free_form: false,
};

static SYSCTL: Block = Block {
    doc: "Kernel settings of the node, by parameter name: `\"net.ipv4.ip_forward\" = 1`, kept in `/etc/sysctl.d/90-pxic.conf`.",
    attrs: &[],
    blocks: &[],
    free_form: true,
};

static VARS: Block = Block {
    doc: "Variables handed to the role's tasks.",
    attrs: &[],
    blocks: &[],
    free_form: true,
};

static ROLE: Block = Block {
    doc: "What to configure on a guest: packages, services, files, firewall rules.",
    attrs: &[
        attr(
            "packages",
            Ty::List(&Ty::Str),
            Default::EmptyList,
            "Packages to install.",
        ),
        attr(
            "services",
            Ty::List(&Ty::Str),
            Default::EmptyList,
            "Services to enable and start.",
        ),
        attr(
            "depends",
            Ty::List(&Ty::Ref(DeclKind::Role)),
            Default::EmptyList,
            "Roles applied before this one.",
        ),
        attr(
            "galaxy",
            Ty::Str,
            Default::Optional,
            "An Ansible Galaxy role to apply, by its `namespace.name`, such as `\"geerlingguy.docker\"`: it runs first, with the role's `vars` as its variables, then the role's own packages, files, services and firewall.",
        ),
        attr(
            "fits",
            Ty::Enum(ROLE_FITS),
            Default::Word("any"),
            "The guests the role works on: `vm`, `container` or `any`; checked for every guest that uses it.",
        ),
        attr(
            "os",
            Ty::List(&Ty::Enum(ROLE_OS_FAMILIES)),
            Default::EmptyList,
            "The OS families the role works on (`debian`, `ubuntu`, `rocky`, `almalinux`); any when empty. Checked against each guest's image.",
        ),
        attr(
            "description",
            Ty::Str,
            Default::Optional,
            "What the role does.",
        ),
    ],
    blocks: &[
        Nested {
            kind: "firewall",
            label: LabelRule::None,
            repeat: false,
            schema: &FIREWALL,
        },
        Nested {
            kind: "file",
            label: LabelRule::Required("the file's absolute path"),
            repeat: true,
            schema: &ROLE_FILE,
        },
        Nested {
            kind: "vars",
            label: LabelRule::None,
            repeat: false,
            schema: &VARS,
        },
    ],
    free_form: false,
};

static VM_NETWORK: Block = Block {
    doc: "A network interface, on the network named by the label.",
    attrs: &[
        attr(
            "ip",
            Ty::AutoOr(&Ty::WordOr(&["dhcp", "none"], &Ty::Ipv4)),
            Default::Auto,
            "The IPv4 address; `auto` takes one from the network's pool, `dhcp` leaves it to the network's DHCP server, `none` gives the interface no address (a trunk, or a port the guest addresses itself).",
        ),
        attr(
            "bridge",
            Ty::Str,
            Default::Optional,
            "The host bridge; defaults to the host's bridge for this network.",
        ),
        attr(
            "firewall",
            Ty::Bool,
            Default::Bool(false),
            "Whether Proxmox's firewall filters this interface.",
        ),
        attr(
            "ip6",
            Ty::WordOr(&["slaac", "dhcp"], &Ty::Str),
            Default::Optional,
            "The IPv6 configuration beside the IPv4 one: `slaac` (the router's advertisements), `dhcp` (DHCPv6), or a static address in the network's `cidr6`, such as `\"2001:db8:10::5\"`. None when not written.",
        ),
        attr(
            "model",
            Ty::Enum(&["virtio", "e1000", "e1000e", "rtl8139", "vmxnet3"]),
            Default::Optional,
            "A VM's emulated network card; `virtio` when not written. Containers have none.",
        ),
        attr(
            "queues",
            Ty::Int,
            Default::Optional,
            "A VM's virtio packet queues (multiqueue), 1 to 64: about its cores for a busy router. Containers have none.",
        ),
        attr(
            "rate",
            Ty::Int,
            Default::Optional,
            "A bandwidth limit in MB/s (megabytes, as Proxmox counts it); unlimited when not written.",
        ),
        attr(
            "mtu",
            Ty::Int,
            Default::Optional,
            "The interface's MTU, 576 to 65520; the network's when not written. A VM's needs `model = virtio`.",
        ),
        attr(
            "mac",
            Ty::Str,
            Default::Optional,
            "A fixed MAC address (a DHCP reservation, a licence bound to it); by default pxic allocates one and keeps it in `pxi.lock`.",
        ),
        attr(
            "is_gateway",
            Ty::Bool,
            Default::Bool(false),
            "The guest is the network's router: `ip` is the network's `gateway`, and this interface gets no gateway of its own.",
        ),
    ],
    blocks: &[],
    free_form: false,
};

static USER: Block = Block {
    doc: "A login account on the guest, created by cloud-init.",
    attrs: &[
        attr(
            "ssh_keys",
            Ty::List(&Ty::Str),
            Default::EmptyList,
            "Public SSH keys, such as `file(\"keys/admin.pub\")`.",
        ),
        attr(
            "sudo",
            Ty::Bool,
            Default::Bool(false),
            "Whether the user may run any command with sudo.",
        ),
        attr(
            "shell",
            Ty::Str,
            Default::Str("/bin/bash"),
            "The login shell.",
        ),
    ],
    blocks: &[],
    free_form: false,
};

static STARTUP: Block = Block {
    doc: "The guest's place when its node starts and stops its guests: those with `on_boot` at boot, all running ones at shutdown.",
    attrs: &[
        attr(
            "order",
            Ty::Int,
            Default::Optional,
            "Lower starts first and stops last; guests without an order start after those with one.",
        ),
        attr(
            "up",
            Ty::Int,
            Default::Optional,
            "Seconds to wait after starting this guest before starting the next one.",
        ),
        attr(
            "down",
            Ty::Int,
            Default::Optional,
            "Seconds to wait for this guest to shut down before it is stopped.",
        ),
    ],
    blocks: &[],
    free_form: false,
};

static DEVICE: Block = Block {
    doc: "A host device passed through to a container, such as `/dev/net/tun` or `/dev/dri/renderD128`.",
    attrs: &[
        attr(
            "path",
            Ty::Str,
            Default::Required,
            "The device's path on the host, under `/dev/`.",
        ),
        attr(
            "mode",
            Ty::Str,
            Default::Str("0660"),
            "The device node's access mode in the container: four octal digits.",
        ),
        attr(
            "uid",
            Ty::Int,
            Default::Optional,
            "The device node's owner in the container.",
        ),
        attr(
            "gid",
            Ty::Int,
            Default::Optional,
            "The device node's group in the container, such as the `render` group's for a GPU.",
        ),
        attr(
            "read_only",
            Ty::Bool,
            Default::Bool(false),
            "Let the container read the device but not write to it.",
        ),
    ],
    blocks: &[],
    free_form: false,
};

static IDMAP: Block = Block {
    doc: "Ids of an unprivileged container that stay the same on the host, so that files on a shared folder keep their owners; the others map to 100000 and up, as usual.",
    attrs: &[
        attr(
            "uids",
            Ty::List(&Ty::Int),
            Default::EmptyList,
            "User ids, from 1 to 65535.",
        ),
        attr(
            "gids",
            Ty::List(&Ty::Int),
            Default::EmptyList,
            "Group ids, from 1 to 65535.",
        ),
    ],
    blocks: &[],
    free_form: false,
};

/// The blocks of guests (and of the profiles they inherit from).
const GUEST_IDMAP: Nested = Nested {
    kind: "idmap",
    label: LabelRule::None,
    repeat: false,
    schema: &IDMAP,
};
const GUEST_STARTUP: Nested = Nested {
    kind: "startup",
    label: LabelRule::None,
    repeat: false,
    schema: &STARTUP,
};
const GUEST_DEVICE: Nested = Nested {
    kind: "device",
    label: LabelRule::Required("a name for the device"),
    repeat: true,
    schema: &DEVICE,
};
const GUEST_NETWORK: Nested = Nested {
    kind: "network",
    label: LabelRule::Required("the network's name"),
    repeat: true,
    schema: &VM_NETWORK,
};
const GUEST_USER: Nested = Nested {
    kind: "user",
    label: LabelRule::Required("the user's login name"),
    repeat: true,
    schema: &USER,
};
const GUEST_FEATURES: Nested = Nested {
    kind: "features",
    label: LabelRule::None,
    repeat: false,
    schema: &CONTAINER_FEATURES,
};

/// Attributes VMs and containers share; profiles may set any of them.
macro_rules! guest_attrs {
    ($($extra:expr),* $(,)?) => {
        &[
            attr("host", Ty::Ref(DeclKind::Host), Default::Required, "The node the guest runs on."),
            attr("vmid", Ty::AutoOr(&Ty::Int), Default::Auto, "The guest's VMID."),
            attr("cores", Ty::Int, Default::Int(1), "CPU cores."),
            attr("memory", Ty::Size, Default::Size(GIB), "Memory."),
            attr("disk", Ty::Size, Default::Size(20 * GIB), "The root disk's size."),
            attr("tags", Ty::List(&Ty::Str), Default::EmptyList, "Proxmox tags, also Ansible groups."),
            attr("pool", Ty::Ref(DeclKind::Pool), Default::Optional, "The resource pool."),
            attr("description", Ty::Str, Default::Optional, "Shown in the Proxmox UI."),
            attr("roles", Ty::List(&Ty::Ref(DeclKind::Role)), Default::EmptyList, "Roles that configure the guest, in order."),
            attr("on_boot", Ty::Bool, Default::Bool(true), "Start the guest when the node boots."),
            attr("started", Ty::Bool, Default::Bool(true), "Keep the guest running."),
            attr("protection", Ty::Bool, Default::Bool(false), "Refuse to destroy the guest: Proxmox's protection flag, and `prevent_destroy` in Terraform."),
            $($extra,)*
        ]
    };
}

static VM: Block = Block {
    doc: "A virtual machine cloned from a template.",
    attrs: guest_attrs![
        attr(
            "template",
            Ty::Ref(DeclKind::Template),
            Default::Required,
            "The template the VM is cloned from."
        ),
        attr(
            "storage",
            Ty::StorageRef,
            Default::Optional,
            "Where the disk lives; defaults to the template's storage."
        ),
        attr("sockets", Ty::Int, Default::Int(1), "CPU sockets."),
        attr(
            "cpu_type",
            Ty::Str,
            Default::Str("x86-64-v2-AES"),
            "The emulated CPU type."
        ),
        attr(
            "balloon",
            Ty::Size,
            Default::Optional,
            "Minimum memory with ballooning; off when absent."
        ),
        attr(
            "agent",
            Ty::AutoOr(&Ty::Bool),
            Default::Auto,
            "Whether the QEMU guest agent is enabled; `auto`: when the template installs it."
        ),
        attr(
            "renamed_from",
            Ty::Str,
            Default::Optional,
            "The VM's former name: its VMID, addresses and MACs carry over, and Terraform moves it rather than replacing it."
        ),
        attr(
            "reboot_after_update",
            Ty::Bool,
            Default::Bool(false),
            "Whether Terraform may reboot the running VM to apply a change (cores, memory, CPU type); otherwise the change waits for the next restart."
        ),
        attr(
            "full_clone",
            Ty::Bool,
            Default::Bool(true),
            "A full clone (`true`) or a linked clone."
        ),
        attr(
            "cpu_flags",
            Ty::List(&Ty::Str),
            Default::EmptyList,
            "CPU flags turned on (`\"+aes\"`) or off (`\"-pcid\"`) on top of `cpu_type`, among those Proxmox allows."
        ),
        attr(
            "numa",
            Ty::Bool,
            Default::Bool(false),
            "Expose NUMA to the guest (needed by `hugepages`)."
        ),
        attr(
            "cpu_units",
            Ty::Int,
            Default::Optional,
            "The VM's CPU weight against other guests (1 to 10000 on cgroup v2); Proxmox's default (100) when absent."
        ),
        attr(
            "cpu_limit",
            Ty::Int,
            Default::Optional,
            "At most this many cores' worth of host CPU time (1 to 128); no limit when absent."
        ),
        attr(
            "hugepages",
            Ty::Str,
            Default::Optional,
            "Back the memory with huge pages: `\"2\"` (2 MiB), `\"1024\"` (1 GiB) or `\"any\"`; needs `numa = true`."
        ),
        attr(
            "vga",
            Ty::Enum(VGA_TYPES),
            Default::Optional,
            "The display: `serial0` makes the serial console the display (cloud images), `std`, `virtio`, `qxl`, …; as the template has it when absent."
        ),
    ],
    blocks: &[
        GUEST_NETWORK,
        GUEST_USER,
        super::guest_disks::DISK,
        GUEST_STARTUP,
        passthrough::VM_PCI_BLOCK,
        passthrough::VM_USB_BLOCK,
    ],
    free_form: false,
};

static CONTAINER_FEATURES: Block = Block {
    doc: "LXC features.",
    attrs: &[
        attr(
            "nesting",
            Ty::Bool,
            Default::Bool(false),
            "Allow nested containers (needed by systemd in some guests).",
        ),
        attr(
            "keyctl",
            Ty::Bool,
            Default::Bool(false),
            "Allow the keyctl system call (needed by Docker).",
        ),
        attr(
            "fuse",
            Ty::Bool,
            Default::Bool(false),
            "Allow FUSE file systems (sshfs, rclone, AppImages).",
        ),
        attr(
            "mknod",
            Ty::Bool,
            Default::Bool(false),
            "Let an unprivileged container make some device nodes (experimental in Proxmox).",
        ),
        attr(
            "mount",
            Ty::List(&Ty::Enum(CONTAINER_MOUNT_TYPES)),
            Default::EmptyList,
            "File system types the container may mount itself: `nfs`, `cifs`.",
        ),
    ],
    blocks: &[],
    free_form: false,
};

static CONTAINER: Block = Block {
    doc: "An LXC container made from a container template image.",
    attrs: guest_attrs![
        attr(
            "template",
            Ty::Ref(DeclKind::Image),
            Default::Required,
            "The container template image (`kind = lxc`)."
        ),
        attr(
            "storage",
            Ty::StorageRef,
            Default::Required,
            "Where the root volume lives."
        ),
        attr(
            "image_storage",
            Ty::StorageRef,
            Default::Optional,
            "Where the container template is downloaded: a storage with `vztmpl` content; by default the first such storage of the host, then of the cluster."
        ),
        attr("swap", Ty::Size, Default::Size(512 << 20), "Swap."),
        attr(
            "unprivileged",
            Ty::Bool,
            Default::Bool(true),
            "Run as an unprivileged container."
        ),
        attr(
            "renamed_from",
            Ty::Str,
            Default::Optional,
            "The container's former name: its VMID, addresses and MACs carry over, and Terraform moves it rather than replacing it."
        ),
    ],
    blocks: &[
        GUEST_NETWORK,
        GUEST_USER,
        GUEST_FEATURES,
        super::guest_disks::MOUNT,
        GUEST_STARTUP,
        GUEST_DEVICE,
        GUEST_IDMAP,
    ],
    free_form: false,
};

/// A profile sets any attribute of a VM, and the container-only ones; what it sets
/// is checked again against the schema of each guest that inherits it.
static PROFILE: Block = Block {
    doc: "Settings shared by the VMs and containers that inherit them.",
    attrs: guest_attrs![
        attr(
            "template",
            Ty::RefAny(&[DeclKind::Template, DeclKind::Image]),
            Default::Optional,
            "The template VMs are cloned from, or the `lxc` image containers are made from."
        ),
        attr(
            "storage",
            Ty::StorageRef,
            Default::Optional,
            "Where the disk lives."
        ),
        attr("sockets", Ty::Int, Default::Optional, "CPU sockets (VMs)."),
        attr(
            "cpu_type",
            Ty::Str,
            Default::Optional,
            "The emulated CPU type (VMs)."
        ),
        attr(
            "balloon",
            Ty::Size,
            Default::Optional,
            "Minimum memory with ballooning (VMs)."
        ),
        attr(
            "agent",
            Ty::AutoOr(&Ty::Bool),
            Default::Optional,
            "Whether the QEMU guest agent is enabled (VMs)."
        ),
        attr(
            "reboot_after_update",
            Ty::Bool,
            Default::Optional,
            "Whether Terraform may reboot the running VM to apply a change (VMs)."
        ),
        attr(
            "full_clone",
            Ty::Bool,
            Default::Optional,
            "A full or a linked clone (VMs)."
        ),
        attr(
            "cpu_flags",
            Ty::List(&Ty::Str),
            Default::Optional,
            "CPU flags on top of `cpu_type` (VMs)."
        ),
        attr("numa", Ty::Bool, Default::Optional, "Expose NUMA (VMs)."),
        attr("cpu_units", Ty::Int, Default::Optional, "CPU weight (VMs)."),
        attr(
            "cpu_limit",
            Ty::Int,
            Default::Optional,
            "CPU time limit in cores (VMs)."
        ),
        attr("hugepages", Ty::Str, Default::Optional, "Huge pages (VMs)."),
        attr(
            "vga",
            Ty::Enum(VGA_TYPES),
            Default::Optional,
            "The display (VMs)."
        ),
        attr("swap", Ty::Size, Default::Optional, "Swap (containers)."),
        attr(
            "image_storage",
            Ty::StorageRef,
            Default::Optional,
            "Where the container template is downloaded (containers)."
        ),
        attr(
            "unprivileged",
            Ty::Bool,
            Default::Optional,
            "Run as an unprivileged container (containers)."
        ),
    ],
    blocks: &[
        GUEST_NETWORK,
        GUEST_USER,
        GUEST_FEATURES,
        super::guest_disks::DISK,
        super::guest_disks::MOUNT,
        GUEST_STARTUP,
        GUEST_DEVICE,
        GUEST_IDMAP,
        passthrough::VM_PCI_BLOCK,
        passthrough::VM_USB_BLOCK,
    ],
    free_form: false,
};

static POOL: Block = Block {
    doc: "A Proxmox resource pool that groups guests.",
    attrs: &[attr(
        "comment",
        Ty::Str,
        Default::Optional,
        "Shown in the Proxmox UI.",
    )],
    blocks: &[],
    free_form: false,
};

/// The schema of a top-level declaration. Profiles take a VM's attributes (and a
/// container's extra ones), none of them required.
pub fn of(kind: DeclKind) -> &'static Block {
    match kind {
        DeclKind::Cluster => &CLUSTER,
        DeclKind::Network => &NETWORK,
        DeclKind::Host => &HOST,
        DeclKind::Image => &IMAGE,
        DeclKind::Template => &TEMPLATE,
        DeclKind::Profile => &PROFILE,
        DeclKind::Vm => &VM,
        DeclKind::Container => &CONTAINER,
        DeclKind::Role => &ROLE,
        DeclKind::Pool => &POOL,
    }
}

impl Default {
    /// The default as it would be written in a `.pxi` file, for documentation.
    fn describe(self) -> String {
        match self {
            Default::Required => "required".to_string(),
            Default::Optional => "optional".to_string(),
            Default::Int(n) => format!("`{n}`"),
            Default::Bool(b) => format!("`{b}`"),
            Default::Size(bytes) => format!("`{}`", crate::syntax::size_text(bytes)),
            Default::Str(s) => format!("`\"{s}\"`"),
            Default::Word(w) => format!("`{w}`"),
            Default::EmptyList => "`[]`".to_string(),
            Default::Auto => "`auto`".to_string(),
        }
    }
}

/// `docs/schema.md`: every declaration and block with its attributes, generated from
/// this file so the two cannot drift (a test compares them).
pub fn markdown() -> String {
    let mut out = String::from(
        "# Schema\n\n<!-- generated from src/check/schema.rs by `PXIC_UPDATE_DOCS=1 cargo test schema`; do not edit -->\n\nEvery declaration and block, with the attributes it takes. Defaults apply when an attribute is not written.\n",
    );
    for kind in DeclKind::ALL {
        // A profile's attributes are a guest's, none of them required in the profile.
        let required = match kind {
            DeclKind::Profile => "optional (required of the guest, from a profile or its own)",
            _ => "required",
        };
        block_markdown(
            &mut out,
            &format!("`{}`", kind.keyword()),
            of(kind),
            2,
            required,
        );
    }
    out
}

/// `` `s3` `` or `` `s3` or `pg` ``.
fn words(list: &[&str]) -> String {
    let words: Vec<String> = list.iter().map(|w| format!("`{w}`")).collect();
    words.join(" or ")
}

/// `required` is how a required attribute's default reads in this block (nested blocks
/// say "required").
fn block_markdown(out: &mut String, title: &str, block: &Block, level: usize, required: &str) {
    out.push_str(&format!(
        "\n{} {title}\n\n{}\n",
        "#".repeat(level),
        block.doc
    ));
    if block.free_form {
        out.push_str("\nAny attribute, with a string, number or boolean value.\n");
    }
    if !block.attrs.is_empty() {
        out.push_str("\n| attribute | type | default | |\n|---|---|---|---|\n");
        for a in block.attrs {
            let default = match a.applies {
                Some(applies) if applies.required_by.is_empty() => a.default.describe(),
                Some(applies) => format!(
                    "required when `{}` is {}",
                    applies.selector,
                    words(applies.required_by)
                ),
                None if a.default == Default::Required => required.to_string(),
                None => a.default.describe(),
            };
            let only = match a.applies {
                Some(applies) => format!(
                    " Only when `{}` is {}.",
                    applies.selector,
                    words(applies.to)
                ),
                None => String::new(),
            };
            out.push_str(&format!(
                "| `{}` | {} | {} | {}{only} |\n",
                a.name,
                a.ty.describe().replace('|', "\\|"),
                default,
                a.doc.replace('|', "\\|")
            ));
        }
    }
    for nested in block.blocks {
        let label = match nested.label {
            LabelRule::None => String::new(),
            LabelRule::Required(what) => format!(" — labelled with {what}"),
        };
        let repeat = if nested.repeat { ", may repeat" } else { "" };
        block_markdown(
            out,
            &format!("block `{}`{label}{repeat}", nested.kind),
            nested.schema,
            level + 1,
            "required",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A profile carries what its VMs and containers share: every attribute and block
    /// of a VM or a container may be set in a profile, with the same type, except
    /// the guest's own identity. (Nothing is required of a profile: the evaluator
    /// checks required attributes of guests only.)
    #[test]
    fn a_profile_can_set_every_attribute_and_block_of_a_guest() {
        const OWN: &[&str] = &["renamed_from"];
        let profile = of(DeclKind::Profile);
        let mut missing = Vec::new();
        for kind in [DeclKind::Vm, DeclKind::Container] {
            for a in of(kind).attrs.iter().filter(|a| !OWN.contains(&a.name)) {
                let same = profile.attr(a.name).is_some_and(|p| {
                    p.ty == a.ty
                        || matches!((p.ty, a.ty), (Ty::RefAny(kinds), Ty::Ref(k)) if kinds.contains(&k))
                });
                if !same {
                    missing.push(format!("{kind:?}'s `{}`", a.name));
                }
            }
            for b in of(kind).blocks {
                if profile.nested(b.kind).is_none() {
                    missing.push(format!("{kind:?}'s `{}` blocks", b.kind));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "a profile cannot set: {}",
            missing.join(", ")
        );
    }

    #[test]
    fn every_attribute_and_block_has_a_doc_and_a_unique_name() {
        for kind in DeclKind::ALL {
            let block = of(kind);
            assert!(!block.doc.is_empty());
            // An attribute and a block may share a name (`disk = 20GiB` beside
            // `disk data { … }`): how it is written says which is meant.
            for names in [
                block.attrs.iter().map(|a| a.name).collect::<Vec<_>>(),
                block.blocks.iter().map(|b| b.kind).collect(),
            ] {
                let mut sorted = names.clone();
                sorted.sort();
                sorted.dedup();
                assert_eq!(sorted.len(), names.len(), "{kind:?} repeats a name");
            }
            for a in block.attrs {
                assert!(!a.doc.is_empty(), "{kind:?}.{} has no doc", a.name);
            }
        }
    }

    /// `docs/schema.md` is generated from the schema; set `PXIC_UPDATE_DOCS=1` to
    /// rewrite it after changing the schema.
    #[test]
    fn schema_docs_are_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/schema.md");
        let expected = markdown();
        if std::env::var_os("PXIC_UPDATE_DOCS").is_some() {
            std::fs::write(path, &expected).expect("docs/schema.md is writable");
        }
        let actual = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            actual == expected,
            "docs/schema.md is out of date: run `PXIC_UPDATE_DOCS=1 cargo test schema`"
        );
    }

    #[test]
    fn types_describe_themselves_with_an_example() {
        assert_eq!(Ty::Size.describe(), "a size such as `4GiB`");
        assert_eq!(
            Ty::List(&Ty::Ref(DeclKind::Role)).describe(),
            "a list of `role` names"
        );
    }
}
