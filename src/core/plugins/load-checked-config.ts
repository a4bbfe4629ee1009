import type { PluginManifest } from '../contracts/plugin.js';
import { loadConfig } from '../config/load-config.js';
import type { SidecarConfig } from '../config/sidecar-config.js';
import { ConfigError, sortProblems, type Problem } from '../errors.js';
import { resolvePlugins } from './resolve-entries.js';

/** covered tells whether a problem sits at or under a path that already has one (no double complaints). */
function covered(problem: Problem, known: readonly Problem[]): boolean {
  return known.some((k) => problem.path === k.path || problem.path.startsWith(`${k.path}.`) || problem.path.startsWith(`${k.path}[`));
}

/**
 * withPluginProblems runs a config loader. When the config has problems, the plugins of its still-valid
 * entries are checked too, so one run reports every problem: the file's and each plugin's options'.
 */
export async function withPluginProblems(
  load: () => SidecarConfig | Promise<SidecarConfig>,
  builtins: ReadonlyMap<string, PluginManifest>,
): Promise<SidecarConfig> {
  try {
    return await load();
  } catch (err) {
    if (!(err instanceof ConfigError) || err.partial === undefined) throw err;
    const more = await resolvePlugins(err.partial as SidecarConfig, builtins).then(
      () => [],
      (resolveErr: unknown) => (resolveErr instanceof ConfigError ? resolveErr.problems : []),
    );
    throw new ConfigError(err.file, sortProblems([...err.problems, ...more.filter((p) => !covered(p, err.problems))]));
  }
}

/** loadCheckedConfig loads plugins.json, reporting the file's problems and its plugins' together. */
export function loadCheckedConfig(
  file: string,
  builtins: ReadonlyMap<string, PluginManifest>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SidecarConfig> {
  return withPluginProblems(() => loadConfig(file, env), builtins);
}
