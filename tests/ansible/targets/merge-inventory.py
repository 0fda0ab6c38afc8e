#!/usr/bin/env python3
"""Point the hosts of a YAML Ansible inventory at the CI targets booted by up.sh.

    merge-inventory.py INVENTORY [HOSTS] [--map HOST=TARGET]... [--skip HOST]... > OUT

INVENTORY is a generated (or hand-written) YAML inventory; HOSTS defaults to
target/ansible-targets/hosts.yml. Each host of INVENTORY, in the order it first
appears, takes the variables of the next unused target (tgt1, tgt2, ...): ansible_host,
ansible_user, the key, the interpreter and the ssh args replace its own; its other
variables stay. --map HOST=TARGET pins a host to a target (the same target may serve
several hosts); --skip HOST leaves a host alone, as are hosts with
`ansible_connection: local`. More hosts than targets is an error.

Needs PyYAML: run it with the ansible venv's python (target/ansible-venv/bin/python).
"""
import argparse
import os
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_HOSTS = os.path.join(HERE, "..", "..", "..", "target", "ansible-targets", "hosts.yml")


def walk_groups(group, visit):
    """Call visit(hosts_mapping, name) for every host of a group, depth first, in order."""
    if not isinstance(group, dict):
        return
    hosts = group.get("hosts")
    if isinstance(hosts, dict):
        for name in list(hosts):
            visit(hosts, name)
    for child in (group.get("children") or {}).values():
        walk_groups(child, visit)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inventory")
    ap.add_argument("hosts", nargs="?", default=DEFAULT_HOSTS)
    ap.add_argument("--map", action="append", default=[], metavar="HOST=TARGET")
    ap.add_argument("--skip", action="append", default=[], metavar="HOST")
    args = ap.parse_args()

    with open(args.hosts) as f:
        targets_doc = yaml.safe_load(f)
    targets = {}
    walk_groups(targets_doc.get("all", targets_doc),
                lambda hosts, name: targets.setdefault(name, dict(hosts[name] or {})))
    if not targets:
        sys.exit(f"merge-inventory.py: no targets in {args.hosts} (did up.sh run?)")

    pinned = {}
    for m in args.map:
        host, _, tgt = m.partition("=")
        if tgt not in targets:
            sys.exit(f"merge-inventory.py: --map {m}: no target {tgt!r} (have {', '.join(targets)})")
        pinned[host] = tgt

    with open(args.inventory) as f:
        inv = yaml.safe_load(f)
    if not isinstance(inv, dict):
        sys.exit(f"merge-inventory.py: {args.inventory} is not a YAML inventory")

    free = [t for t in targets if t not in pinned.values()]
    chosen = {}

    def visit(hosts, name):
        vars_ = hosts[name] if isinstance(hosts[name], dict) else {}
        if name in args.skip or vars_.get("ansible_connection") == "local":
            return
        if name not in chosen:
            if name in pinned:
                chosen[name] = pinned[name]
            elif free:
                chosen[name] = free.pop(0)
            else:
                sys.exit(f"merge-inventory.py: more hosts than targets ({len(targets)}); "
                         f"host {name!r} has none: run up.sh with more, or --map/--skip")
        merged = dict(vars_)
        merged.update(targets[chosen[name]])
        hosts[name] = merged

    for group in inv.values():  # `all`, or top-level groups
        walk_groups(group, visit)

    sys.stdout.write("---\n")
    sys.stdout.write("# " + ", ".join(f"{h} -> {t}" for h, t in chosen.items()) + "\n")
    yaml.safe_dump(inv, sys.stdout, sort_keys=False, default_flow_style=False, width=1000)


if __name__ == "__main__":
    main()
