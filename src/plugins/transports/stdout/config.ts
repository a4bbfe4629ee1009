import type * as v from 'valibot';
import { strictObject } from '../../../core/config/schema-parts.js';
import { withFriendlyIssues } from '../../../core/config/validation-messages.js';

/** stdoutOptionsSchema accepts no options: the stdout transport has nothing to configure. */
export const stdoutOptionsSchema = withFriendlyIssues(strictObject({}));

/** StdoutOptions are the stdout transport's options (none). */
export type StdoutOptions = v.InferOutput<typeof stdoutOptionsSchema>;
