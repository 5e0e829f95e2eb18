# shellcheck shell=bash
# Throwaway PostgreSQL and Redis on free loopback ports (never the system services), for ./test.sh and
# bench/run.sh. Source it after defining `log` and setting TMP (a private temp folder); everything it starts is
# recorded here and stopped by PID (stop_throwaway_services).
#
#   install_missing_packages PKG...   apt-get install (Debian) without letting maintainer scripts start services
#   start_throwaway_postgres          sets PGBIN PGDATA PGSOCK PGPORT PG_PID; roles bulwark_owner (LOGIN CREATEDB,
#                                     password in PGOWNERPASS) and bulwark_app (LOGIN only, password in PGAPPPASS);
#                                     superuser postgres (password in PGSUPERPASS); every password random per cluster
#                                     (DATA-5 refuses well-known ones outside Development); TCP needs passwords (scram-sha-256)
#   start_throwaway_redis             sets REDIS_PORT REDIS_PID
#   stop_throwaway_services           stops both (by PID), safe to call more than once

PGBIN=""
PGDATA=""
PGSOCK=""
PGPORT=""
PG_PID=""
REDIS_PORT=""
REDIS_PID=""
POLICY_RC_CREATED=""

as_pg() {
  if [[ $EUID -eq 0 ]]; then
    (cd "$TMP" && runuser -u postgres -- "$@")
  else
    (cd "$TMP" && "$@")
  fi
}

find_pgbin() {
  local d
  PGBIN=""
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
    [[ -x $d/initdb && -x $d/pg_ctl && -x $d/psql && -x $d/pg_isready ]] && PGBIN=$d
  done
  [[ -n $PGBIN ]]
}

port_in_use() {
  local p=$1
  if command -v ss >/dev/null 2>&1; then
    [[ -n $(ss -Htan "( sport = :$p )" 2>/dev/null) ]] && return 0
  fi
  # Fallback without iproute2: is anything accepting connections there?
  (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && return 0
  return 1
}

# Sets PICKED_PORT to a free port in 20000-31999 (below the Linux ephemeral range), avoiding $*.
pick_port() {
  local p avoid
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 12000 ))
    for avoid in "$@"; do [[ $p == "$avoid" ]] && continue 2; done
    if ! port_in_use "$p"; then PICKED_PORT=$p; return 0; fi
  done
  log "could not find a free TCP port"
  return 1
}

install_missing_packages() {
  local sudo=()
  if [[ $EUID -ne 0 ]]; then sudo=(sudo); fi
  log "installing $* with apt-get (missing on this machine)"
  # Keep Debian's maintainer scripts from starting the system postgresql/redis services
  # (we never use them). Docker images usually ship this file already.
  if [[ $EUID -eq 0 && ! -e /usr/sbin/policy-rc.d ]]; then
    POLICY_RC_CREATED=1
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
  fi
  local rc=0
  { "${sudo[@]}" apt-get update &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"; } >"$TMP/apt.log" 2>&1 || rc=$?
  if [[ -n $POLICY_RC_CREATED ]]; then rm -f /usr/sbin/policy-rc.d; POLICY_RC_CREATED=""; fi
  if [[ $rc -ne 0 ]]; then
    tail -n 40 "$TMP/apt.log" >&2
    log "apt-get install failed"
    return 1
  fi
}

start_throwaway_postgres() {
  find_pgbin || { log "PostgreSQL server binaries not found"; return 1; }
  if [[ $EUID -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    log "user 'postgres' does not exist (initdb refuses to run as root)"
    return 1
  fi
  chmod 755 "$TMP"   # the postgres user must be able to traverse it
  PGDATA=$TMP/pg
  PGSOCK=$TMP/pgrun          # unix socket + server log, written by the postgres user
  local pglog=$PGSOCK/postgres.log
  mkdir -p "$PGDATA" "$PGSOCK"
  PGSUPERPASS=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  PGOWNERPASS=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  PGAPPPASS=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$PGSUPERPASS" > "$TMP/pgpass"
  if [[ $EUID -eq 0 ]]; then chown postgres: "$PGDATA" "$PGSOCK" "$TMP/pgpass"; fi
  chmod 700 "$PGDATA"
  if ! as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --pwfile="$TMP/pgpass" -E UTF8 --no-locale \
        --auth-local=trust --auth-host=scram-sha-256 >"$TMP/initdb.log" 2>&1; then
    cat "$TMP/initdb.log" >&2
    log "initdb failed"
    return 1
  fi

  # The postmaster runs as a background child of the calling script (not daemonized by `pg_ctl start`), so
  # its exit is reaped there instead of leaving a zombie for PID 1 in containers without an init.
  PGPORT=""
  for _ in 1 2 3 4 5; do
    pick_port || return 1
    as_pg "$PGBIN/postgres" -D "$PGDATA" -p "$PICKED_PORT" -k "$PGSOCK" \
      -c listen_addresses=127.0.0.1 -c max_connections=300 \
      -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
      </dev/null >>"$pglog" 2>&1 &
    PG_PID=$!
    for _ in $(seq 1 60); do   # bounded: ~30 s
      kill -0 "$PG_PID" 2>/dev/null || break
      if as_pg "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PICKED_PORT" -t 1; then
        PGPORT=$PICKED_PORT
        break
      fi
      sleep 0.5
    done
    [[ -n $PGPORT ]] && break
    # Port raced away (or start too slow): stop what we started, retry on another port.
    stop_throwaway_postgres
  done
  if [[ -z $PGPORT ]]; then
    tail -n 30 "$pglog" >&2 || true
    log "PostgreSQL did not start"
    return 1
  fi
  # The passwords are hex; psql's :'var' quotes them as literals.
  as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGSOCK" -p "$PGPORT" -U postgres -d postgres \
    -v owner_pass="$PGOWNERPASS" -v app_pass="$PGAPPPASS" >/dev/null <<'SQL'
CREATE ROLE bulwark_owner LOGIN CREATEDB NOSUPERUSER PASSWORD :'owner_pass';
CREATE ROLE bulwark_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_pass';
SQL
}

stop_throwaway_postgres() {
  [[ -n $PG_PID ]] || return 0
  local pgpid=""
  [[ -f $PGDATA/postmaster.pid ]] && pgpid=$(head -n1 "$PGDATA/postmaster.pid")
  if kill -0 "$PG_PID" 2>/dev/null; then
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" stop -m immediate -w -t 30 >/dev/null 2>&1
    # Fallback: only the postmaster we started, by its PID.
    if [[ $pgpid =~ ^[0-9]+$ ]] && kill -0 "$pgpid" 2>/dev/null; then kill -KILL "$pgpid" 2>/dev/null; fi
  fi
  wait "$PG_PID" 2>/dev/null || true
  PG_PID=""
  return 0
}

start_throwaway_redis() {
  REDIS_PORT=""
  mkdir -p "$TMP/redis"
  for _ in 1 2 3 4 5; do
    pick_port "$PGPORT" || return 1
    redis-server --port "$PICKED_PORT" --bind 127.0.0.1 --save '' --appendonly no \
      --daemonize no --dir "$TMP/redis" --pidfile "$TMP/redis.pid" \
      --logfile "$TMP/redis.log" </dev/null >/dev/null 2>&1 &
    REDIS_PID=$!
    for _ in $(seq 1 100); do
      kill -0 "$REDIS_PID" 2>/dev/null || break
      if [[ $(redis-cli -h 127.0.0.1 -p "$PICKED_PORT" ping 2>/dev/null) == PONG ]]; then
        REDIS_PORT=$PICKED_PORT
        break
      fi
      sleep 0.2
    done
    [[ -n $REDIS_PORT ]] && break
    kill -KILL "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
    REDIS_PID=""
  done
  if [[ -z $REDIS_PORT ]]; then
    tail -n 30 "$TMP/redis.log" >&2 || true
    log "Redis did not start"
    return 1
  fi
}

stop_throwaway_redis() {
  [[ -n $REDIS_PID ]] || return 0
  kill -TERM "$REDIS_PID" 2>/dev/null
  for _ in $(seq 1 100); do kill -0 "$REDIS_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$REDIS_PID" 2>/dev/null
  wait "$REDIS_PID" 2>/dev/null
  REDIS_PID=""
  return 0
}

stop_throwaway_services() {
  stop_throwaway_redis
  stop_throwaway_postgres
  if [[ -n $POLICY_RC_CREATED ]]; then rm -f /usr/sbin/policy-rc.d; POLICY_RC_CREATED=""; fi
}
