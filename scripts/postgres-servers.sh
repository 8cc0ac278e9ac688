#!/usr/bin/env bash
# Throwaway PostgreSQL clusters for the tests, nothing mocked.
#   postgres-servers.sh start DIR COUNT   initialises COUNT clusters in DIR, each on a free
#                                         loopback port, and prints their URLs, one per line
#   postgres-servers.sh stop DIR          stops them and removes DIR
# PostgreSQL refuses to run as root: as root, the clusters run as the 'postgres' user that
# Debian's package creates. The server comes from Debian's 'postgresql' package (make deps).
set -euo pipefail

command=${1:?start or stop}
folder=${2:?a folder for the clusters}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "PostgreSQL server programs not found: run 'make deps' (installs Debian's postgresql)" >&2
    exit 1
fi

as_server_user() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command" in
start)
    count=${3:-1}
    mkdir -p "$folder"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$folder"; fi
    for index in $(seq 1 "$count"); do
        port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        data="$folder/cluster$index"
        as_server_user "$bindir/initdb" -D "$data" -A trust -U postgres >"$folder/cluster$index.init.log" 2>&1 || {
            cat "$folder/cluster$index.init.log" >&2
            exit 1
        }
        as_server_user "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w \
            -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60" start >/dev/null
        echo "postgresql://postgres@127.0.0.1:$port/postgres"
    done
    ;;
stop)
    for data in "$folder"/cluster*; do
        [ -d "$data" ] && as_server_user "$bindir/pg_ctl" -D "$data" stop -m fast >/dev/null 2>&1 || true
    done
    rm -rf "$folder"
    ;;
*)
    echo "usage: $0 start DIR COUNT | stop DIR" >&2
    exit 2
    ;;
esac
