import * as v from 'valibot';
import { nonEmptyString, oneOf, strictObject } from '../../../core/config/schema-parts.js';
import { withFriendlyIssues } from '../../../core/config/validation-messages.js';

/**
 * command is a tool's command line option. A `.bat` or `.cmd` file is refused: Windows runs those only through
 * cmd.exe, and a shell would read the arguments' own characters (`%`, `&`, `^`) as its syntax.
 */
function command(description: string, fallback: string) {
  return v.optional(
    v.pipe(
      nonEmptyString(),
      v.check(
        (value) => !/\.(bat|cmd)\s*$/i.test(value),
        'is a .bat or .cmd file, which Windows runs only through a shell; give the program itself (the .exe)',
      ),
      v.description(description),
    ),
    fallback,
  );
}

/** gpuOptionsSchema checks the gpu collector's options and fills their defaults. */
export const gpuOptionsSchema = withFriendlyIssues(
  strictObject({
    vendor: v.optional(
      v.pipe(
        oneOf(['auto', 'nvidia', 'amd', 'apple']),
        v.description(
          'Which GPUs to read: "nvidia" (nvidia-smi), "amd" (rocm-smi or the amdgpu sysfs files, per amd_source), "apple" (ioreg, macOS), or "auto" (what this OS has: ioreg on macOS; nvidia-smi, then AMD elsewhere).',
        ),
      ),
      'auto',
    ),
    nvidia_smi: command('The nvidia-smi command: a name looked up on PATH, or a path (relative to plugins.json).', 'nvidia-smi'),
    rocm_smi: command('The rocm-smi command: a name looked up on PATH, or a path (relative to plugins.json).', 'rocm-smi'),
    amd_source: v.optional(
      v.pipe(
        oneOf(['auto', 'rocm-smi', 'sysfs']),
        v.description('How to read AMD GPUs: "rocm-smi", "sysfs" (the amdgpu driver\'s files, Linux), or "auto" (rocm-smi, then sysfs where rocm-smi is not installed).'),
      ),
      'auto',
    ),
    sysfs_path: v.optional(
      v.pipe(nonEmptyString(), v.description('Where sysfs is mounted, for amd_source "sysfs" (e.g. /host/sys in a container; relative to plugins.json).')),
      '/sys',
    ),
  }),
);

/** GpuOptions are the gpu collector's options after defaults. */
export type GpuOptions = v.InferOutput<typeof gpuOptionsSchema>;
