import { z } from 'zod';

/** stdoutOptionsSchema accepts no options: the stdout transport has nothing to configure. */
export const stdoutOptionsSchema = z.strictObject({});

/** StdoutOptions are the stdout transport's options (none). */
export type StdoutOptions = z.output<typeof stdoutOptionsSchema>;
