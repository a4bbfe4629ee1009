import type { PluginManifest } from '../core/contracts/plugin.js';
import { isPathSpecifier } from '../core/plugins/plugin-path.js';

/**
 * BUILTIN_LOADERS imports each built-in plugin only when it is asked for, so a host that embeds the sidecar pays
 * for the plugins it runs and no others (no `ws` without the websocket transport, no `prom-client` without
 * prometheus). The names are the same as BUILTIN_PLUGINS's, which loads them all at once for the CLI.
 */
export const BUILTIN_LOADERS: ReadonlyMap<string, () => Promise<PluginManifest>> = new Map<string, () => Promise<PluginManifest>>([
  ['cpu', async () => (await import('./collectors/cpu/index.js')).cpuCollector],
  ['memory', async () => (await import('./collectors/memory/index.js')).memoryCollector],
  ['gpu', async () => (await import('./collectors/gpu/index.js')).gpuCollector],
  ['ollama-vram', async () => (await import('./collectors/ollama-vram/index.js')).ollamaVramCollector],
  ['otlp', async () => (await import('./transports/otlp/index.js')).otlpTransport],
  ['prometheus', async () => (await import('./transports/prometheus/index.js')).prometheusTransport],
  ['stdout', async () => (await import('./transports/stdout/index.js')).stdoutTransport],
  ['websocket', async () => (await import('./transports/websocket/index.js')).websocketTransport],
]);

/**
 * loadBuiltins imports the built-ins named in `names` (others are ignored: paths and package names). When a
 * name is neither, every built-in is loaded, so the "not a built-in" message can list them and suggest one.
 */
export async function loadBuiltins(names: Iterable<string> = BUILTIN_LOADERS.keys()): Promise<ReadonlyMap<string, PluginManifest>> {
  const wanted = new Set(names);
  const unknown = [...wanted].some((name) => !BUILTIN_LOADERS.has(name) && !isPathSpecifier(name));
  const chosen = [...BUILTIN_LOADERS].filter(([name]) => unknown || wanted.has(name));
  return new Map(await Promise.all(chosen.map(async ([name, load]) => [name, await load()] as const)));
}

/** pluginNames lists the `plugin` of every enabled entry in a (possibly partial) config. */
export function pluginNames(config: { collectors?: readonly unknown[]; transports?: readonly unknown[] } | undefined): string[] {
  const entries = [...(config?.collectors ?? []), ...(config?.transports ?? [])] as Array<{ plugin?: unknown; enabled?: unknown }>;
  return entries.filter((e) => e && typeof e.plugin === 'string' && e.enabled !== false).map((e) => e.plugin as string);
}
