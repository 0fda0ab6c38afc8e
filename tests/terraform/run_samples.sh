#!/usr/bin/env bash
# Self-test of the offline terraform check: samples/good must pass
# validate.sh, and each case of BAD_CASES (the good sample with one line
# changed) must fail it with the expected error.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

# The must-fail cases: each is samples/good/main.tf with one line changed by a
# sed command, and the lines validate.sh must then print (one per line, each
# matched as a fixed string). "on main.tf line N" proves that the stand-in's
# diagnostic carries an attribute path Terraform resolved to the changed line.
#   NAME | SED COMMAND | EXPECTED LINES (separated by ";;")
BAD_CASES='
unknown-attribute|81s/dedicated = 2048/dedicatd  = 2048/|Error: Unsupported argument;;on main.tf line 81
too-many-blocks|74s/^  cpu {$/  cpu {}\n  cpu {/|Error: Too many cpu blocks
type|75s/cores   = 2/cores   = "many"/|Error: Incorrect attribute value type;;on main.tf line 75
enum|98s/file_format  = "raw"/file_format  = "fast"/|Error: Invalid value;;on main.tf line 98, in resource "proxmox_virtual_environment_vm" "web":;;expected file_format to be one of
range|58s/vm_id     = 201/vm_id     = 50/|Error: Invalid value;;on main.tf line 58, in resource "proxmox_virtual_environment_vm" "web":;;expected vm_id to be -1 or in the range (100 - 2147483647), got 50.
pattern|105s/"BC:24:11:5F:C7:EE"/"not-a-mac"/|Error: Invalid value;;on main.tf line 105, in resource "proxmox_virtual_environment_vm" "web":;;expected mac_address to match the regular expression
'

"$HERE/setup.sh" || exit 2

failures=0

# The stub's own check: schema conversion, RE2 -> Python regex translation
# cases, and every recorded pattern compiles.
if out="$("$REPO/target/tf-venv/bin/python" "$HERE/stub_provider.py" --self-check 2>&1)"; then
    echo "ok   stub_provider.py --self-check"
else
    echo "FAIL stub_provider.py --self-check:"
    echo "$out" | sed 's/^/     | /'
    failures=$((failures + 1))
fi

GOOD="$HERE/samples/good"
if out="$("$HERE/validate.sh" "$GOOD" 2>&1)"; then
    echo "ok   good: passes"
else
    echo "FAIL good: expected to pass:"
    echo "$out" | sed 's/^/     | /'
    failures=$((failures + 1))
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/pxic-tf-samples.XXXXXX")" || exit 2
trap 'rm -rf "$WORK"' EXIT
while IFS='|' read -r name edit want; do
    [ -n "$name" ] || continue
    mkdir -p "$WORK/$name"
    sed -e "$edit" "$GOOD/main.tf" >"$WORK/$name/main.tf"
    if cmp -s "$GOOD/main.tf" "$WORK/$name/main.tf"; then
        echo "FAIL $name: the edit '$edit' changed nothing; update it to match samples/good"
        failures=$((failures + 1))
        continue
    fi
    out="$("$HERE/validate.sh" "$WORK/$name" 2>&1)"
    rc=$?
    missing=""
    while IFS= read -r line; do
        grep -qF -- "$line" <<<"$out" || missing+="${missing:+, }\"$line\""
    done <<<"${want//;;/$'\n'}"
    if [ "$rc" -ne 0 ] && [ -z "$missing" ]; then
        echo "ok   $name: fails with \"${want%%;;*}\""
    else
        echo "FAIL $name: expected a failure printing: ${want//;;/ | }"
        echo "     validate.sh exited $rc; missing: ${missing:-nothing}. Output:"
        echo "$out" | sed 's/^/     | /'
        failures=$((failures + 1))
    fi
done <<<"$BAD_CASES"

[ "$failures" -eq 0 ] || {
    echo "$failures sample(s) misbehaved" >&2
    exit 1
}
