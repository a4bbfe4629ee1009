import { z } from 'zod';

/** gpuOptionsSchema checks the gpu collector's options and fills their defaults. */
export const gpuOptionsSchema = z.strictObject({
  vendor: z
    .enum(['auto', 'nvidia', 'amd'])
    .default('auto')
    .describe('Which tool to run: "nvidia" (nvidia-smi), "amd" (rocm-smi), or "auto" (nvidia-smi, then rocm-smi).'),
  nvidia_smi: z
    .string()
    .min(1)
    .default('nvidia-smi')
    .describe('The nvidia-smi command: a name looked up on PATH, or a path (relative to plugins.json).'),
  rocm_smi: z
    .string()
    .min(1)
    .default('rocm-smi')
    .describe('The rocm-smi command: a name looked up on PATH, or a path (relative to plugins.json).'),
});

/** GpuOptions are the gpu collector's options after defaults. */
export type GpuOptions = z.output<typeof gpuOptionsSchema>;
