import { createServer } from 'node:net';
import type { PluginManifest, Transport } from '../../src/core/contracts/plugin.js';
import type { ResourceReport } from '../../src/core/contracts/report.js';
import { Sidecar } from '../../src/core/sidecar.js';
import { BUILTIN_PLUGINS } from '../../src/plugins/builtin.js';
import { memoryLogger, type MemoryLogger } from '../helpers/memory-logger.js';
import { testConfig } from '../helpers/test-config.js';

/** TimedRecorder keeps every report a sidecar hands its transports, and when it did. */
export class TimedRecorder implements Transport {
  readonly reports: ResourceReport[] = [];
  readonly at: number[] = [];
  send(report: ResourceReport): void {
    this.reports.push(report);
    this.at.push(Date.now());
  }
}

/** sleep waits `ms`. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** until polls `check` every 10 ms and fails after `ms` naming `what`. */
export async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** freePort finds a loopback port nobody listens on (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Cleanups runs registered teardown steps in reverse order (afterEach). */
export class Cleanups {
  readonly #steps: (() => unknown)[] = [];
  add(step: () => unknown): void {
    this.#steps.push(step);
  }
  async run(): Promise<void> {
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        await step();
      } catch {
        // Teardown of a peer that is already gone.
      }
    }
  }
}

/** RunningSidecar is a real Sidecar with a recorder of every report it produced and its captured log. */
export interface RunningSidecar {
  readonly sidecar: Sidecar;
  /** produced is every report the sidecar handed to its transports, in order (an embedded recorder). */
  readonly produced: ResourceReport[];
  /** producedAt is when each of them was handed over (Date.now()). */
  readonly producedAt: number[];
  readonly log: MemoryLogger;
  /** transport is the status of the configured transport at `index` (the websocket one, usually). */
  transport(index?: number): Record<string, unknown>;
}

/**
 * startSidecar builds a real Sidecar from a plugins.json-like document, with the built-ins plus `extra`
 * test plugins, an embedded recorder transport and a memory logger, and starts its schedule.
 */
export async function startSidecar(
  doc: Record<string, unknown>,
  extra: readonly PluginManifest[] = [],
  cleanups?: Cleanups,
  level: 'trace' | 'debug' | 'info' | 'warn' = 'debug',
): Promise<RunningSidecar> {
  const log = memoryLogger(level);
  const recorder = new TimedRecorder();
  const builtins = new Map<string, PluginManifest>([...BUILTIN_PLUGINS, ...extra.map((m) => [m.name, m] as const)]);
  const sidecar = await Sidecar.create({ config: testConfig(doc), builtins, logger: log.logger, transports: [recorder] });
  cleanups?.add(() => sidecar.stop(0));
  sidecar.start();
  return {
    sidecar,
    produced: recorder.reports,
    producedAt: recorder.at,
    log,
    transport: (index = 0) => (sidecar.status().transports[index]?.status ?? {}) as Record<string, unknown>,
  };
}
