import path from 'node:path';
import type { RunTool } from '../shared/run-tool.js';
import { readAmdSysfs } from './amd-sysfs.js';
import { appleIoregSource } from './apple-ioreg.js';
import type { GpuOptions } from './config.js';
import { toolSource, type GpuSource } from './gpu-source.js';
import { NVIDIA_SMI_ARGS, nvidiaSmiCommands, parseNvidiaSmi } from './nvidia-smi.js';
import { parseRocmSmi, ROCM_SMI_ARGS } from './rocm-smi.js';

/** GpuHost is what the sources need from the host: its OS, environment and a way to run tools. Tests pass their own. */
export interface GpuHost {
  readonly platform: NodeJS.Platform;
  readonly env: NodeJS.ProcessEnv;
  readonly run: RunTool;
}

/** amdSysfsSource reads AMD GPUs from the amdgpu driver's files under `sysfsPath`. */
function amdSysfsSource(sysfsPath: string): GpuSource {
  return { name: `${path.join(sysfsPath, 'class', 'drm')} (amdgpu)`, read: (signal) => readAmdSysfs(sysfsPath, signal) };
}

/**
 * gpuSourcesFor lists the sources to try, in order, for the configured vendor on this OS: the one place where
 * the gpu collector looks at the platform. `auto` is ioreg on macOS; elsewhere nvidia-smi (on Windows also from
 * the NVSMI folder), then AMD. AMD is rocm-smi, then the sysfs files where rocm-smi is absent (Linux only), or
 * one of them per `amd_source`.
 */
export function gpuSourcesFor(options: GpuOptions, host: GpuHost): GpuSource[] {
  const nvidia = toolSource(nvidiaSmiCommands(options.nvidia_smi, host.platform, host.env), NVIDIA_SMI_ARGS, parseNvidiaSmi, host.run);
  const rocm = toolSource([options.rocm_smi], ROCM_SMI_ARGS, parseRocmSmi, host.run);
  const amd =
    options.amd_source === 'rocm-smi'
      ? [rocm]
      : options.amd_source === 'sysfs'
        ? [amdSysfsSource(options.sysfs_path)]
        : host.platform === 'linux'
          ? [rocm, amdSysfsSource(options.sysfs_path)]
          : [rocm];
  switch (options.vendor) {
    case 'nvidia':
      return [nvidia];
    case 'amd':
      return amd;
    case 'apple':
      return [appleIoregSource(host.run)];
    case 'auto':
      return host.platform === 'darwin' ? [appleIoregSource(host.run)] : [nvidia, ...amd];
  }
}
