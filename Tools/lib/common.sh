# Shared by Tools/cus and Tools/test: repository root and system dependencies.
# shellcheck shell=bash
CUS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export CUS_ROOT

# liblmdb-dev provides lmdb.h, liblmdb and lmdb.pc for the CLMDB system-library target.
ensure_system_packages() {
    local missing=()
    pkg-config --exists lmdb 2>/dev/null || missing+=(liblmdb-dev)
    command -v mdb_dump >/dev/null 2>&1 || missing+=(lmdb-utils)
    command -v flock >/dev/null 2>&1 || missing+=(util-linux)
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing ${missing[*]} (apt-get)" >&2
        local sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        $sudo apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
    fi
}

# Prints the release `cus`, rebuilding it first when missing or older than the sources.
release_cus() {
    local binary="$CUS_ROOT/.build/release/cus"
    if [ ! -x "$binary" ] || [ -n "$(find "$CUS_ROOT/Sources" "$CUS_ROOT/Package.swift" -newer "$binary" -print -quit)" ]; then
        echo "building cus (release)…" >&2
        swift build -c release --package-path "$CUS_ROOT" --product cus >&2
    fi
    echo "$binary"
}
