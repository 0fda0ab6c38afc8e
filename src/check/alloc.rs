//! Allocation of VMIDs, addresses and MACs. What the lock file recorded is kept while
//! it is still valid; only what is new is allocated, lowest free first, so that adding,
//! removing or reordering guests never moves an existing one.
//!
//! A build of a large project asks for tens of thousands of allocations: the old lock
//! is read through hash indexes (its keys share long prefixes, which makes ordered
//! lookups compare many bytes), and the new one is gathered in lists and sorted once.

use super::estate;
use super::joined;
use super::lock::Lock;
use crate::diag::Diagnostic;
use crate::ir;
use crate::source::Span;
use rustc_hash::{FxHashMap, FxHashSet};
use std::net::Ipv4Addr;

/// What an allocation belongs to: `vm/web-01`, `template/ubuntu-2404`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct GuestKey(pub String);

impl GuestKey {
    /// The key of something of the guest's: `vm/web-01/lan`, `template/t/base`.
    pub fn child(&self, name: &str) -> String {
        joined(&self.0, '/', name)
    }
}

/// Which of the cluster's VMID ranges an allocation comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Range {
    Guests,
    Templates,
}

/// Below this many lock entries per thread, the old lock is read on one thread.
const MIN_LOCK_ENTRIES_PER_THREAD: usize = 4096;

/// Proxmox's own prefix for generated MACs (BC:24:11), so pxic's look like theirs.
const MAC_PREFIX: [u8; 3] = [0xBC, 0x24, 0x11];

/// A table of the old lock (VMIDs or addresses), read in one pass.
struct Indexed<'l, V> {
    /// Each key's value.
    by_key: FxHashMap<&'l str, V>,
    /// What it gave to guests and NICs that still exist: new ones skip it, so that a
    /// guest allocated later in this build still finds its own.
    reserved: FxHashMap<V, &'l str>,
    /// What it gave to guests and NICs that are gone: not given to a new one in the
    /// same build while anything else is free, since Terraform may create the new
    /// guest before it destroys the old one.
    retired: FxHashSet<V>,
}

/// The new lock's entries, in the order they were made.
struct Made {
    vmids: Vec<(String, u32)>,
    addresses: Vec<(String, Ipv4Addr)>,
    macs: Vec<(String, String)>,
}

pub struct Allocator<'l> {
    old_vmids: Indexed<'l, u32>,
    old_addresses: Indexed<'l, Ipv4Addr>,
    /// The old lock's MACs by key, and those of guests and NICs that still exist.
    old_macs: FxHashMap<&'l str, &'l str>,
    reserved_macs: FxHashSet<u64>,
    new: Made,
    range: ir::IdRange,
    /// The templates' own range, when the cluster keeps them apart.
    template_range: Option<ir::IdRange>,
    /// VMIDs taken, with where they were taken (for duplicate reports).
    vmids: FxHashMap<u32, Span>,
    /// Addresses taken, per network (there are few networks).
    addresses: Vec<(String, FxHashMap<Ipv4Addr, Span>)>,
    /// MACs taken, as 48-bit numbers.
    macs: FxHashSet<u64>,
    /// MACs written in the source, by NIC key, with where.
    fixed_macs: FxHashMap<String, (u64, Span)>,
    /// Static IPv6 addresses given (written only: pxic allocates none), with where.
    pub ipv6: FxHashMap<std::net::Ipv6Addr, Span>,
    /// Where the search for the lowest free VMID (and address, per network) resumes:
    /// nothing is freed during a build, so the lowest free one only moves up.
    next_vmid: u32,
    next_template_vmid: u32,
    next_address: FxHashMap<String, u32>,
    /// What `addresses` holds for a network with nothing taken yet.
    no_addresses: FxHashMap<Ipv4Addr, Span>,
}

impl<'l> Allocator<'l> {
    /// `is_live` says whether a key belongs to a guest or NIC of this build: what the
    /// old lock gave to keys that are gone is free again.
    pub fn new(
        old: &'l Lock,
        range: ir::IdRange,
        is_live: impl Fn(&str) -> bool + Sync,
    ) -> Allocator<'l> {
        // A large lock's VMIDs are sorted out on this thread while another core does
        // its addresses and MACs.
        let entries = old.vmids.len() + old.addresses.len() + old.macs.len();
        let parallel = crate::parallel::threads_for(entries, MIN_LOCK_ENTRIES_PER_THREAD) > 1;
        let (old_vmids, (old_addresses, old_macs, reserved_macs)) = crate::parallel::join(
            parallel,
            || index(&old.vmids, &is_live),
            || {
                let old_macs = old
                    .macs
                    .iter()
                    .map(|(k, m)| (k.as_str(), m.as_str()))
                    .collect();
                let reserved_macs = old
                    .macs
                    .iter()
                    .filter(|(k, _)| is_live(k))
                    .filter_map(|(_, m)| parse_mac(m))
                    .collect();
                (index(&old.addresses, &is_live), old_macs, reserved_macs)
            },
        );
        Allocator {
            old_vmids,
            old_addresses,
            old_macs,
            reserved_macs,
            // Sized for what the old lock holds: most builds allocate about as much.
            new: Made {
                vmids: Vec::with_capacity(old.vmids.len()),
                addresses: Vec::with_capacity(old.addresses.len()),
                macs: Vec::with_capacity(old.macs.len()),
            },
            range,
            template_range: None,
            vmids: FxHashMap::default(),
            addresses: Vec::new(),
            macs: FxHashSet::default(),
            fixed_macs: FxHashMap::default(),
            ipv6: FxHashMap::default(),
            next_vmid: range.first,
            next_template_vmid: 0,
            next_address: FxHashMap::default(),
            no_addresses: FxHashMap::default(),
        }
    }

    /// Records a VMID written in the source; a second guest with it is an error.
    pub fn claim_vmid(&mut self, vmid: u64, span: Span, out: &mut Vec<Diagnostic>) {
        let Some(vmid) = estate::check_vmid(vmid, span, out) else {
            return;
        };
        match self.vmids.get(&vmid) {
            Some(first) => out.push(estate::duplicate_vmid(vmid, span, *first)),
            None => {
                self.vmids.insert(vmid, span);
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

    /// Keeps the VMIDs of templates (and Packer's base VMs) written as `auto` in
    /// `range`, apart from the guests'.
    pub fn with_template_range(mut self, range: Option<ir::IdRange>) -> Allocator<'l> {
        self.template_range = range;
        if let Some(r) = range {
            self.next_template_vmid = r.first;
        }
        self
    }

    /// The VMID of a guest written as `auto`: the locked one if still free and in range,
    /// else the lowest free one that no other guest holds in the lock.
    pub fn vmid(&mut self, key: &GuestKey, span: Span, out: &mut Vec<Diagnostic>) -> u32 {
        self.vmid_in(key, span, out, Range::Guests)
    }

    /// The VMID of a template (or a Packer base VM) written as `auto`: from the
    /// cluster's `template_vmids` when it has them (a VMID the lock gave it in `vmids`
    /// is kept, so that declaring the range moves no template that exists), else as a
    /// guest's.
    pub fn template_vmid(&mut self, key: &GuestKey, span: Span, out: &mut Vec<Diagnostic>) -> u32 {
        match self.template_range {
            Some(_) => self.vmid_in(key, span, out, Range::Templates),
            None => self.vmid(key, span, out),
        }
    }

    fn vmid_in(
        &mut self,
        key: &GuestKey,
        span: Span,
        out: &mut Vec<Diagnostic>,
        which: Range,
    ) -> u32 {
        let (range, next) = match (which, self.template_range) {
            (Range::Templates, Some(r)) => (r, self.next_template_vmid),
            _ => (self.range, self.next_vmid),
        };
        let in_range = |v: u32| {
            let within = |r: ir::IdRange| r.first <= v && v <= r.last;
            within(range) || (which == Range::Templates && within(self.range))
        };
        let locked = self.old_vmids.by_key.get(key.0.as_str()).copied();
        let vmid = match locked {
            Some(v) if in_range(v) && !self.vmids.contains_key(&v) => Some(v),
            _ => {
                let start = next.max(range.first);
                // Retired VMIDs may lie below `start`: the fallback looks at them all.
                let free = |retired_too: bool| {
                    let from = if retired_too { range.first } else { start };
                    (from..=range.last).find(|v| {
                        !self.vmids.contains_key(v)
                            && self
                                .old_vmids
                                .reserved
                                .get(v)
                                .is_none_or(|owner| *owner == key.0.as_str())
                            && (retired_too || !self.old_vmids.retired.contains(v))
                    })
                };
                let fresh = free(false);
                // The search resumes where a fresh one was found: below it, only
                // taken or retired VMIDs are left.
                if let Some(v) = fresh {
                    match which {
                        Range::Templates => self.next_template_vmid = v,
                        Range::Guests => self.next_vmid = v,
                    }
                }
                fresh.or_else(|| free(true))
            }
        };
        let Some(vmid) = vmid else {
            out.push(estate::vmids_exhausted(
                span,
                range,
                match which {
                    Range::Templates => "template_vmids",
                    Range::Guests => "vmids",
                },
            ));
            return 0;
        };
        self.vmids.insert(vmid, span);
        self.new.vmids.push((key.0.clone(), vmid));
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
        let taken: &FxHashMap<Ipv4Addr, Span> = self
            .addresses
            .iter()
            .find(|(n, _)| *n == network.name)
            .map_or(&self.no_addresses, |(_, taken)| taken);
        let locked = self.old_addresses.by_key.get(key).copied();
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
                                .old_addresses
                                .reserved
                                .get(a)
                                .is_none_or(|owner| *owner == key)
                            && (retired_too || !self.old_addresses.retired.contains(a))
                    })
                };
                let fresh = free(false);
                if let Some(a) = fresh {
                    match self.next_address.get_mut(&network.name) {
                        Some(next) => *next = u32::from(a),
                        None => {
                            self.next_address.insert(network.name.clone(), u32::from(a));
                        }
                    }
                }
                fresh.or_else(|| free(true))
            }
        };
        let Some(addr) = addr else {
            out.push(estate::pool_exhausted(span, network));
            return None;
        };
        // The lock's address for this NIC, taken by an address written for another
        // guest (only those can take one the lock holds for a live NIC): this guest
        // moves, which only `pxic diff` would otherwise show.
        if let Some(locked) = locked.filter(|a| *a != addr && usable(*a))
            && let Some(written) = taken.get(&locked)
        {
            out.push(estate::address_taken_from_guest(
                key, locked, addr, *written, span,
            ));
        }
        self.taken_in(&network.name).insert(addr, span);
        self.new.addresses.push((key.to_string(), addr));
        Some(addr)
    }

    /// Records a MAC written in the source (`mac = "…"`, already checked to be one)
    /// for the NIC `key`. Another NIC written with it, or one the lock gives it to,
    /// is an error: Proxmox would take it, and the network would see two machines
    /// at one MAC.
    pub fn claim_mac(&mut self, key: &str, mac: u64, span: Span, out: &mut Vec<Diagnostic>) {
        if let Some((other, (_, first))) = self.fixed_macs.iter().find(|(_, (m, _))| *m == mac) {
            out.push(super::nics::mac_in_use(
                &format_mac(mac),
                span,
                super::nics::MacOwner::Written(other, *first),
            ));
            return;
        }
        let own = self.old_macs.get(key).copied().and_then(parse_mac) == Some(mac);
        if !own && self.reserved_macs.contains(&mac) {
            let owner = self
                .old_macs
                .iter()
                .find(|(k, m)| **k != key && parse_mac(m) == Some(mac))
                .map_or("", |(k, _)| *k);
            out.push(super::nics::mac_in_use(
                &format_mac(mac),
                span,
                super::nics::MacOwner::Locked(owner),
            ));
            return;
        }
        self.macs.insert(mac);
        self.fixed_macs.insert(key.to_string(), (mac, span));
    }

    /// The MAC of a NIC: the one written for it, else the locked one, else one
    /// derived from its key (stable without the lock too), moved on past any
    /// collision.
    pub fn mac(&mut self, key: &str) -> String {
        if let Some((mac, _)) = self.fixed_macs.get(key) {
            let text = format_mac(*mac);
            self.new.macs.push((key.to_string(), text.clone()));
            return text;
        }
        let locked = self.old_macs.get(key).copied();
        let mac = match locked.and_then(parse_mac) {
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
            Some(m) if parse_mac(m) == Some(mac) => m.to_string(),
            _ => format_mac(mac),
        };
        self.new.macs.push((key.to_string(), text.clone()));
        text
    }

    /// The addresses taken in a network, to read or add to.
    fn taken_in(&mut self, network: &str) -> &mut FxHashMap<Ipv4Addr, Span> {
        let at = match self.addresses.iter().position(|(n, _)| n == network) {
            Some(at) => at,
            None => {
                self.addresses
                    .push((network.to_string(), FxHashMap::default()));
                self.addresses.len() - 1
            }
        };
        &mut self.addresses[at].1
    }

    /// The new lock: what this build allocated (a key given twice keeps its last).
    pub fn into_lock(self) -> Lock {
        Lock {
            version: 0,
            vmids: self.new.vmids.into_iter().collect(),
            addresses: self.new.addresses.into_iter().collect(),
            macs: self.new.macs.into_iter().collect(),
        }
    }
}

/// A table of the old lock, indexed by key and by whether its key is still live.
fn index<'l, V: Copy + Eq + std::hash::Hash>(
    table: &'l std::collections::BTreeMap<String, V>,
    is_live: impl Fn(&str) -> bool,
) -> Indexed<'l, V> {
    let mut indexed = Indexed {
        by_key: FxHashMap::with_capacity_and_hasher(table.len(), Default::default()),
        reserved: FxHashMap::default(),
        retired: FxHashSet::default(),
    };
    for (key, value) in table {
        indexed.by_key.insert(key.as_str(), *value);
        if is_live(key) {
            indexed.reserved.insert(*value, key.as_str());
        } else {
            indexed.retired.insert(*value);
        }
    }
    indexed
}

/// A locked MAC as a number, if it is six hex pairs of a unicast address (only then
/// is it kept).
pub fn parse_mac(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    if bytes.len() != 17 {
        return None;
    }
    let mut value = 0u64;
    for (i, pair) in bytes.chunks(3).enumerate() {
        if i < 5 && pair[2] != b':' {
            return None;
        }
        let digit = |c: u8| char::from(c).to_digit(16).map(u64::from);
        value = (value << 8) | (digit(pair[0])? << 4) | digit(pair[1])?;
    }
    let unicast = (value >> 40) & 1 == 0;
    unicast.then_some(value)
}

/// How many MACs the prefix leaves.
const MAC_SPACE: u32 = 1 << 24;

/// The MAC with the prefix and the low 24 bits of `low`.
fn with_prefix(low: u32) -> u64 {
    let prefix = u64::from_be_bytes([0, 0, MAC_PREFIX[0], MAC_PREFIX[1], MAC_PREFIX[2], 0, 0, 0]);
    prefix | u64::from(low & (MAC_SPACE - 1))
}

/// `BC:24:11:0A:1B:2C`.
pub fn format_mac(mac: u64) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = mac.to_be_bytes();
    let mut text = String::with_capacity(17);
    for (i, b) in bytes[2..].iter().enumerate() {
        if i > 0 {
            text.push(':');
        }
        text.push(char::from(HEX[usize::from(b >> 4)]));
        text.push(char::from(HEX[usize::from(b & 0xF)]));
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
        let mut first = Allocator::new(&lock, range, |_| false);
        // Far past the first collisions of 24-bit hashes.
        let macs: Vec<String> = (0..50_000)
            .map(|i| first.mac(&format!("vm/v{i}/lan")))
            .collect();
        let unique: std::collections::BTreeSet<&String> = macs.iter().collect();
        assert_eq!(unique.len(), macs.len());
        assert!(
            macs.iter()
                .all(|m| m.starts_with("BC:24:11:") && parse_mac(m).is_some())
        );
        let mut second = Allocator::new(&lock, range, |_| false);
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
        let mut alloc = Allocator::new(&lock, range, |_| false);
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
        let mut alloc = Allocator::new(&lock, range, |_| false);
        assert!(parse_mac(&alloc.mac("vm/a/lan")).is_some());
    }

    #[test]
    fn macs_read_and_print_as_six_hex_pairs() {
        assert_eq!(parse_mac("BC:24:11:0A:1B:2C"), Some(0xBC24_110A_1B2C));
        assert_eq!(parse_mac("bc:24:11:0a:1b:2c"), Some(0xBC24_110A_1B2C));
        assert_eq!(format_mac(0xBC24_110A_1B2C), "BC:24:11:0A:1B:2C");
        assert_eq!(format_mac(with_prefix(0)), "BC:24:11:00:00:00");
        for bad in [
            "",
            "BC:24:11:0A:1B",
            "BC:24:11:0A:1B:2C:3D",
            "BC-24-11-0A-1B-2C",
            "BC:24:11:0A:1B:2G",
            "BC:24:11:0A:1B:+C",
            "BC:24:11:0A:1B2C:",
            "BC:24:11:0A:1B:2C ",
            // A multicast address (low bit of the first octet) is never kept.
            "01:24:11:0A:1B:2C",
        ] {
            assert_eq!(parse_mac(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_written_mac_is_kept_locked_and_never_derived_for_another_nic() {
        let mut lock = Lock::default();
        // The lock gave `vm/a/lan` this MAC; `vm/b/lan` is now written with it.
        lock.macs
            .insert("vm/a/lan".into(), "BC:24:11:00:00:01".into());
        lock.macs
            .insert("vm/c/lan".into(), "BC:24:11:00:00:02".into());
        let range = ir::IdRange {
            first: 100,
            last: 200,
        };
        let at = Span::new(crate::source::FileId::DETACHED, 0, 0);
        let mut alloc = Allocator::new(&lock, range, |_| true);
        let mut out = Vec::new();
        alloc.claim_mac("vm/b/lan", 0xBC24_1100_0001, at, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code, crate::diag::Code::MacInUse);
        // Written for the NIC the lock gave it to: no conflict.
        let mut out = Vec::new();
        alloc.claim_mac("vm/c/lan", 0xBC24_1100_0002, at, &mut out);
        // A fresh one, written in lower case elsewhere, is claimed in capitals.
        alloc.claim_mac("vm/d/lan", 0x02AB_CD00_0001, at, &mut out);
        assert!(out.is_empty());
        assert_eq!(alloc.mac("vm/c/lan"), "BC:24:11:00:00:02");
        assert_eq!(alloc.mac("vm/d/lan"), "02:AB:CD:00:00:01");
        // Written twice: the second is refused.
        alloc.claim_mac("vm/e/lan", 0x02AB_CD00_0001, at, &mut out);
        assert_eq!(out.len(), 1);
        let lock = alloc.into_lock();
        assert_eq!(lock.macs["vm/d/lan"], "02:AB:CD:00:00:01");
        assert_eq!(lock.macs["vm/c/lan"], "BC:24:11:00:00:02");
    }

    #[test]
    fn a_locked_key_that_is_gone_gives_its_vmid_up_last() {
        let mut lock = Lock::default();
        lock.vmids.insert("vm/gone".into(), 100);
        lock.vmids.insert("vm/kept".into(), 101);
        let range = ir::IdRange {
            first: 100,
            last: 103,
        };
        let mut alloc = Allocator::new(&lock, range, |key| key == "vm/kept");
        let mut out = Vec::new();
        let at = Span::new(crate::source::FileId::DETACHED, 0, 0);
        // The new guest passes over the retired 100 and the reserved 101.
        assert_eq!(alloc.vmid(&GuestKey("vm/new".into()), at, &mut out), 102);
        assert_eq!(alloc.vmid(&GuestKey("vm/kept".into()), at, &mut out), 101);
        assert_eq!(alloc.vmid(&GuestKey("vm/other".into()), at, &mut out), 103);
        // Only the retired one is left.
        assert_eq!(alloc.vmid(&GuestKey("vm/last".into()), at, &mut out), 100);
        assert!(out.is_empty());
        let lock = alloc.into_lock();
        let keys: Vec<&str> = lock.vmids.keys().map(String::as_str).collect();
        assert_eq!(keys, ["vm/kept", "vm/last", "vm/new", "vm/other"]);
    }
}
