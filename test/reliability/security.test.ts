/**
 * Reliability: secrets and hostile hubs. The token must appear in no log line at any level (the daemon runs
 * at trace), in no error text and in no CLI output; redirects are never followed; hub frames are size-limited.
 */
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { cliEnv, finished, runCli, startCli } from '../helpers/cli.js';
import { startFakeHub, type FakeHub } from '../plugins/transports/websocket/fake-hub.js';
import { Cleanups, startSidecar, until } from './helpers.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'tok-Rel7SEC-a93f1c';

const cleanups = new Cleanups();
afterEach(() => cleanups.run());

async function configFile(doc: unknown): Promise<string> {
  const dir = tempDir('sidecar-sec-');
  const file = path.join(dir, 'plugins.json');
  await writeFile(file, JSON.stringify(doc));
  return file;
}

function wsEntry(url: string, extra: Record<string, unknown> = {}) {
  return { plugin: 'websocket', options: { url, token: TOKEN, reconnect_initial_ms: 50, reconnect_max_ms: 200, reconnect_spread_ms: 50, ...extra } };
}

describe('the token never leaks', () => {
  it('not at trace level, not from a hub that echoes it in every field, a close reason or an oversized frame', async () => {
    const echo = (conn: { send(f: unknown): void }) => {
      conn.send({ type: `echo ${TOKEN}` });
      conn.send({ type: 'rate_limit_warning', tier: TOKEN, remaining: TOKEN, capacity: 1 });
      conn.send({ type: 'error', error: `no such agent for ${TOKEN}` });
      conn.send({
        type: 'error',
        error: 'validation_failed',
        message_type: TOKEN,
        errors: [{ field: TOKEN, error: TOKEN, detail: `token ${TOKEN} is wrong`, value: TOKEN }],
      });
    };
    const hub: FakeHub = await startFakeHub({
      onFrame: (frame, conn) => {
        if (frame.type !== 'identify') return;
        if (conn.id === 1) conn.ws.close(4001, `bad ${TOKEN}`);
        else if (conn.id === 2) conn.send({ type: 'error', error: 'invalid_token', token: TOKEN });
        else if (conn.id === 3) {
          conn.send({ type: 'identified', agent_id: frame.agent_id });
          echo(conn);
          // Over the default max_payload_bytes (1 MiB): the daemon closes with 1009 and reconnects.
          conn.send({ type: 'presence', pad: TOKEN.repeat(120_000) });
        } else conn.send({ type: 'identified', agent_id: frame.agent_id });
        return true;
      },
    });
    cleanups.add(() => hub.close());
    // The token is also the URL's password (user:token@host), so it travels in the upgrade's userinfo too.
    const url = hub.url.replace('ws://', `ws://sec-user:${TOKEN}@`);
    const file = await configFile({
      agent: { id: 'sec-agent', initial_delay_ms: 0, interval_ms: 200 },
      collectors: [{ plugin: 'memory' }],
      transports: [wsEntry(url)],
    });
    const child = startCli(['run', '--config', file], { env: cliEnv({ LOG_LEVEL: 'trace' }) });
    cleanups.add(() => child.kill('SIGKILL'));
    const done = finished(child, 15_000);
    await until(() => hub.conns.length >= 4 && (hub.conns[3]?.frames.filter((f) => f.type === 'resource_report').length ?? 0) >= 2, 10_000, 'reports on the fourth connection');
    child.kill('SIGTERM');
    const { code, stdout, stderr } = await done;

    expect(code).toBe(0);
    expect(hub.conns[0]!.frames[0]).toMatchObject({ type: 'identify', token: TOKEN });
    expect(hub.conns[2]!.closed?.code).toBe(1009);
    const records = stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.some((r) => r.level === 10 || r.level === 20)).toBe(true);
    expect(records.find((r) => r.level === 50 && r.error === 'invalid_token')?.msg).toContain('sec-agent');
    expect(records.some((r) => r.msg === 'Hub rejected a frame')).toBe(true);
    expect(records.some((r) => /code 4001: bad \[REDACTED\]|code 4001: bad \[redacted\]/.test(String(r.msg)))).toBe(true);
    expect(records.some((r) => /Max payload size exceeded/.test(String(r.msg)))).toBe(true);
    for (const text of [stdout, stderr]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(Buffer.from(`sec-user:${TOKEN}`).toString('base64'));
    }
  });

  it('not in `sidecar plugins`, `plugins --json`, `validate`, nor in config errors around it', async () => {
    const good = await configFile({
      agent: { id: 'sec-cli' },
      collectors: [{ plugin: 'cpu' }],
      transports: [wsEntry(`ws://sec-user:${TOKEN}@127.0.0.1:9/ws`)],
    });
    const bad = await configFile({
      collectors: [{ plugin: 'cpu' }],
      transports: [
        { plugin: 'websocket', options: { url: `wss://u:${TOKEN}@hub/ws#frag`, token: TOKEN.repeat(20), tokn: TOKEN } },
        { plugin: 'websocket', options: { url: `http://u:${TOKEN}@hub/ws`, token: TOKEN, max_payload_bytes: 1 } },
      ],
    });
    const env = cliEnv({ LOG_LEVEL: 'trace' });
    const runs = await Promise.all([
      runCli(['plugins', '--config', good], { env }),
      runCli(['plugins', '--json', '--config', good], { env }),
      runCli(['validate', '--config', good], { env }),
      runCli(['validate', '--config', bad], { env }),
      runCli(['plugins', '--config', bad], { env }),
    ]);
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 2, 2]);
    expect(runs[1]!.stdout).toContain('"websocket"');
    expect(runs[3]!.stderr).toMatch(/transports\[0\]\.options\.tokn: unknown key/);
    expect(runs[3]!.stderr).toMatch(/transports\[0\]\.options\.token: must be at most 256 characters/);
    for (const r of runs) {
      expect(r.stdout + r.stderr).not.toContain(TOKEN);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
  });
});

describe("a third-party plugin logging its own options", () => {
  // Every key a black-box tester saw printed in clear. Values are long enough to be hunted in free text too,
  // except db_password's, which only its key can hide.
  const LEAKED: Record<string, string> = {
    hub_token: 'hubtok-Q7x2-9f3a', db_password: 'B6', client_secret: 'clisec-Wm4p-2b8c', auth_token: 'authtok-Zr5t-1d7e',
    access_token: 'acctok-Kp9s-4e6f', secretKey: 'seckey-Hn3v-7a1b', private_key: 'privkey-Jd8w-5c2d', passwd: 'passwd-Lb6y-3f9e',
    credentials: 'creds-Tg2q-8b4a', bearer: 'bearer-Vc7m-6d1f',
  };
  const NESTED = 'nested-token-Rk4j-2c5e';
  const LISTED = 'listed-pw-Fs9u-7e3b';

  it('`sidecar collect` prints none of them, nested or in a list, and short secrets mangle no text', async () => {
    const file = await configFile({
      agent: { id: 'sec-leaky' },
      collectors: [
        { plugin: './leaky.mjs', options: { ...LEAKED, nested: { token: NESTED }, list: [{ password: LISTED }], token_limit: 7 } },
        // Secrets too short to hunt for in free text: censored under their keys, never matched inside other words.
        { plugin: './leaky.mjs', options: { token: 'T', auth_token: 'dev', password: 'PROT' } },
      ],
    });
    await writeFile(
      path.join(path.dirname(file), 'leaky.mjs'),
      `export default { apiVersion: 1, kind: 'collector', name: 'leaky', fields: ['leaky_value'],
         create(ctx) {
           ctx.logger.info({ options: ctx.options }, 'my options');
           ctx.logger.info(ctx.options, 'flat options');
           ctx.logger.child({ bound: ctx.options }).info('bound options');
           if (ctx.options.hub_token) ctx.logger.info('hub token is ' + ctx.options.hub_token + ', nested ' + ctx.options.nested.token);
           ctx.logger.warn('write EPROTO while writing to /dev/null');
           return { collect: () => ({ leaky_value: 1 }) };
         } };`,
    );
    const { code, stdout, stderr } = await runCli(['collect', '--config', file], { env: cliEnv({ LOG_LEVEL: 'trace' }) });

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ leaky_value: 1 });
    const records = stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    const mine = records.filter((r) => r.msg === 'my options');
    expect(mine).toHaveLength(2);
    for (const key of Object.keys(LEAKED)) expect(mine[0]!.options[key]).toBe('[REDACTED]');
    expect(mine[0]!.options.nested).toEqual({ token: '[REDACTED]' });
    expect(mine[0]!.options.list).toEqual([{ password: '[REDACTED]' }]);
    expect(mine[0]!.options.token_limit).toBe(7);
    expect(mine[1]!.options).toEqual({ token: '[REDACTED]', auth_token: '[REDACTED]', password: '[REDACTED]' });
    expect(records.find((r) => r.msg === 'flat options')?.db_password).toBe('[REDACTED]');
    expect(records.find((r) => r.msg === 'bound options')?.bound.db_password).toBe('[REDACTED]');
    expect(records.find((r) => /^hub token is /.test(String(r.msg)))?.msg).toBe('hub token is [REDACTED], nested [REDACTED]');
    const warnings = records.filter((r) => r.level === 40 && /EPROTO/.test(String(r.msg)));
    expect(warnings.map((r) => r.msg)).toEqual(['write EPROTO while writing to /dev/null', 'write EPROTO while writing to /dev/null']);
    for (const secret of [...Object.values(LEAKED), NESTED, LISTED]) expect(stdout + stderr).not.toContain(secret);
  });
});

describe('redirects and oversized frames', () => {
  it('never follows a redirect on the upgrade: the other port sees no connection, the hub keeps being retried', async () => {
    const elsewhere = await startFakeHub();
    cleanups.add(() => elsewhere.close());
    const upgrades: IncomingMessage[] = [];
    const redirector = createServer((_req, res) => res.writeHead(404).end());
    redirector.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
      upgrades.push(req);
      // After 'upgrade' the socket is ours, with no error listener: the client's reset after the 302 must not
      // become an uncaught exception in the test process.
      socket.on('error', () => undefined);
      socket.end(`HTTP/1.1 302 Found\r\nLocation: ${elsewhere.url}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    cleanups.add(() => new Promise((resolve) => (redirector.closeAllConnections(), redirector.close(resolve))));
    const { port } = redirector.address() as { port: number };
    const run = await startSidecar(
      { agent: { id: 'sec-redirect', initial_delay_ms: 0, interval_ms: 100 }, collectors: [{ plugin: 'memory' }], transports: [wsEntry(`ws://127.0.0.1:${port}/ws`)] },
      [],
      cleanups,
      'trace',
    );
    run.log.scrubber.add(TOKEN);
    await until(() => upgrades.length >= 3, 5000, 'three upgrade attempts');
    expect(elsewhere.conns).toHaveLength(0);
    expect(run.transport()).toMatchObject({ identified: false });
    // The token travels only in the identify frame, which a redirecting server never gets to see.
    for (const req of upgrades) expect(JSON.stringify([req.url, req.headers])).not.toContain(TOKEN);
    expect(run.log.records().some((r) => /302/.test(String(r.msg)))).toBe(true);
    expect(run.log.lines.join('')).not.toContain(TOKEN);
  });
});
