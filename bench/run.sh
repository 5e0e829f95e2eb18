#!/usr/bin/env bash
# Bulwark benchmark harness (issue 7). One command:
#
#   bench/run.sh [--rounds N] [--duration SECONDS] [--connections C] [--seed-items N] [--no-scaled] [--no-embedded] [--out FILE]
#
# Builds Release, starts on loopback (all in a temp folder, stopped by PID at the end):
#   - "api": the real API, embedded mode (SQLite + in-memory state), rate limits raised far above the load
#     (every tier is still evaluated on every request) — throughput scenarios;
#   - "flood": the real API at default limits (429 path), "ban": the real API at defaults with 127.0.0.1
#     banned by an attack signature (ban path), both on a copy of the seeded data folder;
#   - "bare": bench/Bulwark.Bench.Bare, the same item-list query with no security middleware (scaled mode: "bare-pg",
#     the same on the scaled mode's PostgreSQL database).
# Seeds 10,000 items, 1,000 employees and 10,000 journal entries through the API, then runs every scenario
# with wrk for fixed durations in alternating rounds (bare and secured interleaved in each round, so drift
# on this shared machine hits both) and writes the markdown report (ratios to bare, medians over rounds).
# Then the scaled mode (unless --no-scaled): a throwaway PostgreSQL + Redis (scripts/throwaway-services.sh, as in
# ./test.sh), the API on them (application role, raised limits), seeded the same way, measured in rounds that alternate
# with the same bare endpoint; Redis commands per request are counted with INFO commandstats around each scenario.
# Never a timed unit test: figures are read from RESULTS.md, not asserted.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

ROUNDS=3
DURATION=10
CONNECTIONS=32
SEED_ITEMS=10000
SEED_EMPLOYEES=1000
SEED_ENTRIES=10000
OUT=bench/RESULTS.md
SCALED=1
EMBEDDED=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --seed-items) SEED_ITEMS=$2; shift 2 ;;
    --seed-employees) SEED_EMPLOYEES=$2; shift 2 ;;
    --seed-entries) SEED_ENTRIES=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --no-scaled) SCALED=0; shift ;;
    --no-embedded) EMBEDDED=0; shift ;;   # scaled mode only (quicker iterations on the scaled path)
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

log() { printf 'bench: %s\n' "$*" >&2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! command -v wrk >/dev/null 2>&1; then
  log "installing wrk (Debian package)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
command -v node >/dev/null 2>&1 || { log "node is required for the seeder"; exit 1; }

TMP=$(mktemp -d /tmp/bulwark-bench.XXXXXX)
PIDS=()
source scripts/throwaway-services.sh
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  stop_throwaway_services >/dev/null 2>&1 || true
  if [[ -n ${BENCH_KEEP_TMP:-} ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

log "building Release"
dotnet build -c Release src/Bulwark.Api/Bulwark.Api.csproj -v q -nologo >/dev/null
dotnet build -c Release bench/Bulwark.Bench.Bare/Bulwark.Bench.Bare.csproj -v q -nologo >/dev/null
API_DLL=$ROOT/src/Bulwark.Api/bin/Release/net10.0/Bulwark.Api.dll
BARE_DLL=$ROOT/bench/Bulwark.Bench.Bare/bin/Release/net10.0/Bulwark.Bench.Bare.dll
log "installing the NestJS peer from npm (package-lock.json) and compiling it"
# JOBS=1: better-sqlite3 compiles its native module with node-gyp (its prebuilt download is unreachable here).
(cd bench/peers/nestjs && { [[ -d node_modules ]] || JOBS=1 npm ci --no-audit --no-fund >/dev/null; } && npx tsc -p tsconfig.json)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() {
  for _ in $(seq 1 300); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.2; done
  log "timed out waiting for $1"; return 1
}

# Raised limits for the throughput scenarios (RL-1 still evaluated on every request). The login burst must
# reach the hashing gate (RL-5), so the auth tiers are raised too; the hashing gate stays at its default.
RAISED=(
  Bulwark__RateLimiting__Global__PermitLimit=1000000
  Bulwark__RateLimiting__Auth__PermitLimit=1000000
  Bulwark__RateLimiting__Login__PermitLimit=1000000
  Bulwark__RateLimiting__User__PermitLimit=1000000
  # BAN-1 detectors still run on every request but only report: the 401 scenario alone would otherwise ban 127.0.0.1
  # (anonymous 401s count as probing) and turn every later scenario into the ban path.
  Bulwark__Bans__ReportOnly=true
  Bulwark__Bans__AuthFailureThreshold=1000000
  Bulwark__Bans__ValidationFailureThreshold=1000000
  Bulwark__Bans__UnknownPathThreshold=1000000
  Bulwark__Sessions__MaxSessionsPerUser=1000
  # AUTH-8: the harness seeds and signs in as the demo admin with the password alone (the second factor is a login
  # step, not a per-request cost: it changes none of the measured paths).
  Bulwark__Mfa__RequiredRoles=
)
declare -A PORT PID
start_api() {   # name datadir [env...]
  local name=$1 data=$2; shift 2
  PORT[$name]=$(free_port)
  # Plain HTTP on loopback (TLS-1 opt-in, as behind a TLS-terminating proxy): the figures exclude TLS, like the peers'.
  env ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development BULWARK_DATA_DIR="$data" Bulwark__Tls__AllowPlainHttp=true "$@" \
    dotnet "$API_DLL" --urls "http://127.0.0.1:${PORT[$name]}" >"$TMP/$name.log" 2>&1 &
  PID[$name]=$!
  PIDS+=("$!")
  wait_http "http://127.0.0.1:${PORT[$name]}/health/live"
}
login() {   # port -> access token of admin@demo.example
  curl -fsS "http://127.0.0.1:$1/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"tenant":"demo","email":"admin@demo.example","password":"'"${BULWARK_DEMO_PASSWORD:-Bulwark-Demo-2026!}"'"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])'
}

same_total() {   # bare-url api-url token: the baseline must read the rows the secured list reads (else its ratio means nothing)
  local bare api
  bare=$(curl -fsS "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["totalCount"])')
  api=$(curl -fsS "$2" -H "Authorization: Bearer $3" | python3 -c 'import json,sys; print(json.load(sys.stdin)["totalCount"])')
  [[ $bare == "$api" && $bare -gt 0 ]] || { log "the bare endpoint lists $bare items, the API $api: baseline broken"; exit 1; }
  log "bare endpoint and API both list $api items"
}

# RL-4: the allow-list is the off switch of the limiter + ban check (the limits-off instances, issue 6).
NOLIMIT=(Bulwark__RateLimiting__AllowList__0=127.0.0.1)
LIST="/api/v1/items?page=1&pageSize=50"
RESULTS=$TMP/results.jsonl
MODE=embedded
: >"$RESULTS"
rss_sampler() {   # pid outfile: max VmRSS in kB while running
  local max=0 v
  while kill -0 "$1" 2>/dev/null; do
    v=$(awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0)
    if [[ ${v:-0} -gt $max ]]; then max=$v; echo "$max" >"$2.tmp" && mv -f "$2.tmp" "$2"; fi
    sleep 0.5
  done
}
run_wrk() {   # round scenario instance url [wrk args...]
  local round=$1 scenario=$2 instance=$3 url=$4; shift 4
  local out=$TMP/wrk-$round-$scenario.txt rssfile=$TMP/rss-$round-$scenario
  echo 0 >"$rssfile"
  rss_sampler "${PID[$instance]}" "$rssfile" & local sampler=$!
  local counting=""
  if [[ $MODE == scaled && $instance != bare* ]]; then counting=1; redis-cli -p "$REDIS_PORT" CONFIG RESETSTAT >/dev/null; fi
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url" >"$out" 2>&1 || true
  kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
  local calls=""
  # Round trips of the request path: EVAL/EVALSHA (commands run inside a script are not round trips).
  if [[ -n $counting ]]; then calls=$(redis-cli -p "$REDIS_PORT" INFO commandstats |
    awk -F'[:=,]' '/^cmdstat_(eval|evalsha):/ {n += $3} END {print n + 0}'); fi
  python3 bench/report.py parse "$out" | python3 -c '
import json,sys
r=json.load(sys.stdin); r.update(mode=sys.argv[4], round=int(sys.argv[1]), scenario=sys.argv[2], rss_mb=int(sys.argv[3] or 0)/1024 or None)
if sys.argv[5] and r.get("requests"): r["redis_calls_per_request"] = int(sys.argv[5]) / r["requests"]
print(json.dumps(r))' "$round" "$scenario" "$(cat "$rssfile" 2>/dev/null || echo 0)" "$MODE" "$calls" >>"$RESULTS"
  log "round $round $scenario: $(tail -n1 "$RESULTS")"
}

if [[ $EMBEDDED == 1 ]]; then   # ---- embedded mode (unindented) ----
log "starting the API (embedded mode) and seeding"
mkdir -p "$TMP/data-api"
start_api api "$TMP/data-api" "${RAISED[@]}"
TOKEN=$(login "${PORT[api]}")
node bench/seed.mjs "http://127.0.0.1:${PORT[api]}" "$TOKEN" "$SEED_ITEMS" "$SEED_EMPLOYEES" "$SEED_ENTRIES" >&2
TENANT=$(curl -fsS "http://127.0.0.1:${PORT[api]}/api/v1/tenants/current" -H "Authorization: Bearer $TOKEN" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
ITEM=$(curl -fsS "http://127.0.0.1:${PORT[api]}/api/v1/items?pageSize=1" -H "Authorization: Bearer $TOKEN" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')

# The flood and ban instances run at the product defaults on a copy of the seeded data folder (the flood instance with
# bans report-only, so its 429 path stays a 429 path).
sleep 1
cp -a "$TMP/data-api" "$TMP/data-flood"
cp -a "$TMP/data-api" "$TMP/data-ban"
start_api flood "$TMP/data-flood" Bulwark__Bans__ReportOnly=true
start_api ban "$TMP/data-ban"
# Issue 6: the cost of the limiter + ban check, as a ratio to the same endpoint with them switched off. RL-4's allow-list
# is the product's own off switch: an allow-listed address is charged no tier and checked against no ban list.
cp -a "$TMP/data-api" "$TMP/data-nolimit"
start_api nolimit "$TMP/data-nolimit" "${RAISED[@]}" "${NOLIMIT[@]}"
# The create scenario writes to its own copy: the list instances (and the bare endpoint, which reads data-api) keep the
# same 10,000 items in every round, so no list figure is compared across different table sizes.
cp -a "$TMP/data-api" "$TMP/data-create"
start_api create "$TMP/data-create" "${RAISED[@]}"
# Like for like with the NestJS peer, which counts the tenant's items on every request: the same list with the product's
# list-count cache off (context for the NestJS target, not a target of its own).
cp -a "$TMP/data-api" "$TMP/data-counting"
start_api counting "$TMP/data-counting" "${RAISED[@]}" Bulwark__Database__ListCountCacheSeconds=0
PORT[bare]=$(free_port)
dotnet "$BARE_DLL" --urls "http://127.0.0.1:${PORT[bare]}" --Database "$TMP/data-api/bulwark.db" --Tenant "$TENANT" \
  >"$TMP/bare.log" 2>&1 &
PID[bare]=$!
PIDS+=("$!")
wait_http "http://127.0.0.1:${PORT[bare]}/items?pageSize=1"
same_total "http://127.0.0.1:${PORT[bare]}/items?pageSize=1" "http://127.0.0.1:${PORT[api]}/api/v1/items?pageSize=1" "$TOKEN"

# The NestJS peer on its own copy of the data folder, verifying tokens with the API's public key.
cp -a "$TMP/data-api" "$TMP/data-nest"
curl -fsS "http://127.0.0.1:${PORT[api]}/.well-known/jwks.json" >"$TMP/jwks.json"
start_peer() {   # name [env...]: the peer (one process unless PEER_WORKERS) on the peers' copy of the data folder
  local name=$1; shift
  PORT[$name]=$(free_port)
  (cd bench/peers/nestjs && exec env "$@" PEER_DB="$TMP/data-nest/bulwark.db" PEER_JWKS="$TMP/jwks.json" \
    PEER_THROTTLE_LIMIT=1000000 PORT=${PORT[$name]} node dist/main.js >"$TMP/$name.log" 2>&1) &
  PID[$name]=$!
  PIDS+=("$!")
  wait_http "http://127.0.0.1:${PORT[$name]}/health/live"
}
start_peer nest
# Context for the NestJS target (the target is against the single process above): the same peer in Node's cluster
# mode, one worker per core, and the peer reusing its count like the product (5 s, dropped on a create).
start_peer nest2 PEER_WORKERS=2
start_peer nestc PEER_COUNT_CACHE_SECONDS=5

# BAN-1: an attack signature (scanner user agent) bans 127.0.0.1 on the ban instance.
curl -s -o /dev/null -A 'sqlmap/1.8#stable (https://sqlmap.org)' "http://127.0.0.1:${PORT[ban]}/api/v1/items" || true
BAN_STATUS=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${PORT[ban]}/health/live" || true)
log "ban instance answers $BAN_STATUS after an attack signature"

API=http://127.0.0.1:${PORT[api]}
log "warm-up"
BENCH_TOKEN=$TOKEN wrk -t2 -c8 -d3s -s bench/wrk/auth.lua "$API$LIST" >/dev/null
wrk -t2 -c8 -d3s "http://127.0.0.1:${PORT[bare]}/items?page=1&pageSize=50" >/dev/null
BENCH_TOKEN=$TOKEN wrk -t2 -c8 -d3s -s bench/wrk/auth.lua "http://127.0.0.1:${PORT[nolimit]}$LIST" >/dev/null
# The flood instance must already be over its limit when the 429 path is measured.
for _ in $(seq 1 300); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:${PORT[flood]}$LIST") == 429 ]] && break
done
# Every measured process is warmed up alike (JIT tiering): the rejection paths and the NestJS peer too.
BENCH_TOKEN=$TOKEN wrk -t2 -c8 -d3s -s bench/wrk/auth.lua "http://127.0.0.1:${PORT[flood]}$LIST" >/dev/null
if [[ $BAN_STATUS == 403 ]]; then BENCH_TOKEN=$TOKEN wrk -t2 -c8 -d3s -s bench/wrk/auth.lua "http://127.0.0.1:${PORT[ban]}$LIST" >/dev/null; fi
for instance in nest nest2 nestc counting; do
  BENCH_TOKEN=$TOKEN wrk -t2 -c8 -d3s -s bench/wrk/auth.lua "http://127.0.0.1:${PORT[$instance]}$LIST" >/dev/null
done

for round in $(seq 1 "$ROUNDS"); do
  export BENCH_TOKEN
  BENCH_TOKEN=$(login "${PORT[api]}")   # a fresh token per round (access tokens live 15 min)
  run_wrk "$round" bare-list bare "http://127.0.0.1:${PORT[bare]}/items?page=1&pageSize=50"
  run_wrk "$round" list api "$API$LIST" -s bench/wrk/auth.lua
  run_wrk "$round" nestjs-list nest "http://127.0.0.1:${PORT[nest]}$LIST" -s bench/wrk/auth.lua
  run_wrk "$round" list-count-uncached counting "http://127.0.0.1:${PORT[counting]}$LIST" -s bench/wrk/auth.lua
  run_wrk "$round" nestjs-list-2-workers nest2 "http://127.0.0.1:${PORT[nest2]}$LIST" -s bench/wrk/auth.lua
  run_wrk "$round" nestjs-list-count-cached nestc "http://127.0.0.1:${PORT[nestc]}$LIST" -s bench/wrk/auth.lua
  run_wrk "$round" bare-get bare "http://127.0.0.1:${PORT[bare]}/items/$ITEM"
  run_wrk "$round" get api "$API/api/v1/items/$ITEM" -s bench/wrk/auth.lua
  export BENCH_RUN=$round
  run_wrk "$round" create create "http://127.0.0.1:${PORT[create]}/api/v1/items" -s bench/wrk/create.lua
  run_wrk "$round" health api "$API/health/live"
  run_wrk "$round" health-limits-off nolimit "http://127.0.0.1:${PORT[nolimit]}/health/live"
  run_wrk "$round" list-limits-off nolimit "http://127.0.0.1:${PORT[nolimit]}$LIST" -s bench/wrk/auth.lua
  run_wrk "$round" list-401 api "$API$LIST"
  run_wrk "$round" flood-429 flood "http://127.0.0.1:${PORT[flood]}$LIST" -s bench/wrk/auth.lua
  if [[ $BAN_STATUS == 403 ]]; then
    run_wrk "$round" ban-403 ban "http://127.0.0.1:${PORT[ban]}$LIST" -s bench/wrk/auth.lua
  fi
  # Login burst: logins hammer the hashing gate while the list is measured.
  wrk -t1 -c16 -d"$((DURATION + 2))s" -s bench/wrk/login.lua "$API/api/v1/auth/login" >"$TMP/wrk-$round-login.txt" 2>&1 &
  burst=$!
  sleep 1
  run_wrk "$round" list-during-login-burst api "$API$LIST" -s bench/wrk/auth.lua
  wait "$burst" || true
  python3 bench/report.py parse "$TMP/wrk-$round-login.txt" | python3 -c '
import json,sys
r=json.load(sys.stdin); r.update(mode="embedded", round=int(sys.argv[1]), scenario="login-burst (concurrent)")
print(json.dumps(r))' "$round" >>"$RESULTS"
done
fi   # ---- end of embedded mode ----

if [[ $SCALED == 1 ]]; then
  log "scaled mode: throwaway PostgreSQL and Redis"
  if ! find_pgbin || ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    install_missing_packages postgresql redis-server
  fi
  start_throwaway_postgres
  start_throwaway_redis
  as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGSOCK" -p "$PGPORT" -U postgres -d postgres \
    -c "CREATE DATABASE bulwark_bench OWNER bulwark_owner" >/dev/null
  SCALED_ENV=(
    Bulwark__Database__Provider=Postgres
    "Bulwark__Database__ConnectionString=Host=127.0.0.1;Port=$PGPORT;Database=bulwark_bench;Username=bulwark_app;Password=$PGAPPPASS"
    "Bulwark__Database__MigrationConnectionString=Host=127.0.0.1;Port=$PGPORT;Database=bulwark_bench;Username=bulwark_owner;Password=$PGOWNERPASS"
    Bulwark__Database__AutoMigrate=true
    "Bulwark__Redis__Configuration=127.0.0.1:$REDIS_PORT"
  )
  mkdir -p "$TMP/data-scaled"
  start_api scaled "$TMP/data-scaled" "${RAISED[@]}" "${SCALED_ENV[@]}"
  TOKEN=$(login "${PORT[scaled]}")
  node bench/seed.mjs "http://127.0.0.1:${PORT[scaled]}" "$TOKEN" "$SEED_ITEMS" "$SEED_EMPLOYEES" "$SEED_ENTRIES" >&2
  SCALED_API=http://127.0.0.1:${PORT[scaled]}
  # A second instance on the same database and Redis with the limiter and ban check off (allow-list, as above).
  mkdir -p "$TMP/data-scaled-nolimit"
  start_api scaled-nolimit "$TMP/data-scaled-nolimit" "${RAISED[@]}" "${SCALED_ENV[@]}" "${NOLIMIT[@]}"
  SCALED_NOLIMIT=http://127.0.0.1:${PORT[scaled-nolimit]}
  ITEM=$(curl -fsS "$SCALED_API/api/v1/items?pageSize=1" -H "Authorization: Bearer $TOKEN" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
  # The scaled mode's baseline: the same bare endpoint on the same PostgreSQL database (the owner's connection: no
  # row-level security, which is part of what the secured figure pays for), with the product's Npgsql settings
  # (Max Auto Prepare, as ErpServiceCollectionExtensions.PostgresConnectionString sets it).
  SCALED_TENANT=$(curl -fsS "$SCALED_API/api/v1/tenants/current" -H "Authorization: Bearer $TOKEN" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  PORT[bare-pg]=$(free_port)
  dotnet "$BARE_DLL" --urls "http://127.0.0.1:${PORT[bare-pg]}" --Tenant "$SCALED_TENANT" \
    --Postgres "Host=127.0.0.1;Port=$PGPORT;Database=bulwark_bench;Username=bulwark_owner;Password=$PGOWNERPASS;Max Auto Prepare=64" \
    >"$TMP/bare-pg.log" 2>&1 &
  PID[bare-pg]=$!
  PIDS+=("$!")
  wait_http "http://127.0.0.1:${PORT[bare-pg]}/items?pageSize=1"
  same_total "http://127.0.0.1:${PORT[bare-pg]}/items?pageSize=1" "$SCALED_API/api/v1/items?pageSize=1" "$TOKEN"
  wrk -t2 -c8 -d3s "http://127.0.0.1:${PORT[bare-pg]}/items?page=1&pageSize=50" >/dev/null
  BENCH_TOKEN=$TOKEN wrk -t2 -c8 -d3s -s bench/wrk/auth.lua "$SCALED_API$LIST" >/dev/null
  BENCH_TOKEN=$TOKEN wrk -t2 -c8 -d3s -s bench/wrk/auth.lua "$SCALED_NOLIMIT$LIST" >/dev/null
  # Rounds start from the same database state: autovacuum/autoanalyze after the seed and after each round's create
  # (thousands of new rows) would otherwise run during whichever list scenario came next.
  settle_postgres() {
    as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGSOCK" -p "$PGPORT" -U postgres -d bulwark_bench \
      -c "VACUUM (ANALYZE)" >/dev/null
  }
  settle_postgres
  MODE=scaled
  for round in $(seq 1 "$ROUNDS"); do
    export BENCH_TOKEN
    BENCH_TOKEN=$(login "${PORT[scaled]}")
    run_wrk "$round" bare-list bare-pg "http://127.0.0.1:${PORT[bare-pg]}/items?page=1&pageSize=50"
    run_wrk "$round" list scaled "$SCALED_API$LIST" -s bench/wrk/auth.lua
    run_wrk "$round" list-limits-off scaled-nolimit "$SCALED_NOLIMIT$LIST" -s bench/wrk/auth.lua
    run_wrk "$round" get scaled "$SCALED_API/api/v1/items/$ITEM" -s bench/wrk/auth.lua
    run_wrk "$round" health scaled "$SCALED_API/health/live"
    run_wrk "$round" health-limits-off scaled-nolimit "$SCALED_NOLIMIT/health/live"
    run_wrk "$round" list-401 scaled "$SCALED_API$LIST"
    # Last: both scaled instances and the bare endpoint share one database, so the rows it adds must not fall between
    # two list figures of one round (the next round's list scenarios all see them alike).
    export BENCH_RUN=s$round
    run_wrk "$round" create scaled "$SCALED_API/api/v1/items" -s bench/wrk/create.lua
    settle_postgres
  done
fi

{
  echo "# Bulwark benchmark results"
  echo
  echo "Produced by \`bench/run.sh --rounds $ROUNDS --duration $DURATION --connections $CONNECTIONS\` on $(date -u +%Y-%m-%d) (commit $(git rev-parse --short HEAD))."
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem/ {print $2}') GiB,"
  echo "$(. /etc/os-release; echo "$PRETTY_NAME"), .NET $(dotnet --version), wrk $(wrk -v 2>&1 | head -n1 | awk '{print $2}'); load generator and servers share the machine (loopback)."
  echo "wrk: 2 threads, $CONNECTIONS connections, ${DURATION} s per scenario; rounds alternate bare and secured runs."
  echo "Seeded through the API: $SEED_ITEMS items, $SEED_EMPLOYEES employees, $SEED_ENTRIES journal entries (demo tenant)."
  echo "Ratios are per round (bare and secured measured minutes apart in the same run), then the median over rounds."
  echo "Scaled mode: the API on PostgreSQL $(basename "$(dirname "${PGBIN:-/x/none/bin}")") (application role) + Redis $(redis-server --version 2>/dev/null | awk '{print $3}' | cut -d= -f2) on this machine;"
  echo "its bare-list row is the same bare endpoint on the same PostgreSQL database (owner connection, no row-level security). Plain HTTP on loopback: no TLS cost in any figure."
} >"$TMP/header.md"
python3 bench/report.py table "$RESULTS" "$TMP/header.md" >"$OUT"
mkdir -p bench/results
cp "$RESULTS" "bench/results/$(date -u +%Y%m%dT%H%M%SZ).jsonl"
log "wrote $OUT"
