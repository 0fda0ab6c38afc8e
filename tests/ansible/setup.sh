#!/usr/bin/env bash
# Prepare the Ansible tool chain used by check.sh.
#
#   target/ansible-venv/    venv with ansible 12.3.0 (ansible-core 2.19.14 and
#                           the bundled collections), ansible-lint 26.10.1,
#                           yamllint 1.38.0, proxmoxer, requests
#                           (requirements.txt, every package pinned)
#
# Idempotent: does nothing (and prints nothing) when the venv is in place and
# was built from the current requirements.txt. Fails loudly when python3 is
# missing or older than 3.11, or when venv/pip fail. Needs PyPI only the first
# time (or when requirements.txt changes); pip's cache is not used, so
# nothing is written to $HOME.
#
# Concurrency: the build runs under an exclusive flock on
# target/ansible-venv.lock; users of the venv (check.sh) hold a shared flock
# on it, so a rebuild waits for them and they wait for a rebuild.
#
# Environment: PYTHON (default python3).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SCRIPT="tests/ansible/setup.sh"
# shellcheck source=tests/lib.sh
. "$HERE/../lib.sh"
VENV="$REPO/target/ansible-venv"
REQUIREMENTS="$HERE/requirements.txt"
STAMP="$VENV/.pxic-requirements.txt"

# --- tools ----------------------------------------------------------------------
require_python "for ansible 12.3.0 (ansible-core 2.19)"

[ -f "$REQUIREMENTS" ] || die "missing $REQUIREMENTS"

# --- venv -------------------------------------------------------------------------
# venv_ok: the venv exists, was built from this requirements.txt, every pinned
# distribution is installed at its pinned version, the collections the
# generated playbooks use are there, and the four tools are executable.
venv_ok() {
    [ -x "$VENV/bin/python" ] &&
        [ -f "$STAMP" ] && cmp -s "$STAMP" "$REQUIREMENTS" &&
        for tool in yamllint ansible-inventory ansible-playbook ansible-lint; do
            [ -x "$VENV/bin/$tool" ] || return 1
        done &&
        "$VENV/bin/python" - "$REQUIREMENTS" >/dev/null 2>&1 <<'EOF'
import importlib.metadata as md, importlib.util, sys
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.split("#", 1)[0].strip()
    if line:
        name, want = line.split("==")
        if md.version(name) != want:
            sys.exit(f"{name} {md.version(name)} != {want}")
for coll in ("ansible.posix", "community.general", "community.proxmox"):
    if importlib.util.find_spec("ansible_collections." + coll) is None:
        sys.exit(f"collection {coll} missing")
EOF
}

# Fast path: nothing to do, and no lock taken (check.sh and other users hold a
# shared flock on target/ansible-venv.lock while they use the venv, which must
# not block this check).
venv_ok && exit 0

# Build under an exclusive flock on target/ansible-venv.lock: waits for a build
# by another setup.sh and for users holding the shared lock, and keeps them
# from starting on a half-built venv.
lock_exclusively "$REPO/target/ansible-venv.lock"
venv_ok && exit 0   # another setup.sh built it meanwhile
build_pinned_venv "$VENV" "$REQUIREMENTS" venv_ok
