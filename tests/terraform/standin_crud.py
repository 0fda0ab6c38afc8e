"""Plan and apply for the bpg/proxmox stand-in, through the Proxmox VE API.

stub_provider.py only validates. With PXIC_TF_STANDIN_CRUD=1 in its
environment it installs this module, and four resource types can then be
planned, created, read, updated and deleted against the cluster the provider
block points at (in pxic's tests: fakepve, tests/fakepve/serve.py):

    proxmox_virtual_environment_vm          clone of a VM/template, or a new VM
                                            (disks allocated or imported)
    proxmox_virtual_environment_container   a container from a downloaded OS template
    proxmox_virtual_environment_pool        a resource pool
    proxmox_download_file                   download-url to a storage (also under its
                                            deprecated name proxmox_virtual_environment_download_file)

Every other resource type keeps refusing ("Stand-in provider cannot manage
resources"), and data sources cannot be read.

Connection, as bpg reads it: `endpoint` or PROXMOX_VE_ENDPOINT, `api_token`
or PROXMOX_VE_API_TOKEN (USER@REALM!ID=SECRET; tickets and passwords are not
supported), `insecure` or PROXMOX_VE_INSECURE. The server certificate is
checked against SSL_CERT_FILE when that is set (as Go's crypto/x509 does for
the real provider), else against the system's CAs.

Honesty rules:
  * MAPPED below lists, per resource type, every attribute the stand-in sends
    to the API or reads back, and the provider-side settings that never reach
    the API (timeouts, what to do on destroy, ...). A configuration that sets
    anything else is refused at validation (so at plan time) with an error
    on that attribute: nothing set in the configuration is silently dropped.
  * Read maps the API's answer back onto the state, so a second plan shows
    no changes only if the cluster really holds what the configuration says,
    and changes made through the API show up as a diff. A value the API
    leaves out reads as the PVE default; a default equal to an unset
    attribute reads as unset.
  * Create-only inputs that PVE does not keep (`clone`, a disk's
    `import_from`, a container's OS template, SSH keys and password) are kept
    from the state, as the real provider does.
  * Computed attributes inside blocks (e.g. a disk's `path_in_datastore`)
    are left null; blocks the configuration leaves out are not read back.
  * Tasks (UPIDs) are waited for; a task that ends in error, and any API
    error, becomes a Terraform diagnostic with PVE's message.
"""

from __future__ import annotations

import copy
import json
import os
import re
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Optional

from msgpack import ExtType
from tf.types import Unknown

TASK_TIMEOUT_SECS = 600

# What each resource type maps. A name maps to True (a value the stand-in
# handles), "provider" (a setting of the provider itself, irrelevant to the
# API) or a dict (a block or an object, with what it maps inside).
_VM_TIMEOUTS = {
    f"timeout_{t}": "provider"
    for t in ("clone", "create", "migrate", "move_disk", "reboot", "shutdown_vm", "start_vm", "stop_vm")
}
MAPPED: dict[str, dict] = {
    "proxmox_virtual_environment_vm": {
        **_VM_TIMEOUTS,
        "name": True, "description": True, "node_name": True, "vm_id": True, "pool_id": True, "tags": True,
        "protection": True, "on_boot": True, "started": True, "template": True, "scsi_hardware": True,
        "migrate": "provider", "reboot_after_update": "provider", "stop_on_destroy": "provider",
        "purge_on_destroy": "provider", "delete_unreferenced_disks_on_destroy": "provider",
        "agent": {"enabled": True, "trim": True, "type": True, "timeout": "provider", "wait_for_ip": "provider"},
        "clone": {"vm_id": True, "node_name": True, "full": True, "datastore_id": True, "retries": "provider"},
        "cpu": {"cores": True, "sockets": True, "type": True},
        "memory": {"dedicated": True, "floating": True},
        "disk": {"interface": True, "datastore_id": True, "size": True, "file_format": True, "cache": True,
                 "discard": True, "iothread": True, "ssd": True, "aio": True, "backup": True, "replicate": True,
                 "import_from": True},
        "network_device": {"bridge": True, "model": True, "mac_address": True, "firewall": True, "vlan_id": True,
                           "mtu": True, "enabled": True},
        "initialization": {"datastore_id": True, "interface": True, "dns": {"servers": True, "domain": True},
                           "ip_config": {"ipv4": {"address": True, "gateway": True}},
                           "user_account": {"username": True, "keys": True, "password": True}},
        "operating_system": {"type": True},
        "serial_device": {"device": True},
    },
    "proxmox_virtual_environment_container": {
        "description": True, "node_name": True, "vm_id": True, "pool_id": True, "tags": True, "protection": True,
        "start_on_boot": True, "started": True, "unprivileged": True,
        "timeout_create": "provider", "timeout_delete": "provider", "timeout_start": "provider",
        "timeout_update": "provider", "timeout_clone": "provider",
        "cpu": {"cores": True},
        "memory": {"dedicated": True, "swap": True},
        "disk": {"datastore_id": True, "size": True},
        "features": {"nesting": True, "keyctl": True},
        "initialization": {"hostname": True, "dns": {"servers": True, "domain": True},
                           "ip_config": {"ipv4": {"address": True, "gateway": True}},
                           "user_account": {"keys": True, "password": True}},
        "network_interface": {"name": True, "bridge": True, "mac_address": True, "firewall": True, "vlan_id": True,
                              "mtu": True, "enabled": True},
        "operating_system": {"template_file_id": True, "type": True},
    },
    "proxmox_virtual_environment_pool": {"pool_id": True, "comment": True},
    "proxmox_download_file": {
        "content_type": True, "datastore_id": True, "node_name": True, "url": True, "file_name": True,
        "checksum": True, "checksum_algorithm": True,
        "overwrite": "provider", "overwrite_unmanaged": "provider", "upload_timeout": "provider", "verify": "provider",
    },
}
MAPPED["proxmox_virtual_environment_download_file"] = MAPPED["proxmox_download_file"]


class ApiError(Exception):
    """An API call or task that failed: PVE's message."""


def _unknown(v: Any) -> bool:
    return v is Unknown or isinstance(v, ExtType)


def _set(v: Any) -> bool:
    """A value the configuration gives: not null, not unknown, not an empty block list."""
    return v is not None and not _unknown(v) and v != []


# --------------------------------------------------------------------------- #
# Refusing what is not mapped                                                  #
# --------------------------------------------------------------------------- #


def unmapped(mapped: dict, value: dict, path: list) -> list[list]:
    """Paths of the values set in `value` (a config object) that `mapped` does not list."""
    out = []
    for name, v in (value or {}).items():
        if not _set(v):
            continue
        m = mapped.get(name)
        if m is None:
            out.append(path + [name])
        elif isinstance(m, dict):
            items = v if isinstance(v, list) else [v]
            for i, item in enumerate(items):
                if isinstance(item, dict):
                    out.extend(unmapped(m, item, path + [(name, i)] if isinstance(v, list) else path + [name]))
    return out


def _path_text(path: list) -> str:
    parts = []
    for step in path:
        parts.append(f"{step[0]}[{step[1]}]" if isinstance(step, tuple) else step)
    return ".".join(parts)


def _diag_path(path: list) -> list:
    out: list = []
    for step in path:
        if isinstance(step, tuple):
            out.extend([step[0], (step[1],)])
        else:
            out.append(step)
    return out


# --------------------------------------------------------------------------- #
# The API                                                                      #
# --------------------------------------------------------------------------- #


def _truthy(v: Any) -> bool:
    return str(v).strip().lower() in ("1", "true", "yes", "on")


class Api:
    """A Proxmox VE API client authenticated with an API token."""

    def __init__(self, config: dict):
        endpoint = config.get("endpoint") or os.environ.get("PROXMOX_VE_ENDPOINT")
        token = config.get("api_token") or os.environ.get("PROXMOX_VE_API_TOKEN")
        if not endpoint or _unknown(endpoint):
            raise ApiError("no endpoint: set `endpoint` in the provider block or PROXMOX_VE_ENDPOINT")
        if not token or _unknown(token) or "=" not in token:
            raise ApiError(
                "no API token (USER@REALM!ID=SECRET): set `api_token` or PROXMOX_VE_API_TOKEN; "
                "the stand-in supports no other login"
            )
        insecure = config.get("insecure")
        if insecure is None:
            insecure = _truthy(os.environ.get("PROXMOX_VE_INSECURE", ""))
        self.base = endpoint.rstrip("/") + "/api2/json"
        self.auth = "PVEAPIToken=" + token
        if insecure:
            self.ssl = ssl._create_unverified_context()
        else:
            self.ssl = ssl.create_default_context(cafile=os.environ.get("SSL_CERT_FILE") or None)

    def call(self, method: str, path: str, params: Optional[dict] = None) -> Any:
        params = {k: v for k, v in (params or {}).items() if v is not None}
        enc = {k: (int(v) if isinstance(v, bool) else v) for k, v in params.items()}
        url = self.base + path
        data = None
        headers = {"Authorization": self.auth, "Accept": "application/json"}
        if method in ("GET", "DELETE"):
            if enc:
                url += "?" + urllib.parse.urlencode(enc)
        else:
            data = urllib.parse.urlencode(enc).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, context=self.ssl, timeout=60) as response:
                body = response.read()
        except urllib.error.HTTPError as e:
            text = e.read().decode(errors="replace")
            detail = e.reason
            try:
                parsed = json.loads(text)
                detail = parsed.get("message") or detail
                if parsed.get("errors"):
                    detail = f"{detail} {json.dumps(parsed['errors'], sort_keys=True)}"
            except ValueError:
                pass
            raise ApiError(f"{method} {path}: HTTP {e.code}: {str(detail).strip()}") from None
        except (urllib.error.URLError, OSError) as e:
            raise ApiError(f"{method} {path}: {e}") from None
        return json.loads(body or b"{}").get("data")

    def wait(self, upid: str) -> None:
        """Wait for a task; a task that does not end OK raises with its TASK ERROR line."""
        node = upid.split(":")[1]
        path = f"/nodes/{node}/tasks/{urllib.parse.quote(upid, safe='')}"
        deadline = time.monotonic() + TASK_TIMEOUT_SECS
        while True:
            status = self.call("GET", path + "/status")
            if status.get("status") == "stopped":
                break
            if time.monotonic() > deadline:
                raise ApiError(f"task {upid} still running after {TASK_TIMEOUT_SECS} s")
            time.sleep(0.2)
        if status.get("exitstatus") != "OK":
            log = self.call("GET", path + "/log", {"limit": 500}) or []
            last = [line.get("t", "") for line in log if str(line.get("t", "")).startswith("TASK ERROR")]
            raise ApiError(f"task {upid} failed: {last[-1] if last else status.get('exitstatus')}")

    def run(self, method: str, path: str, params: Optional[dict] = None) -> Any:
        """A call that may start a task: waits for it."""
        result = self.call(method, path, params)
        if isinstance(result, str) and result.startswith("UPID:"):
            self.wait(result)
        return result

    def resource(self, vmid: int) -> Optional[dict]:
        """The guest with this VMID in /cluster/resources, or None."""
        for item in self.call("GET", "/cluster/resources", {"type": "vm"}) or []:
            if int(item.get("vmid", -1)) == int(vmid):
                return item
        return None

    def next_id(self) -> int:
        return int(self.call("GET", "/cluster/nextid"))


# --------------------------------------------------------------------------- #
# Value helpers                                                                #
# --------------------------------------------------------------------------- #

ABSENT = object()


def pick(api_value: Any, prior: Any, default: Any) -> Any:
    """The state value of a mapped attribute: what the API says (its default when it
    says nothing), but unset when that is the default and the state had it unset."""
    v = default if api_value is ABSENT else api_value
    if prior is None and v == default:
        return None
    return v


def split_props(text: str) -> tuple[Optional[str], dict]:
    """`first,k=v,k=v` -> (first or None, {k: v})."""
    first, props = None, {}
    for i, part in enumerate(str(text).split(",")):
        if "=" in part:
            k, _, v = part.partition("=")
            props[k] = v
        elif i == 0:
            first = part
    return first, props


def join_props(first: Optional[str], props: dict) -> str:
    parts = [first] if first else []
    parts += [f"{k}={v}" for k, v in props.items() if v is not None]
    return ",".join(parts)


def gib(size_text: str) -> Any:
    """A PVE size ('20G', '512M', '1T') in GiB, an int when whole."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT]?)", str(size_text))
    if not m:
        return None
    n = float(m.group(1)) * {"": 1 / 1024**3, "K": 1 / 1024**2, "M": 1 / 1024, "G": 1, "T": 1024}[m.group(2)]
    return int(n) if n == int(n) else n


def flag(v: Any) -> int:
    return 1 if v else 0


def empty(spec: dict, *path: str) -> dict:
    """A block element (or an object of an attribute-mode block) with nothing set: the
    spec's block at `path`, its attributes null and its nested blocks empty."""
    for name in path:
        spec = spec["blocks"][name]
    out: dict = dict.fromkeys(spec.get("attributes", {}))
    for name, block in spec.get("blocks", {}).items():
        out[name] = None if block.get("nesting") in ("single", "group") else []
    return out


def pending_config(api: Api, path: str) -> dict:
    """The guest's config with its pending changes applied: what PVE's GET .../config
    answers by default (current=0). fakepve 0.5.0 answers the current config there,
    so this reads .../pending, which both give, and applies it."""
    cfg = {}
    for item in api.call("GET", path + "/pending") or []:
        if item.get("delete"):
            continue
        if "pending" in item:
            cfg[item["key"]] = item["pending"]
        elif "value" in item:
            cfg[item["key"]] = item["value"]
    return cfg


def first_block(state: dict, name: str) -> dict:
    blocks = state.get(name) or []
    return blocks[0] if blocks else {}


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


def applied(spec: dict, planned: dict, state: Optional[dict]) -> Optional[dict]:
    """The state to report after create or update: what the read found, except where
    the plan held a value the real provider would also have kept for now. Tags PVE
    sorts keep the plan's order (read afterwards gives PVE's order, a diff the real
    provider shows too for unsorted tags), and computed attributes inside blocks that
    the plan left null (a disk's file_format) stay null until the next read."""
    if state is None:
        return None
    tags = planned.get("tags")
    if _set(tags) and sorted(tags) == sorted(state.get("tags") or []):
        state["tags"] = tags
    _keep_null_computed(spec, planned, state)
    return state


def _keep_null_computed(spec: dict, planned: dict, state: dict) -> None:
    for name, block in spec.get("blocks", {}).items():
        if block.get("config_mode") == "attr":
            continue  # an attribute: the whole value is planned
        for p, s in zip(planned.get(name) or [], state.get(name) or []):
            for attr, a in block.get("attributes", {}).items():
                if a.get("computed") and p.get(attr) is None and attr in s:
                    s[attr] = None
            _keep_null_computed(block, p, s)


def partial(handler: Any, planned: dict) -> Optional[dict]:
    """After a create that failed once the guest existed: the planned state with its
    VMID, which Terraform keeps as tainted (the next apply replaces it), as the real
    provider does; None when nothing was made."""
    vmid = getattr(handler, "made", None)
    if vmid is None:
        return None
    return dict(known(planned), id=str(vmid), vm_id=vmid)


def known(s: dict) -> dict:
    """The state with its unknown (still computed) top-level values as null."""
    return {k: (None if _unknown(v) else v) for k, v in s.items()}


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
        vmid = p["vm_id"] if _set(p.get("vm_id")) and p["vm_id"] != -1 else api.next_id()
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
        s["protection"] = pick(_bool(g("protection")), prior.get("protection"), False)
        s["on_boot"] = pick(_bool(g("onboot")), prior.get("on_boot"), False)
        s["template"] = pick(_bool(g("template")), prior.get("template"), False)
        s["started"] = pick(res.get("status") == "running", prior.get("started"), False)
        s["scsi_hardware"] = pick(g("scsihw"), prior.get("scsi_hardware"), "lsi")
        if s.get("agent"):
            a = s["agent"][0]
            agent = split_props(cfg["agent"]) if "agent" in cfg else (None, {})
            props = dict(agent[1])
            if agent[0] is not None:
                props["enabled"] = agent[0]
            a["enabled"] = pick(_bool(props.get("enabled", ABSENT)), a.get("enabled"), False)
            a["trim"] = pick(_bool(props.get("fstrim_cloned_disks", ABSENT)), a.get("trim"), False)
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
        if _set(prior_nets) or nets:
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
                           (prior.get("boot_order") if not _unknown(prior.get("boot_order")) else []))
        if _unknown(s.get("hotplug")) or s.get("hotplug") is None:
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
                value = _bool(raw) if isinstance(default, bool) else raw
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


def _bool(v: Any) -> Any:
    if v is ABSENT:
        return ABSENT
    return str(v) in ("1", "true", "on", "yes")


def int_or(v: Any) -> Any:
    return ABSENT if v is ABSENT else int(v)


def _read_vm_net(text: str, base: dict) -> dict:
    _, props = split_props(text)
    model = next((k for k in props if k not in ("bridge", "firewall", "link_down", "mtu", "tag", "queues", "rate",
                                                 "trunks", "macaddr", "model")), props.get("model"))
    mac = props.get(model) if model in props else props.get("macaddr")
    base["model"] = pick(model if model else ABSENT, base.get("model"), "virtio")
    base["mac_address"] = mac.upper() if mac else base.get("mac_address")
    base["bridge"] = pick(props.get("bridge", ABSENT), base.get("bridge"), None)
    base["firewall"] = pick(_bool(props.get("firewall", ABSENT)), base.get("firewall"), False)
    base["enabled"] = pick(not _bool(props["link_down"]) if "link_down" in props else ABSENT,
                           base.get("enabled"), True)
    base["mtu"] = pick(int_or(props.get("mtu", ABSENT)), base.get("mtu"), 0)
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
        vmid = p["vm_id"] if _set(p.get("vm_id")) and p["vm_id"] != -1 else api.next_id()
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
        s["protection"] = pick(_bool(g("protection")), prior.get("protection"), False)
        s["start_on_boot"] = pick(_bool(g("onboot")), prior.get("start_on_boot"), False)
        s["unprivileged"] = pick(_bool(g("unprivileged")), prior.get("unprivileged"), False)
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
        if s.get("features"):
            f = s["features"][0]
            _, props = split_props(cfg.get("features", ""))
            f["nesting"] = pick(_bool(props.get("nesting", ABSENT)), f.get("nesting"), False)
            f["keyctl"] = pick(_bool(props.get("keyctl", ABSENT)), f.get("keyctl"), False)
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
            n["firewall"] = pick(_bool(props.get("firewall", ABSENT)), n.get("firewall"), False)
            n["enabled"] = pick(not _bool(props["link_down"]) if "link_down" in props else ABSENT,
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
        for name in ("disk", "operating_system", "unprivileged"):
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


# --------------------------------------------------------------------------- #
# Pools and downloaded files                                                   #
# --------------------------------------------------------------------------- #


class PoolCrud:
    def __init__(self, api: Api, spec: dict):
        self.api = api
        self.spec = spec

    def create(self, p: dict) -> dict:
        self.api.call("POST", "/pools", {"poolid": p["pool_id"], "comment": p.get("comment")})
        return self.read(p)

    def read(self, prior: dict) -> Optional[dict]:
        found = [x for x in self.api.call("GET", "/pools") or [] if x.get("poolid") == prior["pool_id"]]
        if not found:
            return None
        pool = self.api.call("GET", "/pools", {"poolid": prior["pool_id"]})[0]
        s = dict(prior, id=prior["pool_id"])
        s["comment"] = pick(pool.get("comment", ABSENT), prior.get("comment"), None)
        s["members"] = [
            {"id": m.get("id"), "node_name": m.get("node"), "type": m.get("type"),
             "vm_id": m.get("vmid"), "datastore_id": m.get("storage")}
            for m in pool.get("members", [])
        ]
        return s

    def update(self, current: dict, p: dict) -> dict:
        if p["pool_id"] != current["pool_id"]:
            raise ApiError("the stand-in cannot rename a pool")
        self.api.call("PUT", "/pools", {"poolid": p["pool_id"], "comment": p.get("comment") or ""})
        return self.read(p)

    def delete(self, current: dict) -> None:
        self.api.call("DELETE", f"/pools/{urllib.parse.quote(current['pool_id'])}")


class DownloadFileCrud:
    def __init__(self, api: Api, spec: dict):
        self.api = api
        self.spec = spec

    def _name(self, p: dict) -> str:
        name = p.get("file_name")
        if not _set(name):
            name = urllib.parse.urlparse(p["url"]).path.rsplit("/", 1)[-1]
        return name

    def _volid(self, p: dict) -> str:
        return f"{p['datastore_id']}:{p['content_type']}/{self._name(p)}"

    def create(self, p: dict) -> dict:
        p = dict(p, file_name=self._name(p))
        found = self._find(p)
        if found is not None and not p.get("overwrite_unmanaged"):
            raise ApiError(f"{self._volid(p)} already exists on the storage and `overwrite_unmanaged` is not set")
        self.api.run("POST", f"/nodes/{p['node_name']}/storage/{p['datastore_id']}/download-url", {
            "url": p["url"], "content": p["content_type"], "filename": p["file_name"],
            "checksum": p.get("checksum"), "checksum-algorithm": p.get("checksum_algorithm"),
            "verify-certificates": None if p.get("verify") is None or _unknown(p.get("verify"))
            else flag(p["verify"]),
        })
        return self.read(p)

    def _find(self, p: dict) -> Optional[dict]:
        items = self.api.call("GET", f"/nodes/{p['node_name']}/storage/{p['datastore_id']}/content",
                              {"content": p["content_type"]}) or []
        return next((x for x in items if x.get("volid") == self._volid(p)), None)

    def read(self, prior: dict) -> Optional[dict]:
        found = self._find(prior)
        if found is None:
            return None
        s = dict(prior, id=self._volid(prior), file_name=self._name(prior), size=int(found.get("size") or 0))
        for name, default in (("upload_timeout", 600), ("verify", True), ("overwrite", True),
                              ("overwrite_unmanaged", False)):
            if s.get(name) is None or _unknown(s.get(name)):
                s[name] = default
        return s

    def update(self, current: dict, p: dict) -> dict:
        for name in ("url", "content_type", "datastore_id", "node_name", "file_name", "checksum",
                     "checksum_algorithm"):
            if p.get(name) != current.get(name) and not _unknown(p.get(name)):
                raise ApiError(f"the stand-in cannot change a downloaded file's `{name}` in place")
        return self.read(p)

    def delete(self, current: dict) -> None:
        volid = self._volid(current)
        self.api.run("DELETE", f"/nodes/{current['node_name']}/storage/{current['datastore_id']}/content/"
                     f"{urllib.parse.quote(volid, safe='')}")


HANDLERS = {
    "proxmox_virtual_environment_vm": VmCrud,
    "proxmox_virtual_environment_container": ContainerCrud,
    "proxmox_virtual_environment_pool": PoolCrud,
    "proxmox_download_file": DownloadFileCrud,
    "proxmox_virtual_environment_download_file": DownloadFileCrud,
}

# Attributes whose change the real provider makes by replacing the resource.
REPLACE = {
    "proxmox_virtual_environment_vm": ("vm_id",),
    "proxmox_virtual_environment_container": ("vm_id", "disk", "operating_system", "unprivileged"),
    "proxmox_virtual_environment_pool": ("pool_id",),
    "proxmox_download_file": ("url", "content_type", "datastore_id", "node_name", "file_name", "checksum",
                              "checksum_algorithm"),
}
REPLACE["proxmox_virtual_environment_download_file"] = REPLACE["proxmox_download_file"]


# --------------------------------------------------------------------------- #
# Wiring into stub_provider                                                    #
# --------------------------------------------------------------------------- #


def _crud_class(base: type, provider: Any) -> type:
    type_name = base.type_name
    handler_class = HANDLERS[type_name]
    mapped = MAPPED[type_name]

    class Crud(base):  # type: ignore[misc, valid-type]
        def validate(self, diags, type_name, config):
            super().validate(diags, type_name, config)
            if type_name == "proxmox_virtual_environment_vm":
                nets = (config or {}).get("network_device")
                for i, net in enumerate(nets if isinstance(nets, list) else []):
                    if isinstance(net, dict) and net.get("mac_address") is None:
                        diags.add_error(
                            "The stand-in needs network_device.mac_address",
                            "The real provider fills in the MAC PVE picks; network_device is an attribute, "
                            "and a protocol 6 provider (this stand-in) may not change a configured "
                            "attribute's value, so each network_device must give its mac_address.",
                            path=["network_device", (i,), "mac_address"],
                        )
            for path in unmapped(mapped, config or {}, []):
                diags.add_error(
                    f"The stand-in does not map {_path_text(path)}",
                    f"tests/terraform/standin_crud.py cannot send `{_path_text(path)}` to the Proxmox VE API "
                    "or read it back, so it refuses the configuration rather than ignore it "
                    "(see MAPPED there and tests/terraform/README.md).",
                    path=_diag_path(path),
                )

        def _handler(self, ctx):
            config = getattr(provider, "crud_config", None)
            if config is None:
                ctx.diagnostics.add_error("Provider not configured", "ConfigureProvider was not called")
                return None
            try:
                return handler_class(Api(config), self.spec)
            except ApiError as e:
                ctx.diagnostics.add_error("Cannot reach the Proxmox VE API", str(e))
                return None

        def _do(self, ctx, what, fn, *args):
            h = self._handler(ctx)
            if h is None:
                return None
            try:
                return fn(h, *args)
            except ApiError as e:
                ctx.diagnostics.add_error(f"Cannot {what} {type_name}", str(e))
                return partial(h, args[-1]) if what == "create" else None
            except Exception:  # a bug here: say where, as a diagnostic
                import traceback

                ctx.diagnostics.add_error(f"Stand-in bug: cannot {what} {type_name}", traceback.format_exc())
                return partial(h, args[-1]) if what == "create" else None

        def create(self, ctx, planned):
            return self._do(ctx, "create", lambda h, p: h.create(p), planned)

        def read(self, ctx, current):
            return self._do(ctx, "read", lambda h, c: h.read(c), current)

        def update(self, ctx, current, planned):
            return self._do(ctx, "update", lambda h, c, p: h.update(c, p), current, planned)

        def delete(self, ctx, current):
            self._do(ctx, "delete", lambda h, c: h.delete(c), current)
            return None

        def upgrade(self, ctx, version, old):
            return old  # one schema version: nothing to upgrade

        def plan(self, ctx, current, planned):
            # An update: computed values that follow from what changes become unknown.
            if type_name == "proxmox_virtual_environment_vm" and current is not None:
                if planned.get("network_device") != current.get("network_device"):
                    planned["mac_addresses"] = Unknown
            return planned

    Crud.__name__ = f"Crud_{type_name}"
    schema = copy.copy(base.schema)
    schema.attributes = [copy.copy(a) for a in base.schema.attributes]
    for a in schema.attributes:
        if a.name in REPLACE.get(type_name, ()):
            a.requires_replace = True
    Crud.schema = schema
    return Crud


def install(provider: Any) -> None:
    """Give the stand-in's resources of HANDLERS their CRUD, and keep the provider
    block's configuration for them."""
    provider.resources = [
        _crud_class(r, provider) if r.type_name in HANDLERS else r for r in provider.resources
    ]
    original = provider.configure_provider

    def configure(diags, config):
        original(diags, config)
        provider.crud_config = dict(config or {})

    provider.configure_provider = configure


def self_check(provider: Any) -> str:
    """Check that every name MAPPED lists is an attribute or block of the schema (so
    the table cannot claim what the provider does not have); a summary line."""
    specs = dict(provider.doc["resources"])
    for spec in provider.doc["resources"].values():
        if spec.get("short_name_alias"):
            specs[spec["short_name_alias"]] = spec

    def walk(mapped: dict, spec: dict, where: str) -> None:
        for name, m in mapped.items():
            if name in spec.get("attributes", {}):
                if isinstance(m, dict):
                    raise AssertionError(f"{where}.{name} is an attribute, not a block")
            elif name in spec.get("blocks", {}):
                if isinstance(m, dict):
                    walk(m, spec["blocks"][name], f"{where}.{name}")
            else:
                raise AssertionError(f"MAPPED names {where}.{name}, which the schema does not have")

    for type_name, mapped in MAPPED.items():
        walk(mapped, specs[type_name], type_name)
    return "standin_crud: plan/apply through the API for " + ", ".join(sorted(HANDLERS)) + ": OK"
