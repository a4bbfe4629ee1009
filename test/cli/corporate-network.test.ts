import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startConnectProxy, TEST_DOMAIN } from '../plugins/transports/websocket/connect-proxy.js';
import { startTlsHub, TLS_FIXTURES } from '../plugins/transports/websocket/tls-hub.js';
import { cliEnv, finished, runCli, startCli } from '../helpers/cli.js';

const PASSPHRASE = 'correct-horse-battery-staple';
const PROXY_PASSWORD = 'Pr0xy-pass-7c21e9';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** configFile writes a plugins.json with one websocket transport to a temp dir, removed after the test. */
async function configFile(options: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sidecar-corp-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'plugins.json');
  await writeFile(file, JSON.stringify({
    agent: { id: 'gpu-box-1', initial_delay_ms: 0, interval_ms: 200 },
    collectors: [{ plugin: 'cpu' }],
    transports: [{ plugin: 'websocket', options: { reconnect_initial_ms: 100, reconnect_max_ms: 200, reconnect_spread_ms: 100, ...options } }],
  }));
  return file;
}

async function until(check: () => boolean, what: string, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('sidecar run on a corporate network: an mTLS hub behind an authenticating CONNECT proxy', () => {
  it('reaches the hub with the client certificate, the key passphrase from ${VAR}, the proxy from HTTPS_PROXY; no secret in any output at trace', async () => {
    const hub = await startTlsHub();
    cleanups.push(() => hub.close());
    const proxy = await startConnectProxy({ credentials: `corp:${PROXY_PASSWORD}` });
    cleanups.push(() => proxy.close());
    const config = await configFile({
      url: `wss://hub.${TEST_DOMAIN}:${hub.port}/ws`,
      ca_file: path.join(TLS_FIXTURES, 'ca.pem'),
      cert_file: path.join(TLS_FIXTURES, 'client.pem'),
      key_file: path.join(TLS_FIXTURES, 'client-encrypted.key'),
      key_passphrase: '${SIDECAR_KEY_PASSPHRASE}',
    });
    const daemon = startCli(['run', '--config', config], {
      env: cliEnv({
        LOG_LEVEL: 'trace',
        SIDECAR_KEY_PASSPHRASE: PASSPHRASE,
        HTTPS_PROXY: proxy.url.replace('://', `://corp:${PROXY_PASSWORD}@`),
      }),
    });
    const done = finished(daemon, 15_000);
    await until(() => hub.reports >= 2, 'two reports at the hub');
    daemon.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    expect(hub.identified[0]).toBe('gpu-box-1');
    expect(proxy.connects[0]).toMatchObject({ target: `hub.${TEST_DOMAIN}:${hub.port}`, status: 200 });
    expect(result.stderr).toContain(`Hub connection goes through proxy ${proxy.url}/ (HTTPS_PROXY)`);
    expect(result.stderr).toContain('Identified to hub');
    const secrets = [PASSPHRASE, PROXY_PASSWORD, Buffer.from(`corp:${PROXY_PASSWORD}`).toString('base64')];
    for (const secret of secrets) {
      expect(result.stdout).not.toContain(secret);
      expect(result.stderr).not.toContain(secret);
    }
  });

  it('an unusable client key is one line naming the option and the file, exit 2, no stack trace', async () => {
    const config = await configFile({
      url: 'wss://hub.example:4000/ws',
      cert_file: path.join(TLS_FIXTURES, 'client.pem'),
      key_file: path.join(TLS_FIXTURES, 'client-encrypted.key'),
      key_passphrase: '${SIDECAR_KEY_PASSPHRASE}',
    });
    const result = await runCli(['run', '--config', config], { env: cliEnv({ SIDECAR_KEY_PASSPHRASE: 'wrong-passphrase-123' }) });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      `${config}: transports[0]: plugin "websocket" failed to start: options.key_passphrase: ${path.join(TLS_FIXTURES, 'client-encrypted.key')}: wrong passphrase for this key`,
    );
    expect(result.stderr).not.toContain('wrong-passphrase-123');
  });
});
