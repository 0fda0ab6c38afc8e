//! The resources for guests: downloaded images, templates made from cloud images, VMs
//! and containers.

use super::hardware;
use super::{CONTAINER, DOWNLOAD, Names, POOL, VM, disks};
use crate::backend::hcl::{self, Body, Expr};
use crate::backend::{CPU_TYPE, GIB, MIB, SCSI_HARDWARE, comment_text, disk_format};
use crate::ir::{Builder, Container, Device, Guest, Image, Nic, NicIp, Plan, Template, Vm};
use std::collections::BTreeMap;

/// How long Proxmox may take to download an image or container template, in seconds.
const DOWNLOAD_TIMEOUT: u64 = 3600;

/// Builds the guest files of one plan.
pub struct Guests<'p> {
    plan: &'p Plan,
    names: &'p Names,
    /// Every download, with its identifier.
    downloads: BTreeMap<Download<'p>, String>,
}

/// One file Proxmox downloads onto one node's storage.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Download<'p> {
    image: &'p str,
    node: &'p str,
    datastore: &'p str,
    /// `import` (a disk image for a template) or `vztmpl` (a container template).
    content_type: &'static str,
}

impl<'p> Guests<'p> {
    pub fn new(plan: &'p Plan, names: &'p Names) -> Guests<'p> {
        Guests {
            plan,
            names,
            downloads: download_ids(plan),
        }
    }

    /// `images.tf`: the cloud images and container templates Proxmox downloads.
    pub fn downloads(&self) -> Body {
        let mut file = Body::new();
        for (d, id) in &self.downloads {
            let Some(image) = self.plan.images.get(d.image) else {
                continue;
            };
            let mut body = Body::new();
            body.attr("content_type", Expr::str(d.content_type))
                .attr("datastore_id", Expr::str(d.datastore))
                .attr("node_name", Expr::str(d.node))
                .attr("url", Expr::str(&image.url))
                .attr("file_name", Expr::str(&image.file_name));
            if let Some(sum) = &image.checksum {
                body.attr("checksum", Expr::str(sum))
                    .attr("checksum_algorithm", Expr::str(&image.checksum_algorithm));
            }
            body.attr("overwrite", Expr::Bool(false))
                .comment("Seconds: a 1 GiB image over a slow uplink outlasts the default 600.")
                .attr("upload_timeout", Expr::Num(DOWNLOAD_TIMEOUT));
            file.resource(Some(&download_comment(image)), DOWNLOAD, id, body);
        }
        file
    }

    /// The identifier of the download a template or container uses.
    fn download_for(&self, image: &str, node: &str, datastore: &str) -> Option<&str> {
        let shared = is_shared(self.plan, datastore);
        self.downloads
            .iter()
            .find(|(d, _)| {
                d.image == image && d.datastore == datastore && (shared || d.node == node)
            })
            .map(|(_, id)| id.as_str())
    }

    /// `templates.tf`: templates made from a cloud image, without Packer.
    pub fn templates(&self) -> Body {
        let mut file = Body::new();
        let made = self
            .plan
            .templates
            .values()
            .filter(|t| t.builder == Builder::Terraform);
        for template in made {
            let download =
                self.download_for(&template.image, &template.node, &template.image_storage);
            let comment = format!(
                "template {} ({}), from {}",
                template.name,
                comment_text(&template.image),
                comment_text(&template.origin.file)
            );
            let id = &self.names.vms[&template.name];
            file.resource(Some(&comment), VM, id, self.template(template, download));
        }
        file
    }

    fn template(&self, t: &Template, download: Option<&str>) -> Body {
        let import = match download {
            Some(id) => Some(Expr::reference(DOWNLOAD, id, "id")),
            // The host playbook already fetched it for a Packer build: one owner per file.
            None => fetched_by_hosts(self.plan, &t.image, &t.node, &t.image_storage)
                .then(|| self.plan.images.get(&t.image))
                .flatten()
                .map(|image| Expr::str(format!("{}:import/{}", t.image_storage, image.file_name))),
        };
        let mut body = Body::new();
        body.attr("name", Expr::str(&t.name))
            .attr("description", Expr::str(managed(None, &t.origin.file)))
            .attr("node_name", Expr::str(&t.node))
            .attr("vm_id", Expr::Num(t.vmid.into()))
            .attr("template", Expr::Bool(true))
            .attr("started", Expr::Bool(false))
            .attr("on_boot", Expr::Bool(false))
            .attr("scsi_hardware", Expr::str(SCSI_HARDWARE));
        hardware::firmware_attrs(&mut body, &t.firmware);
        let mut cpu = Body::new();
        cpu.attr("cores", Expr::Num(t.cores.into()))
            .attr("type", Expr::str(CPU_TYPE));
        body.block("cpu", &[], cpu);
        let mut memory = Body::new();
        memory.attr("dedicated", Expr::Num(t.memory / MIB));
        body.block("memory", &[], memory);
        body.block("disk", &[], self.disk(&t.host, &t.storage, t.disk, import));
        let format = disk_format(self.plan, &t.host, &t.storage);
        hardware::firmware_blocks(&mut body, &t.firmware, &t.storage, format);
        body.block(
            "operating_system",
            &[],
            hardware::operating_system(&t.firmware),
        );
        // Debian and Ubuntu cloud images can panic on a disk resize without a serial
        // console.
        body.block("serial_device", &[], Body::new());
        body
    }

    /// `vms.tf`.
    pub fn vms(&self) -> Body {
        // The largest file of a large project: its VMs are printed in parts, side by
        // side, and the parts joined in order.
        let len = self.plan.vms.len();
        self.vms_in_parts(crate::parallel::threads_for(len, MIN_VMS_PER_THREAD))
    }

    fn vms_in_parts(&self, threads: usize) -> Body {
        let vms: Vec<&Vm> = self.plan.vms.values().collect();
        let parts = crate::parallel::map_ranges(vms.len(), threads, |range| {
            let mut part = Body::new();
            for vm in &vms[range] {
                let comment = format!(
                    "vm {}, from {}",
                    vm.guest.name,
                    comment_text(&vm.guest.origin.file)
                );
                let id = &self.names.vms[&vm.guest.name];
                part.resource(Some(&comment), VM, id, self.vm(vm));
                moved(&mut part, "vm", &vm.guest, VM, id);
            }
            part
        });
        let mut file = Body::new();
        for part in parts {
            file.append(part);
        }
        file
    }

    fn vm(&self, vm: &Vm) -> Body {
        let g = &vm.guest;
        let mut body = Body::new();
        body.attr("name", Expr::str(&g.name));
        let description = managed(g.description.as_deref(), &g.origin.file);
        self.guest_head(g, description, &mut body);
        // A VM found on another node (after an HA or manual migration), or whose
        // `host` changed, is migrated there, never destroyed and made again.
        body.attr("migrate", Expr::Bool(true));
        if vm.reboot_after_update {
            body.comment(
                "Changes that need a restart (cores, memory, CPU type) reboot it during apply.",
            );
        } else {
            body.comment(
                "Changes that need a restart (cores, memory, CPU type) wait for its next one.",
            );
        }
        body.attr("reboot_after_update", Expr::Bool(vm.reboot_after_update));
        protection(g, &mut body);
        body.attr("on_boot", Expr::Bool(g.on_boot))
            .attr("started", Expr::Bool(g.started))
            .attr("scsi_hardware", Expr::str(SCSI_HARDWARE));
        hardware::firmware_attrs(&mut body, &vm.firmware);
        if !vm.agent {
            // Without a guest agent a shutdown request may go unanswered.
            body.attr("stop_on_destroy", Expr::Bool(true));
        }
        body.block("clone", &[], self.clone_of(vm));
        let mut agent = Body::new();
        agent.attr("enabled", Expr::Bool(vm.agent));
        body.block("agent", &[], agent);
        let mut cpu = Body::new();
        cpu.attr("cores", Expr::Num(g.cores.into()))
            .attr("sockets", Expr::Num(vm.sockets.into()))
            .attr("type", Expr::str(&vm.cpu_type));
        hardware::cpu_attrs(&mut cpu, &vm.cpu);
        body.block("cpu", &[], cpu);
        let mut memory = Body::new();
        memory
            .attr("dedicated", Expr::Num(g.memory / MIB))
            .attr("floating", Expr::Num(vm.balloon.unwrap_or(0) / MIB));
        hardware::memory_attrs(&mut memory, &vm.cpu);
        body.block("memory", &[], memory);
        body.block("disk", &[], self.disk(&g.host, &g.storage, g.disk, None));
        for d in &vm.disks {
            body.block("disk", &[], disks::data_disk(self.plan, &g.host, d));
        }
        let format = disk_format(self.plan, &g.host, &g.storage);
        hardware::firmware_blocks(&mut body, &vm.firmware, &g.storage, format);
        for nic in &g.nics {
            body.block("network_device", &[], network_device(nic));
        }
        hardware::passthrough(&mut body, self.plan, vm);
        let mut init = Body::new();
        init.attr("datastore_id", Expr::str(&g.storage));
        if let Some(dns) = dns(g) {
            init.block("dns", &[], dns);
        }
        ip_configs(&mut init, g, false);
        if let Some(user) = g.users.first() {
            let mut account = Body::new();
            account
                .attr("username", Expr::str(&user.name))
                .attr("keys", Expr::strings(&user.ssh_keys));
            init.block("user_account", &[], account);
        }
        body.block("initialization", &[], init);
        body.block(
            "operating_system",
            &[],
            hardware::operating_system(&vm.firmware),
        );
        body.block("serial_device", &[], Body::new());
        startup(g, &mut body);
        hardware::vga(&mut body, vm.vga.as_deref());
        let mut lifecycle = Body::new();
        lifecycle
            .comment("`clone` is read only when the VM is made: a template moved to another node")
            .comment("or rebuilt must not replace the VMs already cloned from it.")
            .attr("ignore_changes", Expr::List(vec![Expr::attribute("clone")]));
        if g.protection {
            lifecycle.attr("prevent_destroy", Expr::Bool(true));
        }
        body.block("lifecycle", &[], lifecycle);
        body
    }

    /// The attributes VMs and containers share, near the top of their resource.
    fn guest_head(&self, g: &Guest, description: String, body: &mut Body) {
        body.attr("description", Expr::str(description))
            .attr("node_name", Expr::str(&g.node))
            .attr("vm_id", Expr::Num(g.vmid.into()));
        if let Some(pool) = &g.pool {
            // A reference, so that the pool exists before its members.
            let value = match self.names.pools.get(pool) {
                Some(id) => Expr::reference(POOL, id, "pool_id"),
                None => Expr::str(pool),
            };
            body.attr("pool_id", value);
        }
        if !g.tags.is_empty() {
            body.attr("tags", Expr::strings(&g.tags));
        }
    }

    /// The `clone` block: from a template Terraform makes, by reference (so it is made
    /// first); from one Packer builds, by its VMID.
    fn clone_of(&self, vm: &Vm) -> Body {
        let template = self.plan.templates.get(&vm.template);
        let mut clone = Body::new();
        let made_here = template
            .filter(|t| t.builder == Builder::Terraform)
            .and_then(|t| self.names.vms.get(&t.name));
        match made_here {
            Some(id) => clone.attr("vm_id", Expr::reference(VM, id, "vm_id")),
            None => clone.attr("vm_id", Expr::Num(vm.template_vmid.into())),
        };
        if let Some(t) = template {
            clone.attr("node_name", Expr::str(&t.node));
        }
        clone.attr("full", Expr::Bool(vm.full_clone));
        if vm.full_clone {
            match template.filter(|t| crosses_to_local_storage(self.plan, vm, t)) {
                Some(t) => {
                    clone
                        .comment(&format!(
                            "Proxmox clones to another node only onto shared storage: the clone is made on\n{}, then the provider moves its disk to {} (the `disk` below).",
                            comment_text(&t.storage),
                            comment_text(&vm.guest.storage)
                        ))
                        .attr("datastore_id", Expr::str(&t.storage));
                }
                None => {
                    clone.attr("datastore_id", Expr::str(&vm.guest.storage));
                }
            }
        }
        clone
    }

    /// A disk, every attribute written: on a clone, the provider resets what a `disk`
    /// block leaves out to the schema's defaults, not to the template's values.
    fn disk(&self, host: &str, storage: &str, bytes: u64, import_from: Option<Expr>) -> Body {
        let mut disk = Body::new();
        disk.attr("interface", Expr::str("scsi0"))
            .attr("datastore_id", Expr::str(storage));
        disk.attr_some("import_from", import_from);
        disk.attr("size", Expr::Num(bytes.div_ceil(GIB)))
            .attr(
                "file_format",
                Expr::str(disk_format(self.plan, host, storage)),
            )
            .attr("cache", Expr::str("none"))
            .attr("discard", Expr::str("on"))
            .attr("iothread", Expr::Bool(true))
            .attr("ssd", Expr::Bool(true))
            .attr("aio", Expr::str("io_uring"))
            .attr("backup", Expr::Bool(true))
            .attr("replicate", Expr::Bool(true));
        disk
    }

    /// `containers.tf`.
    pub fn containers(&self) -> Body {
        let mut file = Body::new();
        for ct in self.plan.containers.values() {
            let comment = format!(
                "container {}, from {}",
                ct.guest.name,
                comment_text(&ct.guest.origin.file)
            );
            let id = &self.names.containers[&ct.guest.name];
            file.resource(Some(&comment), CONTAINER, id, self.container(ct));
            moved(&mut file, "container", &ct.guest, CONTAINER, id);
        }
        file
    }

    fn container(&self, ct: &Container) -> Body {
        let g = &ct.guest;
        // A container's name is its `initialization.hostname`.
        let mut body = Body::new();
        // Proxmox stores a container's description with a final line break; without
        // one here, every plan would show a change.
        let description = managed(g.description.as_deref(), &g.origin.file) + "\n";
        self.guest_head(g, description, &mut body);
        protection(g, &mut body);
        body.attr("unprivileged", Expr::Bool(ct.unprivileged))
            .attr("start_on_boot", Expr::Bool(g.on_boot))
            .attr("started", Expr::Bool(g.started));
        let mut cpu = Body::new();
        cpu.attr("cores", Expr::Num(g.cores.into()));
        body.block("cpu", &[], cpu);
        let mut memory = Body::new();
        memory
            .attr("dedicated", Expr::Num(g.memory / MIB))
            .attr("swap", Expr::Num(ct.swap / MIB));
        body.block("memory", &[], memory);
        let mut disk = Body::new();
        disk.attr("datastore_id", Expr::str(&g.storage))
            .attr("size", Expr::Num(g.disk.div_ceil(GIB)));
        body.block("disk", &[], disk);
        for m in &ct.mounts {
            body.block("mount_point", &[], disks::mount_point(m));
        }
        if let Some(features) = features(ct) {
            body.block("features", &[], features);
        }
        for device in &ct.devices {
            body.block("device_passthrough", &[], device_passthrough(device));
        }
        if ct.has_idmap() {
            body.comment("Written over SSH; the provider restarts the container to apply it.");
            for (kind, ids) in [("uid", &ct.shared_uids), ("gid", &ct.shared_gids)] {
                for (container_id, host_id, size) in idmap(ids) {
                    let mut entry = Body::new();
                    entry
                        .attr("type", Expr::str(kind))
                        .attr("container_id", Expr::Num(container_id.into()))
                        .attr("host_id", Expr::Num(host_id.into()))
                        .attr("size", Expr::Num(size.into()));
                    body.block("idmap", &[], entry);
                }
            }
        }
        let mut init = Body::new();
        init.attr("hostname", Expr::str(&g.name));
        if let Some(dns) = dns(g) {
            init.block("dns", &[], dns);
        }
        ip_configs(&mut init, g, true);
        let keys = root_keys(g);
        if !keys.is_empty() {
            let mut account = Body::new();
            account.attr("keys", Expr::strings(keys));
            init.block("user_account", &[], account);
        }
        body.block("initialization", &[], init);
        for (i, nic) in g.nics.iter().enumerate() {
            let mut interface = Body::new();
            interface
                .attr("name", Expr::str(format!("eth{i}")))
                .attr("bridge", Expr::str(&nic.bridge));
            fill_nic(&mut interface, nic);
            body.block("network_interface", &[], interface);
        }
        let mut os = Body::new();
        let template_file = self
            .download_for(&ct.image, &g.node, &ct.image_storage)
            .map(|id| Expr::reference(DOWNLOAD, id, "id"));
        os.attr_some("template_file_id", template_file);
        let family = self.plan.images.get(&ct.image).map(|i| i.family.as_str());
        os.attr("type", Expr::str(container_os_type(family)));
        body.block("operating_system", &[], os);
        startup(g, &mut body);
        if g.protection {
            let mut lifecycle = Body::new();
            lifecycle.attr("prevent_destroy", Expr::Bool(true));
            body.block("lifecycle", &[], lifecycle);
        }
        body
    }
}

/// A container's root keys, sorted: it has no cloud-init, so the keys of all its users
/// go to root, which Ansible then uses to create the users.
pub fn root_keys(g: &Guest) -> Vec<&str> {
    let mut keys: Vec<&str> = g
        .users
        .iter()
        .flat_map(|u| u.ssh_keys.iter().map(String::as_str))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// A renamed guest's `moved` block, after its resource: Terraform moves the resource
/// of its former name instead of destroying that guest and making this one.
fn moved(file: &mut Body, what: &str, g: &Guest, kind: &str, id: &str) {
    let Some(old) = &g.renamed_from else {
        return;
    };
    if hcl::ident(old) == id {
        return;
    }
    let comment = format!(
        "{what} {} was {}: moved, not replaced",
        comment_text(&g.name),
        comment_text(old)
    );
    file.moved(&comment, kind, old, id);
}

/// A stateful guest's `protection`: Proxmox refuses to remove it or its disks, and
/// its `lifecycle` (written at the end of the resource) makes Terraform refuse any
/// plan that destroys it.
fn protection(g: &Guest, body: &mut Body) {
    if g.protection {
        body.attr("protection", Expr::Bool(true));
    }
}

/// A guest's `startup` block, when it sets anything. What it leaves out stays
/// Proxmox's default: the provider reads an absent order or delay back as the schema's
/// -1, so nothing shows as changed on the next plan.
fn startup(g: &Guest, body: &mut Body) {
    let Some(s) = &g.startup else {
        return;
    };
    let mut startup = Body::new();
    startup.attr_some("order", s.order.map(|n| Expr::Num(n.into())));
    startup.attr_some("up_delay", s.up.map(|n| Expr::Num(n.into())));
    startup.attr_some("down_delay", s.down.map(|n| Expr::Num(n.into())));
    body.block("startup", &[], startup);
}

/// A container's `features` block, when it sets a flag. Flags other than `nesting`
/// need root@pam with a password: with an API token the check refuses them
/// (PXI0341).
fn features(ct: &Container) -> Option<Body> {
    let flags = [
        ("nesting", ct.nesting),
        ("keyctl", ct.keyctl),
        ("fuse", ct.fuse),
        ("mknod", ct.mknod),
    ];
    if flags.iter().all(|(_, on)| !on) && ct.mount_types.is_empty() {
        return None;
    }
    let mut features = Body::new();
    // `nesting` is always written, as it always was; the others only when on.
    features.attr("nesting", Expr::Bool(ct.nesting));
    for (flag, on) in &flags[1..] {
        if *on {
            features.attr(flag, Expr::Bool(true));
        }
    }
    if !ct.mount_types.is_empty() {
        features.attr("mount", Expr::strings(&ct.mount_types));
    }
    Some(features)
}

/// A host device passed through to a container (root@pam only: PXI0565).
fn device_passthrough(d: &Device) -> Body {
    let mut body = Body::new();
    body.attr("path", Expr::str(&d.path));
    body.attr("mode", Expr::str(&d.mode));
    body.attr_some("uid", d.uid.map(|n| Expr::Num(n.into())));
    body.attr_some("gid", d.gid.map(|n| Expr::Num(n.into())));
    if d.read_only {
        body.attr("deny_write", Expr::Bool(true));
    }
    body
}

/// Where Proxmox maps an unprivileged container's ids on the host, and how many.
const ID_BASE: u32 = 100_000;
const ID_COUNT: u32 = 65_536;

/// The id map of an unprivileged container whose `shared` ids (sorted, from 1 to
/// 65535) are the same on the host: the runs between them map to 100000 and up, as
/// Proxmox maps every id by default, so the map covers all 65536 ids, which LXC needs.
/// Each entry is (container id, host id, count).
fn idmap(shared: &[u32]) -> Vec<(u32, u32, u32)> {
    if shared.is_empty() {
        return Vec::new();
    }
    let mut entries = Vec::new();
    let mut next = 0;
    for &id in shared {
        if id > next {
            entries.push((next, ID_BASE + next, id - next));
        }
        entries.push((id, id, 1));
        next = id + 1;
    }
    if next < ID_COUNT {
        entries.push((next, ID_BASE + next, ID_COUNT - next));
    }
    entries
}

/// Below this many VMs per thread, `vms.tf` is printed on one.
const MIN_VMS_PER_THREAD: usize = 512;

/// The description of a generated resource: the user's, then where it comes from.
fn managed(description: Option<&str>, file: &str) -> String {
    let origin = format!("Managed by pxic from {file}.");
    match description {
        Some(d) if !d.trim().is_empty() => format!("{}\n\n{origin}", d.trim()),
        _ => origin,
    }
}

fn download_comment(image: &Image) -> String {
    let what = match image.version.as_deref() {
        Some(v) => format!("{} {}", image.family, comment_text(v)),
        None => image.family.clone(),
    };
    let name = comment_text(&image.name);
    match (&image.checksum, &image.checksum_url) {
        (Some(_), _) => format!("{name} ({what})"),
        (None, Some(url)) => format!(
            "{name} ({what}). Not pinned: the provider takes only a literal checksum, and this\nimage publishes its sums at {}",
            comment_text(url)
        ),
        (None, None) => format!("{name} ({what}), not pinned to a checksum"),
    }
}

/// The `dns` block, when the guest has servers or a domain.
fn dns(g: &Guest) -> Option<Body> {
    if g.dns.is_empty() && g.domain.is_none() {
        return None;
    }
    let mut dns = Body::new();
    dns.attr_some("domain", g.domain.as_deref().map(Expr::str));
    if !g.dns.is_empty() {
        dns.attr(
            "servers",
            Expr::strings(g.dns.iter().map(|a| a.to_string())),
        );
    }
    Some(dns)
}

/// One `ip_config` per NIC, in NIC order. Only the first NIC that gives the guest a
/// default route gets one: a DHCP NIC (its server gives it), or a static one on a
/// network with a gateway, given as the gateway. A second default route would send
/// replies out of the wrong interface.
///
/// A NIC without an address (`ip = none`) has none. In a container it is `manual`
/// (Proxmox's own word for it). A VM has no such word: its block is empty, and none
/// is written after the last NIC that has an address, since the provider reads
/// Proxmox's `ipconfig<n>` back only up to the last one set, and a trailing empty
/// block would be a change on every plan.
fn ip_configs(init: &mut Body, g: &Guest, container: bool) {
    let default_route = g.nics.iter().position(|n| match n.address {
        NicIp::Dhcp => true,
        NicIp::Static(_) => n.gateway.is_some(),
        NicIp::None => false,
    });
    // IPv6 likewise: SLAAC and DHCPv6 learn the route from the router's
    // advertisements; a static address takes the network's `gateway6`.
    let default_route6 = g.nics.iter().position(|n| match n.ipv6.as_deref() {
        Some("slaac" | "dhcp") => true,
        Some(_) => n.gateway6.is_some(),
        None => false,
    });
    let last = if container {
        g.nics.len()
    } else {
        g.nics
            .iter()
            .rposition(|n| n.address != NicIp::None || n.ipv6.is_some())
            .map_or(0, |i| i + 1)
    };
    for (i, nic) in g.nics.iter().enumerate().take(last) {
        let mut config = Body::new();
        let address = match nic.address {
            NicIp::Static(a) => Some(format!("{a}/{}", nic.prefix)),
            NicIp::Dhcp => Some("dhcp".to_string()),
            NicIp::None => container.then(|| "manual".to_string()),
        };
        if let Some(address) = address {
            let mut ipv4 = Body::new();
            ipv4.attr("address", Expr::str(address));
            if Some(i) == default_route {
                ipv4.attr_some("gateway", nic.gateway.map(|g| Expr::str(g.to_string())));
            }
            config.block("ipv4", &[], ipv4);
        }
        if let Some(ipv6) = nic.ipv6.as_deref() {
            let mut body = Body::new();
            // Proxmox's word for SLAAC is `auto`.
            body.attr(
                "address",
                Expr::str(if ipv6 == "slaac" { "auto" } else { ipv6 }),
            );
            if Some(i) == default_route6 {
                body.attr_some("gateway", nic.gateway6.map(|g| Expr::str(g.to_string())));
            }
            config.block("ipv6", &[], body);
        }
        init.block("ip_config", &[], config);
    }
}

fn network_device(nic: &Nic) -> Body {
    let mut device = Body::new();
    device
        .attr("bridge", Expr::str(&nic.bridge))
        .attr("model", Expr::str(nic.model.as_deref().unwrap_or("virtio")));
    fill_nic(&mut device, nic);
    device.attr_some("queues", nic.queues.map(|q| Expr::Num(q.into())));
    device
}

/// What a VM's `network_device` and a container's `network_interface` share after
/// the bridge.
fn fill_nic(body: &mut Body, nic: &Nic) {
    body.attr("mac_address", Expr::str(&nic.mac));
    body.attr_some("vlan_id", nic.vlan.map(|v| Expr::Num(v.into())));
    body.attr_some("mtu", nic.mtu.map(|m| Expr::Num(m.into())));
    body.attr("firewall", Expr::Bool(nic.firewall));
    body.attr_some("rate_limit", nic.rate.map(|r| Expr::Num(r.into())));
}

/// The container OS types the provider knows, by image family.
fn container_os_type(family: Option<&str>) -> &'static str {
    match family {
        Some("debian") => "debian",
        Some("ubuntu") => "ubuntu",
        Some("alpine") => "alpine",
        Some("rocky" | "almalinux" | "centos") => "centos",
        Some("fedora") => "fedora",
        Some("archlinux") => "archlinux",
        _ => "unmanaged",
    }
}

/// Every download the templates and containers of a plan need, with its identifier:
/// `<image>_<node>`, with the storage added when one image goes to two storages of a
/// node.
fn download_ids(plan: &Plan) -> BTreeMap<Download<'_>, String> {
    let templates = plan
        .templates
        .values()
        .filter(|t| t.builder == Builder::Terraform)
        .map(|t| Download {
            image: &t.image,
            node: &t.node,
            datastore: &t.image_storage,
            content_type: "import",
        });
    let containers = plan.containers.values().map(|c| Download {
        image: &c.image,
        node: &c.guest.node,
        datastore: &c.image_storage,
        content_type: "vztmpl",
    });
    // On storage every node shares, one node downloads the file for all: the first
    // by name of those that use it.
    let mut first_node: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    // A file the host playbook fetches for a Packer build is its alone: a second
    // download of it fails ("file already exists"), so Terraform uses it as it is.
    let wanted: Vec<Download> = templates
        .filter(|d| !fetched_by_hosts(plan, d.image, d.node, d.datastore))
        .chain(containers)
        .collect();
    for d in wanted.iter().filter(|d| is_shared(plan, d.datastore)) {
        let node = first_node.entry((d.image, d.datastore)).or_insert(d.node);
        *node = (*node).min(d.node);
    }
    let all: std::collections::BTreeSet<Download> = wanted
        .into_iter()
        .map(|d| match first_node.get(&(d.image, d.datastore)) {
            Some(node) => Download { node, ..d },
            None => d,
        })
        .collect();
    let mut per_node: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for d in &all {
        *per_node.entry((d.image, d.node)).or_default() += 1;
    }
    let names: Vec<(Download, String)> = all
        .into_iter()
        .map(|d| {
            let name = if per_node[&(d.image, d.node)] > 1 {
                format!("{}-{}-{}", d.image, d.node, d.datastore)
            } else {
                format!("{}-{}", d.image, d.node)
            };
            (d, name)
        })
        .collect();
    let ids = hcl::idents(names.iter().map(|(_, n)| n.as_str()));
    names
        .iter()
        .zip(ids)
        .map(|((d, _), (_, id))| (d.clone(), id))
        .collect()
}

/// Whether the host playbook downloads `image` into `storage`'s `import` content on
/// `node` (or on any node, when every node shares the storage): it does for every
/// template Packer builds from a cloud image (`base_vms`). The playbook runs before
/// Terraform, so the file is there when Terraform needs it.
fn fetched_by_hosts(plan: &Plan, image: &str, node: &str, storage: &str) -> bool {
    let shared = is_shared(plan, storage);
    plan.templates.values().any(|t| {
        t.base_vmid.is_some()
            && t.image == image
            && t.image_storage == storage
            && (shared || t.node == node)
    })
}

/// Whether a full clone goes to another node than its template's, onto storage only
/// that node has. Proxmox refuses it (`can't clone to non-shared storage`) when the
/// template's disks are on shared storage, as they must be for a clone across nodes:
/// the provider then asks for exactly that.
fn crosses_to_local_storage(plan: &Plan, vm: &Vm, template: &Template) -> bool {
    template.node != vm.guest.node
        && is_shared(plan, &template.storage)
        && !is_shared(plan, &vm.guest.storage)
}

/// Whether every node sees the same storage: the cluster's, or one marked shared.
fn is_shared(plan: &Plan, storage: &str) -> bool {
    plan.cluster.storages.contains_key(storage)
        || plan
            .hosts
            .values()
            .any(|h| h.storages.get(storage).is_some_and(|s| s.shared))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::hcl;
    use std::path::Path;

    #[test]
    fn an_idmap_covers_every_id_once_and_shares_the_given_ones() {
        assert!(idmap(&[]).is_empty());
        assert_eq!(
            idmap(&[1000]),
            [(0, 100_000, 1000), (1000, 1000, 1), (1001, 101_001, 64535)]
        );
        assert_eq!(
            idmap(&[1, 2, 65535]),
            [
                (0, 100_000, 1),
                (1, 1, 1),
                (2, 2, 1),
                (3, 100_003, 65532),
                (65535, 65535, 1)
            ]
        );
        for shared in [&[1000][..], &[1, 2, 65535], &[44, 104, 1000, 1001]] {
            let entries = idmap(shared);
            let mut next = 0;
            for (container, host, count) in &entries {
                assert_eq!(*container, next, "{entries:?}");
                let kept = shared.contains(container);
                assert!(
                    if kept {
                        host == container && *count == 1
                    } else {
                        *host == 100_000 + container
                    },
                    "{entries:?}"
                );
                next = container + count;
            }
            assert_eq!(next, 65536, "{entries:?}");
        }
    }

    #[test]
    fn vms_printed_in_parts_are_the_file_printed_whole() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cluster");
        let paths = crate::io::discover(&dir).expect("sources");
        let (mut sources, _) = crate::io::read_sources(&dir, &paths);
        let lock = crate::io::read_lock(&crate::io::lock_path(&dir)).expect("lock");
        let world = crate::io::FsWorld::new(&dir, &[]);
        let plan = crate::check::check_project(&mut sources, &world, &lock)
            .plan
            .expect("the example checks");
        let names = Names::of(&plan);
        let guests = Guests::new(&plan, &names);
        let whole = hcl::print(&guests.vms_in_parts(1));
        assert!(plan.vms.len() > 3);
        for threads in [2, 3, plan.vms.len()] {
            assert_eq!(
                hcl::print(&guests.vms_in_parts(threads)),
                whole,
                "{threads} parts"
            );
        }
    }
}
