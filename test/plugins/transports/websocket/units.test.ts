import { describe, expect, it, vi } from 'vitest';
import { registerSecrets } from '../../../../src/cli/setup.js';
import type { SidecarConfig } from '../../../../src/core/config/sidecar-config.js';
import { SecretScrubber } from '../../../../src/core/logger.js';
import { cooldownMs, createBackoff } from '../../../../src/plugins/transports/websocket/backoff.js';
import { Hold } from '../../../../src/plugins/transports/websocket/hold.js';
import { parseHubMessage } from '../../../../src/plugins/transports/websocket/hub-messages.js';
import { Receipts } from '../../../../src/plugins/transports/websocket/receipts.js';
import { createRedactor, safeUrl } from '../../../../src/plugins/transports/websocket/redact.js';
import { ReportBuffer } from '../../../../src/plugins/transports/websocket/report-buffer.js';
import { parseOptions } from './helpers.js';

describe('backoff', () => {
  it('doubles its cap from initial to max with full jitter, and resets', () => {
    const caps = () => {
      const b = createBackoff({ initialMs: 1000, maxMs: 60_000, random: () => 0.999999 });
      return Array.from({ length: 9 }, () => b.next());
    };
    expect(caps()).toEqual([999, 1999, 3999, 7999, 15_999, 31_999, 59_999, 59_999, 59_999]);
    const zero = createBackoff({ initialMs: 1000, maxMs: 60_000, random: () => 0 });
    expect([zero.next(), zero.next()]).toEqual([0, 0]);
    const half = createBackoff({ initialMs: 1000, maxMs: 60_000, random: () => 0.5 });
    expect([half.next(), half.next(), half.next()]).toEqual([500, 1000, 2000]);
    half.reset();
    expect(half.attempts).toBe(0);
    expect(half.next()).toBe(500);
  });

  it('reads the cool-down of a 1008 reason', () => {
    expect(cooldownMs('cooldown active: retry in 30s')).toBe(30_000);
    expect(cooldownMs('cooldown active: retry in 5 s')).toBe(5000);
    expect(cooldownMs('too many validation errors')).toBe(0);
  });
});

describe('ReportBuffer', () => {
  it('is a bounded FIFO that evicts the oldest and puts back at the front', () => {
    const b = new ReportBuffer<number>(3);
    expect([b.push(1), b.push(2), b.push(3), b.push(4)]).toEqual([undefined, undefined, undefined, 1]);
    expect(b.size).toBe(3);
    expect(b.unshift(0)).toBe(0);
    expect(b.shift()).toBe(2);
    expect(b.unshift(9)).toBeUndefined();
    expect(b.peek()).toBe(9);
    expect(b.drain()).toEqual([9, 3, 4]);
    expect(b.shift()).toBeUndefined();
    expect(() => new ReportBuffer(0)).toThrow(RangeError);
  });
});

describe('parseHubMessage', () => {
  const text = (v: unknown) => parseHubMessage(Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)), false, (s) => s);
  it('narrows the frames a collector acts on and ignores the rest', () => {
    expect(text({ type: 'identified', agent_id: 'a' })).toEqual({ kind: 'identified', agentId: 'a' });
    expect(text({ type: 'identified' })).toEqual({ kind: 'identified', agentId: undefined });
    expect(text({ type: 'task_assign', task_id: 't-9' })).toEqual({ kind: 'task_assign', taskId: 't-9' });
    expect(text({ type: 'pong', timestamp: 1 })).toEqual({ kind: 'pong' });
    expect(text({ type: 'rate_limited', retry_after_ms: 250, tier: 'normal' })).toEqual({ kind: 'rate_limited', retryAfterMs: 250, tier: 'normal' });
    expect(text({ type: 'rate_limited', retry_after_ms: '250' })).toEqual({ kind: 'rate_limited', retryAfterMs: undefined, tier: '' });
    expect(text({ type: 'rate_limited', retry_after_ms: -5 })).toMatchObject({ retryAfterMs: undefined });
    expect(text({ type: 'error', error: 'token_agent_mismatch' })).toEqual({ kind: 'auth_error', error: 'token_agent_mismatch' });
    expect(text({ type: 'error', error: 'invalid_json' })).toEqual({ kind: 'protocol_error', error: 'invalid_json' });
    expect(text({ type: 'error', error: 'validation_failed', message_type: 'identify', errors: [{ field: 'token', error: 'too_long', detail: 'd', value: 'x' }, 7] }))
      .toEqual({ kind: 'validation_failed', messageType: 'identify', errors: [{ field: 'token', error: 'too_long', detail: 'd' }] });
    expect(text('{"type":"task_assign"}')).toEqual({ kind: 'task_assign', taskId: '(no task_id)' });
    expect(text('{"type":"presence"}')).toEqual({ kind: 'ignored', reason: 'type "presence"' });
    expect(text('garbage')).toEqual({ kind: 'ignored', reason: 'not JSON' });
    expect(parseHubMessage(Buffer.from([1, 2]), true, (s) => s)).toEqual({ kind: 'ignored', reason: 'binary frame' });
  });

  it('caps retry_after_ms at 60 s (BUG 3: a hub could hold sending for days, or overflow setTimeout)', () => {
    for (const huge of [60_001, 2_000_000_000, 1e12, Number.MAX_VALUE]) {
      expect(text({ type: 'rate_limited', retry_after_ms: huge })).toMatchObject({ retryAfterMs: 60_000 });
    }
    expect(text({ type: 'rate_limited', retry_after_ms: 0 })).toMatchObject({ retryAfterMs: 0 });
  });

  it('redacts every string it takes from the frame, before cutting it to length (BUG 6)', () => {
    const redact = createRedactor('tok-secret-1', 'ws://u:pw-secret-2@hub/ws');
    const parse = (v: unknown) => JSON.stringify(parseHubMessage(Buffer.from(JSON.stringify(v)), false, redact));
    const echoed = [
      { type: 'x tok-secret-1' },
      { type: 'rate_limited', tier: 'pw-secret-2' },
      { type: 'rate_limit_warning', tier: 'pw-secret-2' },
      { type: 'error', error: 'something pw-secret-2' },
      { type: 'error', error: 'validation_failed', message_type: 'pw-secret-2', errors: [{ field: 'tok-secret-1', error: 'pw-secret-2', detail: 'tok-secret-1' }] },
      { type: 'error', error: `${'x'.repeat(195)}pw-secret-2` },
    ];
    for (const frame of echoed) expect(parse(frame)).not.toMatch(/secret|pw-se/);
  });
});

describe('Hold', () => {
  it('never shortens the current hold: a new one ends at the later of the two ends', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const ends: number[] = [];
      const hold = new Hold(() => ends.push(performance.now()));
      expect(hold.start(1000)).toBe(1000);
      vi.advanceTimersByTime(400);
      expect(hold.start(10)).toBe(600); // a refused keepalive ping: the hold still ends at 1000
      vi.advanceTimersByTime(599);
      expect(hold.active).toBe(true);
      vi.advanceTimersByTime(1);
      expect(ends).toEqual([1000]);
      expect(hold.active).toBe(false);
      hold.start(100);
      expect(hold.start(500)).toBe(500); // a longer one extends it
      vi.advanceTimersByTime(499);
      expect(hold.active).toBe(true);
      vi.advanceTimersByTime(1);
      expect(ends).toEqual([1000, 1500]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('Receipts', () => {
  it('confirms a report once the ping written after it is answered (answers come in order)', () => {
    const r = new Receipts(1000, () => expect.unreachable());
    r.pinged(); // an interval ping, written before the report
    r.pinged(true); // the report's receipt
    expect(r.awaiting).toBe(true);
    expect(r.answered()).toBe(false); // the earlier ping's pong
    expect(r.awaiting).toBe(true);
    expect(r.answered()).toBe(true); // the receipt's pong
    expect(r.answered()).toBe(false); // an unsolicited pong
    r.clear();
  });

  it('names the report in flight as the refused frame; with none in flight a refusal answers a ping', () => {
    const r = new Receipts(1000, () => expect.unreachable());
    r.pinged(true);
    expect(r.refused()).toBe(true);
    expect(r.awaiting).toBe(false);
    expect(r.answered()).toBe(false); // the receipt's pong still comes; nothing left to confirm
    r.pinged();
    expect(r.refused()).toBe(false);
    r.pinged(true);
    expect(r.answered()).toBe(true); // the refused ping counted as answered, so this pong is the receipt's
    r.clear();
  });

  it('reports a ping left unanswered for the timeout (timed afresh after each answer while pings are open)', () => {
    vi.useFakeTimers();
    try {
      let timedOut = 0;
      const r = new Receipts(100, () => timedOut++);
      r.pinged();
      vi.advanceTimersByTime(60);
      r.pinged(true);
      r.answered();
      vi.advanceTimersByTime(99);
      expect(timedOut).toBe(0);
      vi.advanceTimersByTime(1);
      expect(timedOut).toBe(1);
      const answered = new Receipts(100, () => timedOut++);
      answered.pinged(true);
      expect(answered.answered()).toBe(true);
      vi.advanceTimersByTime(1000);
      expect(timedOut).toBe(1);
      answered.pinged();
      answered.clear();
      vi.advanceTimersByTime(1000);
      expect(timedOut).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('redaction', () => {
  it('strips userinfo and masks the token and password anywhere', () => {
    expect(safeUrl('wss://u:p%40ss@hub:4000/ws?x=1')).toBe('wss://hub:4000/ws?x=1');
    const redact = createRedactor('tok12345', 'ws://user:p%40ss-word@hub/ws');
    expect(redact('a tok12345 b p@ss-word c p%40ss-word d user')).toBe('a [redacted] b [redacted] c [redacted] d user');
  });

  it('does not hunt secrets too short to tell from ordinary text (a token "T" must not mangle EPROTO)', () => {
    const redact = createRedactor('T', 'ws://u:dev@hub/ws');
    expect(redact('write EPROTO at /dev/null')).toBe('write EPROTO at /dev/null');
  });

  it('registerSecrets gives the CLI scrubber the password of every URL option, as written and decoded (BUG 6)', () => {
    const config = {
      collectors: [{ plugin: 'ollama-vram', options: { ollama_url: 'http://o:olla-pw-42@host:11434', timeout_ms: 1000 } }],
      transports: [{ plugin: 'websocket', options: { url: 'ws://bob:p%40ss-word@hub/ws', token: 'tok-abcdef' } }],
    } as unknown as SidecarConfig;
    const scrubber = new SecretScrubber();
    registerSecrets(config, scrubber);
    expect(scrubber.scrub('p%40ss-word p@ss-word olla-pw-42 tok-abcdef bob')).toBe('[REDACTED] [REDACTED] [REDACTED] [REDACTED] bob');
    const malformed = new SecretScrubber();
    registerSecrets({ collectors: [], transports: [{ plugin: 'websocket', options: { url: 'ws://u:bad%zz-pw@hub/ws' } }] } as unknown as SidecarConfig, malformed);
    expect(malformed.scrub('bad%zz-pw')).toBe('[REDACTED]');
  });
});

describe('websocket options', () => {
  it('fills every default', async () => {
    expect(await parseOptions({ url: 'ws://hub:4000/ws' })).toEqual({
      url: 'ws://hub:4000/ws',
      token: '',
      ping_interval_ms: 30_000,
      pong_timeout_ms: 10_000,
      reconnect_initial_ms: 1000,
      reconnect_max_ms: 60_000,
      buffer_max_reports: 120,
      handshake_timeout_ms: 10_000,
      max_payload_bytes: 1024 * 1024,
      replay: 'latest',
      max_report_age_ms: 60_000,
      stable_after_ms: 30_000,
      reconnect_spread_ms: 45_000,
      rate_limits: { normal: { capacity: 60, refill_ms: 1000 }, heavy: { capacity: 10, refill_ms: 6000 }, light: { capacity: 120, refill_ms: 500 } },
    });
  });

  it.each([
    [{}, /required/],
    [{ url: 'http://hub/ws' }, /ws:\/\/ or wss:\/\//],
    [{ url: 'ws://hub/ws#x' }, /fragment/],
    [{ url: 'ws://hub/ws', token: 'x'.repeat(257) }, /at most 256/],
    [{ url: 'ws://hub/ws', ping_interval_ms: 60_000 }, /at most 50000/],
    [{ url: 'ws://hub/ws', reconnect_initial_ms: 5000, reconnect_max_ms: 1000 }, /at least reconnect_initial_ms/],
    [{ url: 'ws://hub/ws', tokn: 'x' }, /./],
    [{ url: 'ws://hub/ws', replay: 'some' }, /latest|all/],
    [{ url: 'ws://hub/ws', rate_limits: { normal: { capacity: 0 } } }, /at least 1/],
    [{ url: 'ws://hub/ws', rate_limits: { heavy: { burst: 3 } } }, /burst/],
    [{ url: 'ws://hub/ws', max_report_age_ms: 10 }, /at least 1000/],
  ])('rejects %j', async (raw, message) => {
    await expect(parseOptions(raw)).rejects.toThrow(message);
  });
});
