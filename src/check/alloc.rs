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
    /// Addresses taken, per network.
    addresses: BTreeMap<(String, Ipv4Addr), Span>,
    macs: BTreeSet<String>,
    /// What the old lock gave to guests and NICs that still exist: new ones skip it,
    /// so that a guest allocated later in this build still finds its own.
    reserved_vmids: BTreeMap<u32, String>,
    reserved_addresses: BTreeMap<Ipv4Addr, String>,
    reserved_macs: BTreeSet<String>,
    /// Where the search for the lowest free VMID (and address, per network) resumes:
    /// nothing is freed during a build, so the lowest free one only moves up.
    next_vmid: u32,
    next_address: BTreeMap<String, u32>,
}

impl<'l> Allocator<'l> {
    /// `live` holds the keys of every guest and NIC of this build: what the old lock
    /// gave to keys that are gone is free again.
    pub fn new(old: &'l Lock, range: ir::IdRange, live: &BTreeSet<String>) -> Allocator<'l> {
        let is_live = |k: &String| live.contains(k.as_str());
        Allocator {
            old,
            new: Lock::default(),
            range,
            vmids: BTreeMap::new(),
            addresses: BTreeMap::new(),
            macs: BTreeSet::new(),
            reserved_vmids: old
                .vmids
                .iter()
                .filter(|(k, _)| is_live(k))
                .map(|(k, v)| (*v, k.clone()))
                .collect(),
            reserved_addresses: old
                .addresses
                .iter()
                .filter(|(k, _)| is_live(k))
                .map(|(k, a)| (*a, k.clone()))
                .collect(),
            reserved_macs: old
                .macs
                .iter()
                .filter(|(k, _)| is_live(k))
                .map(|(_, m)| m.clone())
                .collect(),
            next_vmid: range.first,
            next_address: BTreeMap::new(),
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
    pub fn claim_address(
        &mut self,
        network: &str,
        addr: Ipv4Addr,
        span: Span,
        out: &mut Vec<Diagnostic>,
    ) {
        let key = (network.to_string(), addr);
        match self.addresses.get(&key) {
            Some(first) => out.push(estate::duplicate_address(addr, span, *first)),
            None => {
                self.addresses.insert(key, span);
            }
        }
    }

    /// The VMID of a guest written as `auto`: the locked one if still free and in range,
    /// else the lowest free one that no other guest holds in the lock.
    pub fn vmid(&mut self, key: &GuestKey, span: Span, out: &mut Vec<Diagnostic>) -> u32 {
        let in_range = |v: u32| self.range.first <= v && v <= self.range.last;
        let locked = self.old.vmids.get(&key.0).copied();
        let vmid = match locked {
            Some(v) if in_range(v) && !self.vmids.contains_key(&v) => Some(v),
            _ => {
                let start = self.next_vmid.max(self.range.first);
                let free = (start..=self.range.last).find(|v| {
                    !self.vmids.contains_key(v)
                        && self
                            .reserved_vmids
                            .get(v)
                            .is_none_or(|owner| *owner == key.0)
                });
                if let Some(v) = free {
                    self.next_vmid = v;
                }
                free
            }
        };
        let Some(vmid) = vmid else {
            out.push(estate::vmids_exhausted(span, self.range));
            return 0;
        };
        self.vmids.insert(vmid, (key.clone(), span));
        self.new.vmids.insert(key.0.clone(), vmid);
        vmid
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
        let name = network.name.clone();
        let taken = |a: Ipv4Addr, addresses: &BTreeMap<(String, Ipv4Addr), Span>| {
            addresses.contains_key(&(name.clone(), a))
        };
        let locked = self.old.addresses.get(key).copied();
        let addr = match locked {
            Some(a) if usable(a) && !taken(a, &self.addresses) => Some(a),
            _ => {
                let start = self
                    .next_address
                    .get(&network.name)
                    .copied()
                    .unwrap_or(u32::from(pool.first))
                    .max(u32::from(pool.first));
                let free = (start..=u32::from(pool.last))
                    .map(Ipv4Addr::from)
                    .find(|a| {
                        usable(*a)
                            && !taken(*a, &self.addresses)
                            && self
                                .reserved_addresses
                                .get(a)
                                .is_none_or(|owner| owner == key)
                    });
                if let Some(a) = free {
                    self.next_address.insert(network.name.clone(), u32::from(a));
                }
                free
            }
        };
        let Some(addr) = addr else {
            out.push(estate::pool_exhausted(span, network));
            return None;
        };
        self.addresses.insert((network.name.clone(), addr), span);
        self.new.addresses.insert(key.to_string(), addr);
        Some(addr)
    }

    /// The MAC of a NIC: the locked one, else one derived from its key (stable without
    /// the lock too), moved on past any collision.
    pub fn mac(&mut self, key: &str) -> String {
        let mac = match self.old.macs.get(key) {
            Some(m) if is_mac(m) && !self.macs.contains(m) => m.clone(),
            _ => {
                // 24 bits after the prefix: collisions are likely from a few thousand
                // NICs on, so step to the next free value (there are 16 million).
                let mut value = (fnv1a(key.as_bytes()) >> 40) as u32;
                let mut candidate = format_mac(value);
                for _ in 0..MAC_SPACE {
                    if !self.macs.contains(&candidate) && !self.reserved_macs.contains(&candidate) {
                        break;
                    }
                    value = (value + 1) % MAC_SPACE;
                    candidate = format_mac(value);
                }
                candidate
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

/// Six hex pairs of a unicast address: what a locked MAC must be to be kept.
fn is_mac(text: &str) -> bool {
    let parts: Vec<&str> = text.split(':').collect();
    parts.len() == 6
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_hexdigit()))
        && u8::from_str_radix(parts[0], 16).is_ok_and(|b| b & 1 == 0)
}

/// How many MACs the prefix leaves.
const MAC_SPACE: u32 = 1 << 24;

/// The MAC with the prefix and the low 24 bits of `value`.
fn format_mac(value: u32) -> String {
    let [_, a, b, c] = value.to_be_bytes();
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
    fn macs_are_unique_stable_and_use_the_proxmox_prefix() {
        let lock = Lock::default();
        let range = ir::IdRange {
            first: 100,
            last: 200,
        };
        let mut first = Allocator::new(&lock, range, &BTreeSet::new());
        // Far past the first collisions of 24-bit hashes.
        let macs: Vec<String> = (0..50_000)
            .map(|i| first.mac(&format!("vm/v{i}/lan")))
            .collect();
        let unique: BTreeSet<&String> = macs.iter().collect();
        assert_eq!(unique.len(), macs.len());
        assert!(macs.iter().all(|m| m.starts_with("BC:24:11:") && is_mac(m)));
        let mut second = Allocator::new(&lock, range, &BTreeSet::new());
        assert_eq!(second.mac("vm/v0/lan"), macs[0]);
    }

    #[test]
    fn a_locked_mac_that_is_not_a_mac_is_replaced() {
        let mut lock = Lock::default();
        lock.macs.insert("vm/a/lan".into(), "garbage".into());
        let range = ir::IdRange {
            first: 100,
            last: 200,
        };
        let mut alloc = Allocator::new(&lock, range, &BTreeSet::new());
        assert!(is_mac(&alloc.mac("vm/a/lan")));
    }
}
