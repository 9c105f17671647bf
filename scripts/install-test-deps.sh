#!/usr/bin/env bash
# Installs everything the tests need beyond the .NET SDK:
#   - Debian packages: the gRPC interop protos, grpcio for the Python client,
#     protoc (the Node client builds a descriptor set from the protos at run
#     time), nghttp2-client (h2load, h2 wire-level probing) and redis-server
#     (the cache tests start their own servers).
#   - npm packages of the tests (the Node interop client, the GeoJSON validator), via npm ci.
# Idempotent and non-interactive: apt is skipped when every package is already
# installed, npm ci is skipped when node_modules matches package-lock.json.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Node packages of the tests: the interop conformance client and the GeoJSON validator of the export tests.
node_dirs=(
  tests/Interop/clients/node
  tests/Krakow.Modules.Maps.Tests/Search/geojson
)

apt_packages=(
  grpc-proto
  python3-grpcio
  python3-grpc-tools
  protobuf-compiler
  nghttp2-client
  redis-server
)

log() { echo "install-test-deps: $*"; }

is_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

missing=()
for pkg in "${apt_packages[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

if ((${#missing[@]} > 0)); then
  sudo_cmd=()
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null || { log "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo_cmd=(sudo -n env DEBIAN_FRONTEND=noninteractive)
  fi
  log "apt-get install ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" </dev/null >/dev/null
else
  log "Debian packages already installed"
fi

# The Node client needs Node.js >= 20 (Debian 12's own nodejs is 18, too old
# for @connectrpc/connect-node), so it must already be on the machine.
command -v node >/dev/null || { log "node not found (Node.js >= 20 required)" >&2; exit 1; }
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if ((node_major < 20)); then
  log "Node.js $(node --version) is too old (>= 20 required)" >&2
  exit 1
fi

# npm ci wipes and reinstalls node_modules; skip it when the installed tree
# already matches the lock file (npm writes its copy to node_modules/.package-lock.json).
for relative in "${node_dirs[@]}"; do
  dir="$repo_root/$relative"
  if [[ -f "$dir/node_modules/.package-lock.json" ]] \
     && node -e '
       const fs = require("fs");
       const lock = JSON.parse(fs.readFileSync(process.argv[1], "utf8")).packages;
       const have = JSON.parse(fs.readFileSync(process.argv[2], "utf8")).packages;
       for (const [path, entry] of Object.entries(lock)) {
         if (path === "") continue;
         if (!have[path] || have[path].version !== entry.version) process.exit(1);
       }' "$dir/package-lock.json" "$dir/node_modules/.package-lock.json"; then
    log "node modules already installed in $relative"
  else
    log "npm ci in $relative"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error </dev/null)
  fi
done

log "done"
