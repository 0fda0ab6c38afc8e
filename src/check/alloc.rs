//! Allocation of VMIDs, addresses and MACs. What the lock file recorded is kept while
//! it is still valid; only what is new is allocated, lowest free first, so that adding,
//! removing or reordering guests never moves an existing one.

use super::estate;
use super::lock::Lock;
use crate::diag::Diagnostic;
use crate::ir;
use crate::source::Span;
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

/// What an allocation belongs to: `vm/web-01`, `template/ubuntu-2404`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct GuestKey(pub String);

/// Proxmox's own prefix for generated MACs (BC:24:11), so pxic's look like theirs.
const MAC_PREFIX: [u8; 3] = [0xBC, 0x24, 0x11];

pub struct Allocator<'l> {
    old: &'l Lock,
    new: Lock,
    range: ir::IdRange,
    /// VMIDs taken, with where they were taken (for duplicate reports).
    vmids: BTreeMap<u32, (GuestKey, Span)>,
    addresses: BTreeMap<Ipv4Addr, Span>,
    macs: BTreeSet<String>,
}

impl<'l> Allocator<'l> {
    pub fn new(old: &'l Lock, range: ir::IdRange) -> Allocator<'l> {
        Allocator {
            old,
            new: Lock::default(),
            range,
            vmids: BTreeMap::new(),
            addresses: BTreeMap::new(),
            macs: BTreeSet::new(),
        }
    }

    /// Records a VMID written in the source; a second guest with it is an error.
    pub fn claim_vmid(&mut self, key: GuestKey, vmid: u64, span: Span, out: &mut Vec<Diagnostic>) {
        let Some(vmid) = estate::check_vmid(vmid, span, out) else {
            return;
        };
        match self.vmids.get(&vmid) {
            Some((_, first)) => out.push(estate::duplicate_vmid(vmid, span, *first)),
            None => {
                self.vmids.insert(vmid, (key, span));
            }
        }
    }

    /// Records an address written in the source.
    pub fn claim_address(&mut self, addr: Ipv4Addr, span: Span, out: &mut Vec<Diagnostic>) {
        match self.addresses.get(&addr) {
            Some(first) => out.push(estate::duplicate_address(addr, span, *first)),
            None => {
                self.addresses.insert(addr, span);
            }
        }
    }

    /// The VMID of a guest written as `auto`: the locked one if still free and in range,
    /// else the lowest free one.
    pub fn vmid(&mut self, key: &GuestKey, span: Span, out: &mut Vec<Diagnostic>) -> u32 {
        let in_range = |v: u32| self.range.first <= v && v <= self.range.last;
        let locked = self.old.vmids.get(&key.0).copied();
        let vmid = match locked {
            Some(v) if in_range(v) && !self.vmids.contains_key(&v) => Some(v),
            _ => (self.range.first..=self.range.last)
                .find(|v| !self.vmids.contains_key(v) && !self.locked_by_other(*v, key)),
        };
        let Some(vmid) = vmid else {
            out.push(estate::vmids_exhausted(span, self.range));
            return 0;
        };
        self.vmids.insert(vmid, (key.clone(), span));
        self.new.vmids.insert(key.0.clone(), vmid);
        vmid
    }

    /// Whether the old lock gave this VMID to another guest that still exists or may
    /// come back; new guests skip those so a guest removed for a moment keeps its id.
    fn locked_by_other(&self, vmid: u32, key: &GuestKey) -> bool {
        self.old
            .vmids
            .iter()
            .any(|(k, v)| *v == vmid && *k != key.0)
    }

    /// The address of a NIC written as `ip = auto`.
    pub fn address(
        &mut self,
        key: &str,
        network: &ir::Network,
        span: Span,
        out: &mut Vec<Diagnostic>,
    ) -> Option<Ipv4Addr> {
        let Some(pool) = network.pool else {
            out.push(estate::no_pool(span, &network.name));
            return None;
        };
        let usable = |a: Ipv4Addr| {
            pool.first <= a
                && a <= pool.last
                && estate::host_address_in(a, network)
                && Some(a) != network.gateway
        };
        let locked = self.old.addresses.get(key).copied();
        let addr = match locked {
            Some(a) if usable(a) && !self.addresses.contains_key(&a) => Some(a),
            _ => {
                let locked_elsewhere: BTreeSet<Ipv4Addr> = self
                    .old
                    .addresses
                    .iter()
                    .filter(|(k, _)| k.as_str() != key)
                    .map(|(_, a)| *a)
                    .collect();
                (u32::from(pool.first)..=u32::from(pool.last))
                    .map(Ipv4Addr::from)
                    .find(|a| {
                        usable(*a)
                            && !self.addresses.contains_key(a)
                            && !locked_elsewhere.contains(a)
                    })
            }
        };
        let Some(addr) = addr else {
            out.push(estate::pool_exhausted(span, network));
            return None;
        };
        self.addresses.insert(addr, span);
        self.new.addresses.insert(key.to_string(), addr);
        Some(addr)
    }

    /// The MAC of a NIC: the locked one, else one derived from its key (stable without
    /// the lock too), moved on past any collision.
    pub fn mac(&mut self, key: &str) -> String {
        let mac = match self.old.macs.get(key) {
            Some(m) if !self.macs.contains(m) => m.clone(),
            _ => {
                let mut seed = fnv1a(key.as_bytes());
                loop {
                    let candidate = format_mac(seed);
                    if !self.macs.contains(&candidate)
                        && !self.old.macs.values().any(|m| *m == candidate)
                    {
                        break candidate;
                    }
                    seed = seed.wrapping_add(1);
                }
            }
        };
        self.macs.insert(mac.clone());
        self.new.macs.insert(key.to_string(), mac.clone());
        mac
    }

    pub fn into_lock(self) -> Lock {
        self.new
    }
}

fn format_mac(seed: u64) -> String {
    let [a, b, c, ..] = seed.to_be_bytes();
    let bytes = [MAC_PREFIX[0], MAC_PREFIX[1], MAC_PREFIX[2], a, b, c];
    let parts: Vec<String> = bytes.iter().map(|b| format!("{b:02X}")).collect();
    parts.join(":")
}

/// FNV-1a: a fixed, tiny hash, so derived MACs are the same on every machine.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macs_are_stable_and_use_the_proxmox_prefix() {
        assert_eq!(
            format_mac(fnv1a(b"vm/web-01/lan")),
            format_mac(fnv1a(b"vm/web-01/lan"))
        );
        assert!(format_mac(fnv1a(b"x")).starts_with("BC:24:11:"));
    }
}
