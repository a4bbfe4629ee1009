import { hostname } from 'node:os';
import path from 'node:path';
import type * as v from 'valibot';
import { ConfigError, ErrorCode, sortProblems, type Problem } from '../errors.js';
import { decodeConfigText } from './decode-text.js';
import { substituteEnv } from './env-substitution.js';
import { describeSyntaxError } from './json-syntax.js';
import { agentSchema, collectorEntrySchema, configFileSchema, transportEntrySchema, type ConfigFile } from './schema.js';
import type { SidecarConfig } from './sidecar-config.js';
import { issuesToProblems, objectKeysAt, validate } from './validation-messages.js';
import { readBounded, ReadRefusal } from './read-bounded.js';

/** MAX_CONFIG_BYTES bounds what is read: a config is a few kB; a huge file is a mistake. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * readConfigFile reads the file's text: a regular file of at most 1 MiB (refused before reading otherwise), in
 * UTF-8 or UTF-16 (see decodeConfigText). Every failure is a one-line ConfigError naming the file.
 */
export async function readConfigFile(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readBounded(file, MAX_CONFIG_BYTES);
  } catch (err) {
    if (err instanceof ReadRefusal) throw new ConfigError(file, [{ code: ErrorCode.CONFIG_UNREADABLE, path: '', message: err.message }]);
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'file not found (pass --config FILE or set SIDECAR_CONFIG)'
        : code === 'EISDIR' ? 'is a directory, expected a JSON file'
          : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
            : `cannot read: ${code ?? String(err)}`;
    throw new ConfigError(file, [
      { code: code === 'ENOENT' ? ErrorCode.CONFIG_NOT_FOUND : ErrorCode.CONFIG_UNREADABLE, path: '', message: reason },
    ]);
  }
  try {
    return decodeConfigText(bytes);
  } catch (err) {
    throw new ConfigError(file, [{ code: ErrorCode.CONFIG_ENCODING, path: '', message: (err as Error).message }]);
  }
}

/** parseConfigText parses, substitutes the environment and checks plugins.json's own shape (not plugin options). */
export function parseConfigText(text: string, file: string, env: NodeJS.ProcessEnv = process.env): SidecarConfig {
  const raw = parseJson(text.replace(/^\uFEFF/, ''), file);
  const problems: Problem[] = [];
  const substituted = substituteEnv(raw, env, problems);
  const result = validate(configFileSchema, substituted);
  if (result.issues) {
    problems.push(...issuesToProblems(result.issues, [], ErrorCode.CONFIG_INVALID, (p) => objectKeysAt(configFileSchema, p)));
  }
  if (problems.length > 0 || result.issues) throw new ConfigError(file, sortProblems(problems), bestEffort(substituted, file));
  return toSidecarConfig(result.value, file);
}

function toSidecarConfig({ agent, collectors, transports }: ConfigFile, file: string): SidecarConfig {
  const id = agent.id ?? hostname().slice(0, 128);
  return {
    file,
    dir: path.dirname(path.resolve(file)),
    agent: { ...agent, id, name: agent.name ?? id },
    collectors,
    transports,
  };
}

/**
 * bestEffort keeps what is valid of a file with problems: each entry that is valid on its own (an invalid
 * one becomes a disabled placeholder, so indexes still match the file), and the agent or its defaults.
 * Plugins can then check their options too, and the user sees every problem in one run.
 */
function bestEffort(doc: unknown, file: string): SidecarConfig | undefined {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const raw = doc as Record<string, unknown>;
  const valid = <S extends v.GenericSchema>(schema: S, value: unknown): v.InferOutput<S> | undefined => {
    const result = validate(schema, value);
    return result.issues ? undefined : result.value;
  };
  const entries = <S extends v.GenericSchema>(value: unknown, schema: S, placeholder: v.InferOutput<S>): v.InferOutput<S>[] =>
    Array.isArray(value) ? value.map((item) => valid(schema, item) ?? placeholder) : [];
  const disabled = { plugin: '-', enabled: false, options: {} };
  const agent = valid(agentSchema, raw.agent ?? {}) ?? valid(agentSchema, {})!;
  return toSidecarConfig(
    {
      agent,
      collectors: entries(raw.collectors, collectorEntrySchema, { ...disabled, timeout_ms: 0, isolate: false }),
      transports: entries(raw.transports, transportEntrySchema, disabled),
    },
    file,
  );
}

/**
 * parseConfigObject checks a config given in code (embedding), as if it were a plugins.json in `dir`;
 * `name` stands for the file in messages.
 */
export function parseConfigObject(
  doc: unknown,
  options: { name?: string; dir?: string; env?: NodeJS.ProcessEnv } = {},
): SidecarConfig {
  const config = parseConfigText(JSON.stringify(doc) ?? 'undefined', options.name ?? 'config', options.env ?? process.env);
  return { ...config, dir: path.resolve(options.dir ?? process.cwd()) };
}

/** loadConfig reads and checks a plugins.json file. */
export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<SidecarConfig> {
  return parseConfigText(await readConfigFile(file), file, env);
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(file, [{ code: ErrorCode.CONFIG_SYNTAX, path: '', message: describeSyntaxError(err, text) }]);
  }
}
