#!/usr/bin/env bash
# LOG-4: scans every log a test run wrote for the secrets the suites use and for secret shapes.
#   scripts/scan-logs.sh DIR          exit 0 when no log file below DIR holds one; else lists where (masked), exit 1
#   scripts/scan-logs.sh --self-test  proves each pattern is caught (planted lines) and a clean log passes
# Patterns: the demo and test passwords, JWTs (three base64url parts, header and payload starting "eyJ"),
# Authorization values, the suites' national ids (…NID-digits) and German IBANs (DE + 20 digits).
set -uo pipefail

PATTERNS=(
  'demo password|Bulwark-Demo-2026!'
  'test password|Wrong-Password-123|plum-ocelot-vintage-47|taxonomy-heron-lantern-91'
  'JWT|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}'
  'bearer credential|[Bb]earer [A-Za-z0-9._~+/-]{20,}'
  'national id|NID-[0-9]{5,8}'
  'IBAN|DE[0-9]{20}'
)

scan() { # scan DIR -> prints findings, returns 1 if any
  local dir=$1 found=0 entry name regex hits
  for entry in "${PATTERNS[@]}"; do
    name=${entry%%|*}
    regex=${entry#*|}
    hits=$(grep -rEc -- "$regex" "$dir" 2>/dev/null | grep -v ':0$' || true)
    if [[ -n $hits ]]; then
      found=1
      while IFS= read -r hit; do
        printf 'scan-logs: %s found in %s line(s) of %s\n' "$name" "${hit##*:}" "${hit%:*}"
      done <<<"$hits"
      # One example, masked after its first 12 characters.
      grep -rEoh -m1 -- "$regex" "$dir" 2>/dev/null | head -n1 | sed -E 's/^(.{12}).*/  e.g. \1…/'
    fi
  done
  return "$found"
}

if [[ ${1:-} == --self-test ]]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  printf '{"@m":"HTTP GET /api/v1/items responded 200","UserAgent":"[redacted]"}\n' >"$tmp/clean.log"
  scan "$tmp" >/dev/null || { echo "scan-logs self-test: a clean log was flagged"; exit 1; }
  planted=('pw=Bulwark-Demo-2026!' 'pw=Wrong-Password-123' 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3OCJ9.c2lnbmF0dXJlc2lnbmF0dXJl'
           'Authorization: Bearer abcdefghijklmnopqrstuvwxyz' 'nid=demo-NID-04711' 'iban=DE89370400440532013000')
  for line in "${planted[@]}"; do
    rm -f "$tmp"/*.log
    printf '{"@m":"%s"}\n' "$line" >"$tmp/planted.log"
    if scan "$tmp" >/dev/null; then
      echo "scan-logs self-test: a planted secret was not found (${line:0:16}…)"
      exit 1
    fi
  done
  echo "scan-logs self-test: ${#planted[@]} planted secrets found, a clean log passes"
  exit 0
fi

dir=${1:?usage: scan-logs.sh DIR | --self-test}
files=$(find "$dir" -type f | wc -l)
if scan "$dir"; then
  echo "scan-logs: no secret in $files log files"
  exit 0
fi
exit 1
