import { describe, expect, it } from 'vitest';
import { startDevHub, type DevHub } from '../../../../src/hub/dev-hub.js';
import { AGENT, TOKEN, report, startFakeHub, stopSignal, waitFor, useHarness } from './helpers.js';

const { connected, fakeHub, track, onCleanup } = useHarness();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('websocket transport: hub answers', () => {
  it('holds everything for retry_after_ms when rate limited, then resends the refused report first', async () => {
    const times: number[] = [];
    let refused = false;
    const fake = await fakeHub({
      onFrame: (frame, conn) => {
        if (frame.type !== 'resource_report') return;
        times.push(Date.now());
        if (frame.timestamp === 2000 && !refused) {
          refused = true;
          conn.send({ type: 'rate_limited', retry_after_ms: 300, tier: 'normal' });
        }
      },
    });
    const t = await connected({ replay: 'all', url: fake.url });
    t.transport.send(report(1000));
    t.transport.send(report(2000));
    await waitFor(() => t.entries().some((e) => /rate limited/.test(e.msg)), 2000, 'rate_limited handled');
    t.transport.send(report(3000));
    expect(t.status().buffered).toBe(2);
    await waitFor(() => fake.reports().length === 4, 2000, 'resend');
    expect(fake.reports().map((f) => f.timestamp)).toEqual([1000, 2000, 2000, 3000]);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(280);
  });

  it('resends every report the hub refuses in the middle of a flush, in order, counting each once (BUG 11)', async () => {
    const probe = await startFakeHub();
    const port = probe.port;
    await probe.close();
    const t = await connected({ replay: 'all', url: `ws://127.0.0.1:${port}/ws` });
    for (let ts = 1; ts <= 5; ts++) t.transport.send(report(ts));
    // The hub's limiter refuses reports 2 and 3 of the burst (each answered rate_limited) and accepts the rest.
    const accepted: number[] = [];
    const refused = new Set<number>();
    const fake = await fakeHub({
      port,
      onFrame: (f, conn) => {
        if (f.type !== 'resource_report') return;
        const ts = f.timestamp as number;
        if ((ts === 2 || ts === 3) && !refused.has(ts)) {
          refused.add(ts);
          conn.send({ type: 'rate_limited', retry_after_ms: 100 });
          return true;
        }
        accepted.push(ts);
      },
    });
    await waitFor(() => accepted.length >= 5, 5000, 'every report accepted');
    await sleep(100);
    // Before: only the last report written was requeued, so 2 was lost (and counted as sent).
    expect(accepted).toEqual([1, 2, 3, 4, 5]);
    expect(fake.reports().map((f) => f.timestamp)).toEqual([1, 2, 2, 3, 3, 4, 5]);
    expect(t.status()).toMatchObject({ sent: 5, buffered: 0, dropped: 0 });
    // One warning for the drain; the second refusal is a debug line.
    expect(t.entries().filter((e) => /rate limited/.test(e.msg)).map((e) => e.level)).toEqual([40, 20]);
  });

  it('caps a huge retry_after_ms at 60 s: no hold of days, no setTimeout overflow releasing it at once (BUG 3)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    onCleanup(() => process.off('warning', onWarning));
    for (const huge of [2_000_000_000, 1e12]) {
      const fake = await fakeHub({
        onFrame: (f, conn) => void (f.type === 'resource_report' && f.timestamp === 1 && conn.send({ type: 'rate_limited', retry_after_ms: huge })),
      });
      const t = await connected({ url: fake.url });
      t.transport.send(report(1));
      await waitFor(() => t.entries().some((e) => /rate limited/.test(e.msg)), 2000, 'rate_limited');
      await sleep(300);
      expect(t.entries().find((e) => /rate limited/.test(e.msg))!.retry_after_ms).toBe(60_000);
      // Still on hold: the refused report is waiting, not resent (an overflowed timer fires after 1 ms).
      expect(fake.reports()).toHaveLength(1);
      expect(t.status()).toMatchObject({ sent: 0, buffered: 1 });
      t.transport.dispose?.();
    }
    expect(warnings).not.toContain('TimeoutOverflowWarning');
  });

  it('stop() waits out a rate-limit hold (within its signal), flushes, then closes with 1000', async () => {
    const fake = await fakeHub({
      onFrame: (frame, conn) => void (frame.timestamp === 1000 && conn.send({ type: 'rate_limited', retry_after_ms: 150 })),
    });
    const t = await connected({ replay: 'all', url: fake.url });
    t.transport.send(report(1000));
    await waitFor(() => t.entries().some((e) => /rate limited/.test(e.msg)), 2000, 'rate_limited handled');
    t.transport.send(report(2000));
    await t.transport.stop!(stopSignal());
    await waitFor(() => fake.conns[0]?.closed !== undefined, 2000, 'closed');
    expect(fake.reports().map((f) => f.timestamp)).toEqual([1000, 1000, 2000]);
    expect(fake.conns[0]!.closed!.code).toBe(1000);
  });

  it('honours the cool-down named in a 1008 close', async () => {
    const connectedAt: number[] = [];
    let closedAt = 0;
    const fake = await fakeHub({
      onConnection: () => connectedAt.push(Date.now()),
      onFrame: (frame, conn) => {
        if (frame.type !== 'identify' || conn.id !== 1) return;
        closedAt = Date.now();
        conn.ws.close(1008, 'cooldown active: retry in 1s');
        return true;
      },
    });
    const t = await connected({ url: fake.url });
    await waitFor(() => t.status().identified === true, 3000, 'identified after cool-down');
    expect(connectedAt[1]! - closedAt).toBeGreaterThanOrEqual(990);
    expect(t.entries().some((e) => e.level === 40 && e.code === 1008 && /cooldown active/.test(e.msg))).toBe(true);
  });

  it('logs invalid_token as an error naming the agent (never the token), closes and retries, repeats at debug', async () => {
    const dev: DevHub = track(await startDevHub({ port: 0, token: 'the-right-one' }));
    const t = await connected({ url: dev.url });
    await waitFor(() => t.entries().filter((e) => e.error === 'invalid_token').length >= 3, 5000, 'two retries');
    const refusals = t.entries().filter((e) => e.error === 'invalid_token');
    const errors = refusals.filter((e) => e.level === 50);
    expect(errors).toHaveLength(1);
    expect(refusals.slice(1).every((e) => e.level === 20)).toBe(true);
    expect(errors[0]).toMatchObject({ agent_id: AGENT.id, error: 'invalid_token' });
    expect(errors[0]!.msg).toContain(AGENT.id);
    expect(t.status().identified).toBe(false);
    expect(t.lines.join('\n')).not.toContain(TOKEN);
  });

  it('ignores garbage, binary, unknown and hub-error frames without harm, logging each at its level', async () => {
    const fake = await fakeHub({
      onFrame: (frame, conn) => {
        if (frame.type !== 'identify') return;
        conn.send({ type: 'identified', agent_id: AGENT.id });
        for (const f of [
          'not json {',
          'null',
          '[1,2]',
          '"text"',
          { type: 'task_assign', task: { id: 1 } },
          { type: 'presence', agents: [] },
          { no_type: true },
          { type: 'rate_limit_warning', tier: 'normal', remaining: 2, capacity: 10 },
          { type: 'error', error: 'not_identified' },
          { type: 'error', error: 'something_new' },
          { type: 'error', error: 'validation_failed', message_type: 'resource_report',
            errors: [{ field: 'cpu_percent', error: 'wrong_type', detail: `expected number near ${TOKEN}`, value: TOKEN }] },
        ]) conn.send(f);
        conn.ws.send(Buffer.from([0, 1, 2, 255]), { binary: true });
        return true;
      },
    });
    const t = await connected({ url: fake.url });
    await waitFor(() => t.entries().some((e) => e.msg === 'Hub rejected a frame'), 2000, 'all frames handled');
    t.transport.send(report(1000));
    await waitFor(() => fake.reports().length === 1, 2000, 'report after garbage');
    expect(fake.conns).toHaveLength(1);
    const at = (level: number, re: RegExp) => t.entries().filter((e) => e.level === level && re.test(e.msg));
    expect(at(20, /Ignored a hub frame/)).toHaveLength(7);
    expect(at(40, /Hub assigned task "\(no task_id\)"/)).toHaveLength(1);
    expect(at(20, /rate limit warning/)).toHaveLength(1);
    expect(at(40, /protocol error: not_identified/)).toHaveLength(1);
    expect(at(40, /Hub reported an error/)).toHaveLength(1);
    expect(at(50, /Hub rejected a frame/)[0]).toMatchObject({ message_type: 'resource_report', field: 'cpu_percent', error: 'wrong_type' });
  });

  it('redacts the URL password and the token wherever the hub echoes them (BUG 6)', async () => {
    const PW = 'urlpw-LEAK-9137';
    const fake = await fakeHub({
      onFrame: (f, conn) => {
        if (f.type !== 'identify') return;
        conn.send({ type: 'identified' });
        conn.send({ type: `x ${PW}` });
        conn.send({ type: 'rate_limit_warning', tier: PW });
        conn.send({ type: 'rate_limited', retry_after_ms: 10, tier: `${PW} ${TOKEN}` });
        conn.send({ type: 'error', error: 'validation_failed', message_type: PW, errors: [{ field: PW, error: TOKEN, detail: PW }] });
        conn.send({ type: 'error', error: `odd ${PW}` });
        conn.send({ type: 'error', error: 'not_identified' });
        return true;
      },
    });
    const t = await connected({ url: fake.url.replace('ws://', `ws://bob:${PW}@`) });
    await waitFor(() => t.entries().some((e) => /protocol error/.test(e.msg)), 2000, 'frames handled');
    expect(t.lines.filter((l) => l.includes(PW) || l.includes(TOKEN))).toEqual([]);
    expect(t.entries().find((e) => e.msg === 'Hub rejected a frame')).toMatchObject({ message_type: '[redacted]', field: '[redacted]', error: '[redacted]' });
    expect(t.entries().find((e) => e.msg === 'Hub rate limit warning')).toMatchObject({ tier: '[redacted]' });
  });

  it('survives an oversized frame: the socket closes with 1009 and the transport reconnects', async () => {
    const fake = await fakeHub({
      onFrame: (frame, conn) => {
        if (frame.type !== 'identify' || conn.id !== 1) return;
        conn.send({ type: 'identified', agent_id: AGENT.id });
        conn.send({ type: 'presence', pad: 'x'.repeat(5000) });
        return true;
      },
    });
    const t = await connected({ url: fake.url, max_payload_bytes: 1024 });
    await waitFor(() => fake.conns.length === 2 && t.status().identified === true, 3000, 'reconnected');
    expect(fake.conns[0]!.closed?.code).toBe(1009);
    t.transport.send(report(1000));
    await waitFor(() => fake.reports().length === 1, 2000, 'report');
    await t.transport.stop!(stopSignal());
  });
});
