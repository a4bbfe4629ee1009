import { describe, expect, it } from 'vitest';
import { AGENT, report, useHarness, waitFor } from './helpers.js';
import { io, VirtualTime } from './virtual-time.js';

const { connected, fakeHub } = useHarness();

describe('websocket transport: durations run on the monotonic clock', () => {
  it('a wall clock stepped back or forward by an hour changes neither the ping cadence nor report ages', async () => {
    const vt = new VirtualTime();
    const pings: number[] = [];
    const fake = await fakeHub({
      onFrame: (frame, conn) => {
        if (frame.type === 'ping') pings.push(vt.monotonic());
        if (frame.type === 'identify') {
          conn.send({ type: 'identified', agent_id: AGENT.id });
          return true;
        }
        return undefined;
      },
    });
    const t = await connected({ url: fake.url, ping_interval_ms: 30_000, max_report_age_ms: 60_000 }, { deps: { timers: vt } });
    await waitFor(() => t.status().identified === true, 2000, 'identified');
    const step = async (ms: number) => {
      for (let done = 0; done < ms; done += 1000) {
        vt.advance(1000);
        await io(1);
      }
    };
    await step(60_000);
    vt.stepWall(-3_600_000);
    await step(60_000);
    vt.stepWall(2 * 3_600_000);
    await step(60_000);
    expect(pings).toEqual([30_000, 60_000, 90_000, 120_000, 150_000, 180_000]);
    // A report handed over just before a forward step is still fresh: its age is monotonic.
    fake.conns[0]!.ws.close(1001);
    await waitFor(() => t.status().state === 'backoff', 2000, 'backoff');
    t.transport.send(report(vt.now()));
    vt.stepWall(3_600_000);
    while (t.status().identified !== true) {
      vt.advanceToNext();
      await io(3);
    }
    await waitFor(() => fake.reports().length === 1, 2000, 'the report');
    expect(t.status()).toMatchObject({ expired: 0, sent: 1 });
  });
});
