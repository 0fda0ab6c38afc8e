#!/usr/bin/env bash
# Make sure HashiCorp Packer is on PATH, for tests/packer/fmt.sh.
#
# The tests need only `packer fmt` (Packer >= 1.6). Debian's `packer` package
# (1.6.6) is enough for that; it cannot load the Proxmox plugin 1.2.x, which
# is why tests/packer.rs checks fields against schema.json instead.
#
# Idempotent: does nothing (and prints nothing) when a Packer >= 1.6 is on
# PATH. Otherwise installs Debian's package with apt-get (as root, or through
# passwordless sudo) and fails loudly when that is impossible. Needs the
# Debian mirror only the first time.
set -euo pipefail

die() {
    echo "tests/packer/setup.sh: error: $*" >&2
    exit 1
}

export CHECKPOINT_DISABLE=1 # no version check over the network

# packer_ok: `packer` on PATH is HashiCorp Packer (another tool could have the
# name) and is 1.6 or later, the first release with `fmt`.
packer_ok() {
    local version major minor
    command -v packer >/dev/null 2>&1 || return 1
    version="$(packer version 2>/dev/null | sed -n 's/^Packer v\([0-9][0-9]*\)\.\([0-9][0-9]*\).*/\1 \2/p' | head -n 1)"
    [ -n "$version" ] || return 1
    read -r major minor <<<"$version"
    [ "$major" -gt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -ge 6 ]; }
}

packer_ok && exit 0

if command -v packer >/dev/null 2>&1; then
    die "$(command -v packer) is not HashiCorp Packer >= 1.6 ('packer version' says: $(packer version 2>&1 | head -n 1)); put Packer >= 1.6 first on PATH"
fi
command -v apt-get >/dev/null 2>&1 ||
    die "packer not found and apt-get is not available; install HashiCorp Packer >= 1.6 (only 'packer fmt' is used)"

# apt-get needs root; sudo resets the environment, hence `env` after it.
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    die "packer not found, and installing it needs root: run 'apt-get install -y packer' as root"
fi

LOG="$(mktemp "${TMPDIR:-/tmp}/pxic-packer-setup.XXXXXX")" || die "mktemp failed"
trap 'rm -f "$LOG"' EXIT

# apt_get ARGS...: apt-get, non-interactive, waiting for a dpkg lock held by
# another install rather than failing at once; output goes to $LOG.
apt_get() {
    # shellcheck disable=SC2086 # $SUDO is empty or "sudo -n": split on purpose
    $SUDO env DEBIAN_FRONTEND=noninteractive \
        apt-get -q -y -o DPkg::Lock::Timeout=600 "$@" >>"$LOG" 2>&1
}

echo "setup.sh: installing Debian's packer package with apt-get" >&2
# The package lists may be missing (fresh container): update them and retry.
if ! apt_get install packer; then
    apt_get update || die "apt-get update failed (is the Debian mirror reachable?):
$(tail -n 20 "$LOG")"
    apt_get install packer || die "apt-get install -y packer failed:
$(tail -n 20 "$LOG")"
fi
hash -r
packer_ok || die "packer is still not usable after installing Debian's package: $(packer version 2>&1 | head -n 1)"
