import { defineTransport } from '../../../plugin.js';
import { stdoutOptionsSchema, type StdoutOptions } from './config.js';
import { createStdoutTransport } from './transport.js';

/** stdoutTransport writes every report to standard output as one JSON line, for debugging and piping. */
export const stdoutTransport = defineTransport<StdoutOptions>({
  name: 'stdout',
  description: 'Writes each report to standard output as one line of JSON.',
  options: stdoutOptionsSchema,
  create: (ctx) => createStdoutTransport(process.stdout, ctx.logger),
});
