#!/usr/bin/env bash
# npm run test:prometheus: the Grafana dashboard and promtool checks against a real Prometheus (Debian's package).
# Installs the package when it is missing and this user may (root with apt-get); otherwise says so and fails.
set -uo pipefail
cd "$(dirname "$0")/../.."
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test:prometheus: installing Debian's prometheus package" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus) >/dev/null 2>&1
  fi
fi
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
  echo "test:prometheus: prometheus and promtool are not installed and could not be (apt-get install prometheus)" >&2
  exit 3
fi
# Debian's package starts a service on :9090 where systemd runs; the tests use their own free ports either way.
exec npx vitest run --config vitest.prometheus.config.ts
