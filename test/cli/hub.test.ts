import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, finished, runCli, startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'tok-3f9a7c1e5b2d4a68';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function records(text: string): Array<Record<string, unknown>> {
  return text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function until(predicate: () => boolean, what: string, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function config(token: string): Promise<string> {
  const dir = tempDir('sidecar-hub-');
  const file = path.join(dir, 'plugins.json');
  await writeFile(file, JSON.stringify({
    // 400, not 200: a scheduled collection is cut off at 90 % of the interval, and cpu's first one samples for 250 ms.
    agent: { id: 'hub-test-agent', initial_delay_ms: 0, interval_ms: 400 },
    collectors: [{ plugin: 'cpu' }, { plugin: 'memory' }],
    transports: [{ plugin: 'websocket', options: { url: '${HUB_URL}', token, reconnect_initial_ms: 100, reconnect_max_ms: 200, reconnect_spread_ms: 100 } }],
  }));
  return file;
}

describe('sidecar hub with sidecar run', () => {
  it('delivers reports to the hub, which prints each as one line; the token is in no log at any level', async () => {
    const port = await freePort();
    const hub = startCli(['hub', '--port', String(port), '--token', TOKEN], { env: cliEnv({ LOG_LEVEL: 'trace' }) });
    const hubDone = finished(hub, 15_000);
    let hubOut = '';
    hub.stdout!.on('data', (chunk: Buffer) => (hubOut += chunk.toString()));
    const daemon = startCli(['run', '--config', await config(TOKEN)], {
      env: cliEnv({ LOG_LEVEL: 'trace', HUB_URL: `ws://127.0.0.1:${port}/ws` }),
    });
    const daemonDone = finished(daemon, 15_000);
    await until(() => hubOut.split('\n').filter(Boolean).length >= 2, 'two printed reports');
    daemon.kill('SIGTERM');
    const d = await daemonDone;
    hub.kill('SIGINT');
    const h = await hubDone;
    expect(d.code).toBe(0);
    expect(h.code).toBe(0);
    for (const line of hubOut.trim().split('\n')) expect(line).toMatch(/^hub-test-agent\s+cpu \d+(\.\d)?%\s+ram \d+\.\d\/\d+\.\d GiB\s+vram n\/a$/);
    expect(records(d.stderr).map((r) => r.msg)).toContain('Identified to hub');
    expect(records(h.stderr).find((r) => r.msg === 'Sidecar disconnected')).toMatchObject({ code: 1000 });
    for (const output of [d.stdout, d.stderr, h.stdout, h.stderr, hubOut]) expect(output).not.toContain(TOKEN);
  });

  it('logs a rejected token as one error naming the agent, without the token, and keeps retrying', async () => {
    const port = await freePort();
    const hub = startCli(['hub', '--port', String(port)], { env: cliEnv({ SIDECAR_TOKEN: 'the-right-token-123' }) });
    const hubDone = finished(hub);
    let daemonErr = '';
    const daemon = startCli(['run', '--config', await config(TOKEN)], {
      env: cliEnv({ LOG_LEVEL: 'debug', HUB_URL: `ws://127.0.0.1:${port}/ws` }),
    });
    daemon.stderr!.on('data', (chunk: Buffer) => (daemonErr += chunk.toString()));
    const daemonDone = finished(daemon);
    const refusals = () => records(daemonErr).filter((r) => r.error === 'invalid_token');
    await until(() => refusals().length >= 2, 'two rejected identifies');
    daemon.kill('SIGTERM');
    hub.kill('SIGTERM');
    const [d] = await Promise.all([daemonDone, hubDone]);
    // The first refusal is an error; the same refusal on each retry is debug, not an error a minute.
    expect(refusals().map((r) => r.level).slice(0, 2)).toEqual([50, 20]);
    const errors = records(daemonErr).filter((r) => r.level === 50);
    expect(JSON.stringify(errors[0])).toContain('hub-test-agent');
    expect(JSON.stringify(errors[0])).toContain('invalid_token');
    expect(daemonErr + d.stdout).not.toContain(TOKEN);
    expect(d.code).toBe(0);
  });

  it('refuses a port that is taken with exit 2 and a one-line reason', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    const { port } = blocker.address() as { port: number };
    const { code, stderr } = await runCli(['hub', '--port', String(port)]);
    blocker.close();
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(`sidecar: cannot listen on 127.0.0.1:${port}: EADDRINUSE (choose another --port)`);
  });
});

describe('sidecar dev (npm start)', () => {
  it('shows live reports from a local hub, reloads the daemon on SIGHUP, and stops both processes on Ctrl-C', async () => {
    const dev = startCli(['dev', '--config', path.resolve('plugins.json'), '--interval', '300', '--initial-delay', '100'], {
      env: cliEnv({ OLLAMA_URL: 'http://127.0.0.1:9' }),
    });
    const done = finished(dev, 15_000);
    let out = '';
    let err = '';
    dev.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    dev.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    await until(() => out.split('\n').filter(Boolean).length >= 2, 'two live reports');
    const daemonPid = records(err).find((r) => r.msg === 'Sidecar started')?.pid as number;
    expect(daemonPid).toBeGreaterThan(0);
    dev.kill('SIGHUP');
    await until(() => records(err).some((r) => r.msg === 'Configuration reloaded'), 'the daemon reloaded');
    expect(dev.exitCode).toBeNull();
    dev.kill('SIGINT');
    const { code } = await done;
    expect(code).toBe(0);
    expect(out).toMatch(/cpu \d+(\.\d)?%\s+ram/);
    expect(() => process.kill(daemonPid, 0)).toThrow();
    expect(records(err).filter((r) => r.msg === 'Stopping')).toHaveLength(1);
  });
});
