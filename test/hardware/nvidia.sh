#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: compare what the sidecar reports (`sidecar collect` and a running daemon's
# /metrics page) with nvidia-smi's own answer, GPU by GPU. Exit 0 when they agree, 1 when not, 3 when there is
# no nvidia-smi here (nothing to compare). Run from anywhere: bash test/hardware/nvidia.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
if ! command -v nvidia-smi >/dev/null; then
  echo "nvidia.sh: no nvidia-smi on PATH: this check needs a machine with an NVIDIA GPU and its driver" >&2
  exit 3
fi
[ -f dist/cli.js ] || npm run --silent build || exit 1
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
cat > "$tmp/plugins.json" <<JSON
{
  "agent": { "id": "nvidia-check", "initial_delay_ms": 0, "interval_ms": 1000 },
  "collectors": [{ "plugin": "gpu", "options": { "vendor": "nvidia" } }, { "plugin": "memory" }],
  "transports": [{ "plugin": "prometheus", "options": { "port": $port } }]
}
JSON
query=index,name,memory.total,memory.used,utilization.gpu,temperature.gpu
nvidia-smi --query-gpu=$query --format=csv,noheader,nounits > "$tmp/before.csv" || exit 1
node dist/cli.js collect --config "$tmp/plugins.json" > "$tmp/report.json" 2> "$tmp/collect.log" || { cat "$tmp/collect.log" >&2; exit 1; }
node dist/cli.js run --config "$tmp/plugins.json" --status-file "$tmp/status.json" > /dev/null 2> "$tmp/run.log" &
pid=$!
for _ in $(seq 1 50); do
  curl -fsS "http://127.0.0.1:$port/metrics" > "$tmp/metrics.txt" 2>/dev/null && grep -q '^sidecar_gpu_device_vram_total_bytes' "$tmp/metrics.txt" && break
  sleep 0.2
done
nvidia-smi --query-gpu=$query --format=csv,noheader,nounits > "$tmp/after.csv" || exit 1
nvidia-smi --version 2>/dev/null | head -n 3 || nvidia-smi | head -n 4
node test/hardware/compare-nvidia.mjs "$tmp/before.csv" "$tmp/after.csv" "$tmp/report.json" "$tmp/metrics.txt"
