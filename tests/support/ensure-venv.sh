#!/usr/bin/env bash
# Prints (last line of stdout) the path of a cached Python venv that holds exactly the pins the generated project
# declares: it generates the all-options combination with the built binary, and the same with each event bus the
# all-options one does not take (rabbitmq), hashes their `libs/orders/requirements-dev.txt` (plus the interpreter's
# version), and builds `.cache/venv-<hash>` with `python3 -m venv` + `pip install -r … -r …` when that venv is
# missing (the files pin the packages they share alike). Everything else (the matrix, the Nx and bench
# tests) runs the generated projects' tools from this venv, so nothing is installed per combination.
# A shared mypy cache root is created at .cache/mypy (the matrix gives each combination its own folder under it).
#
# Environment:
#   PYTHON_DDD_BINARY        the generator binary (default: target/debug/python-ddd, built when missing)
#   PYTHON_DDD_REQUIREMENTS  use this requirements file instead of generating one (harness development only)
#   PYTHON                   the interpreter to build the venv from (default: python3)
#
# Progress goes to stderr. A venv is used only once its `.complete` marker exists (written last), so an
# interrupted build is rebuilt on the next run.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Resolved physically: a venv bakes its path into its scripts' shebangs, and `.cache` may be a symlink from a
# worktree that is deleted later; the real path stays valid for every checkout sharing the cache.
mkdir -p "$repo/.cache"
cache="$(cd "$repo/.cache" && pwd -P)"
python="${PYTHON:-python3}"
log() { printf 'ensure-venv: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

mkdir -p "$cache"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/python-ddd-venv.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

extra_requirements=()
if [[ -n "${PYTHON_DDD_REQUIREMENTS:-}" ]]; then
    requirements="$PYTHON_DDD_REQUIREMENTS"
    [[ -f "$requirements" ]] || die "PYTHON_DDD_REQUIREMENTS=$requirements does not exist"
else
    binary="${PYTHON_DDD_BINARY:-$repo/target/debug/python-ddd}"
    if [[ ! -x "$binary" ]]; then
        [[ -z "${PYTHON_DDD_BINARY:-}" ]] || die "PYTHON_DDD_BINARY=$binary is not executable"
        log "building $binary"
        (cd "$repo" && cargo build --locked -q -p python-ddd) >&2
    fi
    "$binary" generate domain orders --root "$tmp/ws" \
        --persistence sqlalchemy --eventBus kafka --cache redis --api fastapi >"$tmp/generate.log" 2>&1 \
        || { cat "$tmp/generate.log" >&2; die "generating the all-options combination failed"; }
    requirements="$tmp/ws/libs/orders/requirements-dev.txt"
    [[ -f "$requirements" ]] || die "the generated project has no libs/orders/requirements-dev.txt"
    "$binary" generate domain orders --root "$tmp/ws-rabbitmq" \
        --persistence sqlalchemy --eventBus rabbitmq --api fastapi >"$tmp/generate.log" 2>&1 \
        || { cat "$tmp/generate.log" >&2; die "generating the all-options combination with --eventBus rabbitmq failed"; }
    extra_requirements=("$tmp/ws-rabbitmq/libs/orders/requirements-dev.txt")
fi

py_version="$("$python" -c 'import sys; print(sys.implementation.name, *sys.version_info[:3])')"
hash="$( { printf '%s\n' "$py_version"; cat "$requirements" "${extra_requirements[@]}"; } | sha256sum | cut -c1-16)"
venv="$cache/venv-$hash"

# One builder at a time (engineers and CI may run the suite in parallel); the others wait and reuse its venv.
exec 9>"$cache/venv-$hash.lock"
flock 9
if [[ -x "$venv/bin/python" && -f "$venv/.complete" ]]; then
    log "cached: $venv"
else
    log "building $venv from $(basename "$requirements") ($py_version)"
    started=$SECONDS
    rm -rf "$venv"
    "$python" -m venv "$venv"
    export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
    # Requirements such as `-r requirements.txt` resolve relative to the file, so install from its folder.
    extra_args=()
    for extra in "${extra_requirements[@]}"; do extra_args+=(-r "$extra"); done
    if ! (cd "$(dirname "$requirements")" && "$venv/bin/python" -m pip install -q -r "$(basename "$requirements")" "${extra_args[@]}") >&2; then
        rm -rf "$venv"
        die "pip install -r requirements-dev.txt failed"
    fi
    cp "$requirements" "$venv/requirements-dev.txt"
    # What the matrix compares with today's generated pins (test_the_venv_was_built_from_the_all_options_pins).
    [[ ${#extra_requirements[@]} == 0 ]] || cp "${extra_requirements[0]}" "$venv/requirements-dev.rabbitmq.txt"
    # Written last: a venv without it (an interrupted build) is rebuilt next time.
    touch "$venv/.complete"
    log "built in $((SECONDS - started)) s"
fi
flock -u 9

mkdir -p "$cache/mypy"
printf '%s\n' "$venv"
