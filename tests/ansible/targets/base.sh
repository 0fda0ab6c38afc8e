#!/usr/bin/env bash
# Build the Debian 12 (bookworm) rootfs that every CI target boots from, once.
#
#   tests/ansible/targets/base.sh      # as root; ~1.5 min the first time, < 1 s after
#
# Result, under target/ansible-targets/:
#   base/          minbase rootfs with systemd, openssh-server, python3 (+apt, +debian),
#                  sudo, dbus, iproute2, apt-utils; sources.list points at a signed flat apt
#                  repo inside it (/srv/pxrepo) holding packages.txt and their dependencies,
#                  since the targets have no network; pvesm/pveum/pveversion stubs in /usr/local/sbin, a
#                  cloud-init stub in /usr/local/bin (see stubs/)
#   id_ed25519     key authorised for root in every target
#   base.stamp     what base/ was built from
#
# Two stages, each redone only when its inputs change (recorded in base.stamp):
#   rootfs  debootstrap + upgrade from the Debian mirror     (suite, mirror, package set)
#   config  flat repo, stubs, key, tmpfiles, unit overrides  (packages.txt, stubs/, this
#           script, the public key)
# Installs debootstrap, systemd-container, dpkg-dev and gpg with apt-get when missing.
# Refuses to touch base/ while targets run on it (down.sh first).
#
# Environment: PXT_MIRROR (default http://deb.debian.org/debian),
#              PXT_SECURITY_MIRROR (default http://deb.debian.org/debian-security).
set -euo pipefail
PXT_SCRIPT=base.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
pxt_need_root

SUITE=bookworm
MIRROR="${PXT_MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${PXT_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
INCLUDE=apt-utils,openssh-server,python3,python3-apt,python3-debian,sudo,systemd,systemd-sysv,dbus,iproute2
ROOTFS_RECIPE=2 # bump when the rootfs stage below changes
PACKAGES_FILE="$PXT_HERE/packages.txt"

# --- host tools ---------------------------------------------------------------------
missing=()
for pair in debootstrap:debootstrap systemd-nspawn:systemd-container \
    dpkg-scanpackages:dpkg-dev ssh:openssh-client ssh-keygen:openssh-client \
    ip:iproute2 flock:util-linux gpg:gpg gpgconf:gpgconf; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
if [ "${#missing[@]}" -gt 0 ]; then
    pxt_log "installing host packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || pxt_die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
        pxt_die "apt-get install ${missing[*]} failed"
fi

mkdir -p "$PXT_ROOT"
exec 8>"$PXT_ROOT/.base.lock"
flock 8 || pxt_die "cannot lock $PXT_ROOT/.base.lock"

# --- inputs and stamp -----------------------------------------------------------------
PACKAGES=$(sed -e 's/#.*//' "$PACKAGES_FILE" | tr -s ' \t\n' '\n' | sed '/^$/d' | sort -u | tr '\n' ' ')
PACKAGES="${PACKAGES% }"
[ -n "$PACKAGES" ] || pxt_die "no packages in $PACKAGES_FILE"

[ -f "$PXT_KEY" ] && [ -f "$PXT_KEY.pub" ] || {
    rm -f "$PXT_KEY" "$PXT_KEY.pub"
    ssh-keygen -q -t ed25519 -N '' -C pxic-ansible-targets -f "$PXT_KEY"
}

key_of() { printf '%s\n' "$@" | sha256sum | cut -c1-16; }
ROOTFS_KEY=$(key_of "$ROOTFS_RECIPE" "$SUITE" "$MIRROR" "$SECURITY_MIRROR" "$INCLUDE")
CONFIG_KEY=$(key_of "$ROOTFS_KEY" "$PACKAGES" "$(cat "$PXT_KEY.pub")" \
    "$(cat "$PXT_HERE/base.sh" "$PXT_HERE/stubs/pve-stub.py" "$PXT_HERE/stubs/cloud-init" "$PXT_HERE/stubs/pveversion" | sha256sum)")

stamp_get() { [ -f "$PXT_STAMP" ] && sed -n "s/^$1 //p" "$PXT_STAMP" || true; }

if [ "$(stamp_get rootfs)" = "$ROOTFS_KEY" ] && [ "$(stamp_get config)" = "$CONFIG_KEY" ] &&
    [ -x "$PXT_BASE/usr/local/sbin/pvesm" ]; then
    echo "base.sh: $PXT_BASE is up to date (built $(stamp_get built))" >&2
    exit 0
fi

# Targets boot from base/ as the lower layer of their overlays: never change it under them.
if grep -qs " $PXT_RUN/" /proc/mounts || compgen -G "$PXT_RUN/tgt*/pid" >/dev/null; then
    pxt_die "targets are running on $PXT_BASE; run tests/ansible/targets/down.sh first"
fi

# Run a command inside a rootfs (nspawn gives it /proc, /dev, /sys and the host's
# network and resolv.conf, and tears everything down when the command exits).
in_root() {
    local root="$1"
    shift
    systemd-nspawn -q -D "$root" --register=no --keep-unit \
        --resolv-conf=copy-host --timezone=off --pipe \
        -E DEBIAN_FRONTEND=noninteractive -E LC_ALL=C.UTF-8 -- "$@"
}

online_sources() {
    cat >"$1/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
EOF
}

# --- stage 1: rootfs ------------------------------------------------------------------
if [ "$(stamp_get rootfs)" != "$ROOTFS_KEY" ] || [ ! -x "$PXT_BASE/usr/bin/python3" ]; then
    t0=$SECONDS
    rm -f "$PXT_STAMP"
    rm -rf "$PXT_BASE" "$PXT_BASE.tmp"
    pxt_log "debootstrap $SUITE (minbase + $INCLUDE) from $MIRROR"
    debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$PXT_BASE.tmp" "$MIRROR" \
        >"$PXT_ROOT/debootstrap.log" 2>&1 || {
        tail -n 20 "$PXT_ROOT/debootstrap.log" >&2
        pxt_die "debootstrap failed (full log: $PXT_ROOT/debootstrap.log)"
    }
    B="$PXT_BASE.tmp"
    # No daemon may start while packages are installed into the rootfs.
    printf '#!/bin/sh\nexit 101\n' >"$B/usr/sbin/policy-rc.d"
    chmod 755 "$B/usr/sbin/policy-rc.d"
    online_sources "$B"
    pxt_log "upgrading the rootfs from $SUITE-updates and $SUITE-security"
    in_root "$B" sh -c 'apt-get update -qq && apt-get -y -qq -o Dpkg::Use-Pty=0 dist-upgrade && apt-get clean' \
        >"$PXT_ROOT/upgrade.log" 2>&1 || {
        tail -n 20 "$PXT_ROOT/upgrade.log" >&2
        pxt_die "upgrading the rootfs failed (log: $PXT_ROOT/upgrade.log)"
    }
    rm -f "$B/usr/sbin/policy-rc.d"
    mv "$B" "$PXT_BASE"
    printf 'rootfs %s\n' "$ROOTFS_KEY" >"$PXT_STAMP"
    pxt_log "rootfs stage done in $((SECONDS - t0)) s"
fi

# --- stage 2: config (re-runnable over a finished rootfs stage) ---------------------------
t0=$SECONDS
B="$PXT_BASE"
sed -i '/^config /d; /^built /d; /^packages /d' "$PXT_STAMP"
printf '#!/bin/sh\nexit 101\n' >"$B/usr/sbin/policy-rc.d"
chmod 755 "$B/usr/sbin/policy-rc.d"

pxt_log "downloading packages.txt into the flat repo /srv/pxrepo: $PACKAGES"
online_sources "$B"
rm -rf "$B/srv/pxrepo" "$B"/var/lib/apt/lists/* "$B"/var/cache/apt/archives/*.deb
# --reinstall: a package the base already has is downloaded too, so that a test that
# removes it can install it again (sudo), and so that pve-node.sh can remove one from a
# node target as a stock node lacks it (python3-debian).
# shellcheck disable=SC2086 # PACKAGES is a word list
in_root "$B" sh -c "apt-get update -qq && apt-get install -y -qq --download-only --reinstall $PACKAGES" \
    >"$PXT_ROOT/repo.log" 2>&1 || {
    tail -n 20 "$PXT_ROOT/repo.log" >&2
    pxt_die "downloading the packages failed (log: $PXT_ROOT/repo.log); is every name in packages.txt a $SUITE package?"
}
mkdir -p "$B/srv/pxrepo"
mv "$B"/var/cache/apt/archives/*.deb "$B/srv/pxrepo/"
(cd "$B/srv/pxrepo" && dpkg-scanpackages -m . >Packages 2>/dev/null && gzip -9kf Packages)
# Signed (InRelease, key in trusted.gpg.d) rather than [trusted=yes]: the generated playbooks
# add repositories with deb822_repository and no `trusted`, and CI points those at this repo
# (uris file:/srv/pxrepo, suites ./). A fresh key per build; its agent is stopped at once.
in_root "$B" sh -c 'cd /srv/pxrepo && apt-ftparchive -o APT::FTPArchive::Release::Label=pxic-ci release . >/tmp/Release && mv /tmp/Release Release' \
    >>"$PXT_ROOT/repo.log" 2>&1 || pxt_die "apt-ftparchive release failed (log: $PXT_ROOT/repo.log)"
GNUPGHOME=$(mktemp -d)
export GNUPGHOME
(
    gpg --batch --quiet --pinentry-mode loopback --passphrase '' --quick-gen-key 'pxic CI flat repo <ci@pxic.invalid>' ed25519 sign never
    gpg --batch --yes --quiet --clearsign -o "$B/srv/pxrepo/InRelease" "$B/srv/pxrepo/Release"
    gpg --batch --yes --quiet -abs -o "$B/srv/pxrepo/Release.gpg" "$B/srv/pxrepo/Release"
    gpg --batch --export >"$B/etc/apt/trusted.gpg.d/pxic-ci-repo.gpg"
) 2>"$PXT_ROOT/gpg.log" || {
    gpgconf --kill all
    rm -rf "$GNUPGHOME"
    cat "$PXT_ROOT/gpg.log" >&2
    pxt_die "signing the flat repo failed"
}
gpgconf --kill all
rm -rf "$GNUPGHOME"
unset GNUPGHOME
chmod 644 "$B/etc/apt/trusted.gpg.d/pxic-ci-repo.gpg"
cat >"$B/etc/apt/sources.list" <<'EOF'
# The CI targets have no network: a flat repo built by tests/ansible/targets/base.sh.
deb file:/srv/pxrepo ./
EOF
rm -rf "$B"/var/lib/apt/lists/*
# The lists stay in the image, so playbooks can install without update_cache; check
# that every package resolves from the flat repo alone.
# shellcheck disable=SC2086
in_root "$B" sh -c "apt-get update -qq && apt-get install -s -qq $PACKAGES >/dev/null" \
    >>"$PXT_ROOT/repo.log" 2>&1 || {
    tail -n 20 "$PXT_ROOT/repo.log" >&2
    pxt_die "the flat repo cannot install packages.txt offline (log: $PXT_ROOT/repo.log)"
}
rm -f "$B"/var/cache/apt/*.bin

# Stubs for what a CI container cannot have.
install -m 755 "$PXT_HERE/stubs/pve-stub.py" "$B/usr/local/sbin/pvesm"
install -m 755 "$PXT_HERE/stubs/pve-stub.py" "$B/usr/local/sbin/pveum"
install -m 755 "$PXT_HERE/stubs/pve-stub.py" "$B/usr/local/sbin/qm"
install -m 755 "$PXT_HERE/stubs/pve-stub.py" "$B/usr/local/sbin/pvesh"
# A cloud image and its file of sums, for the host playbook to "download" (file://)
# and make a base VM of: the targets have no network.
mkdir -p "$B/srv/pxic-images"
head -c 65536 /dev/zero >"$B/srv/pxic-images/test-cloud.qcow2"
(cd "$B/srv/pxic-images" && sha256sum test-cloud.qcow2 >SHA256SUMS)
install -m 755 "$PXT_HERE/stubs/cloud-init" "$B/usr/local/bin/cloud-init"
install -m 755 "$PXT_HERE/stubs/pveversion" "$B/usr/local/sbin/pveversion"
rm -rf "$B/var/lib/pxic-stubs" "$B/var/log/pxic-stubs.log"
mkdir -p "$B/var/lib/cloud/instance"
: >"$B/var/lib/cloud/instance/boot-finished"

# ifupdown2 refuses to run ("Another instance of this program is already running")
# when /run/network is missing.
echo 'd /run/network 0755 root root -' >"$B/etc/tmpfiles.d/pxic-ci.conf"

# The packaged qemu-guest-agent.service binds to the virtio-serial device of a real VM,
# which never appears in a container: `systemctl start` would wait 90 s and fail. This
# unit (in /etc, so it wins over the package's in /lib) keeps the service's name and
# install state but runs a placeholder process.
cat >"$B/etc/systemd/system/qemu-guest-agent.service" <<'EOF'
# pxic CI targets: no virtio-serial port in a container (see tests/ansible/targets/base.sh)
[Unit]
Description=QEMU Guest Agent (CI placeholder)

[Service]
ExecStart=/bin/sleep infinity

[Install]
EOF

# nvme-cli (a recommends of prometheus-node-exporter-collectors) brings a boot-time unit
# that cannot load nvme-fabrics in a container and would leave the target "degraded".
ln -sfn /dev/null "$B/etc/systemd/system/nvmf-autoconnect.service"

# root logs in with the harness key only. Ansible's remote_tmp exists, as on a used
# machine (else every first run warns "Module remote_tmp ... did not exist").
install -d -m 700 "$B/root/.ssh" "$B/root/.ansible" "$B/root/.ansible/tmp"
install -m 600 "$PXT_KEY.pub" "$B/root/.ssh/authorized_keys"

# Each target gets its own machine-id at first boot (an empty file is "uninitialised").
: >"$B/etc/machine-id"
rm -f "$B/var/lib/dbus/machine-id"
echo pxtgt >"$B/etc/hostname"
printf '# no network in the CI targets\n' >"$B/etc/resolv.conf"
rm -f "$B/usr/sbin/policy-rc.d"

{
    printf 'config %s\n' "$CONFIG_KEY"
    printf 'packages %s\n' "$PACKAGES"
    printf 'built %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >>"$PXT_STAMP"
pxt_log "config stage done in $((SECONDS - t0)) s; $(ls "$B/srv/pxrepo" | grep -c '\.deb$') debs in the repo, base is $(du -sh "$B" | cut -f1)"
