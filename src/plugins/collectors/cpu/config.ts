import * as v from 'valibot';
import { int, strictObject } from '../../../core/config/schema-parts.js';
import { withFriendlyIssues } from '../../../core/config/validation-messages.js';

/** cpuOptionsSchema checks the cpu collector's options and fills their defaults. */
export const cpuOptionsSchema = withFriendlyIssues(
  strictObject({
    first_window_ms: v.optional(
      v.pipe(int(10, 5000), v.description('How long the first collection waits between its two CPU samples, in ms.')),
      250,
    ),
  }),
);

/** CpuOptions are the cpu collector's options after defaults. */
export type CpuOptions = v.InferOutput<typeof cpuOptionsSchema>;
