import { afterEach } from 'vitest';
import type WebSocket from 'ws';
import { startDevHub, type DevHub, type DevHubOptions } from '../../src/hub/dev-hub.js';

const hubs: DevHub[] = [];

/** sockets are the test clients of a file; each is terminated after every test, before the hubs close. */
export const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});

/** hub starts a silent dev hub on a free port, closed after the test. */
export async function hub(opts: DevHubOptions = {}): Promise<DevHub> {
  const h = await startDevHub({ port: 0, print: () => undefined, ...opts });
  hubs.push(h);
  return h;
}
