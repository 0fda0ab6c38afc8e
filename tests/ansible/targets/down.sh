#!/usr/bin/env bash
# Stop every CI target and remove all traces of them: ssh control masters, the
# systemd-nspawn processes (clean poweroff, SIGKILL after 20 s), whatever still runs in
# their network namespaces, the overlay mounts, the netns pxtgtN and veths pxhN, the
# routing rules and table 7700, the run directories and hosts.yml/.json. base/ and the
# key stay.
#
#   tests/ansible/targets/down.sh [-q]     # as root; idempotent, ~2 s per target
#
# Works from what it finds on the machine, not from what up.sh recorded, so it also
# cleans up after a crashed or killed run. Exits non-zero if anything is left.
set -euo pipefail
PXT_SCRIPT=down.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
pxt_need_root
quiet=
[ "${1:-}" = -q ] && quiet=1
say() { [ -n "$quiet" ] || pxt_log "$@"; }

# nspawn_pids: pids of systemd-nspawn processes booting a target of this harness.
nspawn_pids() {
    local p cmd
    for p in /proc/[0-9]*; do
        cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
        case "$cmd" in
        *systemd-nspawn*" -D $PXT_RUN/tgt"*) echo "${p#/proc/}" ;;
        esac
    done
}
our_netns() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^pxtgt[0-9]+$' || true; }
our_links() { ip -o link show 2>/dev/null | grep -oE '^[0-9]+: pxh[0-9]+' | awk '{print $2}' || true; }
our_mounts() { awk -v r="$PXT_RUN/" 'index($2, r) == 1 {print $2}' /proc/mounts | sort -r; }

# 1. ssh ControlPersist masters of earlier ansible runs (they would linger 60 s).
if [ -d "$PXT_CP" ]; then
    for s in "$PXT_CP"/*; do
        [ -S "$s" ] || continue
        ssh -o ControlPath="$s" -O exit pxtgt >/dev/null 2>&1 || true
    done
    rm -rf "$PXT_CP"
fi

# 2. The containers: SIGTERM makes nspawn power the container off cleanly.
pids=$(nspawn_pids)
if [ -n "$pids" ]; then
    say "stopping $(echo "$pids" | wc -w) target(s)"
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    for _ in $(seq 200); do
        alive=
        for p in $pids; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
        [ -z "$alive" ] && break
        sleep 0.1
    done
    if [ -n "$alive" ]; then
        say "SIGKILL to nspawn$alive (no clean poweroff within 20 s)"
        # shellcheck disable=SC2086
        kill -KILL $alive 2>/dev/null || true
        sleep 0.5
    fi
fi

# 3. Anything still running inside the namespaces (e.g. after nspawn was SIGKILLed).
for ns in $(our_netns); do
    left=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
    if [ -n "${left// /}" ]; then
        say "killing processes left in $ns: $left"
        # shellcheck disable=SC2086
        kill -KILL $left 2>/dev/null || true
    fi
done

# 4. Mounts (the overlays, and anything a crashed nspawn left below them).
for m in $(our_mounts); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
done

# 5. Network namespaces and veths (deleting a netns also deletes its end of the pair).
for ns in $(our_netns); do
    ip netns del "$ns" 2>/dev/null || true
done
for l in $(our_links); do
    ip link del "$l" 2>/dev/null || true
done
while ip rule del priority "$PXT_TABLE" 2>/dev/null; do :; done
ip route flush table "$PXT_TABLE" 2>/dev/null || true

# 6. Files, only once nothing is mounted below them.
if [ -z "$(our_mounts)" ]; then
    rm -rf "$PXT_RUN" "$PXT_HOSTS" "${PXT_HOSTS%.yml}.json"
fi

# 7. Verify.
problems=()
[ -z "$(nspawn_pids)" ] || problems+=("nspawn still running: $(nspawn_pids | tr '\n' ' ')")
[ -z "$(our_mounts)" ] || problems+=("still mounted: $(our_mounts | tr '\n' ' ')")
[ -z "$(our_netns)" ] || problems+=("netns left: $(our_netns | tr '\n' ' ')")
[ -z "$(our_links)" ] || problems+=("links left: $(our_links | tr '\n' ' ')")
[ -z "$(ip rule show priority "$PXT_TABLE" 2>/dev/null)" ] || problems+=("ip rules left (priority $PXT_TABLE)")
[ -z "$(ip route show table "$PXT_TABLE" 2>/dev/null)" ] || problems+=("routes left in table $PXT_TABLE")
[ ! -e "$PXT_RUN" ] || problems+=("$PXT_RUN still exists")
if [ "${#problems[@]}" -gt 0 ]; then
    printf 'down.sh: error: %s\n' "${problems[@]}" >&2
    exit 1
fi
say "no targets left"
