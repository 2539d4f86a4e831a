#!/usr/bin/env bash
# python-ddd: every test, in order, failing on the first failure. This is the README's test command and what CI
# runs (.ci/run).
#
#   tests/run-all.sh                 everything
#   tests/run-all.sh matrix nx       only these sections (plus build, and venv/postgres/redis when a later section needs them)
#
# Sections: prereqs (always first: tests/support/prereqs.sh), build, fmt, cargo-test, clippy, schema, venv, postgres, redis, rabbitmq, matrix, fuzz, names, nx, bench, snapshots.
# Environment: PYTHON_DDD_MATRIX_ARGS (extra pytest arguments for the matrix, e.g. "-k memory -x"),
# PYTHON_DDD_MATRIX_JOBS (parallel matrix jobs, default: CPU count), PYTHON_DDD_FUZZ_SEED / PYTHON_DDD_FUZZ_EXAMPLES /
# PYTHON_DDD_FUZZ_FULL=1 (the fuzz section: see tests/fuzz/run.sh).
#
# Prints a header and the time of each section, and ends with `python-ddd: N passed, 0 failed` only when every
# section passed; otherwise names the failed section and exits non-zero.
set -euo pipefail
exec </dev/null

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

all_sections=(build fmt cargo-test clippy schema venv postgres redis rabbitmq matrix fuzz names nx bench snapshots)
if (($#)); then
    selected=(build "$@")
    for s in "$@"; do
        [[ " ${all_sections[*]} " == *" $s "* ]] || { echo "run-all.sh: unknown section '$s' (known: ${all_sections[*]})" >&2; exit 2; }
    done
else
    selected=("${all_sections[@]}")
fi
wants() { [[ " ${selected[*]} " == *" $1 "* ]]; }

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export PYTHON_DDD_BINARY="${PYTHON_DDD_BINARY:-$repo/target/debug/python-ddd}"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

passed=0
skipped=()
timings=()
run_started=$SECONDS
current=""
services=()

summary_table() {
    local t
    echo "---- section timings ----"
    for t in "${timings[@]}"; do echo "  $t"; done
    echo "  total: $((SECONDS - run_started)) s"
}

on_exit() {
    local code=$?
    local service
    for service in "${services[@]}"; do
        # shellcheck disable=SC2086 # the entry is `name DIR_VAR dir`, split into arguments
        stop_service $service
    done
    if ((code != 0)); then
        echo
        summary_table
        echo "python-ddd: FAILED in section '${current:-?}' (exit $code) after $passed passed section(s)"
    fi
    exit "$code"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# section NAME COMMAND...: runs COMMAND under a header, times it, stops everything on failure.
section() {
    local name="$1" started
    shift
    current="$name"
    started=$SECONDS
    printf '\n==================== %s ====================\n' "$name"
    "$@"
    local took=$((SECONDS - started))
    timings+=("$(printf '%-11s %5d s  ok' "$name" "$took")")
    printf -- '---- %s: ok (%d s)\n' "$name" "$took"
    passed=$((passed + 1))
    current=""
}

skip() {
    local name="$1" why="$2"
    printf '\n==================== %s ====================\n' "$name"
    printf -- '---- %s: SKIPPED (%s)\n' "$name" "$why"
    timings+=("$(printf '%-11s     - s  skipped: %s' "$name" "$why")")
    skipped+=("$name")
}

# Cargo prints each crate it compiles: the first build takes minutes on 2 cores, and shows it.
do_build() { limit 1800 cargo build --locked --workspace; }
# limit SECONDS COMMAND...: a hung section fails with a message instead of running into CI's 90-minute limit.
limit() {
    local seconds="$1" code=0
    shift
    timeout --kill-after=30 "$seconds" "$@" || code=$?
    if ((code == 124 || code == 137)); then
        echo "run-all.sh: \`$*\` did not finish within $seconds s" >&2
    fi
    return "$code"
}

do_fmt() { limit 300 cargo fmt --all --check; }
# The snapshot tests of generated trees run last, in their own section (see do_snapshots).
do_cargo_test() { limit 1800 cargo test --locked --workspace -- --skip snapshot_; }
do_clippy() { limit 1800 cargo clippy --locked --workspace --all-targets -- -D warnings; }

# The committed schemas must be what the binary generates (cargo test checks this too; this is the CLI's view).
do_schema() {
    if "$PYTHON_DDD_BINARY" schema --help 2>/dev/null | grep -q -- '--check'; then
        "$PYTHON_DDD_BINARY" schema --check
        return
    fi
    local file generator status=0 found=0
    for file in schemas/*.schema.json; do
        [[ -f "$file" ]] || continue
        found=1
        generator="$(basename "$file" .schema.json)"
        if ! diff -u --label "committed $file" --label "python-ddd schema $generator" \
            "$file" <("$PYTHON_DDD_BINARY" schema "$generator"); then
            echo "schema: $file is stale; rewrite it with: cargo run -p python-ddd -- schema --write schemas" >&2
            status=1
        else
            echo "schema: $file is fresh"
        fi
    done
    ((found)) || { echo "schema: no schemas/*.schema.json committed" >&2; return 1; }
    return "$status"
}

do_venv() {
    venv="$(tests/support/ensure-venv.sh | tail -n 1)"
    [[ -x "$venv/bin/python" ]] || { echo "ensure-venv.sh printed no venv" >&2; return 1; }
    export PYTHON_DDD_VENV="$venv"
    echo "venv: $venv"
    "$venv/bin/python" -m pip list --format=freeze 2>/dev/null | grep -iE '^(ruff|mypy|pytest|import-linter|sqlalchemy|fastapi|pydantic)==' | tr '\n' ' '
    echo
}

# Throwaway servers (tests/support/<name>.sh) for the generated projects' tests, each in its own temporary folder,
# which the script and the matrix harness find through DIR_VAR; the URL (the script's last line) is exported as
# URL_VAR for the generated tests when given. Each started server (`services`, set up top) is stopped on exit.
start_service() {
    local name="$1" dir_var="$2" url_var="${3:-}" dir url
    dir="$(mktemp -d "${TMPDIR:-/tmp}/python-ddd-$name.XXXXXX")"
    export "$dir_var=$dir"
    services+=("$name $dir_var $dir")
    url="$("tests/support/$name.sh" start | tail -n 1)"
    [[ -z "$url_var" ]] || export "$url_var=$url"
    echo "$name: $url"
}
stop_service() {
    local name="$1" dir_var="$2" dir="$3"
    env "$dir_var=$dir" "tests/support/$name.sh" stop >/dev/null 2>&1 || true
}

do_postgres() { start_service postgres PYTHON_DDD_PG_DIR TEST_DATABASE_URL; }
# The `cache: redis` combinations' cache contract tests (the matrix gives each its own database).
do_redis() { start_service redis PYTHON_DDD_REDIS_DIR TEST_REDIS_URL; }
# The `eventBus: rabbitmq` combinations' tests; the harness reads the broker's URL from the script with the folder.
do_rabbitmq() { start_service rabbitmq PYTHON_DDD_RABBITMQ_DIR; }

do_matrix() {
    local args=()
    # shellcheck disable=SC2206 # word splitting is the point
    [[ -z "${PYTHON_DDD_MATRIX_ARGS:-}" ]] || args=(${PYTHON_DDD_MATRIX_ARGS})
    # The harness keeps itself to a lint standard too (tests/matrix/ruff.toml).
    "$PYTHON_DDD_VENV/bin/ruff" check --no-cache tests/matrix
    "$PYTHON_DDD_VENV/bin/ruff" format --no-cache --check tests/matrix
    (cd tests/matrix && "$PYTHON_DDD_VENV/bin/python" -m pytest "${args[@]}")
}

# schemathesis against the generated API served by uvicorn (tests/fuzz/run.sh): the default and an every-kind context
# on SQLite, PostgreSQL and in memory, a fixed seed and bounded examples; PYTHON_DDD_FUZZ_FULL=1 for ten times more.
do_fuzz() {
    local args=()
    [[ "${PYTHON_DDD_FUZZ_FULL:-}" != 1 ]] || args=(--full)
    limit 1200 tests/fuzz/run.sh "${args[@]}"
}

# The names property test (tests/names, docs/naming.md). hypothesis goes into its own folder under .cache (the shared
# venv holds exactly the generated project's pins), found through PYTHONPATH; its tools are the shared venv's.
# PYTHON_DDD_NAMES_ARGS: extra pytest arguments; PYTHON_DDD_NAMES_FULL=1 and friends: see tests/names/test_names.py.
do_names() {
    local site args=()
    site=".cache/names-site-$(sha256sum tests/names/requirements.txt | cut -c1-16)"
    if [[ ! -e "$site/.complete" ]]; then
        rm -rf "$site"
        "$PYTHON_DDD_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
            --target "$site" -r tests/names/requirements.txt
        touch "$site/.complete"
    fi
    # shellcheck disable=SC2206 # word splitting is the point
    [[ -z "${PYTHON_DDD_NAMES_ARGS:-}" ]] || args=(${PYTHON_DDD_NAMES_ARGS})
    "$PYTHON_DDD_VENV/bin/ruff" check --no-cache tests/names
    "$PYTHON_DDD_VENV/bin/ruff" format --no-cache --check tests/names
    (cd tests/names && PYTHONPATH="$PWD/../../$site" limit 900 "$PYTHON_DDD_VENV/bin/python" -m pytest "${args[@]}")
}

do_nx() { limit 1800 tests/nx/run.sh; }
do_bench() { limit 1200 tests/bench/run.sh --smoke; }

# Snapshots of generated trees (crates/python-ddd-core/tests/snapshots.rs): every template change must come with its
# reviewed snapshot. Last, so that a stale snapshot never hides what the matrix says about the generated code.
do_snapshots() {
    # --workspace: the same feature set as the cargo-test section, so nothing is rebuilt.
    if ! limit 600 cargo test --locked --workspace --test snapshots; then
        echo "snapshots: a generated tree changed; review and accept it with" >&2
        echo "  INSTA_UPDATE=always cargo test -p python-ddd-core --test snapshots && git diff crates/python-ddd-core/tests/snapshots/" >&2
        return 1
    fi
}

# What the selected sections need, checked (and installed from Debian's packages when root) in the first seconds.
do_prereqs() { tests/support/prereqs.sh "${selected[@]}" && tests/support/prereqs-test.sh; }
section prereqs do_prereqs
wants build && section build do_build
if wants fmt; then
    if cargo fmt --version >/dev/null 2>&1; then section fmt do_fmt; else skip fmt "rustfmt is not installed"; fi
fi
wants cargo-test && section cargo-test do_cargo_test
wants clippy && section clippy do_clippy
wants schema && section schema do_schema
if wants venv || wants matrix || wants fuzz || wants names || wants bench; then
    section venv do_venv
fi
if wants postgres || wants matrix || wants fuzz || wants names || wants bench; then
    section postgres do_postgres
fi
if wants redis || wants matrix; then
    section redis do_redis
fi
if wants rabbitmq || wants matrix; then
    section rabbitmq do_rabbitmq
fi
wants matrix && section matrix do_matrix
wants fuzz && section fuzz do_fuzz
wants names && section names do_names
if wants nx; then
    if [[ -x tests/nx/run.sh ]]; then section nx do_nx; else skip nx "tests/nx/run.sh not present"; fi
fi
if wants bench; then
    if [[ -x tests/bench/run.sh ]]; then section bench do_bench; else skip bench "tests/bench/run.sh not present"; fi
fi

wants snapshots && section snapshots do_snapshots

echo
summary_table
if ((${#skipped[@]})); then
    echo "python-ddd: $passed passed, 0 failed, ${#skipped[@]} skipped (${skipped[*]})"
else
    echo "python-ddd: $passed passed, 0 failed"
fi
