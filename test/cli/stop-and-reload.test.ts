import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CLI, cliEnv, finished, startCli, waitForLines } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sidecar-stop-reload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const forked = new Set<ChildProcess>();
afterEach(() => {
  for (const child of forked) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  forked.clear();
});

let n = 0;
function configFile(agentId = 'stop-test'): string {
  const file = path.join(dir, `plugins-${++n}.json`);
  writeConfig(file, agentId);
  return file;
}
function writeConfig(file: string, agentId: string): void {
  const doc = { agent: { id: agentId, initial_delay_ms: 0, interval_ms: 100 }, collectors: [{ plugin: 'memory' }], transports: [{ plugin: 'stdout' }] };
  writeFileSync(file, JSON.stringify(doc));
}

/** forkCli starts the CLI with an IPC channel, as pm2's fork mode and `sidecar dev` do. */
function forkCli(args: string[]): ChildProcess {
  const child = fork(CLI, args, { env: cliEnv({ LOG_LEVEL: 'info' }), stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  forked.add(child);
  return child;
}

const messagesOf = (stderr: string) =>
  stderr
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { msg: string }).msg);

describe('stop through the IPC message "shutdown" (pm2 shutdown_with_message)', () => {
  it('stops cleanly: exit 0, status file "stopped"; a repeated message changes nothing', async () => {
    const statusFile = path.join(dir, 'ipc.status.json');
    const child = forkCli(['run', '--config', configFile(), '--status-file', statusFile]);
    const done = finished(child, 10_000);
    await waitForLines(child, 2);
    child.send('shutdown');
    child.send('shutdown');
    const { code, signal, stderr } = await done;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(messagesOf(stderr)).toEqual(expect.arrayContaining(['Stopping', 'Stopped']));
    expect(messagesOf(stderr)).not.toContain('Second signal: exiting without waiting');
    expect(JSON.parse(readFileSync(statusFile, 'utf8'))).toMatchObject({ state: 'stopped', pid: child.pid });
  });

  it('during start-up exits 0 at once', async () => {
    const child = forkCli(['run', '--config', configFile(), '--initial-delay', '60000']);
    const done = finished(child, 10_000);
    child.send('shutdown');
    expect((await done).code).toBe(0);
  });

  it('listening for it does not keep a process alive, and other messages are ignored', async () => {
    const script = path.join(dir, 'listens.mjs');
    const module = pathToFileURL(path.join(path.dirname(CLI), 'cli', 'stop-requests.js')).href;
    writeFileSync(script, `import { onStopRequest } from ${JSON.stringify(module)};
      onStopRequest((source) => { console.log('stop', source); process.exit(3); });
      process.on('message', (m) => console.log('message', m));
      setTimeout(() => console.log('done'), 300);`);
    const child = fork(script, [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    forked.add(child);
    child.send('reload');
    const { code, stdout } = await finished(child, 10_000);
    expect(stdout.trim().split('\n')).toEqual(['message reload', 'done']);
    expect(code).toBe(0); // it ended by itself, with its parent still connected
  });
});

describe('reloads are coalesced', () => {
  it('50 SIGHUPs in a burst cause at most 2 reloads, and reporting goes on', async () => {
    const file = configFile();
    const child = startCli(['run', '--config', file], { env: cliEnv({ LOG_LEVEL: 'info' }) });
    const done = finished(child, 15_000);
    await waitForLines(child, 2);
    writeConfig(file, 'after-burst');
    for (let i = 0; i < 50; i++) child.kill('SIGHUP');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const after = await waitForLines(child, 2);
    expect(JSON.parse(after.at(-1)!)).toMatchObject({ agent_id: 'after-burst' });
    child.kill('SIGTERM');
    const { code, stderr } = await done;
    expect(code).toBe(0);
    const reloads = messagesOf(stderr).filter((m) => m === 'Reloading configuration').length;
    expect(reloads).toBeGreaterThanOrEqual(1);
    expect(reloads).toBeLessThanOrEqual(2);
  });

  it('--watch-config reloads once for an editor-style replace (write a temp file, rename it over)', async () => {
    const file = configFile('before-edit');
    const child = startCli(['run', '--config', file, '--watch-config'], { env: cliEnv({ LOG_LEVEL: 'info' }) });
    const done = finished(child, 15_000);
    await waitForLines(child, 2);
    for (const id of ['edit-1', 'edit-2', 'after-edit']) {
      writeConfig(`${file}.swp`, id);
      renameSync(`${file}.swp`, file);
    }
    writeFileSync(path.join(dir, 'unrelated.txt'), 'x');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = await waitForLines(child, 2);
    expect(JSON.parse(after.at(-1)!)).toMatchObject({ agent_id: 'after-edit' });
    child.kill('SIGTERM');
    const { code, stderr } = await done;
    expect(code).toBe(0);
    expect(messagesOf(stderr).filter((m) => m === 'Reloading configuration')).toHaveLength(1);
  });
});

describe('sidecar dev', () => {
  it('stops itself and its daemon cleanly on "shutdown" (as on Ctrl-C): exit 0, the hub sees a clean close', async () => {
    const file = path.join(dir, 'dev.json');
    writeFileSync(file, JSON.stringify({
      agent: { id: 'dev-test' },
      collectors: [{ plugin: 'memory' }],
      transports: [{ plugin: 'websocket', options: { url: '${HUB_URL}', token: '${SIDECAR_TOKEN}' } }],
    }));
    const child = forkCli(['dev', '--config', file, '--initial-delay', '0', '--interval', '200']);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 10_000;
    while (!stderr.includes('"msg":"Identified to hub"') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.send('shutdown');
    expect(await exited).toBe(0);
    const messages = messagesOf(stderr);
    expect(messages).toEqual(expect.arrayContaining(['Stopping', 'Stopped']));
    const records = stderr.trim().split('\n').map((line) => JSON.parse(line) as { msg: string; code?: number });
    expect(records.find((r) => r.msg === 'Sidecar disconnected')).toMatchObject({ code: 1000 });
  });
});
