import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GpuOptions } from '../../../../src/plugins/collectors/gpu/config.js';
import { nvidiaSmiCommands } from '../../../../src/plugins/collectors/gpu/nvidia-smi.js';
import { gpuSourcesFor, type GpuHost } from '../../../../src/plugins/collectors/gpu/sources.js';
import { ToolNotFoundError, type RunTool } from '../../../../src/plugins/collectors/shared/run-tool.js';

const DEFAULTS: GpuOptions = { vendor: 'auto', nvidia_smi: 'nvidia-smi', rocm_smi: 'rocm-smi', amd_source: 'auto', sysfs_path: '/sys' };
const NVSMI = 'C:\\Program Files\\NVIDIA Corporation\\NVSMI\\nvidia-smi.exe';
const never = () => new AbortController().signal;
const refuse: RunTool = (command) => Promise.reject(new ToolNotFoundError(command));
const host = (platform: NodeJS.Platform, run: RunTool = refuse, env: NodeJS.ProcessEnv = {}): GpuHost => ({ platform, env, run });
const names = (options: Partial<GpuOptions>, platform: NodeJS.Platform) => gpuSourcesFor({ ...DEFAULTS, ...options }, host(platform)).map((s) => s.name);
const drm = `${path.join('/sys', 'class', 'drm')} (amdgpu)`;

describe('gpuSourcesFor', () => {
  it('picks what each OS has for "auto"', () => {
    expect(names({}, 'darwin')).toEqual(['/usr/sbin/ioreg']);
    expect(names({}, 'linux')).toEqual(['nvidia-smi', 'rocm-smi', drm]);
    expect(names({}, 'win32')).toEqual([`nvidia-smi or ${NVSMI}`, 'rocm-smi']);
    expect(names({}, 'freebsd')).toEqual(['nvidia-smi', 'rocm-smi']);
  });

  it('keeps to the vendor asked for, and reads AMD per amd_source', () => {
    expect(names({ vendor: 'nvidia' }, 'linux')).toEqual(['nvidia-smi']);
    expect(names({ vendor: 'apple' }, 'linux')).toEqual(['/usr/sbin/ioreg']);
    expect(names({ vendor: 'amd' }, 'linux')).toEqual(['rocm-smi', drm]);
    expect(names({ vendor: 'amd', amd_source: 'sysfs' }, 'linux')).toEqual([drm]);
    expect(names({ vendor: 'amd', amd_source: 'rocm-smi' }, 'linux')).toEqual(['rocm-smi']);
    expect(names({ vendor: 'amd', amd_source: 'sysfs', sysfs_path: '/host/sys' }, 'linux')).toEqual([`${path.join('/host/sys', 'class', 'drm')} (amdgpu)`]);
  });
});

describe('nvidia-smi on Windows', () => {
  it('falls back to the NVSMI folder under %ProgramFiles% when nvidia-smi is not on PATH', async () => {
    const tried: string[] = [];
    const run: RunTool = (command) => {
      tried.push(command);
      return command === NVSMI ? Promise.resolve('0, NVIDIA GeForce GTX 1080, 8192, 1024, 3, 40\r\n') : Promise.reject(new ToolNotFoundError(command));
    };
    const [nvidia] = gpuSourcesFor({ ...DEFAULTS, vendor: 'nvidia' }, host('win32', run, { ProgramFiles: 'C:\\Program Files' }));
    expect(await nvidia!.read(never())).toEqual([
      { index: 0, name: 'NVIDIA GeForce GTX 1080', vram_total_bytes: 8192 * 1024 * 1024, vram_used_bytes: 1024 * 1024 * 1024, util_percent: 3, temperature_c: 40 },
    ]);
    expect(tried).toEqual(['nvidia-smi', NVSMI]);
  });

  it('builds the folder with Windows paths whatever OS the tests run on, from %ProgramW6432% first', () => {
    expect(nvidiaSmiCommands('nvidia-smi', 'win32', { ProgramFiles: 'D:\\Apps' })).toEqual(['nvidia-smi', 'D:\\Apps\\NVIDIA Corporation\\NVSMI\\nvidia-smi.exe']);
    expect(nvidiaSmiCommands('nvidia-smi', 'win32', { ProgramFiles: 'C:\\Program Files (x86)', ProgramW6432: 'C:\\Program Files' })[1]).toBe(NVSMI);
    expect(nvidiaSmiCommands('nvidia-smi', 'win32', {})[1]).toBe(NVSMI);
  });

  it('does not second-guess a command the operator named, nor look there on other OSes', () => {
    expect(nvidiaSmiCommands('C:\\tools\\nvidia-smi.exe', 'win32', {})).toEqual(['C:\\tools\\nvidia-smi.exe']);
    expect(nvidiaSmiCommands('nvidia-smi', 'linux', {})).toEqual(['nvidia-smi']);
  });

  it('is absent when neither place has it', async () => {
    const [nvidia] = gpuSourcesFor({ ...DEFAULTS, vendor: 'nvidia' }, host('win32'));
    expect(await nvidia!.read(never())).toBeUndefined();
  });
});
