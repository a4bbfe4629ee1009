import { z } from 'zod';

/** memoryOptionsSchema accepts no options: the memory collector has nothing to configure. */
export const memoryOptionsSchema = z.strictObject({});

/** MemoryOptions are the memory collector's options (none). */
export type MemoryOptions = z.output<typeof memoryOptionsSchema>;
