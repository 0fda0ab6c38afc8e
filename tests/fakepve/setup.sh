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

die() {
    echo "tests/fakepve/setup.sh: error: $*" >&2
    exit 1
}

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="$REPO/target/fakepve-venv"
REQUIREMENTS="$HERE/requirements.txt"
STAMP="$VENV/.pxic-requirements.txt"
PYTHON="${PYTHON:-python3}"

venv_ok() {
    [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && cmp -s "$STAMP" "$REQUIREMENTS" &&
        "$VENV/bin/python" -c 'import fakepve, fakepve.certs' >/dev/null 2>&1
}
venv_ok && exit 0

command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found; install Python >= 3.11"
mkdir -p "$REPO/target"
exec 9>"$REPO/target/fakepve-venv.lock"
flock -w 1800 9 || die "timed out waiting for the lock on target/fakepve-venv.lock"
venv_ok && exit 0

echo "setup.sh: creating $VENV (packages from requirements.txt, via PyPI)" >&2
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV" || die "'$PYTHON -m venv' failed (install python3-venv)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    --no-cache-dir --no-deps --only-binary=:all: -r "$REQUIREMENTS" ||
    die "pip install -r $REQUIREMENTS failed (is PyPI reachable?)"
"$VENV/bin/python" -m pip check --disable-pip-version-check >/dev/null ||
    die "pinned requirements are inconsistent: $("$VENV/bin/python" -m pip check 2>&1)"
cp "$REQUIREMENTS" "$STAMP"
venv_ok || die "venv at $VENV is still not usable after installing $REQUIREMENTS"
