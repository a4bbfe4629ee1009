// compare-nvidia.mjs BEFORE.csv AFTER.csv REPORT.json METRICS.txt: nvidia-smi's answers (taken just before and
// just after the sidecar's) against the report and the /metrics page. Totals and names must match exactly; used
// memory, utilisation and temperature move, so they must lie within what nvidia-smi itself saw, give or take a
// small margin. Prints one line per GPU and field; exit 1 on any mismatch.
import { readFileSync } from 'node:fs';

const [beforeFile, afterFile, reportFile, metricsFile] = process.argv.slice(2);
const MIB = 1024 * 1024;
const rows = (file) =>
  readFileSync(file, 'utf8').trim().split('\n').map((line) => {
    const [index, name, total, used, util, temp] = line.split(',').map((s) => s.trim());
    const n = (s) => (/^\d+(\.\d+)?$/.test(s) ? Number(s) : null);
    return { index: Number(index), name, total: n(total), used: n(used), util: n(util), temp: n(temp) };
  });
const before = rows(beforeFile);
const after = rows(afterFile);
const report = JSON.parse(readFileSync(reportFile, 'utf8'));
const page = readFileSync(metricsFile, 'utf8');
const metric = (name, gpu) => {
  const line = page.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`gpu="${gpu}"`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

let failures = 0;
const check = (label, ok, detail) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}: ${detail}`);
  if (!ok) failures++;
};
const within = (value, a, b, margin) => value !== null && value !== undefined && value >= Math.min(a, b) - margin && value <= Math.max(a, b) + margin;

check('gpu count', (report.gpus ?? []).length === before.length, `sidecar ${(report.gpus ?? []).length}, nvidia-smi ${before.length}`);
for (const smi of before) {
  const later = after.find((r) => r.index === smi.index) ?? smi;
  const gpu = (report.gpus ?? []).find((g) => g.index === smi.index) ?? {};
  const tag = `gpu ${smi.index}`;
  check(`${tag} name`, gpu.name === smi.name, `sidecar ${JSON.stringify(gpu.name)}, nvidia-smi ${JSON.stringify(smi.name)}`);
  check(`${tag} vram_total_bytes`, gpu.vram_total_bytes === smi.total * MIB, `sidecar ${gpu.vram_total_bytes}, nvidia-smi ${smi.total} MiB = ${smi.total * MIB}`);
  check(`${tag} vram_used_bytes`, within(gpu.vram_used_bytes, smi.used * MIB, later.used * MIB, 64 * MIB), `sidecar ${gpu.vram_used_bytes}, nvidia-smi ${smi.used}..${later.used} MiB (±64 MiB)`);
  if (smi.util !== null) check(`${tag} util_percent`, within(gpu.util_percent, smi.util, later.util, 15), `sidecar ${gpu.util_percent}, nvidia-smi ${smi.util}..${later.util} (±15)`);
  if (smi.temp !== null) check(`${tag} temperature_c`, within(gpu.temperature_c, smi.temp, later.temp, 5), `sidecar ${gpu.temperature_c}, nvidia-smi ${smi.temp}..${later.temp} (±5)`);
  const pageTotal = metric('sidecar_gpu_device_vram_total_bytes', smi.index);
  check(`${tag} /metrics vram_total`, pageTotal === smi.total * MIB, `page ${pageTotal}, nvidia-smi ${smi.total * MIB}`);
  const pageUsed = metric('sidecar_gpu_device_vram_used_bytes', smi.index);
  check(`${tag} /metrics vram_used`, within(pageUsed, smi.used * MIB, later.used * MIB, 64 * MIB), `page ${pageUsed}, nvidia-smi ${smi.used}..${later.used} MiB`);
}
const sum = before.reduce((a, r) => a + r.total * MIB, 0);
check('report vram_total_bytes (sum)', report.vram_total_bytes === sum, `sidecar ${report.vram_total_bytes}, nvidia-smi sum ${sum}`);
console.log(failures === 0 ? 'nvidia: sidecar agrees with nvidia-smi' : `nvidia: ${failures} mismatch(es)`);
process.exit(failures === 0 ? 0 : 1);
