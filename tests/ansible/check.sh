#!/usr/bin/env bash
# Check a generated ansible/ folder with the real Ansible tools, offline.
#
#   tests/ansible/check.sh DIR
#
# DIR must hold ansible.cfg, .ansible-lint, .yamllint, inventory.yml and
# site.yml (plus the playbooks, roles and templates they use). After
# setup.sh, with target/ansible-venv/bin first on PATH and DIR as the working
# directory, it runs:
#
#   1. yamllint -s -f parsable .                     (DIR/.yamllint)
#   2. ansible-inventory -i inventory.yml --list     (unparsed inventory = error)
#   3. ansible-playbook --syntax-check -i inventory.yml site.yml vms.yml template-*.yml
#   4. ansible-lint -f pep8                          (DIR/.ansible-lint: production
#                                                    profile + args, strict, offline)
#
# Every step runs even when an earlier one fails; each tool's own output is
# shown, then one summary line per step. Zero findings are required: yamllint
# runs strict (-s: warnings fail), ansible-lint too (strict: true, plus
# --offline), and ansible-inventory / ansible-playbook fail the step when they
# print an Ansible [WARNING] or [DEPRECATION WARNING] even with exit 0.
# Exit status: 0 all clean, 1 a step failed (or DIR was modified), 2 usage or
# setup error.
#
# Nothing is written into DIR or $HOME: ANSIBLE_HOME (where ansible-lint keeps
# its roles/collections cache when offline), ANSIBLE_LOCAL_TEMP and
# XDG_CACHE_HOME point into a temp dir that is removed at exit, and DIR's
# listing is compared before and after. ANSIBLE_* variables from the caller's
# environment are dropped so that only DIR's files decide the outcome.
set -uo pipefail

SCRIPT=tests/ansible/check.sh
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib.sh
. "$HERE/../lib.sh"
take_dir_argument "$@"
for f in ansible.cfg .ansible-lint .yamllint inventory.yml site.yml; do
    [ -f "$DIR/$f" ] || die "$DIR/$f is missing; DIR must be a generated ansible/ folder"
done

REPO="$(cd "$HERE/../.." && pwd)"
VENV="$REPO/target/ansible-venv"

"$HERE/setup.sh" || die "setup.sh failed"

# Hold a shared flock on the venv's lock file while the tools run: setup.sh
# takes it exclusively to (re)build the venv, so no rebuild starts under us.
if command -v flock >/dev/null 2>&1; then
    exec 9>"$REPO/target/ansible-venv.lock"
    flock -s -w 1800 9 || die "timed out waiting for a rebuild of $VENV (lock $REPO/target/ansible-venv.lock)"
    [ -x "$VENV/bin/ansible-lint" ] && [ -f "$VENV/.pxic-requirements.txt" ] ||
        die "$VENV was rebuilt and is not usable; run tests/ansible/setup.sh"
fi

# --- environment --------------------------------------------------------------------
while IFS= read -r var; do
    unset "$var"
done < <(compgen -e | grep -E '^ANSIBLE_' || true)   # also ANSIBLE_LINT_*
unset VIRTUAL_ENV PYTHONPATH PYTHONHOME FORCE_COLOR PY_COLORS

WORK="$(mktemp -d "${TMPDIR:-/tmp}/pxic-ansible-check.XXXXXX")" || die "mktemp failed"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/home" "$WORK/tmp" "$WORK/cache"
: >"$WORK/empty-ignore"

export PATH="$VENV/bin:$PATH"
export ANSIBLE_CONFIG="$DIR/ansible.cfg"   # also used when DIR is world-writable
export ANSIBLE_HOME="$WORK/home"
export ANSIBLE_LOCAL_TEMP="$WORK/tmp"
export XDG_CACHE_HOME="$WORK/cache"
export ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true
export ANSIBLE_NOCOLOR=1 NO_COLOR=1
export ANSIBLE_DEPRECATION_WARNINGS=true

cd "$DIR" || die "cannot cd to $DIR"

listing() { find . -printf '%y %m %s %T@ %p\n' | LC_ALL=C sort; }
before="$(listing)"

# --- steps --------------------------------------------------------------------------
summary=()
failed=0

# step NAME SHOWN WARN CMD...: print SHOWN, run CMD in DIR with its output (stdout
# and stderr, in order) shown as is, and record one summary line. WARN=1: a
# "[WARNING]" or "[DEPRECATION WARNING]" line from Ansible fails the step too
# (ansible-inventory and ansible-playbook exit 0 after printing those).
step() {
    local name="$1" shown="$2" warn="$3" rc t0 t1 secs
    shift 3
    echo "== $name: $shown"
    t0=$(date +%s%N)
    "$@" 9>&- 2>&1 | tee "$WORK/out"
    rc=${PIPESTATUS[0]}
    t1=$(date +%s%N)
    secs=$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.1f", d / 1e9 }')
    if [ "$rc" -ne 0 ]; then
        summary+=("FAIL  $name: exit $rc (${secs}s)")
        failed=$((failed + 1))
    elif [ "$warn" = 1 ] && grep -qE '^\[(WARNING|DEPRECATION WARNING)\]' "$WORK/out"; then
        summary+=("FAIL  $name: exit 0 but printed Ansible warnings (${secs}s)")
        failed=$((failed + 1))
    else
        summary+=("ok    $name (${secs}s)")
    fi
}

inventory_list() { ansible-inventory -i inventory.yml --list >/dev/null; }

step yamllint "yamllint -s -f parsable ." 0 \
    yamllint -s -f parsable .
step ansible-inventory "ansible-inventory -i inventory.yml --list >/dev/null" 1 \
    inventory_list
# site.yml (the hosts), vms.yml (the guests, run after Packer and Terraform), and
# the playbooks Packer runs on its build VMs (template-*.yml).
playbooks=(site.yml)
for f in vms.yml template-*.yml; do
    [ -e "$f" ] && playbooks+=("$f")
done
step syntax-check "ansible-playbook --syntax-check -i inventory.yml ${playbooks[*]}" 1 \
    ansible-playbook --syntax-check -i inventory.yml "${playbooks[@]}"
step ansible-lint "ansible-lint -f pep8 (production profile, strict, offline)" 0 \
    ansible-lint -f pep8 --offline --project-dir "$DIR" -c "$DIR/.ansible-lint" -i "$WORK/empty-ignore"

after="$(listing)"
if [ "$before" != "$after" ]; then
    echo "== DIR changed while checking:"
    diff <(echo "$before") <(echo "$after") | sed 's/^/   /'
    summary+=("FAIL  the tools wrote into $DIR")
    failed=$((failed + 1))
fi

echo "== summary ($DIR)"
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
    echo "FAIL: $failed check(s) failed" >&2
    exit 1
fi
echo "OK: $DIR passes yamllint, ansible-inventory, ansible-playbook --syntax-check and ansible-lint"
