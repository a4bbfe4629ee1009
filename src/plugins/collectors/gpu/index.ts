import path from 'node:path';
import { defineCollector } from '../../../plugin.js';
import { createGpuCollector } from './collector.js';
import { gpuOptionsSchema, type GpuOptions } from './config.js';

/** resolveCommand leaves a bare command name for a PATH lookup and resolves a path against plugins.json's folder. */
export function resolveCommand(command: string, configDir: string): string {
  return command.includes('/') || command.includes(path.sep) ? path.resolve(configDir, command) : command;
}

/**
 * gpuCollector reports the GPUs' memory and utilisation: `vram_total_bytes`, `gpu_vram_used_bytes`,
 * `gpu_util_percent` and the per-device list `gpus`, from nvidia-smi, rocm-smi, the amdgpu sysfs files or, on
 * macOS, ioreg. All are null where none of them is present.
 */
export const gpuCollector = defineCollector<GpuOptions>({
  name: 'gpu',
  description: 'GPU memory, utilisation and temperature per device, from nvidia-smi, rocm-smi, amdgpu sysfs or ioreg (macOS).',
  fields: ['vram_total_bytes', 'gpu_vram_used_bytes', 'gpu_util_percent', 'gpus'],
  options: gpuOptionsSchema,
  create: (ctx) =>
    createGpuCollector(
      {
        ...ctx.options,
        nvidia_smi: resolveCommand(ctx.options.nvidia_smi, ctx.configDir),
        rocm_smi: resolveCommand(ctx.options.rocm_smi, ctx.configDir),
        sysfs_path: path.resolve(ctx.configDir, ctx.options.sysfs_path),
      },
      ctx.logger,
    ),
});
