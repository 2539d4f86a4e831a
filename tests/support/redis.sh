#!/usr/bin/env bash
# A throwaway Redis server on loopback for the generated projects' cache tests.
#
#   tests/support/redis.sh start     start it (installs Debian's redis-server when missing, as root); prints the URL
#   tests/support/redis.sh url [DB]  prints redis://127.0.0.1:PORT/DB (default DB: 0)
#   tests/support/redis.sh stop      stops it and removes its state directory
#   tests/support/redis.sh status    exit 0 when it is running
#
# State lives in $PYTHON_DDD_REDIS_DIR (default /tmp/python-ddd-redis-$UID): the pid file, the log and the chosen
# port. Port: $PYTHON_DDD_REDIS_PORT, else the first free one from 56379. Listens on 127.0.0.1 only, no
# persistence (no RDB snapshots, no AOF), 64 MB at most with volatile-lru eviction.
set -euo pipefail

state_dir="${PYTHON_DDD_REDIS_DIR:-/tmp/python-ddd-redis-${UID:-0}}"
port_file="$state_dir/port"
pid_file="$state_dir/redis.pid"

service=redis.sh
# shellcheck source=tests/support/service.sh
source "$(dirname "${BASH_SOURCE[0]}")/service.sh"

ensure_installed() {
    install_from_debian redis-server command -v redis-server >/dev/null
}

current_port() {
    [[ -f "$port_file" ]] || die "not started (no $port_file); run: tests/support/redis.sh start"
    cat "$port_file"
}

url_for() {
    printf 'redis://127.0.0.1:%s/%s\n' "$(current_port)" "${1:-0}"
}

# PING through bash's /dev/tcp (redis-cli is in another package on some systems).
pings() {
    local port="$1" reply=""
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
    printf 'PING\r\n' >&3
    read -r -t 2 reply <&3 || true
    exec 3<&- 3>&-
    [[ "$reply" == +PONG* ]]
}

is_running() {
    [[ -f "$pid_file" && -f "$port_file" ]] || return 1
    kill -0 "$(cat "$pid_file")" 2>/dev/null || return 1
    pings "$(cat "$port_file")" 2>/dev/null
}

cmd_start() {
    ensure_installed
    local port
    if is_running; then
        log "already running on port $(current_port)"
        url_for
        return 0
    fi
    rm -rf "$state_dir"
    mkdir -p "$state_dir"
    chmod 700 "$state_dir"
    port="$(free_port 56379 "${PYTHON_DDD_REDIS_PORT:-}" PYTHON_DDD_REDIS_PORT)"
    printf '%s\n' "$port" >"$port_file"
    redis-server --bind 127.0.0.1 --port "$port" --dir "$state_dir" --daemonize yes \
        --pidfile "$pid_file" --logfile "$state_dir/server.log" --save '' --appendonly no \
        --maxmemory 64mb --maxmemory-policy volatile-lru \
        || { cat "$state_dir/server.log" >&2 || true; die "redis-server failed to start"; }
    local waited=0
    until is_running; do
        ((waited < 100)) || { cat "$state_dir/server.log" >&2 || true; die "redis-server did not answer PING within 10 s"; }
        sleep 0.1
        waited=$((waited + 1))
    done
    log "started $(redis-server --version | awk '{print $1, $3}') on 127.0.0.1:$port (state: $state_dir)"
    url_for
}

cmd_stop() {
    if [[ -f "$pid_file" ]]; then
        local pid waited=0
        pid="$(cat "$pid_file")"
        if kill "$pid" 2>/dev/null; then
            while kill -0 "$pid" 2>/dev/null && ((waited < 100)); do
                sleep 0.1
                waited=$((waited + 1))
            done
        fi
    fi
    rm -rf "$state_dir"
    log "stopped"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    url) url_for "${2:-}" ;;
    status) is_running ;;
    *)
        sed -n '2,11p' "$0" >&2
        exit 2
        ;;
esac
