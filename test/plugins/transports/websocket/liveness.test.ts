import { describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { HUB_SILENCE_LIMIT_MS, KEEPALIVE_MS } from '../../../../src/plugins/transports/websocket/hub-connection.js';
import { report, waitFor, useHarness, type FakeConn } from './helpers.js';

const { connected, fakeHub } = useHarness();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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

describe('websocket transport: never silent for the hub’s 60 s, even on a rate-limit hold', () => {
  /** holdHub refuses report 1 once with retry_after_ms `holdMs`, recording when each frame arrived. */
  async function holdHub(holdMs: number, onPing?: (conn: FakeConn) => boolean) {
    const arrivals: { type: string; timestamp?: unknown; at: number }[] = [];
    let refusedAt = 0;
    const fake = await fakeHub({
      onFrame: (f, conn) => {
        arrivals.push({ type: String(f.type), timestamp: f.timestamp, at: performance.now() });
        if (f.type === 'resource_report' && f.timestamp === 1 && refusedAt === 0) {
          refusedAt = performance.now();
          conn.send({ type: 'rate_limited', retry_after_ms: holdMs, tier: 'normal' });
          return true;
        }
        if (f.type === 'ping' && refusedAt !== 0) return onPing?.(conn);
      },
    });
    return { fake, arrivals, refusedAt: () => refusedAt };
  }

  // The hold is the longest the hub asks for (capped at 60 s); keepaliveMs stands for the 50 s default, scaled down.
  const KEEPALIVE = 200;
  const HOLD = 2000;

  it('writes a keepalive ping whenever nothing went out for keepaliveMs, and holds every report for retry_after_ms', async () => {
    const { fake, arrivals, refusedAt } = await holdHub(HOLD);
    // Regular pings every 50 s, as good as none here: only keepalives can break the silence of the hold.
    const t = await connected({ replay: 'all', url: fake.url, ping_interval_ms: 50_000, pong_timeout_ms: 1000 }, { deps: { keepaliveMs: KEEPALIVE } });
    await waitFor(() => t.status().identified === true, 2000, 'identified');
    t.transport.send(report(1));
    await waitFor(() => refusedAt() > 0, 2000, 'refusal');
    await sleep(HOLD / 2);
    t.transport.send(report(2));
    await waitFor(() => fake.reports().length >= 3, 3 * HOLD, 'resend after the hold');

    const resent = arrivals.findIndex((a) => a.type === 'resource_report' && a.at > refusedAt());
    const during = arrivals.filter((a) => a.at > refusedAt() && a.at < arrivals[resent]!.at);
    // The hold was kept: the refused report came back after retry_after_ms, first, and report 2 after it.
    expect(arrivals[resent]!.at - refusedAt()).toBeGreaterThanOrEqual(HOLD - 20);
    expect(fake.reports().map((r) => r.timestamp)).toEqual([1, 1, 2]);
    // ...and the connection was never silent for long: nothing but pings, about one per keepaliveMs.
    expect(new Set(during.map((a) => a.type))).toEqual(new Set(['ping']));
    expect(during.length).toBeGreaterThanOrEqual(3);
    expect(during.length).toBeLessThanOrEqual(HOLD / KEEPALIVE + 1);
    // Without keepalives the longest gap is the whole hold; with them, keepaliveMs plus timer and loopback lag
    // (the bound is generous: on a loaded machine the event loop stalls for hundreds of ms).
    const gaps = arrivals.slice(1, resent + 1).map((a, i) => a.at - arrivals[i]!.at);
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(KEEPALIVE - 5);
    expect(Math.max(...gaps)).toBeLessThan(HOLD / 2);
    expect(fake.conns).toHaveLength(1);
  });

  it('counts a keepalive refused with tier light as answered, and does not let its shorter retry end the hold', async () => {
    const { fake, arrivals, refusedAt } = await holdHub(HOLD, (conn) => {
      conn.send({ type: 'rate_limited', retry_after_ms: 10, tier: 'light' });
      return true;
    });
    // A pong timeout of half the hold: a refused ping that did not count as an answer would end the connection.
    const t = await connected({ url: fake.url, ping_interval_ms: 50_000, pong_timeout_ms: HOLD / 2 }, { deps: { keepaliveMs: KEEPALIVE } });
    await waitFor(() => t.status().identified === true, 2000, 'identified');
    t.transport.send(report(1));
    await waitFor(() => fake.reports().length >= 2, 3 * HOLD, 'resend after the hold');
    const resentAt = arrivals.filter((a) => a.type === 'resource_report').at(-1)!.at;
    expect(resentAt - refusedAt()).toBeGreaterThanOrEqual(HOLD - 20);
    expect(arrivals.filter((a) => a.type === 'ping' && a.at > refusedAt() && a.at < resentAt).length).toBeGreaterThanOrEqual(3);
    expect(fake.conns).toHaveLength(1);
    expect(t.status()).toMatchObject({ sent: 1, buffered: 0, identified: true });
    expect(t.entries().some((e) => /No pong/.test(e.msg))).toBe(false);
  });

  it('keeps the default keepalive 10 s under the hub’s 60 s silence limit', () => {
    expect(HUB_SILENCE_LIMIT_MS).toBe(60_000);
    expect(KEEPALIVE_MS).toBe(50_000);
  });
});
