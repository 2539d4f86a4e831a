#!/usr/bin/env bash
# A throwaway RabbitMQ broker on loopback for the generated projects' `eventBus: rabbitmq` tests.
#
#   tests/support/rabbitmq.sh start     start it (installs Debian's rabbitmq-server when missing, as root); prints the URL last
#   tests/support/rabbitmq.sh url       prints amqp://guest:guest@127.0.0.1:PORT/
#   tests/support/rabbitmq.sh stop      stops it (its epmd too) and removes its state directory
#   tests/support/rabbitmq.sh status    exit 0 when it is running
#
# State lives in $PYTHON_DDD_RABBITMQ_DIR (default /tmp/python-ddd-rabbitmq-$UID): mnesia, logs, the erlang cookie
# (HOME points there, so no ~/.erlang.cookie is touched) and the chosen ports. Everything is private to that
# directory: a node name of its own, free loopback ports for AMQP (from 56720), Erlang distribution and epmd
# (ERL_EPMD_PORT), so it neither meets nor disturbs a system broker or another run. No plugins are enabled.
# The server runs as the invoking user: Debian's /usr/sbin wrapper would switch to the `rabbitmq` user, so the
# scripts under /usr/lib/rabbitmq/bin are called directly (root is fine for them).
set -euo pipefail

state_dir="${PYTHON_DDD_RABBITMQ_DIR:-/tmp/python-ddd-rabbitmq-${UID:-0}}"
bin_dir=/usr/lib/rabbitmq/bin

service=rabbitmq.sh
# shellcheck source=tests/support/service.sh
source "$(dirname "${BASH_SOURCE[0]}")/service.sh"

ensure_installed() {
    # The package starts the system broker where an init system runs; ours is separate and does not need it.
    install_from_debian rabbitmq-server test -x "$bin_dir/rabbitmq-server"
}

read_state() {
    [[ -f "$state_dir/env" ]] || return 1
    # shellcheck disable=SC1091 # written by cmd_start
    source "$state_dir/env"
}

# The environment the server and its CLI tools share (they must agree on node name, cookie and epmd port).
rabbit_env() {
    env HOME="$state_dir" \
        ERL_EPMD_PORT="$epmd_port" \
        RABBITMQ_CONF_ENV_FILE=/dev/null \
        RABBITMQ_CONFIG_FILE="$state_dir/rabbitmq.conf" \
        RABBITMQ_ADVANCED_CONFIG_FILE="$state_dir/advanced.config" \
        RABBITMQ_ENABLED_PLUGINS_FILE="$state_dir/enabled_plugins" \
        RABBITMQ_NODENAME="$node" \
        RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
        RABBITMQ_NODE_PORT="$amqp_port" \
        RABBITMQ_DIST_PORT="$dist_port" \
        RABBITMQ_MNESIA_BASE="$state_dir/mnesia" \
        RABBITMQ_LOG_BASE="$state_dir/log" \
        RABBITMQ_PID_FILE="$state_dir/rabbitmq.pid" \
        "$@"
}

url() { printf 'amqp://guest:guest@127.0.0.1:%s/\n' "$amqp_port"; }

is_running() {
    read_state || return 1
    rabbit_env "$bin_dir/rabbitmqctl" -q status >/dev/null 2>&1
}

cmd_start() {
    ensure_installed
    if is_running; then
        log "already running on 127.0.0.1:$amqp_port (node $node)"
        url
        return 0
    fi
    rm -rf "$state_dir"
    mkdir -p "$state_dir/mnesia" "$state_dir/log"
    chmod 700 "$state_dir"
    local taken=()
    amqp_port="$(free_port 56720 "${PYTHON_DDD_RABBITMQ_PORT:-}" PYTHON_DDD_RABBITMQ_PORT)"
    taken+=("$amqp_port")
    dist_port="$(free_port 56920)"
    taken+=("$dist_port")
    epmd_port="$(free_port 56820)"
    node="python-ddd-$$@localhost"
    printf 'amqp_port=%s\ndist_port=%s\nepmd_port=%s\nnode=%s\n' "$amqp_port" "$dist_port" "$epmd_port" "$node" >"$state_dir/env"
    # The erlang cookie, created here rather than by erlang in a HOME it might share.
    od -An -N15 -tx1 /dev/urandom | tr -d ' \n' | tr 'a-f' 'A-F' >"$state_dir/.erlang.cookie"
    chmod 400 "$state_dir/.erlang.cookie"
    printf '[].\n' >"$state_dir/enabled_plugins"
    printf '[].\n' >"$state_dir/advanced.config"
    # guest may log in from loopback only (the default); no disk alarm on a small CI disk.
    cat >"$state_dir/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:$amqp_port
disk_free_limit.absolute = 50MB
log.console = false
log.file.level = warning
EOF
    local started=$SECONDS
    # setsid: the broker outlives this script (run-all stops it), and a ^C in the caller's terminal does not reach it.
    rabbit_env setsid "$bin_dir/rabbitmq-server" >"$state_dir/log/startup.log" 2>&1 </dev/null &
    # `await_startup` waits for the boot to finish; it fails at once while the node is not yet up, so retry.
    local deadline=$((SECONDS + 120))
    until rabbit_env timeout 60 "$bin_dir/rabbitmqctl" -q await_startup --timeout 60 >/dev/null 2>&1; do
        if ((SECONDS > deadline)); then
            tail -n 40 "$state_dir/log/startup.log" >&2 || true
            cmd_stop
            die "RabbitMQ did not start within 120 s (log above; the state was in $state_dir)"
        fi
        sleep 1
    done
    port_in_use "$amqp_port" || die "RabbitMQ started but does not listen on 127.0.0.1:$amqp_port"
    log "started RabbitMQ on 127.0.0.1:$amqp_port (node $node, epmd $epmd_port, $((SECONDS - started)) s; state: $state_dir)"
    url
}

cmd_stop() {
    if read_state; then
        local pid="" tries
        [[ ! -f "$state_dir/rabbitmq.pid" ]] || pid="$(cat "$state_dir/rabbitmq.pid")"
        rabbit_env timeout 60 "$bin_dir/rabbitmqctl" -q stop >/dev/null 2>&1 || true
        if [[ "$pid" =~ ^[0-9]+$ ]]; then
            tries=0
            while kill -0 "$pid" 2>/dev/null && ((tries++ < 50)); do sleep 0.2; done
            ! kill -0 "$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
        fi
        # Our private epmd (the node started it as a daemon) goes too. It refuses `-kill` while a node (the server,
        # or a CLI tool's) is still registered, so retry for a few seconds.
        for ((tries = 0; tries < 25; tries++)); do
            ERL_EPMD_PORT="$epmd_port" timeout 5 epmd -names >/dev/null 2>&1 || break
            ERL_EPMD_PORT="$epmd_port" timeout 5 epmd -kill >/dev/null 2>&1 || true
            sleep 0.2
        done
        ! ERL_EPMD_PORT="$epmd_port" timeout 5 epmd -names >/dev/null 2>&1 || log "warning: epmd still answers on port $epmd_port"
    fi
    rm -rf "$state_dir"
    log "stopped"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    url) read_state || die "not started (no $state_dir/env); run: tests/support/rabbitmq.sh start"; url ;;
    status) is_running ;;
    *)
        sed -n '2,15p' "$0" >&2
        exit 2
        ;;
esac
