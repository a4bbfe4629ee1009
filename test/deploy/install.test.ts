import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';

const run = promisify(execFile);

describe('deploy/install.sh', () => {
  it('lays out code, config and a filled-in unit that runs the installed CLI', async () => {
    const root = tempDir('sidecar-install-');
    const { stdout } = await run('bash', ['deploy/install.sh', '--no-systemctl'], { env: { ...process.env, DESTDIR: root }, timeout: 120_000 });
    expect(stdout).toContain('systemctl not run');

    const unit = await readFile(path.join(root, 'etc/systemd/system/sidecar.service'), 'utf8');
    expect(unit).not.toMatch(/@(NODE|PREFIX)@/);
    expect(unit).toMatch(new RegExp(`^ExecStart=${process.execPath} --no-opt /opt/sidecar/dist/cli.js run$`, 'm'));
    expect(unit).toMatch(/^User=sidecar$/m);
    expect(unit).toMatch(/^Restart=on-failure$/m);

    const env = await stat(path.join(root, 'etc/sidecar/sidecar.env'));
    expect(env.mode & 0o777).toBe(0o640);

    // The installed code, with production dependencies only, validates the installed config.
    const config = path.join(root, 'etc/sidecar/plugins.json');
    const cli = path.join(root, 'opt/sidecar/dist/cli.js');
    const validate = await run(process.execPath, [cli, 'validate', '--config', config]);
    expect(validate.stdout).toContain(': OK: agent');
    expect(JSON.parse(await readFile(config, 'utf8')).$schema).toBe('/opt/sidecar/plugins.schema.json');
  }, 150_000);
});
