#!/usr/bin/env bash
# End-to-end proof of the target harness: base.sh, up.sh 2, site.yml twice (the second
# run must report changed=0 for every host), down.sh (always, from a trap).
#
#   tests/ansible/targets/demo/demo.sh      # as root; ~30 s with base/ built, 1.5-2.5 min without
#
# Ansible: target/ansible-venv (tests/ansible/setup.sh) when it is usable (held under a
# shared flock on target/ansible-venv.lock, which setup.sh takes exclusively to build
# it), else target/ansible-venv-demo, created here with `pip install ansible==12.3.0`.
# Files of the run (merged inventory, demo key, logs) go to target/ansible-targets/demo/.
set -euo pipefail
DEMO="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TARGETS="$(dirname "$DEMO")"
PXT_SCRIPT=demo.sh
. "$TARGETS/lib.sh"
pxt_need_root

WORK="$PXT_ROOT/demo"
mkdir -p "$WORK"
timings=()
step() { # step NAME CMD...: run CMD, record its wall time
    local name="$1" t=$SECONDS
    shift
    "$@"
    timings+=("$name: $((SECONDS - t)) s")
}

# --- ansible ------------------------------------------------------------------------
VENV="$REPO/target/ansible-venv"
if [ -d "$VENV" ]; then
    # tests/ansible/setup.sh rebuilds that venv under an exclusive flock on this file:
    # wait for a build in progress, and hold a shared lock so none starts during the demo.
    exec 7>"$REPO/target/ansible-venv.lock"
    flock -s -w 900 7 || pxt_die "timed out waiting for tests/ansible/setup.sh to finish the venv"
fi
if ! "$VENV/bin/ansible-playbook" --version >/dev/null 2>&1; then
    [ -e /proc/self/fd/7 ] && exec 7>&-
    VENV="$REPO/target/ansible-venv-demo"
    if ! "$VENV/bin/ansible-playbook" --version >/dev/null 2>&1; then
        pxt_log "creating $VENV (pip install ansible==12.3.0)"
        rm -rf "$VENV"
        "${PYTHON:-python3}" -m venv "$VENV"
        "$VENV/bin/pip" install -q --disable-pip-version-check ansible==12.3.0
    fi
fi
pxt_log "using $("$VENV/bin/ansible-playbook" --version 2>/dev/null | sed -n 1p) from $VENV"

# --- targets ------------------------------------------------------------------------
finish() {
    local rc=$?
    trap - EXIT INT TERM
    step down "$TARGETS/down.sh" || rc=1
    printf '  %s\n' "${timings[@]}" >&2
    if [ "$rc" = 0 ]; then
        echo "demo.sh: PASS (2 targets, second run changed nothing)" >&2
    else
        echo "demo.sh: FAIL (exit $rc; logs in $WORK)" >&2
    fi
    exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

step base "$TARGETS/base.sh"
# 7>&-: the targets and ssh masters must not inherit (and keep) the venv lock.
step "up 2" "$TARGETS/up.sh" 2 7>&-
"$VENV/bin/python" "$TARGETS/merge-inventory.py" "$DEMO/inventory.yml" "$PXT_HOSTS" >"$WORK/inventory.yml"
[ -f "$WORK/demo_key" ] || ssh-keygen -q -t ed25519 -N '' -C pxic-targets-demo -f "$WORK/demo_key"

export ANSIBLE_CONFIG="$DEMO/ansible.cfg" ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
export ANSIBLE_LOCAL_TEMP="$WORK/tmp"

# check_recap LOG WANT_CHANGED: every host in the PLAY RECAP of LOG has failed=0 and
# unreachable=0, and (when WANT_CHANGED is 0) changed=0; both demo hosts are there.
check_recap() {
    awk -v want="$2" '
        /^PLAY RECAP/ { recap = 1; next }
        recap && / : ok=/ {
            hosts++
            for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
            if (v["failed"] != 0 || v["unreachable"] != 0) { print "  " $1 ": failed=" v["failed"] " unreachable=" v["unreachable"]; bad = 1 }
            if (want == "0" && v["changed"] != 0) { print "  " $1 ": changed=" v["changed"] " on the second run (not idempotent)"; bad = 1 }
        }
        END { if (hosts != 2) { print "  expected 2 hosts in the PLAY RECAP, found " hosts + 0; bad = 1 } exit bad }
    ' "$1" >&2
}

run_playbook() { # run_playbook N
    local log="$WORK/run$1.log" rc=0
    pxt_log "ansible-playbook run $1 (log: $log)"
    "$VENV/bin/ansible-playbook" -i "$WORK/inventory.yml" "$DEMO/site.yml" \
        -e "pxi_demo_key_file=$WORK/demo_key" >"$log" 2>&1 7>&- || rc=$?
    if [ "$rc" != 0 ]; then
        tail -n 40 "$log" >&2
        pxt_die "run $1 failed (ansible-playbook exit $rc)"
    fi
    sed -n '/^PLAY RECAP/,$p' "$log" >&2
}

step "playbook run 1" run_playbook 1
check_recap "$WORK/run1.log" any || pxt_die "run 1 has failures"
step "playbook run 2" run_playbook 2
check_recap "$WORK/run2.log" 0 || pxt_die "run 2 is not idempotent (see $WORK/run2.log)"

# What the stubs saw, and the demo's effects, on tgt1.
pxt_log "on tgt1:"
pxt_ssh 1 'cat /var/log/pxic-stubs.log; cat /etc/pxic-demo.conf; ufw status | head -3; systemctl is-active qemu-guest-agent ufw' |
    sed 's/^/    /' >&2
pxt_log "disk written per target (overlay upper): $(du -sh "$PXT_RUN"/tgt*/upper | awk '{printf "%s ", $1}')"
