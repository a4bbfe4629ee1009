import { describe, expect, it } from 'vitest';
import { startDevHub, type DevHub } from '../../../../src/hub/dev-hub.js';
import { AGENT, report, stopSignal, useHarness, waitFor, type Built } from './helpers.js';
import { io, VirtualTime } from './virtual-time.js';

const { connected, track } = useHarness();

const INTERVAL = 1000;

/** Sim drives a transport and a dev hub on one virtual clock: a report every `interval` ms, I/O between steps. */
function simulate(vt: VirtualTime, t: Built, interval: number) {
  const produced: number[] = [];
  const produce = () => {
    const ts = vt.now();
    produced.push(ts);
    t.transport.send(report(ts));
    vt.set(produce, interval);
  };
  vt.set(produce, interval);
  return {
    produced,
    /** run advances `ms` of virtual time in steps, letting real I/O settle after each. */
    async run(ms: number, step = 100, until?: () => boolean): Promise<boolean> {
      for (let done = 0; done < ms; done += step) {
        vt.advance(step);
        await io(2);
        if (until?.()) return true;
      }
      return false;
    },
  };
}

async function devHub(vt: VirtualTime, port = 0): Promise<DevHub> {
  return track(await startDevHub({ port, print: () => undefined, clock: vt }));
}

describe('websocket delivery to a latest-value hub (replay "latest", the default)', () => {
  it('after a 75 s outage shows the present within two intervals of the reconnect and refuses nothing', async () => {
    const vt = new VirtualTime();
    let hub = await devHub(vt);
    const t = await connected({ url: hub.url }, { deps: { timers: vt, random: () => 0.5 } });
    const sim = simulate(vt, t, INTERVAL);
    expect(await sim.run(5000, 100, () => t.status().identified === true)).toBe(true);
    await sim.run(10_000);
    expect(hub.state.latest(AGENT.id)?.frame.timestamp).toBe(sim.produced.at(-1));
    const port = hub.port;
    await hub.close();
    await sim.run(75_000, 250);
    hub = await devHub(vt, port);
    expect(await sim.run(120_000, 100, () => t.status().identified === true)).toBe(true);
    const identifiedAt = vt.monotonic();
    const present = () => hub.state.latest(AGENT.id)?.frame.timestamp === sim.produced.at(-1);
    expect(await sim.run(2 * INTERVAL, 10, present)).toBe(true);
    const delay = vt.monotonic() - identifiedAt;
    await sim.run(30_000);
    const reports = hub.received.filter((r) => r.type === 'resource_report');
    // The first report after the reconnect is the newest one: nothing from the outage is shown as the present.
    expect(reports[0]!.frame.timestamp as number).toBeGreaterThanOrEqual(vt.now() - 30_000 - 2 * INTERVAL);
    expect(reports.every((r) => r.accepted)).toBe(true);
    expect(hub.state.refused).toEqual({ light: 0, normal: 0, heavy: 0 });
    expect(t.status().superseded).toBeGreaterThanOrEqual(70);
    expect(t.status().buffered).toBe(0);
    expect(hub.state.present(AGENT.id)).toBe(true);
    console.info(`[figures] latest: present ${delay} ms (virtual) after identified; superseded ${String(t.status().superseded)}; refused 0`);
  }, 30_000);

  it('never sends a waiting report older than max_report_age_ms as the present', async () => {
    const vt = new VirtualTime();
    const probe = await devHub(vt);
    const port = probe.port;
    await probe.close();
    const t = await connected({ url: `ws://127.0.0.1:${port}/ws`, max_report_age_ms: 60_000 }, { deps: { timers: vt, random: () => 0 } });
    t.transport.send(report(vt.now()));
    vt.advance(61_000);
    await io(5);
    const hub = await devHub(vt, port);
    for (let i = 0; i < 200 && t.status().identified !== true; i++) {
      vt.advance(100);
      await io(3);
    }
    expect(t.status().identified).toBe(true);
    await io(20);
    expect(hub.received.filter((r) => r.type === 'resource_report')).toEqual([]);
    expect(t.status()).toMatchObject({ expired: 1, buffered: 0, sent: 0 });
    expect(t.entries().some((e) => e.level === 40 && /Left out 1 waiting report/.test(e.msg))).toBe(true);
    t.transport.send(report(vt.now()));
    await waitFor(() => hub.received.some((r) => r.type === 'resource_report'), 2000, 'a fresh report');
  });

  it('stop warns with counts when the newest report cannot be delivered', async () => {
    const probe = await startDevHub({ port: 0, print: () => undefined });
    const port = probe.port;
    await probe.close();
    const t = await connected({ url: `ws://127.0.0.1:${port}/ws` });
    for (const ts of [1000, 2000, 3000]) t.transport.send(report(ts));
    expect(t.status()).toMatchObject({ buffered: 1, superseded: 2, dropped: 0 });
    await t.transport.stop!(stopSignal());
    const warning = t.entries().find((e) => e.level === 40 && e.msg.startsWith('Stopped with'));
    expect(warning).toMatchObject({ buffered: 1, expired: 0 });
    expect(warning!.msg).toContain('1 report(s) not delivered');
  });

  it('at stop sends only the newest waiting report, confirmed by its receipt, and says so at debug', async () => {
    const hub = track(await startDevHub({ port: 0, print: () => undefined }));
    const t = await connected({ url: hub.url });
    await waitFor(() => t.status().identified === true, 2000, 'identified');
    t.transport.send(report(1000));
    for (const ts of [2000, 3000, 4000]) t.transport.send(report(ts));
    await t.transport.stop!(stopSignal());
    expect(hub.received.filter((r) => r.type === 'resource_report').map((r) => r.frame.timestamp)).toEqual([1000, 4000]);
    expect(t.entries().filter((e) => e.msg === 'Report delivered').map((e) => e.timestamp)).toEqual([1000, 4000]);
    expect(t.entries().some((e) => e.level >= 40)).toBe(false);
  });
});

describe('websocket delivery with replay "all"', () => {
  it('replays a backlog in order within the hub’s normal tier: nothing refused', async () => {
    const vt = new VirtualTime();
    let hub = await devHub(vt);
    const t = await connected({ url: hub.url, replay: 'all' }, { deps: { timers: vt, random: () => 0.5 } });
    const sim = simulate(vt, t, 2 * INTERVAL);
    expect(await sim.run(5000, 100, () => t.status().identified === true)).toBe(true);
    const port = hub.port;
    await hub.close();
    await sim.run(200_000, 500);
    expect(t.status().buffered).toBe(100);
    hub = await devHub(vt, port);
    const identifiedAt = vt.monotonic();
    expect(await sim.run(240_000, 100, () => t.status().buffered === 0 && t.status().identified === true)).toBe(true);
    console.info(`[figures] all: a backlog of 100 replayed in ${vt.monotonic() - identifiedAt} ms (virtual), nothing refused`);
    const stamps = hub.received.filter((r) => r.type === 'resource_report').map((r) => r.frame.timestamp as number);
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    expect(stamps.length).toBeGreaterThanOrEqual(100);
    expect(hub.state.refused).toEqual({ light: 0, normal: 0, heavy: 0 });
    expect(hub.received.some((r) => r.refused)).toBe(false);
  }, 60_000);

  it('stop sends what the budget allows (less the one token in reserve), never more, and warns with the count left', async () => {
    const hub = track(await startDevHub({ port: 0, print: () => undefined }));
    const t = await connected({ url: hub.url, replay: 'all', rate_limits: { normal: { capacity: 4, refill_ms: 600_000 } } });
    await waitFor(() => t.status().identified === true, 2000, 'identified');
    for (let ts = 1; ts <= 10; ts++) t.transport.send(report(ts * 1000));
    await t.transport.stop!(stopSignal());
    expect(hub.received.filter((r) => r.type === 'resource_report').map((r) => r.frame.timestamp)).toEqual([1000, 2000, 3000]);
    const warning = t.entries().find((e) => e.level === 40 && e.msg.startsWith('Stopped with'));
    expect(warning).toMatchObject({ buffered: 7, sent: 3 });
    expect(warning!.msg).toContain('rate limit');
  });
});
