import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { hub, sockets } from './helpers.js';

const SECRET = 'dev-hub-SECRET-91';

/** client connects and returns `ask`, which sends a frame and resolves with the next answer. */
async function client(url: string) {
  const ws = new WebSocket(url);
  sockets.push(ws);
  const inbox: Record<string, unknown>[] = [];
  const waiters: ((f: Record<string, unknown>) => void)[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Record<string, unknown>;
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else inbox.push(frame);
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const next = () => new Promise<Record<string, unknown>>((resolve) => (inbox.length ? resolve(inbox.shift()!) : waiters.push(resolve)));
  const ask = (frame: unknown) => {
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    return next();
  };
  return { ws, ask, next };
}

const identify = (extra: Record<string, unknown> = {}) => ({ type: 'identify', protocol_version: 1, agent_id: 'box-1', token: '', ...extra });

describe('dev hub', () => {
  it('answers not_identified before identify, invalid_json and unknown_message_type', async () => {
    const h = await hub();
    expect(h.url).toBe(`ws://127.0.0.1:${h.port}/ws`);
    const c = await client(h.url);
    expect(await c.ask({ type: 'ping', protocol_version: 1 })).toEqual({ type: 'error', error: 'not_identified' });
    expect(await c.ask({ type: 'resource_report', protocol_version: 1 })).toEqual({ type: 'error', error: 'not_identified' });
    expect(await c.ask('{not json')).toEqual({ type: 'error', error: 'invalid_json' });
    expect(await c.ask(identify())).toEqual({ type: 'identified', agent_id: 'box-1' });
    expect(await c.ask({ type: 'bogus', protocol_version: 1 })).toEqual({ type: 'error', error: 'unknown_message_type' });
    const pong = await c.ask({ type: 'ping', protocol_version: 1 });
    expect(pong).toMatchObject({ type: 'pong' });
    expect(typeof pong.timestamp).toBe('number');
  });

  it('validates identify strictly (types, limits, protocol_version) without coercion', async () => {
    const c = await client((await hub()).url);
    const answer = await c.ask({ type: 'identify', protocol_version: 2, agent_id: 42, name: 'n'.repeat(257), capabilities: ['a', 1], ollama_url: null });
    expect(answer).toMatchObject({ type: 'error', error: 'validation_failed', message_type: 'identify' });
    expect((answer.errors as { field: string; error: string }[]).map(({ field, error }) => ({ field, error }))).toEqual([
      { field: 'protocol_version', error: 'invalid_value' },
      { field: 'agent_id', error: 'wrong_type' },
      { field: 'token', error: 'required' },
      { field: 'name', error: 'too_long' },
      { field: 'capabilities', error: 'wrong_type' },
    ]);
    const noVersion = await c.ask({ type: 'identify', agent_id: 'a'.repeat(129), token: 't'.repeat(257), ollama_url: 'u'.repeat(513) });
    expect((noVersion.errors as { field: string; error: string }[]).map((e) => `${e.field}:${e.error}`)).toEqual([
      'protocol_version:required',
      'agent_id:too_long',
      'token:too_long',
      'ollama_url:too_long',
    ]);
    expect(JSON.stringify(noVersion)).not.toContain('t'.repeat(257));
  });

  it('validates resource_report fields as numbers, lets unknown fields through, and treats null as absent', async () => {
    const printed: string[] = [];
    const h = await hub({ print: (l) => printed.push(l) });
    const c = await client(h.url);
    await c.ask(identify());
    const bad = await c.ask({ type: 'resource_report', protocol_version: 1, cpu_percent: '12', ram_used_bytes: true, timestamp: 1 });
    expect(bad.errors).toEqual([
      { field: 'cpu_percent', error: 'wrong_type', detail: 'expected a number, got string', value: '12' },
      { field: 'ram_used_bytes', error: 'wrong_type', detail: 'expected a number, got boolean', value: true },
    ]);
    c.ws.send(JSON.stringify({ type: 'resource_report', protocol_version: 1, agent_id: 'box-1', cpu_percent: 12.34, ram_used_bytes: 3 * 2 ** 30,
      ram_total_bytes: 16 * 2 ** 30, vram_used_bytes: null, vram_total_bytes: null, timestamp: 1, gpu_temp_c: 61 }));
    await expect(c.ask({ type: 'ping', protocol_version: 1 })).resolves.toMatchObject({ type: 'pong' });
    expect(printed).toEqual(['box-1  cpu 12.3%  ram 3.0/16.0 GiB  vram n/a']);
    expect(h.received.map((r) => [r.type, r.accepted])).toEqual([
      ['identify', true], ['resource_report', false], ['resource_report', true], ['ping', true],
    ]);
  });

  it('checks the token when one is configured, never logging it', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (l: string) => void lines.push(l) });
    const c = await client((await hub({ token: SECRET, logger })).url);
    expect(await c.ask(identify({ token: 'wrong' }))).toEqual({ type: 'error', error: 'invalid_token' });
    expect(await c.ask({ type: 'ping', protocol_version: 1 })).toEqual({ type: 'error', error: 'not_identified' });
    expect(await c.ask(identify({ token: SECRET }))).toMatchObject({ type: 'identified' });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.includes(SECRET))).toEqual([]);
  });

  it('closes with 1008 after 10 validation errors', async () => {
    const c = await client((await hub()).url);
    await c.ask(identify());
    const closed = new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)));
    for (let i = 0; i < 10; i++) c.ws.send(JSON.stringify({ type: 'ping' }));
    expect(await closed).toBe(1008);
  });

  it('drops a silent connection and closes idempotently', async () => {
    const h = await hub({ silenceMs: 50 });
    const c = await client(h.url);
    const code = await new Promise<number>((resolve) => c.ws.once('close', (n) => resolve(n)));
    expect(code).toBe(1006);
    await h.close();
    await h.close();
  });
});
