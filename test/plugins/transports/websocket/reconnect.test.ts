import { describe, expect, it } from 'vitest';
import { AGENT, useHarness, waitFor, type Built, type FakeConn } from './helpers.js';
import { io, VirtualTime } from './virtual-time.js';

const { connected, fakeHub } = useHarness();

const MINUTE = 60_000;

/** maxPerWindow is the most connections within any `windowMs` span starting at a connection. */
function maxPerWindow(times: number[], windowMs: number): number {
  return Math.max(0, ...times.map((start) => times.filter((t) => t >= start && t < start + windowMs).length));
}

/** flapFor drives the transport for `ms` of virtual time against a hub that drops every connection. */
async function flapFor(vt: VirtualTime, t: Built, ms: number): Promise<void> {
  while (vt.monotonic() < ms) {
    await waitFor(() => t.status().state === 'backoff', 5000, 'the connection to drop');
    if (!vt.advanceToNext()) throw new Error('no reconnect timer');
    await io(1);
  }
}

const misbehaviours: [string, (conn: FakeConn) => void][] = [
  ['closes right after identified', (conn) => conn.ws.close(1000)],
  ['closes with 1011 after identified', (conn) => conn.ws.close(1011, 'internal error')],
  ['sends invalid UTF-8 (the client closes with 1007)', (conn) => conn.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false })],
  ['sends a 5 MB frame (the client closes with 1009)', (conn) => conn.ws.send('x'.repeat(5 * 1024 * 1024))],
];

describe('websocket reconnects against a flapping hub', () => {
  it.each(misbehaviours)('a hub that %s sees at most 10 connections a minute, ever', async (_name, misbehave) => {
    const vt = new VirtualTime();
    const times: number[] = [];
    const codes = new Set<number>();
    const fake = await fakeHub({
      onConnection: (conn) => {
        times.push(vt.monotonic());
        conn.ws.on('close', (code) => codes.add(code));
      },
      onFrame: (frame, conn) => {
        if (frame.type !== 'identify') return;
        conn.send({ type: 'identified', agent_id: AGENT.id });
        setImmediate(() => misbehave(conn));
        return true;
      },
    });
    // random 0: every backoff delay is zero, the worst case; only the identify budget holds the line.
    const t = await connected({ url: fake.url, reconnect_initial_ms: 1000, reconnect_max_ms: 60_000 }, { deps: { timers: vt, random: () => 0 } });
    const minutes = 3;
    await flapFor(vt, t, minutes * MINUTE);
    const afterFirst = times.filter((x) => x >= MINUTE && x < minutes * MINUTE);
    expect(maxPerWindow(times, MINUTE)).toBeLessThanOrEqual(10);
    expect(afterFirst.length).toBeLessThanOrEqual(10 * (minutes - 1));
    expect(times.length).toBeGreaterThan(10); // it does keep trying
    expect(t.entries().filter((e) => e.level === 40 && /Hub dropped the connection/.test(e.msg))).toHaveLength(1);
    console.info(`[figures] flapping hub (${_name}): ${times.length} connections in ${minutes} virtual minutes, at most ${maxPerWindow(times, MINUTE)} in any minute; client close codes ${[...codes].join(',')}`);
  }, 60_000);

  it('with ordinary jitter the delays grow while flapping, and start over only after a connection stayed up stable_after_ms', async () => {
    const vt = new VirtualTime();
    let flap = true;
    const fake = await fakeHub({
      onFrame: (frame, conn) => {
        if (frame.type !== 'identify') return;
        conn.send({ type: 'identified', agent_id: AGENT.id });
        if (flap) setImmediate(() => conn.ws.close(1000));
        return true;
      },
    });
    const t = await connected(
      { url: fake.url, reconnect_initial_ms: 1000, reconnect_max_ms: 60_000, stable_after_ms: 30_000 },
      { deps: { timers: vt, random: () => 1 } },
    );
    await flapFor(vt, t, 3 * MINUTE);
    const delays = () => t.entries().filter((e) => typeof e.retry_in_ms === 'number').map((e) => e.retry_in_ms as number);
    expect(delays().slice(0, 7)).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000]);
    // Now a connection that lasts: 31 s identified (pings answered), then the hub drops it once.
    await waitFor(() => t.status().state === 'backoff', 5000, 'backoff');
    flap = false;
    vt.advanceToNext();
    await waitFor(() => t.status().identified === true, 5000, 'identified');
    for (let i = 0; i < 31; i++) {
      vt.advance(1000);
      await io(1);
    }
    expect(t.status().identified).toBe(true);
    fake.conns.at(-1)!.ws.close(1001, 'restart');
    await waitFor(() => t.status().state === 'backoff', 5000, 'backoff after the stable connection');
    expect(delays().at(-1)).toBe(1000);
    expect(t.entries().filter((e) => e.level === 40 && e.msg.startsWith('Hub connection lost'))).toHaveLength(1);
  }, 60_000);

  it('a connection shorter than stable_after_ms does not reset the backoff', async () => {
    const vt = new VirtualTime();
    const fake = await fakeHub({
      onFrame: (frame, conn) => {
        if (frame.type !== 'identify') return;
        conn.send({ type: 'identified', agent_id: AGENT.id });
        return true;
      },
    });
    const t = await connected({ url: fake.url, reconnect_initial_ms: 1000, reconnect_max_ms: 60_000, stable_after_ms: 30_000 }, { deps: { timers: vt, random: () => 1 } });
    const delays = () => t.entries().filter((e) => typeof e.retry_in_ms === 'number').map((e) => e.retry_in_ms as number);
    for (let round = 0; round < 3; round++) {
      await waitFor(() => t.status().identified === true, 5000, 'identified');
      vt.advance(29_000);
      await io(2);
      fake.conns.at(-1)!.ws.close(1001);
      await waitFor(() => t.status().state === 'backoff', 5000, 'backoff');
      vt.advanceToNext();
    }
    expect(delays()).toEqual([1000, 2000, 4000]);
  }, 30_000);
});
