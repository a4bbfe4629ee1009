import type * as v from 'valibot';
import { strictObject } from '../../../core/config/schema-parts.js';
import { withFriendlyIssues } from '../../../core/config/validation-messages.js';

/** memoryOptionsSchema accepts no options: the memory collector has nothing to configure. */
export const memoryOptionsSchema = withFriendlyIssues(strictObject({}));

/** MemoryOptions are the memory collector's options (none). */
export type MemoryOptions = v.InferOutput<typeof memoryOptionsSchema>;
