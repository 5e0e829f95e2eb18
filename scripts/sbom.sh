#!/usr/bin/env bash
# OPS-5: CycloneDX SBOM of the shipped dependencies (the Bulwark.Api application and everything it restores).
#
#   scripts/sbom.sh [OUTPUT]        default OUTPUT: artifacts/sbom/bulwark-api.cdx.json
#
# Uses @cyclonedx/cdxgen from npm (pinned below; installed once into ~/.cache/bulwark-tools), which reads the
# restored NuGet graph (obj/project.assets.json) — run `dotnet restore` first. Then checks the SBOM: every
# package of src/Bulwark.Api/packages.lock.json (direct and transitive, name and version) must be listed as a
# pkg:nuget component. Exit 1 naming the missing packages otherwise.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CDXGEN_VERSION=12.8.4
TOOLS=${BULWARK_TOOLS_DIR:-$HOME/.cache/bulwark-tools}/cdxgen-$CDXGEN_VERSION
OUTPUT=${1:-artifacts/sbom/bulwark-api.cdx.json}
LOCK=src/Bulwark.Api/packages.lock.json

if [[ ! -x $TOOLS/node_modules/.bin/cdxgen ]]; then
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --omit=optional --loglevel=error "@cyclonedx/cdxgen@$CDXGEN_VERSION" >&2
fi
[[ -f src/Bulwark.Api/obj/project.assets.json ]] || dotnet restore src/Bulwark.Api >&2

mkdir -p "$(dirname "$OUTPUT")"
# --required-only: what ships, not test or build-only projects; --no-install-deps: read the restore graph, change nothing.
CDXGEN_DEBUG_MODE=${CDXGEN_DEBUG_MODE:-} "$TOOLS/node_modules/.bin/cdxgen" -t dotnet --required-only --no-install-deps \
  --project-name Bulwark.Api -o "$OUTPUT" src/Bulwark.Api >"$OUTPUT.log" 2>&1 || { cat "$OUTPUT.log" >&2; exit 1; }

python3 - "$OUTPUT" "$LOCK" <<'PY'
import json, sys
sbom, lock = (json.load(open(p)) for p in sys.argv[1:3])
if sbom.get("bomFormat") != "CycloneDX":
    sys.exit("sbom: not a CycloneDX document")
listed = {(c.get("name", "").lower(), c.get("version")) for c in sbom.get("components", [])
          if c.get("purl", "").startswith("pkg:nuget/")}
wanted = {(name.lower(), dep["resolved"]) for tfm in lock["dependencies"].values()
          for name, dep in tfm.items() if dep.get("type") in ("Direct", "Transitive", "CentralTransitive")}
missing = sorted(f"{n} {v}" for n, v in wanted - listed)
if missing:
    sys.exit("sbom: packages of packages.lock.json missing from the SBOM: " + ", ".join(missing))
print(f"sbom: {sys.argv[1]} lists all {len(wanted)} packages of {sys.argv[2]} (CycloneDX {sbom.get('specVersion')}, {len(listed)} NuGet components)")
PY
