import type { PluginManifest } from '../core/contracts/plugin.js';
import { cpuCollector } from './collectors/cpu/index.js';
import { gpuCollector } from './collectors/gpu/index.js';
import { memoryCollector } from './collectors/memory/index.js';
import { ollamaVramCollector } from './collectors/ollama-vram/index.js';
import { otlpTransport } from './transports/otlp/index.js';
import { prometheusTransport } from './transports/prometheus/index.js';
import { stdoutTransport } from './transports/stdout/index.js';
import { websocketTransport } from './transports/websocket/index.js';

/**
 * BUILTIN_PLUGINS lists every plugin that ships with the sidecar, keyed by the name used in plugins.json.
 * A built-in name wins over an npm package of the same name.
 */
export const BUILTIN_PLUGINS: ReadonlyMap<string, PluginManifest> = new Map<string, PluginManifest>([
  ['cpu', cpuCollector],
  ['memory', memoryCollector],
  ['gpu', gpuCollector],
  ['ollama-vram', ollamaVramCollector],
  ['otlp', otlpTransport],
  ['prometheus', prometheusTransport],
  ['stdout', stdoutTransport],
  ['websocket', websocketTransport],
]);
