"""VMs and containers for the bpg/proxmox stand-in's plan-and-apply mode
(standin_crud.py): what a resource's state asks of PVE's config, the calls that
make, change and remove the guest, and how PVE's answer maps back onto the state."""

from __future__ import annotations

import copy
import re
import urllib.parse
from typing import Optional

from standin_api import (
    ABSENT,
    Api,
    ApiError,
    applied,
    empty,
    first_block,
    flag,
    float_or,
    gib,
    int_or,
    is_set,
    is_unknown,
    join_props,
    known,
    pending_config,
    pick,
    pve_bool,
    split_props,
)

# --------------------------------------------------------------------------- #
# VMs                                                                          #
# --------------------------------------------------------------------------- #

VM_DISK_DEFAULTS = {"cache": "none", "discard": "ignore", "iothread": False, "ssd": False, "aio": "io_uring",
                    "backup": True, "replicate": True}


def _vm_disk_props(d: dict) -> dict:
    props: dict = {}
    if d.get("aio") is not None:
        props["aio"] = d["aio"]
    if d.get("backup") is not None:
        props["backup"] = flag(d["backup"])
    if d.get("cache") is not None:
        props["cache"] = d["cache"]
    if d.get("discard") is not None:
        props["discard"] = d["discard"]
    if d.get("iothread") is not None:
        props["iothread"] = flag(d["iothread"])
    if d.get("replicate") is not None:
        props["replicate"] = flag(d["replicate"])
    if d.get("ssd") is not None:
        props["ssd"] = flag(d["ssd"])
    return props


def _vm_net(n: dict) -> str:
    model = n.get("model") or "virtio"
    first = f"{model}={n['mac_address']}" if n.get("mac_address") else f"model={model}"
    rest = {"bridge": n.get("bridge")}
    if n.get("firewall") is not None:
        rest["firewall"] = flag(n["firewall"])
    if n.get("enabled") is False:
        rest["link_down"] = 1
    if n.get("mtu"):
        rest["mtu"] = n["mtu"]
    # As the provider sends them: queues when above 0, the rate limit in MB/s when set.
    if n.get("queues"):
        rest["queues"] = n["queues"]
    if n.get("rate_limit"):
        rest["rate"] = n["rate_limit"]
    if n.get("vlan_id"):
        rest["tag"] = n["vlan_id"]
    return join_props(first, rest)


def _ipconfig(ip: dict) -> Optional[str]:
    v4 = first_block(ip, "ipv4")
    props = {}
    if v4.get("address"):
        props["ip"] = v4["address"]
    if v4.get("gateway"):
        props["gw"] = v4["gateway"]
    return join_props(None, props) if props else None


def vm_options(s: dict) -> dict:
    """The VM's config keys (disks aside) the state asks for; None = leave unset."""
    s = known(s)
    cfg: dict = {
        "name": s.get("name"),
        "description": s.get("description"),
        "tags": ";".join(s["tags"]) if s.get("tags") else None,
        "protection": None if s.get("protection") is None else flag(s["protection"]),
        "onboot": None if s.get("on_boot") is None else flag(s["on_boot"]),
        "scsihw": s.get("scsi_hardware"),
    }
    agent = first_block(s, "agent")
    if agent:
        props = {"enabled": flag(agent.get("enabled"))}
        if agent.get("trim") is not None:
            props["fstrim_cloned_disks"] = flag(agent["trim"])
        if agent.get("type") is not None:
            props["type"] = agent["type"]
        cfg["agent"] = join_props(None, props)
    cpu = first_block(s, "cpu")
    cfg.update(cores=cpu.get("cores"), sockets=cpu.get("sockets"), cpu=cpu.get("type"))
    mem = first_block(s, "memory")
    cfg.update(memory=mem.get("dedicated"), balloon=mem.get("floating"))
    for i, n in enumerate(s.get("network_device") or []):
        cfg[f"net{i}"] = _vm_net(n)
    init = first_block(s, "initialization")
    if init:
        cfg[init.get("interface") or "ide2"] = f"{init.get('datastore_id') or 'local-lvm'}:cloudinit"
        dns = first_block(init, "dns")
        cfg["nameserver"] = " ".join(dns["servers"]) if dns.get("servers") else None
        cfg["searchdomain"] = dns.get("domain")
        for i, ip in enumerate(init.get("ip_config") or []):
            cfg[f"ipconfig{i}"] = _ipconfig(ip)
        user = first_block(init, "user_account")
        cfg["ciuser"] = user.get("username")
        if user.get("keys"):
            cfg["sshkeys"] = urllib.parse.quote("\n".join(user["keys"]) + "\n", safe="")
        cfg["cipassword"] = user.get("password")
    os_ = first_block(s, "operating_system")
    cfg["ostype"] = os_.get("type")
    for i, serial in enumerate(s.get("serial_device") or []):
        cfg[f"serial{i}"] = serial.get("device") or "socket"
    return cfg


class VmCrud:
    kind = "qemu"

    def __init__(self, api: Api, spec: dict):
        self.api = api
        self.spec = spec

    def path(self, node: str, vmid: int) -> str:
        return f"/nodes/{node}/qemu/{vmid}"

    def create(self, p: dict) -> dict:
        api = self.api
        node = p["node_name"]
        vmid = p["vm_id"] if is_set(p.get("vm_id")) and p["vm_id"] != -1 else api.next_id()
        p = dict(p, vm_id=vmid)
        opts = {k: v for k, v in vm_options(p).items() if v is not None}
        clone = first_block(p, "clone")
        if clone:
            source_node = clone.get("node_name") or node
            full = clone.get("full") is not False  # the provider's default: a full clone
            api.run("POST", f"{self.path(source_node, clone['vm_id'])}/clone", {
                "newid": vmid, "name": p.get("name"), "full": flag(full),
                "storage": clone.get("datastore_id") if full else None,
                "target": node if node != source_node else None, "pool": p.get("pool_id"),
            })
            self.made = vmid
            self._disks(p, node, vmid)
            # The cloud-init drive, like the real provider, is (re)made on the clone.
            api.call("PUT", f"{self.path(node, vmid)}/config", opts)
        else:
            params = dict(opts, vmid=vmid, pool=p.get("pool_id"))
            resize = []
            for d in p.get("disk") or []:
                props = _vm_disk_props(d)
                if d.get("file_format"):
                    props["format"] = d["file_format"]
                if d.get("import_from"):
                    # PVE imports the image at its own size; the disk grows to `size` afterwards.
                    params[d["interface"]] = join_props(f"{d['datastore_id']}:0",
                                                        dict(props, **{"import-from": d["import_from"]}))
                    resize.append(d)
                else:
                    params[d["interface"]] = join_props(f"{d['datastore_id']}:{d['size']}", props)
            api.run("POST", f"/nodes/{node}/qemu", params)
            self.made = vmid
            for d in resize:
                api.run("PUT", f"{self.path(node, vmid)}/resize", {"disk": d["interface"], "size": f"{d['size']}G"})
        if p.get("template"):
            api.run("POST", f"{self.path(node, vmid)}/template")
        elif p.get("started"):
            api.run("POST", f"{self.path(node, vmid)}/status/start")
        return applied(self.spec, p, self.read(p))

    def _disks(self, p: dict, node: str, vmid: int) -> None:
        """Disks of an existing VM to what the state asks: options, growth, new disks."""
        api = self.api
        cfg = pending_config(api, self.path(node, vmid))
        for d in p.get("disk") or []:
            key = d["interface"]
            current = cfg.get(key)
            props = _vm_disk_props(d)
            if current is None:
                if d.get("file_format"):
                    props["format"] = d["file_format"]
                if d.get("import_from"):
                    raise ApiError(f"disk {key}: import_from on a VM that exists is not supported by the stand-in")
                api.call("PUT", f"{self.path(node, vmid)}/config",
                         {key: join_props(f"{d['datastore_id']}:{d['size']}", props)})
                continue
            volume, have = split_props(current)
            sid = volume.split(":")[0]
            if sid != d["datastore_id"]:
                raise ApiError(f"disk {key} is on `{sid}`, not `{d['datastore_id']}`: "
                               "the stand-in cannot move disks")
            want = dict(have)
            want.update({k: str(v) for k, v in props.items()})
            if want != have:
                api.call("PUT", f"{self.path(node, vmid)}/config", {key: join_props(volume, want)})
            size = gib(have.get("size", "0")) or 0
            if d.get("size") is not None and d["size"] > size:
                api.run("PUT", f"{self.path(node, vmid)}/resize", {"disk": key, "size": f"{d['size']}G"})
            elif d.get("size") is not None and d["size"] < size:
                raise ApiError(f"disk {key}: {size}G cannot shrink to {d['size']}G")

    def locate(self, vmid: int) -> Optional[dict]:
        res = self.api.resource(vmid)
        if res is None or res.get("type") != self.kind:
            return None
        return res

    def read(self, prior: dict) -> Optional[dict]:
        api = self.api
        prior = known(prior)
        vmid = prior["vm_id"]
        res = self.locate(vmid)
        if res is None:
            return None
        node = res["node"]
        cfg = pending_config(api, self.path(node, vmid))
        s = copy.deepcopy(prior)
        g = lambda k: cfg.get(k, ABSENT)  # noqa: E731
        s["id"] = str(vmid)
        s["vm_id"] = int(vmid)
        s["node_name"] = node
        s["name"] = pick(g("name"), prior.get("name"), None)
        s["description"] = pick(g("description"), prior.get("description"), None)
        tags = [t for t in re.split(r"[;, ]+", cfg.get("tags", "")) if t]
        s["tags"] = pick(tags if tags else ABSENT, prior.get("tags"), [])
        if s["tags"] == [] and prior.get("tags") is None:
            s["tags"] = None
        s["pool_id"] = pick(res.get("pool", ABSENT), prior.get("pool_id"), None)
        s["protection"] = pick(pve_bool(g("protection")), prior.get("protection"), False)
        s["on_boot"] = pick(pve_bool(g("onboot")), prior.get("on_boot"), False)
        s["template"] = pick(pve_bool(g("template")), prior.get("template"), False)
        s["started"] = pick(res.get("status") == "running", prior.get("started"), False)
        s["scsi_hardware"] = pick(g("scsihw"), prior.get("scsi_hardware"), "lsi")
        if s.get("agent"):
            a = s["agent"][0]
            agent = split_props(cfg["agent"]) if "agent" in cfg else (None, {})
            props = dict(agent[1])
            if agent[0] is not None:
                props["enabled"] = agent[0]
            a["enabled"] = pick(pve_bool(props.get("enabled", ABSENT)), a.get("enabled"), False)
            a["trim"] = pick(pve_bool(props.get("fstrim_cloned_disks", ABSENT)), a.get("trim"), False)
            a["type"] = pick(props.get("type", ABSENT), a.get("type"), "virtio")
        if s.get("cpu"):
            c = s["cpu"][0]
            c["cores"] = pick(int_or(g("cores")), c.get("cores"), 1)
            c["sockets"] = pick(int_or(g("sockets")), c.get("sockets"), 1)
            c["type"] = pick(g("cpu"), c.get("type"), "kvm64")
        if s.get("memory"):
            m = s["memory"][0]
            m["dedicated"] = pick(int_or(g("memory")), m.get("dedicated"), 512)
            m["floating"] = pick(int_or(g("balloon")), m.get("floating"), None)
        s["disk"] = self._read_disks(prior.get("disk") or [], cfg, node)
        nets = sorted((k for k in cfg if re.fullmatch(r"net\d+", k)), key=lambda k: int(k[3:]))
        prior_nets = prior.get("network_device") or []
        if is_set(prior_nets) or nets:
            out = []
            for i, key in enumerate(nets):
                base = copy.deepcopy(prior_nets[i]) if i < len(prior_nets) else empty(self.spec, "network_device")
                out.append(_read_vm_net(cfg[key], base))
            s["network_device"] = out
            s["mac_addresses"] = [n.get("mac_address") for n in out]
        else:
            s["network_device"] = []
            s["mac_addresses"] = []
        if s.get("initialization"):
            self._read_init(s["initialization"][0], cfg)
        if s.get("operating_system"):
            o = s["operating_system"][0]
            o["type"] = pick(g("ostype"), o.get("type"), "other")
        if s.get("serial_device") is not None:
            serials = sorted((k for k in cfg if re.fullmatch(r"serial\d", k)), key=lambda k: int(k[6:]))
            prior_serials = prior.get("serial_device") or []
            s["serial_device"] = [
                {**(prior_serials[i] if i < len(prior_serials) else empty(self.spec, "serial_device")),
                 "device": pick(cfg[k], (prior_serials[i] if i < len(prior_serials) else {}).get("device"), "socket")}
                for i, k in enumerate(serials)
            ]
        boot = str(cfg.get("boot", ""))
        s["boot_order"] = (boot[len("order="):].split(";") if boot.startswith("order=") else
                           (prior.get("boot_order") if not is_unknown(prior.get("boot_order")) else []))
        if is_unknown(s.get("hotplug")) or s.get("hotplug") is None:
            s["hotplug"] = cfg.get("hotplug", "network,disk,usb")
        for name in ("ipv4_addresses", "ipv6_addresses", "network_interface_names"):
            # The guest agent reports these; without it the provider leaves them empty.
            s[name] = []
        return s

    def _read_disks(self, prior: list, cfg: dict, node: str) -> list:
        out = []
        keys = [d["interface"] for d in prior]
        keys += sorted(k for k in cfg if re.fullmatch(r"(scsi|virtio|sata)\d+", k) and k not in keys
                       and "media=cdrom" not in str(cfg[k]))
        for key in keys:
            if key not in cfg:
                continue
            base = next((copy.deepcopy(d) for d in prior if d["interface"] == key),
                        dict(empty(self.spec, "disk"), interface=key))
            volume, props = split_props(cfg[key])
            sid = volume.split(":")[0]
            base["datastore_id"] = sid
            base["size"] = gib(props.get("size", "0"))
            fmt = props.get("format")
            if fmt is None:
                info = self.api.call("GET", f"/nodes/{node}/storage/{sid}/content/{urllib.parse.quote(volume)}")
                fmt = (info or {}).get("format")
            base["file_format"] = pick(fmt if fmt else ABSENT, base.get("file_format"), None)
            for name, default in VM_DISK_DEFAULTS.items():
                raw = props.get(name, ABSENT)
                value = pve_bool(raw) if isinstance(default, bool) else raw
                base[name] = pick(value, base.get(name), default)
            # import_from is a create-time instruction PVE does not keep: it stays as it was.
            out.append(base)
        return out

    def _read_init(self, i: dict, cfg: dict) -> None:
        key = i.get("interface") or "ide2"
        drive = cfg.get(key)
        if drive is not None:
            i["datastore_id"] = pick(drive.split(":")[0], i.get("datastore_id"), None)
        if i.get("dns"):
            d = i["dns"][0]
            servers = cfg.get("nameserver", "").split()
            d["servers"] = pick(servers if servers else ABSENT, d.get("servers"), None)
            d["domain"] = pick(cfg.get("searchdomain", ABSENT), d.get("domain"), None)
        ips = sorted((k for k in cfg if re.fullmatch(r"ipconfig\d+", k)), key=lambda k: int(k[8:]))
        prior_ips = i.get("ip_config") or []
        if prior_ips or ips:
            out = []
            for n, k in enumerate(ips):
                base = (copy.deepcopy(prior_ips[n]) if n < len(prior_ips)
                        else empty(self.spec, "initialization", "ip_config"))
                _, props = split_props(cfg[k])
                v4 = base["ipv4"][0] if base.get("ipv4") else {}
                v4["address"] = pick(props.get("ip", ABSENT), v4.get("address"), None)
                v4["gateway"] = pick(props.get("gw", ABSENT), v4.get("gateway"), None)
                base["ipv4"] = [v4] if v4.get("address") or v4.get("gateway") else []
                out.append(base)
            i["ip_config"] = out
        if i.get("user_account"):
            u = i["user_account"][0]
            u["username"] = pick(cfg.get("ciuser", ABSENT), u.get("username"), None)
            keys = [k for k in urllib.parse.unquote(cfg.get("sshkeys", "")).split("\n") if k]
            u["keys"] = pick(keys if keys else ABSENT, u.get("keys"), None)
            # PVE answers the password as stars: it stays as it was.

    def update(self, current: dict, p: dict) -> dict:
        api = self.api
        vmid, node = current["vm_id"], current["node_name"]
        if p["vm_id"] != vmid or p["node_name"] != node:
            raise ApiError("the stand-in cannot change a VM's vm_id or node_name (no migration)")
        if bool(p.get("template")) != bool(current.get("template")):
            raise ApiError("the stand-in cannot turn a VM into a template or back")
        status = (api.resource(vmid) or {}).get("status")
        if not p.get("template") and p.get("started") is False and status == "running":
            api.run("POST", f"{self.path(node, vmid)}/status/stop")
            status = "stopped"
        cfg = pending_config(api, self.path(node, vmid))
        want = vm_options(p)
        changes = {k: v for k, v in want.items() if v is not None and str(cfg.get(k)) != str(v)}
        ci = (first_block(p, "initialization").get("interface") or "ide2") if p.get("initialization") else None
        if ci in changes and str(cfg.get(ci, "")).split(":")[0] == str(changes[ci]).split(":")[0] \
                and "cloudinit" in str(cfg.get(ci)):
            changes.pop(ci)  # the cloud-init drive is there, on that storage
        if "cipassword" in changes and want["cipassword"] == first_block(
                first_block(current, "initialization"), "user_account").get("password"):
            changes.pop("cipassword")  # PVE answers stars; the password did not change
        have = vm_options(current)
        deletes = [k for k, v in want.items() if v is None and have.get(k) is not None and k in cfg]
        if changes or deletes:
            api.call("PUT", f"{self.path(node, vmid)}/config",
                     dict(changes, delete=",".join(deletes) if deletes else None))
        self._disks(p, node, vmid)
        if p.get("pool_id") != current.get("pool_id"):
            if current.get("pool_id"):
                api.call("PUT", "/pools", {"poolid": current["pool_id"], "vms": vmid, "delete": 1})
            if p.get("pool_id"):
                api.call("PUT", "/pools", {"poolid": p["pool_id"], "vms": vmid})
        if not p.get("template"):
            if p.get("started") and status != "running":
                api.run("POST", f"{self.path(node, vmid)}/status/start")
            elif status == "running" and p.get("reboot_after_update") is not False and (changes or deletes):
                # The provider's default: reboot so that pending changes take effect.
                api.run("POST", f"{self.path(node, vmid)}/status/reboot")
        return applied(self.spec, p, self.read(p))

    def delete(self, current: dict) -> None:
        api = self.api
        vmid = current["vm_id"]
        res = self.locate(vmid)
        if res is None:
            return
        base = self.path(res["node"], vmid)
        if res.get("status") == "running":
            api.run("POST", f"{base}/status/stop")
        api.run("DELETE", base, {"purge": 1, "destroy-unreferenced-disks": 1})


def _read_vm_net(text: str, base: dict) -> dict:
    _, props = split_props(text)
    model = next((k for k in props if k not in ("bridge", "firewall", "link_down", "mtu", "tag", "queues", "rate",
                                                 "trunks", "macaddr", "model")), props.get("model"))
    mac = props.get(model) if model in props else props.get("macaddr")
    base["model"] = pick(model if model else ABSENT, base.get("model"), "virtio")
    base["mac_address"] = mac.upper() if mac else base.get("mac_address")
    base["bridge"] = pick(props.get("bridge", ABSENT), base.get("bridge"), None)
    base["firewall"] = pick(pve_bool(props.get("firewall", ABSENT)), base.get("firewall"), False)
    base["enabled"] = pick(not pve_bool(props["link_down"]) if "link_down" in props else ABSENT,
                           base.get("enabled"), True)
    base["mtu"] = pick(int_or(props.get("mtu", ABSENT)), base.get("mtu"), 0)
    base["queues"] = pick(int_or(props.get("queues", ABSENT)), base.get("queues"), 0)
    base["rate_limit"] = pick(float_or(props.get("rate", ABSENT)), base.get("rate_limit"), 0)
    base["vlan_id"] = pick(int_or(props.get("tag", ABSENT)), base.get("vlan_id"), 0)
    return base


# --------------------------------------------------------------------------- #
# Containers                                                                   #
# --------------------------------------------------------------------------- #


def ct_options(s: dict) -> dict:
    """The container's config keys (rootfs aside) the state asks for."""
    s = known(s)
    cfg: dict = {
        "description": s.get("description"),
        "tags": ";".join(s["tags"]) if s.get("tags") else None,
        "protection": None if s.get("protection") is None else flag(s["protection"]),
        "onboot": None if s.get("start_on_boot") is None else flag(s["start_on_boot"]),
    }
    cpu = first_block(s, "cpu")
    cfg["cores"] = cpu.get("cores")
    mem = first_block(s, "memory")
    cfg.update(memory=mem.get("dedicated"), swap=mem.get("swap"))
    feats = first_block(s, "features")
    if feats:
        props = {k: flag(feats[k]) for k in ("keyctl", "nesting") if feats.get(k) is not None}
        cfg["features"] = join_props(None, props) or None
    init = first_block(s, "initialization")
    cfg["hostname"] = init.get("hostname")
    dns = first_block(init, "dns")
    cfg["nameserver"] = " ".join(dns["servers"]) if dns.get("servers") else None
    cfg["searchdomain"] = dns.get("domain")
    ips = init.get("ip_config") or []
    for i, n in enumerate(s.get("network_interface") or []):
        props = {"name": n["name"], "bridge": n.get("bridge")}
        if n.get("firewall") is not None:
            props["firewall"] = flag(n["firewall"])
        v4 = first_block(ips[i], "ipv4") if i < len(ips) else {}
        if v4.get("gateway"):
            props["gw"] = v4["gateway"]
        if n.get("mac_address"):
            props["hwaddr"] = n["mac_address"]
        if v4.get("address"):
            props["ip"] = v4["address"]
        if n.get("enabled") is False:
            props["link_down"] = 1
        if n.get("mtu"):
            props["mtu"] = n["mtu"]
        if n.get("vlan_id"):
            props["tag"] = n["vlan_id"]
        cfg[f"net{i}"] = join_props(None, props)
    return cfg


class ContainerCrud:
    def __init__(self, api: Api, spec: dict):
        self.api = api
        self.spec = spec

    def path(self, node: str, vmid: int) -> str:
        return f"/nodes/{node}/lxc/{vmid}"

    def create(self, p: dict) -> dict:
        api = self.api
        node = p["node_name"]
        vmid = p["vm_id"] if is_set(p.get("vm_id")) and p["vm_id"] != -1 else api.next_id()
        p = dict(p, vm_id=vmid)
        if p.get("clone"):
            raise ApiError("the stand-in cannot clone containers")
        os_ = first_block(p, "operating_system")
        disk = first_block(p, "disk")
        init = first_block(p, "initialization")
        user = first_block(init, "user_account")
        params = {k: v for k, v in ct_options(p).items() if v is not None}
        params.update(vmid=vmid, ostemplate=os_.get("template_file_id"), pool=p.get("pool_id"),
                      unprivileged=flag(p.get("unprivileged")),  # the provider's default: false
                      ostype=os_.get("type"),
                      rootfs=f"{disk.get('datastore_id') or 'local'}:{disk.get('size') or 4}",
                      password=user.get("password"),
                      **{"ssh-public-keys": "\n".join(user["keys"]) + "\n" if user.get("keys") else None})
        # Mount points as the provider sends them: a new volume `<storage>:<GiB>`, or a
        # host directory; `mp0` first. Any change to them replaces the container.
        for i, mp in enumerate(p.get("mount_point") or []):
            volume = mp["volume"]
            if mp.get("size") and ":" not in volume:
                volume = f"{volume}:{gib(mp['size'])}"
            params[f"mp{i}"] = join_props(volume, {"mp": mp["path"], "backup": flag(mp.get("backup"))})
        api.run("POST", f"/nodes/{node}/lxc", params)
        self.made = vmid
        if p.get("started"):
            api.run("POST", f"{self.path(node, vmid)}/status/start")
        return applied(self.spec, p, self.read(p))

    def read(self, prior: dict) -> Optional[dict]:
        api = self.api
        prior = known(prior)
        vmid = prior["vm_id"]
        res = api.resource(vmid)
        if res is None or res.get("type") != "lxc":
            return None
        node = res["node"]
        cfg = pending_config(api, self.path(node, vmid))
        g = lambda k: cfg.get(k, ABSENT)  # noqa: E731
        s = copy.deepcopy(prior)
        s.update(id=str(vmid), vm_id=int(vmid), node_name=node)
        s["description"] = pick(g("description"), prior.get("description"), None)
        tags = [t for t in re.split(r"[;, ]+", cfg.get("tags", "")) if t]
        s["tags"] = pick(tags if tags else ABSENT, prior.get("tags"), [])
        if s["tags"] == [] and prior.get("tags") is None:
            s["tags"] = None
        s["pool_id"] = pick(res.get("pool", ABSENT), prior.get("pool_id"), None)
        s["protection"] = pick(pve_bool(g("protection")), prior.get("protection"), False)
        s["start_on_boot"] = pick(pve_bool(g("onboot")), prior.get("start_on_boot"), False)
        s["unprivileged"] = pick(pve_bool(g("unprivileged")), prior.get("unprivileged"), False)
        s["started"] = pick(res.get("status") == "running", prior.get("started"), False)
        if s.get("cpu"):
            s["cpu"][0]["cores"] = pick(int_or(g("cores")), s["cpu"][0].get("cores"), 1)
        if s.get("memory"):
            m = s["memory"][0]
            m["dedicated"] = pick(int_or(g("memory")), m.get("dedicated"), 512)
            m["swap"] = pick(int_or(g("swap")), m.get("swap"), 512)
        if s.get("disk") and "rootfs" in cfg:
            volume, props = split_props(cfg["rootfs"])
            s["disk"][0]["datastore_id"] = volume.split(":")[0]
            s["disk"][0]["size"] = gib(props.get("size", "0"))
        # A mount point detached on the cluster is gone from the state: the plan then
        # makes the container again, as the provider's ForceNew list does.
        if s.get("mount_point"):
            s["mount_point"] = [mp for i, mp in enumerate(s["mount_point"])
                                if f"mp{i}" in cfg and split_props(cfg[f"mp{i}"])[1].get("mp") == mp["path"]]
        if s.get("features"):
            f = s["features"][0]
            _, props = split_props(cfg.get("features", ""))
            f["nesting"] = pick(pve_bool(props.get("nesting", ABSENT)), f.get("nesting"), False)
            f["keyctl"] = pick(pve_bool(props.get("keyctl", ABSENT)), f.get("keyctl"), False)
        nets = sorted((k for k in cfg if re.fullmatch(r"net\d+", k)), key=lambda k: int(k[3:]))
        prior_nets = prior.get("network_interface") or []
        net_props = [split_props(cfg[k])[1] for k in nets]
        out = []
        for i, props in enumerate(net_props):
            n = copy.deepcopy(prior_nets[i]) if i < len(prior_nets) else empty(self.spec, "network_interface")
            n["name"] = props.get("name")
            n["bridge"] = pick(props.get("bridge", ABSENT), n.get("bridge"), None)
            mac = props.get("hwaddr")
            n["mac_address"] = mac.upper() if mac else n.get("mac_address")
            n["firewall"] = pick(pve_bool(props.get("firewall", ABSENT)), n.get("firewall"), False)
            n["enabled"] = pick(not pve_bool(props["link_down"]) if "link_down" in props else ABSENT,
                                n.get("enabled"), True)
            n["mtu"] = pick(int_or(props.get("mtu", ABSENT)), n.get("mtu"), None)
            n["vlan_id"] = pick(int_or(props.get("tag", ABSENT)), n.get("vlan_id"), None)
            out.append(n)
        s["network_interface"] = out
        if s.get("initialization"):
            i = s["initialization"][0]
            i["hostname"] = pick(g("hostname"), i.get("hostname"), None)
            if i.get("dns"):
                d = i["dns"][0]
                servers = cfg.get("nameserver", "").split()
                d["servers"] = pick(servers if servers else ABSENT, d.get("servers"), None)
                d["domain"] = pick(g("searchdomain"), d.get("domain"), None)
            prior_ips = i.get("ip_config") or []
            ips = []
            for n, props in enumerate(net_props):
                base = (copy.deepcopy(prior_ips[n]) if n < len(prior_ips)
                        else empty(self.spec, "initialization", "ip_config"))
                v4 = base["ipv4"][0] if base.get("ipv4") else {}
                v4["address"] = pick(props.get("ip", ABSENT), v4.get("address"), None)
                v4["gateway"] = pick(props.get("gw", ABSENT), v4.get("gateway"), None)
                base["ipv4"] = [v4] if v4.get("address") or v4.get("gateway") else []
                if base["ipv4"] or base.get("ipv6") or n < len(prior_ips):
                    ips.append(base)
            if prior_ips or ips:
                i["ip_config"] = ips
            # SSH keys and the password are create-time inputs PVE does not show: kept.
        if s.get("operating_system"):
            o = s["operating_system"][0]
            o["type"] = pick(g("ostype"), o.get("type"), "unmanaged")
            # template_file_id is create-time only: kept.
        for name in ("ipv4", "ipv6"):
            s[name] = {}
        return s

    def update(self, current: dict, p: dict) -> dict:
        api = self.api
        vmid, node = current["vm_id"], current["node_name"]
        if p["vm_id"] != vmid or p["node_name"] != node:
            raise ApiError("the stand-in cannot change a container's vm_id or node_name (no migration)")
        for name in ("disk", "mount_point", "operating_system", "unprivileged"):
            if p.get(name) != current.get(name):
                raise ApiError(f"the stand-in cannot change a container's `{name}` in place")
        cfg = pending_config(api, self.path(node, vmid))
        want, have = ct_options(p), ct_options(current)
        changes = {k: v for k, v in want.items() if v is not None and str(cfg.get(k)) != str(v)}
        deletes = [k for k, v in want.items() if v is None and have.get(k) is not None and k in cfg]
        if changes or deletes:
            api.call("PUT", f"{self.path(node, vmid)}/config",
                     dict(changes, delete=",".join(deletes) if deletes else None))
        if p.get("pool_id") != current.get("pool_id"):
            if current.get("pool_id"):
                api.call("PUT", "/pools", {"poolid": current["pool_id"], "vms": vmid, "delete": 1})
            if p.get("pool_id"):
                api.call("PUT", "/pools", {"poolid": p["pool_id"], "vms": vmid})
        status = (api.resource(vmid) or {}).get("status")
        if p.get("started") and status != "running":
            api.run("POST", f"{self.path(node, vmid)}/status/start")
        elif p.get("started") is False and status == "running":
            api.run("POST", f"{self.path(node, vmid)}/status/stop")
        return applied(self.spec, p, self.read(p))

    def delete(self, current: dict) -> None:
        api = self.api
        vmid = current["vm_id"]
        res = api.resource(vmid)
        if res is None:
            return
        base = self.path(res["node"], vmid)
        if res.get("status") == "running":
            api.run("POST", f"{base}/status/stop")
        api.run("DELETE", base, {"purge": 1})
