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
 * loadCheckedConfig loads plugins.json. When the file has problems, the plugins of its still-valid entries
 * are checked too, so one run reports every problem: the file's and each plugin's options'.
 */
export async function loadCheckedConfig(
  file: string,
  builtins: ReadonlyMap<string, PluginManifest>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SidecarConfig> {
  try {
    return await loadConfig(file, env);
  } catch (err) {
    if (!(err instanceof ConfigError) || err.partial === undefined) throw err;
    const more = await resolvePlugins(err.partial as SidecarConfig, builtins).then(
      () => [],
      (resolveErr: unknown) => (resolveErr instanceof ConfigError ? resolveErr.problems : []),
    );
    throw new ConfigError(file, sortProblems([...err.problems, ...more.filter((p) => !covered(p, err.problems))]));
  }
}
