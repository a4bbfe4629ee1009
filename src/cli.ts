#!/usr/bin/env node
// The `sidecar` command. reflect-metadata must load before anything that touches tsyringe.
import 'reflect-metadata';
import { buildProgram } from './cli/program.js';
import { reportError } from './cli/exit-codes.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err);
}
