//! Estate checks: mistakes that only show when declarations are looked at together —
//! clashing VMIDs and addresses, addresses outside their network, storage that cannot
//! hold what is put on it, hosts that are too small. Proxmox would refuse most of
//! these halfway through an apply; pxic refuses them before anything runs.

use super::eval::{Record, Value};
use super::expand::Declared;
use crate::diag::{Code, Diagnostic, suggest};
use crate::ir;
use crate::source::Span;
use crate::syntax::ast::DeclKind;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// The VMIDs Proxmox accepts.
const PROXMOX_VMIDS: (u64, u64) = (100, 999_999_999);

pub fn no_cluster(span: Span) -> Diagnostic {
    Diagnostic::error(Code::ClusterCount, "the project declares no `cluster`")
        .with_primary(span, "in this project")
        .with_help(
            "add `cluster <name> { endpoint = \"https://<host>:8006/\" }` to one of the files",
        )
}

pub fn several_clusters(span: Span, first: Span) -> Diagnostic {
    Diagnostic::error(Code::ClusterCount, "a project describes one cluster")
        .with_primary(span, "a second `cluster`")
        .with_secondary(first, "the first one")
        .with_help("keep one `cluster` declaration; put each cluster in a project of its own")
}

pub fn check_vmid(vmid: u64, span: Span, out: &mut Vec<Diagnostic>) -> Option<u32> {
    if (PROXMOX_VMIDS.0..=PROXMOX_VMIDS.1).contains(&vmid) {
        return u32::try_from(vmid).ok();
    }
    out.push(
        Diagnostic::error(
            Code::VmidOutOfRange,
            format!("VMID {vmid} is outside what Proxmox accepts"),
        )
        .with_primary(span, "must be 100 to 999999999")
        .with_help("Proxmox reserves 0–99; choose a VMID of 100 or more"),
    );
    None
}

pub fn check_vmid_range(range: ir::IdRange, span: Span, out: &mut Vec<Diagnostic>) {
    let _ = check_vmid(u64::from(range.first), span, out)
        .and_then(|_| check_vmid(u64::from(range.last), span, out));
}

pub fn duplicate_vmid(vmid: u32, span: Span, first: Span) -> Diagnostic {
    let (first, span) = in_source_order(first, span);
    Diagnostic::error(Code::DuplicateVmid, format!("VMID {vmid} is used twice"))
        .with_primary(span, "used again here")
        .with_secondary(first, "first used here")
        .with_help("give each guest and template its own VMID, or write `vmid = auto`")
}

/// Two places that use one value, earlier first: guests are checked in key order
/// (containers before VMs), but "first used here" must be the one a reader meets first.
fn in_source_order(a: Span, b: Span) -> (Span, Span) {
    if (b.file, b.start) < (a.file, a.start) {
        (b, a)
    } else {
        (a, b)
    }
}

pub fn vmids_exhausted(span: Span, range: ir::IdRange, attribute: &str) -> Diagnostic {
    Diagnostic::error(
        Code::VmidsExhausted,
        format!("no free VMID left in {} .. {}", range.first, range.last),
    )
    .with_primary(span, "needs a VMID")
    .with_help(format!("widen the cluster's `{attribute}` range"))
}

/// The cluster's `template_vmids` overlap its `vmids`: templates would again get
/// VMIDs among the guests.
pub fn vmid_ranges_overlap(
    vmids: ir::IdRange,
    templates: ir::IdRange,
    span: Span,
    vmids_span: Option<Span>,
) -> Diagnostic {
    let d = Diagnostic::error(
        Code::VmidRangesOverlap,
        format!(
            "`template_vmids` {} .. {} overlaps `vmids` {} .. {}",
            templates.first, templates.last, vmids.first, vmids.last
        ),
    )
    .with_primary(span, "templates' VMIDs would mix with the guests'");
    let d = match vmids_span {
        Some(at) => d.with_secondary(at, "the guests' VMIDs"),
        None => d.with_note(format!(
            "`vmids` defaults to {} .. {}",
            vmids.first, vmids.last
        )),
    };
    d.with_help(
        "keep the two ranges apart, such as `vmids = 100 .. 8999` and `template_vmids = 9000 .. 9099`",
    )
}

pub fn duplicate_address(addr: Ipv4Addr, span: Span, first: Span) -> Diagnostic {
    let (first, span) = in_source_order(first, span);
    Diagnostic::error(
        Code::DuplicateAddress,
        format!("address {addr} is used twice"),
    )
    .with_primary(span, "used again here")
    .with_secondary(first, "first used here")
    .with_help("give each interface its own address, or write `ip = auto`")
}

/// A static address takes the one the lock gave another guest's NIC (`key`,
/// `vm/worker-1/lan`), which moves from `locked` to `new`.
pub fn address_taken_from_guest(
    key: &str,
    locked: Ipv4Addr,
    new: Ipv4Addr,
    written: Span,
    auto: Span,
) -> Diagnostic {
    let (guest, network) = key.rsplit_once('/').unwrap_or((key, ""));
    let name = guest.split_once('/').map_or(guest, |(_, name)| name);
    Diagnostic::warning(
        Code::AddressTakenFromGuest,
        format!("`{name}` moves from {locked} to {new}: another guest is given {locked}"),
    )
    .with_primary(written, format!("pxi.lock gave {locked} to `{name}`"))
    .with_secondary(
        auto,
        format!("so `{name}` gets {new} on `{network}`, a new address"),
    )
    .with_help(format!(
        "if `{name}` is running, write another address here (pxic would change its address \
         on the next apply), or write `ip = {locked}` for `{name}` and give this guest another"
    ))
}

pub fn no_pool(span: Span, network: &str) -> Diagnostic {
    Diagnostic::error(
        Code::NoPool,
        format!("network `{network}` has no pool to allocate from"),
    )
    .with_primary(span, "`auto` needs a pool")
    .with_help(format!(
        "add `pool = <first> .. <last>` to network `{network}`, or write the address"
    ))
}

pub fn pool_exhausted(span: Span, network: &ir::Network) -> Diagnostic {
    let (first, last) = network
        .pool
        .map_or((network.address, network.address), |p| (p.first, p.last));
    Diagnostic::error(
        Code::PoolExhausted,
        format!(
            "no free address left in the pool of network `{}`",
            network.name
        ),
    )
    .with_primary(span, "needs an address")
    .with_help(format!(
        "widen the pool ({first} .. {last}), or write some addresses by hand"
    ))
}

/// The bits of a `/prefix` netmask (`24` → `0xffff_ff00`); a prefix over 32 counts
/// as 32.
pub fn netmask_bits(prefix: u8) -> u32 {
    u32::MAX
        .checked_shl(32 - u32::from(prefix.min(32)))
        .unwrap_or(0)
}

fn in_network(a: Ipv4Addr, network: &ir::Network) -> bool {
    let m = netmask_bits(network.prefix);
    u32::from(a) & m == u32::from(network.address) & m
}

/// Inside the network and neither its network nor its broadcast address.
pub fn host_address_in(a: Ipv4Addr, network: &ir::Network) -> bool {
    if !in_network(a, network) {
        return false;
    }
    if network.prefix >= 31 {
        return true;
    }
    let m = netmask_bits(network.prefix);
    let base = u32::from(network.address) & m;
    let a = u32::from(a);
    a != base && a != base | !m
}

fn outside(addr: Ipv4Addr, network: &ir::Network, span: Span) -> Diagnostic {
    Diagnostic::error(
        Code::AddressOutsideNetwork,
        format!(
            "{addr} is outside network `{}` ({}/{})",
            network.name, network.address, network.prefix
        ),
    )
    .with_primary(span, "not in the network")
    .with_help(format!(
        "use an address in {}/{}",
        network.address, network.prefix
    ))
}

fn reserved(addr: Ipv4Addr, network: &ir::Network, span: Span) -> Diagnostic {
    let which = if u32::from(addr) & !netmask_bits(network.prefix) == 0 {
        "network"
    } else {
        "broadcast"
    };
    Diagnostic::error(
        Code::AddressReserved,
        format!(
            "{addr} is the {which} address of network `{}`",
            network.name
        ),
    )
    .with_primary(span, format!("the {which} address"))
    .with_help("use an address between the first and the last of the network")
}

/// A network's own settings: prefix without host bits, gateway and pool inside it.
pub fn check_network(network: &ir::Network, r: &Record, out: &mut Vec<Diagnostic>) {
    let m = netmask_bits(network.prefix);
    if u32::from(network.address) & !m != 0
        && let Some(span) = r.fields.get("cidr").map(|f| f.span)
    {
        let base = Ipv4Addr::from(u32::from(network.address) & m);
        out.push(
            Diagnostic::error(
                Code::AddressReserved,
                format!("`{}/{}` has host bits set", network.address, network.prefix),
            )
            .with_primary(span, "not the network's first address")
            .with_help(format!("write `{base}/{}`", network.prefix)),
        );
    }
    if let (Some(gw), Some(span)) = (network.gateway, r.fields.get("gateway").map(|f| f.span)) {
        if !in_network(gw, network) {
            out.push(outside(gw, network, span));
        } else if !host_address_in(gw, network) {
            out.push(reserved(gw, network, span));
        }
    }
    if let (Some(pool), Some(span)) = (network.pool, r.fields.get("pool").map(|f| f.span)) {
        for end in [pool.first, pool.last] {
            if !in_network(end, network) {
                out.push(outside(end, network, span));
                break;
            }
        }
    }
    if let Some(Value::Int(vlan)) = r.fields.get("vlan").map(|f| &f.value)
        && !(1..=4094).contains(vlan)
        && let Some(span) = r.fields.get("vlan").map(|f| f.span)
    {
        out.push(
            Diagnostic::error(
                Code::VlanOutOfRange,
                format!("VLAN {vlan} is not a valid tag"),
            )
            .with_primary(span, "must be 1 to 4094")
            .with_help("use a VLAN tag from 1 to 4094"),
        );
    }
}

/// A static address: in its network, not reserved, not the gateway.
pub fn check_static_address(
    addr: Ipv4Addr,
    network: &ir::Network,
    span: Span,
    out: &mut Vec<Diagnostic>,
) {
    if !in_network(addr, network) {
        out.push(outside(addr, network, span));
    } else if !host_address_in(addr, network) {
        out.push(reserved(addr, network, span));
    } else if Some(addr) == network.gateway {
        out.push(
            Diagnostic::error(
                Code::AddressIsGateway,
                format!("{addr} is the gateway of network `{}`", network.name),
            )
            .with_primary(span, "the gateway's address")
            .with_help("choose another address; the gateway already has this one (if this guest is the network's router, write `is_gateway = true` on this NIC)"),
        );
    }
}

/// The storage a name means on a host: the host's own, else the cluster's shared one.
pub fn storage_on<'h>(
    host: &'h ir::Host,
    cluster: &'h ir::Cluster,
    name: &str,
    span: Option<Span>,
    out: &mut Vec<Diagnostic>,
) -> Option<&'h ir::Storage> {
    if let Some(s) = host
        .storages
        .get(name)
        .or_else(|| cluster.storages.get(name))
    {
        return Some(s);
    }
    if let Some(span) = span {
        let names = host
            .storages
            .keys()
            .chain(cluster.storages.keys())
            .map(String::as_str);
        let help = match suggest(name, names).first() {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!(
                "declare `storage {name} {{ … }}` on host `{}` or on the cluster",
                host.name
            ),
        };
        out.push(
            Diagnostic::error(
                Code::UnknownStorage,
                format!("host `{}` has no storage `{name}`", host.name),
            )
            .with_primary(span, "not on this host nor shared by the cluster")
            .with_help(help),
        );
    }
    None
}

/// The storage must list `content` among what it holds.
pub fn check_storage_content(
    storage: &ir::Storage,
    content: &str,
    span: Option<Span>,
    out: &mut Vec<Diagnostic>,
) {
    if storage.content.iter().any(|c| c == content) {
        return;
    }
    let what = content_words(content);
    if let Some(span) = span {
        out.push(
            Diagnostic::error(
                Code::StorageContent,
                format!("storage `{}` cannot hold {what}", storage.name),
            )
            .with_primary(span, format!("needs `{content}` content"))
            .with_help(format!(
                "add `{content}` to the storage's `content`, or choose a storage that has it"
            )),
        );
    }
}

/// An MTU Linux and Proxmox accept on a bridge or a guest's interface.
pub fn check_mtu(r: &Record, out: &mut Vec<Diagnostic>) {
    if let Some(f) = r.fields.get("mtu")
        && let Value::Int(mtu) = f.value
        && !(576..=65520).contains(&mtu)
    {
        out.push(
            Diagnostic::error(Code::MtuOutOfRange, format!("MTU {mtu} is out of range"))
                .with_primary(f.span, "must be 576 to 65520")
                .with_help("use the network's real MTU, usually 1500, or 9000 for jumbo frames"),
        );
    }
}

/// Firewall ports: 1 to 65535.
pub fn check_ports(r: &Record, name: &str, out: &mut Vec<Diagnostic>) {
    let Some(Value::List(items)) = r.fields.get(name).map(|f| &f.value) else {
        return;
    };
    for item in items {
        if let Value::Int(port) = item.value
            && !(1..=65535).contains(&port)
        {
            out.push(
                Diagnostic::error(Code::PortOutOfRange, format!("{port} is not a port"))
                    .with_primary(item.span, "must be 1 to 65535")
                    .with_help("TCP and UDP ports are numbered 1 to 65535"),
            );
        }
    }
}

/// A guest with roles must let Ansible in: it logs in as the first user (root, with
/// every user's keys, on a container), so some user needs an SSH key.
pub fn roles_without_login(roles: Span, name: &str) -> Diagnostic {
    Diagnostic::warning(
        Code::RolesWithoutLogin,
        format!("`{name}` has roles, but no user with an SSH key for Ansible to log in as"),
    )
    .with_primary(roles, "Ansible cannot apply these")
    .with_help("add `user <name> { ssh_keys = [file(\"keys/<name>.pub\")] }`")
}

/// Tags as Proxmox takes them: a letter, digit or `_`, then letters, digits and
/// `_ - + .` (its `pve-tag` format).
pub fn check_tags(r: &Record, out: &mut Vec<Diagnostic>) {
    for (text, span) in r.strings_at("tags") {
        let mut chars = text.chars();
        let valid = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || "_-+.".contains(c));
        if !valid {
            let fixed: String = text
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || "_-+.".contains(c) {
                        c
                    } else {
                        '-'
                    }
                })
                .collect::<String>()
                .trim_start_matches(['-', '+', '.'])
                .to_string();
            let help = if fixed.is_empty() {
                "use letters, digits and `_`, with `-`, `+` or `.` after the first character"
                    .to_string()
            } else {
                format!(
                    "use letters, digits and `_ - + .`, starting with a letter, digit or `_`, such as `\"{fixed}\"`"
                )
            };
            out.push(
                Diagnostic::error(Code::InvalidTag, format!("`{text}` is not a Proxmox tag"))
                    .with_primary(span, "Proxmox would refuse this tag")
                    .with_help(help),
            );
        }
    }
}

/// The minimum memory of a ballooning VM cannot be above its memory.
pub fn check_balloon(r: &Record, out: &mut Vec<Diagnostic>) {
    if r.incomplete {
        return;
    }
    let balloon = match r.fields.get("balloon") {
        Some(f) => match f.value {
            Value::Size(n) => Some((n, f.span)),
            _ => None,
        },
        None => None,
    };
    // `memory` may be its default.
    let memory = match r.value("memory").as_deref() {
        Some(Value::Size(n)) => Some(*n),
        _ => None,
    };
    if let (Some((balloon, span)), Some(memory)) = (balloon, memory)
        && balloon > memory
    {
        out.push(
            Diagnostic::error(
                Code::BalloonAboveMemory,
                format!(
                    "`balloon` ({}) is above `memory` ({})",
                    gib(balloon),
                    gib(memory)
                ),
            )
            .with_primary(span, "the minimum is above the maximum")
            .with_help("`balloon` is the least memory the VM keeps: make it at most `memory`"),
        );
    }
}

/// The cluster's API endpoint: an `https://` URL, as the provider and Packer need.
pub fn check_endpoint(endpoint: &str, span: Span, out: &mut Vec<Diagnostic>) {
    let rest = endpoint
        .strip_prefix("https://")
        .or_else(|| endpoint.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', ':']).next().unwrap_or_default());
    if host.is_some_and(|h| !h.is_empty()) {
        return;
    }
    out.push(
        Diagnostic::error(Code::BadEndpoint, format!("`{endpoint}` is not an API URL"))
            .with_primary(span, "needs `https://<host>:8006/`")
            .with_help("write the Proxmox API URL, such as `\"https://10.10.0.2:8006/\"`"),
    );
}

/// Whether a time zone is written as an IANA name (`Europe/Berlin`, `Etc/UTC`, `UTC`):
/// letters, digits, `_`, `+` and `-`, in parts joined by `/`.
pub fn is_time_zone(name: &str) -> bool {
    !name.is_empty()
        && name.split('/').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-'))
        })
}

/// The cluster's time zone, which installers and guests are given as written.
pub fn check_time_zone(name: &str, span: Span, out: &mut Vec<Diagnostic>) {
    if is_time_zone(name) {
        return;
    }
    out.push(
        Diagnostic::error(Code::BadTimeZone, format!("`{name}` is not a time zone name"))
            .with_primary(span, "not an IANA name")
            .with_help("write a name from the IANA time zone database, such as `\"Europe/Berlin\"` or `\"Etc/UTC\"`"),
    );
}

/// Where each of the project's VMs, containers, hosts and cluster has its name
/// written, by kind keyword and name: the checks of the finished plan point there.
/// Indexed the first time one is looked up (only a problem is), as most plans have
/// none to report and a large one has many names.
pub struct Spans<'a> {
    declared: &'a [Declared],
    index: std::cell::OnceCell<FxHashMap<(&'a str, &'a str), Span>>,
}

impl<'a> Spans<'a> {
    pub fn new(declared: &'a [Declared]) -> Spans<'a> {
        Spans {
            declared,
            index: std::cell::OnceCell::new(),
        }
    }

    pub fn get(&self, kind: &str, name: &str) -> Option<Span> {
        let index = self.index.get_or_init(|| {
            self.declared
                .iter()
                .filter(|d| {
                    d.module.is_none()
                        && matches!(
                            d.kind,
                            DeclKind::Vm | DeclKind::Container | DeclKind::Host | DeclKind::Cluster
                        )
                })
                .map(|d| ((d.kind.keyword(), d.name.as_str()), d.name_span))
                .collect()
        });
        // The keys may be shortened to the lookup's lifetime (the map is covariant).
        let index: &FxHashMap<(&str, &str), Span> = index;
        index.get(&(kind, name)).copied()
    }
}

/// Hosts each have their own management address, which no guest may take.
pub fn check_host_addresses(plan: &ir::Plan, spans: &Spans<'_>, out: &mut Vec<Diagnostic>) {
    let mut hosts: BTreeMap<Ipv4Addr, &str> = BTreeMap::new();
    for host in plan.hosts.values() {
        let taken = hosts.get(&host.address).copied();
        match taken.and_then(|first| Some((first, spans.get("host", &host.name)?))) {
            Some((first, span)) => out.push(
                Diagnostic::error(
                    Code::HostAddressInUse,
                    format!(
                        "hosts `{first}` and `{}` have the same address {}",
                        host.name, host.address
                    ),
                )
                .with_primary(span, "same address as another host")
                .with_help("give each host its own management address"),
            ),
            None => {
                hosts.insert(host.address, &host.name);
            }
        }
    }
    let guests = plan
        .vms
        .values()
        .map(|v| (&v.guest, "vm"))
        .chain(plan.containers.values().map(|c| (&c.guest, "container")));
    for (guest, kind) in guests {
        for nic in &guest.nics {
            let Some(host) = nic.address.ip().and_then(|a| hosts.get(&a)) else {
                continue;
            };
            let Some(span) = spans.get(kind, &guest.name) else {
                continue;
            };
            out.push(
                Diagnostic::error(
                    Code::HostAddressInUse,
                    format!(
                        "`{}` takes {}, the address of host `{host}`",
                        guest.name, nic.address
                    ),
                )
                .with_primary(span, "its address belongs to a host")
                .with_help(
                    "give the guest another address, or take it from the pool with `ip = auto`",
                ),
            );
        }
    }
}

/// Cores, sockets and memory of a guest: none of them may be zero.
pub fn check_resources(r: &Record, out: &mut Vec<Diagnostic>) {
    if r.incomplete {
        return;
    }
    for name in ["cores", "sockets", "memory", "disk"] {
        let zero = matches!(
            r.fields.get(name).map(|f| &f.value),
            Some(Value::Int(0) | Value::Size(0))
        );
        if let (true, Some(span)) = (zero, r.fields.get(name).map(|f| f.span)) {
            out.push(
                Diagnostic::error(Code::ZeroResource, format!("`{name}` is zero"))
                    .with_primary(span, "a guest needs some")
                    .with_help(format!("give `{name}` a value above zero")),
            );
        }
    }
}

/// Where a guest's image is downloaded: the storage named, or the first of the host's
/// (then the cluster's) that holds `content`.
pub fn image_storage<'h>(
    named: Option<(&str, Option<Span>)>,
    host: &'h ir::Host,
    cluster: &'h ir::Cluster,
    content: &str,
    at: Span,
    out: &mut Vec<Diagnostic>,
) -> Option<&'h ir::Storage> {
    if let Some((name, span)) = named {
        let storage = storage_on(host, cluster, name, span, out)?;
        check_storage_content(storage, content, span, out);
        return Some(storage);
    }
    let holds = |s: &&ir::Storage| s.content.iter().any(|c| c == content);
    let found = host
        .storages
        .values()
        .find(holds)
        .or_else(|| cluster.storages.values().find(holds));
    if found.is_none() {
        out.push(
            Diagnostic::error(
                Code::StorageContent,
                format!("no storage of host `{}` can hold {}", host.name, content_words(content)),
            )
            .with_primary(at, format!("needs a storage with `{content}` content"))
            .with_help(format!(
                "add `{content}` to the `content` of a storage on `{}` or of the cluster, or set `image_storage`",
                host.name
            )),
        );
    }
    found
}

/// What a kind of content is, in words.
fn content_words(content: &str) -> &str {
    match content {
        "images" => "VM disks",
        "rootdir" => "container volumes",
        "iso" => "installer images",
        "import" => "cloud images",
        "snippets" => "cloud-init snippets",
        "vztmpl" => "container templates",
        other => other,
    }
}

pub fn image_kind_mismatch(span: Span, image: &str, kind: &str, need: &str) -> Diagnostic {
    Diagnostic::error(
        Code::ImageKind,
        format!("image `{image}` is of kind `{kind}`"),
    )
    .with_primary(span, "the wrong kind of image")
    .with_help(need.to_string())
}

pub fn unknown_bridge(span: Span, bridge: &str, host: &ir::Host) -> Diagnostic {
    let names = host.bridges.keys().map(String::as_str);
    let help = match suggest(bridge, names).first() {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("declare `bridge {bridge} {{ … }}` on host `{}`", host.name),
    };
    Diagnostic::error(
        Code::NoBridge,
        format!("host `{}` has no bridge `{bridge}`", host.name),
    )
    .with_primary(span, "not a bridge of the guest's host")
    .with_help(help)
}

pub fn no_bridge(span: Span, network: &str, host: &ir::Host) -> Diagnostic {
    Diagnostic::error(
        Code::NoBridge,
        format!("host `{}` has no bridge for network `{network}`", host.name),
    )
    .with_primary(span, "the guest's host cannot reach this network")
    .with_help(format!(
        "add `network = {network}` to a bridge of host `{}`, or set `bridge = …` here",
        host.name
    ))
}

/// A template on another node is only reachable through shared storage.
/// A linked clone shares its template's disk, so its own disk stays on the
/// template's storage: another `storage` cannot be honoured.
pub fn linked_clone_storage(span: Span, written: &str, template_storage: &str) -> Diagnostic {
    Diagnostic::error(
        Code::LinkedCloneStorage,
        format!("a linked clone stays on its template's storage `{template_storage}`"),
    )
    .with_primary(span, format!("`{written}` cannot hold a linked clone of it"))
    .with_help(format!(
        "remove `storage` (or write `storage = {template_storage}`), or make a full clone with `full_clone = true`"
    ))
}

/// Packer reaches its build VM at a static address from a network's pool: no DHCP
/// server or guest agent is assumed.
pub fn no_build_network(span: Span, template: &str, host: &ir::Host) -> Diagnostic {
    Diagnostic::error(
        Code::NoBuildNetwork,
        format!(
            "template `{template}` is built by Packer, but no bridge of host `{}` carries a network with a pool",
            host.name
        ),
    )
    .with_primary(span, "its build VM needs an address Packer can reach")
    .with_help(format!(
        "give the network of a bridge of host `{}` a `pool = <first> .. <last>`",
        host.name
    ))
}

/// pxic writes the answers of Ubuntu's autoinstall and Debian's preseed only.
pub fn no_unattended_install(span: Span, image: &str, family: &str) -> Diagnostic {
    Diagnostic::error(
        Code::NoUnattendedInstall,
        format!("pxic cannot install `{family}` from an installer ISO unattended"),
    )
    .with_primary(
        span,
        format!("image `{image}` is an installer of family `{family}`"),
    )
    .with_help(
        "install Ubuntu or Debian from an ISO, or start from the distribution's cloud image (`kind = cloud`) with a `build` block",
    )
}

pub fn check_template_reachable(
    template: &str,
    template_host: &str,
    template_storage: &str,
    host: &ir::Host,
    cluster: &ir::Cluster,
    span: Span,
    out: &mut Vec<Diagnostic>,
) {
    // Shared storage declared on the cluster, or shared storage of the same name on
    // both nodes (an NFS export mounted on each), reaches every node that has it.
    let on_cluster = cluster
        .storages
        .get(template_storage)
        .is_some_and(|s| s.shared);
    let on_both = host
        .storages
        .get(template_storage)
        .is_some_and(|s| s.shared);
    if on_cluster || on_both {
        return;
    }
    out.push(
        Diagnostic::error(
            Code::TemplateNotReachable,
            format!(
                "template `{template}` is on `{template_host}`, not on `{}`",
                host.name
            ),
        )
        .with_primary(
            span,
            format!("`{template_storage}` is local to `{template_host}`"),
        )
        .with_help(format!(
            "put the template on shared storage, move the guest to `{template_host}`, or add a \
             template on `{}`",
            host.name
        )),
    );
}

/// Cores above a host's, and memory promised beyond it (a warning: Proxmox allows
/// overcommit, but it is seldom meant).
pub fn check_capacity(plan: &ir::Plan, spans: &Spans<'_>, out: &mut Vec<Diagnostic>) {
    let mut memory: BTreeMap<&str, (u64, usize)> = BTreeMap::new();
    let guests = plan
        .vms
        .values()
        .map(|v| {
            (
                &v.guest.name,
                &v.guest.host,
                v.guest.cores * v.sockets,
                v.guest.memory,
                "vm",
            )
        })
        .chain(plan.containers.values().map(|c| {
            (
                &c.guest.name,
                &c.guest.host,
                c.guest.cores,
                c.guest.memory,
                "container",
            )
        }));
    for (name, host_name, cores, mem, kind) in guests {
        let Some(host) = plan.hosts.get(host_name) else {
            continue;
        };
        if let Some(host_cores) = host.cores
            && cores > host_cores
            && let Some(span) = spans.get(kind, name)
        {
            out.push(
                Diagnostic::error(
                    Code::CoresExceedHost,
                    format!("`{name}` has {cores} cores; host `{host_name}` has {host_cores}"),
                )
                .with_primary(span, "more cores than its host")
                .with_help(format!(
                    "give it at most {host_cores} cores, or move it to a bigger host"
                )),
            );
        }
        let entry = memory.entry(host_name.as_str()).or_default();
        entry.0 += mem;
        entry.1 += 1;
    }
    for (host_name, (total, count)) in memory {
        let Some(host) = plan.hosts.get(host_name) else {
            continue;
        };
        let Some(capacity) = host.memory else {
            continue;
        };
        if total > capacity
            && let Some(span) = spans.get("host", host_name)
        {
            out.push(
                Diagnostic::warning(
                    Code::MemoryOvercommitted,
                    format!(
                        "host `{host_name}` is promised {} of memory but has {}",
                        gib(total),
                        gib(capacity)
                    ),
                )
                .with_primary(
                    span,
                    if count == 1 {
                        "1 guest on this host".to_string()
                    } else {
                        format!("{count} guests on this host")
                    },
                )
                .with_help("move guests to other hosts, shrink them, or give the host more memory"),
            );
        }
    }
}

/// Guests' disks against the declared size of each storage (a warning: thin
/// provisioning allows it, but it is seldom meant). Templates count too.
pub fn check_disk_capacity<'p>(plan: &'p ir::Plan, spans: &Spans<'_>, out: &mut Vec<Diagnostic>) {
    // (storage owner, storage name) → bytes promised and how many disks; shared
    // storage is owned by the cluster, local storage by its host.
    let mut used: BTreeMap<(&str, &str), (u64, usize)> = BTreeMap::new();
    let owner = |host: &'p str, storage: &str| -> &'p str {
        if plan.cluster.storages.contains_key(storage)
            && !plan
                .hosts
                .get(host)
                .is_some_and(|h| h.storages.contains_key(storage))
        {
            ""
        } else {
            host
        }
    };
    let disks = plan
        .vms
        .values()
        .map(|v| (&v.guest.host, &v.guest.storage, v.guest.disk))
        .chain(
            plan.containers
                .values()
                .map(|c| (&c.guest.host, &c.guest.storage, c.guest.disk)),
        )
        .chain(
            plan.templates
                .values()
                .map(|t| (&t.host, &t.storage, t.disk)),
        )
        .chain(super::guest_disks::volumes_on_storage(plan));
    for (host, storage, disk) in disks {
        let entry = used
            .entry((owner(host, storage), storage.as_str()))
            .or_default();
        entry.0 += disk;
        entry.1 += 1;
    }
    for ((owner, name), (total, count)) in used {
        let storage = if owner.is_empty() {
            plan.cluster.storages.get(name)
        } else {
            plan.hosts.get(owner).and_then(|h| h.storages.get(name))
        };
        let Some(capacity) = storage.and_then(|s| s.size) else {
            continue;
        };
        if total <= capacity {
            continue;
        }
        let at = if owner.is_empty() {
            spans.get("cluster", &plan.cluster.name)
        } else {
            spans.get("host", owner)
        };
        let Some(at) = at else {
            continue;
        };
        let place = if owner.is_empty() {
            "the cluster".to_string()
        } else {
            format!("host `{owner}`")
        };
        out.push(
            Diagnostic::warning(
                Code::DiskOvercommitted,
                format!(
                    "storage `{name}` of {place} is promised {} of disks but holds {}",
                    gib(total),
                    gib(capacity)
                ),
            )
            .with_primary(
                at,
                if count == 1 {
                    "1 disk on it".to_string()
                } else {
                    format!("{count} disks on it")
                },
            )
            .with_help(
                "move disks to other storage, shrink them, or declare the storage's real `size`",
            ),
        );
    }
}

/// A VM's disk is its template's disk, grown: Proxmox cannot shrink a cloned disk.
pub fn check_disk_not_below_template(
    plan: &ir::Plan,
    spans: &Spans<'_>,
    out: &mut Vec<Diagnostic>,
) {
    for vm in plan.vms.values() {
        let Some(template) = plan.templates.get(&vm.template) else {
            continue;
        };
        if vm.guest.disk < template.disk
            && let Some(span) = spans.get("vm", &vm.guest.name)
        {
            out.push(
                Diagnostic::error(
                    Code::DiskBelowTemplate,
                    format!(
                        "`{}` has a {} disk; its template `{}` has {}",
                        vm.guest.name,
                        gib(vm.guest.disk),
                        template.name,
                        gib(template.disk)
                    ),
                )
                .with_primary(span, "a clone's disk can only grow")
                .with_help(format!("give it a disk of at least {}", gib(template.disk))),
            );
        }
    }
}

fn gib(bytes: u64) -> String {
    let g = bytes as f64 / f64::from(1u32 << 30);
    if (g - g.round()).abs() < 1e-9 {
        format!("{}GiB", g.round())
    } else {
        format!("{g:.1}GiB")
    }
}

/// A network whose `dns` points at guests of the project, with no `bootstrap_dns`:
/// on the first bring-up nothing resolves (Packer's installers and build VMs,
/// cloud-init and apt on every guest, the DNS guests themselves) until those guests
/// exist and run.
pub fn check_dns_bootstrap(
    network: &ir::Network,
    r: &Record,
    vms: &BTreeMap<String, ir::Vm>,
    containers: &BTreeMap<String, ir::Container>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(span) = r.fields.get("dns").map(|f| f.span) else {
        return;
    };
    if !network.bootstrap_dns.is_empty() {
        return;
    }
    let guests = vms
        .values()
        .map(|v| &v.guest)
        .chain(containers.values().map(|c| &c.guest));
    let mut served: Vec<String> = Vec::new();
    for guest in guests {
        for nic in &guest.nics {
            if nic.address.ip().is_some_and(|a| network.dns.contains(&a)) {
                served.push(format!("`{}` ({})", guest.name, nic.address));
            }
        }
    }
    if served.is_empty() {
        return;
    }
    out.push(
        Diagnostic::warning(
            Code::DnsOnOwnGuests,
            format!(
                "the DNS servers of network `{}` are guests of this project: {}",
                network.name,
                served.join(", ")
            ),
        )
        .with_primary(span, "nothing answers here before those guests run")
        .with_help(
            "add `bootstrap_dns = [<a resolver that already exists>]` (the router, an upstream one) to the network: build VMs and the DNS guests use it",
        ),
    );
}

/// A storage ID is one definition for the whole cluster (`/etc/pve/storage.cfg`),
/// limited to the nodes that declare it: two hosts that declare the same storage
/// differently cannot both have what they say (the host playbook would give every
/// node the first host's definition).
pub fn check_storage_definitions(plan: &ir::Plan, spans: &Spans<'_>, out: &mut Vec<Diagnostic>) {
    let mut first: BTreeMap<&str, (&str, &ir::Storage)> = BTreeMap::new();
    for host in plan.hosts.values() {
        for storage in host.storages.values() {
            if plan.cluster.storages.contains_key(&storage.name) {
                continue;
            }
            let Some(&(first_host, defined)) = first.get(storage.name.as_str()) else {
                first.insert(&storage.name, (&host.name, storage));
                continue;
            };
            let differs = storage_differences(defined, storage);
            if differs.is_empty() {
                continue;
            }
            let Some(span) = spans.get("host", &host.name) else {
                continue;
            };
            let mut diagnostic = Diagnostic::error(
                Code::StorageDiffersBetweenHosts,
                format!(
                    "storage `{}` of host `{}` differs from the one of host `{first_host}` in {}",
                    storage.name,
                    host.name,
                    differs.join(", ")
                ),
            )
            .with_primary(span, "declares it differently")
            .with_help(format!(
                "storage IDs are cluster-wide: declare `{}` the same way on every host, or give this one another name",
                storage.name
            ));
            if let Some(first_span) = spans.get("host", first_host) {
                diagnostic = diagnostic.with_secondary(first_span, "declared here first");
            }
            out.push(diagnostic);
        }
    }
}

/// The settings of `/etc/pve/storage.cfg` in which two declarations differ.
fn storage_differences(a: &ir::Storage, b: &ir::Storage) -> Vec<&'static str> {
    let mut differs = Vec::new();
    let mut compare = |name: &'static str, same: bool| {
        if !same {
            differs.push(name);
        }
    };
    compare("`type`", a.kind == b.kind);
    compare("`content`", a.content == b.content);
    compare("`path`", a.path == b.path);
    compare("`vg`", a.vg == b.vg);
    compare("`thinpool`", a.thinpool == b.thinpool);
    compare("`pool`", a.pool == b.pool);
    compare("`server`", a.server == b.server);
    compare("`export`", a.export == b.export);
    compare("`share`", a.share == b.share);
    compare("`monitors`", a.monitors == b.monitors);
    compare("`shared`", a.shared == b.shared);
    differs
}
