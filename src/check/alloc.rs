//! Allocation of VMIDs, addresses and MACs. What the lock file recorded is kept while
//! it is still valid; only what is new is allocated, lowest free first, so that adding,
//! removing or reordering guests never moves an existing one.

use super::estate;
use super::lock::Lock;
use crate::diag::Diagnostic;
use crate::ir;
use crate::source::Span;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write;
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
    addresses: HashMap<String, HashMap<Ipv4Addr, Span>>,
    /// MACs taken, as 48-bit numbers.
    macs: HashSet<u64>,
    /// What the old lock gave to guests and NICs that still exist: new ones skip it,
    /// so that a guest allocated later in this build still finds its own.
    reserved_vmids: BTreeMap<u32, String>,
    reserved_addresses: BTreeMap<Ipv4Addr, String>,
    reserved_macs: HashSet<u64>,
    /// What the old lock gave to guests and NICs that are gone: not given to a new one
    /// in the same build while anything else is free, since Terraform may create the
    /// new guest before it destroys the old one.
    retired_vmids: HashSet<u32>,
    retired_addresses: HashSet<Ipv4Addr>,
    /// Where the search for the lowest free VMID (and address, per network) resumes:
    /// nothing is freed during a build, so the lowest free one only moves up.
    next_vmid: u32,
    next_address: BTreeMap<String, u32>,
    /// What `addresses` holds for a network with nothing taken yet.
    no_addresses: HashMap<Ipv4Addr, Span>,
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
            addresses: HashMap::new(),
            macs: HashSet::new(),
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
                .filter_map(|(_, m)| parse_mac(m))
                .collect(),
            retired_vmids: old
                .vmids
                .iter()
                .filter(|(k, _)| !is_live(k))
                .map(|(_, v)| *v)
                .collect(),
            retired_addresses: old
                .addresses
                .iter()
                .filter(|(k, _)| !is_live(k))
                .map(|(_, a)| *a)
                .collect(),
            next_vmid: range.first,
            next_address: BTreeMap::new(),
            no_addresses: HashMap::new(),
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
        let taken = self.taken_in(network);
        match taken.get(&addr) {
            Some(first) => out.push(estate::duplicate_address(addr, span, *first)),
            None => {
                taken.insert(addr, span);
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
                // Retired VMIDs may lie below `start`: the fallback looks at them all.
                let free = |retired_too: bool| {
                    let from = if retired_too { self.range.first } else { start };
                    (from..=self.range.last).find(|v| {
                        !self.vmids.contains_key(v)
                            && self
                                .reserved_vmids
                                .get(v)
                                .is_none_or(|owner| *owner == key.0)
                            && (retired_too || !self.retired_vmids.contains(v))
                    })
                };
                let fresh = free(false);
                // The search resumes where a fresh one was found: below it, only
                // taken or retired VMIDs are left.
                if let Some(v) = fresh {
                    self.next_vmid = v;
                }
                fresh.or_else(|| free(true))
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
        let taken: &HashMap<Ipv4Addr, Span> = self
            .addresses
            .get(&network.name)
            .unwrap_or(&self.no_addresses);
        let locked = self.old.addresses.get(key).copied();
        let addr = match locked {
            Some(a) if usable(a) && !taken.contains_key(&a) => Some(a),
            _ => {
                let start = self
                    .next_address
                    .get(&network.name)
                    .copied()
                    .unwrap_or(u32::from(pool.first))
                    .max(u32::from(pool.first));
                let free = |retired_too: bool| {
                    let from = if retired_too {
                        u32::from(pool.first)
                    } else {
                        start
                    };
                    (from..=u32::from(pool.last)).map(Ipv4Addr::from).find(|a| {
                        usable(*a)
                            && !taken.contains_key(a)
                            && self
                                .reserved_addresses
                                .get(a)
                                .is_none_or(|owner| owner == key)
                            && (retired_too || !self.retired_addresses.contains(a))
                    })
                };
                let fresh = free(false);
                if let Some(a) = fresh {
                    self.next_address.insert(network.name.clone(), u32::from(a));
                }
                fresh.or_else(|| free(true))
            }
        };
        let Some(addr) = addr else {
            out.push(estate::pool_exhausted(span, network));
            return None;
        };
        self.taken_in(&network.name).insert(addr, span);
        self.new.addresses.insert(key.to_string(), addr);
        Some(addr)
    }

    /// The MAC of a NIC: the locked one, else one derived from its key (stable without
    /// the lock too), moved on past any collision.
    pub fn mac(&mut self, key: &str) -> String {
        let locked = self.old.macs.get(key);
        let mac = match locked.and_then(|m| parse_mac(m)) {
            Some(m) if !self.macs.contains(&m) => m,
            _ => {
                // 24 bits after the prefix: collisions are likely from a few thousand
                // NICs on, so step to the next free value (there are 16 million).
                let mut low = (fnv1a(key.as_bytes()) >> 40) as u32;
                for _ in 0..MAC_SPACE {
                    let candidate = with_prefix(low);
                    if !self.macs.contains(&candidate) && !self.reserved_macs.contains(&candidate) {
                        break;
                    }
                    low = (low + 1) % MAC_SPACE;
                }
                with_prefix(low)
            }
        };
        self.macs.insert(mac);
        // A kept MAC keeps its spelling (lower case stays lower case).
        let text = match locked {
            Some(m) if parse_mac(m) == Some(mac) => m.clone(),
            _ => format_mac(mac),
        };
        self.new.macs.insert(key.to_string(), text.clone());
        text
    }

    /// The addresses taken in a network, to read or add to.
    fn taken_in(&mut self, network: &str) -> &mut HashMap<Ipv4Addr, Span> {
        self.addresses.entry(network.to_string()).or_default()
    }

    pub fn into_lock(self) -> Lock {
        self.new
    }
}

/// A locked MAC as a number, if it is six hex pairs of a unicast address (only then
/// is it kept).
fn parse_mac(text: &str) -> Option<u64> {
    let mut value = 0u64;
    let mut parts = 0;
    for part in text.split(':') {
        if part.len() != 2 || !part.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        value = (value << 8) | u64::from(u8::from_str_radix(part, 16).ok()?);
        parts += 1;
    }
    let unicast = (value >> 40) & 1 == 0;
    (parts == 6 && unicast).then_some(value)
}

/// How many MACs the prefix leaves.
const MAC_SPACE: u32 = 1 << 24;

/// The MAC with the prefix and the low 24 bits of `low`.
fn with_prefix(low: u32) -> u64 {
    let prefix = u64::from_be_bytes([0, 0, MAC_PREFIX[0], MAC_PREFIX[1], MAC_PREFIX[2], 0, 0, 0]);
    prefix | u64::from(low & (MAC_SPACE - 1))
}

/// `BC:24:11:0A:1B:2C`.
fn format_mac(mac: u64) -> String {
    let bytes = mac.to_be_bytes();
    let mut text = String::with_capacity(17);
    for (i, b) in bytes[2..].iter().enumerate() {
        if i > 0 {
            text.push(':');
        }
        let _ = write!(text, "{b:02X}");
    }
    text
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
        assert!(
            macs.iter()
                .all(|m| m.starts_with("BC:24:11:") && parse_mac(m).is_some())
        );
        let mut second = Allocator::new(&lock, range, &BTreeSet::new());
        assert_eq!(second.mac("vm/v0/lan"), macs[0]);
    }

    #[test]
    fn a_locked_mac_is_kept_as_written() {
        let mut lock = Lock::default();
        lock.macs
            .insert("vm/a/lan".into(), "bc:24:11:0a:0b:0c".into());
        let range = ir::IdRange {
            first: 100,
            last: 200,
        };
        let mut alloc = Allocator::new(&lock, range, &BTreeSet::new());
        assert_eq!(alloc.mac("vm/a/lan"), "bc:24:11:0a:0b:0c");
        // Taken already (in another spelling): the next NIC gets another.
        assert_ne!(alloc.mac("vm/b/lan").to_lowercase(), "bc:24:11:0a:0b:0c");
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
        assert!(parse_mac(&alloc.mac("vm/a/lan")).is_some());
    }
}
