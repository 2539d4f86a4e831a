#!/usr/bin/env bash
# The OpenAPI fuzzer against the generated API (issue 10, item 2): for each case below, generate a context, serve it
# with a real uvicorn on 127.0.0.1 and run schemathesis with every check (`--checks all`) and every phase (examples,
# coverage, fuzzing, stateful). A case passes only with 0 failures, 0 errors and no server error in the server's log.
#
#   tests/fuzz/run.sh                 every case, bounded (what CI runs: a few minutes)
#   tests/fuzz/run.sh --full          ten times the examples per operation
#   tests/fuzz/run.sh default-sqlite  only the named cases (see `cases` below)
#
# Environment:
#   PYTHON_DDD_BINARY        the generator (default: target/debug/python-ddd)
#   PYTHON_DDD_VENV          the venv with the generated project's pins (tests/support/ensure-venv.sh) that serves it
#   PYTHON_DDD_PG_DIR        the throwaway PostgreSQL's state folder (tests/support/postgres.sh): needed by the
#                            `*-postgres` cases, which fail (not skip) without it
#   PYTHON_DDD_FUZZ_SEED     schemathesis' seed (default 20261129): a failure prints the seed and the case to rerun
#   PYTHON_DDD_FUZZ_EXAMPLES examples per operation and phase (default 25; --full: 250)
#   PYTHON_DDD_FUZZ_KEEP=1   keep the generated workspaces, server logs and reports (printed at the end)
#
# schemathesis runs from its own venv, .cache/fuzz-venv-<hash of tests/fuzz/requirements.txt and the interpreter>,
# built here when missing. One worker, a fixed seed and no example database: the same
# seed sends the same requests.
set -euo pipefail
exec </dev/null

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
binary="${PYTHON_DDD_BINARY:-$repo/target/debug/python-ddd}"
seed="${PYTHON_DDD_FUZZ_SEED:-20261129}"
examples="${PYTHON_DDD_FUZZ_EXAMPLES:-}"
full=0
log() { printf 'fuzz: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Every field kind, required and optional, as in the matrix's `every-kind` spec (tests/matrix/harness.py).
every_kind="label:str,quantity:int,gift:bool,weight:decimal,placed_at:datetime,due_on:date,customer_id:uuid"
every_kind+=",contact:email,price:money,priority:enum(low|normal|high),nickname:str?,retries:int?,express:bool?"
every_kind+=",rate:decimal?,shipped_at:datetime?,delivered_on:date?,tracking_id:uuid?,backup_email:email?"
every_kind+=",discount:money?,channel:enum(web|phone|in_store)?"

# name → "<backend> <generator arguments…>"; backend: sqlite, postgres or memory.
declare -A cases=(
    [default-sqlite]="sqlite"
    [default-postgres]="postgres"
    [default-memory]="memory --persistence memory"
    [every-kind-sqlite]="sqlite --fields $every_kind"
    [every-kind-postgres]="postgres --fields $every_kind"
    [every-kind-memory]="memory --persistence memory --fields $every_kind"
)
order=(default-sqlite default-postgres default-memory every-kind-sqlite every-kind-postgres every-kind-memory)

selected=()
for arg in "$@"; do
    case "$arg" in
        --full) full=1 ;;
        -*) die "unknown option $arg (known: --full)" ;;
        *) [[ -n "${cases[$arg]:-}" ]] || die "unknown case '$arg' (known: ${order[*]})"; selected+=("$arg") ;;
    esac
done
((${#selected[@]})) || selected=("${order[@]}")
[[ -n "$examples" ]] || { ((full)) && examples=250 || examples=25; }

[[ -x "$binary" ]] || die "$binary is not executable (cargo build first, or set PYTHON_DDD_BINARY)"
[[ -n "${PYTHON_DDD_VENV:-}" && -x "$PYTHON_DDD_VENV/bin/uvicorn" ]] \
    || die "PYTHON_DDD_VENV must be the generated project's venv (venv=\"\$(tests/support/ensure-venv.sh | tail -n 1)\")"
venv="$PYTHON_DDD_VENV"

# --- schemathesis' own venv -------------------------------------------------------------------------------------
requirements="$repo/tests/fuzz/requirements.txt"
py_version="$(python3 -c 'import sys; print(sys.implementation.name, *sys.version_info[:3])')"
mkdir -p "$repo/.cache"
# Resolved physically (see tests/support/ensure-venv.sh): the venv's scripts carry this path.
fuzz_venv="$(cd "$repo/.cache" && pwd -P)/fuzz-venv-$( { printf '%s\n' "$py_version"; cat "$requirements"; } | sha256sum | cut -c1-16)"
exec 9>"$fuzz_venv.lock"
flock 9
if [[ ! -e "$fuzz_venv/.complete" ]]; then
    log "building $fuzz_venv"
    rm -rf "$fuzz_venv"
    python3 -m venv "$fuzz_venv"
    "$fuzz_venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$requirements" >&2 \
        || { rm -rf "$fuzz_venv"; die "pip install -r tests/fuzz/requirements.txt failed"; }
    touch "$fuzz_venv/.complete"
fi
flock -u 9

work="$(mktemp -d "${TMPDIR:-/tmp}/python-ddd-fuzz.XXXXXX")"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    if [[ "${PYTHON_DDD_FUZZ_KEEP:-}" == 1 ]]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() { "$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_until_serving() {
    local url="$1" deadline=$((SECONDS + 30))
    until "$venv/bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "$url" \
        2>/dev/null; do
        kill -0 "$server_pid" 2>/dev/null || return 1
        ((SECONDS < deadline)) || return 1
        sleep 0.3
    done
}

# run_case NAME: generate, migrate, serve, fuzz; returns non-zero on any failure.
run_case() {
    local name="$1" spec backend dir context port url started=$SECONDS status=0
    read -r backend spec <<<"${cases[$name]} "
    dir="$work/$name"
    mkdir -p "$dir"
    local args=()
    # shellcheck disable=SC2206 # the generator arguments are words without spaces
    [[ -z "${spec// /}" ]] || args=($spec)
    "$binary" generate domain orders --root "$dir/ws" "${args[@]}" >"$dir/generate.log" 2>&1 \
        || { cat "$dir/generate.log" >&2; log "$name: generating failed"; return 1; }
    context="$dir/ws/libs/orders"

    local env=(PYTHONPATH="$context/domain:$context/application:$context/infrastructure:$context/interface")
    case "$backend" in
        sqlite) env+=(ORDERS_DATABASE_URL="sqlite+aiosqlite:///$dir/fuzz.db") ;;
        postgres)
            [[ -n "${PYTHON_DDD_PG_DIR:-}" ]] \
                || { log "$name: needs the throwaway PostgreSQL (PYTHON_DDD_PG_DIR; tests/run-all.sh fuzz starts it)"; return 1; }
            env+=(ORDERS_DATABASE_URL="$(tests/support/postgres.sh createdb "fuzz_${name//-/_}" | tail -n 1)") ;;
        memory) ;;
    esac
    if [[ "$backend" != memory ]]; then
        (cd "$context" && env "${env[@]}" "$venv/bin/alembic" upgrade head) >"$dir/migrate.log" 2>&1 \
            || { cat "$dir/migrate.log" >&2; log "$name: alembic upgrade head failed"; return 1; }
    fi

    port="$(free_port)"
    url="http://127.0.0.1:$port"
    (cd "$context" && exec env "${env[@]}" "$venv/bin/uvicorn" orders_api.main:app --host 127.0.0.1 --port "$port" \
        --log-level warning) >"$dir/server.log" 2>&1 &
    server_pid=$!
    if ! wait_until_serving "$url/health"; then
        cat "$dir/server.log" >&2
        log "$name: uvicorn did not serve $url/health within 30 s"
        return 1
    fi

    (cd "$dir" && exec nice "$fuzz_venv/bin/schemathesis" --config-file "$repo/tests/fuzz/schemathesis.toml" \
        run "$url/openapi.json" \
        --checks all --phases examples,coverage,fuzzing,stateful \
        --seed "$seed" --max-examples "$examples" --workers 1 \
        --generation-database none --request-timeout 10 --no-color) >"$dir/schemathesis.log" 2>&1 || status=$?

    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""

    # A 500 that the catch-all handler turned into a clean problem is still a bug: its traceback is in the log.
    if grep -qE '^(Traceback|ERROR)' "$dir/server.log"; then
        log "$name: the server logged errors:"
        grep -B2 -A30 -E '^(Traceback|ERROR)' "$dir/server.log" | head -n 80 >&2
        ((status)) || status=1
    fi
    if ((status)); then
        cat "$dir/schemathesis.log"
        log "$name: FAILED after $((SECONDS - started)) s (schemathesis exit $status)"
        log "  rerun: PYTHON_DDD_FUZZ_SEED=$seed PYTHON_DDD_FUZZ_EXAMPLES=$examples tests/run-all.sh fuzz  (or, with" \
            "PYTHON_DDD_VENV and PYTHON_DDD_PG_DIR set: tests/fuzz/run.sh $name); each failure above has its curl line"
        return 1
    fi
    log "$name: 0 failures ($(grep -oE '[0-9]+ generated' "$dir/schemathesis.log" | head -n 1 || echo '? generated')," \
        "$((SECONDS - started)) s)"
}

log "seed $seed, $examples examples per operation and phase, cases: ${selected[*]}"
failed=()
for name in "${selected[@]}"; do
    run_case "$name" || failed+=("$name")
done
if ((${#failed[@]})); then
    log "FAILED: ${failed[*]} (seed $seed)"
    exit 1
fi
log "all ${#selected[@]} case(s) passed (seed $seed)"
