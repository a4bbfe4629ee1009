import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createGpuCollector } from '../../../../src/plugins/collectors/gpu/collector.js';
import type { GpuOptions } from '../../../../src/plugins/collectors/gpu/config.js';
import { NVIDIA_SMI_ARGS } from '../../../../src/plugins/collectors/gpu/nvidia-smi.js';
import { ROCM_SMI_ARGS } from '../../../../src/plugins/collectors/gpu/rocm-smi.js';
import { IOREG, IOREG_ARGS, SYSCTL } from '../../../../src/plugins/collectors/gpu/apple-ioreg.js';
import { runTool, type RunTool } from '../../../../src/plugins/collectors/shared/run-tool.js';
import { memoryLogger } from '../../../helpers/memory-logger.js';
import { argsOf, fakeTool, printing, removeTempDirs, tempDir } from '../shared/fake-tools.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const NULLS = { vram_total_bytes: null, gpu_vram_used_bytes: null, gpu_util_percent: null, gpus: null };
const never = () => new AbortController().signal;

/**
 * setup makes a directory whose nvidia-smi, rocm-smi, ioreg and sysctl do not exist until a test writes them; macOS's
 * tools, which the collector runs by absolute path, are run from there instead.
 */
function setup(vendor: GpuOptions['vendor'] = 'auto', platform: NodeJS.Platform = 'linux') {
  const dir = tempDir();
  // sysfs_path is the same empty folder: no class/drm there, so no amdgpu card, whatever this machine has.
  const options = { vendor, nvidia_smi: path.join(dir, 'nvidia-smi'), rocm_smi: path.join(dir, 'rocm-smi'), amd_source: 'auto' as const, sysfs_path: dir };
  const log = memoryLogger('info');
  const macTools = new Map([[IOREG, path.join(dir, 'ioreg')], [SYSCTL, path.join(dir, 'sysctl')]]);
  const run: RunTool = (command, args, signal) => runTool(macTools.get(command) ?? command, args, signal);
  const collector = createGpuCollector(options, log.logger, { platform, env: {}, run });
  const infos = () => log.records().filter((r) => r['level'] === 30);
  return { dir, options, collector, infos };
}

afterEach(removeTempDirs);

describe.skipIf(process.platform === 'win32')('gpu collector with fake tools', () => {
  // Each fixtures/<case>/ holds what the tool prints (nvidia-smi.txt, rocm-smi.json, or ioreg.txt from a Mac) and the
  // expected fields. The Mac cases run as on macOS, without an iogpu.wired_limit_mb (the sysctl does not exist).
  const ARGS: Record<string, readonly string[]> = { 'nvidia-smi': NVIDIA_SMI_ARGS, 'rocm-smi': ROCM_SMI_ARGS, ioreg: IOREG_ARGS };
  const cases = readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  it.each(cases)('%s', async (name) => {
    const files = readdirSync(path.join(FIXTURES, name));
    const output = files.find((f) => f !== 'expected.json')!;
    const tool = path.parse(output).name;
    const { dir, collector } = setup('auto', tool === 'ioreg' ? 'darwin' : 'linux');
    fakeTool(dir, tool, printing(dir, tool, path.join(FIXTURES, name, output)));
    const expected: unknown = JSON.parse(readFileSync(path.join(FIXTURES, name, 'expected.json'), 'utf8'));
    expect(await collector.collect(never())).toEqual(expected);
    expect(argsOf(dir, tool)).toEqual(ARGS[tool]);
  });

  it('on macOS reports the wired limit an operator set as the total, and no total for 0', async () => {
    const { dir, collector } = setup('auto', 'darwin');
    fakeTool(dir, 'ioreg', printing(dir, 'ioreg', path.join(FIXTURES, 'apple-m4', 'ioreg.txt')));
    fakeTool(dir, 'sysctl', 'echo 12288');
    const fields = await collector.collect(never());
    expect(fields.vram_total_bytes).toBe(12288 * 1024 * 1024);
    expect(fields.gpus).toEqual([expect.objectContaining({ vram_total_bytes: 12288 * 1024 * 1024, vram_used_bytes: 430571520 })]);
    fakeTool(dir, 'sysctl', 'echo 0');
    expect((await collector.collect(never())).vram_total_bytes).toBeNull();
  });

  it('on macOS without ioreg reports nulls and says so once', async () => {
    const { collector, infos } = setup('auto', 'darwin');
    expect(await collector.collect(never())).toEqual(NULLS);
    expect(infos()[0]!['msg']).toBe('No GPU tool found (tried /usr/sbin/ioreg); GPU fields are null');
  });

  it('reports nulls and logs once at info when no tool exists, and again only after one went away', async () => {
    const { dir, collector, infos } = setup();
    for (let i = 0; i < 4; i++) expect(await collector.collect(never())).toEqual(NULLS);
    expect(infos()).toHaveLength(1);
    expect(infos()[0]).toMatchObject({ msg: expect.stringMatching(/^No GPU tool found \(tried .*nvidia-smi, .*rocm-smi, .*class\/drm \(amdgpu\)\); GPU fields are null$/) });

    const nvidia = fakeTool(dir, 'nvidia-smi', 'echo "0, X, 1, 1, 1, 1"');
    expect((await collector.collect(never())).gpu_util_percent).toBe(1);
    rmSync(nvidia);
    expect(await collector.collect(never())).toEqual(NULLS);
    expect(await collector.collect(never())).toEqual(NULLS);
    expect(infos()).toHaveLength(2);
  });

  it('in auto mode falls back to rocm-smi and keeps to it', async () => {
    const { dir, collector } = setup();
    fakeTool(dir, 'rocm-smi', printing(dir, 'rocm-smi', path.join(FIXTURES, 'amd-single', 'rocm-smi.json')));
    expect((await collector.collect(never())).vram_total_bytes).toBe(25753026560);
    fakeTool(dir, 'nvidia-smi', 'echo "0, X, 1, 1, 1, 1"');
    expect((await collector.collect(never())).vram_total_bytes).toBe(25753026560);
  });

  it('with vendor "amd" never runs nvidia-smi', async () => {
    const { dir, collector, infos } = setup('amd');
    fakeTool(dir, 'nvidia-smi', 'echo "0, X, 1, 1, 1, 1"');
    expect(await collector.collect(never())).toEqual(NULLS);
    expect(infos()[0]!['msg']).not.toMatch(/nvidia/);
  });

  it.each([
    ['non-zero exit, message on stdout', 'echo "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver."; exit 9', /: exited with code 9: NVIDIA-SMI has failed because/],
    ['non-zero exit, message on stderr', 'echo out; echo "Failed to initialize NVML: Driver/library version mismatch" >&2; exit 18', /: exited with code 18: Failed to initialize NVML/],
    ['non-zero exit, silent', 'exit 3', /: exited with code 3$/],
    ['garbled output', 'echo "No devices were found"', /nvidia-smi: unexpected output: line 1: expected 6 comma-separated values/],
    ['death by signal', 'kill -9 $$', /: killed by SIGKILL$/],
  ])('rejects on %s, without logging', async (_name, body, message) => {
    const { dir, collector, infos } = setup('nvidia');
    fakeTool(dir, 'nvidia-smi', body);
    const err = (await Promise.resolve(collector.collect(never())).then(() => expect.fail('resolved'), (e: unknown) => e)) as Error;
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain('\n');
    expect(infos()).toEqual([]);
  });

  it('rejects a tool that exists but cannot run (not executable), rather than calling it absent', async () => {
    const { dir, collector } = setup('nvidia');
    fakeTool(dir, 'nvidia-smi', 'echo hi', 0o644);
    await expect(collector.collect(never())).rejects.toThrow(/nvidia-smi: .*EACCES/);
  });

  it('rejects garbled rocm-smi output', async () => {
    const { dir, collector } = setup('amd');
    fakeTool(dir, 'rocm-smi', 'echo "ERROR: No AMD GPUs specified"');
    await expect(collector.collect(never())).rejects.toThrow(/rocm-smi: unexpected output: expected a JSON object/);
  });

  it('gives up at the deadline', async () => {
    const { dir, collector } = setup('nvidia');
    fakeTool(dir, 'nvidia-smi', 'sleep 30');
    const started = performance.now();
    await expect(collector.collect(AbortSignal.timeout(200))).rejects.toThrow(/nvidia-smi: timed out$/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('stops a running tool when disposed', async () => {
    const { dir, collector } = setup('nvidia');
    fakeTool(dir, 'nvidia-smi', 'sleep 30');
    const pending = collector.collect(never());
    setTimeout(() => void collector.dispose!(), 100);
    await expect(pending).rejects.toThrow(/nvidia-smi: aborted$/);
  });
});
