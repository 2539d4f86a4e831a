#!/usr/bin/env bash
# The first seconds of tests/run-all.sh: checks what the selected sections need, installs what a root user can get
# from Debian's packages, and otherwise stops at once with what to install (instead of failing 20 minutes in).
#
#   tests/support/prereqs.sh SECTION...     exit 0 when everything those sections need is here (after installing)
#
# A fresh machine has cargo, node/npm and python3. Everything else the tests use is either installed here (Debian
# packages, as root) or by the section itself (the pinned Python venv, npm packages, uv): the section prints that.
# PYTHON_DDD_NO_INSTALL=1 only reports.
set -euo pipefail

log() { printf 'prereqs: %s\n' "$*" >&2; }

sections=" $* "
needs() {
    local s
    for s in "$@"; do [[ "$sections" == *" $s "* ]] && return 0; done
    return 1
}

missing_tools=()   # what cannot be installed here: the user must
missing_debs=()    # Debian packages apt-get can install

command -v cargo >/dev/null || missing_tools+=("cargo (https://rustup.rs)")
if needs fmt && ! cargo fmt --version >/dev/null 2>&1; then missing_tools+=("rustfmt (rustup component add rustfmt)"); fi
if needs clippy && ! cargo clippy --version >/dev/null 2>&1; then missing_tools+=("clippy (rustup component add clippy)"); fi

if needs venv matrix fuzz names nx bench; then
    if ! command -v python3 >/dev/null; then
        missing_tools+=("python3 (>= 3.11)")
    else
        python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
            || missing_tools+=("python3 >= 3.11 (found $(python3 --version 2>&1 || true))")
        # `python3 -m venv` needs ensurepip, which Debian ships apart from python3.
        python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing_debs+=(python3-venv)
    fi
fi
if needs matrix fuzz names nx bench postgres; then
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing_debs+=(postgresql)
fi
# The matrix's `cache: redis` combinations run their cache contract tests against a throwaway Redis (tests/support/redis.sh).
if needs matrix redis; then
    command -v redis-server >/dev/null || missing_debs+=(redis-server)
fi
# The matrix's `eventBus: rabbitmq` combinations test against a real broker (tests/support/rabbitmq.sh).
if needs matrix rabbitmq; then
    [[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] || missing_debs+=(rabbitmq-server)
fi
if needs nx bench; then
    command -v node >/dev/null || missing_tools+=("node (>= 20)")
    command -v npm >/dev/null || missing_tools+=("npm")
fi

# The benchmark, smoke run included, checks the instruction budget of a generation (issue 15) with valgrind's callgrind:
# a count, unlike a time, that a busy machine does not change. Required: the budget is never skipped.
if needs bench; then
    command -v valgrind >/dev/null || missing_debs+=(valgrind)
fi
# The full benchmark (tests/bench/run.sh without --smoke) uses hyperfine and GNU time when they are here; the smoke
# run does without. Installed when we can, never required.
if needs bench && [[ "$(id -u)" == 0 && "${PYTHON_DDD_NO_INSTALL:-}" != 1 ]] && command -v apt-get >/dev/null; then
    command -v hyperfine >/dev/null || missing_debs+=(hyperfine)
    [[ -x /usr/bin/time ]] || missing_debs+=(time)
fi

if ((${#missing_tools[@]})); then
    log "missing, and not installable by this script: ${missing_tools[*]}"
    log "install them, then run tests/run-all.sh again"
    exit 1
fi

if ((${#missing_debs[@]})); then
    if [[ "${PYTHON_DDD_NO_INSTALL:-}" == 1 || "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
        log "missing: ${missing_debs[*]}"
        log "install them (Debian/Ubuntu: sudo apt-get install -y ${missing_debs[*]}), then run tests/run-all.sh again"
        exit 1
    fi
    log "installing Debian packages: ${missing_debs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Keep the postgresql package from creating (and starting) a default cluster: tests/support/postgres.sh makes its own.
    mkdir -p /etc/postgresql-common
    [[ -f /etc/postgresql-common/createcluster.conf ]] || echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${missing_debs[@]}" >&2
fi
log "ok: $(cargo --version); $(python3 --version 2>&1); node $(node --version 2>/dev/null || echo -); $(nproc) CPUs"
