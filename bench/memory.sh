#!/usr/bin/env bash
# Memory probe (issue 7, RSS target): the embedded API under each runtime setting given, one after another, on
# copies of one seeded data folder. Per variant: RSS after start, RSS after a warm-up, req/s of each scenario and the
# peak RSS (VmHWM) over all of them. One-off figures (no alternating rounds): for choosing a setting, not for the
# ratio targets, which bench/run.sh measures.
#   bench/memory.sh > bench/MEMORY.md                 # default vs workstation GC
#   bench/memory.sh --duration 8 "tc-off DOTNET_TieredCompilation=0" "default"
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
DURATION=8
SEED_ITEMS=10000 SEED_EMPLOYEES=1000 SEED_ENTRIES=10000
VARIANTS=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --duration) DURATION=$2; shift 2 ;;
    --seed-items) SEED_ITEMS=$2; shift 2 ;;
    --seed-employees) SEED_EMPLOYEES=$2; shift 2 ;;
    --seed-entries) SEED_ENTRIES=$2; shift 2 ;;
    -*) echo "unknown argument: $1" >&2; exit 2 ;;
    *) VARIANTS+=("$1"); shift ;;
  esac
done
[[ ${#VARIANTS[@]} -gt 0 ]] || VARIANTS=("default" "workstation-gc DOTNET_gcServer=0")
log() { printf 'memory: %s\n' "$*" >&2; }
command -v wrk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

TMP=$(mktemp -d /tmp/bulwark-memory.XXXXXX)
PID=""
cleanup() {
  if [[ -n $PID ]]; then kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

log "building Release"
dotnet build -c Release src/Bulwark.Api/Bulwark.Api.csproj -v q -nologo >/dev/null
API_DLL=$ROOT/src/Bulwark.Api/bin/Release/net10.0/Bulwark.Api.dll
# The throughput settings of bench/run.sh (limits raised but evaluated, detectors report-only, password-only demo admin).
RAISED=(
  Bulwark__RateLimiting__Global__PermitLimit=1000000 Bulwark__RateLimiting__Auth__PermitLimit=1000000
  Bulwark__RateLimiting__Login__PermitLimit=1000000 Bulwark__RateLimiting__User__PermitLimit=1000000
  Bulwark__Bans__ReportOnly=true Bulwark__Bans__AuthFailureThreshold=1000000
  Bulwark__Bans__ValidationFailureThreshold=1000000 Bulwark__Bans__UnknownPathThreshold=1000000
  Bulwark__Sessions__MaxSessionsPerUser=1000 Bulwark__Mfa__RequiredRoles=
)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
BASE=http://127.0.0.1:$PORT
start() {   # datadir [env...]
  local data=$1; shift
  env ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development BULWARK_DATA_DIR="$data" \
    Bulwark__Tls__AllowPlainHttp=true "${RAISED[@]}" "$@" dotnet "$API_DLL" --urls "$BASE" >"$data.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 300); do curl -fsS -o /dev/null "$BASE/health/live" 2>/dev/null && return 0; sleep 0.2; done
  log "the API did not start (see $data.log)"; return 1
}
stop() { kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=""; }
login() {
  curl -fsS "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"tenant":"demo","email":"admin@demo.example","password":"'"${BULWARK_DEMO_PASSWORD:-Bulwark-Demo-2026!}"'"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])'
}
rss_mb() { awk -v k="$1:" '$1 == k {print int($2 / 1024)}' "/proc/$PID/status"; }

log "seeding a data folder ($SEED_ITEMS items, $SEED_EMPLOYEES employees, $SEED_ENTRIES journal entries)"
mkdir -p "$TMP/seeded"
start "$TMP/seeded"
node bench/seed.mjs "$BASE" "$(login)" "$SEED_ITEMS" "$SEED_EMPLOYEES" "$SEED_ENTRIES" >&2
stop

LIST="/api/v1/items?page=1&pageSize=50"
echo "# Bulwark memory probe"
echo
echo "Produced by \`bench/memory.sh --duration $DURATION\` on $(date -u +%Y-%m-%d) (commit $(git rev-parse --short HEAD)); $(nproc) cores,"
echo "wrk 2 threads, 32 connections, ${DURATION} s per scenario, one variant after another (one-off figures, not alternating rounds)."
echo "Seeded: $SEED_ITEMS items, $SEED_EMPLOYEES employees, $SEED_ENTRIES journal entries. Peak RSS is VmHWM over the variant's whole run."
echo
echo "| variant | RSS after start MB | RSS after warm-up MB | list req/s | get req/s | create req/s | health req/s | 401 req/s | peak RSS MB | settings |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for variant in "${VARIANTS[@]}"; do
  read -r -a words <<<"$variant"
  label=${words[0]}
  settings=("${words[@]:1}")
  data=$TMP/run-$label
  cp -a "$TMP/seeded" "$data"
  start "$data" "${settings[@]}"
  started=$(rss_mb VmRSS)
  export BENCH_TOKEN BENCH_RUN=$label
  BENCH_TOKEN=$(login)
  item=$(curl -fsS "$BASE/api/v1/items?pageSize=1" -H "Authorization: Bearer $BENCH_TOKEN" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
  wrk -t2 -c8 -d5s -s bench/wrk/auth.lua "$BASE$LIST" >/dev/null
  wrk -t2 -c8 -d3s -s bench/wrk/auth.lua "$BASE/api/v1/items/$item" >/dev/null
  warm=$(rss_mb VmRSS)
  rps() { wrk -t2 -c32 -d"${DURATION}s" "$@" | awk '/Requests\/sec/ {printf "%d", $2}'; }
  list=$(rps -s bench/wrk/auth.lua "$BASE$LIST")
  get=$(rps -s bench/wrk/auth.lua "$BASE/api/v1/items/$item")
  create=$(rps -s bench/wrk/create.lua "$BASE/api/v1/items")
  health=$(rps "$BASE/health/live")
  unauthorized=$(rps "$BASE$LIST")
  peak=$(rss_mb VmHWM)
  echo "| $label | $started | $warm | $list | $get | $create | $health | $unauthorized | $peak | ${settings[*]:-(none)} |"
  stop
  log "$label done"
done
