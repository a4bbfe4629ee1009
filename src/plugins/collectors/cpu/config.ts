import { z } from 'zod';

/** cpuOptionsSchema checks the cpu collector's options and fills their defaults. */
export const cpuOptionsSchema = z.strictObject({
  first_window_ms: z
    .int()
    .min(10)
    .max(5000)
    .default(250)
    .describe('How long the first collection waits between its two CPU samples, in ms.'),
});

/** CpuOptions are the cpu collector's options after defaults. */
export type CpuOptions = z.output<typeof cpuOptionsSchema>;
