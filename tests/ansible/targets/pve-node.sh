#!/usr/bin/env bash
# Make a booted target look like a freshly installed Proxmox VE 8 node, so that the
# host playbook meets what a real node has instead of what the harness gives:
#
#   tests/ansible/targets/pve-node.sh N     # as root, after up.sh; < 1 s
#
# - no python3-debian (a stock node lacks it; deb822_repository needs it), and ping;
# - the stock enterprise repositories of Proxmox VE and Ceph in sources.list.d, which
#   answer 401 without a subscription (here: no route, so `apt update` fails as well),
#   one-line (PVE 8) and deb822 (PVE 9), one of them in a file of two stanzas whose
#   other stanza must stay enabled;
# - a no-subscription line an admin added by hand, without `Signed-By`, in a file apt
#   reads after pxic's (the test's no-subscription repository is the flat repo): a
#   `Signed-By` on pxic's stanza would make apt refuse every source;
# - a stock /etc/network/interfaces plus a NIC pxic does not know (`pxcoro0`, one end
#   of a veth pair with an address, standing in for a corosync/Ceph link): the
#   network play must keep it;
# - the stock storages `local` (dir, iso,vztmpl,backup) and `local-lvm`: the pvesm
#   stub starts with them.
set -euo pipefail
PXT_SCRIPT=pve-node.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
pxt_need_root

N="${1:-}"
[[ "$N" =~ ^[0-9]+$ ]] && [ -d "$PXT_RUN/tgt$N" ] || pxt_die "usage: pve-node.sh N   (a target up.sh booted)"

pxt_ssh "$N" sh -es <<'EOF'
DEBIAN_FRONTEND=noninteractive dpkg --purge python3-debian >/dev/null
# A node has ping (the network play checks the gateway and the other nodes with it).
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iputils-ping >/dev/null
cat >/etc/apt/sources.list.d/pve-enterprise.list <<'LIST'
deb https://enterprise.proxmox.com/debian/pve bookworm pve-enterprise
LIST
cat >/etc/apt/sources.list.d/ceph.list <<'LIST'
deb https://enterprise.proxmox.com/debian/ceph-quincy bookworm enterprise
LIST
# What PVE 9 writes (deb822), as a node on its way to 9 may have it.
cat >/etc/apt/sources.list.d/ceph-squid.sources <<'LIST'
Types: deb
URIs: https://enterprise.proxmox.com/debian/ceph-squid
Suites: trixie
Components: enterprise
Signed-By: /usr/share/keyrings/proxmox-archive-keyring.gpg
LIST
cat >/etc/apt/sources.list.d/mixed.sources <<'LIST'
Types: deb
URIs: https://enterprise.proxmox.com/debian/pve
Suites: bookworm
Components: pve-enterprise

Types: deb
URIs: file:/srv/pxrepo
Suites: ./
Enabled: yes
LIST
echo 'deb file:/srv/pxrepo ./' >/etc/apt/sources.list.d/pve-nosub.list
mkdir -p /etc/network/interfaces.d
cat >/etc/network/interfaces <<'IFACES'
auto lo
iface lo inet loopback

auto pxcoro0
iface pxcoro0 inet static
	address 10.99.0.2/24

source /etc/network/interfaces.d/*
IFACES
ip link add pxcoro0 type veth peer name pxcoro1
ip addr add 10.99.0.2/24 dev pxcoro0
ip link set pxcoro0 up
EOF
pxt_log "tgt$N looks like a stock Proxmox VE 8 node"
