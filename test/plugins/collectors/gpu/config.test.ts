import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gpuCollector, resolveCommand } from '../../../../src/plugins/collectors/gpu/index.js';
import { memoryLogger } from '../../../helpers/memory-logger.js';
import { fakeTool, removeTempDirs, tempDir } from '../shared/fake-tools.js';

afterEach(removeTempDirs);

const validate = (value: unknown) => gpuCollector.options!['~standard'].validate(value);

describe('gpu manifest', () => {
  it('declares its fields', () => {
    expect(gpuCollector).toMatchObject({ kind: 'collector', apiVersion: 1, name: 'gpu' });
    expect(gpuCollector.fields).toEqual(['vram_total_bytes', 'gpu_vram_used_bytes', 'gpu_util_percent', 'gpus']);
    expect(gpuCollector.identifyFields).toBeUndefined();
  });

  it('fills the defaults', () => {
    expect(validate({})).toEqual({
      value: { vendor: 'auto', nvidia_smi: 'nvidia-smi', rocm_smi: 'rocm-smi', amd_source: 'auto', sysfs_path: '/sys' },
    });
    expect(validate({ vendor: 'amd', rocm_smi: '/opt/rocm/bin/rocm-smi' })).toMatchObject({ value: { vendor: 'amd', rocm_smi: '/opt/rocm/bin/rocm-smi' } });
  });

  it.each([
    [{ vendor: 'intel' }, 'vendor'],
    [{ nvidia_smi: '' }, 'nvidia_smi'],
    [{ rocm_smi: 42 }, 'rocm_smi'],
    [{ amd_source: 'opencl' }, 'amd_source'],
    [{ sysfs_path: '' }, 'sysfs_path'],
  ])('rejects %j', (options, key) => {
    expect(validate(options)).toMatchObject({ issues: [{ path: [key] }] });
  });

  it.each(['nvidia-smi.bat', 'C:\\tools\\rocm-smi.CMD', './wrap.cmd '])('refuses %j as a tool: a .bat or .cmd runs only through a shell', (tool) => {
    for (const key of ['nvidia_smi', 'rocm_smi']) {
      expect(validate({ [key]: tool })).toMatchObject({
        issues: [{ path: [key], message: 'is a .bat or .cmd file, which Windows runs only through a shell; give the program itself (the .exe)' }],
      });
    }
    expect(validate({ nvidia_smi: 'C:\\batch\\nvidia-smi.exe' })).not.toHaveProperty('issues');
  });

  it('rejects unknown options', () => {
    expect(validate({ vendr: 'amd' })).toMatchObject({ issues: [{ code: 'unrecognized_keys' }] });
  });

  it('looks a bare name up on PATH and resolves a path against the config folder', () => {
    expect(resolveCommand('nvidia-smi', '/etc/sidecar')).toBe('nvidia-smi');
    expect(resolveCommand('./bin/nvidia-smi', '/etc/sidecar')).toBe(path.resolve('/etc/sidecar/bin/nvidia-smi'));
    expect(resolveCommand('/usr/bin/rocm-smi', '/etc/sidecar')).toBe(path.resolve('/usr/bin/rocm-smi'));
  });

  it.skipIf(process.platform === 'win32')('create runs a tool named relative to the config folder', async () => {
    const dir = tempDir();
    fakeTool(dir, 'my-smi', 'echo "0, X, 2048, 1024, 50, 40"');
    const { logger } = memoryLogger('info');
    const ctx = {
      name: 'gpu',
      instanceId: 'gpu',
      options: { vendor: 'nvidia' as const, nvidia_smi: './my-smi', rocm_smi: 'rocm-smi', amd_source: 'auto' as const, sysfs_path: '/sys' },
      logger,
      agent: { id: 'a', name: 'a' },
      configDir: dir,
    };
    const collector = await gpuCollector.create(ctx);
    expect(await collector.collect(new AbortController().signal)).toMatchObject({ vram_total_bytes: 2048 * 1024 * 1024, gpu_util_percent: 50 });
  });
});
