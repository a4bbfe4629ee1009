#!/usr/bin/env bash
# Installs the sidecar as a systemd service: code in /opt/sidecar, config in /etc/sidecar, runs as the
# unprivileged user "sidecar", restarts on failure, starts at boot. Run as root from a built checkout
# (npm ci done). Re-running it upgrades the code and keeps /etc/sidecar as it is.
#
#   sudo deploy/install.sh            install, enable and start (on a first install: enable only, until the
#                                     hub's address and token are in /etc/sidecar/sidecar.env)
#   sudo npm_config_offline=true deploy/install.sh   a host without access to the npm registry (uses npm's cache)
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
case "$node_bin" in
  /root/*|/home/*) die "node is at $node_bin, which the service cannot reach (ProtectHome=yes); install Node.js system-wide (e.g. /usr/bin or /usr/local/bin) first" ;;
esac
[ -f "$here/dist/cli.js" ] || die "dist/ is missing: run 'npm ci' in $here first"
if [ -z "$destdir" ] && [ "$(id -u)" -ne 0 ]; then die "run as root (or set DESTDIR to lay out files elsewhere)"; fi

if [ -z "$destdir" ] && ! id -u sidecar >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin sidecar
fi
# GPU tools need the device groups; only those this host has (render comes with udev, video may not exist).
if [ -z "$destdir" ]; then
  for g in video render; do getent group "$g" >/dev/null && usermod -aG "$g" sidecar; done
fi
group=$( [ -z "$destdir" ] && echo sidecar || id -gn )

# An upgrade stops the running service first: it must not load a half-replaced tree (a reload, an isolation
# worker, a lazy import) while dist/ and node_modules are being swapped. It is started again below.
if [ "$systemctl" = yes ] && [ -z "$destdir" ] && systemctl is-active --quiet sidecar.service 2>/dev/null; then
  systemctl stop sidecar.service
fi

# Code: the build plus production dependencies only.
install -d "$destdir$prefix"
rm -rf "$destdir$prefix/dist"
cp -R "$here/dist" "$here/package.json" "$here/package-lock.json" "$here/README.md" "$here/plugins.schema.json" "$destdir$prefix/"
# --prefer-offline: packages already in npm's cache are not fetched again (npm_config_offline=true: never fetch).
(cd "$destdir$prefix" && npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error)

# Config: never overwritten; the token lives in sidecar.env, readable by root and the service only.
install -d -m 0750 -g "$group" "$destdir/etc/sidecar"
[ -f "$destdir/etc/sidecar/plugins.json" ] ||
  sed "s|\"\\\$schema\": \"./plugins.schema.json\"|\"\$schema\": \"$prefix/plugins.schema.json\"|" "$here/plugins.json" > "$destdir/etc/sidecar/plugins.json"
first_install=no
if [ ! -f "$destdir/etc/sidecar/sidecar.env" ]; then
  first_install=yes
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

check_hint="Check it: systemctl status sidecar; journalctl -u sidecar -f; $node_bin $prefix/dist/cli.js status --status-file /run/sidecar/status.json"
if [ "$systemctl" = yes ] && [ -z "$destdir" ]; then
  systemctl daemon-reload
  systemctl enable sidecar.service
  if [ "$first_install" = yes ]; then
    # Started now it would only knock on hub.example with an empty token.
    echo "sidecar installed and enabled (starts at boot). Set HUB_URL and SIDECAR_TOKEN in /etc/sidecar/sidecar.env, then: systemctl start sidecar"
    echo "$check_hint"
    exit 0
  fi
  systemctl restart sidecar.service
  # `systemctl restart` succeeds as soon as node is started; a process that dies at once (a config error, a
  # refused system call) only shows a moment later, as a unit that is not active.
  sleep 3
  if ! systemctl is-active --quiet sidecar.service; then
    journalctl -u sidecar.service -n 20 --no-pager >&2 || true
    die "sidecar did not stay running (above: its last log lines); fix the cause, then: systemctl restart sidecar"
  fi
  echo "sidecar installed and running."
  echo "$check_hint"
else
  echo "files laid out under ${destdir:-/}; systemctl not run"
fi
