//! Records → IR: reads each declaration's evaluated record into the typed IR,
//! resolving references to names and asking `alloc` for what is `auto`. Checks that
//! need several declarations at once live in `estate`.
//!
//! Allocation goes through the guests one at a time, in key order; VMs and containers
//! are built from what they were allocated, a large project's on other cores while
//! allocation goes on.

use super::alloc::{Allocator, GuestKey};
use super::errors;
use super::estate;
use super::eval::{BlockRecord, Record, Spanned, Value};
use super::expand::Declared;
use super::fidelity;
use super::firmware;
use super::guest_disks;
use super::guest_options;
use super::guest_roles;
use super::ipv6;
use super::joined;
use super::lock::Lock;
use super::names;
use super::nics;
use super::passthrough;
use crate::diag::Diagnostic;
use crate::ir::{self, Builder, Plan};
use crate::source::{SourceMap, Span};
use crate::syntax::ast::DeclKind;
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

/// The VMIDs pxic allocates from when the cluster does not say.
pub const DEFAULT_VMIDS: (u32, u32) = (100, 9999);

/// Typed reads of a record's fields; the evaluator already checked the types, so a
/// mismatch here means "absent".
pub(super) trait Fields {
    fn str(&self, name: &str) -> Option<String>;
    fn int(&self, name: &str) -> Option<u64>;
    fn bool(&self, name: &str) -> bool;
    fn size(&self, name: &str) -> Option<u64>;
    fn word(&self, name: &str) -> Option<String>;
    fn id(&self, name: &str) -> Option<usize>;
    fn strings(&self, name: &str) -> Vec<String>;
    fn ids(&self, name: &str) -> Vec<usize>;
    fn span(&self, name: &str) -> Option<Span>;
}

impl Fields for Record {
    fn str(&self, name: &str) -> Option<String> {
        self.text(name).map(str::to_string)
    }
    fn int(&self, name: &str) -> Option<u64> {
        match self.value(name).as_deref() {
            Some(Value::Int(n)) => Some(*n),
            _ => None,
        }
    }
    fn bool(&self, name: &str) -> bool {
        matches!(self.value(name).as_deref(), Some(Value::Bool(true)))
    }
    fn size(&self, name: &str) -> Option<u64> {
        match self.value(name).as_deref() {
            Some(Value::Size(n)) => Some(*n),
            _ => None,
        }
    }
    fn word(&self, name: &str) -> Option<String> {
        match self.value(name).as_deref() {
            Some(Value::Word(w)) => Some(w.clone()),
            _ => None,
        }
    }
    fn id(&self, name: &str) -> Option<usize> {
        match self.fields.get(name).map(|f| &f.value) {
            Some(Value::Ref(id)) => Some(*id),
            _ => None,
        }
    }
    fn strings(&self, name: &str) -> Vec<String> {
        list(self, name, |v| match v {
            Value::Str(s) | Value::Word(s) => Some(s.clone()),
            _ => None,
        })
    }
    fn ids(&self, name: &str) -> Vec<usize> {
        list(self, name, |v| match v {
            Value::Ref(id) => Some(*id),
            _ => None,
        })
    }
    fn span(&self, name: &str) -> Option<Span> {
        self.fields.get(name).map(|f| f.span)
    }
}

/// What guests are built against: the plan's hosts, networks, cluster and images.
#[derive(Clone, Copy)]
struct Known<'k> {
    hosts: &'k BTreeMap<String, (usize, ir::Host)>,
    networks: &'k BTreeMap<String, (usize, ir::Network)>,
    cluster: &'k ir::Cluster,
    images: &'k BTreeMap<String, ir::Image>,
}

/// VMs and containers built, by name, in the order built (they are put in maps at
/// the end, all at once: much faster than one insertion at a time).
struct Guests {
    vms: Vec<(String, ir::Vm)>,
    containers: Vec<(String, ir::Container)>,
}

/// What a VM or container was allocated before it is built: its VMID, and each of
/// its NICs (as [`Lowering::nic_specs`] resolved them) with the address and MAC, or
/// `None` where allocation failed (reported) and the NIC is left out.
struct Allocated<'k> {
    vmid: u32,
    nics: Vec<(NicSpec<'k>, Option<(ir::NicIp, String)>)>,
}

/// Fewer guests than this per thread are built on one thread.
const MIN_GUESTS_PER_THREAD: usize = 1024;

/// Guests are handed to be built in chunks of this many: enough to be worth handing
/// over, few enough that building starts soon after allocation does.
const GUESTS_PER_CHUNK: usize = 256;

/// A NIC block resolved on its guest's host, before anything is allocated.
struct NicSpec<'k> {
    network: &'k ir::Network,
    bridge: String,
    address: NicAddress,
    firewall: bool,
    /// Where `is_gateway = true` was written, if it was.
    is_gateway: Option<Span>,
    /// `model`, `queues`, `rate` and `mtu` as written (checked by [`nics::check_options`]).
    options: nics::Options,
    /// Its IPv6 configuration ([`ipv6::nic`]), checked.
    ipv6: Option<String>,
}

/// Where a NIC's address comes from.
enum NicAddress {
    /// Written in the source, with where.
    Static(Ipv4Addr, Span),
    /// `auto` or not written: allocated, and reported at this span if it cannot be.
    Auto(Span),
    /// `dhcp` or `none`, with where: nothing to allocate but the MAC.
    Unallocated(ir::NicIp, Span),
}

/// Builds the plan from every instance's record.
pub struct Lowering<'c> {
    pub instances: &'c [Declared],
    pub records: &'c [Record],
    pub sources: &'c SourceMap,
    pub out: &'c mut Vec<Diagnostic>,
    /// Where to point a problem of the whole project (the start of its first file).
    pub project_start: Option<Span>,
}

impl Lowering<'_> {
    /// The qualified names of the declarations a list attribute refers to, in order.
    fn qualified_refs(&self, r: &Record, name: &str) -> Vec<String> {
        r.ids(name).into_iter().map(|d| self.qualified(d)).collect()
    }

    /// See [`Declared::qualified`].
    fn qualified(&self, id: usize) -> String {
        self.instances[id].qualified().into_owned()
    }

    /// The declarations of a kind that belong in the plan: the project's own, and
    /// the stdlib's that the project uses.
    fn of_kind<'s>(
        &'s self,
        kind: DeclKind,
        used: &'s BTreeSet<usize>,
    ) -> impl Iterator<Item = usize> + 's {
        self.instances
            .iter()
            .enumerate()
            .filter(move |(id, i)| i.kind == kind && (i.module.is_none() || used.contains(id)))
            .map(|(id, _)| id)
    }

    /// The stdlib declarations the project refers to, directly or through others
    /// (a role's `depends`), so the plan does not carry the whole stdlib.
    fn used_stdlib(&self) -> BTreeSet<usize> {
        fn refs(record: &Record, found: &mut impl FnMut(usize)) {
            fn walk(value: &Value, found: &mut impl FnMut(usize)) {
                match value {
                    Value::Ref(id) => found(*id),
                    Value::List(items) => items.iter().for_each(|i| walk(&i.value, found)),
                    _ => {}
                }
            }
            record.fields.values().for_each(|f| walk(&f.value, found));
            record.blocks.iter().for_each(|b| refs(&b.record, found));
        }
        // What a record refers to in the stdlib, not seen before, is queued to be looked
        // into in turn. (Only that is kept: a large project refers to its own hosts and
        // templates many thousand times.)
        let instances = self.instances;
        let look_into = |record: &Record, used: &mut BTreeSet<usize>, queue: &mut Vec<usize>| {
            refs(record, &mut |id| {
                if instances[id].module.is_some() && used.insert(id) {
                    queue.push(id);
                }
            });
        };
        let mut used = BTreeSet::new();
        let mut queue: Vec<usize> = Vec::new();
        for (id, instance) in instances.iter().enumerate() {
            if instance.module.is_none() {
                look_into(&self.records[id], &mut used, &mut queue);
            }
        }
        while let Some(id) = queue.pop() {
            look_into(&self.records[id], &mut used, &mut queue);
        }
        used
    }

    fn origin(&self, id: usize) -> ir::Origin {
        let file = self.sources.get(self.instances[id].file);
        ir::Origin {
            file: file.map(|f| f.project_path.clone()).unwrap_or_default(),
        }
    }

    /// The whole plan, or `None` when the project has no cluster to build it for.
    pub fn plan(&mut self, lock: &Lock) -> (Option<Plan>, Lock) {
        let used = self.used_stdlib();
        let clusters: Vec<usize> = self.of_kind(DeclKind::Cluster, &used).collect();
        let cluster_id = match clusters.as_slice() {
            [one] => *one,
            [] => {
                let at = self
                    .instances
                    .iter()
                    .find(|i| i.module.is_none())
                    .map(|i| i.name_span)
                    .or(self.project_start);
                if let Some(at) = at {
                    self.out.push(estate::no_cluster(at));
                }
                return (None, lock.clone());
            }
            [first, rest @ ..] => {
                for other in rest {
                    self.out.push(estate::several_clusters(
                        self.instances[*other].name_span,
                        self.instances[*first].name_span,
                    ));
                }
                *first
            }
        };
        let cluster = self.cluster(cluster_id);
        let network_ids: Vec<usize> = self.of_kind(DeclKind::Network, &used).collect();
        let networks: BTreeMap<String, (usize, ir::Network)> = network_ids
            .into_iter()
            .map(|id| (self.qualified(id), (id, self.network(id))))
            .collect();
        let host_ids: Vec<usize> = self.of_kind(DeclKind::Host, &used).collect();
        let hosts: BTreeMap<String, (usize, ir::Host)> = host_ids
            .into_iter()
            .map(|id| (self.qualified(id), (id, self.host(id))))
            .collect();
        let (pci_mappings, usb_mappings) = {
            let records = self.records;
            let on_hosts: Vec<(&ir::Host, &Record)> =
                hosts.values().map(|(id, h)| (h, &records[*id])).collect();
            passthrough::mappings(&on_hosts, self.out)
        };
        let image_ids: Vec<usize> = self.of_kind(DeclKind::Image, &used).collect();
        let images: BTreeMap<String, ir::Image> = image_ids
            .into_iter()
            .map(|id| (self.qualified(id), self.image(id)))
            .collect();
        let role_ids: Vec<usize> = self.of_kind(DeclKind::Role, &used).collect();
        let roles: BTreeMap<String, ir::Role> = role_ids
            .into_iter()
            .map(|id| (self.qualified(id), self.role(id)))
            .collect();
        let pools: BTreeMap<String, ir::Pool> = self
            .of_kind(DeclKind::Pool, &used)
            .map(|id| {
                let r = &self.records[id];
                (
                    self.qualified(id),
                    ir::Pool {
                        name: self.qualified(id),
                        comment: r.str("comment"),
                    },
                )
            })
            .collect();

        // Every template, VM and container with its key, in key order, so that what is
        // new is allocated the same way whatever the order of files and declarations.
        let mut guests: Vec<(usize, GuestKey)> = self
            .instances
            .iter()
            .enumerate()
            .filter(|(_, i)| {
                matches!(
                    i.kind,
                    DeclKind::Template | DeclKind::Vm | DeclKind::Container
                )
            })
            .map(|(id, _)| (id, self.guest_key(id)))
            .collect();
        guests.sort_by(|a, b| a.1.cmp(&b.1));
        let guest_ids: rustc_hash::FxHashMap<&str, usize> = guests
            .iter()
            .map(|(id, key)| (key.0.as_str(), *id))
            .collect();
        // A renamed guest keeps what the lock gave its former name.
        let renames =
            fidelity::renames(self.records, self.instances, &guests, &guest_ids, self.out);
        let carried;
        let lock = if renames.is_empty() {
            lock
        } else {
            carried = fidelity::carry_over(lock, &renames);
            &carried
        };
        let mut alloc = Allocator::new(lock, cluster.vmids, |key| {
            self.is_live_key(key, &guest_ids, &networks)
        })
        .with_template_range(cluster.template_vmids);
        // Explicit VMIDs, addresses and MACs first, so that `auto` never takes one of
        // them.
        for (id, key) in &guests {
            let r = &self.records[*id];
            if let (Some(vmid), Some(span)) = (r.int("vmid"), r.span("vmid")) {
                alloc.claim_vmid(vmid, span, self.out);
            }
            let records = self.records;
            for nic in nic_blocks(&records[*id]) {
                if let (
                    Some(Spanned {
                        value: Value::Ipv4(addr),
                        span,
                    }),
                    Some((network, _)),
                ) = (nic.record.fields.get("ip"), &nic.label)
                {
                    alloc.claim_address(network, *addr, *span, self.out);
                }
                if let (
                    Some(Spanned {
                        value: Value::Str(text),
                        span,
                    }),
                    Some((network, _)),
                ) = (nic.record.fields.get("mac"), &nic.label)
                    && let Some(mac) = nics::check_mac(text, *span, self.out)
                {
                    alloc.claim_mac(&key.child(network), mac, *span, self.out);
                }
            }
        }
        let known = Known {
            hosts: &hosts,
            networks: &networks,
            cluster: &cluster,
            images: &images,
        };
        let mut templates = Vec::new();
        let guests_built = self.allocate_and_build(&guests, &known, &mut alloc, &mut templates);
        // A name built twice (reported already) keeps its last, as `insert` would.
        let templates: BTreeMap<String, ir::Template> = templates.into_iter().collect();
        let mut vms: BTreeMap<String, ir::Vm> = guests_built.vms.into_iter().collect();
        let containers: BTreeMap<String, ir::Container> =
            guests_built.containers.into_iter().collect();
        // Templates are referred to by VMs through their VMID; `agent = auto` follows
        // the template.
        let record_of = |kind: DeclKind, name: &str| {
            guest_ids
                .get(joined(kind.keyword(), '/', name).as_str())
                .map(|id| &self.records[*id])
        };
        let mut fidelity = Vec::new();
        for vm in vms.values_mut() {
            let Some(r) = record_of(DeclKind::Vm, &vm.guest.name) else {
                continue;
            };
            fidelity::check_cloud_init_sudo(r, &vm.guest.name, &mut fidelity);
            if let Some(t) = templates.get(&vm.template) {
                vm.template_vmid = t.vmid;
                vm.firmware = t.firmware.clone();
                let has_agent = fidelity::template_has_agent(t, &images, &roles);
                fidelity::settle_agent(vm, r, t, has_agent, &mut fidelity);
                nics::check_first_nic_on_clone_build(vm, r, t, &mut fidelity);
            }
        }
        passthrough::check_vms(
            &vms,
            |name| record_of(DeclKind::Vm, name),
            &pci_mappings,
            &usb_mappings,
            cluster.token.is_some(),
            &mut fidelity,
        );
        let token_span = self.records[cluster_id].span("token");
        for ct in containers.values() {
            if let Some(r) = record_of(DeclKind::Container, &ct.guest.name) {
                fidelity::check_container_root_only(ct, r, &cluster, token_span, &mut fidelity);
                guest_disks::check_bind_mounts(r, token_span, &mut fidelity);
            }
        }
        self.out.extend(fidelity);
        for (id, network) in networks.values() {
            estate::check_dns_bootstrap(network, &self.records[*id], &vms, &containers, self.out);
        }
        self.check_guest_roles(&guests, &roles, &templates, &vms, &containers, &images);
        let plan = Plan {
            version: ir::IR_VERSION,
            cluster,
            networks: networks.into_iter().map(|(k, (_, n))| (k, n)).collect(),
            hosts: hosts.into_iter().map(|(k, (_, h))| (k, h)).collect(),
            images,
            templates,
            roles,
            pools,
            vms,
            containers,
            pci_mappings: pci_mappings.into_iter().map(|(k, (m, _))| (k, m)).collect(),
            usb_mappings: usb_mappings.into_iter().map(|(k, (m, _))| (k, m)).collect(),
        };
        let new_lock = alloc.into_lock();
        (Some(plan), new_lock)
    }

    /// Each guest's roles against what it is and what it runs ([`guest_roles`]).
    fn check_guest_roles(
        &mut self,
        guests: &[(usize, GuestKey)],
        roles: &BTreeMap<String, ir::Role>,
        templates: &BTreeMap<String, ir::Template>,
        vms: &BTreeMap<String, ir::Vm>,
        containers: &BTreeMap<String, ir::Container>,
        images: &BTreeMap<String, ir::Image>,
    ) {
        use guest_roles::{GuestRoles, Kind};
        let family = |image: &str| {
            images
                .get(image)
                .map(|i| (i.family.as_str(), i.name.as_str()))
        };
        let role_spans: BTreeMap<String, Span> = self
            .instances
            .iter()
            .filter(|i| i.kind == DeclKind::Role && i.module.is_none())
            .map(|i| (i.qualified().into_owned(), i.name_span))
            .collect();
        let role_span = |name: &str| role_spans.get(name).copied();
        let records = self.records;
        for (id, _) in guests {
            let name = self.qualified(*id);
            let (kind, record, image) = match self.instances[*id].kind {
                DeclKind::Vm => {
                    let image = vms
                        .get(&name)
                        .and_then(|v| templates.get(&v.template))
                        .map(|t| t.image.as_str());
                    (Kind::Vm, Some(&records[*id]), image)
                }
                DeclKind::Container => (
                    Kind::Container,
                    Some(&records[*id]),
                    containers.get(&name).map(|c| c.image.as_str()),
                ),
                DeclKind::Template => (
                    Kind::Template,
                    records[*id]
                        .blocks
                        .iter()
                        .find(|b| b.kind == "build")
                        .map(|b| &b.record),
                    templates.get(&name).map(|t| t.image.as_str()),
                ),
                _ => continue,
            };
            let Some(record) = record else { continue };
            let listed: Vec<(String, Span)> = match record.fields.get("roles").map(|f| &f.value) {
                Some(Value::List(items)) => items
                    .iter()
                    .filter_map(|item| match item.value {
                        Value::Ref(role) => Some((self.qualified(role), item.span)),
                        _ => None,
                    })
                    .collect(),
                _ => continue,
            };
            let roles_at = record.span("roles");
            let before = self.out.len();
            let guest = GuestRoles {
                name: &name,
                kind,
                family: image.and_then(family),
                roles: listed,
            };
            guest_roles::check(&guest, roles, &role_span, self.out);
            if let Some(at) = roles_at {
                guest_roles::check_firewall(&guest, roles, at, self.out);
            }
            self.name_generated(*id, before);
        }
    }

    /// Names the generated declaration `id` in what was reported from `before` on.
    fn name_generated(&mut self, id: usize, before: usize) {
        let declared = &self.instances[id];
        super::name_generated(declared.generated, &declared.name, &mut self.out[before..]);
    }

    /// A guest's VMID: as written, else allocated.
    fn vmid(&mut self, id: usize, key: &GuestKey, alloc: &mut Allocator) -> u32 {
        match self.records[id].int("vmid") {
            Some(v) => u32::try_from(v).unwrap_or(u32::MAX),
            None => alloc.vmid(key, self.instances[id].name_span, self.out),
        }
    }

    /// What a VM or container is allocated: its VMID, and for a guest on a known host
    /// the address and MAC of each NIC that [`Lowering::nic_specs`] finds.
    fn allocate<'k>(
        &mut self,
        id: usize,
        key: &GuestKey,
        known: &Known<'k>,
        alloc: &mut Allocator,
    ) -> Allocated<'k> {
        let vmid = self.vmid(id, key, alloc);
        let Some((_, host)) = self.host_of(id, known.hosts) else {
            return Allocated {
                vmid,
                nics: Vec::new(),
            };
        };
        let container = self.instances[id].kind == DeclKind::Container;
        let specs = Self::nic_specs(
            &self.records[id],
            host,
            known.networks,
            container,
            &mut alloc.ipv6,
            self.out,
        );
        let nics = specs
            .into_iter()
            .map(|spec| {
                let nic_key = key.child(&spec.network.name);
                let address = match spec.address {
                    NicAddress::Static(address, _) => Some(ir::NicIp::Static(address)),
                    NicAddress::Auto(span) => alloc
                        .address(&nic_key, spec.network, span, self.out)
                        .map(ir::NicIp::Static),
                    NicAddress::Unallocated(ip, _) => Some(ip),
                };
                let got = address.map(|address| (address, alloc.mac(&nic_key)));
                (spec, got)
            })
            .collect();
        Allocated { vmid, nics }
    }

    /// Allocates for every guest and builds it. Allocation goes through the guests in
    /// key order, so that it does not depend on the order of files and declarations;
    /// templates are built as they come. VMs and containers (the many) are only
    /// allocated for there, and built from that in chunks: in a large project, on
    /// other cores while allocation goes on (each chunk's diagnostics kept in order).
    fn allocate_and_build(
        &mut self,
        guests: &[(usize, GuestKey)],
        known: &Known<'_>,
        alloc: &mut Allocator,
        templates: &mut Vec<(String, ir::Template)>,
    ) -> Guests {
        let (instances, records, sources, project_start) = (
            self.instances,
            self.records,
            self.sources,
            self.project_start,
        );
        let helpers = crate::parallel::threads_for(guests.len(), MIN_GUESTS_PER_THREAD) - 1;
        let chunks = crate::parallel::pipeline(
            helpers,
            |send| {
                let mut chunk = Vec::with_capacity(GUESTS_PER_CHUNK);
                for (id, key) in guests {
                    let id = *id;
                    let before = self.out.len();
                    if self.instances[id].kind == DeclKind::Template {
                        let vmid = match self.records[id].int("vmid") {
                            Some(v) => u32::try_from(v).unwrap_or(u32::MAX),
                            None => {
                                alloc.template_vmid(key, self.instances[id].name_span, self.out)
                            }
                        };
                        if let Some(t) = self.template(id, vmid, key, known, alloc) {
                            templates.push((t.name.clone(), t));
                        }
                    } else {
                        chunk.push((id, self.allocate(id, key, known, alloc)));
                    }
                    self.name_generated(id, before);
                    if chunk.len() == GUESTS_PER_CHUNK {
                        send(std::mem::replace(
                            &mut chunk,
                            Vec::with_capacity(GUESTS_PER_CHUNK),
                        ));
                    }
                }
                if !chunk.is_empty() {
                    send(chunk);
                }
            },
            |chunk: Vec<(usize, Allocated<'_>)>| {
                let mut found = Vec::new();
                let mut lowering = Lowering {
                    instances,
                    records,
                    sources,
                    out: &mut found,
                    project_start,
                };
                // Sized up front: a guest is large, and growing the lists would copy
                // each several times.
                let vms = chunk
                    .iter()
                    .filter(|(id, _)| instances[*id].kind == DeclKind::Vm)
                    .count();
                let mut built = Guests {
                    vms: Vec::with_capacity(vms),
                    containers: Vec::with_capacity(chunk.len() - vms),
                };
                for (id, allocated) in &chunk {
                    let before = lowering.out.len();
                    lowering.build_guest(*id, allocated, known, &mut built);
                    lowering.name_generated(*id, before);
                }
                (built, found)
            },
        );
        let mut all = Guests {
            vms: Vec::with_capacity(chunks.iter().map(|(b, _)| b.vms.len()).sum()),
            containers: Vec::with_capacity(chunks.iter().map(|(b, _)| b.containers.len()).sum()),
        };
        for (built, found) in chunks {
            all.vms.extend(built.vms);
            all.containers.extend(built.containers);
            self.out.extend(found);
        }
        all
    }

    /// Builds one VM or container into `built`.
    fn build_guest(
        &mut self,
        id: usize,
        allocated: &Allocated<'_>,
        known: &Known<'_>,
        built: &mut Guests,
    ) {
        let Known {
            hosts,
            networks,
            cluster,
            images,
        } = *known;
        if self.instances[id].kind == DeclKind::Vm {
            if let Some(vm) = self.vm(id, allocated, hosts, networks, cluster) {
                built.vms.push((vm.guest.name.clone(), vm));
            }
        } else if let Some(ct) = self.container(id, allocated, hosts, networks, cluster, images) {
            built.containers.push((ct.guest.name.clone(), ct));
        }
    }

    /// Whether a lock key belongs to a guest of this build (`guest_ids`, by key) or to
    /// one of its NICs; a template built by Packer may also hold a base VMID and a build
    /// NIC on any network (keeping unused keys live costs nothing). What the lock gave
    /// to any other key is free again. (Looked up, rather than making every live key:
    /// a large project has tens of thousands.)
    fn is_live_key(
        &self,
        key: &str,
        guest_ids: &rustc_hash::FxHashMap<&str, usize>,
        networks: &BTreeMap<String, (usize, ir::Network)>,
    ) -> bool {
        if guest_ids.contains_key(key) {
            return true;
        }
        key.match_indices('/').any(|(at, _)| {
            let (guest, child) = (&key[..at], &key[at + 1..]);
            guest_ids.get(guest).is_some_and(|&id| {
                nic_blocks(&self.records[id])
                    .any(|b| b.label.as_ref().is_some_and(|(label, _)| label == child))
                    || (self.instances[id].kind == DeclKind::Template
                        && (child == "base" || networks.contains_key(child)))
            })
        })
    }

    fn guest_key(&self, id: usize) -> GuestKey {
        let declared = &self.instances[id];
        GuestKey(joined(declared.kind.keyword(), '/', &declared.qualified()))
    }

    fn cluster(&mut self, id: usize) -> ir::Cluster {
        let r = &self.records[id];
        if let (Some(endpoint), Some(span)) = (r.str("endpoint"), r.span("endpoint")) {
            estate::check_endpoint(&endpoint, span, self.out);
        }
        if let (Some(zone), Some(span)) = (r.str("timezone"), r.span("timezone")) {
            estate::check_time_zone(&zone, span, self.out);
        }
        let vmids = match r.fields.get("vmids").map(|f| &f.value) {
            Some(Value::IntRange(a, b)) => ir::IdRange {
                first: u32::try_from(*a).unwrap_or(u32::MAX),
                last: u32::try_from(*b).unwrap_or(u32::MAX),
            },
            _ => ir::IdRange {
                first: DEFAULT_VMIDS.0,
                last: DEFAULT_VMIDS.1,
            },
        };
        if let Some(span) = r.span("vmids") {
            estate::check_vmid_range(vmids, span, self.out);
        }
        let template_vmids = match r.fields.get("template_vmids").map(|f| &f.value) {
            Some(Value::IntRange(a, b)) => Some(ir::IdRange {
                first: u32::try_from(*a).unwrap_or(u32::MAX),
                last: u32::try_from(*b).unwrap_or(u32::MAX),
            }),
            _ => None,
        };
        if let (Some(range), Some(span)) = (template_vmids, r.span("template_vmids")) {
            estate::check_vmid_range(range, span, self.out);
            if range.first <= vmids.last && vmids.first <= range.last {
                self.out.push(estate::vmid_ranges_overlap(
                    vmids,
                    range,
                    span,
                    r.span("vmids"),
                ));
            }
        }
        names::check_storage_names(r, self.out);
        let token = match r.fields.get("token").map(|f| &f.value) {
            Some(Value::Secret(env)) => Some(ir::Secret { env: env.clone() }),
            _ => None,
        };
        let storages = storages(r, true);
        let state = r
            .blocks
            .iter()
            .find(|b| b.kind == "state")
            .and_then(|b| state(&b.record));
        ir::Cluster {
            name: self.qualified(id),
            endpoint: r.str("endpoint").unwrap_or_default(),
            token,
            insecure: r.bool("insecure"),
            vmids,
            template_vmids,
            domain: r.str("domain"),
            timezone: r.str("timezone").unwrap_or_default(),
            repository: r.word("repository").unwrap_or_default(),
            storages,
            state,
        }
    }

    fn network(&mut self, id: usize) -> ir::Network {
        let r = &self.records[id];
        let (address, prefix) = match r.fields.get("cidr").map(|f| &f.value) {
            Some(Value::Cidr(a, p)) => (*a, *p),
            _ => (Ipv4Addr::UNSPECIFIED, 0),
        };
        let dns = list(r, "dns", |v| match v {
            Value::Ipv4(a) => Some(*a),
            _ => None,
        });
        let bootstrap_dns = list(r, "bootstrap_dns", |v| match v {
            Value::Ipv4(a) => Some(*a),
            _ => None,
        });
        let gateway = match r.fields.get("gateway").map(|f| &f.value) {
            Some(Value::Ipv4(a)) => Some(*a),
            _ => None,
        };
        let pool = match r.fields.get("pool").map(|f| &f.value) {
            Some(Value::AddrRange(a, b)) => Some(ir::AddrRange {
                first: *a,
                last: *b,
            }),
            _ => None,
        };
        let (cidr6, gateway6) = ipv6::network(r, self.out);
        let network = ir::Network {
            name: self.qualified(id),
            address,
            prefix,
            gateway,
            dns,
            bootstrap_dns,
            pool,
            vlan: r.int("vlan").map(|v| u16::try_from(v).unwrap_or(u16::MAX)),
            mtu: r.int("mtu").map(|v| u32::try_from(v).unwrap_or(u32::MAX)),
            cidr6,
            gateway6,
        };
        estate::check_network(&network, r, self.out);
        estate::check_mtu(r, self.out);
        network
    }

    fn host(&mut self, id: usize) -> ir::Host {
        let r = &self.records[id];
        for bridge in r.blocks.iter().filter(|b| b.kind == "bridge") {
            estate::check_mtu(&bridge.record, self.out);
            nics::check_bridge_networks(&bridge.record, self.records, self.out);
        }
        names::check_bridges(r, self.out);
        names::check_storage_names(r, self.out);
        names::check_sysctl(r, self.out);
        names::check_packages(r, self.out);
        let name = self.qualified(id);
        names::check_dns_label(
            &name,
            self.instances[id].name_span,
            "becomes the host's inventory name and a folder of the output",
            self.out,
        );
        if let (Some(node), Some(span)) = (r.str("node"), r.span("node")) {
            names::check_dns_label(&node, span, "names the Proxmox node", self.out);
        }
        let bridges = r
            .blocks
            .iter()
            .filter(|b| b.kind == "bridge")
            .filter_map(|b| {
                let label = b.label.as_ref()?.0.clone();
                Some((
                    label.clone(),
                    ir::Bridge {
                        name: label,
                        ports: b.record.strings("ports"),
                        network: b.record.id("network").map(|n| self.qualified(n)),
                        vlan_aware: b.record.bool("vlan_aware"),
                        mtu: b
                            .record
                            .int("mtu")
                            .map(|v| u32::try_from(v).unwrap_or(u32::MAX)),
                        networks: b
                            .record
                            .ids("networks")
                            .into_iter()
                            .map(|n| self.qualified(n))
                            .collect(),
                    },
                ))
            })
            .collect();
        let storages = storages(r, false);
        let mut packages = r.strings("packages");
        packages.sort();
        packages.dedup();
        let roles = self.qualified_refs(r, "roles");
        ir::Host {
            node: r.str("node").unwrap_or_else(|| name.clone()),
            name,
            address: match r.fields.get("address").map(|f| &f.value) {
                Some(Value::Ipv4(a)) => *a,
                _ => Ipv4Addr::UNSPECIFIED,
            },
            cores: r.int("cores").map(|v| u32::try_from(v).unwrap_or(u32::MAX)),
            memory: r.size("memory"),
            packages,
            roles,
            sysctl: free_block(r, "sysctl"),
            bridges,
            storages,
            origin: self.origin(id),
        }
    }

    fn image(&mut self, id: usize) -> ir::Image {
        let r = &self.records[id];
        let url = r.str("url").unwrap_or_default();
        let file_name = r
            .str("file_name")
            .unwrap_or_else(|| url.rsplit('/').next().unwrap_or_default().to_string());
        if let Some(span) = r.span("file_name").or_else(|| r.span("url")) {
            names::check_image_file_name(&file_name, span, self.out);
        }
        ir::Image {
            name: self.qualified(id),
            kind: r.word("kind").unwrap_or_default(),
            url,
            checksum_url: r.str("checksum_url"),
            checksum: r.str("checksum"),
            checksum_algorithm: r.word("checksum_algorithm").unwrap_or_default(),
            file_name,
            family: r.word("family").unwrap_or_default(),
            version: r.str("version"),
        }
    }

    fn role(&mut self, id: usize) -> ir::Role {
        let records = self.records;
        let r = &records[id];
        if let Some(fw) = r.blocks.iter().find(|b| b.kind == "firewall") {
            estate::check_ports(&fw.record, "allow", self.out);
            estate::check_ports(&fw.record, "allow_udp", self.out);
        }
        let firewall = r
            .blocks
            .iter()
            .find(|b| b.kind == "firewall")
            .map(|b| ir::Firewall {
                allow: ports(&b.record, "allow"),
                allow_udp: ports(&b.record, "allow_udp"),
                from: list(&b.record, "from", |v| match v {
                    Value::Cidr(a, p) => Some(format!("{a}/{p}")),
                    _ => None,
                }),
            });
        let files = r
            .blocks
            .iter()
            .filter(|b| b.kind == "file")
            .filter_map(|b| {
                Some((
                    b.label.as_ref()?.0.clone(),
                    ir::RoleFile {
                        content: b.record.str("content").unwrap_or_default(),
                        mode: b.record.str("mode").unwrap_or_default(),
                        owner: b.record.str("owner").unwrap_or_default(),
                        restart: match b.record.value("restart") {
                            Some(_) => b.record.strings("restart"),
                            None => r.strings("services"),
                        },
                    },
                ))
            })
            .collect();
        let vars = free_block(r, "vars");
        guest_roles::check_files(r, self.out);
        names::check_file_paths(r, self.out);
        names::check_services(r, self.out);
        if let (Some(galaxy), Some(span)) = (r.str("galaxy"), r.span("galaxy")) {
            names::check_galaxy(&galaxy, span, self.out);
        }
        names::check_packages(r, self.out);
        ir::Role {
            name: self.qualified(id),
            description: r.str("description"),
            packages: r.strings("packages"),
            services: r.strings("services"),
            depends: r
                .ids("depends")
                .into_iter()
                .map(|d| self.qualified(d))
                .collect(),
            galaxy: r.str("galaxy"),
            fits: match r.word("fits").as_deref() {
                Some("vm") => ir::Fits::Vm,
                Some("container") => ir::Fits::Container,
                _ => ir::Fits::Any,
            },
            os: r.strings("os"),
            firewall,
            files,
            vars,
        }
    }

    /// The host a guest names, with its IR.
    fn host_of<'h>(
        &self,
        id: usize,
        hosts: &'h BTreeMap<String, (usize, ir::Host)>,
    ) -> Option<(usize, &'h ir::Host)> {
        let host_id = self.records[id].id("host")?;
        // A few hosts and many guests: find it by instance, without making its name.
        hosts
            .values()
            .find(|(hid, _)| *hid == host_id)
            .map(|(hid, h)| (*hid, h))
    }

    fn template(
        &mut self,
        id: usize,
        vmid: u32,
        key: &GuestKey,
        known: &Known<'_>,
        alloc: &mut Allocator,
    ) -> Option<ir::Template> {
        let Known {
            hosts,
            cluster,
            images,
            networks,
        } = *known;
        let (_, host) = self.host_of(id, hosts)?;
        let r = &self.records[id];
        let image_name = self.qualified(r.id("image")?);
        let image = images.get(image_name.as_str())?;
        let storage_name = storage_field(r)?;
        let storage =
            estate::storage_on(host, cluster, &storage_name, r.span("storage"), self.out)?;
        if image.kind == "lxc" {
            self.out.push(estate::image_kind_mismatch(
                r.span("image").unwrap_or(self.instances[id].name_span),
                &image.name,
                &image.kind,
                "a VM template needs a `cloud` image or an `iso`",
            ));
        } else {
            estate::check_storage_content(storage, "images", r.span("storage"), self.out);
        }
        let image_storage = {
            let content = if image.kind == "iso" { "iso" } else { "import" };
            let named = storage_named(r, "image_storage").map(|n| (n, r.span("image_storage")));
            let at = r.span("image").unwrap_or(self.instances[id].name_span);
            let storage = estate::image_storage(
                named.as_ref().map(|(n, s)| (n.as_str(), *s)),
                host,
                cluster,
                content,
                at,
                self.out,
            );
            storage.map(|s| s.name.clone()).unwrap_or_default()
        };
        let build = r.blocks.iter().find(|b| b.kind == "build").map(|b| {
            names::check_packages(&b.record, self.out);
            ir::Build {
                packages: b.record.strings("packages"),
                scripts: b.record.strings("scripts"),
                roles: self.qualified_refs(&b.record, "roles"),
            }
        });
        let builder = if image.kind == "iso" || build.is_some() {
            Builder::Packer
        } else {
            Builder::Terraform
        };
        let name = self.qualified(id);
        let name_span = self.instances[id].name_span;
        names::check_dns_label(
            &name,
            name_span,
            "becomes the template's host name and a file of the output",
            self.out,
        );
        let (build_nic, base_vmid) = if builder == Builder::Packer {
            if image.kind == "iso" && !matches!(image.family.as_str(), "ubuntu" | "debian") {
                let at = r.span("image").unwrap_or(name_span);
                self.out.push(estate::no_unattended_install(
                    at,
                    &image.name,
                    &image.family,
                ));
            }
            let nic = self.build_nic(key, &name, host, networks, name_span, alloc);
            let base = (image.kind == "cloud")
                .then(|| alloc.template_vmid(&GuestKey(key.child("base")), name_span, self.out));
            (nic, base)
        } else {
            (None, None)
        };
        let firmware = firmware::template(r, &name, name_span, image, self.out);
        Some(ir::Template {
            name,
            host: host.name.clone(),
            node: host.node.clone(),
            vmid,
            image: image_name,
            storage: storage_name,
            image_storage,
            disk: r.size("disk").unwrap_or_default(),
            cores: r
                .int("cores")
                .map_or(1, |c| u32::try_from(c).unwrap_or(u32::MAX)),
            memory: r.size("memory").unwrap_or_default(),
            builder,
            build,
            build_nic,
            base_vmid,
            origin: self.origin(id),
            firmware,
        })
    }

    /// The NIC of a Packer build VM: on the first bridge of the host (by name) whose
    /// network has a pool, at an address allocated from it like a guest's. `None`
    /// when there is no such network, or its pool is full (each reported).
    fn build_nic(
        &mut self,
        key: &GuestKey,
        template: &str,
        host: &ir::Host,
        networks: &BTreeMap<String, (usize, ir::Network)>,
        span: Span,
        alloc: &mut Allocator,
    ) -> Option<ir::Nic> {
        let found = host.bridges.values().find_map(|b| {
            let (_, network) = networks.get(b.network.as_deref()?)?;
            network.pool.is_some().then_some((b, network))
        });
        let Some((bridge, network)) = found else {
            self.out
                .push(estate::no_build_network(span, template, host));
            return None;
        };
        let nic_key = key.child(&network.name);
        let address = alloc.address(&nic_key, network, span, self.out)?;
        let mac = alloc.mac(&nic_key);
        Some(nic_on(
            network,
            bridge.name.clone(),
            ir::NicIp::Static(address),
            mac,
            false,
        ))
    }

    /// The NIC blocks of a guest resolved on its host: network, bridge and where the
    /// address comes from. A block whose network or bridge cannot be found, or whose
    /// address is wrong, is reported (into `out`) and left out.
    fn nic_specs<'k>(
        r: &Record,
        host: &ir::Host,
        networks: &'k BTreeMap<String, (usize, ir::Network)>,
        container: bool,
        ipv6_taken: &mut rustc_hash::FxHashMap<std::net::Ipv6Addr, Span>,
        out: &mut Vec<Diagnostic>,
    ) -> Vec<NicSpec<'k>> {
        let mut specs = Vec::new();
        for block in nic_blocks(r) {
            let Some((label, label_span)) = &block.label else {
                continue;
            };
            let label_span = *label_span;
            let Some((_, network)) = networks.get(label) else {
                let names: Vec<&str> = networks.keys().map(String::as_str).collect();
                out.push(errors::unknown_name(label_span, label, names));
                continue;
            };
            let bridge = match block.record.str("bridge") {
                Some(b) => {
                    if !host.bridges.contains_key(&b) {
                        out.push(estate::unknown_bridge(
                            block.record.span("bridge").unwrap_or(label_span),
                            &b,
                            host,
                        ));
                    }
                    b
                }
                None => match host.bridges.values().find(|b| b.carries(&network.name)) {
                    Some(b) => b.name.clone(),
                    None => {
                        out.push(estate::no_bridge(label_span, &network.name, host));
                        continue;
                    }
                },
            };
            let address = match block.record.fields.get("ip") {
                Some(Spanned {
                    value: Value::Ipv4(a),
                    span,
                }) => NicAddress::Static(*a, *span),
                Some(Spanned {
                    value: Value::Word(w),
                    span,
                }) => NicAddress::Unallocated(
                    if w == "dhcp" {
                        ir::NicIp::Dhcp
                    } else {
                        ir::NicIp::None
                    },
                    *span,
                ),
                Some(Spanned { span, .. }) => NicAddress::Auto(*span),
                // Not written: `auto`, allocated at the block's label.
                None if !block.record.written("ip") => NicAddress::Auto(label_span),
                None => continue,
            };
            let options = nics::Options::of(&block.record);
            estate::check_mtu(&block.record, out);
            let on = host.bridges.get(&bridge);
            let on_mtu = on.and_then(|b| {
                b.carried()
                    .filter_map(|n| networks.get(n))
                    .filter_map(|(_, n)| n.mtu)
                    .max()
            });
            nics::check_bridge_mtu(&options, network, on, on_mtu, container, label_span, out);
            specs.push(NicSpec {
                network,
                bridge,
                address,
                firewall: block.record.bool("firewall"),
                is_gateway: block
                    .record
                    .bool("is_gateway")
                    .then(|| block.record.fields.get("is_gateway").map(|f| f.span))
                    .flatten(),
                options,
                ipv6: ipv6::nic(&block.record, network, ipv6_taken, out),
            });
        }
        specs
    }

    /// The NICs of a guest, with the addresses and MACs it was allocated.
    fn nics(&mut self, allocated: &Allocated<'_>, container: bool) -> Vec<ir::Nic> {
        let mut nics = Vec::with_capacity(allocated.nics.len());
        for (spec, got) in &allocated.nics {
            match (spec.is_gateway, &spec.address) {
                (Some(at), address) => {
                    let written = match address {
                        NicAddress::Static(a, _) => Some(*a),
                        _ => None,
                    };
                    nics::check_gateway_nic(written, spec.network, at, self.out);
                }
                (None, NicAddress::Static(address, span)) => {
                    estate::check_static_address(*address, spec.network, *span, self.out);
                }
                (None, _) => {}
            }
            nics::check_options(&spec.options, spec.network, container, self.out);
            let Some((address, mac)) = got else {
                continue;
            };
            let mut nic = nic_on(
                spec.network,
                spec.bridge.clone(),
                *address,
                mac.clone(),
                spec.firewall,
            );
            spec.options.apply(&mut nic, container);
            nic.ipv6.clone_from(&spec.ipv6);
            let static6 = spec.ipv6.as_deref().is_some_and(|v| v.contains('/'));
            nic.gateway6 = spec.network.gateway6.filter(|_| static6);
            nics.push(nic);
        }
        nics
    }

    /// The checks of a VM or container that need no host, so that a guest whose host
    /// is unknown (already reported) still has its other mistakes reported.
    fn checks_without_host(&mut self, id: usize) {
        let r = &self.records[id];
        estate::check_resources(r, self.out);
        estate::check_balloon(r, self.out);
        estate::check_tags(r, self.out);
        guest_options::check_startup(r, self.out);
        guest_options::check_devices(r, &self.instances[id].name, self.out);
        guest_options::check_idmap(r, &self.instances[id].name, self.out);
        names::check_users(r, self.out);
        let declared = &self.instances[id];
        names::check_dns_label(
            &declared.qualified(),
            declared.name_span,
            "becomes the guest's host name",
            self.out,
        );
    }

    fn users(&self, id: usize) -> Vec<ir::User> {
        self.records[id]
            .blocks
            .iter()
            .filter(|b| b.kind == "user")
            .filter_map(|b| {
                Some(ir::User {
                    name: b.label.as_ref()?.0.clone(),
                    ssh_keys: list(&b.record, "ssh_keys", |v| match v {
                        Value::Str(k) => Some(k.trim().to_string()),
                        _ => None,
                    }),
                    sudo: b.record.bool("sudo"),
                    shell: b.record.str("shell").unwrap_or_default(),
                })
            })
            .collect()
    }

    fn tags(&self, id: usize) -> Vec<String> {
        sorted(self.records[id].strings("tags"))
    }

    /// What a VM and a container share, checked the same way for both. `storage` is
    /// the root disk's storage and `content` what it must hold there.
    fn guest(
        &mut self,
        id: usize,
        allocated: &Allocated<'_>,
        host: &ir::Host,
        storage: (Option<String>, Option<Span>, &str),
        networks: &BTreeMap<String, (usize, ir::Network)>,
        cluster: &ir::Cluster,
    ) -> Option<ir::Guest> {
        let records = self.records;
        let r = &records[id];
        self.checks_without_host(id);
        let (storage_name, storage_span, content) = storage;
        // Every check runs, even when something needed for the IR is missing, so that
        // one mistake in a guest does not hide the others.
        let found = storage_name
            .as_deref()
            .and_then(|name| estate::storage_on(host, cluster, name, storage_span, self.out));
        if let Some(found) = found {
            estate::check_storage_content(found, content, storage_span, self.out);
        }
        let name = self.qualified(id);
        let container = self.instances[id].kind == DeclKind::Container;
        let nics = self.nics(allocated, container);
        let users = self.users(id);
        if let Some(roles) = r.span("roles")
            && !r.ids("roles").is_empty()
            && users.iter().all(|u| u.ssh_keys.is_empty())
        {
            self.out
                .push(estate::roles_without_login(roles, &self.instances[id].name));
        }
        let storage_name = storage_name.filter(|_| found.is_some())?;
        let dns = self.guest_dns(&nics, networks);
        let guest = ir::Guest {
            name,
            host: host.name.clone(),
            node: host.node.clone(),
            vmid: allocated.vmid,
            cores: count(r, "cores"),
            memory: r.size("memory").unwrap_or_default(),
            disk: r.size("disk").unwrap_or_default(),
            storage: storage_name,
            nics,
            users,
            roles: self.qualified_refs(r, "roles"),
            tags: self.tags(id),
            pool: r.id("pool").map(|p| self.qualified(p)),
            description: r.str("description"),
            on_boot: r.bool("on_boot"),
            started: r.bool("started"),
            protection: r.bool("protection"),
            renamed_from: r.str("renamed_from"),
            dns,
            domain: cluster.domain.clone(),
            origin: self.origin(id),
            startup: guest_options::startup(r),
        };
        let unaddressed: Vec<Span> = allocated
            .nics
            .iter()
            .filter_map(|(spec, _)| match spec.address {
                NicAddress::Unallocated(_, span) => Some(span),
                _ => None,
            })
            .collect();
        let name_span = self.instances[id].name_span;
        nics::check_reachable(&guest, name_span, &unaddressed, self.out);
        Some(guest)
    }

    fn vm(
        &mut self,
        id: usize,
        allocated: &Allocated<'_>,
        hosts: &BTreeMap<String, (usize, ir::Host)>,
        networks: &BTreeMap<String, (usize, ir::Network)>,
        cluster: &ir::Cluster,
    ) -> Option<ir::Vm> {
        let Some((_, host)) = self.host_of(id, hosts) else {
            self.checks_without_host(id);
            return None;
        };
        let records = self.records;
        let r = &records[id];
        let template_id = r.id("template");
        let template_name = template_id.map(|t| self.qualified(t));
        let template_host = template_id
            .and_then(|t| records[t].id("host"))
            .map(|h| self.qualified(h));
        let template_storage = template_id.and_then(|t| storage_field(&records[t]));
        // The disk goes where written, else beside the template's.
        let storage_name = storage_field(r).or_else(|| template_storage.clone());
        let storage_span = r.span("storage").or(r.span("template"));
        if let (Some(t_name), Some(t_host), Some(t_storage)) =
            (&template_name, &template_host, &template_storage)
            && *t_host != host.name
        {
            estate::check_template_reachable(
                t_name,
                t_host,
                t_storage,
                host,
                cluster,
                r.span("template").unwrap_or(self.instances[id].name_span),
                self.out,
            );
        }
        if !r.bool("full_clone")
            && let (Some(written), Some(t_storage)) = (storage_field(r), &template_storage)
            && written != *t_storage
        {
            self.out.push(estate::linked_clone_storage(
                r.span("storage").unwrap_or(self.instances[id].name_span),
                &written,
                t_storage,
            ));
        }
        let place = guest_disks::Place {
            host,
            cluster,
            root_storage: storage_name.as_deref(),
        };
        let disks = guest_disks::vm_disks(r, &place, self.out);
        let (pci, usb) = passthrough::vm_devices(r, self.out);
        let (cpu, vga) = firmware::vm_cpu(
            r,
            &self.instances[id].name,
            self.instances[id].name_span,
            cluster.token.is_some(),
            self.out,
        );
        let guest = self.guest(
            id,
            allocated,
            host,
            (storage_name, storage_span, "images"),
            networks,
            cluster,
        )?;
        Some(ir::Vm {
            guest,
            template: template_name?,
            template_vmid: 0,
            sockets: count(r, "sockets"),
            cpu_type: r.str("cpu_type").unwrap_or_default(),
            balloon: r.size("balloon"),
            // `auto` is settled once the templates are built.
            agent: r.bool("agent"),
            full_clone: r.bool("full_clone"),
            reboot_after_update: r.bool("reboot_after_update"),
            disks,
            // The template's, once the templates are built.
            firmware: ir::Firmware::default(),
            cpu,
            vga,
            pci,
            usb,
        })
    }

    fn container(
        &mut self,
        id: usize,
        allocated: &Allocated<'_>,
        hosts: &BTreeMap<String, (usize, ir::Host)>,
        networks: &BTreeMap<String, (usize, ir::Network)>,
        cluster: &ir::Cluster,
        images: &BTreeMap<String, ir::Image>,
    ) -> Option<ir::Container> {
        let Some((_, host)) = self.host_of(id, hosts) else {
            self.checks_without_host(id);
            return None;
        };
        let records = self.records;
        let r = &records[id];
        let image = r
            .id("template")
            .and_then(|t| images.get(self.instances[t].qualified().as_ref()));
        let image_at = r.span("template").unwrap_or(self.instances[id].name_span);
        if let Some(image) = image.filter(|i| i.kind != "lxc") {
            self.out.push(estate::image_kind_mismatch(
                image_at,
                &image.name,
                &image.kind,
                "a container needs an `lxc` image",
            ));
        }
        let storage_name = storage_field(r);
        let image_storage = {
            let named = storage_named(r, "image_storage").map(|n| (n, r.span("image_storage")));
            estate::image_storage(
                named.as_ref().map(|(n, s)| (n.as_str(), *s)),
                host,
                cluster,
                "vztmpl",
                image_at,
                self.out,
            )
            .map(|s| s.name.clone())
            .unwrap_or_default()
        };
        let place = guest_disks::Place {
            host,
            cluster,
            root_storage: storage_name.as_deref(),
        };
        let mounts = guest_disks::container_mounts(r, &place, self.out);
        let guest = self.guest(
            id,
            allocated,
            host,
            (storage_name, r.span("storage"), "rootdir"),
            networks,
            cluster,
        )?;
        let image_name = image?.name.clone();
        let features = r.blocks.iter().find(|b| b.kind == "features");
        Some(ir::Container {
            guest,
            image: image_name,
            image_storage,
            swap: r.size("swap").unwrap_or_default(),
            unprivileged: r.bool("unprivileged"),
            nesting: features.is_some_and(|f| f.record.bool("nesting")),
            keyctl: features.is_some_and(|f| f.record.bool("keyctl")),
            mounts,
            fuse: features.is_some_and(|f| f.record.bool("fuse")),
            mknod: features.is_some_and(|f| f.record.bool("mknod")),
            mount_types: features
                .map(|f| sorted(f.record.strings("mount")))
                .unwrap_or_default(),
            devices: guest_options::devices(r),
            shared_uids: guest_options::shared_ids(r, "uids"),
            shared_gids: guest_options::shared_ids(r, "gids"),
        })
    }

    /// DNS servers of a guest: those of its first network; for a guest that serves
    /// them, the network's `bootstrap_dns` when it has one (it cannot ask itself
    /// before it runs).
    fn guest_dns(
        &self,
        nics: &[ir::Nic],
        networks: &BTreeMap<String, (usize, ir::Network)>,
    ) -> Vec<Ipv4Addr> {
        let Some((nic, (_, network))) = nics
            .first()
            .and_then(|n| Some((n, networks.get(&n.network)?)))
        else {
            return Vec::new();
        };
        let serves = nic.address.ip().is_some_and(|a| network.dns.contains(&a));
        if !network.bootstrap_dns.is_empty() && serves {
            network.bootstrap_dns.clone()
        } else {
            network.dns.clone()
        }
    }
}

/// A NIC on a network: the network's prefix, gateway, VLAN and MTU with the
/// interface's own bridge, address and MAC.
fn nic_on(
    network: &ir::Network,
    bridge: String,
    address: ir::NicIp,
    mac: String,
    firewall: bool,
) -> ir::Nic {
    ir::Nic {
        network: network.name.clone(),
        bridge,
        address,
        prefix: network.prefix,
        // A NIC without a static address takes no gateway from pxic: DHCP gives its
        // own, and an unaddressed port has none. Nor does the gateway itself.
        gateway: network
            .gateway
            .filter(|g| address.ip().is_some_and(|a| a != *g)),
        vlan: network.vlan,
        mtu: network.mtu,
        mac,
        firewall,
        model: None,
        queues: None,
        rate: None,
        ipv6: None,
        gateway6: None,
    }
}

/// The attributes of a free-form block (`vars`, `sysctl`), as text.
fn free_block(r: &Record, kind: &str) -> BTreeMap<String, String> {
    let Some(block) = r.blocks.iter().find(|b| b.kind == kind) else {
        return BTreeMap::new();
    };
    block
        .record
        .free
        .iter()
        .map(|(k, v)| {
            let text = match &v.value {
                Value::Str(s) => s.clone(),
                Value::Int(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => String::new(),
            };
            (k.clone(), text)
        })
        .collect()
}

/// The cluster's remote Terraform state, from its `state` block (checked already: the
/// backend's required attributes are there).
fn state(r: &Record) -> Option<ir::State> {
    let text = |name: &str| r.str(name).unwrap_or_default();
    match r.word("backend")?.as_str() {
        "s3" => Some(ir::State::S3 {
            bucket: text("bucket"),
            key: text("key"),
            region: text("region"),
            endpoint: r.str("endpoint"),
            path_style: r.bool("path_style"),
        }),
        "pg" => Some(ir::State::Pg {
            schema_name: r.str("schema_name"),
        }),
        "http" => Some(ir::State::Http {
            address: text("address"),
            lock_address: r.str("lock_address"),
            unlock_address: r.str("unlock_address"),
            username: r.str("username"),
        }),
        _ => None,
    }
}

fn nic_blocks(r: &Record) -> impl Iterator<Item = &BlockRecord> {
    r.blocks.iter().filter(|b| b.kind == "network")
}

/// Sorted and without repeats.
fn sorted(mut words: Vec<String>) -> Vec<String> {
    words.sort();
    words.dedup();
    words
}

fn count(r: &Record, name: &str) -> u32 {
    r.int(name)
        .map_or(1, |c| u32::try_from(c).unwrap_or(u32::MAX))
}

fn storage_field(r: &Record) -> Option<String> {
    storage_named(r, "storage")
}

fn storage_named(r: &Record, name: &str) -> Option<String> {
    match r.fields.get(name).map(|f| &f.value) {
        Some(Value::Storage(s)) => Some(s.clone()),
        _ => None,
    }
}

fn ports(r: &Record, name: &str) -> Vec<u16> {
    list(r, name, |v| match v {
        Value::Int(n) => u16::try_from(*n).ok(),
        _ => None,
    })
}

/// The items of a list field that `pick` accepts.
fn list<T>(r: &Record, name: &str, pick: impl Fn(&Value) -> Option<T>) -> Vec<T> {
    match r.fields.get(name).map(|f| &f.value) {
        Some(Value::List(items)) => items.iter().filter_map(|i| pick(&i.value)).collect(),
        _ => Vec::new(),
    }
}

/// The storage blocks of a cluster or host, by name.
fn storages(r: &Record, cluster_level: bool) -> BTreeMap<String, ir::Storage> {
    r.blocks
        .iter()
        .filter(|b| b.kind == "storage")
        .map(|b| storage(b, cluster_level))
        .map(|s| (s.name.clone(), s))
        .collect()
}

/// A storage block's IR. `shared` defaults from the storage type.
fn storage(b: &BlockRecord, cluster_level: bool) -> ir::Storage {
    let r = &b.record;
    let kind = r.word("type").unwrap_or_default();
    let shared = match r.fields.get("shared").map(|f| &f.value) {
        Some(Value::Bool(s)) => *s,
        _ => cluster_level || matches!(kind.as_str(), "nfs" | "cifs" | "rbd" | "cephfs"),
    };
    let mut content = r.strings("content");
    content.sort();
    content.dedup();
    ir::Storage {
        name: b.label.as_ref().map(|l| l.0.clone()).unwrap_or_default(),
        kind,
        content,
        path: r.str("path"),
        vg: r.str("vg"),
        thinpool: r.str("thinpool"),
        pool: r.str("pool"),
        server: r.str("server"),
        export: r.str("export"),
        share: r.str("share"),
        monitors: r.strings("monitors"),
        shared,
        size: r.size("size"),
    }
}
