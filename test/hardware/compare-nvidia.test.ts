import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// test/hardware/nvidia.sh needs a real NVIDIA GPU; its comparison is checked here on nvidia-smi's real output.
const SCRIPT = fileURLToPath(new URL('./compare-nvidia.mjs', import.meta.url));
const SMI = fileURLToPath(new URL('../plugins/collectors/gpu/fixtures/nvidia-multi/nvidia-smi.txt', import.meta.url));
const EXPECTED = fileURLToPath(new URL('../plugins/collectors/gpu/fixtures/nvidia-multi/expected.json', import.meta.url));

const dirs: string[] = [];
afterEach(async () => Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true }))));

async function compare(report: Record<string, unknown>, page: string): Promise<{ code: number; out: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sidecar-nvidia-'));
  dirs.push(dir);
  await writeFile(path.join(dir, 'report.json'), JSON.stringify(report));
  await writeFile(path.join(dir, 'metrics.txt'), page);
  return new Promise((resolve) =>
    execFile(process.execPath, [SCRIPT, SMI, SMI, path.join(dir, 'report.json'), path.join(dir, 'metrics.txt')], (err, stdout) =>
      resolve({ code: err ? Number((err as { code?: number }).code) : 0, out: stdout }),
    ),
  );
}

function pageFor(gpus: Array<{ index: number; vram_total_bytes: number; vram_used_bytes: number }>): string {
  return gpus
    .flatMap((g) => [
      `sidecar_gpu_device_vram_total_bytes{agent_id="a",gpu="${g.index}",name="x"} ${g.vram_total_bytes}`,
      `sidecar_gpu_device_vram_used_bytes{agent_id="a",gpu="${g.index}",name="x"} ${g.vram_used_bytes}`,
    ])
    .join('\n');
}

describe('test/hardware/compare-nvidia.mjs', () => {
  it('agrees when the report is what the gpu collector makes of that nvidia-smi output', async () => {
    const expected = JSON.parse(await readFile(EXPECTED, 'utf8'));
    const { code, out } = await compare(expected, pageFor(expected.gpus));
    expect(out).toContain('nvidia: sidecar agrees with nvidia-smi');
    expect(code).toBe(0);
  });

  it('fails, naming the field, when a total is off by one MiB', async () => {
    const expected = JSON.parse(await readFile(EXPECTED, 'utf8'));
    expected.gpus[1].vram_total_bytes -= 1024 * 1024;
    const { code, out } = await compare(expected, pageFor(expected.gpus));
    expect(code).toBe(1);
    expect(out).toMatch(/FAIL gpu 1 vram_total_bytes/);
  });
});
