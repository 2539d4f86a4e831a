#!/usr/bin/env bash
# Tests tests/support/prereqs.sh on a machine that lacks things: PATH holds only what each case keeps.
# Each case asserts the exit status, that the message names what is missing and says how to get it, and the time.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$(mktemp -d "${TMPDIR:-/tmp}/python-ddd-prereqs.XXXXXX")"
trap 'rm -rf "$bin"' EXIT
failures=0

# keep TOOL...: a PATH folder holding the basic utilities plus TOOL...
keep() {
    rm -rf "$bin/path"; mkdir -p "$bin/path"
    local tool
    for tool in bash env id nproc cat sort tail ls "$@"; do
        if [[ "$tool" == python3 ]]; then
            # pyenv's shim needs pyenv on PATH: link the interpreter itself.
            ln -s "$(python3 -c 'import sys; print(sys.executable)')" "$bin/path/$tool"
        else
            ln -s "$(command -v "$tool")" "$bin/path/$tool"
        fi
    done
}

# expect STATUS PATTERN SECTION...: runs prereqs.sh for SECTION... with PATH=$bin/path.
expect() {
    local want="$1" pattern="$2" status=0 started=$SECONDS
    shift 2
    PATH="$bin/path" PYTHON_DDD_NO_INSTALL=1 "$here/prereqs.sh" "$@" >"$bin/out" 2>&1 || status=$?
    if [[ "$status" != "$want" ]] || ! grep -qE "$pattern" "$bin/out" || ((SECONDS - started > 5)); then
        echo "prereqs-test: FAIL: sections [$*] kept [$(ls "$bin/path" | tr '\n' ' ')]: exit $status (want $want), output:" >&2
        sed 's/^/    /' "$bin/out" >&2
        failures=$((failures + 1))
    else
        echo "prereqs-test: ok: [$*] → exit $status, $(grep -oE "$pattern" "$bin/out" | head -n 1)"
    fi
}

keep cargo python3
expect 1 'missing, and not installable by this script: node \(>= 20\) npm' nx
expect 0 'prereqs: ok' build
keep python3 node npm
expect 1 'missing, and not installable by this script: cargo \(https://rustup.rs\)' build
keep cargo node npm
expect 1 'python3 \(>= 3.11\)' matrix
keep cargo python3 node npm
expect 1 'apt-get install -y .*valgrind' bench
expect 1 'apt-get install -y .*redis-server' redis

((failures == 0)) || { echo "prereqs-test: $failures case(s) failed" >&2; exit 1; }
