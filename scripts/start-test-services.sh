#!/usr/bin/env bash
# Starts the servers the tests run against, on loopback, in a throwaway folder, and prints the environment the
# tests read, as shell code to eval:
#
#   eval "$(bash scripts/start-test-services.sh)"     # start (or reuse) and export KRAKOW_TEST_POSTGRES
#   bash scripts/start-test-services.sh stop          # stop them
#
# PostgreSQL: installs Debian's postgresql when no server binaries are found (apt-get update first), initialises
# a cluster under $KRAKOW_TEST_SERVICES_DIR (default /tmp/krakow-test-services), starts it on 127.0.0.1 port
# $KRAKOW_TEST_POSTGRES_PORT (default 55432), creates the role and database krakow_test, and prints
#   export KRAKOW_TEST_POSTGRES='Host=127.0.0.1;Port=…;Username=krakow_test;Password=…;Database=krakow_test'
# The role may create databases: the tests give each test its own database and drop it afterwards (autovacuum is off).
# Durability is switched off (fsync, synchronous_commit, full_page_writes): the cluster holds nothing worth keeping.
#
# Idempotent and non-interactive: a running cluster is reused, a stopped one restarted, a missing one created.
# Run as root (CI): the server runs as the postgres user; run as anyone else: it runs as that user.
# Everything but the export lines goes to stderr.
set -euo pipefail

services_dir="${KRAKOW_TEST_SERVICES_DIR:-/tmp/krakow-test-services}"
pg_port="${KRAKOW_TEST_POSTGRES_PORT:-55432}"
pg_role=krakow_test
pg_password=krakow_test
pg_database=krakow_test
pg_dir="$services_dir/postgres-$pg_port"
pg_data="$pg_dir/data"
pg_log="$pg_dir/server.log"

log() { echo "start-test-services: $*" >&2; }
die() { log "$*"; exit 1; }

as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  else
    command -v sudo >/dev/null || die "need root (or sudo) to run: $*"
    sudo -n "$@"
  fi
}

# Runs a command as the cluster's owner: postgres when we are root (the server refuses to run as root), else us.
as_pg_owner() {
  if [[ "$(id -u)" -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_bin_dir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]] && echo "$dir"
}

install_postgres() {
  log "PostgreSQL server not found: apt-get install postgresql"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    postgresql </dev/null >&2
  # The package starts Debian's own cluster on port 5432 when it can; ours is separate and needs nothing from it.
}

start_postgres() {
  local bin
  bin="$(pg_bin_dir || true)"
  if [[ -z "$bin" ]]; then
    install_postgres
    bin="$(pg_bin_dir || true)"
    [[ -n "$bin" ]] || die "postgresql installed, but no server binaries under /usr/lib/postgresql/*/bin"
  fi

  mkdir -p "$services_dir"
  chmod 755 "$services_dir"
  if [[ ! -d "$pg_dir" ]]; then
    mkdir -p "$pg_dir"
    [[ "$(id -u)" -eq 0 ]] && chown postgres:postgres "$pg_dir"
    chmod 700 "$pg_dir"
  fi

  if [[ ! -f "$pg_data/PG_VERSION" ]]; then
    log "initialising a PostgreSQL cluster in $pg_data"
    rm -rf "$pg_data"
    # Local (socket) connections trust the OS user; TCP needs the password.
    as_pg_owner "$bin/initdb" -D "$pg_data" -U postgres --no-locale -E UTF8 \
      --auth-local=trust --auth-host=scram-sha-256 >"$pg_dir/initdb.log" 2>&1 \
      || { cat "$pg_dir/initdb.log" >&2; die "initdb failed"; }
  fi

  if as_pg_owner "$bin/pg_ctl" -D "$pg_data" status >/dev/null 2>&1; then
    log "PostgreSQL already running on 127.0.0.1:$pg_port"
  else
    log "starting PostgreSQL on 127.0.0.1:$pg_port"
    # A server killed without shutting down leaves its pid file behind; pg_ctl start copes with a stale one.
    as_pg_owner "$bin/pg_ctl" -D "$pg_data" -l "$pg_log" -w -t 60 \
      -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >&2 || { tail -n 30 "$pg_log" >&2 || true; die "PostgreSQL did not start (log: $pg_log)"; }
  fi

  local psql=("$bin/psql" -h "$pg_dir" -p "$pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt)
  if [[ "$(as_pg_owner "${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$pg_role'")" != 1 ]]; then
    log "creating role $pg_role"
    as_pg_owner "${psql[@]}" -c "CREATE ROLE $pg_role LOGIN CREATEDB PASSWORD '$pg_password'" >&2
  fi
  if [[ "$(as_pg_owner "${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$pg_database'")" != 1 ]]; then
    log "creating database $pg_database"
    as_pg_owner "${psql[@]}" -c "CREATE DATABASE $pg_database OWNER $pg_role" >&2
  fi

  # Tests create and drop a database each; autovacuum workers in a database about to be dropped only get in the way,
  # and dropping WITH (FORCE) must be allowed to end whatever is still connected. Both apply to a running server too.
  if [[ "$(as_pg_owner "${psql[@]}" -c "SHOW autovacuum")" != off ]]; then
    as_pg_owner "${psql[@]}" -c "ALTER SYSTEM SET autovacuum = off" -c "SELECT pg_reload_conf()" >/dev/null
  fi
  as_pg_owner "${psql[@]}" -c "GRANT pg_signal_backend TO $pg_role" >/dev/null

  echo "export KRAKOW_TEST_POSTGRES='Host=127.0.0.1;Port=$pg_port;Username=$pg_role;Password=$pg_password;Database=$pg_database'"
}

stop_postgres() {
  local bin
  bin="$(pg_bin_dir || true)"
  if [[ -n "$bin" && -f "$pg_data/PG_VERSION" ]] && as_pg_owner "$bin/pg_ctl" -D "$pg_data" status >/dev/null 2>&1; then
    log "stopping PostgreSQL on port $pg_port"
    as_pg_owner "$bin/pg_ctl" -D "$pg_data" -m fast -w stop >&2
  fi
}

case "${1:-start}" in
  start) start_postgres ;;
  stop) stop_postgres ;;
  *) die "usage: $0 [start|stop]" ;;
esac
