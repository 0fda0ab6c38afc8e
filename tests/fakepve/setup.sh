#!/usr/bin/env bash
# Prepare fakepve, the fake Proxmox VE 9 API that tests/status.rs talks to:
#
#   target/fakepve-venv/    venv with the pinned packages of requirements.txt
#
# Idempotent: does nothing when the venv is in place and was built from the current
# requirements.txt. Needs PyPI only the first time (or when requirements.txt
# changes); pip's cache is not used. Runs under an exclusive flock on
# target/fakepve-venv.lock. Environment: PYTHON (default python3).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SCRIPT="tests/fakepve/setup.sh"
# shellcheck source=tests/lib.sh
. "$HERE/../lib.sh"
VENV="$REPO/target/fakepve-venv"
REQUIREMENTS="$HERE/requirements.txt"
STAMP="$VENV/.pxic-requirements.txt"

venv_ok() {
    [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && cmp -s "$STAMP" "$REQUIREMENTS" &&
        "$VENV/bin/python" -c 'import fakepve, fakepve.certs' >/dev/null 2>&1
}
venv_ok && exit 0

require_python "for fakepve"
lock_exclusively "$REPO/target/fakepve-venv.lock"
venv_ok && exit 0
build_pinned_venv "$VENV" "$REQUIREMENTS" venv_ok
