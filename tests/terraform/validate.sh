#!/usr/bin/env bash
# Check a folder of generated Terraform against the bpg/proxmox schema, offline.
#
#   tests/terraform/validate.sh DIR
#
# Runs `terraform fmt -check -recursive -diff DIR`, then `terraform get`
# (local module calls) and `terraform validate` in DIR with the schema-only
# stand-in provider (see README.md). fmt and validate both run; the exit
# status is non-zero when either fails, and terraform's own output is shown.
# Nothing is written into DIR (TF_DATA_DIR is a temp dir).
set -uo pipefail

SCRIPT=tests/terraform/validate.sh
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib.sh
. "$HERE/../lib.sh"
take_dir_argument "$@"

REPO="$(cd "$HERE/../.." && pwd)"

"$HERE/setup.sh" || die "setup.sh failed"

if [ -n "${TERRAFORM:-}" ]; then
    :
elif [ -x /usr/local/bin/terraform ]; then
    TERRAFORM=/usr/local/bin/terraform
else
    TERRAFORM="$(command -v terraform)" || die "terraform not found"
fi

export TF_CLI_CONFIG_FILE="$REPO/target/tf-provider/terraformrc"
export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1
export TF_INPUT=0
TF_DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/pxic-tf-data.XXXXXX")" || die "mktemp failed"
export TF_DATA_DIR
trap 'rm -rf "$TF_DATA_DIR"' EXIT

status=0

echo "== terraform fmt -check -recursive -diff $DIR"
"$TERRAFORM" fmt -no-color -check -recursive -diff "$DIR"
rc=$?
if [ "$rc" -ne 0 ]; then
    echo "FAIL: terraform fmt -check (exit $rc): the files listed above are not in canonical format" >&2
    status=$rc
fi

echo "== terraform validate ($DIR)"
# Install module calls (local ones work offline) into TF_DATA_DIR; without
# modules this does nothing. Providers are not installed: dev_overrides.
if ! get_out="$("$TERRAFORM" -chdir="$DIR" get -no-color 2>&1)"; then
    echo "$get_out"
    echo "FAIL: terraform get (module installation) failed" >&2
    exit 1
fi
"$TERRAFORM" -chdir="$DIR" validate -no-color
rc=$?
if [ "$rc" -ne 0 ]; then
    echo "FAIL: terraform validate (exit $rc)" >&2
    [ "$status" -ne 0 ] || status=$rc
fi

if [ "$status" -eq 0 ]; then
    echo "OK: $DIR passes terraform fmt -check and terraform validate"
fi
exit "$status"
