import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { addLogLevelOption } from './log-level-option.js';
import { ExitCode, HEALTH_CHECK_USAGE_ERROR } from './exit-codes.js';
import { DEFAULT_CONFIG } from './default-config.js';
import { packageVersion } from '../core/package-root.js';

/**
 * lazy defers loading a command's module until that command runs, so `--version`, `--help` and each command
 * load only what they use (pino, valibot, tsyringe, ws are not loaded to print a version). In the bundle each
 * command's code is a chunk of its own (scripts/bundle.js).
 */
function lazy<A extends unknown[]>(load: () => Promise<(...args: A) => unknown>): (...args: A) => Promise<void> {
  return async (...args) => {
    await (await load())(...args);
  };
}

/** parseMs reads a non-negative whole number of milliseconds from a flag. */
export function parseMs(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number of milliseconds');
  return Number(value);
}

/** msInRange makes a parser for a whole number of milliseconds within the same limits as plugins.json. */
function msInRange(min: number, max: number): (value: string) => number {
  return (value) => {
    const ms = parseMs(value);
    if (ms < min || ms > max) throw new InvalidArgumentError(`expected ${min} to ${max} milliseconds`);
    return ms;
  };
}

/** parseInterval and parseDelay check --interval and --initial-delay as agent.interval_ms and initial_delay_ms. */
export const parseInterval = msInRange(100, 86_400_000);
export const parseDelay = msInRange(0, 86_400_000);

/** parsePort reads a TCP port (0 to 65535) from a flag. */
export function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('expected a port from 0 to 65535');
  return Number(value);
}

function statusFileOption(): Option {
  return new Option(
    '--status-file <file>',
    'status file the daemon keeps (default: $SIDECAR_STATUS_FILE, else sidecar-<agent id>.status.json in %ProgramData%\\sidecar on Windows, /tmp on macOS, the temp directory elsewhere)',
  );
}

function configOption(): Option {
  return new Option('-c, --config <file>', `plugins.json to use (default: $SIDECAR_CONFIG or ./${DEFAULT_CONFIG})`);
}

/** buildProgram declares the `sidecar` commands; `extraCommands` lets later modules add theirs. */
export function buildProgram(extraCommands: ReadonlyArray<(program: Command) => void> = []): Command {
  const program = new Command('sidecar')
    .description('Collects CPU, RAM and GPU memory of an LLM host and reports them to a hub.')
    .version(packageVersion(), '-v, --version')
    .showHelpAfterError('(run sidecar --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  program
    .command('collect')
    .description('run every enabled collector once and print one report as JSON on stdout')
    .addOption(configOption())
    .option('--pretty', 'indent the JSON')
    .action(lazy(async () => (await import('./commands/collect.js')).collectCommand));
  program
    .command('validate')
    .description('check plugins.json and every enabled plugin and its options; exit 0 if valid, 2 if not')
    .addOption(configOption())
    .action(lazy(async () => (await import('./commands/validate.js')).validateCommand));
  program
    .command('plugins')
    .description('list known plugins: kind, source, enabled, the fields each provides, fields shared by several')
    .addOption(configOption())
    .option('--json', 'print JSON instead of a table')
    .action(lazy(async () => (await import('./commands/plugins.js')).pluginsCommand));
  program
    .command('run')
    .description('run the daemon: report on the schedule through the configured transports until stopped (SIGTERM, SIGINT, IPC "shutdown")')
    .addOption(configOption())
    .addOption(new Option('--interval <ms>', 'override agent.interval_ms (100 to 86400000)').argParser(parseInterval))
    .addOption(new Option('--initial-delay <ms>', 'override agent.initial_delay_ms (0 to 86400000)').argParser(parseDelay))
    .addOption(statusFileOption())
    .option('--watch-config', 'reload when the config file changes (works on every OS; SIGHUP reloads on Linux and macOS)')
    .action(lazy(async () => (await import('./commands/run.js')).runCommand));
  program
    .command('status')
    .description('say whether the running daemon is healthy (exit 0) or not (exit 1), from its status file')
    .addOption(configOption())
    .addOption(statusFileOption())
    .addOption(new Option('--max-age <ms>', 'oldest acceptable status (default: two intervals plus 10 s)').argParser(parseMs))
    .option('--json', 'print the verdict and the whole status as JSON')
    .action(lazy(async () => (await import('./commands/status.js')).statusCommand));
  program
    .command('schema')
    .description('print the JSON Schema of plugins.json, generated from the validators (for editors)')
    .action(lazy(async () => (await import('./commands/schema.js')).schemaCommand));
  program
    .command('hub')
    .description('run a local development hub that prints every report it receives (a development aid, not the real hub)')
    .addOption(new Option('-p, --port <n>', 'port to listen on').default(4000).argParser(parsePort))
    .addOption(new Option('--host <address>', 'address to bind').default('127.0.0.1'))
    .addOption(new Option('--token <token>', 'token every identify must carry (default: $SIDECAR_TOKEN; empty accepts any)'))
    .addOption(new Option('--tasks', 'push a task_assign to every identified connection, as the real hub does to idle agents'))
    .action(lazy(async () => (await import('./commands/hub.js')).hubCommand));
  program
    .command('dev')
    .description('run a local hub and the sidecar pointed at it, with short intervals (what `npm start` runs)')
    .addOption(configOption())
    .addOption(new Option('--interval <ms>', 'report interval').default(3000).argParser(parseInterval))
    .addOption(new Option('--initial-delay <ms>', 'delay before the first report').default(1000).argParser(parseDelay))
    .action(lazy(async () => (await import('./commands/dev.js')).devCommand));
  program
    .command('print-config')
    .description('print the effective config: variables substituted, defaults filled, plugin options checked, secrets [REDACTED]')
    .addOption(configOption())
    .action(lazy(async () => (await import('./commands/print-config.js')).printConfigCommand));
  for (const add of extraCommands) add(program);
  addLogLevelOption(program);
  for (const command of program.commands) command.exitOverride().showHelpAfterError('(run sidecar --help for usage)');
  // A health check answers 0 or 1 only (Docker reserves 2), so a mistake in `status`'s own flags is 1 as well.
  program.commands
    .find((command) => command.name() === 'status')
    ?.exitOverride((err) => {
      throw err.exitCode === 0 ? err : new CommanderError(ExitCode.UNEXPECTED, HEALTH_CHECK_USAGE_ERROR, err.message);
    });
  return program;
}
