"""The Proxmox VE API client and value helpers of the bpg/proxmox stand-in's
plan-and-apply mode (standin_crud.py): an API-token client that waits for tasks,
and what turns PVE's config strings into Terraform state values and back."""

from __future__ import annotations

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


class ApiError(Exception):
    """An API call or task that failed: PVE's message."""


def is_unknown(v: Any) -> bool:
    return v is Unknown or isinstance(v, ExtType)


def is_set(v: Any) -> bool:
    """A value the configuration gives: not null, not unknown, not an empty block list."""
    return v is not None and not is_unknown(v) and v != []



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
        if not endpoint or is_unknown(endpoint):
            raise ApiError("no endpoint: set `endpoint` in the provider block or PROXMOX_VE_ENDPOINT")
        if not token or is_unknown(token) or "=" not in token:
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


def applied(spec: dict, planned: dict, state: Optional[dict]) -> Optional[dict]:
    """The state to report after create or update: what the read found, except where
    the plan held a value the real provider would also have kept for now. Tags PVE
    sorts keep the plan's order (read afterwards gives PVE's order, a diff the real
    provider shows too for unsorted tags), and computed attributes inside blocks that
    the plan left null (a disk's file_format) stay null until the next read."""
    if state is None:
        return None
    tags = planned.get("tags")
    if is_set(tags) and sorted(tags) == sorted(state.get("tags") or []):
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
    return {k: (None if is_unknown(v) else v) for k, v in s.items()}


def pve_bool(v: Any) -> Any:
    if v is ABSENT:
        return ABSENT
    return str(v) in ("1", "true", "on", "yes")


def int_or(v: Any) -> Any:
    return ABSENT if v is ABSENT else int(v)


def float_or(v: Any) -> Any:
    """A PVE number that may have a fraction (a rate of `12.5` MB/s), as an int when whole."""
    if v is ABSENT:
        return ABSENT
    f = float(v)
    return int(f) if f.is_integer() else f
