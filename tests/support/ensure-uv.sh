#!/usr/bin/env bash
# Prints (last line of stdout) a folder that holds only the `uv` executable, at the pinned version (the first
# argument, default below), installed from PyPI through pip into .cache/tools-uv-<version>. Only `uv` goes on
# PATH, not the helper venv's python, which uv would otherwise pick as the projects' interpreter.
# Used by the Nx e2e tests (uv runs every Nx target) and the matrix's Dockerfile test (the image builds with uv);
# the generated Dockerfile pins the same version, and the matrix checks it.
set -euo pipefail

version="${1:-0.13.9}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Resolved physically (see ensure-venv.sh): the venv's scripts carry this path.
mkdir -p "$repo/.cache"
cache="$(cd "$repo/.cache" && pwd -P)"
dir="$cache/tools-uv-$version"
mkdir -p "$cache"
exec 8>"$cache/tools-uv.lock"
flock 8
if [[ ! -f "$dir/.complete" ]]; then
    printf 'ensure-uv: installing uv %s from PyPI into %s\n' "$version" "$dir" >&2
    rm -rf "$dir"
    python3 -m venv "$dir"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$dir/bin/pip" install -q "uv==$version" >&2
    touch "$dir/.complete"
fi
exec 8>&-
mkdir -p "$dir/path"
ln -sf "$dir/bin/uv" "$dir/path/uv"
printf '%s\n' "$dir/path"
