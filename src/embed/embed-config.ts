import type { PluginManifest } from '../core/contracts/plugin.js';
import { parseConfigObject, parseConfigText, readConfigFile } from '../core/config/load-config.js';
import type { SidecarConfig } from '../core/config/sidecar-config.js';
import { ConfigError } from '../core/errors.js';
import { withPluginProblems } from '../core/plugins/load-checked-config.js';
import { loadBuiltins, pluginNames } from '../plugins/builtin-loaders.js';

/** EmbedConfigOptions say how a host's config is read. */
export interface EmbedConfigOptions {
  /** transports false drops the config's `transports` before anything reads them (no `${VAR}` of theirs is needed). */
  readonly transports: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

/** LoadedEmbedConfig is the checked config with the built-in plugins it names, already imported. */
export interface LoadedEmbedConfig {
  readonly config: SidecarConfig;
  readonly builtins: ReadonlyMap<string, PluginManifest>;
}

/**
 * loadEmbedConfig reads a host's config (a plugins.json path, or the document as an object) and imports only
 * the built-ins it names. With `transports: false` the `transports` section is removed first, so it is neither
 * substituted, validated nor loaded. Problems reject with one ConfigError listing the file's and the plugins'.
 */
export async function loadEmbedConfig(source: string | Record<string, unknown>, options: EmbedConfigOptions): Promise<LoadedEmbedConfig> {
  const env = options.env ?? process.env;
  const load = async (): Promise<SidecarConfig> => {
    if (typeof source !== 'string') return parseConfigObject(options.transports ? source : withoutTransports(source), { env });
    const text = await readConfigFile(source);
    return parseConfigText(options.transports ? text : textWithoutTransports(text), source, env);
  };
  let config: SidecarConfig;
  try {
    config = await load();
  } catch (err) {
    if (!(err instanceof ConfigError) || err.partial === undefined) throw err;
    const builtins = await loadBuiltins(pluginNames(err.partial as SidecarConfig));
    return Promise.reject(await withPluginProblems(() => Promise.reject(err), builtins).catch((e: unknown) => e));
  }
  return { config, builtins: await loadBuiltins(pluginNames(config)) };
}

function withoutTransports(doc: Record<string, unknown>): Record<string, unknown> {
  const { transports: _dropped, ...rest } = doc;
  return rest;
}

/** textWithoutTransports drops the section from a file's text; text that is not a JSON object is left for the parser to report. */
function textWithoutTransports(text: string): string {
  try {
    const doc = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return text;
    return JSON.stringify(withoutTransports(doc as Record<string, unknown>));
  } catch {
    return text;
  }
}
