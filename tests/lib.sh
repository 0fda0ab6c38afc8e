# Sourced by the check scripts under tests/ (packer/fmt.sh, terraform/validate.sh,
# ansible/check.sh), never run: how they report a usage or setup error and take
# their one DIR argument. The sourcing script sets SCRIPT, its own path for
# messages, first.

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
