#!/usr/bin/env bash
# Check that every Packer template in a folder is in `packer fmt`'s canonical form.
#
#   tests/packer/fmt.sh DIR
#
# Runs setup.sh, then `packer fmt -check -diff` on each DIR/*.pkr.hcl, one
# file at a time so that each failure names its file (`packer fmt` takes a
# single path and has no -recursive). Every file is checked even after a
# failure. Exit status: 0 all formatted; 1 a file needs formatting (its diff
# is shown) or does not parse; 2 usage or setup error, or no *.pkr.hcl in DIR
# (an empty folder passing would hide a backend that wrote nothing).
# Nothing is written into DIR.
set -euo pipefail

SCRIPT=tests/packer/fmt.sh
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib.sh
. "$HERE/../lib.sh"
take_dir_argument "$@"

"$HERE/setup.sh" || die "setup.sh failed"
export CHECKPOINT_DISABLE=1

shopt -s nullglob
files=("$DIR"/*.pkr.hcl)
[ "${#files[@]}" -gt 0 ] || die "no *.pkr.hcl file in $DIR"

failed=0
for file in "${files[@]}"; do
    # Packer exits 3 when the file would change, 1 when it does not parse.
    if packer fmt -check -diff "$file"; then
        continue
    else
        rc=$?
    fi
    failed=$((failed + 1))
    if [ "$rc" -eq 3 ]; then
        echo "FAIL: $file is not formatted: 'packer fmt' would apply the diff above" >&2
    else
        echo "FAIL: $file does not parse ('packer fmt' exit $rc)" >&2
    fi
done

if [ "$failed" -ne 0 ]; then
    echo "FAIL: $failed of ${#files[@]} template(s) in $DIR fail 'packer fmt -check'" >&2
    exit 1
fi
echo "OK: ${#files[@]} template(s) in $DIR pass 'packer fmt -check'"
