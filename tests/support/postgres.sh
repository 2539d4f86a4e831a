#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for the generated projects' integration tests.
#
#   tests/support/postgres.sh start            start it (installs Debian's postgresql when missing); prints the URL
#   tests/support/postgres.sh url [DB]         prints postgresql+asyncpg://python_ddd@127.0.0.1:PORT/DB (default DB: python_ddd)
#   tests/support/postgres.sh createdb NAME    creates a fresh database NAME (dropping an old one); prints its URL
#   tests/support/postgres.sh query DB SQL     runs SQL in DB as the superuser; prints unaligned tuples
#   tests/support/postgres.sh stop             stops it and removes its data directory
#   tests/support/postgres.sh status           exit 0 when it is running
#
# State lives in $PYTHON_DDD_PG_DIR (default /tmp/python-ddd-pg-$UID): the data directory, the socket, the log and
# the chosen port. Port: $PYTHON_DDD_PG_PORT, else the first free one from 55432. The server runs as the `postgres`
# user (initdb refuses root), with trust authentication, listening on 127.0.0.1 only, fsync off.
set -euo pipefail

state_dir="${PYTHON_DDD_PG_DIR:-/tmp/python-ddd-pg-${UID:-0}}"
data_dir="$state_dir/data"
port_file="$state_dir/port"
role=python_ddd
default_db=python_ddd

service=postgres.sh
# shellcheck source=tests/support/service.sh
source "$(dirname "${BASH_SOURCE[0]}")/service.sh"

pg_bin() {
    local dir
    # Newest installed major version.
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -z "$dir" || ! -x "$dir/initdb" ]]; then
        return 1
    fi
    printf '%s\n' "$dir"
}

ensure_installed() {
    if [[ "$(id -u)" == 0 ]] && ! pg_bin >/dev/null; then
        # We make our own throwaway cluster: keep the package from creating (and starting) a default one.
        mkdir -p /etc/postgresql-common
        [[ -f /etc/postgresql-common/createcluster.conf ]] || echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf
    fi
    install_from_debian postgresql pg_bin >/dev/null
}

# Runs a command as the postgres user (root may not run initdb or the server), or as ourselves when not root.
as_postgres() {
    if [[ "$(id -u)" == 0 ]]; then
        if command -v runuser >/dev/null; then
            runuser -u postgres -- "$@"
        else
            su -s /bin/sh postgres -c "$(printf '%q ' "$@")"
        fi
    else
        "$@"
    fi
}

current_port() {
    [[ -f "$port_file" ]] || die "not started (no $port_file); run: tests/support/postgres.sh start"
    cat "$port_file"
}

url_for() {
    printf 'postgresql+asyncpg://%s@127.0.0.1:%s/%s\n' "$role" "$(current_port)" "${1:-$default_db}"
}

psql_admin() {
    local bin
    bin="$(pg_bin)"
    as_postgres env PGOPTIONS='-c client_min_messages=warning' "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(current_port)" -U postgres -d postgres "$@"
}

is_running() {
    local bin
    bin="$(pg_bin)" || return 1
    [[ -f "$data_dir/PG_VERSION" ]] || return 1
    as_postgres "$bin/pg_ctl" -D "$data_dir" status >/dev/null 2>&1
}

cmd_start() {
    ensure_installed
    local bin port
    bin="$(pg_bin)"
    if is_running; then
        log "already running on port $(current_port)"
        url_for
        return 0
    fi
    if [[ "$(id -u)" == 0 ]] && ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
    fi
    rm -rf "$data_dir"
    mkdir -p "$state_dir"
    port="$(free_port 55432 "${PYTHON_DDD_PG_PORT:-}" PYTHON_DDD_PG_PORT)"
    printf '%s\n' "$port" >"$port_file"
    [[ "$(id -u)" != 0 ]] || chown postgres: "$state_dir"
    chmod 700 "$state_dir"

    as_postgres "$bin/initdb" -D "$data_dir" -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >"$state_dir/initdb.log" 2>&1 \
        || as_postgres "$bin/initdb" -D "$data_dir" -U postgres --auth=trust --no-sync -E UTF8 --locale=C >"$state_dir/initdb.log" 2>&1 \
        || { cat "$state_dir/initdb.log" >&2; die "initdb failed"; }
    if ! as_postgres "$bin/pg_ctl" -D "$data_dir" -l "$state_dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $state_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null; then
        cat "$state_dir/server.log" >&2 || true
        die "pg_ctl start failed"
    fi
    psql_admin -c "CREATE ROLE $role LOGIN SUPERUSER" -c "CREATE DATABASE $default_db OWNER $role"
    log "started PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data: $data_dir)"
    url_for
}

cmd_stop() {
    local bin
    if bin="$(pg_bin)" && [[ -f "$data_dir/PG_VERSION" ]]; then
        as_postgres "$bin/pg_ctl" -D "$data_dir" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    fi
    rm -rf "$state_dir"
    log "stopped"
}

cmd_createdb() {
    local name="${1:?usage: postgres.sh createdb NAME}"
    [[ "$name" =~ ^[a-z_][a-z0-9_]*$ ]] || die "database name must match [a-z_][a-z0-9_]*: $name"
    psql_admin -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name OWNER $role"
    url_for "$name"
}

cmd_query() {
    local db="${1:?usage: postgres.sh query DB SQL}" sql="${2:?usage: postgres.sh query DB SQL}" bin
    bin="$(pg_bin)"
    as_postgres "$bin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(current_port)" -U postgres -d "$db" -c "$sql"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    url) url_for "${2:-}" ;;
    createdb) cmd_createdb "${2:-}" ;;
    query) cmd_query "${2:-}" "${3:-}" ;;
    status) is_running ;;
    *)
        sed -n '2,13p' "$0" >&2
        exit 2
        ;;
esac
