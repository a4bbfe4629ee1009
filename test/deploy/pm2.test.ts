import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HARD_DEADLINE_MS } from '../../src/cli/commands/run.js';
import { CLI, runCli } from '../helpers/cli.js';
import { deploy, expectCliCommand, ROOT, runsAndStops, scratch } from './service-run.js';

describe('deploy/ecosystem.config.cjs (pm2)', () => {
  const { apps } = createRequire(import.meta.url)(deploy('ecosystem.config.cjs')) as { apps: Array<Record<string, unknown>> };
  const app = apps[0]!;

  it('runs the built CLI\'s run command, one instance', async () => {
    expect(apps).toHaveLength(1);
    expect(app.script).toBe(CLI);
    expect(existsSync(app.script as string)).toBe(true);
    expect(app.cwd).toBe(path.resolve(ROOT));
    expect(app).toMatchObject({ exec_mode: 'fork', instances: 1, args: ['run'], node_args: ['--no-opt'] });
    await expectCliCommand((app.args as string[])[0]!, app.args as string[]);
  }, 30_000);

  it('stops by message, and waits longer than the sidecar\'s own stop before killing', () => {
    expect(app.shutdown_with_message).toBe(true);
    expect(app.kill_timeout).toBeGreaterThan(HARD_DEADLINE_MS);
  });

  it('restarts after a failure with a backoff, and leaves the status file at its default', async () => {
    expect(app.autorestart).toBe(true);
    expect(app.exp_backoff_restart_delay).toBeGreaterThanOrEqual(1000);
    expect(app.stop_exit_codes).toEqual([0]);
    const env = app.env as Record<string, string>;
    expect(env.SIDECAR_STATUS_FILE).toBeUndefined();
    if (!process.env.SIDECAR_CONFIG) {
      expect(env.SIDECAR_CONFIG).toBe(path.join(ROOT, 'plugins.json'));
      expect((await runCli(['validate', '--config', env.SIDECAR_CONFIG!])).code).toBe(0);
    }
  }, 30_000);

  it('runs as pm2 forks it (an IPC channel, its env and cwd) and stops cleanly within kill_timeout', async () => {
    const dir = await scratch();
    const config = path.join(dir, 'plugins.json');
    const env = { ...(app.env as NodeJS.ProcessEnv), SIDECAR_CONFIG: config };
    // With shutdown_with_message pm2's stop is the IPC message 'shutdown' (its God.killProcess: proc.send('shutdown')).
    await runsAndStops({ argv: [process.execPath, ...(app.node_args as string[]), app.script as string, ...(app.args as string[])], cwd: app.cwd as string, env, config, ipc: true }, { message: 'shutdown' }, app.kill_timeout as number);
  }, 60_000);
});
