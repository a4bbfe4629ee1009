import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../../src/core/errors.js';
import { closedPort } from '../../../helpers/http-server.js';
import { startConnectProxy, TEST_DOMAIN, type ConnectProxy } from './connect-proxy.js';
import { ALL_LOG_LINES, build, parseOptions, report, useHarness, waitFor, type Built } from './helpers.js';
import { resolveHubProxy } from '../../../../src/plugins/transports/websocket/proxy-agent.js';
import { startTlsHub, TLS_FIXTURES } from './tls-hub.js';

const PROXY_VARS = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'all_proxy', 'no_proxy'];
const USER = 'sidecar';
/** PASSWORD has characters that must be percent-encoded in a URL, so both forms are hunted in the logs. */
const PASSWORD = 'pr0xy-S3cret/pass@word';
const CREDENTIALS = `${USER}:${PASSWORD}`;
const withCredentials = (proxy: ConnectProxy) => proxy.url.replace('://', `://${USER}:${encodeURIComponent(PASSWORD)}@`);
/** secretForms are the ways the proxy password could leak: as is, percent-encoded, inside the Basic header. */
const secretForms = [PASSWORD, encodeURIComponent(PASSWORD), Buffer.from(CREDENTIALS).toString('base64')];

// The proxy variables are process-wide: each test sets its own and none outlives it.
const saved = Object.fromEntries(PROXY_VARS.map((k) => [k, process.env[k]]));
afterEach(() => {
  for (const k of PROXY_VARS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});
function setEnv(vars: Record<string, string>): void {
  for (const k of PROXY_VARS) delete process.env[k];
  Object.assign(process.env, vars);
}

/** failure waits for the warning a failed connection logs and returns its message. */
async function failure(built: Built): Promise<string> {
  const find = () => built.entries().find((e) => e.msg.startsWith('Hub connection lost'));
  await waitFor(() => find() !== undefined, 5000, 'a failed connection');
  return find()!.msg;
}

const identified = (built: Built) => waitFor(() => built.status().identified === true, 5000, 'identified');

describe('websocket transport through an HTTP CONNECT proxy (real proxy, real sockets)', () => {
  const { connected, fakeHub, track } = useHarness();
  const proxy = async (opts?: Parameters<typeof startConnectProxy>[0]) => track(await startConnectProxy(opts));

  it('the proxy option: the hub connection is a CONNECT to the hub\'s host:port, and reports flow through it', async () => {
    const hub = await fakeHub();
    const p = await proxy();
    const built = await connected({ url: hub.url, proxy: p.url });
    await identified(built);
    built.transport.send(report(1000));
    await waitFor(() => hub.reports().length === 1, 3000, 'a report through the proxy');
    expect(p.connects).toEqual([{ target: `127.0.0.1:${hub.port}`, authorization: undefined, status: 200 }]);
    expect(built.entries().find((e) => e.msg.startsWith('Hub connection goes through proxy'))).toMatchObject({
      level: 30,
      proxy: `${p.url}/`,
      proxy_source: 'options.proxy',
    });
  });

  it('HTTP_PROXY for a ws:// hub: the proxy resolves the hub\'s name (this host cannot)', async () => {
    const hub = await fakeHub();
    const p = await proxy();
    setEnv({ HTTP_PROXY: p.url, HTTPS_PROXY: 'http://127.0.0.1:1' });
    const built = await connected({ url: `ws://hub.${TEST_DOMAIN}:${hub.port}/ws` });
    await identified(built);
    expect(p.connects.map((c) => c.target)).toEqual([`hub.${TEST_DOMAIN}:${hub.port}`]);
    expect(built.entries().find((e) => e.proxy_source)).toMatchObject({ proxy_source: 'HTTP_PROXY' });
  });

  it('https_proxy (lower case) for a wss:// mTLS hub: TLS and the client certificate go through the tunnel', async () => {
    const hub = track(await startTlsHub());
    const p = await proxy();
    setEnv({ https_proxy: p.url, HTTP_PROXY: 'http://127.0.0.1:1' });
    const built = await connected(
      { url: `wss://hub.${TEST_DOMAIN}:${hub.port}/ws`, ca_file: 'ca.pem', cert_file: 'client.pem', key_file: 'client.key' },
      { configDir: TLS_FIXTURES },
    );
    await identified(built);
    expect(p.connects.map((c) => c.target)).toEqual([`hub.${TEST_DOMAIN}:${hub.port}`]);
    expect(hub.identified).toEqual(['gpu-box-1']);
  });

  it('a proxy given without a scheme (HTTP_PROXY=host:port) is an http:// proxy, as curl reads it', async () => {
    const hub = await fakeHub();
    const p = await proxy();
    setEnv({ HTTP_PROXY: `127.0.0.1:${p.port}` });
    await identified(await connected({ url: `ws://hub.${TEST_DOMAIN}:${hub.port}/ws` }));
    expect(p.connects).toHaveLength(1);
  });

  it('NO_PROXY matching the hub bypasses the proxy: this host then resolves the name itself (and cannot)', async () => {
    const p = await proxy();
    setEnv({ HTTP_PROXY: p.url, NO_PROXY: `localhost,.${TEST_DOMAIN}` });
    const message = await failure(await connected({ url: `ws://hub.${TEST_DOMAIN}:9/ws`, handshake_timeout_ms: 2000 }));
    expect(message).toContain(`hub.${TEST_DOMAIN}`);
    expect(message).not.toContain('proxy');
    expect(p.connects).toEqual([]);
  });

  it('NO_PROXY naming another host does not bypass it', async () => {
    const hub = await fakeHub();
    const p = await proxy();
    setEnv({ HTTP_PROXY: p.url, no_proxy: `hub.other.example,${TEST_DOMAIN}:1` });
    await identified(await connected({ url: `ws://hub.${TEST_DOMAIN}:${hub.port}/ws` }));
    expect(p.connects).toHaveLength(1);
  });

  it('a hub on loopback is reached directly even with HTTP_PROXY set: a proxy cannot reach this host\'s 127.0.0.1', async () => {
    const hub = await fakeHub();
    const p = await proxy();
    setEnv({ HTTP_PROXY: p.url });
    await identified(await connected({ url: hub.url }));
    expect(p.connects).toEqual([]);
  });

  it('"proxy": "" ignores the environment\'s proxy', async () => {
    const p = await proxy();
    setEnv({ HTTP_PROXY: p.url });
    await failure(await connected({ url: `ws://hub.${TEST_DOMAIN}:9/ws`, proxy: '', handshake_timeout_ms: 2000 }));
    expect(p.connects).toEqual([]);
  });

  it('proxy credentials from HTTPS_PROXY are sent as Basic auth and appear in no log line, at debug level', async () => {
    const hub = track(await startTlsHub({ requireClientCert: false }));
    const p = await proxy({ credentials: CREDENTIALS });
    setEnv({ HTTPS_PROXY: withCredentials(p) });
    const built = await connected({ url: `wss://hub.${TEST_DOMAIN}:${hub.port}/ws`, ca_file: 'ca.pem' }, { configDir: TLS_FIXTURES });
    await identified(built);
    expect(p.connects).toEqual([
      { target: `hub.${TEST_DOMAIN}:${hub.port}`, authorization: `Basic ${Buffer.from(CREDENTIALS).toString('base64')}`, status: 200 },
    ]);
    expect(built.entries().find((e) => e.proxy)).toMatchObject({ proxy: `${p.url}/`, msg: `Hub connection goes through proxy ${p.url}/ (HTTPS_PROXY)` });
    for (const secret of secretForms) expect(ALL_LOG_LINES.filter((l) => l.includes(secret))).toEqual([]);
  });

  it('a proxy that wants credentials (407): one line naming the proxy and what to do, no credentials in it', async () => {
    const hub = await fakeHub();
    const p = await proxy({ credentials: CREDENTIALS });
    const without = await failure(await connected({ url: hub.url, proxy: p.url }));
    expect(without).toContain(`the proxy ${p.url}/ asked for credentials (HTTP 407); put them in the proxy URL, http://user:password@host:port`);
    const wrongPassword = 'wrong-Pa55word-xyz';
    const wrong = await failure(await connected({ url: hub.url, proxy: p.url.replace('://', `://${USER}:${wrongPassword}@`) }));
    expect(wrong).toContain(`the proxy ${p.url}/ refused our credentials (HTTP 407)`);
    expect(ALL_LOG_LINES.filter((l) => l.includes(wrongPassword))).toEqual([]);
    // Both transports keep retrying; every CONNECT was refused.
    expect(p.connects.length).toBeGreaterThanOrEqual(2);
    expect(new Set(p.connects.map((c) => c.status))).toEqual(new Set([407]));
  });

  it('an https:// proxy is verified against ca_file; one this host does not trust is named as the proxy, not the hub', async () => {
    const hub = await fakeHub();
    const good = await proxy({ tlsCert: 'hub.pem' });
    const built = await connected({ url: `ws://hub.${TEST_DOMAIN}:${hub.port}/ws`, proxy: good.url, ca_file: 'ca.pem' }, { configDir: TLS_FIXTURES });
    await identified(built);
    expect(good.connects.map((c) => c.target)).toEqual([`hub.${TEST_DOMAIN}:${hub.port}`]);
    expect(built.entries().map((e) => e.msg)).not.toContain('ca_file set but the url is not wss://; not used');
    const untrusted = await proxy({ tlsCert: 'hub-self-signed.pem' });
    const message = await failure(await connected({ url: `ws://hub.${TEST_DOMAIN}:${hub.port}/ws`, proxy: untrusted.url, ca_file: 'ca.pem' }, { configDir: TLS_FIXTURES }));
    expect(message).toContain(`TLS to the proxy ${untrusted.url}/ failed: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)`);
    expect(untrusted.connects).toEqual([]);
  });

  it('a proxy that cannot reach the hub (502) and a proxy that is not there: each one line', async () => {
    const p = await proxy();
    const refused = await failure(await connected({ url: `${(await closedPort()).replace('http', 'ws')}/ws`, proxy: p.url }));
    expect(refused).toContain(`the proxy ${p.url}/ refused to connect to the hub (HTTP 502)`);
    const dead = await closedPort();
    const unreachable = await failure(await connected({ url: 'ws://hub.example:4000/ws', proxy: withCredentials({ ...p, url: dead }) }));
    expect(unreachable).toMatch(new RegExp(`^Hub connection lost \\(cannot reach the proxy ${dead}/: connect ECONNREFUSED`));
    for (const secret of secretForms) expect(ALL_LOG_LINES.filter((l) => l.includes(secret))).toEqual([]);
  });
});

describe('websocket transport: proxies that cannot be used are refused at start-up', () => {
  it('a socks proxy in ALL_PROXY: one line naming the variable, without its credentials', async () => {
    setEnv({ ALL_PROXY: `socks5://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:1080` });
    const error = await build({ url: `ws://hub.${TEST_DOMAIN}:4000/ws` }).catch((e: Error) => e);
    expect(error).toMatchObject({
      code: ErrorCode.PLUGIN_OPTIONS_INVALID,
      message:
        'ALL_PROXY: a socks5:// proxy is not supported; the hub connection needs an http:// or https:// (CONNECT) proxy, or set the websocket option proxy ("" for none) or NO_PROXY',
    });
    for (const secret of secretForms) expect((error as Error).message).not.toContain(secret);
  });

  it('the proxy option must be "" or an http:// or https:// URL', async () => {
    await expect(parseOptions({ url: 'ws://h/ws', proxy: 'socks5://p:1080' })).rejects.toThrow('must be "" (no proxy) or an http:// or https:// proxy URL');
    await expect(parseOptions({ url: 'ws://h/ws', proxy: 'proxy:3128' })).rejects.toThrow('http:// or https:// proxy URL');
    await expect(parseOptions({ url: 'ws://h/ws', proxy: 'https://proxy.corp:8443' })).resolves.toMatchObject({ proxy: 'https://proxy.corp:8443' });
  });
});

describe('resolveHubProxy: which proxy, from where', () => {
  const pick = (url: string, option?: string) => {
    const p = resolveHubProxy(url, option);
    return p && `${p.display} from ${p.source}`;
  };

  it('wss:// reads HTTPS_PROXY, ws:// reads HTTP_PROXY, both fall back to ALL_PROXY; lower case wins, as in curl', () => {
    setEnv({ HTTPS_PROXY: 'http://s:1', HTTP_PROXY: 'http://p:2', ALL_PROXY: 'http://a:3' });
    expect(pick('wss://hub.corp/ws')).toBe('http://s:1/ from HTTPS_PROXY');
    expect(pick('ws://hub.corp/ws')).toBe('http://p:2/ from HTTP_PROXY');
    setEnv({ ALL_PROXY: 'http://a:3', https_proxy: 'http://lower:4', HTTPS_PROXY: 'http://upper:5' });
    expect(pick('wss://hub.corp/ws')).toBe('http://lower:4/ from https_proxy');
    expect(pick('ws://hub.corp/ws')).toBe('http://a:3/ from ALL_PROXY');
  });

  it('NO_PROXY: exact host, domain suffix, host:port, and * for everything', () => {
    setEnv({ HTTPS_PROXY: 'http://s:1', NO_PROXY: 'hub.corp' });
    expect(pick('wss://hub.corp/ws')).toBeUndefined();
    expect(pick('wss://other.corp/ws')).toBe('http://s:1/ from HTTPS_PROXY');
    setEnv({ HTTPS_PROXY: 'http://s:1', no_proxy: '.corp' });
    expect(pick('wss://hub.corp/ws')).toBeUndefined();
    setEnv({ HTTPS_PROXY: 'http://s:1', NO_PROXY: 'hub.corp:4000' });
    expect(pick('wss://hub.corp:4000/ws')).toBeUndefined();
    expect(pick('wss://hub.corp/ws')).toBe('http://s:1/ from HTTPS_PROXY');
    setEnv({ HTTPS_PROXY: 'http://s:1', NO_PROXY: '*' });
    expect(pick('wss://hub.corp/ws')).toBeUndefined();
  });

  it('the proxy option wins over the environment, NO_PROXY included; "" means none; loopback hubs skip env proxies only', () => {
    setEnv({ HTTPS_PROXY: 'http://s:1', NO_PROXY: '*' });
    expect(pick('wss://hub.corp/ws', 'http://opt:8080')).toBe('http://opt:8080/ from options.proxy');
    expect(pick('wss://hub.corp/ws', '')).toBeUndefined();
    setEnv({ HTTPS_PROXY: 'http://s:1', HTTP_PROXY: 'http://p:2' });
    for (const url of ['wss://127.0.0.1/ws', 'ws://127.5.0.1:4000/ws', 'ws://localhost:4000/ws', 'ws://[::1]:4000/ws']) expect(pick(url)).toBeUndefined();
    expect(pick('ws://127.0.0.1:4000/ws', 'http://opt:8080')).toBe('http://opt:8080/ from options.proxy');
  });
});
