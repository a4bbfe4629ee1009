#!/usr/bin/env bash
# Installs the sidecar as a systemd service: code in /opt/sidecar, config in /etc/sidecar, runs as the
# unprivileged user "sidecar", restarts on failure, starts at boot. Run as root from a built checkout
# (npm ci done). Re-running it upgrades the code and keeps /etc/sidecar as it is.
#
#   sudo deploy/install.sh            install, enable and start
#   DESTDIR=/tmp/root deploy/install.sh --no-systemctl   lay the files out under DESTDIR only (packaging, tests)
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
prefix=${PREFIX:-/opt/sidecar}
destdir=${DESTDIR:-}
systemctl=yes
[ "${1:-}" = "--no-systemctl" ] && systemctl=no

die() { echo "install.sh: $*" >&2; exit 1; }
node_bin=$(command -v node) || die "node is not on PATH (Node.js 20.19 or later is needed)"
major=$("$node_bin" -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || die "Node.js $major is too old; 20.19 or later is needed"
[ -f "$here/dist/cli.js" ] || die "dist/ is missing: run 'npm ci' in $here first"
if [ -z "$destdir" ] && [ "$(id -u)" -ne 0 ]; then die "run as root (or set DESTDIR to lay out files elsewhere)"; fi

if [ -z "$destdir" ] && ! id -u sidecar >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin sidecar
fi
group=$( [ -z "$destdir" ] && echo sidecar || id -gn )

# Code: the build plus production dependencies only.
install -d "$destdir$prefix"
rm -rf "$destdir$prefix/dist"
cp -R "$here/dist" "$here/package.json" "$here/package-lock.json" "$here/README.md" "$here/plugins.schema.json" "$destdir$prefix/"
(cd "$destdir$prefix" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)

# Config: never overwritten; the token lives in sidecar.env, readable by root and the service only.
install -d -m 0750 -g "$group" "$destdir/etc/sidecar"
[ -f "$destdir/etc/sidecar/plugins.json" ] ||
  sed "s|\"\\\$schema\": \"./plugins.schema.json\"|\"\$schema\": \"$prefix/plugins.schema.json\"|" "$here/plugins.json" > "$destdir/etc/sidecar/plugins.json"
if [ ! -f "$destdir/etc/sidecar/sidecar.env" ]; then
  install -m 0640 -g "$group" /dev/null "$destdir/etc/sidecar/sidecar.env"
  cat > "$destdir/etc/sidecar/sidecar.env" <<ENV
# Environment of the sidecar service; plugins.json reads these through \${VAR}.
HUB_URL=ws://hub.example:4000/ws
SIDECAR_TOKEN=
#OLLAMA_URL=http://127.0.0.1:11434
#LOG_LEVEL=info
ENV
fi
chmod 0640 "$destdir/etc/sidecar/plugins.json"
[ -z "$destdir" ] && chgrp sidecar "$destdir/etc/sidecar/plugins.json"

install -d "$destdir/etc/systemd/system"
sed -e "s|@NODE@|$node_bin|g" -e "s|@PREFIX@|$prefix|g" "$here/deploy/sidecar.service" > "$destdir/etc/systemd/system/sidecar.service"

if [ "$systemctl" = yes ] && [ -z "$destdir" ]; then
  systemctl daemon-reload
  systemctl enable sidecar.service
  systemctl restart sidecar.service
  echo "sidecar installed and started. Edit /etc/sidecar/sidecar.env (HUB_URL, SIDECAR_TOKEN), then: systemctl restart sidecar"
  echo "Check it: systemctl status sidecar; journalctl -u sidecar -f; $node_bin $prefix/dist/cli.js status --status-file /run/sidecar/status.json"
else
  echo "files laid out under ${destdir:-/}; systemctl not run"
fi
