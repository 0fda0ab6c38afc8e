#!/usr/bin/env bash
# Boot N Debian 12 targets (tgt1..tgtN) for real Ansible runs and write their inventory.
#
#   tests/ansible/targets/up.sh N       # as root, after base.sh; ~3 s for 2 targets
#
# Target i: an overlay over base/ (writes go to run/tgti/upper, dropped by down.sh),
# booted with systemd-nspawn inside netns pxtgti; reachable from this host only, at
# 169.254.77.(4i+2) over the veth pxhi (host side 169.254.77.(4i+1)/30). Waits until every
# target answers ssh as root, then writes target/ansible-targets/hosts.yml (an Ansible
# inventory: group pxic_targets, hosts tgt1..tgtN with all connection vars) and
# hosts.json (the same for programs). Cleans up a previous (crashed) run first; on failure
# prints the nspawn log of the target that did not come up and takes all targets down.
#
# Environment: PXT_BOOT_TIMEOUT (seconds for all targets to answer ssh, default 90).
set -euo pipefail
PXT_SCRIPT=up.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
pxt_need_root

N="${1:-}"
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le "$PXT_MAX" ] ||
    pxt_die "usage: up.sh N   (number of targets, 1..$PXT_MAX)"
TIMEOUT="${PXT_BOOT_TIMEOUT:-90}"
grep -qs '^config ' "$PXT_STAMP" && [ -f "$PXT_KEY" ] ||
    pxt_die "no base rootfs at $PXT_BASE; run tests/ansible/targets/base.sh first"
command -v systemd-nspawn >/dev/null || pxt_die "systemd-nspawn missing; run base.sh"

t0=$SECONDS
set -E
trap 'echo "up.sh: error: a step failed (line $LINENO); taking the targets down" >&2; "$PXT_HERE/down.sh" -q || true' ERR
"$PXT_HERE/down.sh" -q || pxt_die "could not clean up the previous run"
mkdir -p "$PXT_RUN" "$PXT_CP"

fail() {
    local i="$1" why="$2" d="$PXT_RUN/tgt$1"
    {
        echo "up.sh: error: target tgt$i ($(pxt_addr_target "$i")) $why"
        echo "--- last lines of $d/log (systemd-nspawn and the container's console):"
        # console output: drop colours and carriage returns
        tail -n 40 "$d/log" 2>/dev/null | sed -e 's/\x1b\[[0-9;]*m//g' -e 's/\r//g' || echo "(no log)"
        echo "---"
    } >&2
    "$PXT_HERE/down.sh" -q || true
    exit 1
}

start_target() {
    local i="$1" d="$PXT_RUN/tgt$1" ns="pxtgt$1"
    mkdir -p "$d/upper" "$d/work" "$d/root"
    mount -t overlay overlay -o "lowerdir=$PXT_BASE,upperdir=$d/upper,workdir=$d/work" "$d/root"
    echo "tgt$i" >"$d/root/etc/hostname"
    printf '127.0.0.1\tlocalhost\n127.0.1.1\ttgt%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$i" \
        >"$d/root/etc/hosts"

    ip netns add "$ns"
    ip link add "pxh$i" type veth peer name "pxt$i"
    ip link set "pxt$i" netns "$ns"
    # What a target sends anywhere but to this host is answered "no route to host" at
    # once (instead of hanging until a timeout) and never leaves this machine: forwarding
    # on pxhi only makes the kernel send that ICMP error (lib.sh, PXT_TABLE).
    ip rule add iif "pxh$i" lookup "$PXT_TABLE" priority "$PXT_TABLE"
    sysctl -qw "net.ipv4.conf.pxh$i.forwarding=1"
    ip addr add "$(pxt_addr_host "$i")/30" dev "pxh$i"
    ip link set "pxh$i" up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$(pxt_addr_target "$i")/30" dev "pxt$i"
    ip -n "$ns" link set "pxt$i" up
    # A default route, so that facts have ansible_default_ipv4 as on a real machine.
    ip -n "$ns" route add default via "$(pxt_addr_host "$i")"

    # --keep-unit --register=no: there is no systemd on the host to talk to.
    # --console=read-only: the container's console (boot messages) goes to $d/log.
    # CAP_NET_ADMIN: ufw/iptables. API_VFS_WRITABLE=network: sysctl net.* (the netns is ours).
    # --resolv-conf/--timezone/--link-journal=off|no: the container's files stay its own.
    SYSTEMD_NSPAWN_API_VFS_WRITABLE=network setsid sh -c 'echo $$ >"$1/pid"; shift; exec "$@"' sh "$d" \
        systemd-nspawn -D "$d/root" -q -b -M "tgt$i" --register=no --keep-unit \
        --console=read-only --capability=CAP_NET_ADMIN --network-namespace-path="/run/netns/$ns" \
        --resolv-conf=off --timezone=off --link-journal=no \
        </dev/null >"$d/log" 2>&1 &
}

ip route replace unreachable default table "$PXT_TABLE"
for i in $(seq "$N"); do
    start_target "$i"
done
pxt_log "booting $N target(s)"

# Wait for ssh on every target.
deadline=$((SECONDS + TIMEOUT))
pending=$(seq "$N")
while [ -n "$pending" ]; do
    still=
    for i in $pending; do
        pid=$(cat "$PXT_RUN/tgt$i/pid" 2>/dev/null || true)
        if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
            fail "$i" "stopped while booting (systemd-nspawn exited)"
        fi
        # sshd answers before the boot is over; wait for the rest (pam_nologin keeps
        # users other than root out until then), then report units that failed.
        if state=$(pxt_ssh "$i" 'timeout 60 systemctl is-system-running --wait' 2>/dev/null) ||
            [ "$state" = degraded ]; then
            if [ "$state" != running ]; then
                pxt_log "warning: tgt$i is $state; failed units: $(pxt_ssh "$i" systemctl --failed --no-legend --plain 2>&1 | tr '\n' ' ')"
            fi
            pxt_log "tgt$i answers ssh at $(pxt_addr_target "$i") after $((SECONDS - t0)) s"
        else
            still="$still $i"
        fi
    done
    pending="${still# }"
    if [ -n "$pending" ]; then
        [ "$SECONDS" -lt "$deadline" ] || fail "${pending%% *}" "did not answer ssh within $TIMEOUT s"
        sleep 0.3
    fi
done

# The inventory of the targets.
q() { local s="${1//\\/\\\\}"; printf '"%s"' "${s//\"/\\\"}"; }
SSH_COMMON="-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o IdentitiesOnly=yes"
SSH_ARGS="-C -o ControlMaster=auto -o ControlPersist=60s -o ControlPath=$PXT_CP/%C"
tmp="$PXT_HOSTS.tmp"
{
    echo "---"
    echo "# Written by tests/ansible/targets/up.sh $N at $(date -u +%Y-%m-%dT%H:%M:%SZ): booted Debian 12"
    echo "# targets, reachable from this machine until down.sh. Give each host of a generated"
    echo "# inventory the variables of one target (tests/ansible/targets/merge-inventory.py)."
    echo "all:"
    echo "  children:"
    echo "    pxic_targets:"
    echo "      hosts:"
    for i in $(seq "$N"); do
        echo "        tgt$i:"
        echo "          ansible_host: $(q "$(pxt_addr_target "$i")")"
        echo "          ansible_user: root"
        echo "          ansible_ssh_private_key_file: $(q "$PXT_KEY")"
        echo "          ansible_python_interpreter: /usr/bin/python3"
        echo "          ansible_ssh_common_args: $(q "$SSH_COMMON")"
        echo "          ansible_ssh_args: $(q "$SSH_ARGS")"
    done
} >"$tmp"
mv "$tmp" "$PXT_HOSTS"
{
    echo "["
    for i in $(seq "$N"); do
        sep=,
        [ "$i" = "$N" ] && sep=
        printf '  {"name": "tgt%s", "ansible_host": %s, "ansible_user": "root", "ansible_ssh_private_key_file": %s, "ansible_python_interpreter": "/usr/bin/python3", "ansible_ssh_common_args": %s, "ansible_ssh_args": %s}%s\n' \
            "$i" "$(q "$(pxt_addr_target "$i")")" "$(q "$PXT_KEY")" "$(q "$SSH_COMMON")" "$(q "$SSH_ARGS")" "$sep"
    done
    echo "]"
} >"$tmp"
mv "$tmp" "${PXT_HOSTS%.yml}.json"
pxt_log "$N target(s) up in $((SECONDS - t0)) s; inventory: $PXT_HOSTS"
