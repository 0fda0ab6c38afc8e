//! IPv6 beside IPv4: a network's `cidr6` and `gateway6`, a NIC's `ip6`. The language
//! has no IPv6 literal (a `:` ends a name), so both are strings, read here.
//!
//! A NIC gets one IPv6 configuration, as Proxmox's cloud-init `ipconfig<n>` and a
//! container's `net<n>` hold one `ip6`: SLAAC (`slaac`, Proxmox's `auto`), DHCPv6
//! (`dhcp`), or a static address in the network's `cidr6`, which takes `gateway6`.

use super::eval::{Record, Value};
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::source::Span;
use rustc_hash::FxHashMap;
use std::net::Ipv6Addr;

/// `2001:db8:10::/64`: the network's address (host bits zero) and prefix.
fn parse_cidr(text: &str) -> Option<(Ipv6Addr, u8)> {
    let (addr, prefix) = text.split_once('/')?;
    let addr: Ipv6Addr = addr.parse().ok()?;
    let prefix: u8 = prefix.parse().ok().filter(|p| (1..=128).contains(p))?;
    Some((addr, prefix))
}

fn mask(prefix: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(prefix))
    }
}

fn invalid(span: Span, text: &str, what: &str, help: &str) -> Diagnostic {
    Diagnostic::error(Code::InvalidIpv6, format!("\"{text}\" is not {what}"))
        .with_primary(span, "not IPv6 as Proxmox takes it")
        .with_help(help.to_string())
}

/// A network's `cidr6` and `gateway6`, checked: a network without host bits, and a
/// gateway inside it. `None` for what is absent or wrong (reported).
pub fn network(r: &Record, out: &mut Vec<Diagnostic>) -> (Option<String>, Option<Ipv6Addr>) {
    let mut cidr = None;
    if let Some(f) = r.fields.get("cidr6")
        && let Value::Str(text) = &f.value
    {
        match parse_cidr(text) {
            Some((addr, prefix)) if u128::from(addr) & !mask(prefix) == 0 => {
                cidr = Some((addr, prefix));
            }
            Some((addr, prefix)) => out.push(invalid(
                f.span,
                text,
                "a network: it has host bits set",
                &format!(
                    "write the network's own address, `{}/{prefix}`",
                    Ipv6Addr::from(u128::from(addr) & mask(prefix))
                ),
            )),
            None => out.push(invalid(
                f.span,
                text,
                "an IPv6 network",
                "write an IPv6 network with its prefix length, such as \"2001:db8:10::/64\"",
            )),
        }
    }
    let mut gateway = None;
    if let Some(f) = r.fields.get("gateway6")
        && let Value::Str(text) = &f.value
    {
        match text.parse::<Ipv6Addr>() {
            Ok(g) => match cidr {
                Some((net, prefix)) if !within(g, net, prefix) => {
                    out.push(outside(f.span, g, &format!("{net}/{prefix}")))
                }
                None if r.fields.get("cidr6").is_none() => out.push(
                    Diagnostic::error(
                        Code::Ipv6OutsideNetwork,
                        "`gateway6` on a network without `cidr6`".to_string(),
                    )
                    .with_primary(f.span, "no IPv6 network to be the gateway of")
                    .with_help("declare the network's IPv6 prefix as `cidr6`"),
                ),
                _ => gateway = Some(g),
            },
            Err(_) => out.push(invalid(
                f.span,
                text,
                "an IPv6 address",
                "write the router's address, such as \"2001:db8:10::1\" or \"fe80::1\"",
            )),
        }
    }
    let cidr = cidr.map(|(a, p)| format!("{a}/{p}"));
    (cidr, gateway)
}

fn within(addr: Ipv6Addr, net: Ipv6Addr, prefix: u8) -> bool {
    // A link-local gateway (fe80::/10) is what routers advertise: it is always on
    // the link.
    let link_local = u128::from(addr) >> 118 == 0x3FA;
    link_local || u128::from(addr) & mask(prefix) == u128::from(net)
}

fn outside(span: Span, addr: Ipv6Addr, network: &str) -> Diagnostic {
    Diagnostic::error(
        Code::Ipv6OutsideNetwork,
        format!("{addr} is not in {network}"),
    )
    .with_primary(span, "outside the network's `cidr6`")
    .with_help(format!("choose an address in {network}"))
}

/// A NIC's IPv6 configuration from its `ip6`, as the IR holds it: `slaac`, `dhcp`,
/// or `address/prefix` in its network's `cidr6`. `taken` holds the static addresses
/// already given, with where, so that two NICs never get one.
pub fn nic(
    r: &Record,
    network: &ir::Network,
    taken: &mut FxHashMap<Ipv6Addr, Span>,
    out: &mut Vec<Diagnostic>,
) -> Option<String> {
    let f = r.fields.get("ip6")?;
    let text = match &f.value {
        Value::Word(w) => return Some(w.clone()),
        Value::Str(text) => text,
        _ => return None,
    };
    let Ok(addr) = text.parse::<Ipv6Addr>() else {
        out.push(invalid(
            f.span,
            text,
            "an IPv6 address",
            "write `slaac`, `dhcp`, or an address without its prefix, such as \"2001:db8:10::5\"",
        ));
        return None;
    };
    let Some((net, prefix)) = network.cidr6.as_deref().and_then(parse_cidr) else {
        out.push(
            Diagnostic::error(
                Code::Ipv6OutsideNetwork,
                format!(
                    "a static IPv6 address on network `{}`, which has no `cidr6`",
                    network.name
                ),
            )
            .with_primary(f.span, "no IPv6 prefix to take it from")
            .with_help(format!(
                "declare network `{}`'s IPv6 prefix as `cidr6`, or use `ip6 = slaac`",
                network.name
            )),
        );
        return None;
    };
    if u128::from(addr) & mask(prefix) != u128::from(net) {
        out.push(outside(f.span, addr, &format!("{net}/{prefix}")));
        return None;
    }
    if let Some(first) = taken.get(&addr) {
        out.push(
            Diagnostic::error(Code::Ipv6InUse, format!("{addr} is given to two NICs"))
                .with_primary(f.span, "given here")
                .with_secondary(*first, "and here")
                .with_help("give each NIC its own address"),
        );
        return None;
    }
    taken.insert(addr, f.span);
    Some(format!("{addr}/{prefix}"))
}
