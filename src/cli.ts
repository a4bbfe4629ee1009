#!/usr/bin/env node
// The `sidecar` command. reflect-metadata must load before anything that touches tsyringe.
import 'reflect-metadata';
import { buildProgram } from './cli/program.js';
import { reportError } from './cli/exit-codes.js';
import { exitOnBrokenStdout, LONG_RUNNING_COMMANDS } from './cli/one-shot.js';

const program = buildProgram().hook('preAction', (_program, action) => {
  if (!LONG_RUNNING_COMMANDS.has(action.name())) exitOnBrokenStdout();
});
try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err);
}
// Every command has finished its work here; a timer or socket a plugin left open must not keep the process.
// One turn of the event loop first, so a pending stdout error or a stray rejection is still reported.
await new Promise((resolve) => setImmediate(resolve));
process.exit();
