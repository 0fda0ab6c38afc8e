#!/usr/bin/env bash
# Runs the whole test suite: formatting, lints, and every test.
# Usage: ./test.sh          (from the repository root)
# Needs a Rust toolchain, Python 3.11, Terraform, and root with Debian's apt (the
# generated playbooks run against Debian containers booted with systemd-nspawn, and
# Debian's packer package formats the generated templates). The
# first run installs the test tools' pinned Python packages from PyPI under target/
# and builds the containers' base system there.
set -euo pipefail
cd "$(dirname "$0")"

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (warnings are errors)"
cargo clippy --all-targets --all-features --locked -- -D warnings

step "the stand-in Terraform provider for terraform validate (tests/terraform/)"
tests/terraform/setup.sh

step "the pinned Ansible tools (tests/ansible/)"
tests/ansible/setup.sh

step "fakepve, the fake Proxmox VE API of the status and apply tests (tests/fakepve/)"
tests/fakepve/setup.sh

step "Packer, for packer fmt (tests/packer/)"
tests/packer/setup.sh

step "the fuzz targets still build (fuzz/, run by hand: docs/development.md)"
cargo check --quiet --locked --manifest-path fuzz/Cargo.toml

step "cargo test, with the suites that need the real tools (--features real-tools)"
cargo test --locked --all-targets --features real-tools

# The runs below pass the same feature as the tests so that cargo reuses their build.
step "the bundled example checks cleanly"
cargo run --quiet --locked --features real-tools -- check examples/homelab

step "the committed ansible/, terraform/ and packer/ are what examples/homelab generates"
cargo run --quiet --locked --features real-tools -- build --check --locked examples/homelab -o .
