import { describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { AGENT, report, useHarness, waitFor } from './helpers.js';

const { connected, fakeHub } = useHarness();

describe('websocket transport: a connection found dead', () => {
  it('is reset (RST), so no report still queued in the kernel can reach the hub after newer ones', async () => {
    const errors: string[] = [];
    let answer = true;
    const fake = await fakeHub({
      onConnection: (conn) => (conn.ws as unknown as { _socket: Socket })._socket.on('error', (err: NodeJS.ErrnoException) => errors.push(`${conn.id}:${err.code}`)),
      onFrame: (frame, conn) => {
        if (frame.type === 'identify') {
          conn.send({ type: 'identified', agent_id: AGENT.id });
          return true;
        }
        if (frame.type === 'ping' && !answer) return true; // the first connection goes dead: no more answers
        return undefined;
      },
    });
    const t = await connected({ url: fake.url, pong_timeout_ms: 100, stable_after_ms: 0 });
    await waitFor(() => t.status().identified === true, 2000, 'identified');
    answer = false;
    t.transport.send(report(1000));
    await waitFor(() => fake.conns.length === 2, 3000, 'a new connection');
    answer = true;
    await waitFor(() => errors.length > 0, 2000, 'the reset to reach the hub');
    expect(errors).toEqual(['1:ECONNRESET']);
    t.transport.send(report(2000));
    await waitFor(() => fake.reports().length === 2, 2000, 'the newer report');
    expect(fake.reports().map((r) => r.timestamp)).toEqual([1000, 2000]);
  });
});
