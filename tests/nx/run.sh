#!/usr/bin/env bash
# The npm package's tests: type check of the shim (tsc --checkJs), unit tests (node --test), and the
# end-to-end runs in real Nx workspaces built from nothing in a temp folder, one per (package manager, Nx version):
#
#   npm  + Nx 24 (newest)   full: generator behaviour (domain.e2e), every target through uv with the cache (targets.e2e),
#                           generation + graph + migrations (compat.e2e)
#   pnpm + Nx 24            full: targets.e2e, compat.e2e
#   Nx 20 (npm), 21 (pnpm), 22 (npm), 23 (pnpm)   compat.e2e only (generation, graph, sync, inference,
#                           migrations), to keep CI time in check; PYTHON_DDD_NX_COMBOS=all runs them under both
#
# Each workspace: `npm init -y` / `pnpm init`, nx.json, `<pm> add -D nx@V <the two tarballs of npm/scripts/pack.sh>`.
# The generated targets run their tools through `uv run`; a fresh machine has no uv, so it is installed from PyPI
# (pip, pinned) into .cache/ and put on PATH, like a user who ran uv's installer. pnpm comes from npm into .cache/.
#
#   tests/nx/run.sh                 everything
#   tests/nx/run.sh --e2e           only the end-to-end runs
#   tests/nx/run.sh --unit          only the type check and unit tests
#
# Environment:
#   PYTHON_DDD_PACK_PROFILE  cargo profile of the packed binary (default: release, what ships)
#   PYTHON_DDD_NX_COMBOS     the combinations to run, e.g. "npm:24.0.6:full pnpm:22.6.1:compat", or "all" (ten)
#   PYTHON_DDD_E2E_KEEP=1    keep the temp workspaces (their paths are printed)
#   PYTHON_DDD_E2E_WS        reuse one workspace kept by an earlier run (no pack, no install; harness development);
#                            with PYTHON_DDD_E2E_PM (npm|pnpm), PYTHON_DDD_E2E_NX (its Nx version), PYTHON_DDD_E2E_SUITE
# Needs only node/npm, cargo and python3 (with pip, to install uv); uv downloads from PyPI into .cache/uv.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="$repo/.cache"
log() { printf 'tests/nx: %s\n' "$*" >&2; }
elapsed() { printf '%ds' $((SECONDS - $1)); }

unit=1 e2e=1
case "${1:-}" in
  --e2e) unit=0 ;;
  --unit) e2e=0 ;;
  "") ;;
  *) echo "usage: tests/nx/run.sh [--unit|--e2e]" >&2; exit 2 ;;
esac

# The newest patch of each tested Nx major (npm/package.json's peerDependencies states the same range).
NX_NEWEST=24.0.6
DEVKIT_VERSION=24.0.0
NX_OLDER=(20.8.4 21.6.11 22.6.1 23.3.2)
UV_VERSION=0.13.9
PNPM_VERSION=12.21.0
# CI (the default) covers each older major once, alternating package managers, to stay within its time budget;
# PYTHON_DDD_NX_COMBOS=all runs the older majors under both.
all_combos="npm:$NX_NEWEST:full pnpm:$NX_NEWEST:full"
for v in "${NX_OLDER[@]}"; do all_combos+=" npm:$v:compat pnpm:$v:compat"; done
default_combos="npm:$NX_NEWEST:full pnpm:$NX_NEWEST:full"
pms=(npm pnpm)
for i in "${!NX_OLDER[@]}"; do default_combos+=" ${pms[i % 2]}:${NX_OLDER[i]}:compat"; done
# What is tested is what the package promises: its nx peer range spans exactly these majors.
peer="$(node -p "require('$repo/npm/package.json').peerDependencies.nx")"
if [[ "$peer" != ">=${NX_OLDER[0]%%.*}.0.0 <$(( ${NX_NEWEST%%.*} + 1 )).0.0" ]]; then
  log "error: npm/package.json's nx peer range ($peer) is not the tested majors ${NX_OLDER[0]%%.*}..${NX_NEWEST%%.*}"
  exit 1
fi
combos_spec="${PYTHON_DDD_NX_COMBOS:-$default_combos}"
[[ "$combos_spec" == all ]] && combos_spec="$all_combos"
read -r -a combos <<<"$combos_spec"

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false npm_config_fund=false npm_config_audit=false \
  npm_config_update_notifier=false
started=$SECONDS

if (( unit )); then
  t=$SECONDS
  log "type check and unit tests"
  if [[ ! -x "$here/node_modules/.bin/tsc" ]]; then
    (cd "$here" && npm ci --prefer-offline --silent) >&2
  fi
  (cd "$here" && node_modules/.bin/tsc -p tsconfig.json)
  (cd "$here" && node --test --test-reporter=spec unit/ </dev/null)
  log "unit: $(elapsed "$t")"
fi

(( e2e )) || exit 0

# uv, pinned (tests/support/ensure-uv.sh: only the `uv` executable goes on PATH).
ensure_uv() {
  "$repo/tests/support/ensure-uv.sh" "$UV_VERSION" | tail -n 1
}

ensure_pnpm() {
  local dir="$cache/tools-pnpm-$PNPM_VERSION"
  if [[ ! -x "$dir/node_modules/.bin/pnpm" ]]; then
    log "installing pnpm $PNPM_VERSION into $dir"
    npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "pnpm@$PNPM_VERSION" >&2
  fi
  printf '%s\n' "$dir/node_modules/.bin"
}

mkdir -p "$cache"
t=$SECONDS
uv_path="$(ensure_uv)"
pnpm_path="$(ensure_pnpm)"
export PATH="$uv_path:$pnpm_path:$PATH"
# uv's downloads and built wheels are shared by every run; uv never fetches a Python (the machine's python3 is used).
export UV_CACHE_DIR="$cache/uv" UV_PYTHON_DOWNLOADS=never
log "tools: uv $(uv --version | cut -d' ' -f2), pnpm $(pnpm --version) ($(elapsed "$t"))"

# One workspace for a package manager and an Nx version. pnpm 10+ refuses nx's postinstall script unless allowed
# (`pnpm add` exits 1 with ERR_PNPM_IGNORED_BUILDS): pnpm-workspace.yaml allows it, as the README tells users.
make_ws() {
  local pm="$1" nx="$2" ws="$3"; shift 3
  local deps=("nx@$nx")
  [[ "$nx" == "$NX_NEWEST" ]] && deps+=("@nx/devkit@$DEVKIT_VERSION")
  mkdir -p "$ws"
  (
    cd "$ws"
    printf '{\n  "analytics": false\n}\n' > nx.json
    printf 'node_modules/\n.nx/\n' > .gitignore
    if [[ "$pm" == pnpm ]]; then
      printf '{\n  "name": "ws",\n  "version": "1.0.0",\n  "private": true\n}\n' > package.json
      printf 'allowBuilds:\n  nx: true\n' > pnpm-workspace.yaml
      pnpm add --save-dev --save-exact --prefer-offline --loglevel=error --store-dir "$cache/pnpm-store" "${deps[@]}" "$@" </dev/null >&2
    else
      npm init -y >/dev/null
      npm install --save-dev --save-exact --prefer-offline --no-audit --no-fund --loglevel=error \
        "${deps[@]}" "$@" </dev/null >&2
    fi
    # A commit lets PYTHON_DDD_E2E_WS reuse the workspace later (git clean); the tests do not need git.
    if command -v git >/dev/null; then
      git init -q . && git add -A && git -c user.name=e2e -c user.email=e2e@invalid commit -qm workspace
    fi
  )
}

run_suite() {
  local pm="$1" nx="$2" suite="$3" ws="$4"
  local files=("$here/e2e/compat.e2e.test.js")
  if [[ "$suite" == full ]]; then
    [[ "$pm" == npm ]] && files=("$here/e2e/domain.e2e.test.js" "${files[@]}")
    files+=("$here/e2e/targets.e2e.test.js")
  fi
  # One node process per file, in this order: domain.e2e needs the workspace untouched, targets.e2e the contexts
  # compat.e2e generated (node --test would not keep the order).
  local file status=0
  for file in "${files[@]}"; do
    PYTHON_DDD_E2E_WS="$ws" PYTHON_DDD_E2E_PM="$pm" PYTHON_DDD_E2E_NX="$nx" PYTHON_DDD_E2E_SUITE="$suite" \
      node --test --test-reporter=spec --test-concurrency=1 "$file" </dev/null || status=1
  done
  return "$status"
}

if [[ -n "${PYTHON_DDD_E2E_WS:-}" ]]; then
  ws="$PYTHON_DDD_E2E_WS"
  log "reusing $ws"
  git -C "$ws" clean -qfdx -e node_modules -e .nx && git -C "$ws" checkout -q .
  run_suite "${PYTHON_DDD_E2E_PM:-npm}" "${PYTHON_DDD_E2E_NX:-$NX_NEWEST}" "${PYTHON_DDD_E2E_SUITE:-full}" "$ws"
  exit 0
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/python-ddd-nx-e2e.XXXXXX")"
if [[ "${PYTHON_DDD_E2E_KEEP:-}" == 1 ]]; then
  log "keeping $work"
else
  trap 'rm -rf "$work"' EXIT
fi

t=$SECONDS
log "packing (profile ${PYTHON_DDD_PACK_PROFILE:-release})"
mapfile -t tarballs < <("$repo/npm/scripts/pack.sh" --profile "${PYTHON_DDD_PACK_PROFILE:-release}" "$work/tarballs")
[[ ${#tarballs[@]} -eq 2 ]] || { log "pack.sh printed ${#tarballs[@]} tarballs, expected 2"; exit 1; }
printf '  %s\n' "${tarballs[@]}" >&2
log "pack: $(elapsed "$t")"

failed=()
for combo in "${combos[@]}"; do
  IFS=: read -r pm nx suite <<<"$combo"
  ws="$work/ws-$pm-$nx"
  t=$SECONDS
  log "[$combo] workspace $ws: $pm add nx@$nx + the tarballs"
  make_ws "$pm" "$nx" "$ws" "${tarballs[@]}"
  log "[$combo] installed in $(elapsed "$t")"
  t=$SECONDS
  if run_suite "$pm" "$nx" "$suite" "$ws"; then
    log "[$combo] passed in $(elapsed "$t")"
  else
    log "[$combo] FAILED after $(elapsed "$t")"
    failed+=("$combo")
  fi
done

log "e2e total $(elapsed "$started") for ${#combos[@]} combination(s)"
if (( ${#failed[@]} )); then
  log "failed: ${failed[*]}"
  exit 1
fi
