import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { ConfigError, startSidecar, type ResourceReport, type Sidecar, type Transport } from '../src/index.js';
import { memoryLogger } from './helpers/memory-logger.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('embedding the sidecar in a host process', () => {
  it('sends reports through a transport given in code, over a connection the host already holds', async () => {
    // The host's own hub connection: a real ws server on 127.0.0.1 and a client the host opened itself.
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const frames: Array<Record<string, unknown>> = [];
    server.on('connection', (ws) => ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Record<string, unknown>)));
    const hostSocket = new WebSocket(`ws://127.0.0.1:${(server.address() as { port: number }).port}`);
    hostSocket.on('error', () => undefined);
    await once(hostSocket, 'open');
    cleanups.push(() => hostSocket.terminate());

    const viaHostConnection: Transport = {
      send: (report: ResourceReport) => hostSocket.send(JSON.stringify({ ...report, protocol_version: 1 })),
    };
    const sidecar: Sidecar = await startSidecar({
      config: {
        agent: { id: 'embedded-agent', initial_delay_ms: 0, interval_ms: 100 },
        collectors: [{ plugin: 'memory' }, { plugin: 'cpu' }],
        transports: [{ plugin: 'websocket', options: { url: 'ws://127.0.0.1:9/never-used' } }],
      },
      transports: [viaHostConnection],
      useConfiguredTransports: false,
      logger: memoryLogger().logger,
    });
    cleanups.push(() => sidecar.stop(0));
    const deadline = Date.now() + 5000;
    while (frames.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    await sidecar.stop(100);

    expect(frames.length).toBeGreaterThanOrEqual(3);
    for (const frame of frames) {
      expect(frame).toMatchObject({ type: 'resource_report', agent_id: 'embedded-agent', protocol_version: 1 });
      expect(frame.ram_total_bytes).toBeGreaterThan(0);
    }
    expect(sidecar.status().transports.map((t) => t.instanceId)).toEqual(['embedded#1']);
  });

  it('rejects a bad config given in code with every problem listed', async () => {
    const err = await startSidecar({ config: { collectors: [{ plugin: 'cpu', enabled: 'yes' }, { plugin: 'memory', options: { x: 1 } }] }, logger: memoryLogger().logger })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => p.path)).toEqual(['collectors[0].enabled', 'collectors[1].options.x']);
  });
});
