# shellcheck shell=bash
# What the throwaway servers' scripts share (postgres.sh, redis.sh, rabbitmq.sh): messages, installing a Debian
# package when it is missing, and picking free loopback ports. Sourced; set `service` (the name messages carry)
# first.

log() { printf '%s: %s\n' "$service" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# install_from_debian PACKAGE CHECK...: when CHECK fails, installs PACKAGE from Debian (root only; otherwise stops,
# naming the command to run), and then CHECK must pass.
install_from_debian() {
    local package="$1"
    shift
    "$@" && return 0
    [[ "$(id -u)" == 0 ]] || die "$package is not installed and installing it needs root: apt-get install -y $package"
    log "$package is missing: installing Debian's $package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "$package" >&2
    "$@" || die "apt-get installed $package but it is still missing"
}

port_in_use() {
    # bash's /dev/tcp: a successful connect means something listens there.
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port FIRST [CHOSEN NAME]: CHOSEN (a port the caller was told to use, through the variable NAME) when it is
# free, else the first free port of FIRST..FIRST+99 that is not in the caller's `taken` array.
free_port() {
    local first="$1" chosen="${2:-}" name="${3:-}" port
    if [[ -n "$chosen" ]]; then
        ! port_in_use "$chosen" || die "port $chosen${name:+ ($name)} is already in use"
        printf '%s\n' "$chosen"
        return 0
    fi
    port="$first"
    while port_in_use "$port" || [[ " ${taken[*]:-} " == *" $port "* ]]; do
        port=$((port + 1))
        ((port < first + 100)) || die "no free port in $first..$((first + 99))"
    done
    printf '%s\n' "$port"
}
