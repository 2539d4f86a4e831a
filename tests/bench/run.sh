#!/usr/bin/env bash
# python-ddd beside its peers, measured in one run (see docs/benchmarks.md).
#
#   tests/bench/run.sh            full run: prints the tables and rewrites docs/benchmarks.md
#   tests/bench/run.sh --smoke    one run each, tiny sizes (tests/run-all.sh runs this); writes no docs
#   tests/bench/run.sh --no-docs  full run, docs/benchmarks.md left alone
#   tests/bench/run.sh -- --only scale --sizes 10,100   anything after `--` goes to tests/bench/bench.py
#
# Steps: builds the release binary and both npm tarballs (npm/scripts/pack.sh; `cargo build --release --locked -p
# python-ddd` when pack.sh is absent), installs the pinned peers once into .cache/bench/ (git-ignored): a venv with
# cookiecutter, copier and uv, and an Nx workspace with nx, @nx/devkit and @nxlv/python, into which our tarballs are
# unpacked on every run. Then tests/bench/bench.py measures. A peer that cannot be installed fails the run loudly.
#
# Needs: cargo, python3, node, npm and valgrind (the instruction budget, checked by both runs); a full run also
# hyperfine and GNU time (Debian: apt-get install -y hyperfine time), which the smoke run does without (Python's
# perf_counter and wait4's peak RSS).
set -euo pipefail
exec </dev/null

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="$repo/.cache/bench"
log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Pinned peers (changing one rebuilds its cache folder).
COOKIECUTTER_VERSION=2.7.1
COPIER_VERSION=9.19.1
UV_VERSION=0.13.9
NX_VERSION=24.0.6
DEVKIT_VERSION=24.0.0
NXLV_PYTHON_VERSION=23.1.1

smoke=0 docs=1 extra=()
while (($#)); do
  case "$1" in
    --smoke) smoke=1; docs=0 ;;
    --no-docs) docs=0 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
  shift
done

# The smoke run times with Python and reads peak RSS from wait4, so a fresh machine needs no extra tool for it.
# valgrind counts the instructions of a generation, whose budget both runs check (issue 15).
tools=(cargo python3 node npm valgrind)
((smoke)) || tools+=(hyperfine /usr/bin/time)
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || die "$tool is missing (valgrind, hyperfine and GNU time: apt-get install -y valgrind hyperfine time)"
done
mkdir -p "$cache"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

# --- the binary and the tarballs -----------------------------------------------------------------------------------
tarballs=()
if [[ -x "$repo/npm/scripts/pack.sh" ]]; then
  log "npm/scripts/pack.sh (release build + tarballs)"
  rm -rf "$cache/tarballs"
  mapfile -t tarballs < <("$repo/npm/scripts/pack.sh" --profile release "$cache/tarballs")
  [[ ${#tarballs[@]} -eq 2 ]] || die "npm/scripts/pack.sh printed ${#tarballs[@]} tarballs, expected 2"
else
  log "cargo build --release --locked -p python-ddd (npm/scripts/pack.sh is absent: the plugin is linked from npm/)"
  cargo build --release --locked -p python-ddd >&2
fi
binary="${CARGO_TARGET_DIR:-$repo/target}/release/python-ddd"
[[ -x "$binary" ]] || die "no release binary at $binary"

# --- the Python peers ------------------------------------------------------------------------------------------------
py_key="$(python3 -c 'import sys; print(*sys.version_info[:3])') cookiecutter==$COOKIECUTTER_VERSION copier==$COPIER_VERSION uv==$UV_VERSION"
venv="$cache/venv-$(printf '%s' "$py_key" | sha256sum | cut -c1-12)"
# A venv's scripts name its interpreter by absolute path: a cache copied or moved from elsewhere (a CI checkout at
# another path) holds scripts that cannot start. Such a venv is rebuilt, not trusted because it is complete.
venv_runs() {
  local tool
  for tool in cookiecutter copier uv; do
    "$venv/bin/$tool" --version >/dev/null 2>&1 || return 1
  done
}
exec 8>"$venv.lock"
flock 8
if [[ ! -f "$venv/.complete" ]] || ! venv_runs; then
  log "installing cookiecutter==$COOKIECUTTER_VERSION copier==$COPIER_VERSION uv==$UV_VERSION into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q "cookiecutter==$COOKIECUTTER_VERSION" "copier==$COPIER_VERSION" \
    "uv==$UV_VERSION" >&2 || { rm -rf "$venv"; die "pip could not install the Python peers"; }
  touch "$venv/.complete"
fi
flock -u 8
venv_runs || die "the Python peers in $venv do not run"

# --- the Nx workspace ------------------------------------------------------------------------------------------------
nx_key="node $(node --version) nx@$NX_VERSION @nx/devkit@$DEVKIT_VERSION @nxlv/python@$NXLV_PYTHON_VERSION"
ws="$cache/nx-$(printf '%s' "$nx_key" | sha256sum | cut -c1-12)"
exec 9>"$ws.lock"
flock 9
if [[ ! -f "$ws/.complete" ]]; then
  log "installing $nx_key into $ws"
  rm -rf "$ws"
  mkdir -p "$ws"
  (
    cd "$ws"
    npm init -y >/dev/null
    printf '{\n  "analytics": false\n}\n' > nx.json
    npm install --save-dev --save-exact --prefer-offline --no-audit --no-fund --loglevel=error \
      "nx@$NX_VERSION" "@nx/devkit@$DEVKIT_VERSION" "@nxlv/python@$NXLV_PYTHON_VERSION" >&2
  ) || { rm -rf "$ws"; die "npm could not install the Nx peers"; }
  touch "$ws/.complete"
fi
# Our plugin, fresh on every run: the tarballs unpacked where npm would put them (neither has dependencies of its
# own beyond the platform package), or, without pack.sh, npm/ linked as a `file:` dependency would be.
rm -rf "$ws/node_modules/@vibes"
mkdir -p "$ws/node_modules/@vibes"
if ((${#tarballs[@]})); then
  for tarball in "${tarballs[@]}"; do
    name="$(tar -xzOf "$tarball" package/package.json | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8")).name)')"
    mkdir -p "$ws/node_modules/$name"
    tar -xzf "$tarball" -C "$ws/node_modules/$name" --strip-components=1
  done
  [[ -x "$ws/node_modules/@vibes/python-ddd-$(node -p 'process.platform + "-" + process.arch')/bin/python-ddd" ]] \
    || die "the platform tarball holds no executable bin/python-ddd"
else
  ln -s "$repo/npm" "$ws/node_modules/@vibes/python-ddd"
  export PYTHON_DDD_BINARY_FOR_NX="$binary"
fi
flock -u 9

# --- measure ---------------------------------------------------------------------------------------------------------
args=(--binary "$binary" --venv "$venv" --nx-workspace "$ws" --results "$cache/results.md")
((smoke)) && args+=(--smoke)
((docs)) && args+=(--docs "$repo/docs/benchmarks.md" --remains "$here/remains.md")
exec python3 "$here/bench.py" "${args[@]}" "${extra[@]}"
