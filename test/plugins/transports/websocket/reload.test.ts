import * as v from 'valibot';
import { afterEach, describe, expect, it } from 'vitest';
import { Sidecar } from '../../../../src/core/sidecar.js';
import { startDevHub, type DevHub } from '../../../../src/hub/dev-hub.js';
import { websocketTransport } from '../../../../src/plugins/transports/websocket/index.js';
import { memoryLogger } from '../../../helpers/memory-logger.js';
import { testConfig } from '../../../helpers/test-config.js';
import { builtins, collector } from '../../../helpers/test-plugins.js';
import { waitFor } from './helpers.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** url is a collector that contributes its `url` option as ollama_url, as ollama-vram does. */
const url = collector('url', ['u'], () => ({ u: 1 }), {
  identifyFields: ['ollama_url'],
  options: v.looseObject({ url: v.string() }) as never,
  create: (ctx: { options: { url: string } }) => ({ collect: () => ({ u: 1 }), identify: () => ({ ollama_url: ctx.options.url }) }),
});

describe('reload with a changed ollama_url and the websocket transport', () => {
  it('keeps the connection and tells the hub with ollama_report instead of reconnecting', async () => {
    const hub: DevHub = await startDevHub({ port: 0, print: () => undefined });
    cleanups.push(() => hub.close());
    const config = (ollama: string) =>
      testConfig({
        agent: { id: 'reload-box', interval_ms: 60_000, initial_delay_ms: 60_000 },
        collectors: [{ plugin: 'url', options: { url: ollama } }],
        transports: [{ plugin: 'websocket', options: { url: hub.url } }],
      });
    const log = memoryLogger();
    const sidecar = await Sidecar.create({ config: config('http://127.0.0.1:11434'), logger: log.logger, builtins: builtins(url, websocketTransport as never) });
    cleanups.push(() => sidecar.stop(500));
    sidecar.start();
    await waitFor(() => hub.received.some((r) => r.type === 'identify'), 3000, 'identify');
    await sidecar.reload(config('http://127.0.0.1:11500'));
    await waitFor(() => hub.received.some((r) => r.type === 'ollama_report'), 3000, 'ollama_report');
    expect(hub.received.filter((r) => r.type === 'identify')).toHaveLength(1);
    expect(hub.received.find((r) => r.type === 'ollama_report')).toMatchObject({ connection: 1, accepted: true, frame: { ollama_url: 'http://127.0.0.1:11500' } });
    expect(hub.state.endpoints.get('reload-box-local')).toBe('http://127.0.0.1:11500');
    expect(sidecar.status().transports[0]!.status).toMatchObject({ reconnects: 0, identified: true });
  });
});
