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

This module holds what is mapped, pools, downloaded files and the wiring into
stub_provider.py; standin_guests.py holds VMs and containers, standin_api.py
the API client and the helpers between PVE's config strings and the state.

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
import urllib.parse
from typing import Any, Optional

from standin_api import ABSENT, Api, ApiError, flag, is_set, is_unknown, partial, pick
from standin_guests import ContainerCrud, VmCrud
from tf.types import Unknown


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
                           "mtu": True, "enabled": True, "queues": True, "rate_limit": True},
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
        "mount_point": {"volume": True, "size": True, "path": True, "backup": True},
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


# --------------------------------------------------------------------------- #
# Refusing what is not mapped                                                  #
# --------------------------------------------------------------------------- #


def unmapped(mapped: dict, value: dict, path: list) -> list[list]:
    """Paths of the values set in `value` (a config object) that `mapped` does not list."""
    out = []
    for name, v in (value or {}).items():
        if not is_set(v):
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
        if not is_set(name):
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
            "verify-certificates": None if p.get("verify") is None or is_unknown(p.get("verify"))
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
            if s.get(name) is None or is_unknown(s.get(name)):
                s[name] = default
        return s

    def update(self, current: dict, p: dict) -> dict:
        for name in ("url", "content_type", "datastore_id", "node_name", "file_name", "checksum",
                     "checksum_algorithm"):
            if p.get(name) != current.get(name) and not is_unknown(p.get(name)):
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
