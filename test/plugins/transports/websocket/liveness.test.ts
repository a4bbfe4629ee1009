import { describe, expect, it } from 'vitest';
import { report, waitFor, useHarness, type FakeConn } from './helpers.js';

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

  it('finds out a hub that stops reading while the socket is backed up: pings skip the backlog check (BUG 4)', async () => {
    const socketOf = (conn: FakeConn) => (conn.ws as unknown as { _socket: { pause(): void } })._socket;
    const fake = await fakeHub({
      onFrame: (f, conn) => {
        if (f.type !== 'ping' || conn.id !== 1) return;
        conn.send({ type: 'pong' });
        socketOf(conn).pause();
        return true;
      },
    });
    const t = await connected({ url: fake.url, ping_interval_ms: 100, pong_timeout_ms: 200, buffer_max_reports: 20 });
    await waitFor(() => fake.conns[0]?.frames.some((f) => f.type === 'ping') ?? false, 2000, 'first ping');
    await new Promise((r) => setTimeout(r, 20));
    // 8 MiB is more than the kernel takes for a peer that reads nothing, so far more than
    // MAX_SOCKET_BACKLOG_BYTES stays unread in the socket; before, no ping was written from then on.
    t.transport.send({ ...report(1), pad: 'x'.repeat(8 << 20) } as never);
    const pad = 'x'.repeat(20_000);
    for (let ts = 2; ts <= 1000; ts++) t.transport.send({ ...report(ts), pad } as never);
    // One ping interval plus the pong timeout, with a wide margin: the dead connection must be replaced.
    await waitFor(() => fake.conns.length >= 2, 3000, 'a reconnect away from the stuck hub');
    expect(t.entries().some((e) => e.level === 40 && /No pong within 200 ms/.test(e.msg))).toBe(true);
  });
});
