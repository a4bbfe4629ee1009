import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseLogLevel } from '../core/logger.js';

/** parseLogLevelFlag checks --log-level as LOG_LEVEL is checked: an unknown level is a usage error. */
function parseLogLevelFlag(value: string): string {
  try {
    return parseLogLevel(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message.replace(/^LOG_LEVEL: /, ''));
  }
}

/**
 * addLogLevelOption gives every command `--log-level <level>`, which overrides LOG_LEVEL. It is applied by setting
 * LOG_LEVEL before the command runs, so every logger the command makes, and any process it starts (`dev` starts
 * `run`), sees the same level.
 */
export function addLogLevelOption(program: Command): void {
  const option = () =>
    new Option('--log-level <level>', 'log level, overriding $LOG_LEVEL (fatal, error, warn, info, debug, trace, silent)').argParser(parseLogLevelFlag);
  // Before the command (`sidecar --log-level debug run`) or after it (`sidecar run --log-level debug`).
  program.addOption(option());
  for (const command of program.commands) command.addOption(option());
  program.hook('preAction', (_program, command) => {
    const level = (command.opts().logLevel ?? command.optsWithGlobals().logLevel) as string | undefined;
    if (level !== undefined) process.env.LOG_LEVEL = level;
  });
}
