/**
 * The isolation worker: runs one collector plugin in a worker thread and answers the host's calls. The host
 * has already checked the manifest and validated the options; this side only imports, creates and serves.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { Collector, CollectorManifest } from '../contracts/plugin.js';
import type { FieldValue } from '../contracts/report.js';
import { describeError } from '../errors.js';
import { notAReport, sanitizeValue } from '../merger.js';
import { manifestOf } from '../plugins/load-plugin.js';
import { workerLogger } from './worker-logger.js';
import type { CallMethod, HostMessage, WorkerInit, WorkerMessage, WorkerPlugin } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('worker-entry.js runs only as a worker thread');
const init = workerData as WorkerInit;
const post = (message: WorkerMessage) => port.postMessage(message);
const calls = new Map<number, AbortController>();
let instance: Collector | undefined;

async function loadManifest(plugin: WorkerPlugin): Promise<CollectorManifest<unknown>> {
  if ('builtin' in plugin) {
    const { BUILTIN_PLUGINS } = await import('../../plugins/builtin.js');
    const manifest = BUILTIN_PLUGINS.get(plugin.builtin);
    if (manifest?.kind !== 'collector') throw new Error(`"${plugin.builtin}" is not one of the sidecar's built-in collectors`);
    return manifest;
  }
  const manifest = manifestOf((await import(pathToFileURL(plugin.file).href)) as Record<string, unknown>);
  if (typeof (manifest as { create?: unknown } | undefined)?.create !== 'function') throw new Error(`${plugin.file} exports no plugin manifest`);
  return manifest as CollectorManifest<unknown>;
}

async function start(): Promise<void> {
  const manifest = await loadManifest(init.plugin);
  const logger = workerLogger(init.logLevel, post);
  const created = await manifest.create(Object.freeze({ ...init.context, logger }));
  if (typeof created?.collect !== 'function') throw new Error('create() must return an object with collect(signal)');
  instance = created;
}

async function call(id: number, method: CallMethod): Promise<void> {
  const controller = new AbortController();
  calls.set(id, controller);
  try {
    if (!instance) throw new Error('collector is not running');
    const value: unknown = method === 'collect' ? await instance.collect(controller.signal) : await (instance.identify?.(controller.signal) ?? {});
    const notObject = notAReport(value);
    if (notObject) throw new Error(`${method}() returned ${notObject}, not an object`);
    const clean: Record<string, FieldValue> = {};
    for (const [field, item] of Object.entries(value as Record<string, unknown>)) clean[field] = sanitizeValue(item);
    post({ type: 'result', id, value: clean });
  } catch (err) {
    post({ type: 'error', id, message: describeError(err) });
  } finally {
    calls.delete(id);
  }
}

async function dispose(): Promise<void> {
  // A dispose that arrives while the plugin is still being created (a replacement worker disposed at shutdown)
  // waits for create to settle: otherwise the instance created a moment later would never be disposed. Whether
  // the message arrives before or after create depends on the Node version's worker timing (20 vs 22 and 24).
  await started.catch(() => undefined);
  try {
    await instance?.dispose?.();
  } catch (err) {
    workerLogger(init.logLevel, post).warn({ reason: describeError(err) }, 'Plugin failed to dispose');
  }
  // The host terminates the thread when it reads this (or when its grace runs out).
  post({ type: 'disposed' });
}

port.on('message', (message: HostMessage) => {
  switch (message.type) {
    case 'call':
      void call(message.id, message.method);
      break;
    case 'abort':
      calls.get(message.id)?.abort(new Error(message.reason));
      break;
    case 'dispose':
      void dispose();
      break;
  }
});

const started = start();
started.then(
  () => post({ type: 'ready' }),
  (err: unknown) => post({ type: 'failed', message: describeError(err) }),
);
