import * as v from 'valibot';
import { nonEmptyString, oneOf, strictObject } from '../../../core/config/schema-parts.js';
import { withFriendlyIssues } from '../../../core/config/validation-messages.js';

/** gpuOptionsSchema checks the gpu collector's options and fills their defaults. */
export const gpuOptionsSchema = withFriendlyIssues(
  strictObject({
    vendor: v.optional(
      v.pipe(
        oneOf(['auto', 'nvidia', 'amd']),
        v.description('Which tool to run: "nvidia" (nvidia-smi), "amd" (rocm-smi), or "auto" (nvidia-smi, then rocm-smi).'),
      ),
      'auto',
    ),
    nvidia_smi: v.optional(
      v.pipe(nonEmptyString(), v.description('The nvidia-smi command: a name looked up on PATH, or a path (relative to plugins.json).')),
      'nvidia-smi',
    ),
    rocm_smi: v.optional(
      v.pipe(nonEmptyString(), v.description('The rocm-smi command: a name looked up on PATH, or a path (relative to plugins.json).')),
      'rocm-smi',
    ),
  }),
);

/** GpuOptions are the gpu collector's options after defaults. */
export type GpuOptions = v.InferOutput<typeof gpuOptionsSchema>;
