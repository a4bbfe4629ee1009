import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { hub, sockets } from './helpers.js';
import { REAP_AFTER_MS, STALE_AFTER_MS } from '../../src/hub/hub-state.js';
import { VirtualTime } from '../plugins/transports/websocket/virtual-time.js';


/** client connects; `send` writes a frame, `frames` collects every answer, `waitFor` waits for one of a type. */
async function client(url: string) {
  const ws = new WebSocket(url);
  sockets.push(ws);
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Record<string, unknown>));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const send = (frame: Record<string, unknown>) => ws.send(JSON.stringify({ protocol_version: 1, ...frame }));
  const count = (type: string) => frames.filter((f) => f.type === type).length;
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
    if (!check()) throw new Error('timed out');
  };
  return { ws, frames, send, count, until };
}

const report = (timestamp: number, cpu = 1) => ({ type: 'resource_report', agent_id: 'box-1', timestamp, cpu_percent: cpu });

describe('dev hub: as the real hub behaves (PROTOCOL.md)', () => {
  it('keeps only the latest report per agent, stamped on receipt, and sweeps it after 90 s', async () => {
    const vt = new VirtualTime();
    const h = await hub({ clock: vt });
    const c = await client(h.url);
    c.send({ type: 'identify', agent_id: 'box-1', token: '' });
    await c.until(() => c.count('identified') === 1);
    c.send(report(5, 10));
    c.send(report(1, 20)); // an older timestamp, received later: it is the one kept, stamped now
    c.send({ type: 'ping' });
    await c.until(() => c.count('pong') === 1);
    const stored = h.state.latest('box-1')!;
    expect(stored.frame).toMatchObject({ timestamp: 1, cpu_percent: 20 });
    expect(stored.receivedAt).toBe(vt.now());
    vt.advance(STALE_AFTER_MS - 1);
    expect(h.state.latest('box-1')).toBeDefined();
    vt.advance(2);
    expect(h.state.latest('box-1')).toBeUndefined();
  });

  it('refuses past the normal tier (60 burst, 1 per second) with rate_limited, warning first', async () => {
    const vt = new VirtualTime();
    const h = await hub({ clock: vt });
    const c = await client(h.url);
    c.send({ type: 'identify', agent_id: 'box-1', token: '' });
    await c.until(() => c.count('identified') === 1);
    for (let i = 0; i < 61; i++) c.send(report(i));
    await c.until(() => c.count('rate_limited') === 1);
    expect(c.frames.find((f) => f.type === 'rate_limited')).toEqual({ type: 'rate_limited', tier: 'normal', retry_after_ms: 1000 });
    expect(c.count('rate_limit_warning')).toBeGreaterThan(0);
    expect(c.frames.find((f) => f.type === 'rate_limit_warning')).toMatchObject({ tier: 'normal', capacity: 60 });
    expect(h.state.refused).toEqual({ light: 0, normal: 1, heavy: 0 });
    vt.advance(1000);
    c.send(report(100));
    c.send({ type: 'ping' });
    await c.until(() => c.count('pong') === 1);
    expect(h.state.refused.normal).toBe(1);
    expect(h.state.latest('box-1')!.frame.timestamp).toBe(100);
  });

  it('counts identify in the heavy tier once identified, and pings in the light one', async () => {
    const vt = new VirtualTime();
    const h = await hub({ clock: vt });
    const c = await client(h.url);
    for (let i = 0; i < 12; i++) c.send({ type: 'identify', agent_id: 'box-1', token: '' });
    await c.until(() => c.count('rate_limited') === 1);
    // The first identify is free (nothing is limited before identified); ten more fill the bucket.
    expect(c.count('identified')).toBe(11);
    expect(c.frames.find((f) => f.type === 'rate_limited')).toMatchObject({ tier: 'heavy', retry_after_ms: 6000 });
    for (let i = 0; i < 121; i++) c.send({ type: 'ping' });
    await c.until(() => c.count('rate_limited') === 2);
    expect(h.state.refused.light).toBe(1);
    expect(c.count('pong')).toBe(120);
  });

  it('keeps an agent present only while it pings: the 60 s reaper', async () => {
    const vt = new VirtualTime();
    const h = await hub({ clock: vt });
    const c = await client(h.url);
    c.send({ type: 'identify', agent_id: 'box-1', token: '' });
    await c.until(() => c.count('identified') === 1);
    vt.advance(REAP_AFTER_MS - 1000);
    c.send(report(1)); // reports do not refresh presence
    c.send({ type: 'ping' });
    await c.until(() => c.count('pong') === 1);
    vt.advance(REAP_AFTER_MS - 1);
    expect(h.state.present('box-1')).toBe(true);
    vt.advance(1);
    expect(h.state.present('box-1')).toBe(false);
  });

  it('pushes task_assign when asked, registers ollama_url from identify and ollama_report', async () => {
    const h = await hub({ tasks: true });
    const c = await client(h.url);
    c.send({ type: 'identify', agent_id: 'box-1', token: '', ollama_url: 'http://10.0.0.5:11434' });
    await c.until(() => c.count('task_assign') === 1);
    expect(c.frames.find((f) => f.type === 'task_assign')).toMatchObject({ task_id: 'task-1' });
    expect(h.state.endpoints.get('box-1-local')).toBe('http://10.0.0.5:11434');
    c.send({ type: 'ollama_report', ollama_url: 'http://10.0.0.6:11434' });
    await c.until(() => c.count('ollama_report_ack') === 1);
    expect(h.state.endpoints.get('box-1-local')).toBe('http://10.0.0.6:11434');
    c.send({ type: 'ollama_report', ollama_url: 5 });
    await c.until(() => c.count('error') === 1);
    expect(c.frames.find((f) => f.type === 'error')).toMatchObject({ error: 'validation_failed', message_type: 'ollama_report' });
  });
});
