# Sourced by the scripts under tests/ (the setup.sh of each tool, packer/fmt.sh,
# terraform/validate.sh, ansible/check.sh), never run: how they report a usage or
# setup error, take their one DIR argument, and build a venv of pinned packages. The
# sourcing script sets SCRIPT, its own path for messages, first.

# Prints "SCRIPT: error: MESSAGE" on stderr and exits 2 (a usage or setup error).
die() {
    echo "$SCRIPT: error: $*" >&2
    exit 2
}

# Sets DIR to the one argument, which must be a folder, as an absolute path.
take_dir_argument() {
    [ "$#" -eq 1 ] || die "usage: $SCRIPT DIR"
    DIR="$1"
    [ -d "$DIR" ] || die "$DIR is not a directory"
    DIR="$(cd "$DIR" && pwd)"
}

# Checks that $PYTHON (default python3) is there and at least 3.11; WHY says what
# needs it.
require_python() {
    PYTHON="${PYTHON:-python3}"
    command -v "$PYTHON" >/dev/null 2>&1 ||
        die "$PYTHON not found; install Python >= 3.11 (with the venv module) $1"
    "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' ||
        die "$("$PYTHON" --version 2>&1) is too old; $1 needs Python >= 3.11"
}

# Takes an exclusive flock on LOCK (file descriptor 9) for the rest of the script,
# waiting up to 30 minutes for a build by another run, or for users that hold it
# shared.
lock_exclusively() {
    mkdir -p "$(dirname "$1")"
    exec 9>"$1"
    if ! flock -n 9; then
        echo "$SCRIPT: waiting for the lock on $1" >&2
        flock -w 1800 9 || die "timed out after 30 min waiting for the lock on $1"
    fi
}

# build_pinned_venv VENV REQUIREMENTS OK: makes VENV anew with exactly the pinned
# packages of REQUIREMENTS (binary wheels, no dependency resolution, no pip cache:
# what runs is what the file says), stamps it with a copy of REQUIREMENTS, and
# checks it with the function OK, which should also compare the stamp.
build_pinned_venv() {
    local venv="$1" requirements="$2" ok="$3"
    echo "$SCRIPT: creating $venv (packages from $requirements, via PyPI)" >&2
    rm -rf "$venv"
    "$PYTHON" -m venv "$venv" ||
        die "'$PYTHON -m venv' failed (on Debian/Ubuntu install the python3-venv package)"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
        --no-cache-dir --no-deps --only-binary=:all: -r "$requirements" ||
        die "pip install -r $requirements failed (is PyPI reachable?)"
    "$venv/bin/python" -m pip check --disable-pip-version-check >/dev/null ||
        die "pinned requirements are inconsistent: $("$venv/bin/python" -m pip check 2>&1)"
    cp "$requirements" "$venv/.pxic-requirements.txt"
    "$ok" || {
        rm -f "$venv/.pxic-requirements.txt"
        die "venv at $venv is still not usable after installing $requirements"
    }
}
