//! Checks of guests' network interfaces that look at the whole guest: how Ansible
//! reaches a guest whose interfaces have no static address, and what a clone keeps
//! of its template's.

use super::eval::Record;
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::source::Span;
use std::net::Ipv4Addr;

/// A guest Ansible logs in to (running, with a user that has an SSH key: see the
/// inventory's `no_login` group) connects to its first static address. A guest
/// whose NICs all take theirs from DHCP, or have none, gives it nothing to connect
/// to: the play would wait for it and fail. `unaddressed` holds where each such
/// NIC's `ip` was written.
pub fn check_reachable(
    guest: &ir::Guest,
    name_span: Span,
    unaddressed: &[Span],
    out: &mut Vec<Diagnostic>,
) {
    let logged_in = guest.started && guest.users.iter().any(|u| !u.ssh_keys.is_empty());
    if !logged_in || guest.nics.is_empty() || guest.nics.iter().any(|n| n.address.ip().is_some()) {
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
