import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startDevHub } from '../../../../src/hub/dev-hub.js';
import { AdvertisedUrl, isLoopbackUrl } from '../../../../src/plugins/transports/websocket/advertised-url.js';
import { identifyFrame } from '../../../../src/plugins/transports/websocket/identify.js';
import { AGENT, build, parseOptions, useHarness, waitFor, type LogEntry } from './helpers.js';

const { connected, fakeHub, track } = useHarness();

describe('websocket transport: what the hub pushes', () => {
  it('warns once per connection about task_assign, naming the task, and never answers it', async () => {
    const hub = track(await startDevHub({ port: 0, print: () => undefined, tasks: true }));
    const t = await connected({ url: hub.url, stable_after_ms: 0 });
    await waitFor(() => t.entries().some((e) => /Hub assigned task/.test(e.msg)), 2000, 'task warning');
    const warnings = () => t.entries().filter((e) => e.level === 40 && /Hub assigned task/.test(e.msg));
    expect(warnings()[0]).toMatchObject({ task_id: 'task-1', agent_id: AGENT.id });
    expect(warnings()[0]!.msg).toMatch(/treats every identified connection as a worker/);
    expect(warnings()[0]!.msg).toMatch(/collectMetrics/);
    // A second connection gets its own task and its own single warning.
    const port = hub.port;
    await hub.close();
    const again = track(await startDevHub({ port, print: () => undefined, tasks: true }));
    await waitFor(() => warnings().length === 2, 3000, 'second task warning');
    expect(warnings()[1]).toMatchObject({ task_id: 'task-1' });
    await new Promise((r) => setTimeout(r, 50));
    const answered = [...hub.received, ...again.received].filter((r) => r.type.startsWith('task'));
    expect(answered).toEqual([]);
  });

  it('warns when the hub identifies the connection as another agent', async () => {
    const fake = await fakeHub({
      onFrame: (frame, conn) => {
        if (frame.type !== 'identify') return;
        conn.send({ type: 'identified', agent_id: 'someone-else' });
        return true;
      },
    });
    const t = await connected({ url: fake.url });
    await waitFor(() => t.status().identified === true, 2000, 'identified');
    expect(t.entries().find((e) => e.level === 40 && /not as agent/.test(e.msg))).toMatchObject({ identified_as: 'someone-else', agent_id: AGENT.id });
  });
});

describe('websocket transport: the ollama_url the hub is told', () => {
  it.each([
    ['http://127.0.0.1:11434', true],
    ['http://127.8.9.1:11434', true],
    ['http://localhost:11434', true],
    ['http://[::1]:11434', true],
    ['http://10.0.0.5:11434', false],
    ['http://gpu-box-1.lan:11434', false],
    ['not a url', false],
  ])('isLoopbackUrl(%s) is %s', (url, expected) => {
    expect(isLoopbackUrl(url)).toBe(expected);
  });

  it('leaves a loopback ollama_url out of identify for a remote hub, with one warning naming advertise_url', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (l: string) => void lines.push(l) });
    const options = await parseOptions({ url: 'ws://hub.example.com:4000/ws', token: 't' });
    const ctx = {
      name: 'websocket', instanceId: 'websocket', options, logger, agent: AGENT, configDir: '.',
      identify: async () => ({ ollama_url: 'http://127.0.0.1:11434', ollama_version: '0.9.7' }),
      runtimeStatus: () => ({ agentId: AGENT.id, reports: 0, lastReportAt: null, collectors: [], transports: [] }),
    };
    const advertised = new AdvertisedUrl(options.url, logger);
    const filter = (f: Record<string, unknown>) => advertised.filter(f);
    const first = await identifyFrame(ctx, AbortSignal.timeout(1000), (s) => s, filter);
    const second = await identifyFrame(ctx, AbortSignal.timeout(1000), (s) => s, filter);
    for (const frame of [first, second]) {
      expect(frame).not.toHaveProperty('ollama_url');
      expect(frame).toMatchObject({ ollama_version: '0.9.7', agent_id: AGENT.id });
    }
    const warnings = lines.map((l) => JSON.parse(l) as LogEntry).filter((e) => e.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(/loopback/);
    expect(warnings[0]!.msg).toMatch(/advertise_url/);
    // A reachable URL goes as it is.
    ctx.identify = async () => ({ ollama_url: 'http://10.0.0.5:11434', ollama_version: '0.9.7' });
    expect(await identifyFrame(ctx, AbortSignal.timeout(1000), (s) => s, filter)).toMatchObject({ ollama_url: 'http://10.0.0.5:11434' });
  });

  it('sends a loopback ollama_url to a hub that is itself on loopback', async () => {
    const hub = track(await startDevHub({ port: 0, print: () => undefined }));
    const t = await connected({ url: hub.url });
    await waitFor(() => t.status().identified === true, 2000, 'identified');
    expect(hub.received.find((r) => r.type === 'identify')!.frame.ollama_url).toBe('http://127.0.0.1:11434');
    expect(hub.state.endpoints.get(`${AGENT.id}-local`)).toBe('http://127.0.0.1:11434');
    expect(t.entries().some((e) => /loopback/.test(e.msg))).toBe(false);
  });

  it('identityChanged sends a changed ollama_url as ollama_report on the same connection', async () => {
    const hub = track(await startDevHub({ port: 0, print: () => undefined }));
    let url = 'http://127.0.0.1:11434';
    const t = await build({ url: hub.url }, { identify: async () => ({ ollama_url: url }) });
    t.transport.start?.();
    try {
      await waitFor(() => t.status().identified === true, 2000, 'identified');
      const ws = t.transport as unknown as { identityChanged(): Promise<void> };
      await ws.identityChanged(); // unchanged: nothing sent
      url = 'http://127.0.0.2:11434';
      await ws.identityChanged();
      await waitFor(() => hub.received.some((r) => r.type === 'ollama_report'), 2000, 'ollama_report');
      expect(hub.received.filter((r) => r.type === 'ollama_report').map((r) => [r.connection, r.frame.ollama_url, r.accepted])).toEqual([
        [1, 'http://127.0.0.2:11434', true],
      ]);
      expect(hub.state.endpoints.get(`${AGENT.id}-local`)).toBe('http://127.0.0.2:11434');
      expect(t.status().reconnects).toBe(0);
    } finally {
      t.transport.dispose?.();
    }
  });
});
