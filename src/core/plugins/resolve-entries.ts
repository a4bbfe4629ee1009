import type { CollectorManifest, PluginManifest, TransportManifest } from '../contracts/plugin.js';
import type { StandardSchemaV1 } from '../contracts/standard-schema.js';
import { ConfigError, describeError, ErrorCode, SidecarError, sortProblems, type Problem } from '../errors.js';
import type { CollectorEntry, SidecarConfig, TransportEntry } from '../config/sidecar-config.js';
import type { JsonPath } from '../config/json-path.js';
import { issuesToProblems, objectKeysAt, ownSchema } from '../config/validation-messages.js';
import { loadPlugin, type PluginSource } from './load-plugin.js';

interface ResolvedBase {
  /** path locates the entry in plugins.json, e.g. `collectors[2]`. */
  readonly path: string;
  /** instanceId names the instance in logs: the plugin name, or `name#N` when it is configured twice. */
  readonly instanceId: string;
  readonly source: PluginSource;
  readonly location: string;
  readonly options: unknown;
}

/** ResolvedCollector is an enabled collector entry with its checked manifest and validated options. */
export interface ResolvedCollector extends ResolvedBase {
  readonly entry: CollectorEntry;
  readonly manifest: CollectorManifest<unknown>;
}

/** ResolvedTransport is an enabled transport entry with its checked manifest and validated options. */
export interface ResolvedTransport extends ResolvedBase {
  readonly entry: TransportEntry;
  readonly manifest: TransportManifest<unknown>;
}

/** ResolvedPlugins are the enabled plugins of one config, in plugins.json order. */
export interface ResolvedPlugins {
  readonly config: SidecarConfig;
  readonly collectors: readonly ResolvedCollector[];
  readonly transports: readonly ResolvedTransport[];
}

type Section = 'collectors' | 'transports';
const KIND_OF: Record<Section, PluginManifest['kind']> = { collectors: 'collector', transports: 'transport' };

/**
 * resolvePlugins loads every enabled entry's plugin and validates its options. Every problem in the file is
 * collected and thrown together as one ConfigError. Disabled entries are neither loaded nor checked, so a
 * host can disable a plugin it does not have installed.
 */
export async function resolvePlugins(
  config: SidecarConfig,
  builtins: ReadonlyMap<string, PluginManifest>,
): Promise<ResolvedPlugins> {
  const problems: Problem[] = [];
  const resolveSection = async (section: Section, entries: readonly (CollectorEntry | TransportEntry)[]) => {
    const jobs = entries.map(async (entry, index) => {
      if (!entry.enabled) return undefined;
      return resolveEntry(section, entry, index, config.dir, builtins).catch((err: unknown) => {
        problems.push(...toProblems(err, `${section}[${index}]`, entry.plugin));
        return undefined;
      });
    });
    return (await Promise.all(jobs)).filter((r): r is Resolved => r !== undefined);
  };
  const collectors = await resolveSection('collectors', config.collectors);
  const transports = await resolveSection('transports', config.transports);
  if (problems.length > 0) throw new ConfigError(config.file, sortProblems(problems));
  assignInstanceIds(collectors);
  assignInstanceIds(transports);
  return {
    config,
    collectors: collectors as ResolvedCollector[],
    transports: transports as ResolvedTransport[],
  };
}

type Resolved = Omit<ResolvedBase, 'instanceId'> & {
  instanceId: string;
  entry: CollectorEntry | TransportEntry;
  manifest: PluginManifest;
};

async function resolveEntry(
  section: Section,
  entry: CollectorEntry | TransportEntry,
  index: number,
  configDir: string,
  builtins: ReadonlyMap<string, PluginManifest>,
): Promise<Resolved> {
  const path = `${section}[${index}]`;
  const loaded = await loadPlugin(entry.plugin, configDir, builtins);
  if (loaded.manifest.kind !== KIND_OF[section]) {
    throw new SidecarError(
      ErrorCode.PLUGIN_KIND_INVALID,
      `plugin ${JSON.stringify(entry.plugin)} is a ${loaded.manifest.kind}, it cannot be listed under "${section}"`,
    );
  }
  const options = await validateOptions(loaded.manifest.options, entry.options, [section, index, 'options']);
  return { path, instanceId: loaded.manifest.name, source: loaded.source, location: loaded.location, entry, manifest: loaded.manifest, options };
}

async function validateOptions(schema: StandardSchemaV1 | undefined, raw: unknown, path: JsonPath): Promise<unknown> {
  if (!schema) return raw;
  const result = await schema['~standard'].validate(raw);
  if (result.issues) {
    // Typo hints need the schema's keys, which only the built-ins' own schemas expose.
    const own = ownSchema(schema);
    const knownKeys = own ? (at: JsonPath) => objectKeysAt(own, at.slice(path.length)) : undefined;
    throw new OptionsError(issuesToProblems(result.issues, path, ErrorCode.PLUGIN_OPTIONS_INVALID, knownKeys));
  }
  return result.value;
}

/** OptionsError carries a plugin's option problems, already located. */
class OptionsError extends Error {
  constructor(readonly problems: Problem[]) {
    super('invalid options');
  }
}

function toProblems(err: unknown, path: string, plugin: string): Problem[] {
  if (err instanceof OptionsError) return err.problems;
  const code = err instanceof SidecarError ? err.code : ErrorCode.PLUGIN_IMPORT_FAILED;
  const message = err instanceof SidecarError ? err.message : `plugin ${JSON.stringify(plugin)} failed to load: ${describeError(err)}`;
  const prefixed = message.includes(JSON.stringify(plugin)) ? message : `plugin ${JSON.stringify(plugin)}: ${message}`;
  return [{ code, path, message: prefixed }];
}

function assignInstanceIds(resolved: Resolved[]): void {
  const counts = new Map<string, number>();
  for (const r of resolved) counts.set(r.manifest.name, (counts.get(r.manifest.name) ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const r of resolved) {
    const n = (seen.get(r.manifest.name) ?? 0) + 1;
    seen.set(r.manifest.name, n);
    r.instanceId = (counts.get(r.manifest.name) ?? 0) > 1 ? `${r.manifest.name}#${n}` : r.manifest.name;
  }
}
