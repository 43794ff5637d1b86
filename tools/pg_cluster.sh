#!/usr/bin/env bash
# A throwaway PostgreSQL 15 + PostGIS cluster for tests and benchmarks, on a free localhost port.
#
#   tools/pg_cluster.sh start [DIR]   create a cluster in DIR (default: a new temporary folder), start
#                                     it on 127.0.0.1, create the database "codesign" with PostGIS,
#                                     print its URL (postgresql://postgres@127.0.0.1:PORT/codesign)
#   tools/pg_cluster.sh url [DIR]     print the URL of that cluster
#   tools/pg_cluster.sh stop [DIR]    stop the cluster and remove DIR
#
# Without DIR, `url` and `stop` use the cluster last started without DIR (its folder is noted in
# ${TMPDIR:-/tmp}/codesign-pg-cluster.last). Run as root, the server runs as the `postgres` OS user
# (initdb refuses root) and DIR is handed to it, so DIR's parent folders must be open to it (a
# folder under /tmp is). Run as another user, the server runs as that user.
#
# The cluster trusts every local connection (no password) and listens on 127.0.0.1 only: it is
# for tests, never for a workshop's data. Needs Debian's postgresql-15 and postgresql-15-postgis-3
# (apt-get install postgresql postgresql-15-postgis-3); PG_BIN overrides /usr/lib/postgresql/15/bin.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
DATABASE=codesign
LAST="${TMPDIR:-/tmp}/codesign-pg-cluster.last"
MARKER=.codesign-pg-cluster

die() { echo "pg_cluster: $*" >&2; exit 1; }

# Run a command as the user that owns the server: postgres when we are root, else ourselves.
as_server() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  else
    echo $((20000 + RANDOM % 40000))
  fi
}

cluster_dir() {
  local dir=${1:-}
  if [ -z "$dir" ]; then
    [ -f "$LAST" ] || die "no cluster started yet (no $LAST); give its folder"
    dir=$(cat "$LAST")
  fi
  [ -f "$dir/$MARKER" ] || die "$dir is not a cluster made by this script"
  echo "$dir"
}

start() {
  [ -x "$PG_BIN/initdb" ] || die "PostgreSQL 15 is not installed ($PG_BIN/initdb): apt-get install postgresql"
  [ -f /usr/share/postgresql/15/extension/postgis.control ] \
    || die "PostGIS is not installed: apt-get install postgresql-15-postgis-3"
  local dir=${1:-} remember=""
  if [ -z "$dir" ]; then
    dir=$(mktemp -d "${TMPDIR:-/tmp}/codesign-pg.XXXXXX")
    remember=yes
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ ! -e "$dir/data" ] || die "$dir already holds a cluster"
  touch "$dir/$MARKER"
  chmod 700 "$dir"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "no postgres OS user (it comes with Debian's postgresql package)"
    chown -R postgres: "$dir"
  fi
  as_server test -w "$dir" || die "the postgres user cannot write $dir (are its parent folders open to it?)"
  as_server "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
    >"$dir/initdb.log" 2>&1 || die "initdb failed: $(tail -5 "$dir/initdb.log")"
  local port started=""
  for _ in 1 2 3 4 5; do  # a port found free may be taken before the server binds it: try another
    port=$(free_port)
    if as_server "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null 2>&1; then
      started=yes
      break
    fi
  done
  [ -n "$started" ] || die "the server did not start: $(tail -5 "$dir/server.log")"
  as_server "$PG_BIN/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
    -c "CREATE DATABASE $DATABASE" >/dev/null
  as_server "$PG_BIN/psql" -h "$dir" -p "$port" -U postgres -d "$DATABASE" -v ON_ERROR_STOP=1 -q \
    -c "CREATE EXTENSION postgis" >/dev/null
  local url="postgresql://postgres@127.0.0.1:$port/$DATABASE"
  echo "$url" >"$dir/url"
  if [ -n "$remember" ]; then echo "$dir" >"$LAST"; fi
  echo "$url"
}

stop() {
  local dir
  dir=$(cluster_dir "${1:-}")
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_server "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  if [ -f "$LAST" ] && [ "$(cat "$LAST")" = "$dir" ]; then rm -f "$LAST"; fi
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  url) cat "$(cluster_dir "${2:-}")/url" ;;
  *) echo "usage: $0 start|stop|url [DIR]" >&2; exit 2 ;;
esac
