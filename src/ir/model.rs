//! The IR types. Sizes are in bytes; names of stdlib things keep their module
//! (`os.ubuntu_2404`, `roles.base`).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// The version of the IR's JSON shape; bumped on any incompatible change.
pub const IR_VERSION: u32 = 1;

/// Everything a project declares, resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub version: u32,
    pub cluster: Cluster,
    pub networks: BTreeMap<String, Network>,
    pub hosts: BTreeMap<String, Host>,
    pub images: BTreeMap<String, Image>,
    pub templates: BTreeMap<String, Template>,
    pub roles: BTreeMap<String, Role>,
    pub pools: BTreeMap<String, Pool>,
    pub vms: BTreeMap<String, Vm>,
    pub containers: BTreeMap<String, Container>,
    /// The cluster's PCI resource mappings, by name, gathered from the hosts' `pci`
    /// blocks.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pci_mappings: BTreeMap<String, Mapping>,
    /// The cluster's USB resource mappings, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub usb_mappings: BTreeMap<String, Mapping>,
}

/// A cluster-wide resource mapping: the device of that name on each node that has
/// one, so that a VM finds it on whichever node it runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub name: String,
    /// One a node, sorted by node.
    pub devices: Vec<MappedDevice>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedDevice {
    /// The Proxmox node name.
    pub node: String,
    /// `vendor:device` (PCI) or `vendor:product` (USB).
    pub id: String,
    /// The PCI address, or the USB port (optional for USB).
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subsystem_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iommu_group: Option<u32>,
}

/// Where a declaration was written, for comments in generated files. Only the file:
/// a line number would change every generated file whenever a line is added above.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// The file, relative to the project, `/`-separated.
    pub file: String,
}

/// A value read from the environment when a tool runs; pxic never sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Secret {
    pub env: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdRange {
    pub first: u32,
    pub last: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddrRange {
    pub first: Ipv4Addr,
    pub last: Ipv4Addr,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    pub name: String,
    pub endpoint: String,
    pub token: Option<Secret>,
    pub insecure: bool,
    pub vmids: IdRange,
    /// The VMIDs of templates and Packer's base VMs, when the cluster keeps them
    /// apart from `vmids`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_vmids: Option<IdRange>,
    pub domain: Option<String>,
    pub timezone: String,
    /// The nodes' package repository: `enterprise` (left as the nodes have it) or
    /// `no-subscription`.
    pub repository: String,
    /// Storage every node shares (Ceph, NFS, …).
    pub storages: BTreeMap<String, Storage>,
    /// Where Terraform keeps its state; `None`: a local file.
    pub state: Option<State>,
}

/// A remote Terraform state. Credentials are not here: each backend reads its own
/// environment variables.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "backend", rename_all = "lowercase")]
pub enum State {
    S3 {
        bucket: String,
        key: String,
        region: String,
        /// An S3-compatible store's URL; AWS when absent.
        endpoint: Option<String>,
        path_style: bool,
    },
    Pg {
        schema_name: Option<String>,
    },
    Http {
        address: String,
        lock_address: Option<String>,
        unlock_address: Option<String>,
        username: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Network {
    pub name: String,
    pub address: Ipv4Addr,
    pub prefix: u8,
    pub gateway: Option<Ipv4Addr>,
    pub dns: Vec<Ipv4Addr>,
    /// Resolvers that exist before the project's guests: build VMs and the guests
    /// that serve `dns` use them.
    pub bootstrap_dns: Vec<Ipv4Addr>,
    pub pool: Option<AddrRange>,
    pub vlan: Option<u16>,
    pub mtu: Option<u32>,
    /// The IPv6 prefix, `2001:db8:10::/64`, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr6: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway6: Option<std::net::Ipv6Addr>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Host {
    pub name: String,
    /// The Proxmox node name.
    pub node: String,
    pub address: Ipv4Addr,
    pub cores: Option<u32>,
    pub memory: Option<u64>,
    pub packages: Vec<String>,
    /// Roles applied to the node itself, in order.
    pub roles: Vec<String>,
    /// Kernel settings, by key.
    pub sysctl: BTreeMap<String, String>,
    pub bridges: BTreeMap<String, Bridge>,
    /// Storage local to this node.
    pub storages: BTreeMap<String, Storage>,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bridge {
    pub name: String,
    pub ports: Vec<String>,
    pub network: Option<String>,
    pub vlan_aware: bool,
    pub mtu: Option<u32>,
    /// More networks it carries besides `network`, each on its VLAN, in the order
    /// written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub networks: Vec<String>,
}

impl Bridge {
    /// Every network it carries: `network`, then `networks`.
    pub fn carried(&self) -> impl Iterator<Item = &str> {
        self.network
            .as_deref()
            .into_iter()
            .chain(self.networks.iter().map(String::as_str))
    }

    pub fn carries(&self, network: &str) -> bool {
        self.carried().any(|n| n == network)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Storage {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// Sorted.
    pub content: Vec<String>,
    pub path: Option<String>,
    pub vg: Option<String>,
    pub thinpool: Option<String>,
    pub pool: Option<String>,
    pub server: Option<String>,
    pub export: Option<String>,
    /// The share of a `cifs` storage.
    pub share: Option<String>,
    pub monitors: Vec<String>,
    pub shared: bool,
    /// Usable capacity in bytes, when declared.
    pub size: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub name: String,
    pub kind: String,
    pub url: String,
    pub checksum_url: Option<String>,
    pub checksum: Option<String>,
    pub checksum_algorithm: String,
    pub file_name: String,
    pub family: String,
    pub version: Option<String>,
}

/// Which tool makes a template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Builder {
    /// A cloud image without provisioning: downloaded and marked as a template.
    Terraform,
    /// An installer ISO, or provisioning on top of an image.
    Packer,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub name: String,
    pub host: String,
    pub node: String,
    pub vmid: u32,
    pub image: String,
    pub storage: String,
    /// Where the image or ISO is downloaded to.
    pub image_storage: String,
    pub disk: u64,
    pub cores: u32,
    pub memory: u64,
    pub builder: Builder,
    pub build: Option<Build>,
    /// Packer's build VM: one NIC at a static address from a network's pool, so that
    /// Packer reaches it without DHCP or the guest agent. `None` for Terraform's.
    pub build_nic: Option<Nic>,
    /// A build on a cloud image clones this VM, which the host playbook makes from the
    /// image (Packer cannot import a disk image). `None` for the other templates.
    pub base_vmid: Option<u32>,
    pub origin: Origin,
    /// Its firmware, machine and OS type, which the VMs cloned from it share.
    #[serde(default, skip_serializing_if = "Firmware::is_default")]
    pub firmware: Firmware,
}

/// A VM's firmware, machine type, TPM and OS type: declared on a template, and the
/// same on every VM cloned from it (an OVMF clone of a SeaBIOS install does not boot).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Firmware {
    /// `seabios` or `ovmf`.
    pub bios: String,
    /// As Proxmox writes it (`q35`, `pc`, `pc-q35-8.1`); Proxmox's default when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine: Option<String>,
    /// OVMF's EFI vars start with the Secure Boot keys enrolled.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secure_boot: bool,
    /// A TPM 2.0 state disk.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tpm: bool,
    /// Proxmox's `ostype`: `l26`, `win11`, …
    pub os_type: String,
}

impl Default for Firmware {
    fn default() -> Firmware {
        Firmware {
            bios: "seabios".to_string(),
            machine: None,
            secure_boot: false,
            tpm: false,
            os_type: "l26".to_string(),
        }
    }
}

impl Firmware {
    pub fn is_default(&self) -> bool {
        *self == Firmware::default()
    }

    pub fn is_ovmf(&self) -> bool {
        self.bios == "ovmf"
    }

    /// Whether the machine is a q35 (PCIe) one.
    pub fn is_q35(&self) -> bool {
        self.machine
            .as_deref()
            .is_some_and(|m| m == "q35" || m.starts_with("q35,") || m.starts_with("pc-q35-"))
    }
}

/// A VM's CPU and memory tuning beyond cores and type.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpuTuning {
    /// `+flag` or `-flag`, in the order written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub numa: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// `2`, `1024` or `any`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hugepages: Option<String>,
}

impl CpuTuning {
    pub fn is_default(&self) -> bool {
        *self == CpuTuning::default()
    }
}

impl Template {
    /// The roles its build applies; none without a build.
    pub fn build_roles(&self) -> &[String] {
        self.build.as_ref().map_or(&[], |b| &b.roles)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Build {
    pub packages: Vec<String>,
    pub scripts: Vec<String>,
    pub roles: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub name: String,
    pub description: Option<String>,
    pub packages: Vec<String>,
    pub services: Vec<String>,
    pub depends: Vec<String>,
    pub galaxy: Option<String>,
    /// The kind of guest it works on.
    pub fits: Fits,
    /// The OS families it works on (`debian`, `ubuntu`, `rocky`, `almalinux`); any
    /// when empty.
    pub os: Vec<String>,
    pub firewall: Option<Firewall>,
    pub files: BTreeMap<String, RoleFile>,
    /// Scalars, already rendered as text.
    pub vars: BTreeMap<String, String>,
}

/// The guests a role works on: a role that starts the QEMU guest agent cannot run
/// in a container, one that needs `/dev/kmsg` or LXC features may not run in a VM.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Fits {
    Any,
    Vm,
    Container,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Firewall {
    pub allow: Vec<u16>,
    pub allow_udp: Vec<u16>,
    pub from: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleFile {
    pub content: String,
    pub mode: String,
    pub owner: String,
    /// The services restarted when the file changes.
    pub restart: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pool {
    pub name: String,
    pub comment: Option<String>,
}

/// A guest's network interface.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nic {
    pub network: String,
    pub bridge: String,
    pub address: NicIp,
    pub prefix: u8,
    pub gateway: Option<Ipv4Addr>,
    pub vlan: Option<u16>,
    pub mtu: Option<u32>,
    pub mac: String,
    pub firewall: bool,
    /// A VM's network card when it is not `virtio`; `None` for virtio, and always for
    /// containers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// A VM's virtio packet queues, when written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queues: Option<u32>,
    /// A bandwidth limit in MB/s, when written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<u32>,
    /// Its IPv6 configuration: `slaac`, `dhcp` or `address/prefix`; none when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6: Option<String>,
    /// The network's `gateway6`, for a static `ipv6`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway6: Option<std::net::Ipv6Addr>,
}

/// How a NIC gets its IPv4 address. In JSON, the `address` string: the address in
/// dotted form, `"dhcp"` or `"none"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum NicIp {
    /// Written, or allocated from the network's pool; given through cloud-init.
    Static(Ipv4Addr),
    /// Asked of the network's DHCP server by the guest.
    Dhcp,
    /// None: a trunk, or a port the guest addresses itself (a router's WAN).
    None,
}

impl NicIp {
    /// The address, when it is static.
    pub fn ip(self) -> Option<Ipv4Addr> {
        match self {
            NicIp::Static(a) => Some(a),
            NicIp::Dhcp | NicIp::None => None,
        }
    }
}

impl Nic {
    /// Its static IPv6 address, without the prefix.
    pub fn static_ipv6(&self) -> Option<&str> {
        self.ipv6.as_deref()?.split_once('/').map(|(a, _)| a)
    }
}

impl std::fmt::Display for NicIp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NicIp::Static(a) => a.fmt(f),
            NicIp::Dhcp => f.write_str("dhcp"),
            NicIp::None => f.write_str("none"),
        }
    }
}

impl From<NicIp> for String {
    fn from(ip: NicIp) -> String {
        ip.to_string()
    }
}

impl TryFrom<String> for NicIp {
    type Error = std::net::AddrParseError;

    fn try_from(text: String) -> Result<NicIp, Self::Error> {
        Ok(match text.as_str() {
            "dhcp" => NicIp::Dhcp,
            "none" => NicIp::None,
            _ => NicIp::Static(text.parse()?),
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub ssh_keys: Vec<String>,
    pub sudo: bool,
    pub shell: String,
}

/// What VMs and containers have in common.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guest {
    pub name: String,
    pub host: String,
    pub node: String,
    pub vmid: u32,
    pub cores: u32,
    pub memory: u64,
    pub disk: u64,
    pub storage: String,
    pub nics: Vec<Nic>,
    pub users: Vec<User>,
    pub roles: Vec<String>,
    /// Sorted.
    pub tags: Vec<String>,
    pub pool: Option<String>,
    pub description: Option<String>,
    pub on_boot: bool,
    pub started: bool,
    /// Stateful: Proxmox refuses to remove it, and Terraform to plan its destruction.
    pub protection: bool,
    /// Its former name, when it was renamed: Terraform moves its resource.
    pub renamed_from: Option<String>,
    pub dns: Vec<Ipv4Addr>,
    pub domain: Option<String>,
    pub origin: Origin,
    /// Its place when its node starts and stops guests; `None`: Proxmox's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup: Option<Startup>,
}

/// A guest's `startup` settings. What is absent, Proxmox leaves to its default.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Startup {
    pub order: Option<u32>,
    /// Seconds to wait after starting it before starting the next guest.
    pub up: Option<u32>,
    /// Seconds to wait for it to shut down before stopping it.
    pub down: Option<u32>,
}

/// A VM cloned from a template. Its JSON holds the [`Guest`] fields inline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vm {
    #[serde(flatten)]
    pub guest: Guest,
    pub template: String,
    pub template_vmid: u32,
    pub sockets: u32,
    pub cpu_type: String,
    pub balloon: Option<u64>,
    /// Whether the QEMU guest agent is enabled: as declared, else whether the
    /// template installs it.
    pub agent: bool,
    pub full_clone: bool,
    /// Whether Terraform may reboot the running VM to apply a change that needs it.
    pub reboot_after_update: bool,
    /// Its data disks beside the root disk (`scsi0`), by interface.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disks: Vec<Disk>,
    /// Its template's.
    #[serde(default, skip_serializing_if = "Firmware::is_default")]
    pub firmware: Firmware,
    #[serde(default, skip_serializing_if = "CpuTuning::is_default")]
    pub cpu: CpuTuning,
    /// The display adapter; the template's when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vga: Option<String>,
    /// PCI devices passed through, in the order written (`hostpci0`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pci: Vec<PciDevice>,
    /// USB devices passed through, in the order written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usb: Vec<UsbDevice>,
}

/// A VM's data disk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disk {
    /// Its name in the `.pxi` file (`disk data { … }`).
    pub name: String,
    /// `scsi1`, `virtio0`, `sata2`: its slot, which Proxmox names it by.
    pub interface: String,
    pub size: u64,
    pub storage: String,
    /// `raw` or `qcow2` as written; `None`: what the storage takes.
    pub format: Option<String>,
    pub cache: String,
    pub discard: bool,
    pub ssd: bool,
    pub iothread: bool,
    /// Whether vzdump backs it up.
    pub backup: bool,
    /// Whether storage replication copies it.
    pub replicate: bool,
}

/// A PCI device given to a VM: through a mapping, or (root@pam only) by address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PciDevice {
    /// The label of its `pci` block: the mapping's name, or the device's name.
    pub label: String,
    /// The mapping's name; `None` with a raw `path`.
    pub mapping: Option<String>,
    pub path: Option<String>,
    pub pcie: bool,
    pub rombar: bool,
    pub primary_gpu: bool,
}

/// A USB device given to a VM through a mapping.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsbDevice {
    pub mapping: String,
    pub usb3: bool,
}

/// An LXC container. Its JSON holds the [`Guest`] fields inline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Container {
    #[serde(flatten)]
    pub guest: Guest,
    pub image: String,
    /// Where the container template is downloaded to.
    pub image_storage: String,
    pub swap: u64,
    pub unprivileged: bool,
    pub nesting: bool,
    pub keyctl: bool,
    /// Its mount points beside the root file system, as Proxmox numbers them
    /// (`mp0`, `mp1`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mounts: Vec<Mount>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub fuse: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub mknod: bool,
    /// The file system types it may mount itself (`nfs`, `cifs`), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mount_types: Vec<String>,
    /// Host devices passed through, in the order written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<Device>,
    /// User ids that are the same inside and outside the container, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shared_uids: Vec<u32>,
    /// Group ids that are the same inside and outside the container, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shared_gids: Vec<u32>,
}

impl Container {
    /// Whether its ids map to the host other than Proxmox's default way.
    pub fn has_idmap(&self) -> bool {
        !self.shared_uids.is_empty() || !self.shared_gids.is_empty()
    }
}

/// A host device passed through to a container (`devN` in its configuration).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub name: String,
    pub path: String,
    /// Four octal digits, such as `0660`.
    pub mode: String,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    pub read_only: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A container's mount point: a volume on a storage, or a host directory, mounted at
/// `path`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mount {
    /// Its name in the `.pxi` file (`mount data { … }`).
    pub name: String,
    /// Where it is mounted inside the container.
    pub path: String,
    /// The volume's size; 0 for a bind mount.
    pub size: u64,
    /// The volume's storage; empty for a bind mount.
    pub storage: String,
    /// Whether vzdump backs it up.
    pub backup: bool,
    /// The host directory of a bind mount (which only `root@pam` may set: with an API
    /// token the check refuses it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_path: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::NicIp;

    #[test]
    fn a_nic_address_is_one_string_in_json() {
        let cases = [
            (NicIp::Static("10.0.0.5".parse().unwrap()), "\"10.0.0.5\""),
            (NicIp::Dhcp, "\"dhcp\""),
            (NicIp::None, "\"none\""),
        ];
        for (ip, json) in cases {
            assert_eq!(serde_json::to_string(&ip).unwrap(), json);
            assert_eq!(serde_json::from_str::<NicIp>(json).unwrap(), ip);
        }
        for bad in ["\"auto\"", "\"10.0.0.256\"", "\"DHCP\"", "\"\""] {
            assert!(serde_json::from_str::<NicIp>(bad).is_err(), "{bad}");
        }
    }
}
