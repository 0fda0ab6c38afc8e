#!/usr/bin/python3
"""Stand-ins for the Proxmox VE CLIs pvesm, pveum, pvesh and qm inside the CI targets.

Installed as /usr/local/sbin/pvesm, pveum, pvesh and qm (same file, it looks at the name
it was called by). Every call is appended to /var/log/pxic-stubs.log
(one line: time, tool, arguments shell-quoted, exit code). What `add` creates is
remembered in /var/lib/pxic-stubs/state.json, so a playbook's check-then-add pair
(`pvesm status --storage X` then `pvesm add dir X ...` when the check failed)
behaves as on a real host: the second run finds X and adds nothing, and adding
the same thing twice fails as Proxmox does. Unknown (sub)commands fail with exit
255 like the real tools, so a generator bug does not pass silently.

Modelled (PVE 8 command lines):
  pvesm status [--storage ID] [--content C] [--enabled 1] [--output-format json]
  pvesm add TYPE ID [--opt value]...   pvesm set ID [--opt value]...   pvesm remove ID
  pvesm path STORAGE:CONTENT/NAME   (file-based storages: prints the file's path)
  pvesm list ID | scan | *scan | alloc | free | ...  (logged, no output)
  qm status|create|config|template VMID   qm disk resize VMID DISK SIZE
  pveum user|group|pool|role add|modify|delete|list ...  (and useradd, groupmod, ...)
  pveum user token add|modify|remove|list|permissions USERID [TOKENID]
  pveum acl modify|delete PATH --roles R [--users U] [--groups G] [--tokens T]
  pveum acl list   pveum passwd USERID   pveum user permissions [USERID]
  pvesh get /storage [--output-format json]   (the storage.cfg definitions)
List commands print a plain table, or JSON with --output-format json|json-pretty.
Test helpers: `pvesm stub-state` / `pveum stub-state` print the whole state.
"""
import fcntl
import json
import os
import shlex
import sys
import time
import uuid

LOG = "/var/log/pxic-stubs.log"
STATE_DIR = "/var/lib/pxic-stubs"
STATE = STATE_DIR + "/state.json"

BUILTIN_ROLES = [
    "Administrator", "NoAccess", "PVEAdmin", "PVEAuditor", "PVEDatastoreAdmin",
    "PVEDatastoreUser", "PVEMappingAdmin", "PVEMappingUser", "PVEPoolAdmin",
    "PVEPoolUser", "PVESDNAdmin", "PVESDNUser", "PVESysAdmin", "PVETemplateUser",
    "PVEUserAdmin", "PVEVMAdmin", "PVEVMUser",
]
STORAGE_TYPES = [
    "btrfs", "cephfs", "cifs", "dir", "esxi", "glusterfs", "iscsi", "iscsidirect",
    "lvm", "lvmthin", "nfs", "pbs", "rbd", "zfs", "zfspool",
]


def initial_state():
    return {
        "storage": {
            "local": {"type": "dir", "path": "/var/lib/vz", "content": "iso,vztmpl,backup"},
            "local-lvm": {"type": "lvmthin", "thinpool": "data", "vgname": "pve",
                          "content": "rootdir,images"},
        },
        "user": {"root@pam": {"enable": 1, "expire": 0, "comment": "",
                              "tokens": {}}},
        "group": {},
        "pool": {},
        "role": {},
        "acl": [],
    }


class Fail(Exception):
    def __init__(self, msg, code=255):
        super().__init__(msg)
        self.code = code


def parse_opts(args):
    """Split ['a', '--k', 'v', '--flag', 'b'] into positionals and {k: v}."""
    pos, opts = [], {}
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("-") and len(a) > 1 and not a.lstrip("-")[:1].isdigit():
            key = a.lstrip("-")
            if "=" in key:
                key, val = key.split("=", 1)
            elif i + 1 < len(args) and not args[i + 1].startswith("--"):
                val = args[i + 1]
                i += 1
            else:
                val = "1"
            opts[key] = val
        else:
            pos.append(a)
        i += 1
    return pos, opts


def need(pos, n, usage):
    if len(pos) < n:
        raise Fail("400 not enough arguments\n" + usage)


def emit(rows, cols, opts):
    fmt = opts.pop("output-format", "text")
    if fmt in ("json", "json-pretty"):
        print(json.dumps(rows, indent=2 if fmt == "json-pretty" else None, sort_keys=True))
        return
    if fmt not in ("text", "yaml"):
        raise Fail(f"400 Parameter verification failed.\noutput-format: value '{fmt}' does not have a value in the enumeration 'json, json-pretty, text, yaml'")
    if fmt == "yaml":
        for r in rows:
            first = True
            for c in cols:
                print(("- " if first else "  ") + f"{c}: {r.get(c, '')}")
                first = False
        return
    widths = [max([len(c)] + [len(str(r.get(c, ""))) for r in rows]) for c in cols]
    line = lambda cells: "│ " + " │ ".join(str(v).ljust(w) for v, w in zip(cells, widths)) + " │"
    print("┌" + "┬".join("─" * (w + 2) for w in widths) + "┐")
    print(line(cols))
    print("╞" + "╪".join("═" * (w + 2) for w in widths) + "╡")
    for r in rows:
        print(line([r.get(c, "") for c in cols]))
    print("└" + "┴".join("─" * (w + 2) for w in widths) + "┘")


# ---------------------------------------------------------------- pvesm
def pvesm(args, st):
    if not args:
        raise Fail("ERROR: no command specified")
    cmd, rest = args[0], args[1:]
    pos, opts = parse_opts(rest)
    storage = st["storage"]
    if cmd == "status":
        want = opts.get("storage")
        if want is not None and want not in storage:
            raise Fail(f"storage '{want}' does not exist")
        rows = []
        for sid in sorted(storage):
            if want is not None and sid != want:
                continue
            cfg = storage[sid]
            if "content" in opts and opts["content"] not in cfg.get("content", "").split(","):
                continue
            disabled = cfg.get("disable") in ("1", 1)
            rows.append({"name": sid, "storage": sid, "type": cfg["type"],
                         "status": "disabled" if disabled else "active",
                         "active": 0 if disabled else 1, "enabled": 0 if disabled else 1,
                         "content": cfg.get("content", ""), "shared": int(cfg.get("shared", 0)),
                         "total": 104857600, "used": 1048576, "avail": 103809024,
                         "used_fraction": 0.01, "%": "1.00%"})
        if opts.get("output-format", "text") == "text":
            print(f"{'Name':<16}{'Type':>10}{'Status':>10}{'Total':>16}{'Used':>16}{'Available':>16}{'%':>9}")
            for r in rows:
                print(f"{r['name']:<16}{r['type']:>10}{r['status']:>10}{r['total']:>16}"
                      f"{r['used']:>16}{r['avail']:>16}{r['%']:>9}")
            return 0
        emit(rows, ["name", "type", "status"], opts)
        return 0
    if cmd == "add":
        need(pos, 2, "pvesm add <type> <storage> [OPTIONS]")
        typ, sid = pos[0], pos[1]
        if typ not in STORAGE_TYPES:
            raise Fail(f"400 Parameter verification failed.\ntype: value '{typ}' does not have a value in the enumeration '{', '.join(STORAGE_TYPES)}'")
        if sid in storage:
            raise Fail(f"create storage failed: storage ID '{sid}' already defined")
        if typ == "dir" and "path" not in opts:
            raise Fail("create storage failed: missing value for required option 'path'")
        storage[sid] = dict(opts, type=typ)
        if typ == "dir" and opts.get("mkdir", "1") not in ("0", "false", "no"):
            os.makedirs(opts["path"], exist_ok=True)
        return 0
    if cmd == "set":
        need(pos, 1, "pvesm set <storage> [OPTIONS]")
        sid = pos[0]
        if sid not in storage:
            raise Fail(f"update storage failed: error during cfs-locked 'file-storage_cfg' operation: storage '{sid}' does not exist")
        for k, v in opts.items():
            if k == "delete":
                for d in v.split(","):
                    storage[sid].pop(d, None)
            elif k != "digest":
                storage[sid][k] = v
        return 0
    if cmd == "remove":
        need(pos, 1, "pvesm remove <storage>")
        if pos[0] not in storage:
            raise Fail(f"delete storage failed: error during cfs-locked 'file-storage_cfg' operation: storage '{pos[0]}' does not exist")
        del storage[pos[0]]
        return 0
    if cmd == "path":
        need(pos, 1, "pvesm path <volume>")
        print(volume_path(pos[0], st))
        return 0
    if cmd in ("list", "alloc", "free", "export", "import", "extractconfig",
               "prune-backups", "apiinfo", "scan", "cifsscan", "glusterfsscan",
               "iscsiscan", "lvmscan", "lvmthinscan", "nfsscan", "zfsscan", "help"):
        if cmd in ("list", "alloc", "free", "prune-backups") and pos and pos[0].split(":")[0] not in storage:
            raise Fail(f"storage '{pos[0].split(':')[0]}' does not exist")
        return 0
    raise Fail(f"ERROR: unknown command 'pvesm {cmd}'")


# Where each content type lives under a file-based storage's path.
CONTENT_DIRS = {"import": "import", "iso": "template/iso", "vztmpl": "template/cache",
                "snippets": "snippets", "images": "images"}
FILE_STORAGES = ("dir", "nfs", "cifs", "cephfs", "glusterfs", "btrfs")


def volume_path(volid, st):
    """The file of a volume `storage:content/name` on a file-based storage, as
    `pvesm path` prints it (whether or not the file exists yet)."""
    sid, sep, rest = volid.partition(":")
    if not sep or not rest:
        raise Fail(f"unable to parse volume ID '{volid}'")
    cfg = st["storage"].get(sid)
    if cfg is None:
        raise Fail(f"storage '{sid}' does not exist")
    content, _, name = rest.partition("/")
    if cfg["type"] not in FILE_STORAGES or content not in CONTENT_DIRS or not name:
        raise Fail(f"unable to parse directory volume name '{rest}'")
    return f"{cfg['path']}/{CONTENT_DIRS[content]}/{name}"


# ---------------------------------------------------------------- qm
def qm(args, st):
    """qm status|create|disk resize|template|config VMID: enough for the host
    playbook's base VMs. `create` checks what a real node would: a free VMID, known
    storages, and an `import-from` volume whose file exists."""
    if not args:
        raise Fail("ERROR: no command specified")
    vms = st.setdefault("vms", {})
    if args[:2] == ["disk", "resize"]:
        cmd, rest = "resize", args[2:]
    else:
        cmd, rest = args[0], args[1:]
    pos, opts = parse_opts(rest)
    need(pos, 1, f"qm {cmd} <vmid>")
    vmid = pos[0]
    if not vmid.isdigit() or not 100 <= int(vmid) <= 999999999:
        raise Fail(f"400 Parameter verification failed.\nvmid: invalid format - value '{vmid}'")
    missing = Fail(f"Configuration file 'nodes/pve/qemu-server/{vmid}.conf' does not exist", 2)
    if cmd == "status":
        if vmid not in vms:
            raise missing
        print("status: stopped")
        return 0
    if cmd == "create":
        if vmid in vms:
            raise Fail(f"unable to create VM {vmid} - VM {vmid} already exists on node 'pve'")
        for key, value in opts.items():
            if key.startswith(("scsi", "ide", "sata", "virtio")) and key[-1].isdigit():
                storage = value.split(":", 1)[0]
                if storage not in st["storage"]:
                    raise Fail(f"storage '{storage}' does not exist")
                for part in value.split(","):
                    if part.startswith("import-from="):
                        source = volume_path(part[len("import-from="):], st)
                        if not os.path.isfile(source):
                            raise Fail(f"import-from: '{source}' does not exist")
        vms[vmid] = dict(opts, template=0)
        return 0
    if vmid not in vms:
        raise missing
    if cmd == "resize":
        need(pos, 3, "qm disk resize <vmid> <disk> <size>")
        if pos[1] not in vms[vmid]:
            raise Fail(f"disk '{pos[1]}' does not exist")
        vms[vmid][pos[1] + "-size"] = pos[2]
        return 0
    if cmd == "template":
        vms[vmid]["template"] = 1
        return 0
    if cmd == "config":
        for key, value in sorted(vms[vmid].items()):
            print(f"{key}: {value}")
        return 0
    raise Fail(f"ERROR: unknown command 'qm {cmd}'")


# ---------------------------------------------------------------- pvesh
def pvesh(args, st):
    """pvesh get /storage: every definition of storage.cfg, as the API gives it
    (content and nodes are comma-separated strings, `nodes` only when limited)."""
    pos, opts = parse_opts(args)
    if pos[:1] != ["get"]:
        raise Fail(f"ERROR: unknown command 'pvesh {' '.join(pos[:1])}'")
    if pos[1:2] != ["/storage"]:
        raise Fail(f"no such resource '{' '.join(pos[1:2])}'")
    rows = [dict(cfg, storage=sid) for sid, cfg in sorted(st["storage"].items())]
    emit(rows, ["storage", "type", "content"], opts)
    return 0


# ---------------------------------------------------------------- pveum
ALIASES = {
    "useradd": ("user", "add"), "usermod": ("user", "modify"), "userdel": ("user", "delete"),
    "groupadd": ("group", "add"), "groupmod": ("group", "modify"), "groupdel": ("group", "delete"),
    "roleadd": ("role", "add"), "rolemod": ("role", "modify"), "roledel": ("role", "delete"),
    "aclmod": ("acl", "modify"), "acldel": ("acl", "delete"),
}
ID_KEY = {"user": "userid", "group": "groupid", "pool": "poolid", "role": "roleid"}


def roles(st):
    return set(BUILTIN_ROLES) | set(st["role"])


def token_ids(st):
    return {f"{u}!{t}" for u, cfg in st["user"].items() for t in cfg["tokens"]}


def pveum(args, st):
    if not args:
        raise Fail("ERROR: no command specified")
    if args[0] in ALIASES:
        args = list(ALIASES[args[0]]) + args[1:]
    obj = args[0]
    if obj == "passwd":
        need(args[1:], 1, "pveum passwd <userid>")
        if args[1] not in st["user"]:
            raise Fail(f"change password failed: user '{args[1]}' does not exist")
        return 0
    if obj in ("realm", "ticket", "tfa", "help"):
        return 0
    if obj == "user" and len(args) > 1 and args[1] == "token":
        return pveum_token(args[2:], st)
    if obj == "acl":
        return pveum_acl(args[1:], st)
    if obj not in ID_KEY or len(args) < 2:
        raise Fail(f"ERROR: unknown command 'pveum {' '.join(args[:2])}'")
    verb = args[1]
    pos, opts = parse_opts(args[2:])
    table = st[obj]
    key = ID_KEY[obj]
    if verb == "list":
        rows = []
        if obj == "role":
            for r in sorted(BUILTIN_ROLES):
                rows.append({"roleid": r, "privs": "", "special": 1})
        for oid in sorted(table):
            row = {key: oid}
            row.update({k: v for k, v in table[oid].items() if k != "tokens"})
            if obj == "role":
                row.setdefault("special", 0)
            if obj == "user":
                row["tokens"] = [dict(v, tokenid=t) for t, v in table[oid]["tokens"].items()]
            rows.append(row)
        emit(rows, [key] + (["comment"] if obj != "role" else ["privs"]), opts)
        return 0
    if obj == "user" and verb == "permissions":
        return 0
    need(pos, 1, f"pveum {obj} {verb} <{key}>")
    oid = pos[0]
    if verb == "add":
        if obj == "user" and "@" not in oid:
            raise Fail(f"400 Parameter verification failed.\nuserid: value '{oid}' does not look like a valid user name")
        if oid in table or (obj == "role" and oid in BUILTIN_ROLES):
            raise Fail(f"create {obj} failed: {obj} '{oid}' already exists")
        if obj == "user":
            table[oid] = {"enable": 1, "expire": 0, "tokens": {}}
            opts.pop("password", None)
            for g in filter(None, opts.get("groups", "").split(",")):
                if g not in st["group"]:
                    raise Fail(f"create user failed: no such group '{g}'")
        else:
            table[oid] = {}
        table[oid].update(opts)
        return 0
    if verb == "modify":
        if oid not in table:
            raise Fail(f"update {obj} failed: {obj} '{oid}' does not exist")
        table[oid].update(opts)
        return 0
    if verb == "delete":
        if oid not in table:
            raise Fail(f"delete {obj} failed: {obj} '{oid}' does not exist")
        del table[oid]
        return 0
    raise Fail(f"ERROR: unknown command 'pveum {obj} {verb}'")


def pveum_token(args, st):
    if not args:
        raise Fail("ERROR: no command specified for 'pveum user token'")
    verb = args[0]
    pos, opts = parse_opts(args[1:])
    need(pos, 1, f"pveum user token {verb} <userid> [<tokenid>]")
    uid = pos[0]
    if uid not in st["user"]:
        raise Fail(f"user '{uid}' does not exist")
    tokens = st["user"][uid]["tokens"]
    if verb == "list":
        emit([dict(v, tokenid=t) for t, v in sorted(tokens.items())], ["tokenid", "comment"], opts)
        return 0
    need(pos, 2, f"pveum user token {verb} <userid> <tokenid>")
    tid = pos[1]
    if verb == "add":
        if tid in tokens:
            raise Fail(f"Token already exists.")
        info = {"privsep": int(opts.get("privsep", "1")), "expire": int(opts.get("expire", "0"))}
        if "comment" in opts:
            info["comment"] = opts["comment"]
        tokens[tid] = info
        secret = str(uuid.uuid4())
        out = {"full-tokenid": f"{uid}!{tid}", "info": info, "value": secret}
        fmt = opts.get("output-format", "text")
        if fmt in ("json", "json-pretty"):
            print(json.dumps(out, indent=2 if fmt == "json-pretty" else None, sort_keys=True))
        else:
            emit([{"key": "full-tokenid", "value": out["full-tokenid"]},
                  {"key": "info", "value": json.dumps(info, sort_keys=True)},
                  {"key": "value", "value": secret}], ["key", "value"], {})
        return 0
    if tid not in tokens:
        raise Fail(f"no such token '{tid}' for user '{uid}'")
    if verb == "modify":
        tokens[tid].update(opts)
        return 0
    if verb in ("remove", "delete"):
        del tokens[tid]
        return 0
    if verb == "permissions":
        return 0
    raise Fail(f"ERROR: unknown command 'pveum user token {verb}'")


def pveum_acl(args, st):
    if not args:
        raise Fail("ERROR: no command specified for 'pveum acl'")
    verb = args[0]
    pos, opts = parse_opts(args[1:])
    if verb == "list":
        emit(st["acl"], ["path", "type", "ugid", "roleid", "propagate"], opts)
        return 0
    if verb not in ("modify", "delete"):
        raise Fail(f"ERROR: unknown command 'pveum acl {verb}'")
    need(pos, 1, f"pveum acl {verb} <path> --roles <string>")
    path = pos[0]
    if "roles" not in opts:
        raise Fail("400 not enough arguments\nroles: property is missing and it is not optional")
    subjects = []
    for kind, opt, known in (("user", "users", set(st["user"])), ("group", "groups", set(st["group"])),
                             ("token", "tokens", token_ids(st))):
        for ugid in filter(None, opts.get(opt, "").split(",")):
            if verb == "modify" and ugid not in known:
                raise Fail(f"update ACL failed: {kind} '{ugid}' does not exist")
            subjects.append((kind, ugid))
    for role in opts["roles"].split(","):
        if role not in roles(st):
            raise Fail(f"update ACL failed: role '{role}' does not exist")
        for kind, ugid in subjects:
            entry = {"path": path, "type": kind, "ugid": ugid, "roleid": role,
                     "propagate": int(opts.get("propagate", "1"))}
            st["acl"] = [a for a in st["acl"]
                         if (a["path"], a["type"], a["ugid"], a["roleid"]) != (path, kind, ugid, role)]
            if verb == "modify":
                st["acl"].append(entry)
    return 0


def main():
    tool = os.path.basename(sys.argv[0])
    args = sys.argv[1:]
    os.makedirs(STATE_DIR, exist_ok=True)
    with open(STATE_DIR + "/.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with open(STATE) as f:
                st = json.load(f)
        except FileNotFoundError:
            st = initial_state()
        before = json.dumps(st, sort_keys=True)
        try:
            if args[:1] == ["stub-state"]:
                print(json.dumps(st, indent=2, sort_keys=True))
                code = 0
            elif tool == "pvesm":
                code = pvesm(args, st)
            elif tool == "pveum":
                code = pveum(args, st)
            elif tool == "qm":
                code = qm(args, st)
            elif tool == "pvesh":
                code = pvesh(args, st)
            else:
                raise Fail(f"pve-stub: called as '{tool}', expected pvesm, pveum, pvesh or qm", 2)
        except Fail as e:
            print(str(e), file=sys.stderr)
            code = e.code
        if code == 0 and json.dumps(st, sort_keys=True) != before:
            tmp = STATE + ".tmp"
            with open(tmp, "w") as f:
                json.dump(st, f, indent=1, sort_keys=True)
            os.replace(tmp, STATE)
        with open(LOG, "a") as f:
            f.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {tool} {shlex.join(args)} rc={code}\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
