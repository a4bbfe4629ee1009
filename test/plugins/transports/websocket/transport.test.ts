import { afterAll, describe, expect, it } from 'vitest';
import { startDevHub, type DevHub } from '../../../../src/hub/dev-hub.js';
import { DRAIN_GAP_MS } from '../../../../src/plugins/transports/websocket/transport.js';
import { AGENT, TOKEN, build, linesWithSecret, report, startFakeHub, stopSignal, waitFor, useHarness, type FakeHub } from './helpers.js';

const { connected, track: hub, onCleanup } = useHarness();
afterAll(() => expect(linesWithSecret('pw-SECRET-77')).toEqual([]));

describe('websocket transport: handshake and delivery', () => {
  it('sends identify first, nothing before identified, then buffered reports in order and live ones after', async () => {
    let identifiedSent = false;
    const early: unknown[] = [];
    const fake = hub(
      await startFakeHub({
        onFrame: (frame, conn) => {
          if (frame.type === 'identify') {
            setTimeout(() => ((identifiedSent = true), conn.send({ type: 'identified', agent_id: frame.agent_id })), 150);
            return true;
          }
          if (!identifiedSent) early.push(frame);
        },
      }),
    ) as FakeHub;
    const t = await build({ replay: 'all', url: fake.url }, { identify: async () => ({ ollama_url: 'http://127.0.0.1:11434', status: null }) });
    onCleanup(() => t.transport.dispose?.());
    expect(t.transport.start!()).toBeUndefined();
    expect(t.status().state).toBe('connecting');
    t.transport.send(report(1000));
    t.transport.send(report(2000));
    await waitFor(() => fake.conns[0]?.frames.length === 1, 2000, 'identify');
    expect(t.status()).toMatchObject({ state: 'identifying', identified: false, buffered: 2 });
    await waitFor(() => fake.reports().length === 2, 2000, 'buffered reports');
    t.transport.send(report(3000));
    await waitFor(() => fake.reports().length === 3, 2000, 'live report');

    const conn = fake.conns[0]!;
    expect(conn.frames[0]).toEqual({
      type: 'identify',
      protocol_version: 1,
      agent_id: AGENT.id,
      token: TOKEN,
      name: AGENT.name,
      ollama_url: 'http://127.0.0.1:11434',
    });
    expect(early).toEqual([]);
    expect(conn.frames.every((f) => f.protocol_version === 1)).toBe(true);
    expect(fake.reports().map((f) => f.timestamp)).toEqual([1000, 2000, 3000]);
    expect(t.status()).toMatchObject({ state: 'identified', identified: true, sent: 3, buffered: 0, dropped: 0, reconnects: 0 });
    expect(typeof t.status().last_sent_at).toBe('number');
  });

  it('ignores an "identified" that comes before our identify frame, so reports never go first (BUG 5)', async () => {
    const fake = hub(await startFakeHub({ onConnection: (conn) => conn.send({ type: 'identified' }) })) as FakeHub;
    const t = await build({ url: fake.url }, { identify: async () => (await new Promise((r) => setTimeout(r, 200)), {}) });
    onCleanup(() => t.transport.dispose?.());
    t.transport.send(report(1));
    t.transport.start?.();
    await waitFor(() => fake.reports().length === 1, 3000, 'the report after the real "identified"');
    expect(fake.conns[0]!.frames[0]!.type).toBe('identify');
    expect(fake.conns).toHaveLength(1);
    expect(t.entries().filter((e) => e.level === 40 && /"identified" that came before our identify/.test(e.msg))).toHaveLength(1);
  });

  it('drains a backlog one report at a time: each followed by a receipt ping, the next one DRAIN_GAP_MS after its answer', async () => {
    const probe = await startFakeHub();
    const port = probe.port;
    await probe.close();
    const t = await connected({ replay: 'all', url: `ws://127.0.0.1:${port}/ws` });
    for (let ts = 1; ts <= 4; ts++) t.transport.send(report(ts * 1000));
    const at: number[] = [];
    const fake = hub(await startFakeHub({ port, onFrame: (f) => void (f.type === 'resource_report' && at.push(Date.now())) })) as FakeHub;
    await waitFor(() => fake.reports().length === 4, 3000, 'the backlog');
    await waitFor(() => fake.conns[0]!.frames.length === 9, 2000, 'the last receipt ping');
    expect(fake.conns[0]!.frames.map((f) => f.type)).toEqual(['identify', ...Array(4).fill(['resource_report', 'ping']).flat()]);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(DRAIN_GAP_MS - 5);
    expect(t.status()).toMatchObject({ sent: 4, buffered: 0 });
  });

  it('passes the dev hub strict validation (no validation_failed) and gets its reports printed', async () => {
    const printed: string[] = [];
    const dev = hub(await startDevHub({ port: 0, token: TOKEN, print: (l) => printed.push(l) })) as DevHub;
    const t = await connected({ url: dev.url, ping_interval_ms: 30 });
    t.transport.send(report(1000, { vram_used_bytes: null, vram_total_bytes: null }));
    await waitFor(() => printed.length === 1 && dev.received.some((r) => r.type === 'ping'), 2000, 'report and ping');
    expect(dev.received.every((r) => r.accepted)).toBe(true);
    expect(printed[0]).toContain(AGENT.id);
    expect(t.entries().filter((e) => e.level >= 40)).toEqual([]);
  });

  it('reconnects when the hub restarts on the same port and delivers what was buffered meanwhile', async () => {
    const first = await startDevHub({ port: 0, print: () => undefined });
    const t = await connected({ replay: 'all', url: first.url, stable_after_ms: 0 });
    await waitFor(() => t.status().identified === true, 2000, 'identified');
    await first.close();
    await waitFor(() => t.status().identified === false, 2000, 'disconnect');
    t.transport.send(report(1000));
    t.transport.send(report(2000));
    expect(t.status().buffered).toBe(2);
    const second = hub(await startDevHub({ port: first.port, print: () => undefined })) as DevHub;
    await waitFor(() => second.received.filter((r) => r.type === 'resource_report').length === 2, 3000, 'reports after restart');
    expect(second.received.filter((r) => r.type === 'resource_report').map((r) => r.frame.timestamp)).toEqual([1000, 2000]);
    expect(t.status().reconnects).toBeGreaterThanOrEqual(1);
    expect(t.entries().some((e) => e.level === 40 && e.msg.startsWith('Hub connection lost'))).toBe(true);
  });

  it('drops the oldest reports when the buffer overflows, counts them and warns once with the count', async () => {
    const probe = await startFakeHub();
    const port = probe.port;
    await probe.close();
    const t = await connected({ replay: 'all', url: `ws://127.0.0.1:${port}/ws`, buffer_max_reports: 3 });
    for (let ts = 1; ts <= 5; ts++) t.transport.send(report(ts * 1000));
    expect(t.status()).toMatchObject({ buffered: 3, dropped: 2, identified: false });
    const fake = hub(await startFakeHub({ port })) as FakeHub;
    await waitFor(() => fake.reports().length === 3, 3000, 'flushed reports');
    expect(fake.reports().map((f) => f.timestamp)).toEqual([3000, 4000, 5000]);
    const warnings = t.entries().filter((e) => e.level === 40 && /oldest reports/.test(e.msg));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ dropped: 2 });
    expect(t.entries().filter((e) => /Report buffer full/.test(e.msg))).toHaveLength(1);
  });

  it('never lets timestamps go backwards: an older report is dropped and counted', async () => {
    const fake = hub(await startFakeHub()) as FakeHub;
    const t = await connected({ replay: 'all', url: fake.url });
    for (const ts of [1000, 3000, 2000, 2500, 3000, 4000]) t.transport.send(report(ts));
    await waitFor(() => fake.reports().length === 4, 2000, 'reports');
    expect(fake.reports().map((f) => f.timestamp)).toEqual([1000, 3000, 3000, 4000]);
    expect(t.status().dropped).toBe(2);
    expect(t.entries().filter((e) => /older than/.test(e.msg))).toHaveLength(1);
  });

  it('stop() closes with 1000, never reconnects, and counts later reports as dropped; dispose is idempotent', async () => {
    const fake = hub(await startFakeHub()) as FakeHub;
    const t = await connected({ url: fake.url });
    await waitFor(() => t.status().identified === true, 2000, 'identified');
    await t.transport.stop!(stopSignal());
    await waitFor(() => fake.conns[0]?.closed !== undefined, 2000, 'close seen by hub');
    expect(fake.conns[0]!.closed!.code).toBe(1000);
    t.transport.send(report(1000));
    expect(t.status()).toMatchObject({ state: 'stopped', identified: false, dropped: 1 });
    await new Promise((r) => setTimeout(r, 150));
    expect(fake.conns).toHaveLength(1);
    await t.transport.dispose?.();
    await t.transport.dispose?.();
  });

  it('stop() before the hub is reachable returns promptly and stops retrying', async () => {
    const probe = await startFakeHub();
    await probe.close();
    const t = await connected({ url: `ws://127.0.0.1:${probe.port}/ws` });
    t.transport.send(report(1000));
    const started = Date.now();
    await t.transport.stop!(stopSignal());
    expect(Date.now() - started).toBeLessThan(500);
    expect(t.status()).toMatchObject({ state: 'stopped', buffered: 1 });
    expect(t.transport.takeBuffered().map((r) => r.timestamp)).toEqual([1000]);
  });

  it('strips userinfo from the URL in logs', async () => {
    const fake = hub(await startFakeHub()) as FakeHub;
    const t = await connected({ url: fake.url.replace('ws://', 'ws://alice:pw-SECRET-77@') });
    await waitFor(() => t.status().identified === true, 2000, 'identified');
    expect(t.lines.join('\n')).toContain(`ws://127.0.0.1:${fake.port}/ws`);
    expect(t.lines.join('\n')).not.toContain('pw-SECRET-77');
  });
});
