import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, finished, startCli, waitForLines } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

async function configFile(doc: unknown): Promise<string> {
  const dir = tempDir('sidecar-run-');
  const file = path.join(dir, 'plugins.json');
  await writeFile(file, JSON.stringify(doc));
  return file;
}

const daemonConfig = (collectors: unknown[]) => ({
  agent: { id: 'daemon-test', initial_delay_ms: 0, interval_ms: 200 },
  collectors,
  transports: [{ plugin: 'stdout' }],
});

describe('sidecar run', () => {
  it('reports on the schedule and stops cleanly on SIGTERM with exit 0', async () => {
    const file = await configFile(daemonConfig([{ plugin: 'memory' }, { plugin: 'cpu' }]));
    const child = startCli(['run', '--config', file], { env: cliEnv({ LOG_LEVEL: 'info' }) });
    const done = finished(child, 10_000);
    const lines = await waitForLines(child, 3);
    const reports = lines.map((l) => JSON.parse(l) as { timestamp: number; agent_id: string; ram_total_bytes: number });
    expect(reports.every((r) => r.agent_id === 'daemon-test' && r.ram_total_bytes > 0)).toBe(true);
    for (let i = 1; i < reports.length; i++) expect(reports[i]!.timestamp).toBeGreaterThan(reports[i - 1]!.timestamp);
    const signalled = Date.now();
    child.kill('SIGTERM');
    const { code, stderr } = await done;
    expect(code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(3000);
    const messages = stderr.trim().split('\n').map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages).toEqual(expect.arrayContaining(['Sidecar started', 'Stopping', 'Stopped']));
  });

  it('honours --initial-delay and --interval over the file', async () => {
    const file = await configFile({ ...daemonConfig([{ plugin: 'memory' }]), agent: { initial_delay_ms: 60_000, interval_ms: 60_000 } });
    const child = startCli(['run', '--config', file, '--initial-delay', '0', '--interval', '150']);
    const done = finished(child);
    const lines = await waitForLines(child, 2, 5000);
    expect(lines).toHaveLength(2);
    child.kill('SIGINT');
    expect((await done).code).toBe(0);
  });

  it('reloads plugins.json on SIGHUP, and keeps running the old config when the new one is invalid', async () => {
    const file = await configFile(daemonConfig([{ plugin: 'memory' }]));
    const child = startCli(['run', '--config', file]);
    const done = finished(child, 15_000);
    const seen: Array<Record<string, unknown>> = [];
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) seen.push(JSON.parse(line) as Record<string, unknown>);
    });
    const waitFor = async (predicate: () => boolean, what: string) => {
      const deadline = Date.now() + 5000;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await waitFor(() => seen.length >= 1, 'a first report');
    expect(seen[0]).toHaveProperty('ram_total_bytes');

    await writeFile(file, JSON.stringify(daemonConfig([{ plugin: 'cpu' }])));
    child.kill('SIGHUP');
    await waitFor(() => 'cpu_percent' in seen.at(-1)!, 'a report from the reloaded config');
    expect(seen.at(-1)).not.toHaveProperty('ram_total_bytes');

    let logged = '';
    child.stderr!.on('data', (chunk: Buffer | string) => (logged += String(chunk)));
    await writeFile(file, '{ "collectors": [ { "plugin": "cpu", "enabled": "maybe" } ] }');
    child.kill('SIGHUP');
    // Reloads start at least 1 s apart (a burst of SIGHUPs is coalesced), so wait for this one to be tried.
    await waitFor(() => logged.includes('Reload failed'), 'the failed reload');
    const count = seen.length;
    await waitFor(() => seen.length >= count + 3, 'reports after a failed reload');
    expect(seen.at(-1)).toHaveProperty('cpu_percent');

    child.kill('SIGTERM');
    const { code, stderr } = await done;
    expect(code).toBe(0);
    const failed = stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((r) => r.msg === 'Reload failed; the previous configuration keeps running');
    expect(failed?.reason).toMatch(/collectors\[0\]\.enabled: expected true or false, got "maybe"/);
  });

  describe('signals during start-up (a plugin still importing)', () => {
    // The plugin says on stderr that its import began, then waits for a gate file: start-up is held open.
    async function slowPluginConfig(collectors: unknown[]) {
      const file = await configFile({});
      const dir = path.dirname(file);
      const gate = path.join(dir, 'gate');
      await writeFile(
        path.join(dir, 'slow.mjs'),
        `import { existsSync } from 'node:fs';
         process.stderr.write('IMPORTING\\n');
         while (!existsSync(${JSON.stringify(gate)})) await new Promise((r) => setTimeout(r, 20));
         export default { apiVersion: 1, kind: 'collector', name: 'slow', fields: ['slow_value'],
           create: () => ({ collect: () => ({ slow_value: 1 }) }) };`,
      );
      const write = (doc: unknown) => writeFile(file, JSON.stringify(doc));
      await write(daemonConfig([{ plugin: './slow.mjs' }, ...collectors]));
      return { file, gate, write };
    }
    const importing = (child: ReturnType<typeof startCli>) =>
      new Promise<void>((resolve) => child.stderr!.on('data', (chunk: Buffer) => chunk.includes('IMPORTING') && resolve()));

    it('SIGTERM stops with exit 0 at once, and SIGHUP does not kill it', async () => {
      const { file } = await slowPluginConfig([{ plugin: 'memory' }]);
      const child = startCli(['run', '--config', file], { env: cliEnv({ LOG_LEVEL: 'info' }) });
      await importing(child);
      const done = finished(child, 10_000);
      child.kill('SIGHUP');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(child.exitCode).toBeNull();
      const signalled = Date.now();
      child.kill('SIGTERM');
      const { code, signal, stderr } = await done;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalled).toBeLessThan(2000);
      expect(stderr).toContain('Stopping before start-up finished');
    });

    it('a SIGHUP during start-up reloads the file once the daemon is up', async () => {
      const { file, gate, write } = await slowPluginConfig([{ plugin: 'memory' }]);
      const child = startCli(['run', '--config', file]);
      const done = finished(child, 15_000);
      await importing(child);
      await write(daemonConfig([{ plugin: 'cpu' }]));
      child.kill('SIGHUP');
      await writeFile(gate, '');
      const lines = await waitForLines(child, 4, 10_000);
      const last = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
      expect(last).toHaveProperty('cpu_percent');
      expect(last).not.toHaveProperty('slow_value');
      child.kill('SIGTERM');
      expect((await done).code).toBe(0);
    });
  });
});
