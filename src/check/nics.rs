//! Checks of guests' network interfaces that look at the whole guest: how Ansible
//! reaches a guest whose interfaces have no static address, and what a clone keeps
//! of its template's.

use super::eval::{Record, Value};
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::source::Span;
use std::net::Ipv4Addr;

/// A guest Ansible logs in to (running, with a user that has an SSH key: see the
/// inventory's `no_login` group) connects to its first static address, IPv4 before
/// IPv6. A guest whose NICs all take theirs from DHCP or SLAAC, or have none, gives
/// it nothing to connect to: the play would wait for it and fail. `unaddressed` holds where each such
/// NIC's `ip` was written.
pub fn check_reachable(
    guest: &ir::Guest,
    name_span: Span,
    unaddressed: &[Span],
    out: &mut Vec<Diagnostic>,
) {
    let logged_in = guest.started && guest.users.iter().any(|u| !u.ssh_keys.is_empty());
    let reachable = guest
        .nics
        .iter()
        .any(|n| n.address.ip().is_some() || n.static_ipv6().is_some());
    if !logged_in || guest.nics.is_empty() || reachable {
        return;
    }
    let mut diagnostic = Diagnostic::error(
        Code::NoStaticAddress,
        format!(
            "Ansible logs in to `{}`, but none of its NICs has a static address",
            guest.name
        ),
    )
    .with_primary(name_span, "Ansible would have no address to connect to");
    for span in unaddressed {
        diagnostic = diagnostic.with_secondary(*span, "no address pxic knows");
    }
    out.push(diagnostic.with_help(
        "give one NIC `ip = auto` or an address (Ansible connects to the first such NIC), or remove the users' SSH keys so that Ansible leaves the guest alone",
    ));
}

/// A template built by Packer from a clone of a cloud image keeps the build VM's
/// `ipconfig0` (Packer sets it and never removes it), and a VM cloned from it keeps
/// that too unless its own first `ip_config` replaces it. A first NIC without an
/// address has nothing to replace it with (Proxmox has no `ipconfig` for "none", and
/// the provider removes none): the VM would come up at the build VM's address.
pub fn check_first_nic_on_clone_build(
    vm: &ir::Vm,
    r: &Record,
    template: &ir::Template,
    out: &mut Vec<Diagnostic>,
) {
    let first_is_none = vm
        .guest
        .nics
        .first()
        .is_some_and(|n| n.address == ir::NicIp::None);
    if !first_is_none || template.base_vmid.is_none() {
        return;
    }
    let Some(span) = r
        .blocks
        .iter()
        .find(|b| b.kind == "network")
        .and_then(|b| b.record.fields.get("ip").map(|f| f.span))
    else {
        return;
    };
    let build_address = template
        .build_nic
        .as_ref()
        .map_or_else(String::new, |n| format!(" ({})", n.address));
    out.push(
        Diagnostic::error(
            Code::UnaddressedFirstNicOnBuiltClone,
            format!(
                "`{}`'s first NIC has no address, but template `{}` keeps its build VM's address{build_address} for the first NIC",
                vm.guest.name, vm.template
            ),
        )
        .with_primary(span, "cloud-init would give this NIC the build VM's address")
        .with_help("put the NIC without an address after one that has an address (`ip = auto`, `dhcp` or an address)"),
    );
}

/// A NIC that says it is its network's gateway (a router VM holding `.1`) has the
/// gateway's address, written: not one from the pool, not DHCP's, not none, and not
/// on a network without a gateway.
pub fn check_gateway_nic(
    written: Option<Ipv4Addr>,
    network: &ir::Network,
    at: Span,
    out: &mut Vec<Diagnostic>,
) {
    let Some(gateway) = network.gateway else {
        out.push(
            Diagnostic::error(
                Code::GatewayNicAddress,
                format!(
                    "network `{}` has no gateway for this NIC to be",
                    network.name
                ),
            )
            .with_primary(at, "the network has no `gateway`")
            .with_help(format!(
                "declare the router's address as `gateway` of network `{}`, or remove `is_gateway`",
                network.name
            )),
        );
        return;
    };
    if written == Some(gateway) {
        return;
    }
    out.push(
        Diagnostic::error(
            Code::GatewayNicAddress,
            format!(
                "a NIC that is the gateway of network `{}` must have its address {gateway}",
                network.name
            ),
        )
        .with_primary(
            at,
            format!("the router of `{}`, at {gateway}", network.name),
        )
        .with_help(format!("write `ip = {gateway}` on this NIC")),
    );
}

/// A MAC written for a NIC (`mac = "…"`), as Proxmox takes one: six pairs of hex
/// digits separated by colons, unicast (its first octet even), and not all zeros.
/// `None`, reported, otherwise.
pub fn check_mac(text: &str, span: Span, out: &mut Vec<Diagnostic>) -> Option<u64> {
    let pairs: Vec<&str> = text.split(':').collect();
    let shaped = pairs.len() == 6
        && pairs
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_hexdigit()));
    let problem = if !shaped {
        Some((
            "is not a MAC address",
            "write six pairs of hex digits separated by colons, such as \"BC:24:11:0A:1B:2C\"",
        ))
    } else {
        None
    };
    let value = pairs
        .iter()
        .try_fold(0u64, |v, p| {
            Some((v << 8) | u64::from_str_radix(p, 16).ok()?)
        })
        .filter(|_| shaped);
    let problem = problem.or(match value {
        Some(0) => Some((
            "is the all-zero MAC, which no interface may have",
            "choose another MAC, or remove `mac` to let pxic allocate one",
        )),
        Some(v) if (v >> 40) & 1 == 1 => Some((
            "is a multicast MAC, which no interface may have",
            "a NIC's MAC is unicast: its first octet is even (the lowest bit of the first byte is 0)",
        )),
        _ => None,
    });
    match problem {
        None => value,
        Some((what, help)) => {
            out.push(
                Diagnostic::error(Code::InvalidMac, format!("\"{text}\" {what}"))
                    .with_primary(span, "not a MAC a NIC can have")
                    .with_help(help),
            );
            None
        }
    }
}

/// Who else has a MAC written for a NIC.
pub enum MacOwner<'a> {
    /// Another NIC written with it, and where.
    Written(&'a str, Span),
    /// A NIC that still exists, to which `pxi.lock` gave it (by its lock key).
    Locked(&'a str),
}

pub fn mac_in_use(mac: &str, span: Span, owner: MacOwner<'_>) -> Diagnostic {
    let diagnostic = Diagnostic::error(Code::MacInUse, format!("MAC {mac} is already taken"));
    match owner {
        MacOwner::Written(other, first) => diagnostic
            .with_primary(span, "written here too")
            .with_secondary(first, format!("`{other}` has it"))
            .with_help("give each NIC its own MAC"),
        MacOwner::Locked(other) => diagnostic
            .with_primary(span, format!("pxi.lock gives it to `{other}`"))
            .with_help(format!(
                "choose another MAC; to move this one, first delete `{other}` from the `macs` of pxi.lock (that NIC then gets a new one)"
            )),
    }
}

/// A NIC's `model`, `queues`, `rate` and `mtu`, as written, with where.
#[derive(Clone, Copy, Default)]
pub struct Options {
    model: Option<(&'static str, Span)>,
    queues: Option<(u64, Span)>,
    rate: Option<(u64, Span)>,
    mtu: Option<(u64, Span)>,
}

/// The models the schema allows, as `'static` words.
const MODELS: [&str; 5] = ["virtio", "e1000", "e1000e", "rtl8139", "vmxnet3"];

impl Options {
    pub fn of(r: &Record) -> Options {
        let int = |name: &str| match r.fields.get(name) {
            Some(f) => match f.value {
                Value::Int(n) => Some((n, f.span)),
                _ => None,
            },
            None => None,
        };
        let model = r.fields.get("model").and_then(|f| match &f.value {
            Value::Word(w) => MODELS
                .iter()
                .find(|m| **m == w.as_str())
                .map(|m| (*m, f.span)),
            _ => None,
        });
        Options {
            model,
            queues: int("queues"),
            rate: int("rate"),
            mtu: int("mtu"),
        }
    }

    /// Writes the options into the NIC built from the network: its own MTU replaces
    /// the network's. A container's NIC has no model or queues (reported).
    pub fn apply(&self, nic: &mut ir::Nic, container: bool) {
        if let Some((mtu, _)) = self.mtu {
            nic.mtu = u32::try_from(mtu).ok();
        }
        nic.rate = self.rate.and_then(|(r, _)| u32::try_from(r).ok());
        if !container {
            nic.model = self
                .model
                .map(|(m, _)| m)
                .filter(|m| *m != "virtio")
                .map(str::to_string);
            nic.queues = self.queues.and_then(|(q, _)| u32::try_from(q).ok());
        }
    }
}

/// The most queues Proxmox gives a virtio NIC.
const MAX_QUEUES: u64 = 64;

/// A bandwidth limit above this many MB/s (800 Gbit/s) is a mistake (a figure in
/// bits, or in KB/s).
const MAX_RATE: u64 = 100_000;

/// What Proxmox refuses or ignores of a NIC's options: a model or queues on a
/// container (LXC has neither), queues out of 1 to 64, a rate of 0 or beyond any
/// link, and (a warning) queues or an MTU on a VM's NIC that is not virtio, which
/// Proxmox ignores there. The MTU's range is checked as a bridge's is
/// ([`super::estate::check_mtu`]).
pub fn check_options(
    options: &Options,
    network: &ir::Network,
    container: bool,
    out: &mut Vec<Diagnostic>,
) {
    if container {
        for (name, span) in [
            ("model", options.model.map(|m| m.1)),
            ("queues", options.queues.map(|q| q.1)),
        ] {
            if let Some(span) = span {
                out.push(
                    Diagnostic::error(
                        Code::NicOptionNotForContainers,
                        format!("a container's NIC has no `{name}`"),
                    )
                    .with_primary(
                        span,
                        "LXC gives containers a veth pair, not an emulated card",
                    )
                    .with_help(format!("remove `{name}`")),
                );
            }
        }
    }
    if let Some((queues, span)) = options.queues
        && !(1..=MAX_QUEUES).contains(&queues)
    {
        out.push(out_of_range(
            format!("{queues} queues"),
            span,
            "must be 1 to 64",
            "about as many queues as the VM has cores",
        ));
    }
    if let Some((rate, span)) = options.rate
        && !(1..=MAX_RATE).contains(&rate)
    {
        out.push(out_of_range(
            format!("a rate of {rate} MB/s"),
            span,
            "must be 1 to 100000 MB/s",
            "`rate` is in megabytes per second (125 for a gigabit link); remove it for no limit",
        ));
    }
    let Some((model, model_span)) = options.model.filter(|(m, _)| *m != "virtio") else {
        return;
    };
    if container {
        return;
    }
    let mtu = options.mtu.map(|(m, _)| m.to_string()).or_else(|| {
        network
            .mtu
            .map(|m| format!("{m}, network `{}`'s", network.name))
    });
    let needs = [
        options.queues.map(|_| "`queues`".to_string()),
        mtu.map(|m| format!("an MTU ({m})")),
    ];
    for what in needs.into_iter().flatten() {
        out.push(
            Diagnostic::warning(
                Code::NicOptionNeedsVirtio,
                format!("{what} is ignored on this `{model}` NIC"),
            )
            .with_primary(model_span, "Proxmox applies it to virtio NICs only")
            .with_help("use `model = virtio` (the default), or drop the option"),
        );
    }
}

fn out_of_range(what: String, span: Span, label: &str, help: &str) -> Diagnostic {
    Diagnostic::error(Code::NicOptionOutOfRange, format!("{what} is out of range"))
        .with_primary(span, label)
        .with_help(help)
}

/// The MTU a bridge has when neither it nor its network declares one: Linux's
/// default (pxic writes the host's interfaces, and such a bridge gets none).
const DEFAULT_BRIDGE_MTU: u32 = 1500;

/// A VM's virtio NIC with an MTU above its bridge's does not start: Proxmox refuses
/// it ("MTU is bigger than the bridge MTU") when the VM starts, not when it is
/// configured. The MTU is the NIC's own, else its network's; the bridge's is its own,
/// else its network's (`bridge_network_mtu`), as the host's interfaces file has it.
pub fn check_bridge_mtu(
    options: &Options,
    network: &ir::Network,
    bridge: Option<&ir::Bridge>,
    bridge_network_mtu: Option<u32>,
    container: bool,
    label: Span,
    out: &mut Vec<Diagnostic>,
) {
    let virtio = options.model.is_none_or(|(m, _)| m == "virtio");
    let Some(bridge) = bridge.filter(|_| virtio && !container) else {
        return;
    };
    let (mtu, span, whose) = match options.mtu {
        Some((m, span)) => (m, span, "its `mtu`".to_string()),
        None => match network.mtu {
            Some(m) => (
                u64::from(m),
                label,
                format!("network `{}`'s `mtu`", network.name),
            ),
            None => return,
        },
    };
    let declared = bridge.mtu.or(bridge_network_mtu);
    let bridge_mtu = declared.unwrap_or(DEFAULT_BRIDGE_MTU);
    if mtu <= u64::from(bridge_mtu) {
        return;
    }
    out.push(
        Diagnostic::error(
            Code::NicMtuAboveBridge,
            format!(
                "MTU {mtu} is above bridge `{}`'s {bridge_mtu}{}",
                bridge.name,
                if declared.is_none() {
                    " (its default)"
                } else {
                    ""
                }
            ),
        )
        .with_primary(span, format!("{whose}: the VM would not start"))
        .with_help(format!(
            "give bridge `{}` `mtu = {mtu}` (its ports must carry it), or lower the NIC's MTU",
            bridge.name
        )),
    );
}

/// A bridge carrying several networks (`network` and `networks`) keeps them apart by
/// their VLANs: two untagged ones would be one segment, each seeing the other's
/// traffic and DHCP. And a network carried twice by one bridge is a slip.
pub fn check_bridge_networks(bridge: &Record, records: &[Record], out: &mut Vec<Diagnostic>) {
    let mut carried: Vec<(usize, Span)> = Vec::new();
    if let Some(f) = bridge.fields.get("network")
        && let Value::Ref(id) = f.value
    {
        carried.push((id, f.span));
    }
    if let Some(Value::List(items)) = bridge.fields.get("networks").map(|f| &f.value) {
        for item in items {
            if let Value::Ref(id) = item.value {
                carried.push((id, item.span));
            }
        }
    }
    let mut untagged: Option<Span> = None;
    for (i, (id, span)) in carried.iter().enumerate() {
        if carried[..i].iter().any(|(other, _)| other == id) {
            out.push(
                Diagnostic::error(
                    Code::BridgeNetworksClash,
                    "the bridge names this network twice".to_string(),
                )
                .with_primary(*span, "already carried by this bridge")
                .with_help("name each network once, in `network` or in `networks`"),
            );
            continue;
        }
        let tagged = matches!(
            records
                .get(*id)
                .and_then(|r| r.fields.get("vlan"))
                .map(|f| &f.value),
            Some(Value::Int(_))
        );
        if tagged {
            continue;
        }
        match untagged {
            Some(first) => out.push(
                Diagnostic::error(
                    Code::BridgeNetworksClash,
                    "a bridge carries two networks without a VLAN".to_string(),
                )
                .with_primary(*span, "untagged")
                .with_secondary(first, "untagged too, on the same bridge")
                .with_help("give all but one of the bridge's networks a `vlan`, or put them on bridges of their own"),
            ),
            None => untagged = Some(*span),
        }
    }
}
