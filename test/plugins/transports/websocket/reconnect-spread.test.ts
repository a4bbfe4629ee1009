import { describe, expect, it } from 'vitest';
import { reconnectSpreadMs } from '../../../../src/plugins/transports/websocket/hub-link.js';
import { AGENT, useHarness, waitFor } from './helpers.js';
import { io, VirtualTime } from './virtual-time.js';

const { connected, fakeHub } = useHarness();

/** mulberry32 is a small seeded PRNG: the same fleet of draws on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** identifyingHub answers every identify; pings get the fake hub's pong. */
async function identifyingHub() {
  return fakeHub({
    onFrame: (frame, conn) => {
      if (frame.type !== 'identify') return;
      conn.send({ type: 'identified', agent_id: AGENT.id });
      return true;
    },
  });
}

describe('reconnectSpreadMs', () => {
  it('is 0 without a spread, and stays below the spread whatever the random source returns', () => {
    let calls = 0;
    expect(reconnectSpreadMs(0, () => (calls++, 0.5))).toBe(0);
    expect(calls).toBe(0);
    expect(reconnectSpreadMs(45_000, () => 0)).toBe(0);
    expect(reconnectSpreadMs(45_000, () => 0.5)).toBe(22_500);
    expect(reconnectSpreadMs(45_000, () => 1)).toBe(44_999);
    expect(reconnectSpreadMs(45_000, () => -3)).toBe(0);
  });

  it('spreads 1,000 hosts cut off together over more than 30 s, no second carrying more than 10 % of them', () => {
    const random = mulberry32(15);
    const delays = Array.from({ length: 1000 }, () => reconnectSpreadMs(45_000, random));
    const perSecond = new Map<number, number>();
    for (const d of delays) perSecond.set(Math.floor(d / 1000), (perSecond.get(Math.floor(d / 1000)) ?? 0) + 1);
    const busiest = Math.max(...perSecond.values());
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThanOrEqual(30_000);
    expect(busiest).toBeLessThanOrEqual(100);
    console.info(`[figures] reconnect spread 45 s, 1000 draws: first ${Math.min(...delays)} ms, last ${Math.max(...delays)} ms, busiest second ${busiest} hosts`);
  });
});

describe('websocket reconnect spread', () => {
  it('waits a random part of reconnect_spread_ms before the first reconnect after losing a stable connection', async () => {
    const vt = new VirtualTime();
    const fake = await identifyingHub();
    const t = await connected(
      { url: fake.url, reconnect_initial_ms: 1000, reconnect_max_ms: 60_000, reconnect_spread_ms: 45_000, stable_after_ms: 30_000 },
      { deps: { timers: vt, random: () => 0.6 } },
    );
    await waitFor(() => t.status().identified === true, 5000, 'identified');
    for (let i = 0; i < 31; i++) {
      vt.advance(1000);
      await io(1);
    }
    expect(t.status().identified).toBe(true);
    fake.conns.at(-1)!.ws.close(1001, 'hub restarting');
    await waitFor(() => t.status().state === 'backoff', 5000, 'backoff');
    const lost = t.entries().filter((e) => typeof e.retry_in_ms === 'number');
    // The backoff alone would say 600 ms (0.6 × 1000); the spread says 0.6 × 45 s.
    expect(lost.at(-1)!.retry_in_ms).toBe(27_000);
    const before = fake.conns.length;
    vt.advance(26_999);
    await io(5);
    expect(fake.conns.length).toBe(before);
    vt.advance(1);
    await waitFor(() => t.status().identified === true, 5000, 'identified again after the spread');
    expect(fake.conns.length).toBe(before + 1);
  }, 30_000);

  it('never reconnects sooner than a 1008 cool-down, whatever the spread draws', async () => {
    const vt = new VirtualTime();
    const fake = await identifyingHub();
    const t = await connected(
      { url: fake.url, reconnect_initial_ms: 1000, reconnect_max_ms: 60_000, reconnect_spread_ms: 45_000, stable_after_ms: 0 },
      { deps: { timers: vt, random: () => 0.1 } },
    );
    await waitFor(() => t.status().identified === true, 5000, 'identified');
    fake.conns.at(-1)!.ws.close(1008, 'cooldown active: retry in 60s');
    await waitFor(() => t.status().state === 'backoff', 5000, 'backoff');
    expect(t.entries().filter((e) => typeof e.retry_in_ms === 'number').at(-1)!.retry_in_ms).toBe(60_000);
  }, 30_000);

  it('a connection that never identified is retried on the backoff alone, without the spread', async () => {
    const vt = new VirtualTime();
    const fake = await identifyingHub();
    const t = await connected(
      { url: fake.url, reconnect_initial_ms: 1000, reconnect_max_ms: 60_000, reconnect_spread_ms: 45_000, stable_after_ms: 0 },
      { deps: { timers: vt, random: () => 0.5 } },
    );
    await waitFor(() => t.status().identified === true, 5000, 'identified');
    await fake.close();
    await waitFor(() => t.status().state === 'backoff', 5000, 'backoff after the loss');
    vt.advanceToNext(); // the spread's 22.5 s; the hub is gone, so this attempt fails before identifying
    await waitFor(() => t.entries().filter((e) => typeof e.retry_in_ms === 'number').length >= 2, 5000, 'the failed attempt');
    const delays = t.entries().filter((e) => typeof e.retry_in_ms === 'number').map((e) => e.retry_in_ms);
    expect(delays.slice(0, 2)).toEqual([22_500, 1000]);
  }, 30_000);
});
