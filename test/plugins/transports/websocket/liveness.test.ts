import { describe, expect, it } from 'vitest';
import { report, waitFor, useHarness } from './helpers.js';

const { connected, fakeHub } = useHarness();

describe('websocket transport: liveness', () => {
  it('pings while identified and keeps a connection that answers', async () => {
    const fake = await fakeHub();
    await connected({ url: fake.url, ping_interval_ms: 30, pong_timeout_ms: 1000 });
    await waitFor(() => (fake.conns[0]?.frames.filter((f) => f.type === 'ping').length ?? 0) >= 4, 2000, 'pings');
    expect(fake.conns).toHaveLength(1);
    expect(fake.conns[0]!.texts.filter((t) => t.includes('"ping"'))[0]).toBe('{"type":"ping","protocol_version":1}');
  });

  it('terminates and reconnects when no pong comes back in time', async () => {
    const fake = await fakeHub({ pong: false });
    const t = await connected({ url: fake.url, ping_interval_ms: 30, pong_timeout_ms: 50 });
    await waitFor(() => fake.conns.length >= 2 && t.status().identified === true, 3000, 'second connection');
    expect(fake.conns[0]!.closed?.code).toBe(1006);
    expect(t.entries().some((e) => e.level === 40 && /No pong within 50 ms/.test(e.msg))).toBe(true);
  });

  it('gives up on a hub that never answers identify and sends it nothing else', async () => {
    const fake = await fakeHub({ onFrame: () => true });
    const t = await connected({ url: fake.url, handshake_timeout_ms: 80 });
    t.transport.send(report(1000));
    await waitFor(() => fake.conns.length >= 2, 3000, 'reconnect');
    expect(fake.conns.flatMap((c) => c.frames).every((f) => f.type === 'identify')).toBe(true);
    expect(t.status().buffered).toBe(1);
  });
});
