#!/usr/bin/env bash
# The npm package's tests: type check of the shim (tsc --checkJs), unit tests (node --test), and the
# end-to-end run in a real Nx workspace built from nothing in a temp folder:
#   npm init -y; npm i -D nx@24.0.6 @nx/devkit@24.0.0 <the two tarballs of npm/scripts/pack.sh>; nx.json
# then tests/nx/e2e/*.test.js with the daemon off and no TTY.
#
#   tests/nx/run.sh                 everything
#   tests/nx/run.sh --e2e           only the end-to-end run
#   tests/nx/run.sh --unit          only the type check and unit tests
#
# Environment:
#   PYTHON_DDD_PACK_PROFILE  cargo profile of the packed binary (default: release, what ships)
#   PYTHON_DDD_E2E_KEEP=1    keep the temp workspace (its path is printed)
#   PYTHON_DDD_E2E_VENV      use this venv instead of tests/support/ensure-venv.sh (`none`: skip nx test/lint);
#                            PYTHON_DDD_VENV (set by tests/run-all.sh) is used the same way
#   PYTHON_DDD_E2E_WS        reuse a workspace kept by an earlier run (no pack, no install; harness development)
# Needs only node/npm, cargo, and (for `nx test`/`nx lint`) python3; npm's own cache makes reruns fast.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
log() { printf 'tests/nx: %s\n' "$*" >&2; }

unit=1 e2e=1
case "${1:-}" in
  --e2e) unit=0 ;;
  --unit) e2e=0 ;;
  "") ;;
  *) echo "usage: tests/nx/run.sh [--unit|--e2e]" >&2; exit 2 ;;
esac

NX_VERSION=24.0.6
DEVKIT_VERSION=24.0.0
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false npm_config_fund=false npm_config_audit=false \
  npm_config_update_notifier=false

if (( unit )); then
  log "type check and unit tests"
  if [[ ! -x "$here/node_modules/.bin/tsc" ]]; then
    (cd "$here" && npm ci --prefer-offline --silent) >&2
  fi
  (cd "$here" && node_modules/.bin/tsc -p tsconfig.json)
  (cd "$here" && node --test --test-reporter=spec unit/ </dev/null)
fi

(( e2e )) || exit 0

if [[ -n "${PYTHON_DDD_E2E_WS:-}" ]]; then
  ws="$PYTHON_DDD_E2E_WS"
  log "reusing $ws"
  git -C "$ws" clean -qfdx -e node_modules -e .nx && git -C "$ws" checkout -q .
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/python-ddd-nx-e2e.XXXXXX")"
  if [[ "${PYTHON_DDD_E2E_KEEP:-}" == 1 ]]; then
    log "keeping $work"
  else
    trap 'rm -rf "$work"' EXIT
  fi

  log "packing (profile ${PYTHON_DDD_PACK_PROFILE:-release})"
  mapfile -t tarballs < <("$repo/npm/scripts/pack.sh" --profile "${PYTHON_DDD_PACK_PROFILE:-release}" "$work/tarballs")
  [[ ${#tarballs[@]} -eq 2 ]] || { log "pack.sh printed ${#tarballs[@]} tarballs, expected 2"; exit 1; }
  printf '  %s\n' "${tarballs[@]}" >&2

  log "workspace $work/ws: nx@$NX_VERSION @nx/devkit@$DEVKIT_VERSION + the tarballs"
  mkdir -p "$work/ws"
  (
    cd "$work/ws"
    npm init -y >/dev/null
    printf '{\n  "analytics": false\n}\n' > nx.json
    npm install --save-dev --save-exact --prefer-offline --no-audit --no-fund --loglevel=error \
      "nx@$NX_VERSION" "@nx/devkit@$DEVKIT_VERSION" "${tarballs[@]}" </dev/null >&2
    printf 'node_modules/\n.nx/\n' > .gitignore
    # A commit lets PYTHON_DDD_E2E_WS reuse the workspace later (git clean); the tests do not need git.
    if command -v git >/dev/null; then
      git init -q . && git add -A && git -c user.name=e2e -c user.email=e2e@invalid commit -qm workspace
    fi
  )
  ws="$work/ws"
fi

venv="${PYTHON_DDD_E2E_VENV:-${PYTHON_DDD_VENV:-}}"
if [[ -z "$venv" ]]; then
  log "Python venv (tests/support/ensure-venv.sh)"
  venv="$(PYTHON_DDD_BINARY="$ws/node_modules/@vibes/python-ddd-linux-x64/bin/python-ddd" \
    "$repo/tests/support/ensure-venv.sh" | tail -1)" || { log "tests/support/ensure-venv.sh failed"; exit 1; }
elif [[ "$venv" == none ]]; then
  log "PYTHON_DDD_E2E_VENV=none: the nx test / nx lint test is skipped"
  venv=""
fi

log "end-to-end tests"
PYTHON_DDD_E2E_WS="$ws" PYTHON_DDD_E2E_VENV="$venv" \
  node --test --test-reporter=spec --test-concurrency=1 "$here/e2e/" </dev/null
