# Shared by base.sh, up.sh and down.sh (sourced, not run). See README.md.
#
# Layout, all under $REPO/target/ansible-targets ($PXT_ROOT):
#   base/            the Debian 12 rootfs every target boots from (read-only lower layer)
#   base.stamp       what base/ was built from (keys checked by base.sh)
#   id_ed25519{,.pub} the key authorised for root in every target
#   run/tgtN/        one booted target: upper/ work/ root/ (overlay), pid, log
#   run/cp/          ssh ControlPath sockets of the ansible runs (closed by down.sh)
#   hosts.yml        written by up.sh: the targets as an Ansible inventory
#
# Host-wide names (one harness per machine): netns pxtgtN, veth pxhN (host side,
# 169.254.77.(4N+1)/30) <-> pxtN (in the netns, 169.254.77.(4N+2)/30), routing table and
# ip rule priority 7700.

PXT_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$PXT_HERE/../../.." && pwd)"
PXT_ROOT="$REPO/target/ansible-targets"
PXT_BASE="$PXT_ROOT/base"
PXT_STAMP="$PXT_ROOT/base.stamp"
PXT_KEY="$PXT_ROOT/id_ed25519"
PXT_RUN="$PXT_ROOT/run"
PXT_HOSTS="$PXT_ROOT/hosts.yml"
PXT_MAX=60 # 169.254.77.(4N+2) must stay below .255
# Host routing: packets a target sends anywhere but to this host hit `ip rule iif pxhN
# lookup $PXT_TABLE` (priority $PXT_TABLE), whose only route is `unreachable default`:
# the target gets "No route to host" at once, and nothing is forwarded.
PXT_TABLE=7700

# ssh ControlPath directory: sockets must fit in sun_path (108 bytes), %C is 40 hex.
PXT_CP="$PXT_RUN/cp"
if [ "${#PXT_CP}" -gt 60 ]; then
    PXT_CP="/tmp/pxtgt-cp"
fi

pxt_log() { echo "[$(date +%T)] ${PXT_SCRIPT:-targets}: $*" >&2; }
pxt_die() {
    echo "${PXT_SCRIPT:-targets}: error: $*" >&2
    exit 1
}
pxt_need_root() {
    [ "$(id -u)" = 0 ] || pxt_die "must run as root (debootstrap, mounts, network namespaces, systemd-nspawn)"
}

pxt_addr_host() { echo "169.254.77.$((4 * $1 + 1))"; }
pxt_addr_target() { echo "169.254.77.$((4 * $1 + 2))"; }

# The ssh options every client of the targets uses (they are throw-away machines
# whose host keys are shared by all targets and change with every base rebuild).
PXT_SSH_OPTS=(-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR
    -o BatchMode=yes -o IdentitiesOnly=yes -i "$PXT_KEY")

# pxt_ssh N CMD...: run CMD as root on target N.
pxt_ssh() {
    local i="$1"
    shift
    ssh "${PXT_SSH_OPTS[@]}" -o ConnectTimeout=2 "root@$(pxt_addr_target "$i")" "$@"
}
